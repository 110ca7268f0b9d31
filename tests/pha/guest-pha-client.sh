# Guest half of tests/pha/run.sh: ktls_ph on the CLIENT side of
# post-handshake authentication (ku-pha-client-*).
#
# `openssl s_server -CAfile root -verify_return_error -trace` sends a
# CertificateRequest on its stdin command `c` (SSL_VERIFY_PEER only: a
# declined request is accepted, an unverifiable certificate is fatal with
# unknown_ca); the example client (`--pha`: post_handshake_auth offered,
# plain read()/write() after the hand-over) leaves the answer to ktls_ph and
# ktls-phd. Each case checks what s_server saw: its verify callback on stderr
# ("depth=0 CN = pha client, O = ktls_ph" / "verify return:1", unbuffered),
# and at the end its -trace of what it received (-msgfile, block-buffered,
# complete once it exited): Certificate (certificate_list length),
# CertificateVerify, Finished, never an application record among them; the
# data both ways after each request; the namespace counters exactly.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=pha-client
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-pha-lib.sh"
pha_pki || { echo "ku-pha-client: FAIL no test PKI"; fails=1; ku_end; }
set -- $SUITES
suite1=$1
TMO=/sys/module/ktls_ph/parameters/pha_timeout_ms

# conn_open PORT SERVER_OPTS CLIENT_OPTS: s_server on PORT (its stdin is fd
# 3), the example client (stdin fd 4) with a first line to the server;
# sets spid, cpid
conn_open() {
	mkfifo "$d/srv_in" "$d/cli_in"
	# shellcheck disable=SC2086
	openssl s_server -accept "$1" -naccept 1 -tls1_3 -ciphersuites "$suite" \
		-cert "${srv_cert:-$PKI/cert.pem}" -key "${srv_key:-$PKI/key.pem}" \
		-CAfile $PP/root.pem \
		-verify_return_error -trace -msgfile "$d/srv_trace" -ign_eof $2 \
		< "$d/srv_in" > "$d/srv_out" 2> "$d/srv_err" &
	spid=$!
	pids="$pids $spid"
	exec 3> "$d/srv_in"
	wait_for "$d/srv_out" "^ACCEPT" || { fail "s_server did not start"; return 1; }
	# shellcheck disable=SC2086
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --stats $3 \
		127.0.0.1 "$1" < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	cli_line "hello from the client"
}

# srv_line TEXT: s_server sends a line, the client must print it
srv_line() {
	to 3 "$1"
	wait_for "$d/cli_out" "^$1\$" || { fail "line '$1' from s_server lost"; return 1; }
}

# cli_line TEXT: the client sends a line, s_server must print it
cli_line() {
	to 4 "$1"
	wait_for "$d/srv_out" "^$1\$" || { fail "line '$1' from the client lost"; return 1; }
}

# conn_close: the client ends (close_notify), both must exit 0
conn_close() {
	exec 4>&-
	wait_exit $cpid 60 || fail "the client did not exit"
	[ $rc -eq 0 ] || fail "the client exited $rc: $(tail -n 2 "$d/cli_err")"
	exec 3>&-
	wait_exit $spid 60 || fail "s_server did not exit"
}

# trace_rx FILE: the handshake messages s_server received (its -trace), in
# order, one per line: "Certificate", "list=N" (its certificate_list
# length), "CertificateVerify", "Finished", ...; "data" for an application
# data record inside a Certificate .. Finished group (never allowed)
trace_rx() {
	awk '/^Received Record/ { rx = 1 } /^Sent Record/ { rx = 0 }
		rx && /^  Inner Content Type = ApplicationData/ && grp { print "data" }
		rx && /^    [A-Za-z]+, Length=/ {
			m = $1; sub(/,$/, "", m); print m
			if (m == "Certificate") grp = 1
			if (m == "Finished") grp = 0
		}
		rx && /^      certificate_list, length=/ {
			sub(/.*length=/, ""); print "list=" $0
		}' "$1"
}

