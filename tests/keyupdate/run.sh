#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/keyupdate/run.sh [normal|debug]
#
# KeyUpdate against real, independent TLS 1.3 peers inside the VM, for each
# of the four TLS 1.3 suites kTLS supports, all in one boot:
#
#   ku-client-openssl  the example client (ktls_ph) against `openssl
#                      s_server` sending KeyUpdates (k, K) between lines
#                      (guest-openssl.sh, also the demo)
#   ku-server-openssl  the example server (ktls_ph) against `openssl
#                      s_client` sending k and K between echoed lines
#   ku-server-gnutls   the example server against `gnutls-cli
#                      --inline-commands` sending ^rekey1^ and ^rekey^
#                      (guest-server.sh)
#   ku-client-gnutls   the example client against `gnutls-serv --echo`,
#                      whose only KeyUpdate is the update_requested one
#                      (guest-gnutls.sh)
#   ku-gnutls-client-* the GnuTLS example client (ktlsph_gnutls_attach())
#                      against `openssl s_server` sending k and K, with and
#                      without records GnuTLS read and sent before the
#                      hand-over, and against `gnutls-serv --echo`
#                      (guest-gnutls-client.sh)
#   ku-both-*          the example client against the example server:
#                      /keyupdate, /keyupdate-request, a 4 MiB echo across
#                      8 client KeyUpdates, a 4 MiB download across 8
#                      automatic server KeyUpdates (guest-both.sh)
#   ku-cli-*           `ktls-ph key-update [--request-peer] PID FD`, `get`
#                      and `detach` on the example client's socket from
#                      outside, while data flows through the example
#                      server's echo; the CLI's errors (guest-cli.sh)
#
# Each case checks the data byte for byte and ktls_ph's counters exactly,
# and prints one line "ku-<case> <suite>: ok|FAIL ...".
#
# Environment: SUITES (default: all four), KU_PARTS (default: "openssl
# server gnutls gnutls-client both cli"; without cli on the debug kernel),
# KU_TIMEOUT (VM timeout in seconds, default 2400).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
variant=${1:-normal}
# The cli part (KeyUpdates asked for from another process while the client
# reads) takes about 10 minutes on the debug kernel: it runs on the normal
# kernel only, and says so. KU_PARTS=cli runs it on the debug kernel too.
default_parts="openssl server gnutls gnutls-client both cli"
if [ "$variant" = debug ]; then
	default_parts="openssl server gnutls gnutls-client both"
	[ -n "${KU_PARTS:-}" ] ||
		echo "keyupdate[debug]: part cli not run on the debug kernel (for time; KU_PARTS=cli runs it)"
fi
parts=${KU_PARTS:-$default_parts}
kb=$("$top/scripts/build-kernel.sh" "$variant")
name=${KU_NAME:-keyupdate}
out="$top/out/$name-$variant"
rm -rf "$out"
mkdir -p "$out/pki"
"$top/scripts/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }
make -s -C "$top/userspace"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -keyout "$out/pki/key.pem" -out "$out/pki/cert.pem" 2>/dev/null

# The guest parts run one after another, each loading and unloading the
# modules; the exit status is the number of failures.
{
	echo "export PKI=$out/pki BIN=$top/userspace/build GUEST=$here"
	echo "export PARTDIR=${KU_PARTDIR:-$here}"
	[ -z "${SUITES:-}" ] || echo "export SUITES='$SUITES'"
	echo "parts='$parts'"
	cat <<'GUEST'
total=0
for part in $parts; do
	sh "$PARTDIR/guest-$part.sh"
	r=$?
	echo "ku-part $part: $r failures"
	total=$((total + r))
done
echo "ku-total: $total failures"
exit $total
GUEST
} > "$out/guest.sh"

rc=0
start=$(date +%s)
"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --add "$top/userspace/build" --add "$out/pki" \
	--add "$here" ${KU_PARTDIR:+--add "$KU_PARTDIR"} --log "$out/console.log" --timeout "${KU_TIMEOUT:-2400}" || rc=$?
# guest-openssl.sh keeps its own (demo) format: "ku ok   SUITE: ..."
tr -d '\r' < "$out/console.log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -E "^(ku|  )" | grep -v "^ku summary: .* failures$" |
	sed -e 's/^ku ok   \([A-Z0-9_]*\): /ku-client-openssl \1: ok /' \
	    -e 's/^ku FAIL \([A-Z0-9_]*\): /ku-client-openssl \1: FAIL /' || true
secs=$(( $(date +%s) - start ))
[ $rc -eq 0 ] && echo "$name[$variant]: passed (VM ${secs}s)" ||
	echo "$name[$variant]: FAILED ($rc, VM ${secs}s)"
exit $rc
