#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/ktls-phd/run.sh [normal|debug]
#
# ktls-phd, the helper daemon, against the real module inside the VM
# (guest.sh): registration (and EBUSY for a second daemon, with the
# kernel's message), tickets from `openssl s_server` received by the
# example client and stored, for each of the four TLS 1.3 suites, resumed
# with `ktls-ph ticket get` + `openssl s_client -sess_in` and
# `ktls-ph-client --sess-in`, the store's modes and per-peer cap, counters,
# SIGUSR1/SIGTERM/SIGINT, tickets dropped without a helper. Prints one line
# "phd ok|FAIL ..." per check; the exit status is the number of failures.
#
# Environment: KTLS_PH_OUT (directory for this run's files, default out/),
# PHD_BUILD (userspace build directory, relative to userspace/, default
# build), PHD_TIMEOUT (VM timeout in seconds, default 900).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
variant=${1:-normal}
out="${KTLS_PH_OUT:-$top/out}/ktls-phd-$variant"
build=${PHD_BUILD:-build}
kb=$("$top/scripts/build-kernel.sh" "$variant")
rm -rf "$out"
mkdir -p "$out/pki"
"$top/scripts/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }
make -s -C "$top/userspace" O="$build"
bin=$(cd "$top/userspace" && readlink -f "$build")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -keyout "$out/pki/key.pem" -out "$out/pki/cert.pem" 2>/dev/null
{
	echo "export PKI=$out/pki BIN=$bin"
	cat "$here/guest.sh"
} > "$out/guest.sh"

rc=0
"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --add "$bin/ktls-phd" --add "$bin/ktls-ph" \
	--add "$bin/ktls-ph-client" --add "$out/pki" --log "$out/console.log" \
	--timeout "${PHD_TIMEOUT:-900}" || rc=$?
tr -d '\r' < "$out/console.log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -v '^\[' || true
[ $rc -eq 0 ] && echo "ktls-phd[$variant]: passed" ||
	echo "ktls-phd[$variant]: FAILED ($rc)"
exit $rc