# pha_rx: trace_rx after the main handshake (ClientHello, Finished), on one
# line, certificate_list lengths shown as list=0 or list>0
pha_rx() {
	trace_rx "$d/srv_trace" | tail -n +3 | sed 's/^list=[1-9][0-9]*$/list>0/' |
		tr '\n' ' ' | sed 's/ $//'
}

# expect_rx WHAT...: s_server received exactly these messages after the main
# handshake (e.g. "accept" "decline" "KeyUpdate")
expect_rx() {
	local want="ClientHello Finished" got w
	[ "$(trace_rx "$d/srv_trace" | head -n 2 | tr '\n' ' ')" = "ClientHello Finished " ] ||
		{ fail "s_server's trace does not start with ClientHello, Finished"; return 1; }
	want=""
	for w in "$@"; do
		case $w in
		accept) want="$want Certificate list>0 CertificateVerify Finished" ;;
		decline) want="$want Certificate list=0 Finished" ;;
		*) want="$want $w" ;;
		esac
	done
	want=${want# }
	got=$(pha_rx)
	[ "$got" = "$want" ] ||
		{ fail "s_server received '$got', expected '$want'"; return 1; }
}

# verified N CN: s_server's verify callback accepted the chain of CN N times
# (root, intermediate, leaf: 3 "verify return:1" each), never an error
verified() {
	[ "$(count "$d/srv_err" "^depth=0 CN = $2, O = ktls_ph\$")" = "$1" ] ||
		{ fail "s_server verified '$2' $(count "$d/srv_err" "^depth=0 CN = $2") times, expected $1"; return 1; }
	[ "$(count "$d/srv_err" "^verify return:1\$")" = $(($1 * 3)) ] ||
		{ fail "s_server: $(count "$d/srv_err" "^verify return:1\$") 'verify return:1', expected $(($1 * 3))"; return 1; }
	! grep -q "verify error\|:error:" "$d/srv_err" ||
		{ fail "s_server reported an error: $(grep "error" "$d/srv_err" | head -n 1)"; return 1; }
}

# logged N PATTERN: ktls-phd logged PATTERN exactly N times
logged() {
	[ "$(count "$d/phd_err" "$2")" = "$1" ] ||
		{ fail "ktls-phd logged '$2' $(count "$d/phd_err" "$2") times, expected $1"; return 1; }
}

# request N: s_server sends CertificateRequest number N of the connection;
# wait for the kernel to see it
request() {
	to 3 c
	wait_ns PhaRequests="$1"
}

# set_timeout MS: set the module's pha_timeout_ms, the old value kept in
# tmo_old; restore_timeout puts it back
set_timeout() {
	tmo_old=$(cat $TMO 2>/dev/null) || { fail "no $TMO"; return 1; }
	echo "$1" > $TMO 2>/dev/null || { fail "cannot write $1 to $TMO"; return 1; }
	[ "$(cat $TMO)" = "$1" ] || { fail "$TMO is $(cat $TMO) after writing $1"; return 1; }
}

restore_timeout() {
	echo "$tmo_old" > $TMO
}

# accept: the helper answers with the P-256 chain, twice per connection
accept_case() {
	pha_begin pha-client-accept "$1"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" "key = $PP/client.key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	conn_open 4460 "-num_tickets 0" --pha || { pha_end; return; }
	request 1 || { pha_end; return; }
	wait_ns PhaAnswered=1 || { pha_end; return; }
	wait_for "$d/srv_err" "^depth=0 CN = pha client" ||
		{ fail "s_server did not verify the client certificate"; pha_end; return; }
	srv_line "server line after request 1" && cli_line "client line after request 1" &&
		request 2 && wait_ns PhaAnswered=2 &&
		wait_count "$d/srv_err" "^depth=0 CN = pha client" 2 &&
		srv_line "server line after request 2" &&
		cli_line "client line after request 2"
	conn_close
	verified 2 "pha client"
	expect_rx accept accept
	check_ns PhaRequests=2 PhaAnswered=2 PhaDeclined=0 PhaTimeouts=0 PhaNoHelper=0 \
		PhaBadReplies=0 PhaSendErrors=0
	logged 2 "cert-request from .*: answered with scheme ecdsa_secp256r1_sha256 (0x0403)"
	check_stats "client (end)" "$(client_stats "$d")" pha_requests=2 \
		pha_answered=2 pha_declined=0 pha_timeouts=0
	pha_end "2 requests answered, s_server verified 'CN=pha client' (root, intermediate, leaf) twice, data both ways after each; $(ns_pha)"
}

