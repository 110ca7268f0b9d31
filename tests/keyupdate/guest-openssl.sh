# Guest half of tests/keyupdate/run.sh (PKI and BIN are set above).
# shellcheck shell=sh
set -u
insmod ./tls.ko
insmod ./ktls_ph.ko
fails=0
ok() { echo "ku ok   $*"; }
bad() {
	echo "ku FAIL $*"
	fails=$((fails + 1))
	for f in cli_err srv_out; do
		[ -f "$d/$f" ] && { echo "  --- $f"; tail -n 15 "$d/$f" | sed 's/^/  /'; }
	done
	dmesg | grep -E "ktls_ph|tls|BUG|WARN" | tail -n 10 | sed 's/^/  dmesg: /'
}
# wait_for FILE PATTERN: up to 60 s for PATTERN to appear in FILE
wait_for() {
	i=0
	while [ $i -lt 600 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_count FILE PATTERN N: up to 60 s for N lines matching PATTERN
wait_count() {
	i=0
	while [ $i -lt 600 ]; do
		[ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_rekeys N: up to 60 s for the client socket's rx_rekeys to reach N
# (s_server's own report of the KeyUpdate is block-buffered)
wait_rekeys() {
	i=0
	while [ $i -lt 300 ]; do
		$BIN/ktls-ph list 2>/dev/null | grep -q "rx_rekeys=$1 " && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# Scenario for each cipher: server-driven KeyUpdates with and without
# update_requested, the client doing only plain read()/write().
SUITES=${SUITES:-"TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256"}
for suite in $SUITES; do
	d=/tmp/$suite
	mkdir -p $d
	mkfifo $d/srv_in $d/cli_in
	openssl s_server -accept 4433 -naccept 1 -tls1_3 -ciphersuites $suite \
		-cert $PKI/cert.pem -key $PKI/key.pem -ign_eof < $d/srv_in > $d/srv_out 2>&1 &
	spid=$!
	exec 3> $d/srv_in
	wait_for $d/srv_out ACCEPT || bad "$suite: s_server did not start"
	$BIN/ktls-ph-client --insecure --ciphersuite $suite 127.0.0.1 4433 \
		< $d/cli_in > $d/cli_out 2> $d/cli_err &
	cpid=$!
	exec 4> $d/cli_in
	echo "hello from client" >&4
	if ! wait_for $d/srv_out "hello from client"; then
		bad "$suite: first client line not received"
		kill $cpid $spid 2>/dev/null
		exec 3>&- 4>&-
		continue
	fi
	[ -z "${DEMO:-}" ] || { echo "  --- counters after attach:"; $BIN/ktls-ph list | sed 's/^/  /'; }
	n=0
	while [ $n -lt 12 ]; do
		# s_server takes k/K as a command only when it is a read of its
		# own: wait for each step before the next.
		echo "line $n before" >&3
		wait_for $d/cli_out "line $n before" || { bad "$suite: line $n lost"; break; }
		if [ $n -eq 5 ]; then echo K >&3; else echo k >&3; fi
		wait_rekeys $((n + 1)) ||
			{ bad "$suite: s_server did not send KeyUpdate $n"; break; }
		echo "line $n after" >&3
		wait_for $d/cli_out "line $n after" || { bad "$suite: line $n lost"; break; }
		echo "client $n" >&4
		wait_for $d/srv_out "client $n" || { bad "$suite: client write $n lost"; break; }
		n=$((n + 1))
	done
	$BIN/ktls-ph list > $d/list 2>&1 || true
	# The client ends first: close_notify from it, close_notify back.
	exec 4>&-
	wait $cpid; crc=$?
	exec 3>&-
	wait $spid 2>/dev/null
	# Every line in order, nothing else (no handshake bytes leaked).
	i=0; exp=$d/expected
	: > $exp
	while [ $i -lt $n ]; do printf 'line %d before\nline %d after\n' $i $i >> $exp; i=$((i + 1)); done
	if [ $n -eq 12 ] && cmp -s $exp $d/cli_out; then
		ok "$suite: 12 server KeyUpdates (1 with update_requested), 24 lines intact, 13 client writes delivered"
	else
		bad "$suite: client output differs"; diff $exp $d/cli_out | head -20
	fi
	[ $crc -eq 0 ] || bad "$suite: client exited $crc: $(cat $d/cli_err)"
	[ -z "${DEMO:-}" ] || echo "  --- counters after 12 KeyUpdates:"
	sed 's/^/  /' $d/list
	[ -z "${DEMO:-}" ] || { echo "  --- what the plain read() client received:"; sed 's/^/  | /' $d/cli_out; }
	grep -q "rx_rekeys=12" $d/list || bad "$suite: rx_rekeys is not 12"
	grep -q "update_requested=1" $d/list || bad "$suite: update_requested is not 1"
	grep -q "tx_rekeys=1" $d/list || bad "$suite: tx_rekeys is not 1"
	grep -qi "error\|alert" $d/srv_out && { bad "$suite: s_server reported an error"; tail -5 $d/srv_out; }
done

rmmod ktls_ph
rmmod tls
echo "ku summary: $fails failures"
exit $fails
