# Guest half of tests/ktls-phd/run.sh (PKI and BIN are set above).
# shellcheck shell=sh
set -u
insmod ./tls.ko
insmod ./ktls_ph.ko
fails=0
ok() { echo "phd ok   $*"; }
bad() {
	echo "phd FAIL $*"
	fails=$((fails + 1))
	for f in /tmp/phd.log /tmp/cli_err /tmp/srv_out /tmp/resume.log; do
		[ -f "$f" ] && { echo "  --- $f"; tail -n 15 "$f" | sed 's/^/  /'; }
	done
	dmesg | grep -E "ktls_ph|BUG|WARN" | tail -n 10 | sed 's/^/  dmesg: /'
}
check() { n=$1; shift; if "$@"; then ok "$n"; else bad "$n"; fi; }
wait_count() { # FILE PATTERN N: up to 60 s
	i=0
	while [ $i -lt 600 ]; do
		[ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
wait_port() { for i in $(seq 1 100); do netstat -ltn | grep -q ":$1 " && return 0; sleep 0.2; done; return 1; }
stat_of() { grep "^$1 " /proc/net/ktls_ph | awk '{ print $2 }'; }

store=/tmp/phd-store
cat > /tmp/phd.conf <<EOF
# ktls-phd VM test
[store]
directory = $store
max_per_peer = 4
prune_interval = 5
[log]
level = debug
EOF
"$BIN"/ktls-phd --config /tmp/phd.conf > /tmp/phd.log 2>&1 &
dpid=$!
check "daemon registered" wait_count /tmp/phd.log "registered as the ktls_ph helper" 1
check "HelperRegistered 1" [ "$(stat_of HelperRegistered)" = 1 ]

# a second helper: EBUSY with the kernel's message, exit status 1
"$BIN"/ktls-phd --store /tmp/phd-store2 > /tmp/phd2.log 2>&1
rc=$?
check "second daemon exits 1 (rc $rc)" [ $rc -eq 1 ]
check "second daemon prints the extack message" \
	grep -q "helper-register: Device or resource busy: a helper is already registered in this network namespace (port id" /tmp/phd2.log
sed 's/^/  second: /' /tmp/phd2.log

stored=0
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256; do
	openssl s_server -accept 4433 -tls1_3 -ciphersuites $suite -num_tickets 2 \
		-cert "$PKI"/cert.pem -key "$PKI"/key.pem -www > /tmp/srv_out 2>&1 &
	spid=$!
	wait_port 4433 || bad "$suite: s_server did not start"
	"$BIN"/ktls-ph-client --insecure --sni localhost --ciphersuite $suite \
		--get / 127.0.0.1 4433 > /tmp/cli_out 2> /tmp/cli_err
	check "$suite: client done" [ $? -eq 0 ]
	stored=$((stored + 2))
	check "$suite: 2 tickets stored" wait_count /tmp/phd.log "ticket stored: localhost_4433/" $stored
	rm -f /tmp/s.pem
	"$BIN"/ktls-ph ticket get --store $store --peer localhost:4433 --out /tmp/s.pem
	check "$suite: ticket get" [ $? -eq 0 ]
	check "$suite: session file mode 600" [ "$(stat -c %a /tmp/s.pem)" = 600 ]
	printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -connect 127.0.0.1:4433 \
		-tls1_3 -ciphersuites $suite -servername localhost -sess_in /tmp/s.pem \
		-ign_eof > /tmp/resume.log 2>&1
	check "$suite: openssl s_client -sess_in resumes (Reused, TLSv1.3)" \
		grep -q "Reused, TLSv1.3" /tmp/resume.log
	"$BIN"/ktls-ph-client --insecure --sni localhost --ciphersuite $suite \
		--sess-in /tmp/s.pem --get / 127.0.0.1 4433 > /tmp/cli_out 2> /tmp/cli_err
	check "$suite: ktls-ph-client --sess-in resumes" grep -q "Reused, TLSv1.3" /tmp/cli_err
	# OpenSSL sends one ticket after a resumption
	stored=$((stored + 1))
	wait_count /tmp/phd.log "ticket stored: localhost_4433/" $stored ||
		bad "$suite: tickets of the resumed connection not stored"
	kill $spid
	wait $spid 2>/dev/null
done

echo "--- ticket list"
"$BIN"/ktls-ph ticket list --store $store | sed 's/^/  /'
n=$("$BIN"/ktls-ph ticket list --store $store | grep -c "^peer=localhost_4433 ")
check "max_per_peer 4: 4 tickets kept for localhost_4433 ($n)" [ "$n" = 4 ]
f=$(find $store/localhost_4433 -name "*.ticket" | head -n 1)
check "store dir 700, peer dir 700, file 600" [ "$(stat -c %a $store)/$(stat -c %a $store/localhost_4433)/$(stat -c %a "$f")" = 700/700/600 ]
psk=$(grep '^psk=' "$f" | cut -d= -f2)
tkt=$(grep '^ticket=' "$f" | cut -d= -f2 | cut -c1-32)
check "no PSK or ticket bytes in the daemon's log" sh -c "! grep -q -e $psk -e $tkt /tmp/phd.log"

# no server name: keyed by address
openssl s_server -accept 4433 -tls1_3 -num_tickets 1 \
	-cert "$PKI"/cert.pem -key "$PKI"/key.pem -www > /tmp/srv_out 2>&1 &
spid=$!
wait_port 4433
"$BIN"/ktls-ph-client --insecure --get / 127.0.0.1 4433 > /tmp/cli_out 2> /tmp/cli_err
check "no SNI: ticket stored under 127.0.0.1_4433" wait_count /tmp/phd.log "ticket stored: 127.0.0.1_4433/" 1
"$BIN"/ktls-ph ticket get --store $store --peer 127.0.0.1:4433 --out /tmp/s.pem
printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -connect 127.0.0.1:4433 \
	-tls1_3 -sess_in /tmp/s.pem -ign_eof > /tmp/resume.log 2>&1
check "no SNI: s_client resumes with the address's ticket" grep -q "Reused, TLSv1.3" /tmp/resume.log
"$BIN"/ktls-ph ticket get --store $store --peer 127.0.0.2:4433 > /dev/null 2> /tmp/get.err
rc=$?
check "ticket get for an unknown peer: exit 1 (rc $rc)" [ $rc -eq 1 ]
check "ticket get: clear message" grep -q "no valid ticket for 127.0.0.2:4433 (no server name)" /tmp/get.err
kill $spid; wait $spid 2>/dev/null

echo "--- /proc/net/ktls_ph"
sed 's/^/  /' /proc/net/ktls_ph
q=$(stat_of EventsQueued)
dl=$(stat_of EventsDelivered)
check "EventsQueued = EventsDelivered = $((stored + 1)) ($q, $dl)" [ "$q/$dl" = "$((stored + 1))/$((stored + 1))" ]

echo "--- daemon log (debug, without prune lines)"
grep -v "prune: " /tmp/phd.log | sed 's/^/  /'
kill -USR1 $dpid
check "SIGUSR1 logs the counters" wait_count /tmp/phd.log "counters: events=$((stored + 1)) stored=$((stored + 1)) rejected=0" 1
kill -TERM $dpid
wait $dpid
rc=$?
check "SIGTERM: exit 0 (rc $rc)" [ $rc -eq 0 ]
check "SIGTERM: unregistered" grep -q "unregistered" /tmp/phd.log
check "HelperRegistered 0" [ "$(stat_of HelperRegistered)" = 0 ]

# without a helper, tickets are dropped and counted
before=$(stat_of EventsDroppedNoHelper)
openssl s_server -accept 4433 -tls1_3 -num_tickets 2 \
	-cert "$PKI"/cert.pem -key "$PKI"/key.pem -www > /tmp/srv_out 2>&1 &
spid=$!
wait_port 4433
"$BIN"/ktls-ph-client --insecure --sni localhost --get / 127.0.0.1 4433 > /tmp/cli_out 2> /tmp/cli_err
kill $spid; wait $spid 2>/dev/null
after=$(stat_of EventsDroppedNoHelper)
check "no helper: EventsDroppedNoHelper +2 ($before -> $after)" [ $((after - before)) -eq 2 ]

# a restarted daemon keeps the store; SIGINT stops it too
"$BIN"/ktls-phd --config /tmp/phd.conf --log-level info > /tmp/phd.log 2>&1 &
dpid=$!
wait_count /tmp/phd.log "registered as the ktls_ph helper" 1
n=$("$BIN"/ktls-ph ticket list --store $store | wc -l)
check "restart: store kept ($n tickets)" [ "$n" -eq 5 ]

# a stopped daemon: the events wait in the kernel's queue, then are popped
kill -STOP $dpid
q0=$(stat_of EventsQueued)
d0=$(stat_of EventsDelivered)
openssl s_server -accept 4433 -tls1_3 -num_tickets 2 \
	-cert "$PKI"/cert.pem -key "$PKI"/key.pem -www > /tmp/srv_out 2>&1 &
spid=$!
wait_port 4433
"$BIN"/ktls-ph-client --insecure --sni stopped.example --get / 127.0.0.1 4433 > /tmp/cli_out 2> /tmp/cli_err
kill $spid; wait $spid 2>/dev/null
check "stopped daemon: 2 events queued, none delivered" \
	[ "$(($(stat_of EventsQueued) - q0))/$(($(stat_of EventsDelivered) - d0))" = 2/0 ]
kill -CONT $dpid
check "continued daemon: both stored" wait_count /tmp/phd.log "ticket stored: stopped.example_4433/" 2
kill -INT $dpid
wait $dpid
rc=$?
check "SIGINT: exit 0 (rc $rc)" [ $rc -eq 0 ]
echo "--- daemon log (info)"
sed 's/^/  /' /tmp/phd.log

# the module unloaded under a running daemon: it notices and exits 1
"$BIN"/ktls-phd --config /tmp/phd.conf --log-level info > /tmp/phd.log 2>&1 &
dpid=$!
wait_count /tmp/phd.log "registered as the ktls_ph helper" 1
check "rmmod with the daemon registered" rmmod ktls_ph
wait $dpid
rc=$?
check "module unloaded: daemon exits 1 (rc $rc)" [ $rc -eq 1 ]
check "module unloaded: clear message" grep -q "the ktls_ph module was unloaded" /tmp/phd.log
sed 's/^/  /' /tmp/phd.log
echo "phd-total: $fails failures"
exit $fails
