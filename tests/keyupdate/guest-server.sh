# Guest half of tests/keyupdate/run.sh: ktls_ph on the SERVER side.
#
# The example server (OpenSSL handshake, kTLS, ktls_ph attached, then plain
# recv()/send()) serves GET /echo to an independent TLS 1.3 client that sends
# 12 KeyUpdates between lines of data, 4 of them with update_requested:
#   ku-server-openssl: `openssl s_client` with its commands k and K;
#   ku-server-gnutls:  `gnutls-cli --inline-commands` with ^rekey1^ (no
#                      request) and ^rekey^ (update_requested).
# Every line must come back exactly, in order (the echo after a KeyUpdate is
# read under the client's new key, the one after update_requested is sent
# under the server's new key), and the server socket's counters must be
# exact after each step: rx_rekeys, update_requested, tx_rekeys (one answer
# per request, sent by the kernel without waiting for a write).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=server
. "$GUEST/guest-lib.sh"

# server_case openssl|gnutls SUITE
server_case() {
	local kind=$1 n=0 kreq=0 ku kur lines bytes l
	case_begin server-$kind "$2"
	start_server "$d" --ciphersuites "$suite" || { case_end; return; }
	mkfifo "$d/cli_in"
	if [ "$kind" = openssl ]; then
		# -quiet would imply -ign_eof, which turns the commands off
		openssl s_client -connect 127.0.0.1:$port -tls1_3 \
			-ciphersuites "$suite" -quiet -no_ign_eof \
			< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
		ku=k
		kur=K
	else
		gnutls-cli --insecure --inline-commands --logfile="$d/cli_log" \
			--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$(gnutls_cipher "$suite")" \
			-p $port 127.0.0.1 \
			< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
		ku='^rekey1^'
		kur='^rekey^'
	fi
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	printf 'GET /echo HTTP/1.0\r\nHost: localhost\r\n\r\n' >&4
	wait_for "$d/cli_out" "^Content-type" || fail "no response to GET /echo"
	: > "$d/expected_lines"
	while [ $n -lt 12 ] && [ -z "$why" ]; do
		# one stdin read per command: wait for each step
		l=$(printf 'data %03d before' $n)
		echo "$l" >&4
		echo "$l" >> "$d/expected_lines"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		if [ $((n % 3)) -eq 2 ]; then
			echo "$kur" >&4
			kreq=$((kreq + 1))
		else
			echo "$ku" >&4
		fi
		wait_stats server rx_rekeys=$((n + 1)) update_requested=$kreq \
			tx_rekeys=$kreq auto_rekeys=0 || break
		l=$(printf 'data %03d after' $n)
		echo "$l" >&4
		echo "$l" >> "$d/expected_lines"
		wait_for "$d/cli_out" "^$l\$" || { fail "line '$l' not echoed"; break; }
		n=$((n + 1))
	done
	# The client ends: close_notify, the server's close_notify back.
	exec 4>&-
	wait_exit $cpid 60 || fail "$kind client did not exit after its close_notify"
	[ $rc -eq 0 ] || fail "$kind client exited $rc"
	wait_exit $spid 60 || fail "ktls-ph-server did not exit"
	[ $rc -eq 0 ] || fail "ktls-ph-server exited $rc"
	if [ -z "$why" ]; then
		printf 'HTTP/1.0 200 ok\r\nContent-type: application/octet-stream\r\n\r\n' > "$d/expected"
		cat "$d/expected_lines" >> "$d/expected"
		cmp -s "$d/expected" "$d/cli_out" ||
			fail "echoed data differs from what was sent: $(cmp "$d/expected" "$d/cli_out" 2>&1)"
	fi
	bytes=$(wc -c < "$d/expected_lines")
	lines=$(wc -l < "$d/expected_lines")
	grep -q "echoed $bytes bytes" "$d/srv_err" ||
		fail "server did not echo exactly $bytes bytes"
	check_stats "server (end)" "$(server_stats "$d")" rx_rekeys=12 \
		update_requested=4 tx_rekeys=4 auto_rekeys=0 hs_records=12
	if [ "$kind" = openssl ]; then
		[ "$(grep -c '^KEYUPDATE' "$d/cli_err")" = 12 ] ||
			fail "s_client did not report 12 KEYUPDATE commands"
		! grep -q ':error:\|alert' "$d/cli_err" || fail "s_client reported an error"
	else
		[ "$(grep -c 'Rekey was completed' "$d/cli_log")" = 12 ] ||
			fail "gnutls-cli did not report 12 completed rekeys"
		! grep -qi 'error\|alert\|abnormally' "$d/cli_log" "$d/cli_err" ||
			fail "gnutls-cli reported an error"
	fi
	case_end "12 KeyUpdates from $kind (4 with update_requested), $lines lines ($bytes bytes) echoed intact; server $(server_stats "$d" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*/\1/')"
}

for s in $SUITES; do
	server_case openssl "$s"
	server_case gnutls "$s"
done
ku_end
