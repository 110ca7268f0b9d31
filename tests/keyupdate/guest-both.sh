# Guest half of tests/keyupdate/run.sh: ktls_ph on BOTH ends, the example
# client against the example server (each: OpenSSL handshake, kTLS, ktls_ph
# attached, then plain recv()/send()).
#
#   ku-both-keyupdate          GET /keyupdate: the server sends a KeyUpdate,
#                              then its answer under the new key
#   ku-both-keyupdate-request  GET /keyupdate-request: the same with
#                              update_requested; the client's kernel answers
#   ku-both-echo               GET /echo, 4 MiB of the test pattern both ways,
#                              the client sending a KeyUpdate with
#                              update_requested after every 512 KiB (8), the
#                              server's kernel answering each
#   ku-both-bytes              GET /bytes/4194304 from a server with
#                              --rekey-bytes 500000: 8 automatic KeyUpdates
#                              in the download
#   ku-both-splice             GET /echo, 4 MiB both ways, the client sending
#                              with sendfile() (8 KeyUpdates, one per 512 KiB)
#                              and receiving with splice(), the server
#                              rekeying by itself every 500000 bytes
#
# There is no `ktls-ph key-update` command (the netlink API names the socket
# by a file descriptor of the caller), so the server's KeyUpdates come from
# its request paths and its automatic limit. The data is checked by the
# client (pattern, exact length); the counters of both ends are the exact
# final values: the client's (--stats) after the server's close_notify, the
# server's (--stats) after the client's close_notify.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=both
. "$GUEST/guest-lib.sh"

# run_client ARGS...: the example client against the server on $port,
# stdin held open (a fifo) so that it ends when the server does, not at
# stdin EOF; waits for both and checks their exit status
run_client() {
	mkfifo "$d/cli_in"
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --stats "$@" \
		127.0.0.1 $port < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	wait_exit $cpid 120 || fail "client did not end"
	[ $rc -eq 0 ] || fail "client exited $rc: $(grep -v '^ktls-ph-client: stats' "$d/cli_err" | tail -n 1)"
	exec 4>&-
	wait_exit $spid 60 || fail "ktls-ph-server did not exit"
	[ $rc -eq 0 ] || fail "ktls-ph-server exited $rc"
}

# short COUNTERS: the interesting part of a stats line
short() {
	echo "$1" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]* auto_rekeys=[0-9]*\).*/\1/'
}

# keyupdate_case SUITE 0|1: GET /keyupdate or /keyupdate-request
keyupdate_case() {
	local req=$2 path=/keyupdate name=keyupdate
	[ "$req" = 1 ] && { path=/keyupdate-request; name=keyupdate-request; }
	case_begin both-$name "$1"
	start_server "$d" --ciphersuites "$suite" || { case_end; return; }
	run_client --get $path
	grep -q "^HTTP/1.0 200 ok" "$d/cli_err" || fail "no 200 response"
	grep -q "^KeyUpdate sent (request_peer=$req)\$" "$d/cli_out" ||
		fail "response body is not 'KeyUpdate sent (request_peer=$req)'"
	# the server's counters right after its KeyUpdate, in the body
	check_stats "server (in response)" "$(grep ' role=server ' "$d/cli_out")" \
		tx_rekeys=1 rx_rekeys=0
	check_stats "client (end)" "$(client_stats "$d")" rx_rekeys=1 \
		update_requested=$req tx_rekeys=$req auto_rekeys=0 hs_records=1
	check_stats "server (end)" "$(server_stats "$d")" tx_rekeys=1 \
		rx_rekeys=$req update_requested=0 auto_rekeys=0 hs_records=$req
	case_end "client $(short "$(client_stats "$d")"); server $(short "$(server_stats "$d")")"
}

