# SPDX-License-Identifier: GPL-2.0
# Guest half of tests/keyupdate/run.sh: the `ktls-ph` command line tool
# acting on a socket another process owns (PID FD, duplicated with
# pidfd_getfd(2)).
#
#   ku-cli-keyupdate  the example client (stdin from a fifo) against the
#                     example server's GET /echo; `ktls-ph key-update
#                     [--request-peer] PID FD` on the client's socket 6
#                     times between echoed lines, then 16 times while 1 MiB
#                     of random data streams through in 64 KiB pieces (every
#                     second one with --request-peer); `ktls-ph get PID FD`
#                     (the `ktls-ph list` line) and the server's counters
#                     must be exact after each step: client tx_rekeys, the
#                     server's rx_rekeys, update_requested and answers, the
#                     client's rx_rekeys for those answers. Then `ktls-ph
#                     detach PID FD`: the connection goes on as plain kTLS,
#                     key-update/get/detach get ENOENT "not attached". All
#                     echoed data must be byte for byte what was sent.
#   ku-cli-errors     (first suite only) exit status 1 and the message for:
#                     a non-socket fd, an fd the process does not have, a
#                     nonexistent pid, a socket ktls_ph is not attached to
#                     (busybox nc; also asked by its own user, which
#                     pidfd_getfd allows), a root process asked by another
#                     user (EPERM, names PTRACE_MODE_ATTACH_REALCREDS), bad
#                     arguments; none of them changes a counter.
# shellcheck shell=dash source-path=SCRIPTDIR
# (busybox ash: POSIX sh plus local)
PART=cli
# shellcheck source=guest-lib.sh
. "$GUEST/guest-lib.sh"

# An unprivileged user for the permission checks: the guest's /etc/passwd
# only has root, and its / is the initramfs' mode 0700 root directory.
grep -q '^ku-nobody:' /etc/passwd ||
	echo "ku-nobody:x:65534:65534:ku-nobody:/tmp:/bin/sh" >> /etc/passwd
chmod 755 /
# A client that died must fail its case, not kill this shell when it writes
# to the client's stdin fifo.
trap '' PIPE

# ph ARGS...: run ktls-ph (as $PH_USER if set); sets rc, phout, pherr and
# logs the call to $d/ph_log
ph() {
	if [ -n "${PH_USER:-}" ]; then
		su -s /bin/sh "$PH_USER" -c "$BIN/ktls-ph $*" \
			> "$d/ph_out" 2> "$d/ph_err"
	else
		"$BIN"/ktls-ph "$@" > "$d/ph_out" 2> "$d/ph_err"
	fi
	rc=$?
	phout=$(cat "$d/ph_out")
	pherr=$(cat "$d/ph_err")
	{
		echo "\$ ${PH_USER:+[$PH_USER] }ktls-ph $* -> $rc"
		cat "$d/ph_out" "$d/ph_err"
	} >> "$d/ph_log"
}

# ph_ok ARGS...: ktls-ph must succeed (exit 0, nothing on stderr)
ph_ok() {
	ph "$@"
	[ $rc -eq 0 ] && [ -z "$pherr" ] && return 0
	fail "ktls-ph $*: exit $rc: $pherr"
}

# ph_err TEXT ARGS...: ktls-ph must fail (exit 1, nothing on stdout) with
# TEXT (fixed string) in its message
ph_err() {
	local t=$1
	shift
	ph "$@"
	[ $rc -eq 1 ] || { fail "ktls-ph $*: exit $rc, expected 1 ($pherr)"; return 1; }
	[ -z "$phout" ] || { fail "ktls-ph $*: printed '$phout' on stdout"; return 1; }
	case $pherr in
	*"$t"*) return 0 ;;
	esac
	fail "ktls-ph $*: '$pherr' does not say '$t'"
}

# sock_fds PID: the descriptors of PID that are sockets
sock_fds() {
	local f
	for f in /proc/"$1"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		socket:*) echo "${f##*/}" ;;
		esac
	done
}