# keyupdates: the answer to a request waits (ktls-phd stopped) while
# s_server sends 3 KeyUpdates (one update_requested: the client's own key
# changes too) and the client sends data; the Finished is then computed
# with the newest client key. The server's tickets (2 per authentication)
# go to the helper's store meanwhile. Ed25519 chain.
keyupdates_case() {
	pha_begin pha-client-keyupdates "$1"
	phd_conf "$d/phd.conf" "certificate = $PP/ed-chain.pem" "key = $PP/ed.key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	set_timeout 120000 || { pha_end; return; }
	ns_snap
	conn_open 4461 "" --pha || { restore_timeout; pha_end; return; }
	wait_ns TicketsConsumed=2
	kill -STOP "$phd"
	request 1 &&
		srv_line "pending 1" && to 3 k && wait_stats client rx_rekeys=1 &&
		cli_line "client while pending 1" &&
		srv_line "pending 2" && to 3 K &&
		wait_stats client rx_rekeys=2 update_requested=1 tx_rekeys=1 &&
		cli_line "client while pending 2" &&
		srv_line "pending 3" && to 3 k && wait_stats client rx_rekeys=3 &&
		cli_line "client while pending 3"
	[ "$(ns_delta PhaAnswered)" = 0 ] || fail "answered while the helper was stopped"
	[ "$(count "$d/srv_err" "^depth=")" = 0 ] || fail "s_server saw a certificate too early"
	kill -CONT "$phd"
	[ -z "$why" ] && wait_ns PhaAnswered=1 &&
		wait_for "$d/srv_err" "^depth=0 CN = pha ed25519 client" &&
		srv_line "after answer 1" && cli_line "client after answer 1" &&
		to 3 k && wait_stats client rx_rekeys=4 &&
		to 3 K && wait_stats client rx_rekeys=5 update_requested=2 tx_rekeys=2 &&
		request 2 && wait_ns PhaAnswered=2 &&
		wait_count "$d/srv_err" "^depth=0 CN = pha ed25519 client" 2 &&
		srv_line "after answer 2" && cli_line "client after answer 2"
	conn_close
	restore_timeout
	verified 2 "pha ed25519 client"
	# the client's KeyUpdate (for K) went out before its answer
	expect_rx KeyUpdate accept KeyUpdate accept
	check_ns PhaRequests=2 PhaAnswered=2 PhaDeclined=0 PhaTimeouts=0 \
		TicketsConsumed=6
	logged 2 "cert-request from .*: answered with scheme ed25519 (0x0807)"
	check_stats "client (end)" "$(client_stats "$d")" rx_rekeys=5 \
		update_requested=2 tx_rekeys=2 pha_requests=2 pha_answered=2 \
		pha_declined=0 tickets=6
	pha_end "answer held by a stopped helper across 3 server KeyUpdates (1 update_requested) and client data, verified; then 2 more KeyUpdates and a 2nd request verified; 6 tickets; $(ns_pha)"
}

# decline_case NAME SUMMARY LOG_PATTERN PHD_CONF_LINE...: the helper declines
# (an empty Certificate and Finished); s_server goes on, unauthenticated
decline_case() {
	local name=$1 summary=$2 pat=$3
	shift 3
	pha_begin "pha-client-$name" "$suite1"
	phd_conf "$d/phd.conf" "$@"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	conn_open 4462 "-num_tickets 0" --pha || { pha_end; return; }
	request 1 && wait_ns PhaDeclined=1 &&
		srv_line "server line after the decline" &&
		cli_line "client line after the decline"
	conn_close
	[ "$(count "$d/srv_err" "^depth=")" = 0 ] || fail "s_server got a certificate"
	! grep -q ":error:" "$d/srv_err" || fail "s_server: $(grep ":error:" "$d/srv_err" | head -n 1)"
	expect_rx decline
	check_ns PhaRequests=1 PhaDeclined=1 PhaTimeouts=0 PhaNoHelper=0 PhaAnswered=0
	logged 1 "cert-request from .*: declined: $pat"
	check_stats "client (end)" "$(client_stats "$d")" pha_requests=1 \
		pha_answered=0 pha_declined=1
	pha_end "$summary; s_server received an empty Certificate and Finished, connection goes on; $(ns_pha)"
}

