#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/harness/run.sh [normal|debug]
#
# Tests the VM runner itself: a guest exit status must come back unchanged,
# and every kind of kernel failure must make vm-run.sh fail and name it.
# ktls_ph_splat.ko (tests/harness/splat.c, built only here) triggers each
# failure on purpose. On the normal kernel: WARN, oops, panic, timeout, and
# a guest that never reports. On the debug kernel also: KASAN and lockdep.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
variant=${1:-normal}
kb=$("$top/scripts/build-kernel.sh" "$variant") || exit 1
out="$top/out/harness-$variant"
rm -rf "$out"
mkdir -p "$out"
"$top/scripts/build-module.sh" "$kb" "$out/modules" KTLS_PH_TEST_MODULES=1 \
	> "$out/module-build.log" 2>&1 || { cat "$out/module-build.log"; exit 1; }

pass=0 fail=0

# expect NAME WANT_RC WANT_MESSAGE TIMEOUT GUEST_SCRIPT_TEXT
# WANT_RC is the exit status vm-run.sh must return; WANT_MESSAGE, if not
# empty, must appear in its diagnostics.
expect() {
	local name=$1 want_rc=$2 want_msg=$3 tmo=$4 text=$5 rc=0
	printf '%s\n' "$text" > "$out/$name.sh"
	"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/$name.sh" \
		--ko "$out/modules/ktls_ph_splat.ko" --timeout "$tmo" \
		--log "$out/$name.console" --quiet > "$out/$name.out" 2>&1 || rc=$?
	local diag
	diag=$(grep "vm-run: FAILED" "$out/$name.out" || true)
	if [ "$rc" -ne "$want_rc" ]; then
		echo "harness[$variant] FAIL $name: vm-run returned $rc, want $want_rc ($diag)"
		fail=$((fail + 1))
	elif [ -n "$want_msg" ] && ! grep -q -- "$want_msg" <<< "$diag"; then
		echo "harness[$variant] FAIL $name: diagnostics do not name '$want_msg': $diag"
		fail=$((fail + 1))
	else
		echo "harness[$variant] ok   $name: rc $rc ${diag:+($diag)}"
		pass=$((pass + 1))
	fi
}

splat() { echo "insmod ./ktls_ph_splat.ko what=$1; echo splat returned; exit 0"; }

expect exit-0 0 "" 120 "exit 0"
expect exit-7 7 "" 120 "exit 7"
expect warn 1 "WARN" 120 "$(splat warn)"
expect oops 1 "oops" 120 "$(splat oops)"
expect panic 1 "kernel panic" 120 "$(splat panic)"
expect timeout 1 "timeout after" 60 "sleep 100000"
expect no-exit-status 1 "did not report an exit status" 120 "reboot -f; sleep 100"
if [ "$variant" = debug ]; then
	expect kasan 1 "KASAN report" 300 "$(splat kasan)"
	expect lockdep 1 "lockdep" 300 "$(splat lockdep)"
	# Not yet: kmemleak reports nothing for splat's deliberate leak on
	# this kernel (to be investigated), so leak detection is unproven.
	# expect leak 1 "kmemleak report" 300 "$(splat leak)"
fi
echo "harness[$variant]: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
