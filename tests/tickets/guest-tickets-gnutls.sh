# Guest half of tests/tickets/run.sh: tickets from `gnutls-serv --http` to
# the ktls_ph example client, stored by ktls-phd, then a NEW connection of
# the example client resuming from the stored ticket; gnutls-serv prints
# "*** This is a resumed session" (ku-tickets-gnutls).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=tickets-gnutls
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-tickets-lib.sh"
nport=0

# tickets_gnutls_case SUITE
tickets_gnutls_case() {
	local store gport n
	case_begin tickets-gnutls "$1"
	gport=$((4600 + nport))	# a fresh port per suite
	nport=$((nport + 1))
	store=$d/store
	start_phd "$store" || { case_end; return; }
	gnutls-serv --http --disable-client-cert -p $gport \
		--x509certfile $PKI/cert.pem --x509keyfile $PKI/key.pem \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$(gnutls_cipher "$suite")" \
		> "$d/srv_out" 2> "$d/srv_err" &
	pids="$pids $!"
	wait_count "$d/srv_err" "listening on .*done" 1 ||
		{ fail "gnutls-serv did not start"; case_end; return; }
	ns_snap
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / \
		127.0.0.1 $gport > "$d/page1" 2> "$d/cli_err" ||
		fail "client 1 exited $?"
	grep -q "^ktls-ph-client: New, TLSv1.3" "$d/cli_err" ||
		fail "client 1: no full TLS 1.3 handshake"
	# gnutls-serv sends its tickets right after the handshake
	wait_ns EventsDroppedNoHelper=0 TicketsNoSecret=0
	n=$(ns_delta TicketsForwarded)
	[ "$n" -ge 1 ] || fail "no ticket forwarded"
	wait_stored "$store" "$n"
	wait_ns TicketsConsumed="$n" EventsDelivered="$n"
	get_session "$store" 127.0.0.1:$gport "$d/sess.pem" || { case_end; return; }
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / \
		--sess-in "$d/sess.pem" 127.0.0.1 $gport > "$d/page2" 2> "$d/cli2_err" ||
		fail "client 2 exited $?"
	grep -q "^ktls-ph-client: Reused, TLSv1.3" "$d/cli2_err" ||
		fail "client 2 did not resume"
	wait_for "$d/srv_out" "This is a resumed session" ||
		fail "gnutls-serv does not report a resumed session"
	[ "$(grep -c "This is a resumed session" "$d/srv_out")" = 1 ] ||
		fail "gnutls-serv reports more than one resumed session"
	case_end "$n tickets stored, resumed (gnutls-serv: This is a resumed session)"
}

for s in $SUITES; do
	tickets_gnutls_case "$s"
done
ku_end