# allow: decline = yes, but an allow_peer rule for this server answers
allow_case() {
	pha_begin pha-client-allow-peer "$suite1"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" \
		"key = $PP/client.key" "decline = yes" "decline_peer = 127.0.0.1:4400" \
		"allow_peer = 127.0.0.1:4463"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	conn_open 4463 "-num_tickets 0" --pha || { pha_end; return; }
	request 1 && wait_ns PhaAnswered=1 &&
		wait_for "$d/srv_err" "^depth=0 CN = pha client" &&
		cli_line "client line after the answer"
	conn_close
	verified 1 "pha client"
	expect_rx accept
	check_ns PhaRequests=1 PhaAnswered=1 PhaDeclined=0
	logged 1 "cert-request from .*: answered with scheme ecdsa_secp256r1_sha256 (0x0403)"
	pha_end "decline = yes with allow_peer 127.0.0.1:4463: answered and verified; $(ns_pha)"
}

# stream: the client streams lines (one write each) while the stopped
# helper is let go: the answer goes out among them, as one Certificate ..
# Finished group, no application record inside it; every line arrives
stream_case() {
	local n
	pha_begin pha-client-stream "$suite1"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" "key = $PP/client.key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	conn_open 4468 "-num_tickets 0" --pha || { pha_end; return; }
	kill -STOP "$phd"
	request 1
	(
		i=0
		while [ ! -f "$d/stop" ]; do
			echo "stream line $i"
			i=$((i + 1))
		done >&4
		echo $i > "$d/stream_n"
	) 2> /dev/null &
	wpid=$!
	pids="$pids $wpid"
	wait_count "$d/srv_out" "^stream line " 200 || fail "the stream does not flow"
	kill -CONT "$phd"
	[ -z "$why" ] && wait_ns PhaAnswered=1 &&
		wait_for "$d/srv_err" "^depth=0 CN = pha client" || fail "s_server did not verify the client certificate"
	# some more lines after the answer
	n=$(count "$d/srv_out" "^stream line ")
	wait_count "$d/srv_out" "^stream line " $((n + 200)) || fail "the stream stopped after the answer"
	touch "$d/stop"
	wait_exit $wpid 60 || fail "the writer did not stop"
	n=$(cat "$d/stream_n" 2> /dev/null)
	cli_line "after the stream"
	conn_close
	[ "$(count "$d/srv_out" "^stream line ")" = "$n" ] ||
		fail "s_server got $(count "$d/srv_out" "^stream line ") stream lines, the client sent $n"
	grep -q "^stream line $((n - 1))\$" "$d/srv_out" || fail "the last stream line is missing"
	verified 1 "pha client"
	expect_rx accept
	check_ns PhaRequests=1 PhaAnswered=1 PhaDeclined=0
	pha_end "answer sent while the client streamed $n lines (one write each): one group, no data inside it, verified, every line intact; $(ns_pha)"
}

# nohelper: no ktls-phd: the kernel declines at once
nohelper_case() {
	pha_begin pha-client-nohelper "$suite1"
	wait_helper 0
	ns_snap
	conn_open 4464 "-num_tickets 0" --pha || { pha_end; return; }
	request 1 && wait_ns PhaDeclined=1 PhaNoHelper=1 &&
		srv_line "server line after the decline" &&
		cli_line "client line after the decline"
	conn_close
	[ "$(count "$d/srv_err" "^depth=")" = 0 ] || fail "s_server got a certificate"
	expect_rx decline
	check_ns PhaRequests=1 PhaDeclined=1 PhaNoHelper=1 PhaAnswered=0 EventsQueued=0
	check_stats "client (end)" "$(client_stats "$d")" pha_requests=1 \
		pha_answered=0 pha_declined=1
	pha_end "no helper: declined by the kernel at once, s_server received an empty Certificate and Finished; $(ns_pha)"
}

