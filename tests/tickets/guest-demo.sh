# Guest part of `make demo` (scripts/demo.sh), after the KeyUpdate part:
# the server's NewSessionTickets reach ktls-phd through the kernel, and a
# NEW connection resumes from one, shown step by step.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=demo-tickets
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-tickets-lib.sh"
set -- $SUITES
case_begin demo-tickets "$1"
echo "== NewSessionTickets: the kernel derives each ticket's PSK, ktls-phd stores it"
start_phd "$d/store"
echo "  ktls-phd registered as the namespace's helper (HelperRegistered $(nsv HelperRegistered))"
openssl s_server -www -accept 4433 -tls1_3 -ciphersuites "$suite" -num_tickets 2 \
	-cert $PKI/cert.pem -key $PKI/key.pem > "$d/www_out" 2>&1 &
pids="$pids $!"
wait_for "$d/www_out" ACCEPT || fail "s_server did not start"
$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / 127.0.0.1 4433 \
	> "$d/page1" 2> "$d/cli1" || fail "client 1 failed"
echo "  client 1 (plain read() after attach): $(sed -n 's/^ktls-ph-client: \(New, .*\)/\1/p' "$d/cli1")"
wait_stored "$d/store" 2
echo "  ktls-phd's log:"
grep "ticket stored" "$d/phd_err" | sed 's/^/  | /'
echo "  ktls-ph ticket list --store ...:"
$BIN/ktls-ph ticket list --store "$d/store" | sed 's/ file=.*//; s/^/  | /'
get_session "$d/store" 127.0.0.1:4433 "$d/sess.pem"
echo "  ktls-ph ticket get --peer 127.0.0.1:4433 wrote an OpenSSL session (PEM)"
$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --get / --sess-in "$d/sess.pem" \
	127.0.0.1 4433 > "$d/page2" 2> "$d/cli2" || fail "client 2 failed"
echo "  client 2 (--sess-in): $(sed -n 's/^ktls-ph-client: \(Reused, .*\)/\1/p; s/^ktls-ph-client: \(New, .*\)/\1/p' "$d/cli2")"
echo "  s_server's page for client 2: $(grep -E '^(Reused|New), ' "$d/page2")"
grep -q "^Reused, TLSv1.3" "$d/page2" || fail "client 2 did not resume"
echo "  /proc/net/ktls_ph:"
grep -E "^(Tickets|EventsQueued|EventsDelivered|EventsDropped)" /proc/net/ktls_ph |
	tr -s ' ' | sed 's/^/  | /'
case_end "2 tickets stored by ktls-phd, a new connection resumed from one"
ku_end
