# Guest half of tests/tickets/run.sh: tickets from `openssl s_server -www
# -num_tickets 3` to the ktls_ph example client, stored by ktls-phd, then a
# NEW connection resuming from the stored ticket (ku-tickets-openssl).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=tickets-openssl
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-tickets-lib.sh"

# tickets_openssl_case SUITE
tickets_openssl_case() {
	local store tport=4433
	case_begin tickets-openssl "$1"
	store=$d/store
	start_phd "$store" || { case_end; return; }
	openssl s_server -www -accept $tport -tls1_3 -ciphersuites "$suite" \
		-num_tickets 3 -cert $PKI/cert.pem -key $PKI/key.pem \
		> "$d/srv_out" 2>&1 &
	pids="$pids $!"
	wait_for "$d/srv_out" "ACCEPT" || { fail "s_server did not start"; case_end; return; }
	ns_snap
	# 1: full handshake; s_server sends 3 tickets, then the page
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / --stats \
		127.0.0.1 $tport > "$d/page1" 2> "$d/cli_err" ||
		fail "client 1 exited $?"
	grep -q "^ktls-ph-client: New, TLSv1.3" "$d/cli_err" ||
		fail "client 1: no full TLS 1.3 handshake"
	grep -q "^New, TLSv1.3, Cipher is $suite" "$d/page1" ||
		fail "s_server's page 1 does not report a new $suite session"
	wait_stored "$store" 3
	wait_ns TicketsConsumed=3 TicketsForwarded=3 EventsQueued=3 \
		EventsDelivered=3 TicketsNoSecret=0 EventsDroppedNoHelper=0
	grep -q "ticket stored" "$d/phd_err" || fail "ktls-phd logged no stored ticket"
	# secrets never go to the log: none of the stored PSKs appears in it
	for psk in $(sed -n 's/^psk=//p' $(find "$store" -type f -name '*.ticket')); do
		[ -n "$psk" ] || continue
		if grep -qi "$psk" "$d/phd_err"; then fail "ktls-phd logged a PSK"; fi
	done
	[ -n "$(sed -n 's/^psk=//p' $(find "$store" -type f -name '*.ticket'))" ] ||
		fail "no PSK in the stored tickets"
	get_session "$store" 127.0.0.1:$tport "$d/sess.pem" || { case_end; return; }
	# 2: openssl s_client resumes from the stored ticket
	printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -connect 127.0.0.1:$tport \
		-tls1_3 -ciphersuites "$suite" -sess_in "$d/sess.pem" -ign_eof \
		> "$d/sclient" 2>&1
	grep -q "^Reused, TLSv1.3, Cipher is $suite" "$d/sclient" ||
		fail "s_client did not resume from the stored ticket"
	# s_client's own line, then the same line in s_server's page
	[ "$(grep -c "^Reused, TLSv1.3, Cipher is $suite" "$d/sclient")" -ge 2 ] ||
		fail "s_server's page does not report the s_client session as reused"
	# 3: the example client resumes too, kTLS and ktls_ph on the socket;
	# after a resumption s_server sends 1 more ticket (stored: 4)
	get_session "$store" 127.0.0.1:$tport "$d/sess2.pem" || { case_end; return; }
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / \
		--sess-in "$d/sess2.pem" 127.0.0.1 $tport > "$d/page3" 2> "$d/cli3_err" ||
		fail "client 3 exited $?"
	grep -q "^ktls-ph-client: Reused, TLSv1.3" "$d/cli3_err" ||
		fail "client 3 did not resume"
	grep -q "^Reused, TLSv1.3, Cipher is $suite" "$d/page3" ||
		fail "s_server's page 3 does not report a reused session"
	wait_stored "$store" 4
	wait_ns TicketsForwarded=4 EventsDelivered=4
	# store files: 0600 in a 0700 directory
	[ -z "$(find "$store" -type f ! -perm 600)" ] || fail "store file not mode 0600"
	[ -z "$(find "$store" -type d ! -perm 700)" ] || fail "store directory not mode 0700"
	case_end "3 tickets stored, resumed by s_client and by the ktls_ph client, 1 more ticket"
}

for s in $SUITES; do
	tickets_openssl_case "$s"
done
echo "  /proc/net/ktls_ph after tickets-openssl:"
grep -E "^(Tickets|Events|Helper|Attach|Alert)" /proc/net/ktls_ph | tr -s ' ' | sed 's/^/  | /'
ku_end
