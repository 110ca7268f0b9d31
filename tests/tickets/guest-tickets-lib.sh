# Helpers for the guest parts of tests/tickets/run.sh (sourced after
# tests/keyupdate/guest-lib.sh; busybox sh).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
# phd and store are for the sourcing script:
# shellcheck disable=SC2034

# start_phd STORE: ktls-phd with its ticket store in STORE, logging to
# $d/phd_err; sets phd
start_phd() {
	$BIN/ktls-phd --store "$1" --log-level debug > "$d/phd_out" 2> "$d/phd_err" &
	phd=$!
	pids="$pids $phd"
	wait_helper 1
}

# stored STORE: how many valid tickets the store holds
stored() {
	$BIN/ktls-ph ticket list --store "$1" 2>/dev/null | grep -c "^peer="
}

# wait_stored STORE N: up to 60 s for the store to hold N valid tickets
wait_stored() {
	local i=0
	while [ $i -lt 300 ]; do
		[ "$(stored "$1")" = "$2" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	fail "store $1 holds $(stored "$1") tickets, expected $2"
}

# get_session STORE PEER FILE: the freshest ticket for PEER as a PEM session
get_session() {
	$BIN/ktls-ph ticket get --store "$1" --peer "$2" --out "$3" \
		2> "$d/get_err" || { fail "ktls-ph ticket get $2 failed: $(cat "$d/get_err")"; return 1; }
	grep -q "BEGIN SSL SESSION PARAMETERS" "$3" ||
		{ fail "ktls-ph ticket get wrote no PEM session"; return 1; }
}