# timeout: the helper is stopped past pha_timeout_ms: the kernel declines;
# the helper's late answer is refused, the connection goes on
timeout_case() {
	pha_begin pha-client-timeout "$suite1"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" "key = $PP/client.key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	set_timeout 2000 || { pha_end; return; }
	ns_snap
	conn_open 4465 "-num_tickets 0" --pha || { restore_timeout; pha_end; return; }
	kill -STOP "$phd"
	request 1 && wait_ns PhaTimeouts=1 PhaDeclined=1 &&
		srv_line "server line after the timeout" &&
		cli_line "client line after the timeout"
	kill -CONT "$phd"
	sleep 1
	restore_timeout
	[ -z "$why" ] && srv_line "server line after the late answer" &&
		cli_line "client line after the late answer"
	conn_close
	[ "$(count "$d/srv_err" "^depth=")" = 0 ] || fail "s_server got a certificate"
	expect_rx decline
	check_ns PhaRequests=1 PhaTimeouts=1 PhaDeclined=1 PhaAnswered=0
	kill -0 "$phd" 2>/dev/null || fail "ktls-phd died after its late answer"
	wait_for "$d/phd_err" "the kernel no longer awaits this answer" ||
		fail "ktls-phd did not log that its late answer was refused"
	check_stats "client (end)" "$(client_stats "$d")" pha_requests=1 \
		pha_answered=0 pha_declined=1 pha_timeouts=1
	pha_end "helper stopped for pha_timeout_ms=2000: declined by the kernel, late answer dropped, connection goes on; $(ns_pha)"
}

# refused NAME PORT CHAIN KEY ALERT SRVERR WHAT [CHECK]: the helper answers
# with CHAIN and KEY; s_server logs SRVERR, sends ALERT and ends the
# connection; the client reports the alert and exits non-zero. CHECK: a
# function with the case's own checks.
refused_case() {
	local name=$1 port=$2 chain=$3 key=$4 alert=$5 srverr=$6 what=$7
	pha_begin "pha-client-$name" "$suite1"
	phd_conf "$d/phd.conf" "certificate = $PP/$chain" "key = $PP/$key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	conn_open "$port" "-num_tickets 0" --pha || { pha_end; return; }
	request 1 && wait_ns PhaAnswered=1
	wait_for "$d/srv_err" "$srverr" || fail "s_server did not log '$srverr'"
	wait_exit $spid 60 || fail "s_server did not exit"
	exec 3>&-
	# the client reads the alert: a read error, exit status not 0
	wait_exit $cpid 60 || fail "the client did not exit after the alert"
	[ "$rc" != 0 ] || fail "the client exited 0 after alert $alert"
	exec 4>&-
	grep -q "received TLS alert level 2 description $alert\$" "$d/cli_err" ||
		fail "the client did not report alert $alert: $(tail -n 1 "$d/cli_err")"
	check_ns PhaRequests=1 PhaAnswered=1 PhaDeclined=0
	logged 1 "cert-request from .*: answered with scheme ecdsa_secp256r1_sha256 (0x0403)"
	[ -z "${8:-}" ] || "$8"
	pha_end "$what; client: $(grep -v '^ktls-ph-client: \(handshake\|New\|resumption\|kTLS\|stats\)' "$d/cli_err" | tail -n 1); $(ns_pha)"
}

# untrusted: the helper answers with a chain s_server does not trust: it
# sends unknown_ca (48) and ends the connection; it stops at the
# Certificate: nothing after it is read
untrusted_case() {
	refused_case untrusted 4466 rogue.pem rogue.key 48 \
		"verify error:num=20:unable to get local issuer certificate" \
		"untrusted chain answered; s_server: verify error 20, certificate verify failed, unknown_ca" \
		untrusted_checks
}

