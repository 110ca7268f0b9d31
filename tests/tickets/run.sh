#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/tickets/run.sh [normal|debug]
#
# NewSessionTickets and resumption against real, independent TLS 1.3
# servers inside the VM, in one boot, with the helper daemon ktls-phd:
#
#   ku-tickets-openssl  the example client (ktls_ph, plain read()/write())
#                       gets 3 tickets from `openssl s_server -www
#                       -num_tickets 3`; ktls-phd stores exactly 3; `ktls-ph
#                       ticket get` writes one as a PEM session; a NEW
#                       connection resumes with it: `openssl s_client
#                       -sess_in` and the example client (--sess-in), and
#                       the server's page says "Reused, TLSv1.3"
#                       (guest-tickets-openssl.sh)
#   ku-tickets-gnutls   the same against `gnutls-serv --http`, which prints
#                       "This is a resumed session" (guest-tickets-gnutls.sh)
#   ku-tickets-*        the helper's life (guest-tickets-helper.sh): no
#                       helper (tickets dropped and counted, connection
#                       fine), no resumption secret (consumed, not
#                       forwarded), tickets with KeyUpdates and data around
#                       them, the helper killed while the connection lives
#                       and restarted, a second helper refused, SIGTERM
#
# Each case checks data, the namespace counters of /proc/net/ktls_ph and
# the ticket store exactly, and prints "ku-<case> <suite>: ok|FAIL ...".
# It reuses tests/keyupdate's runner and guest helpers.
#
# Environment: SUITES (default: all four), TK_PARTS (default:
# "tickets-openssl tickets-gnutls tickets-helper"), KU_TIMEOUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KU_NAME=tickets KU_PARTDIR=$here \
	KU_PARTS=${TK_PARTS:-"tickets-openssl tickets-gnutls tickets-helper"} \
	exec "$here/../keyupdate/run.sh" "$@"