# the_sock PID: the one socket descriptor of PID; sets sfd
the_sock() {
	sfd=$(sock_fds "$1")
	case $sfd in
	"" | *[!0-9]*)
		fail "pid $1: expected one socket descriptor, found '$sfd'"
		return 1
		;;
	esac
}

# wait_get PID FD KEY=VALUE...: up to 60 s for `ktls-ph get PID FD` to show
# these exact values (they only grow: a higher value fails at once)
wait_get() {
	local p f i
	p=$1
	f=$2
	shift 2
	i=0
	while [ $i -lt 300 ]; do
		ph_ok get "$p" "$f" || return 1
		stats_match "ktls-ph get" "$phout" "$@" || return 1
		[ $match -eq 1 ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	fail "ktls-ph get: waited 60 s for $* (now: $phout)"
	return 1
}

# short COUNTERS: the interesting part of a stats line
short() {
	echo "$1" | sed 's/.*\(rx_rekeys=[0-9]* tx_rekeys=[0-9]* update_requested=[0-9]*\).*/\1/'
}

# nsstat NAME: a counter of /proc/net/ktls_ph
nsstat() {
	sed -n "s/^$1  *//p" /proc/net/ktls_ph
}

# key_update: one `ktls-ph key-update` on the client's socket, every second
# one (by $ku) with --request-peer; counts ku and req
key_update() {
	if [ $((ku % 2)) -eq 0 ]; then
		ph_ok key-update --request-peer "$cpid" "$cfd" || return 1
		req=$((req + 1))
	else
		ph_ok key-update "$cpid" "$cfd" || return 1
	fi
	ku=$((ku + 1))
}

# start_client: the example client on GET /echo, stdin from a fifo held
# open on fd 4; sets cpid, cfd and cookie
start_client() {
	mkfifo "$d/cli_in"
	"$BIN"/ktls-ph-client --insecure --ciphersuite "$suite" --get /echo \
		127.0.0.1 "$port" < "$d/cli_in" > "$d/data/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	wait_for "$d/cli_err" "^Content-type" || { fail "no response to GET /echo"; return 1; }
	cookie=$(sed -n 's/.*ktls_ph attached (cookie \([0-9]*\)).*/\1/p' "$d/cli_err")
	[ -n "$cookie" ] || { fail "the client did not print its cookie"; return 1; }
	the_sock "$cpid" || return 1
	cfd=$sfd
}

# wait_echo WHAT: up to 60 s for the client's output to be as long as what
# was sent, then it must be the same bytes
wait_echo() {
	local i=0 want size
	want=$(wc -c < "$d/data/expected")
	while size=$(wc -c < "$d/data/cli_out") && [ "$size" -lt "$want" ] &&
	      [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$size" -eq "$want" ] ||
		{ fail "$1: $size of $want bytes echoed"; return 1; }
	cmp -s "$d/data/expected" "$d/data/cli_out" ||
		{ fail "$1: echoed data differs: $(cmp "$d/data/expected" "$d/data/cli_out" 2>&1)"; return 1; }
}

# send_line TEXT: send one line through the echo and wait for it to come back
send_line() {
	echo "$1" >&4 ||
		{ fail "writing '$1' to the client failed (client gone?)"; return 1; }
	echo "$1" >> "$d/data/expected"
	wait_echo "line '$1'"
}

# cli_case SUITE
cli_case() {
	local n=0 ku=0 req=0 i det l cst=
	case_begin cli-keyupdate "$1"
	# echoed data (binary) out of case_end's view: $d/data
	mkdir "$d/data"
	: > "$d/data/expected"
	start_server "$d" --ciphersuites "$suite" || { case_end; return; }
	start_client || { case_end; return; }
	# get = the list line of the same socket
	ph_ok get "$cpid" "$cfd"
	check_stats "ktls-ph get" "$phout" cookie="$cookie" rx_rekeys=0 \
		tx_rekeys=0 update_requested=0 auto_rekeys=0 hs_records=0
	case " $phout " in
	*" role=client suite=$suite "*) ;;
	*) fail "ktls-ph get: not role=client suite=$suite: $phout" ;;
	esac
	l=$(stats client)
	[ "$phout" = "$l" ] || fail "ktls-ph get '$phout' differs from the list line '$l'"

	# KeyUpdates between lines: exact counters after each
	while [ $n -lt 6 ] && [ -z "$why" ]; do
		send_line "$(printf 'line %03d before' $n)" || break
		key_update || break
		wait_stats server rx_rekeys=$ku update_requested=$req \
			tx_rekeys=$req auto_rekeys=0 hs_records=$ku || break
		wait_get "$cpid" "$cfd" tx_rekeys=$ku rx_rekeys=$req \
			update_requested=0 auto_rekeys=0 hs_records=$req || break
		send_line "$(printf 'line %03d after' $n)" || break
		n=$((n + 1))
	done

	# KeyUpdates while 1 MiB streams through: one per 64 KiB piece, the
	# piece still on its way (fifo, client, both sockets, echo)
	if [ -z "$why" ]; then
		dd if=/dev/urandom of="$d/data/bulk" bs=65536 count=16 2> /dev/null
		cat "$d/data/bulk" >> "$d/data/expected"
		i=0
		while [ $i -lt 16 ]; do
			dd if="$d/data/bulk" bs=65536 skip=$i count=1 2> /dev/null >&4 ||
				{ fail "writing piece $i to the client failed (client gone?)"; break; }
			key_update || break
			i=$((i + 1))
		done
		[ -z "$why" ] && wait_echo "1 MiB stream" &&
			wait_stats server rx_rekeys=$ku update_requested=$req \
				tx_rekeys=$req auto_rekeys=0 hs_records=$ku &&
			wait_get "$cpid" "$cfd" tx_rekeys=$ku rx_rekeys=$req \
				update_requested=0 auto_rekeys=0 hs_records=$req &&
			send_line "line after the stream"
	fi

	# detach: plain kTLS from now on
	if [ -z "$why" ]; then
		cst=$phout
		det=$(nsstat Detach)
		ph_ok detach "$cpid" "$cfd"
		[ "$(nsstat Detach)" = $((det + 1)) ] ||
			fail "/proc/net/ktls_ph Detach: $(nsstat Detach), expected $((det + 1))"
		[ -z "$(stats client)" ] || fail "the client socket is still listed"
		ph_err "(errno 2)" key-update "$cpid" "$cfd"
		ph_err "socket is not attached to ktls_ph" key-update \
			--request-peer "$cpid" "$cfd"
		ph_err "socket is not attached to ktls_ph" get "$cpid" "$cfd"
		ph_err "socket is not attached to ktls_ph" detach "$cpid" "$cfd"
		send_line "line after detach"
	fi

	# the client ends: close_notify both ways
	exec 4>&-
	wait_exit "$cpid" 60 || fail "client did not exit"
	[ $rc -eq 0 ] || fail "client exited $rc: $(tail -n 1 "$d/cli_err")"
	wait_exit "$spid" 60 || fail "ktls-ph-server did not exit"
	[ $rc -eq 0 ] || fail "ktls-ph-server exited $rc"
	wait_echo "at the end"
	grep -q "echoed $(wc -c < "$d/data/expected") bytes" "$d/srv_err" ||
		fail "server did not echo exactly $(wc -c < "$d/data/expected") bytes"
	check_stats "server (end)" "$(server_stats "$d")" rx_rekeys=$ku \
		update_requested=$req tx_rekeys=$req auto_rekeys=0 hs_records=$ku
	case_end "$ku key-updates ($req --request-peer, 16 in a 1 MiB stream), $(wc -c < "$d/data/expected") bytes echoed intact, detached; client $(short "$cst"); server $(short "$(server_stats "$d")")"
}