untrusted_checks() {
	grep -q "tls_process_client_certificate:certificate verify failed" "$d/srv_err" ||
		fail "s_server: no 'certificate verify failed'"
	expect_rx Certificate "list>0"
}

# bigchain: s_server's certificate and the helper's chain are about 7 KiB
# (big.pem): the attach carries a transcript over a page, the helper's
# event-reply a Certificate over a page
bigchain_case() {
	local tl
	pha_begin pha-client-bigchain "$suite1"
	phd_conf "$d/phd.conf" "certificate = $PP/big-chain.pem" "key = $PP/big.key"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	srv_cert=$PP/big.pem srv_key=$PP/big.key \
		conn_open 4471 "-num_tickets 0" --pha || { pha_end; return; }
	tl=$(sed -n 's/.*handshake transcript: \([0-9]*\) bytes$/\1/p' "$d/cli_err")
	[ "${tl:-0}" -gt 4096 ] || fail "transcript of ${tl:-?} bytes, expected over a page"
	request 1 && wait_ns PhaAnswered=1 &&
		wait_for "$d/srv_err" "^depth=0 CN = pha big client" &&
		srv_line "server line after the request" &&
		cli_line "client line after the request"
	conn_close
	verified 1 "pha big client"
	expect_rx accept
	check_ns PhaRequests=1 PhaAnswered=1 PhaDeclined=0 PhaBadReplies=0
	pha_end "s_server's and the helper's certificates about 7 KiB (transcript ${tl:-?} bytes): answered, verified; $(ns_pha)"
}

# wrongkey: the helper's key is not its certificate's (wrong.key, see
# guest-pha-lib.sh): s_server accepts the chain, not the CertificateVerify,
# and ends the connection with decrypt_error (51)
wrongkey_case() {
	refused_case wrongkey 4469 wrong-chain.pem wrong.key 51 \
		"tls_process_cert_verify:bad signature" \
		"key not the certificate's: s_server: bad signature, decrypt_error"
}

# notoffered: without --pha the client does not offer post_handshake_auth:
# s_server refuses to send a request
notoffered_case() {
	pha_begin pha-client-notoffered "$suite1"
	ns_snap
	conn_open 4467 "-num_tickets 0" "" || { pha_end; return; }
	to 3 c
	wait_for "$d/srv_err" "SSL_verify_client_post_handshake:extension not received" ||
		fail "s_server sent a request without post_handshake_auth offered"
	srv_line "server line" && cli_line "client line"
	conn_close
	expect_rx
	check_ns PhaRequests=0
	pha_end "without --pha: s_server: 'extension not received', no request; $(ns_pha)"
}

for s in $SUITES; do
	accept_case "$s"
done
keyupdates_case "$suite1"
case " $SUITES " in
*" TLS_AES_256_GCM_SHA384 "*) [ "$suite1" = TLS_AES_256_GCM_SHA384 ] ||
	keyupdates_case TLS_AES_256_GCM_SHA384 ;;
esac
decline_case decline "[pha] decline = yes" "\[pha\] decline = yes and no allow_peer rule matches" \
	"certificate = $PP/client-chain.pem" "key = $PP/client.key" "decline = yes"
decline_case decline-peer "decline_peer = 127.0.0.1:4462" "decline_peer rule 2 (127.0.0.1 port 4462) matches" \
	"certificate = $PP/client-chain.pem" "key = $PP/client.key" \
	"allow_peer = 127.0.0.1:4400" "decline_peer = 127.0.0.1:4462"
decline_case nocert "no certificate configured" "no \[pha\] certificate and key configured" \
	"decline = no"
allow_case
stream_case
nohelper_case
timeout_case
untrusted_case
wrongkey_case
bigchain_case
notoffered_case
echo "  /proc/net/ktls_ph after pha-client:"
grep -E "^(Pha|Alert|Helper|Events)" /proc/net/ktls_ph | tr -s ' ' | sed 's/^/  | /'
ku_end
