# Guest half of tests/keyupdate/run.sh: the GnuTLS example client
# (ktls-ph-gnutls-client: GnuTLS handshake, ktlsph_gnutls_attach(), then
# plain read()/write()) against independent TLS 1.3 servers.
#
#   ku-gnutls-client-openssl  `openssl s_server` sends 12 KeyUpdates (k, and
#                             one K) between 24 lines, and its 2 tickets,
#                             all read by the kernel (the guest-openssl.sh
#                             scenario); kTLS starts at record 0 both ways
#   ku-gnutls-client-echo     --echo-first: GnuTLS itself reads s_server's 2
#                             tickets and a greeting and sends the greeting
#                             back, so kTLS starts at receive record 3 and
#                             send record 1; then k and K between lines
#   ku-gnutls-client-gnutls   `gnutls-serv --echo`: 2 KeyUpdates with
#                             update_requested (**REHANDSHAKE**), GnuTLS on
#                             both ends
#
# Lines are checked exactly, counters exactly after each step (`ktls-ph
# list`) and at the end (the client's --stats).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=gnutls-client
. "$GUEST/guest-lib.sh"

# gstats DIR: the counters ktls-ph-gnutls-client printed (--stats)
gstats() {
	sed -n 's/^ktls-ph-gnutls-client: stats: //p' "$1/cli_err" | tail -n 1
}

# start_s_server PORT: openssl s_server for one connection, stdin from the
# fifo $d/srv_in (written through fd 3); sets spid
start_s_server() {
	mkfifo "$d/srv_in"
	openssl s_server -accept "$1" -naccept 1 -tls1_3 -ciphersuites "$suite" \
		-cert "$PKI/cert.pem" -key "$PKI/key.pem" -ign_eof \
		< "$d/srv_in" > "$d/srv_out" 2>&1 &
	spid=$!
	pids="$pids $spid"
	exec 3> "$d/srv_in"
	wait_for "$d/srv_out" ACCEPT || { fail "s_server did not start"; return 1; }
}

# start_client PORT ARGS...: the example client, stdin from the fifo
# $d/cli_in (written through fd 4); sets cpid
start_client() {
	local p=$1
	shift
	mkfifo "$d/cli_in"
	"$BIN/ktls-ph-gnutls-client" --insecure --ciphersuite "$suite" --stats \
		"$@" 127.0.0.1 "$p" < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
}

# s_server_round N K|k: one s_server line, a KeyUpdate, another line, and a
# client line back; the client's counters must then be exactly the rest
s_server_round() {
	local n=$1 cmd=$2
	shift 2
	echo "line $n before" >&3
	echo "line $n before" >> "$d/expected"
	wait_for "$d/cli_out" "^line $n before\$" || { fail "line $n before lost"; return 1; }
	# s_server takes k/K only as a whole read of its own: one at a time
	echo "$cmd" >&3
	wait_stats client "$@" || return 1
	echo "line $n after" >&3
	echo "line $n after" >> "$d/expected"
	wait_for "$d/cli_out" "^line $n after\$" || { fail "line $n after lost"; return 1; }
	echo "client $n" >&4
	wait_for "$d/srv_out" "^client $n\$" || { fail "client write $n lost"; return 1; }
}

# end_s_server_case: the client ends first (close_notify both ways)
end_s_server_case() {
	exec 4>&-
	wait_exit $cpid 60 || fail "client did not exit after its close_notify"
	[ "$rc" -eq 0 ] || fail "client exited $rc"
	exec 3>&-
	wait_exit $spid 60 || fail "s_server did not exit"
	[ -n "$why" ] || cmp -s "$d/expected" "$d/cli_out" ||
		fail "client output differs: $(cmp "$d/expected" "$d/cli_out" 2>&1)"
	! grep -qi 'error\|alert' "$d/srv_out" ||
		fail "s_server reported an error: $(grep -i 'error\|alert' "$d/srv_out" | head -n 2)"
}

gnutls_client_openssl_case() {
	local n=0 req=0 cmd p
	case_begin gnutls-client-openssl "$1"
	p=$((4600 + nport))
	nport=$((nport + 1))
	: > "$d/expected"
	start_s_server $p || { case_end; return; }
	start_client $p
	echo "hello from client" >&4
	wait_for "$d/srv_out" "^hello from client\$" || fail "first client line lost"
	grep -q "send 0, receive 0" "$d/cli_err" ||
		fail "handed over at other sequence numbers than 0/0: $(grep handing "$d/cli_err")"
	# s_server's 2 tickets, read by kTLS and consumed by ktls_ph
	[ -n "$why" ] || wait_stats client rx_rekeys=0 tx_rekeys=0 hs_records=2
	while [ $n -lt 12 ] && [ -z "$why" ]; do
		cmd=k
		if [ $n -eq 5 ]; then
			cmd=K
			req=1
		fi
		s_server_round $n $cmd rx_rekeys=$((n + 1)) update_requested=$req \
			tx_rekeys=$req auto_rekeys=0 hs_records=$((n + 3)) || break
		n=$((n + 1))
	done
	end_s_server_case
	check_stats "client (end)" "$(gstats "$d")" rx_rekeys=12 \
		update_requested=1 tx_rekeys=1 auto_rekeys=0 hs_records=14
	case_end "12 server KeyUpdates (1 with update_requested) and 2 tickets, 24 lines intact, 13 client writes delivered; client $(gstats "$d" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*\(hs_records=[0-9]*\).*/\1 \2/')"
}

