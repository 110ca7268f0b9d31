# Guest part of `make demo` (scripts/demo.sh), after the KeyUpdate and
# tickets parts: post-handshake client authentication (RFC 8446 4.6.2) in
# both roles, shown step by step, with the test PKI of tests/pha
# (guest-pha-lib.sh, made in the guest: a root, an intermediate, client
# leaves; the untrusted root's "rogue" client).
#
#   client role  ktls-phd holds a client chain and key ([pha] certificate,
#                key); `openssl s_server -CAfile root -verify_return_error`
#                sends a CertificateRequest (stdin command c) to the example
#                client (--pha); the kernel hands it to ktls-phd, which
#                signs; the kernel sends Certificate, CertificateVerify and
#                its Finished; s_server verifies the chain.
#   server role  the example server's GET /pha for `openssl s_client
#                -enable_pha`: ktls_ph sends the CertificateRequest, checks
#                the client's Finished, ktls-phd ([pha] ca_file) the chain
#                and signature; the page shows the verdict. Then a chain
#                from the untrusted root: bad_certificate (alert 42).
#
# Prints "== " headings and "  " details (what scripts/demo.sh shows) and
# the cases' "ku-demo-pha-*" lines; exits with the number of failed cases.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=demo-pha
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-pha-lib.sh"
pha_pki || { echo "ku-demo-pha: FAIL no test PKI"; fails=1; ku_end; }
set -- $SUITES

# show: indent stdin as a quoted block
show() {
	sed 's/^/  | /'
}

# phd_show PATTERN: ktls-phd's log lines matching PATTERN, shortened
phd_show() {
	grep -- "$1" "$d/phd_err" | sed 's/^ktls-phd: \(info: \)\{0,1\}//; s/, socket cookie [0-9]*$//' | show
}

# pha_fields LINE: role, suite and the pha_* counters of a stats line
pha_fields() {
	echo " $1 " | tr ' ' '\n' | grep -E '^(role|suite|pha_[a-z]*)=' | tr '\n' ' ' | sed 's/ $//'
}

# rx_msgs: the handshake messages s_server received after the main
# handshake (its -trace), one line: "Certificate (certificate_list N
# bytes), CertificateVerify, Finished"
rx_msgs() {
	awk '/^Received Record/ { rx = 1 } /^Sent Record/ { rx = 0 }
		rx && /^    [A-Za-z]+, Length=/ { m = $1; sub(/,$/, "", m); n++ }
		rx && /^    [A-Za-z]+, Length=/ && n > 2 { out = out (out ? ", " : "") m }
		rx && /^      certificate_list, length=/ && n > 2 {
			sub(/.*length=/, ""); out = out " (certificate_list " $0 " bytes)"
		}
		END { print out }' "$1"
}

