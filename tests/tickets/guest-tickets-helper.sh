# Guest half of tests/tickets/run.sh: the helper's life around live
# connections (ku-tickets-*), with the first suite of SUITES:
#   nohelper   no ktls-phd: s_server's 3 tickets are consumed and dropped
#              (EventsDroppedNoHelper), the page arrives intact
#   nosecret   the client attaches without the resumption master secret:
#              tickets consumed (TicketsNoSecret), nothing stored
#   lifecycle  tickets then KeyUpdates and data on one connection; the
#              helper killed (SIGKILL) while it lives: the module notices
#              (HelperRegistered 0), the connection goes on through more
#              KeyUpdates; a new helper registers, a second one is refused
#              with the kernel's message, a new connection's tickets are
#              stored; SIGTERM ends the helper cleanly (exit 0, unregistered)
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=tickets-helper
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-tickets-lib.sh"
set -- $SUITES
suite1=$1

# www_server PORT: openssl s_server -www sending 3 tickets per full handshake
www_server() {
	openssl s_server -www -accept "$1" -tls1_3 -ciphersuites "$suite" \
		-num_tickets 3 -cert $PKI/cert.pem -key $PKI/key.pem \
		> "$d/www_out" 2>&1 &
	pids="$pids $!"
	wait_for "$d/www_out" "ACCEPT" || fail "s_server -www did not start"
}

# get_page PORT FILE [CLIENT OPTIONS]: the example client fetches / from
# s_server -www; the page must report a new session
get_page() {
	local p=$1 f=$2
	shift 2
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / "$@" \
		127.0.0.1 "$p" > "$f" 2> "$f.err" || { fail "client exited $?: $(tail -n 3 "$f.err")"; return 1; }
	grep -q "^New, TLSv1.3, Cipher is $suite" "$f" ||
		{ fail "the page from s_server is not intact"; return 1; }
}

nohelper_case() {
	case_begin tickets-nohelper "$1"
	wait_helper 0
	www_server 4441
	ns_snap
	get_page 4441 "$d/page"
	check_ns TicketsConsumed=3 EventsDroppedNoHelper=3 TicketsForwarded=0 \
		EventsQueued=0
	case_end "no helper: 3 tickets consumed and dropped, page intact"
}

nosecret_case() {
	case_begin tickets-nosecret "$1"
	start_phd "$d/store" || { case_end; return; }
	www_server 4442
	ns_snap
	get_page 4442 "$d/page" --no-resumption-secret
	check_ns TicketsConsumed=3 TicketsNoSecret=3 TicketsForwarded=0 EventsQueued=0
	[ "$(stored "$d/store")" = 0 ] || fail "tickets stored without a PSK"
	case_end "no resumption secret: 3 tickets consumed, none forwarded"
}

lifecycle_case() {
	local n phd1 rc2
	case_begin tickets-lifecycle "$1"
	start_phd "$d/store" || { case_end; return; }
	phd1=$phd
	mkfifo "$d/srv_in" "$d/cli_in"
	openssl s_server -accept 4443 -naccept 1 -tls1_3 -ciphersuites "$suite" \
		-num_tickets 2 -cert $PKI/cert.pem -key $PKI/key.pem -ign_eof \
		< "$d/srv_in" > "$d/srv_out" 2>&1 &
	pids="$pids $!"
	exec 3> "$d/srv_in"
	wait_for "$d/srv_out" ACCEPT || { fail "s_server did not start"; exec 3>&-; case_end; return; }
	ns_snap
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --stats 127.0.0.1 4443 \
		< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	: > "$d/expected"
	n=0
	while [ $n -lt 4 ] && [ -z "$why" ]; do
		if [ $n -eq 2 ]; then
			# the helper dies while the connection lives
			wait_stored "$d/store" 2 || break
			kill -9 "$phd1"
			wait "$phd1" 2>/dev/null
			wait_helper 0 || break
		fi
		echo "line $n before" >&3
		echo "line $n before" >> "$d/expected"
		wait_for "$d/cli_out" "^line $n before\$" || { fail "line $n lost"; break; }
		if [ $n -eq 3 ]; then echo K >&3; else echo k >&3; fi
		wait_stats client rx_rekeys=$((n + 1)) || break
		echo "line $n after" >&3
		echo "line $n after" >> "$d/expected"
		wait_for "$d/cli_out" "^line $n after\$" || { fail "line $n lost"; break; }
		echo "client $n" >&4
		wait_for "$d/srv_out" "^client $n\$" || { fail "client write $n lost"; break; }
		n=$((n + 1))
	done
	# the 2 tickets came before the KeyUpdates and were stored
	[ "$(stored "$d/store")" = 2 ] || fail "store holds $(stored "$d/store") tickets, expected 2"
	check_ns TicketsForwarded=2 EventsDelivered=2
	wait_stats client rx_rekeys=4 update_requested=1 tx_rekeys=1
	exec 4>&-
	wait_exit $cpid 60 || fail "client did not exit"
	[ $rc -eq 0 ] || fail "client exited $rc"
	exec 3>&-
	cmp -s "$d/expected" "$d/cli_out" || fail "client output differs from what s_server sent"
	# a new helper; a second one is refused with the kernel's message
	start_phd "$d/store" || { case_end; return; }
	$BIN/ktls-phd --store "$d/store2" > /dev/null 2> "$d/phd2_err"
	rc2=$?
	[ $rc2 -ne 0 ] || fail "a second ktls-phd was not refused"
	grep -q "already registered" "$d/phd2_err" ||
		fail "second ktls-phd: no clear message ($(tail -n 1 "$d/phd2_err"))"
	[ "$(nsv HelperRegistered)" = 1 ] || fail "HelperRegistered is not 1"
	# tickets of a new connection reach the new helper
	www_server 4444
	ns_snap
	get_page 4444 "$d/page"
	wait_stored "$d/store" 5
	wait_ns TicketsForwarded=3 EventsDelivered=3 EventsDroppedNoHelper=0
	# SIGTERM: clean exit, unregistered
	kill -TERM "$phd"
	wait_exit "$phd" 30 || fail "ktls-phd did not exit on SIGTERM"
	[ "$rc" = 0 ] || fail "ktls-phd exited $rc on SIGTERM"
	wait_helper 0
	case_end "helper killed mid-connection (4 KeyUpdates, data intact), restarted, second refused, SIGTERM clean"
}

nohelper_case "$suite1"
nosecret_case "$suite1"
lifecycle_case "$suite1"
ku_end
