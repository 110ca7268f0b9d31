# Helpers for the guest parts of tests/keyupdate/run.sh (sourced; busybox
# sh). The caller sets PART (its part name, e.g. "server"); PKI, BIN and
# GUEST come from the environment. Loads tls and ktls_ph; each case runs
# between case_begin and case_end, which prints its one line; ku_end checks
# that nothing is left attached, unloads the modules and exits with the
# number of failed cases.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
# rc, port, spid, suite and d are for the sourcing script:
# shellcheck disable=SC2034
set -u
insmod ./tls.ko
insmod ./ktls_ph.ko
fails=0
SUITES=${SUITES:-"TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256"}
# Processes of the running case, killed when it fails or ends.
pids=""
# Why the running case failed ("" while it has not).
why=""

# gnutls priority cipher name of a TLS 1.3 suite
gnutls_cipher() {
	case $1 in
	TLS_AES_128_GCM_SHA256) echo AES-128-GCM ;;
	TLS_AES_256_GCM_SHA384) echo AES-256-GCM ;;
	TLS_CHACHA20_POLY1305_SHA256) echo CHACHA20-POLY1305 ;;
	TLS_AES_128_CCM_SHA256) echo AES-128-CCM ;;
	esac
}

# fail MSG: record a failure of the running case (the first one is reported)
fail() {
	[ -n "$why" ] || why=$1
	return 1
}