# client role: s_server asks, ktls_ph and ktls-phd answer for the example
# client
client_role() {
	pha_begin demo-pha-client "$1"
	echo "== Post-handshake authentication, client role: openssl s_server asks the example client for a certificate"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" "key = $PP/client.key"
	echo "  ktls-phd's configuration: the client chain (leaf, intermediate) and key it answers with"
	show < "$d/phd.conf"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	echo "  ktls-phd registered as the namespace's helper (HelperRegistered $(nsv HelperRegistered))"
	ns_snap
	mkfifo "$d/srv_in" "$d/cli_in"
	openssl s_server -accept 4470 -naccept 1 -tls1_3 -ciphersuites "$suite" \
		-num_tickets 0 -cert $PKI/cert.pem -key $PKI/key.pem \
		-CAfile $PP/root.pem -verify_return_error -ign_eof \
		-trace -msgfile "$d/srv_trace" \
		< "$d/srv_in" > "$d/srv_out" 2> "$d/srv_err" &
	spid=$!
	pids="$pids $spid"
	exec 3> "$d/srv_in"
	wait_for "$d/srv_out" "^ACCEPT" || { fail "s_server did not start"; pha_end; return; }
	echo "  openssl s_server -CAfile root.pem -verify_return_error (trusts the test root) on port 4470"
	$BIN/ktls-ph-client --insecure --ciphersuite "$suite" --pha --stats \
		127.0.0.1 4470 < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	to 4 "hello from the client"
	wait_for "$d/srv_out" "^hello from the client\$" ||
		{ fail "no first line from the client"; pha_end; return; }
	echo "  the example client (--pha: post_handshake_auth offered) connected, ktls_ph attached; from now on plain read()/write()"
	echo "  ktls-ph list (client socket): $(pha_fields "$(stats client)")"
	echo "  s_server command 'c': SSL_verify_client_post_handshake(), a CertificateRequest goes out"
	to 3 c
	wait_ns PhaRequests=1 PhaAnswered=1 || { pha_end; return; }
	wait_for "$d/srv_err" "^depth=0 CN = pha client" ||
		{ fail "s_server did not verify the client certificate"; pha_end; return; }
	echo "  the kernel forwarded it to ktls-phd (cert-request event), which signed; ktls-phd's log:"
	phd_show "cert-request from "
	echo "  the kernel sent Certificate + CertificateVerify + Finished (HMAC with the client traffic secret)"
	echo "  s_server's verify callback (stderr):"
	grep -E "^(depth=|verify )" "$d/srv_err" | show
	to 3 "server line after the authentication"
	wait_for "$d/cli_out" "^server line after the authentication\$" ||
		fail "line from s_server lost"
	to 4 "client line after the authentication"
	wait_for "$d/srv_out" "^client line after the authentication\$" ||
		fail "line from the client lost"
	echo "  data both ways after it: client got '$(tail -n 1 "$d/cli_out")', s_server got '$(tail -n 1 "$d/srv_out")'"
	echo "  ktls-ph list (client socket): $(pha_fields "$(stats client)")"
	exec 4>&-
	wait_exit $cpid 60 || fail "the client did not exit"
	[ "$rc" = 0 ] || fail "the client exited $rc: $(tail -n 2 "$d/cli_err")"
	exec 3>&-
	wait_exit $spid 60 || fail "s_server did not exit"
	echo "  s_server received after the main handshake (its -trace): $(rx_msgs "$d/srv_trace")"
	echo "  the client's counters at the end (--stats): $(pha_fields "$(client_stats "$d")")"
	[ "$(count "$d/srv_err" "^verify return:1\$")" = 3 ] ||
		fail "s_server: $(count "$d/srv_err" "^verify return:1\$") 'verify return:1', expected 3"
	! grep -q "verify error\|:error:" "$d/srv_err" ||
		fail "s_server: $(grep "error" "$d/srv_err" | head -n 1)"
	check_ns PhaRequests=1 PhaAnswered=1 PhaDeclined=0 PhaTimeouts=0 PhaNoHelper=0 \
		PhaBadReplies=0 PhaSendErrors=0
	check_stats "client (end)" "$(client_stats "$d")" pha_requests=1 pha_answered=1 \
		pha_declined=0 pha_timeouts=0
	echo "  /proc/net/ktls_ph grew: $(ns_pha)"
	pha_end "CertificateRequest answered by ktls-phd's chain through the kernel, s_server verified CN=pha client"
}

# server_page CERT: s_client (-enable_pha, chain CERT + inter unless rogue)
# gets /pha from the example server; its output in $d/cli_out, cli_err
server_page() {
	local certopt="-cert $PP/$1.pem -key $PP/$1.key"
	[ "$1" = rogue ] || certopt="$certopt -cert_chain $PP/inter.pem"
	start_server "$d" --ciphersuites "$suite" || return 1
	mkfifo "$d/cli_in"
	# shellcheck disable=SC2086
	openssl s_client -connect 127.0.0.1:$port -tls1_3 -ciphersuites "$suite" \
		-enable_pha $certopt < "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	to 4 "$(printf 'GET /pha HTTP/1.0\r\nHost: localhost\r\n\r')"
}

