#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/keyupdate/run.sh [normal|debug]
#
# KeyUpdate against real, independent TLS 1.3 peers inside the VM: the
# project's example client (OpenSSL handshake, then kTLS + ktls_ph, then
# plain read()/write() only) talks to `openssl s_server`, which sends
# KeyUpdates (`k`) and KeyUpdates with update_requested (`K`) between lines
# of data. Every line must arrive in order, the client's own writes after
# each key change must reach the server, and ktls_ph's counters must match.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
variant=${1:-normal}
kb=$("$top/scripts/build-kernel.sh" "$variant")
out="$top/out/keyupdate-$variant"
rm -rf "$out"
mkdir -p "$out/pki"
"$top/scripts/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }
make -s -C "$top/userspace"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -keyout "$out/pki/key.pem" -out "$out/pki/cert.pem" 2>/dev/null

{
	echo "PKI=$out/pki"
	echo "BIN=$top/userspace/build"
	cat "$here/guest-openssl.sh"
} > "$out/guest.sh"

rc=0
"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --add "$top/userspace/build" --add "$out/pki" \
	--log "$out/console.log" --timeout 900 || rc=$?
tr -d '\r' < "$out/console.log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -E "^(ku |  )" || true
[ $rc -eq 0 ] && echo "keyupdate[$variant]: passed" || echo "keyupdate[$variant]: FAILED ($rc)"
exit $rc