# wait_for FILE PATTERN: up to 60 s for PATTERN (grep) to appear in FILE
wait_for() {
	local i=0
	while [ $i -lt 600 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_count FILE PATTERN N: up to 60 s for N lines matching PATTERN
wait_count() {
	local i=0
	while [ $i -lt 600 ]; do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stats ROLE: the `ktls-ph list` line of the (one) attached socket of ROLE
stats() {
	$BIN/ktls-ph list 2>/dev/null | grep " role=$1 "
}

# statv LINE KEY: the value of KEY in a stats line
statv() {
	echo " $1 " | sed -n "s/.* $2=\([0-9]*\) .*/\1/p"
}

# check_stats WHAT LINE KEY=VALUE...: every KEY has exactly VALUE in LINE
check_stats() {
	local w l kv v
	w=$1
	l=$2
	shift 2
	[ -n "$l" ] || { fail "$w: no counters"; return 1; }
	for kv in "$@"; do
		v=$(statv "$l" "${kv%%=*}")
		[ "$v" = "${kv#*=}" ] ||
			{ fail "$w: ${kv%%=*}=$v, expected ${kv#*=} ($l)"; return 1; }
	done
	return 0
}

# stats_match WHAT LINE KEY=VALUE...: sets match=1 when LINE has these exact
# values, match=0 when some are not reached yet; fails (returns 1) when a
# value is past its expected one (counters only grow)
stats_match() {
	local w l kv v
	w=$1
	l=$2
	shift 2
	match=1
	for kv in "$@"; do
		v=$(statv "$l" "${kv%%=*}")
		[ "$v" = "${kv#*=}" ] && continue
		match=0
		if [ -n "$v" ] && [ "$v" -gt "${kv#*=}" ]; then
			fail "$w: ${kv%%=*}=$v, expected ${kv#*=} ($l)"
			return 1
		fi
	done
	return 0
}

# wait_stats ROLE KEY=VALUE...: up to 60 s for the socket of ROLE to show
# these exact counter values (they only grow: a higher value fails at once)
wait_stats() {
	local r l i
	r=$1
	shift
	i=0
	while [ $i -lt 300 ]; do
		l=$(stats "$r")
		stats_match "$r counters" "$l" "$@" || return 1
		[ $match -eq 1 ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	fail "$r counters: waited 60 s for $* (now: ${l:-no socket})"
	return 1
}

# wait_exit PID SECONDS: wait for a background process to end (killed
# after SECONDS); sets rc to its exit status (or 124 after a kill)
wait_exit() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		rc=124
		return 1
	fi
	wait "$1"
	rc=$?
	return 0
}

# start_server DIR ARGS...: ktls-ph-server --once (with --stats) on a free
# port; sets spid and port
start_server() {
	local sd=$1
	shift
	$BIN/ktls-ph-server --once --port 0 --stats --cert $PKI/cert.pem \
		--key $PKI/key.pem "$@" > "$sd/srv_out" 2> "$sd/srv_err" &
	spid=$!
	pids="$pids $spid"
	wait_for "$sd/srv_out" "listening on port" ||
		{ fail "ktls-ph-server did not start"; return 1; }
	port=$(sed -n 's/^listening on port //p' "$sd/srv_out")
}

# server_stats DIR: the counters ktls-ph-server logged at the end
server_stats() {
	sed -n 's/.*: stats: //p' "$1/srv_err" | tail -n 1
}

# client_stats DIR: the counters ktls-ph-client printed (--stats)
client_stats() {
	sed -n 's/^ktls-ph-client: stats: //p' "$1/cli_err" | tail -n 1
}

# case_begin NAME SUITE: start a case; its files go to $d
case_begin() {
	cname=$1
	suite=$2
	why=""
	pids=""
	d=/tmp/$cname-$suite
	rm -rf "$d"
	mkdir -p "$d"
}

# case_end SUMMARY: print the case's line, with details on failure
case_end() {
	local p f
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ -z "$why" ]; then
		echo "ku-$cname $suite: ok $1"
		return 0
	fi
	echo "ku-$cname $suite: FAIL $why"
	fails=$((fails + 1))
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		echo "  --- ${f##*/} (last lines)"
		tail -n 12 "$f" | sed 's/^/  | /'
	done
	echo "  --- ktls-ph list"
	$BIN/ktls-ph list 2>&1 | sed 's/^/  | /'
	dmesg | grep -E "ktls_ph|tls|BUG|WARN" | tail -n 10 | sed 's/^/  dmesg: /'
	return 1
}

# ku_end: unload the modules and exit with the number of failed cases
ku_end() {
	if [ -n "$($BIN/ktls-ph list 2>/dev/null)" ]; then
		echo "ku-$PART: FAIL sockets still attached at the end:"
		$BIN/ktls-ph list | sed 's/^/  | /'
		fails=$((fails + 1))
	fi
	rmmod ktls_ph || { echo "ku-$PART: FAIL rmmod ktls_ph"; fails=$((fails + 1)); }
	rmmod tls
	exit $fails
}

# nsv KEY: a counter of /proc/net/ktls_ph
nsv() {
	sed -n "s/^$1 *\([0-9]*\)$/\1/p" /proc/net/ktls_ph
}

# ns_snap: remember the namespace counters (ns_delta compares with them)
ns_snap() {
	cp /proc/net/ktls_ph /tmp/ns_before
}

# ns_delta KEY: how much KEY grew since ns_snap
ns_delta() {
	local b
	b=$(sed -n "s/^$1 *\([0-9]*\)$/\1/p" /tmp/ns_before)
	echo $(($(nsv "$1") - ${b:-0}))
}

# check_ns KEY=DELTA...: every namespace counter grew by exactly DELTA
check_ns() {
	local kv v
	for kv in "$@"; do
		v=$(ns_delta "${kv%%=*}")
		[ "$v" = "${kv#*=}" ] ||
			{ fail "/proc/net/ktls_ph: ${kv%%=*} grew by $v, expected ${kv#*=}"; return 1; }
	done
	return 0
}

# wait_ns KEY=DELTA...: up to 60 s for these counter deltas
wait_ns() {
	local i=0 kv ok
	while [ $i -lt 300 ]; do
		ok=1
		for kv in "$@"; do
			[ "$(ns_delta "${kv%%=*}")" = "${kv#*=}" ] || ok=0
		done
		[ $ok -eq 1 ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	check_ns "$@"
}

# wait_helper 0|1: up to 60 s for HelperRegistered to be this
wait_helper() {
	local i=0
	while [ $i -lt 300 ]; do
		[ "$(nsv HelperRegistered)" = "$1" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	fail "HelperRegistered is $(nsv HelperRegistered), expected $1"
}