# server role: the example server asks s_client, ktls_ph checks the
# Finished, ktls-phd the chain
server_role() {
	pha_begin demo-pha-server "$1"
	echo "== Post-handshake authentication, server role: the example server asks openssl s_client (GET /pha)"
	wait_helper 0 || { pha_end; return; }
	phd_conf "$d/phd.conf" "ca_file = $PP/root.pem"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	echo "  ktls-phd again, [pha] ca_file = $PP/root.pem (the chains it accepts)"
	ns_snap
	server_page client || { pha_end; return; }
	echo "  openssl s_client -enable_pha -cert client.pem -cert_chain inter.pem sent 'GET /pha' to the example server (port $port)"
	wait_for "$d/cli_out" "^pha: verdict=" ||
		{ fail "no verdict in the page"; pha_end; return; }
	exec 4>&-
	wait_exit $cpid 60 || fail "s_client did not exit"
	[ "$rc" = 0 ] || fail "s_client exited $rc"
	echo "  the example server's log (ktlsph_pha_request(), then ktlsph_pha_wait()):"
	grep ": pha: " "$d/srv_err" | sed 's/^ktls-ph-server: \[[0-9]*\] //' | show
	echo "  ktls-phd's log (the kernel checked the client's Finished, forwarded the client-cert event):"
	phd_show "client-cert from "
	echo "  the page s_client received:"
	sed -n '/^HTTP\/1.0 /p; /^pha: /p' "$d/cli_out" | tr -d '\r' | show
	grep -q "^HTTP/1.0 200 " "$d/cli_out" || fail "status is not 200: $(grep "^HTTP" "$d/cli_out")"
	grep -q "^pha: verdict=ok alert=0 subject=.*CN=pha client" "$d/cli_out" ||
		fail "page: $(grep "^pha:" "$d/cli_out")"
	wait_exit $spid 60 || fail "ktls-ph-server did not exit"
	[ "$rc" = 0 ] || fail "ktls-ph-server exited $rc"
	echo "  the server socket's counters at the end (--stats): $(pha_fields "$(server_stats "$d")")"
	check_vals "server (end)" "$(server_stats "$d")" pha_requests=1 pha_answered=1 \
		pha_verdict=ok pha_alert=0
	wait_ns PhaRequests=1 PhaAnswered=1 PhaVerified=1 PhaRejected=0
	echo "  /proc/net/ktls_ph grew: $(ns_pha)"
	pha_end "GET /pha: verdict ok, page 200 with subject CN=pha client"

	pha_begin demo-pha-server-untrusted "$1"
	echo "== ... and a client chain from a root ktls-phd does not trust"
	wait_helper 0 || { pha_end; return; }
	phd_conf "$d/phd.conf" "ca_file = $PP/root.pem"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	ns_snap
	server_page rogue || { pha_end; return; }
	echo "  openssl s_client -enable_pha -cert rogue.pem (signed by another root) sent 'GET /pha'"
	wait_ns PhaRequests=1 PhaRejected=1 AlertBadCertificate=1 PhaVerified=0 ||
		{ pha_end; return; }
	wait_exit $cpid 60 || fail "s_client did not exit after the alert"
	exec 4>&-
	echo "  ktls-phd's log:"
	phd_show "client-cert from "
	echo "  s_client: $(grep -m 1 "alert" "$d/cli_err" | sed 's/^[0-9A-F]*:error:[0-9A-F]*://')"
	grep -q "SSL alert number 42\$" "$d/cli_err" || fail "s_client did not report alert 42"
	! grep -q "^pha: " "$d/cli_out" || fail "a page after the fatal alert"
	wait_exit $spid 60 || fail "ktls-ph-server did not exit"
	echo "  the example server's log:"
	grep ": pha: \|: closed" "$d/srv_err" | sed 's/^ktls-ph-server: \[[0-9]*\] //' | show
	echo "  /proc/net/ktls_ph grew: $(ns_pha)"
	pha_end "untrusted chain: verdict bad-certificate, the kernel sent alert 42, the connection ended"
}

client_role "$1"
server_role "$1"
ku_end
