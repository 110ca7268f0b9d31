#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pha/run.sh [normal|debug]
#
# Post-handshake client authentication (RFC 8446 4.6.2) against real,
# independent TLS 1.3 peers inside the VM, in one boot, with the helper
# daemon ktls-phd and a test PKI made in the guest (a root, an
# intermediate, P-256 and Ed25519 client certificates, and an untrusted
# root with its own client certificate):
#
#   ku-pha-client-*  ktls_ph on the client: the example client (--pha)
#                    against `openssl s_server` sending CertificateRequests
#                    (stdin command c): answered and verified by s_server
#                    (each suite), answered after KeyUpdates while the
#                    helper is stopped, declined by policy, peer rule, no
#                    certificate, no helper and timeout, an allow_peer
#                    rule, an untrusted chain (unknown_ca from s_server),
#                    a key that is not the certificate's (decrypt_error
#                    from s_server), certificates of 7 KiB (a transcript
#                    and an answer over a page),
#                    the answer sent while the client streams data,
#                    post_handshake_auth not offered (guest-pha-client.sh)
#   ku-pha-server-*  ktls_ph on the server: the example server's GET /pha
#                    against `openssl s_client -enable_pha` and `gnutls-cli
#                    --post-handshake-auth` with a valid chain (verdict ok),
#                    an untrusted one (bad_certificate, alert 42), a key
#                    that is not the certificate's (s_client only:
#                    decrypt_error, alert 51), a 7 KiB chain, none
#                    (no-certificate; certificate_required, alert 116, with
#                    require_certificate), and the errors without
#                    post_handshake_auth and without a helper; `ktls-ph
#                    pha-request` and `get` on an echoing server's socket
#                    (guest-pha-server.sh)
#   ku-pha-both      ktls_ph on both ends: the example client (--pha
#                    --hold) gets /pha from the example server, one
#                    ktls-phd for both roles (guest-pha-server.sh)
#
# Each case checks what the peer saw, the verdicts, the daemon's log and
# the namespace counters of /proc/net/ktls_ph exactly, and prints
# "ku-<case> <suite>: ok|FAIL ...". It reuses tests/keyupdate's runner and
# guest helpers (output in out/pha-<variant>/).
#
# Environment: SUITES (default: all four on the normal kernel, and
# TLS_AES_256_GCM_SHA384 alone on the debug kernel, for time: the KUnit
# suites cover all four there; the accept and valid-certificate cases run
# for each, the others with the first), PHA_PARTS (default: "pha-client
# pha-server"), KU_TIMEOUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-normal}" = debug ] && [ -z "${SUITES:-}" ]; then
	SUITES=TLS_AES_256_GCM_SHA384
	export SUITES
	echo "pha[debug]: suite $SUITES only (for time; SUITES=... runs others)"
fi
KU_NAME=pha KU_PARTDIR=$here \
	KU_PARTS=${PHA_PARTS:-"pha-client pha-server"} \
	exec "$here/../keyupdate/run.sh" "$@"