# errors_case SUITE
errors_case() {
	local before after ncpid gone i
	case_begin cli-errors "$1"
	mkdir "$d/data"
	: > "$d/data/expected"
	start_server "$d" --ciphersuites "$suite" || { case_end; return; }
	start_client || { case_end; return; }
	send_line "hello"
	before=$(stats client)

	# not a socket: stdin is the fifo, stdout a file
	ph_err "fd 0: Socket operation on non-socket (it is $d/cli_in)" \
		key-update "$cpid" 0
	ph_err "fd 1: Socket operation on non-socket (it is $d/data/cli_out)" \
		get "$cpid" 1
	ph_err "Socket operation on non-socket" detach "$cpid" 2
	# no such descriptor
	ph_err "pid $cpid has no file descriptor 1000 (Bad file descriptor)" \
		key-update --request-peer "$cpid" 1000
	# no such process: one that has ended, and one above PID_MAX_LIMIT
	sleep 0 &
	gone=$!
	wait $gone
	ph_err "no process with pid $gone" key-update "$gone" 3
	ph_err "no process with pid 4194304" get 4194304 3
	# a socket ktls_ph is not attached to (a listening TCP socket), of
	# a process of another user: that user may take it, root may
	# (not holding the client's stdin fifo open: 4>&-)
	su -s /bin/sh ku-nobody -c 'exec nc -l -p 4999' < /dev/null \
		> "$d/nc_out" 2>&1 4>&- &
	ncpid=$!
	pids="$pids $ncpid"
	i=0
	while [ -z "$(sock_fds $ncpid)" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if the_sock $ncpid; then
		PH_USER="ku-nobody"
		ph_err "socket is not attached to ktls_ph (errno 2)" \
			get $ncpid "$sfd"
		PH_USER=
		ph_err "socket is not attached to ktls_ph (errno 2)" \
			key-update --request-peer $ncpid "$sfd"
		ph_err "socket is not attached to ktls_ph (errno 2)" \
			detach $ncpid "$sfd"
		# ... but that user may not take root's
		PH_USER="ku-nobody"
		ph_err "Operation not permitted: pidfd_getfd(2) needs PTRACE_MODE_ATTACH_REALCREDS" \
			key-update "$cpid" "$cfd"
		PH_USER=
	fi
	# arguments
	ph_err "needs PID and FD" key-update "$cpid"
	ph_err "unexpected argument '--request-peer'" get --request-peer "$cpid" "$cfd"
	ph_err "invalid PID 'x'" get x "$cfd"
	ph_err "invalid FD '3x'" detach "$cpid" 3x
	ph_err "usage:" frobnicate
	ph_ok --help
	case $phout in
	*"key-update [--request-peer] PID FD"*) ;;
	*) fail "ktls-ph --help does not show key-update" ;;
	esac

	# nothing happened to the client socket
	after=$(stats client)
	[ "$before" = "$after" ] || fail "client counters changed: '$before' -> '$after'"
	check_stats "client" "$after" tx_rekeys=0 rx_rekeys=0
	send_line "bye"
	exec 4>&-
	wait_exit "$cpid" 60 || fail "client did not exit"
	[ $rc -eq 0 ] || fail "client exited $rc: $(tail -n 1 "$d/cli_err")"
	wait_exit "$spid" 60 || fail "ktls-ph-server did not exit"
	[ $rc -eq 0 ] || fail "ktls-ph-server exited $rc"
	wait_echo "at the end"
	check_stats "server (end)" "$(server_stats "$d")" rx_rekeys=0 \
		tx_rekeys=0 update_requested=0
	case_end "$(grep -c '^\$ ' "$d/ph_log") ktls-ph calls, errors as expected"
}

first=1
for s in $SUITES; do
	cli_case "$s"
	[ $first -eq 1 ] && errors_case "$s"
	first=0
done
ku_end