# echo_case SUITE: 4 MiB round trip, 8 client KeyUpdates with a request
echo_case() {
	case_begin both-echo "$1"
	start_server "$d" --ciphersuites "$suite" || { case_end; return; }
	run_client --get /echo --send 4M --expect 4M --keyupdate-every 512k \
		--request-peer
	grep -q "^received 4194304 bytes, pattern OK\$" "$d/cli_out" ||
		fail "echo: $(cat "$d/cli_out")"
	grep -q "sent 4194304 bytes, 8 KeyUpdates" "$d/cli_err" ||
		fail "client did not send 4 MiB with 8 KeyUpdates"
	grep -q "echoed 4194304 bytes" "$d/srv_err" ||
		fail "server did not echo exactly 4194304 bytes"
	check_stats "client (end)" "$(client_stats "$d")" tx_rekeys=8 \
		rx_rekeys=8 update_requested=0 auto_rekeys=0 hs_records=8
	check_stats "server (end)" "$(server_stats "$d")" rx_rekeys=8 \
		update_requested=8 tx_rekeys=8 auto_rekeys=0 hs_records=8
	case_end "4 MiB echoed, pattern OK; client $(short "$(client_stats "$d")"); server $(short "$(server_stats "$d")")"
}

# bytes_case SUITE: 4 MiB download across 8 automatic server KeyUpdates.
# The server writes a header, then 16 KiB chunks; a KeyUpdate goes out
# before the first write once 500000 bytes were sent under the current key:
# before chunks 31, 62, ..., 248 of 256 (header + 30 chunks < 500000 <=
# 31 chunks for any header under 8480 bytes).
bytes_case() {
	case_begin both-bytes "$1"
	start_server "$d" --ciphersuites "$suite" --rekey-bytes 500000 ||
		{ case_end; return; }
	run_client --get /bytes/4194304 --expect 4M
	grep -q "^received 4194304 bytes, pattern OK\$" "$d/cli_out" ||
		fail "download: $(cat "$d/cli_out")"
	check_stats "client (end)" "$(client_stats "$d")" rx_rekeys=8 \
		update_requested=0 tx_rekeys=0 auto_rekeys=0 hs_records=8
	check_stats "server (end)" "$(server_stats "$d")" tx_rekeys=8 \
		auto_rekeys=8 rx_rekeys=0 update_requested=0 hs_records=0
	case_end "4 MiB downloaded, pattern OK; client $(short "$(client_stats "$d")"); server $(short "$(server_stats "$d")")"
}

# splice_case SUITE: the echo round trip through sendfile() and splice()
splice_case() {
	local cs ss n
	case_begin both-splice "$1"
	start_server "$d" --ciphersuites "$suite" --rekey-bytes 500000 ||
		{ case_end; return; }
	run_client --get /echo --send 4M --expect 4M --keyupdate-every 512k \
		--splice --sendfile
	grep -q "^received 4194304 bytes, pattern OK\$" "$d/cli_out" ||
		fail "echo: $(cat "$d/cli_out")"
	grep -q "sent 4194304 bytes, 8 KeyUpdates" "$d/cli_err" ||
		fail "client did not send 4 MiB with 8 KeyUpdates"
	cs=$(client_stats "$d")
	ss=$(server_stats "$d")
	check_stats "client (end)" "$cs" tx_rekeys=8 update_requested=0 \
		auto_rekeys=0
	check_stats "server (end)" "$ss" rx_rekeys=8 update_requested=0
	# the echo's write sizes follow the reads: 7 or 8 automatic rekeys,
	# every one of them received by the client's splice() reads
	n=$(statv "$ss" auto_rekeys)
	[ "$n" = 7 ] || [ "$n" = 8 ] || fail "server auto_rekeys=$n, expected 7 or 8"
	check_stats "server (end)" "$ss" tx_rekeys="$n"
	check_stats "client (end)" "$cs" rx_rekeys="$n" hs_records="$n"
	case_end "4 MiB via sendfile/splice, pattern OK; client $(short "$cs"); server $(short "$ss")"
}

for s in $SUITES; do
	keyupdate_case "$s" 0
	keyupdate_case "$s" 1
	echo_case "$s"
	bytes_case "$s"
	splice_case "$s"
done
ku_end