gnutls_client_echo_case() {
	local p
	case_begin gnutls-client-echo "$1"
	p=$((4600 + nport))
	nport=$((nport + 1))
	start_s_server $p || { case_end; return; }
	start_client $p --echo-first
	wait_for "$d/cli_err" "handshake done" || fail "no handshake"
	# GnuTLS reads the 2 tickets and this line, and sends it back
	echo "greeting from the server" >&3
	echo "greeting from the server" > "$d/expected"
	wait_for "$d/srv_out" "^greeting from the server\$" ||
		fail "the greeting did not come back"
	wait_for "$d/cli_err" "kTLS on" || fail "no hand-over"
	grep -q "send 1, receive 3" "$d/cli_err" ||
		fail "expected the hand-over at send 1, receive 3: $(grep -i 'handing\|fail' "$d/cli_err")"
	# the tickets went to GnuTLS, not to ktls_ph
	[ -n "$why" ] || wait_stats client rx_rekeys=0 tx_rekeys=0 hs_records=0
	[ -n "$why" ] || s_server_round 0 k rx_rekeys=1 update_requested=0 \
		tx_rekeys=0 hs_records=1
	[ -n "$why" ] || s_server_round 1 K rx_rekeys=2 update_requested=1 \
		tx_rekeys=1 hs_records=2
	end_s_server_case
	check_stats "client (end)" "$(gstats "$d")" rx_rekeys=2 \
		update_requested=1 tx_rekeys=1 auto_rekeys=0 hs_records=2
	case_end "2 tickets and a greeting read and echoed by GnuTLS, hand-over at send 1/receive 3, then 2 server KeyUpdates, 5 lines intact; client $(gstats "$d" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*\(hs_records=[0-9]*\).*/\1 \2/')"
}

gnutls_client_gnutls_case() {
	local n=0 l p
	case_begin gnutls-client-gnutls "$1"
	p=$((4700 + nport))
	nport=$((nport + 1))
	gnutls-serv --echo --disable-client-cert -p $p \
		--x509certfile "$PKI/cert.pem" --x509keyfile "$PKI/key.pem" \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$(gnutls_cipher "$suite")" \
		> "$d/srv_out" 2> "$d/srv_err" &
	pids="$pids $!"
	wait_count "$d/srv_err" "listening on .*done" 1 ||
		{ fail "gnutls-serv did not start"; case_end; return; }
	start_client $p
	: > "$d/expected"
	while [ $n -lt 2 ] && [ -z "$why" ]; do
		l="data $n before"
		echo "$l" >&4
		echo "$l" >> "$d/expected"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		echo '**REHANDSHAKE**' >&4
		echo 'Successfully executed command' >> "$d/expected"
		wait_count "$d/cli_out" "^Successfully executed command\$" $((n + 1)) ||
			{ fail "gnutls-serv did not run command $n"; break; }
		# gnutls-serv's 2 tickets, then one KeyUpdate per command,
		# answered by the client's kernel
		wait_stats client rx_rekeys=$((n + 1)) update_requested=$((n + 1)) \
			tx_rekeys=$((n + 1)) auto_rekeys=0 hs_records=$((n + 3)) || break
		l="data $n after"
		echo "$l" >&4
		echo "$l" >> "$d/expected"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		n=$((n + 1))
	done
	exec 4>&-
	wait_exit $cpid 60 || fail "client did not exit after its close_notify"
	[ "$rc" -eq 0 ] || fail "client exited $rc"
	[ -n "$why" ] || cmp -s "$d/expected" "$d/cli_out" ||
		fail "received data differs from what was sent: $(cmp "$d/expected" "$d/cli_out" 2>&1)"
	check_stats "client (end)" "$(gstats "$d")" rx_rekeys=2 \
		update_requested=2 tx_rekeys=2 auto_rekeys=0 hs_records=4
	! grep -qi 'error\|alert' "$d/srv_err" "$d/srv_out" ||
		fail "gnutls-serv reported an error: $(grep -i 'error\|alert' "$d/srv_err" "$d/srv_out" | head -n 3)"
	case_end "2 KeyUpdates with update_requested and 2 tickets from gnutls-serv, $(wc -l < "$d/expected") lines intact; client $(gstats "$d" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*\(hs_records=[0-9]*\).*/\1 \2/')"
}

nport=0
for s in $SUITES; do
	gnutls_client_openssl_case "$s"
	gnutls_client_echo_case "$s"
	gnutls_client_gnutls_case "$s"
done
ku_end
