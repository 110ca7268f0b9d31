#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-kunit.sh [normal|debug]
#
# Build the test kernel variant (cached) and the modules against it, boot it,
# load tls.ko, ktls_ph.ko and ktls_ph_kunit.ko (whose suites run at load),
# unload them, and summarise the KTAP output with the kernel's own
# `kunit.py parse`. Fails when a test fails, when the VM saw a crash, splat
# or leak, or when any suite declared in kunit/*.c did not report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
variant=${1:-normal}

kb=$("$here/build-kernel.sh" "$variant")
src=$(readlink -f "$kb/source")
out="${KTLS_PH_OUT:-$top/out}/$variant"
mkdir -p "$out"
"$here/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }

cat > "$out/kunit-guest.sh" <<'GUEST'
set -e
insmod ./tls.ko
insmod ./ktls_ph.ko
insmod ./ktls_ph_kunit.ko
echo "counters of the namespace the suites ran in:"
cat /proc/net/ktls_ph
rmmod ktls_ph_kunit
rmmod ktls_ph
rmmod tls
GUEST

rc=0
"$here/vm-run.sh" --kbuild "$kb" --script "$out/kunit-guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --ko "$out/modules/ktls_ph_kunit.ko" \
	--log "$out/kunit-console.log" --timeout 900 || rc=$?

# The boot prints an empty KTAP header for built-in suites (there are none):
# parse only what the test modules printed, without the serial line's CRs.
tr -d '\r' < "$out/kunit-console.log" |
	sed -n '/KTLS_PH_VM: running test/,$p' > "$out/kunit-ktap.log"
echo "run-kunit[$variant]: kunit.py parse:"
python3 "$src/tools/testing/kunit/kunit.py" parse "$out/kunit-ktap.log" \
	> "$out/kunit-summary.txt" 2>&1 || rc=1
cat "$out/kunit-summary.txt"

# Every suite the sources declare must have reported "ok".
for s in $(sed -n 's/^\s*\.name = "\(ktls_ph_[a-z0-9_]*\)",.*/\1/p' "$top"/kunit/*.c); do
	if grep -Eq "(^|\] |^\s+)ok [0-9]+ $s\$" "$out/kunit-ktap.log"; then
		echo "run-kunit[$variant]: suite $s: ok"
	else
		echo "run-kunit[$variant]: suite $s: FAILED or missing"
		rc=1
	fi
done
exit $rc
