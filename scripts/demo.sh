#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: the main job, in a VM. Boots the test kernel, loads kTLS and
# ktls_ph (which checks its key schedule against RFC 8448 at load), then runs
# the project's example client (OpenSSL handshake, kTLS, ktls_ph attached,
# then plain read()/write() only) against `openssl s_server`, which sends 12
# KeyUpdates, one of them with update_requested, between lines of data. It
# shows what the client received and ktls_ph's counters for the socket.
# Then tickets: ktls-phd registers as helper, `openssl s_server -www` sends 2
# NewSessionTickets, the kernel derives their PSKs and ktls-phd stores them;
# `ktls-ph ticket get` turns one into an OpenSSL session and a NEW connection
# resumes from it (tests/tickets/guest-demo.sh). Then post-handshake
# authentication (tests/pha/guest-pha-demo.sh, with tests/pha's PKI made in
# the guest): as client, `openssl s_server -verify_return_error` sends a
# CertificateRequest (its command c) to the example client (--pha); the
# kernel hands it to ktls-phd, which signs with its configured client chain,
# the kernel sends Certificate, CertificateVerify and Finished, and s_server
# verifies the chain; as server, the example server's GET /pha asks `openssl
# s_client -enable_pha` for its certificate, the kernel checks the client's
# Finished, ktls-phd the chain ([pha] ca_file), and the page shows the
# verdict; then an untrusted chain ends with bad_certificate.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
"$here/install-deps.sh"
kb=$("$here/build-kernel.sh" normal)
out="$top/out/demo"
rm -rf "$out"
mkdir -p "$out/pki"
"$here/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }
make -s -C "$top/userspace"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -keyout "$out/pki/key.pem" -out "$out/pki/cert.pem" 2>/dev/null

{
	echo "PKI=$out/pki"
	echo "BIN=$top/userspace/build"
	echo "SUITES=TLS_AES_128_GCM_SHA256"
	echo "DEMO=1"
	echo "GUEST=$top/tests/keyupdate PARTDIR=$top/tests/tickets PHADIR=$top/tests/pha"
	echo "export PKI BIN SUITES DEMO GUEST PARTDIR PHADIR"
	cat <<'GUEST'
echo "== kernel $(uname -r); loading tls and ktls_ph"
sh "$GUEST/guest-openssl.sh"
r1=$?
sh "$PARTDIR/guest-demo.sh"
r2=$?
PARTDIR=$PHADIR sh "$PHADIR/guest-pha-demo.sh"
r3=$?
exit $((r1 + r2 + r3))
GUEST
} > "$out/demo-guest.sh"

rc=0
"$here/vm-run.sh" --kbuild "$kb" --script "$out/demo-guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --add "$top/userspace/build" --add "$out/pki" \
	--add "$top/tests/keyupdate" --add "$top/tests/tickets" --add "$top/tests/pha" \
	--log "$out/console.log" --timeout 600 || rc=$?
tr -d '\r' < "$out/console.log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -E "^(==|ku |ku-|  )|self-test" | grep -v "^ku-part" | sed 's/^\[ *[0-9.]*\] //' || true
[ $rc -eq 0 ] || { echo "demo: FAILED (full console log: out/demo/console.log)"; exit 1; }
echo "demo: OK (full console log: out/demo/console.log)"
