# Guest half of tests/keyupdate/run.sh: the ktls_ph CLIENT against GnuTLS's
# own server, `gnutls-serv --echo` (ku-client-gnutls).
#
# gnutls-serv has no option or command for a plain KeyUpdate. It does send
# one in TLS 1.3: a client line "**REHANDSHAKE**" makes it call
# gnutls_rehandshake(), which under TLS 1.3 is
# gnutls_session_key_update(GNUTLS_KU_PEER), a KeyUpdate with
# update_requested, and it answers "Successfully executed command". So this
# case covers server KeyUpdates with update_requested only (the ones without
# a request are covered against openssl s_server in guest-openssl.sh).
#
# The example client (plain read()/write() after attach) also sends
# KeyUpdates of its own (--keyupdate-every: one after every 48 bytes, i.e.
# after each round's third line), to check GnuTLS follows ktls_ph's send
# side. GnuTLS refuses more than 8 KeyUpdates in a second
# (lib/tls13/key_update.c, KEY_UPDATES_PER_WINDOW), so the whole case sends
# it 8: 4 answers and 4 of the client's own.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=gnutls
. "$GUEST/guest-lib.sh"

# client_gnutls_case SUITE
client_gnutls_case() {
	local n=0 l gport
	case_begin client-gnutls "$1"
	gport=$((4500 + nport))	# a fresh port per suite
	nport=$((nport + 1))
	gnutls-serv --echo --disable-client-cert -p $gport \
		--x509certfile $PKI/cert.pem --x509keyfile $PKI/key.pem \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$(gnutls_cipher "$suite")" \
		> "$d/srv_out" 2> "$d/srv_err" &
	pids="$pids $!"
	wait_count "$d/srv_err" "listening on .*done" 1 ||
		{ fail "gnutls-serv did not start"; case_end; return; }
	mkfifo "$d/cli_in"
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --keyupdate-every 48 \
		--stats 127.0.0.1 $gport < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	: > "$d/expected"
	# Every line is 16 bytes, so each KeyUpdate of the client's own falls
	# between two lines.
	while [ $n -lt 4 ] && [ -z "$why" ]; do
		l=$(printf 'data %03d before' $n)
		echo "$l" >&4
		echo "$l" >> "$d/expected"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		echo '**REHANDSHAKE**' >&4
		echo 'Successfully executed command' >> "$d/expected"
		wait_count "$d/cli_out" "^Successfully executed command\$" $((n + 1)) ||
			{ fail "gnutls-serv did not run command $n"; break; }
		# the server's KeyUpdate came before its answer; the client's
		# kernel answers it without waiting for a write
		wait_stats client rx_rekeys=$((n + 1)) update_requested=$((n + 1)) \
			tx_rekeys=$((2 * n + 1)) auto_rekeys=0 || break
		l=$(printf 'data %03d after ' $n)
		echo "$l" >&4
		echo "$l" >> "$d/expected"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		# 48 bytes sent in this round: the client's own KeyUpdate
		wait_stats client tx_rekeys=$((2 * n + 2)) || break
		n=$((n + 1))
	done
	# gnutls-serv reads data after the client's last KeyUpdate
	l='data end .......'
	echo "$l" >&4
	echo "$l" >> "$d/expected"
	wait_for "$d/cli_out" "^$l\$" || fail "line '$l' not echoed"
	exec 4>&-
	wait_exit $cpid 60 || fail "client did not exit after its close_notify"
	[ $rc -eq 0 ] || fail "client exited $rc"
	[ -n "$why" ] || cmp -s "$d/expected" "$d/cli_out" ||
		fail "received data differs from what was sent: $(cmp "$d/expected" "$d/cli_out" 2>&1)"
	# 4 KeyUpdates received, all with update_requested, 4 answers + 4 own
	# sent; hs_records: the 4 KeyUpdates and gnutls-serv's 2 tickets
	check_stats "client (end)" "$(client_stats "$d")" rx_rekeys=4 \
		update_requested=4 tx_rekeys=8 auto_rekeys=0 hs_records=6
	[ "$(grep -c 'Sending rehandshake request' "$d/srv_err")" = 4 ] ||
		fail "gnutls-serv did not report 4 KeyUpdate requests sent"
	! grep -qi 'error\|alert' "$d/srv_err" "$d/srv_out" ||
		fail "gnutls-serv reported an error: $(grep -i 'error\|alert' "$d/srv_err" "$d/srv_out" | head -n 3)"
	case_end "4 KeyUpdates with update_requested from gnutls-serv, 4 of the client's own, $(wc -l < "$d/expected") lines intact; client $(client_stats "$d" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*\(hs_records=[0-9]*\).*/\1 \2/')"
}

nport=0
for s in $SUITES; do
	client_gnutls_case "$s"
done
ku_end
