# Guest half of tests/pha/run.sh: ktls_ph on the SERVER side of
# post-handshake authentication (ku-pha-server-*).
#
# The example server (OpenSSL handshake, kTLS, ktls_ph attached with the
# transcript) answers GET /pha: it asks ktls_ph to send a CertificateRequest
# (ktlsph_pha_request()), waits for the verdict (ktlsph_pha_wait(): ktls_ph
# checks the client's Finished, ktls-phd the chain against [pha] ca_file and
# the CertificateVerify) and answers with it, when the connection still
# lives. The clients are `openssl s_client -enable_pha` and `gnutls-cli
# --post-handshake-auth`, each with a valid chain (leaf + intermediate), an
# untrusted one, one whose leaf is for servers only, none, and none with
# require_certificate; s_client with a key that is not the certificate's
# (decrypt_error; gnutls-cli refuses to load such a key); then ktls_ph on both ends, the refusals without
# post_handshake_auth and without a helper, and `ktls-ph pha-request`
# from outside. Each case checks
# the page (or the alert the client printed), the verdict and alert in the
# server socket's counters, the daemon's log line and the namespace
# counters exactly.
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
PART=pha-server
. "$GUEST/guest-lib.sh"
. "$PARTDIR/guest-pha-lib.sh"
pha_pki || { echo "ku-pha-server: FAIL no test PKI"; fails=1; ku_end; }
set -- $SUITES
suite1=$1

# client_run KIND CERT: the peer (openssl|gnutls) connects to the example
# server on $port with chain CERT (with its key; "none": no certificate),
# offers post-handshake authentication (unless KIND is openssl-nopha) and
# sends GET /pha; its stdin stays open until the page or an alert came.
# Output: $d/cli_out (stdout), $d/cli_err (stderr), $d/cli_log (gnutls-cli)
client_run() {
	local kind=$1 cert=$2 certopt=""
	mkfifo "$d/cli_in"
	case $kind in
	openssl*)
		[ "$cert" = none ] ||
			certopt="-cert $PP/$cert.pem -key $PP/$cert.key"
		[ "$cert" = none ] || [ "$cert" = rogue ] ||
			certopt="$certopt -cert_chain $PP/inter.pem"
		[ "$kind" = openssl-nopha ] || certopt="-enable_pha $certopt"
		# shellcheck disable=SC2086
		openssl s_client -connect 127.0.0.1:$port -tls1_3 \
			-ciphersuites "$suite" $certopt \
			< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
		;;
	gnutls)
		[ "$cert" = none ] ||
			certopt="--x509certfile $PP/$cert-chain.pem --x509keyfile $PP/$cert.key"
		[ "$cert" != rogue ] ||
			certopt="--x509certfile $PP/rogue.pem --x509keyfile $PP/rogue.key"
		# shellcheck disable=SC2086
		gnutls-cli --insecure --post-handshake-auth $certopt \
			--logfile="$d/cli_log" \
			--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$(gnutls_cipher "$suite")" \
			-p $port 127.0.0.1 \
			< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
		;;
	esac
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	to 4 "$(printf 'GET /pha HTTP/1.0\r\nHost: localhost\r\n\r')"
}

# client_done: close the client's stdin, wait for it (sets rc)
client_done() {
	exec 4>&-
	wait_exit $cpid 60 || fail "the client did not exit"
}

# alert_seen KIND N: the client printed that it received alert N
alert_seen() {
	case $1 in
	openssl*) grep -q "SSL alert number $2\$" "$d/cli_err" ;;
	gnutls) grep -q "^\*\*\* Received alert \[$2\]" "$d/cli_log" ;;
	esac
}

# server_end ok|failed KEY=VALUE...: ktls-ph-server exits (0 or 1) after
# logging "closed (ok|failed)", and the socket's counters it logged at the
# end (--stats) have these values
server_end() {
	local st=$1
	shift
	wait_exit $spid 60 || fail "ktls-ph-server did not exit"
	if [ "$st" = ok ]; then
		[ "$rc" = 0 ] || fail "ktls-ph-server exited $rc"
	else
		[ "$rc" = 1 ] || fail "ktls-ph-server exited $rc, expected 1"
	fi
	grep -q ": closed ($st)\$" "$d/srv_err" ||
		fail "ktls-ph-server did not log 'closed ($st)': $(tail -n 1 "$d/srv_err")"
	check_vals "server (end)" "$(server_stats "$d")" "$@"
}

# srv_logged PATTERN: ktls-ph-server logged PATTERN
srv_logged() {
	grep -q -- "$1" "$d/srv_err" || fail "ktls-ph-server did not log '$1'"
}

# phd_server_conf LINE...: start ktls-phd trusting root (server role)
phd_server() {
	phd_conf "$d/phd.conf" "ca_file = $PP/root.pem" "$@"
	start_phd_conf "$d/phd.conf"
}

# valid KIND SUITE [CERT CN]: a chain that verifies: verdict ok, page 200
# with the client's subject; the connection goes on (the page arrives under
# ktls_ph). With CERT (big: about 7 KiB, the client-cert event over a
# page) the case is KIND-bigchain.
valid_case() {
	local kind=$1 cert=client cn="pha client" name=valid
	[ "$kind" = openssl ] || { cert=ed; cn="pha ed25519 client"; }
	[ -z "${3:-}" ] || { cert=$3; cn=$4; name=bigchain; }
	pha_begin "pha-server-$kind-$name" "$2"
	phd_server || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run "$kind" $cert
	wait_for "$d/cli_out" "^pha: verdict=" || fail "no verdict in the page"
	client_done
	[ "$rc" = 0 ] || fail "$kind exited $rc"
	grep -q "^HTTP/1.0 200 " "$d/cli_out" || fail "status is not 200: $(head -n 1 "$d/cli_out")"
	grep -q "^pha: verdict=ok alert=0 subject=.*CN=$cn" "$d/cli_out" ||
		fail "page: $(grep "^pha:" "$d/cli_out")"
	wait_ns PhaRequests=1 PhaVerified=1 PhaAnswered=1 PhaRejected=0 PhaDeclined=0
	logged_srv "client-cert from .*: verdict ok, subject .*CN=$cn"
	if [ "$kind" = openssl ]; then
		! grep -q "alert\|:error:" "$d/cli_err" || fail "s_client: $(grep "alert\|:error:" "$d/cli_err" | head -n 1)"
	else
		grep -q "^- Successfully sent 2 certificate(s) to server" "$d/cli_log" ||
			fail "gnutls-cli did not send its 2 certificates"
		grep -q "^\*\*\* Re-auth was performed" "$d/cli_log" ||
			fail "gnutls-cli: no 'Re-auth was performed'"
	fi
	srv_logged ": pha: verdict=ok alert=0 subject=.*CN=$cn"
	server_end ok pha_requests=1 pha_answered=1 pha_declined=0 pha_verdict=ok pha_alert=0
	pha_end "verdict ok, page 200 with subject CN=$cn; $(ns_pha)"
}

# rejected NAME KIND CERT VERDICT ALERT COUNTER WHAT: the client (KIND)
# sends chain CERT; ktls-phd's verdict VERDICT ends the connection with
# alert ALERT (namespace counter COUNTER): no page, the client reports it
rejected_case() {
	local name=$1 kind=$2 cert=$3 verdict=$4 alert=$5 counter=$6 what=$7
	pha_begin "pha-server-$kind-$name" "$suite1"
	phd_server || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run "$kind" "$cert"
	wait_ns PhaRequests=1 PhaRejected=1 "$counter=1" PhaAnswered=0 \
		PhaVerified=0 PhaDeclined=0
	wait_exit $cpid 60 || fail "the client did not exit after the alert"
	alert_seen "$kind" "$alert" || fail "the client did not report alert $alert"
	exec 4>&-
	! grep -q "^pha: " "$d/cli_out" || fail "a page after the fatal alert"
	logged_srv "client-cert from .*: verdict $verdict, alert $alert"
	srv_logged ": pha: verdict=$verdict alert=$alert "
	server_end failed pha_requests=1 pha_answered=0 pha_verdict="$verdict" \
		pha_alert="$alert"
	pha_end "$what: verdict $verdict, alert $alert received by $kind; $(ns_pha)"
}

# untrusted KIND: a chain from the untrusted root: bad_certificate (42)
untrusted_case() {
	rejected_case untrusted "$1" rogue bad-certificate 42 \
		AlertBadCertificate "untrusted chain"
}

# eku KIND: a chain that verifies, but the leaf is for servers only
# (extendedKeyUsage serverAuth): unsupported_certificate (43)
eku_case() {
	rejected_case eku "$1" srvonly unsupported-certificate 43 \
		AlertUnsupportedCertificate "serverAuth-only leaf"
}

# wrongkey: s_client signs its CertificateVerify with a key that is not its
# certificate's (wrong.key, see guest-pha-lib.sh): the kernel accepts the
# Finished, ktls-phd the chain but not the signature: decrypt_error (51)
wrongkey_case() {
	rejected_case wrongkey openssl wrong decrypt-error 51 \
		AlertDecryptError "key not the certificate's"
}

# nocert KIND: the client declines: verdict no-certificate, no alert, the
# page says so (403)
nocert_case() {
	local kind=$1
	pha_begin "pha-server-$kind-nocert" "$suite1"
	phd_server || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run "$kind" none
	wait_for "$d/cli_out" "^pha: verdict=" || fail "no verdict in the page"
	client_done
	[ "$rc" = 0 ] || fail "$kind exited $rc"
	grep -q "^HTTP/1.0 403 " "$d/cli_out" || fail "status is not 403: $(head -n 1 "$d/cli_out")"
	grep -q "^pha: verdict=no-certificate alert=0" "$d/cli_out" ||
		fail "page: $(grep "^pha:" "$d/cli_out")"
	# PhaRejected: every server verdict but ok (Documentation/pha.md)
	wait_ns PhaRequests=1 PhaVerified=0 PhaRejected=1 PhaDeclined=1 PhaAnswered=0
	logged_srv "client-cert from .*: verdict no-certificate, alert 0"
	srv_logged ": pha: verdict=no-certificate alert=0 subject=-"
	server_end ok pha_requests=1 pha_answered=0 pha_declined=1 pha_verdict=no-certificate pha_alert=0
	pha_end "no certificate: verdict no-certificate, no alert, page 403; $(ns_pha)"
}

# required KIND: no certificate with require_certificate: alert 116
required_case() {
	local kind=$1
	pha_begin "pha-server-$kind-required" "$suite1"
	phd_server "require_certificate = yes" || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run "$kind" none
	wait_ns PhaRequests=1 AlertCertificateRequired=1 PhaDeclined=1 \
		PhaRejected=1 PhaAnswered=0 PhaVerified=0
	wait_exit $cpid 60 || fail "the client did not exit after the alert"
	alert_seen "$kind" 116 || fail "the client did not report alert 116"
	exec 4>&-
	! grep -q "^pha: " "$d/cli_out" || fail "a page after the fatal alert"
	logged_srv "client-cert from .*: verdict certificate-required, alert 116"
	srv_logged ": pha: verdict=certificate-required alert=116 "
	server_end failed pha_requests=1 pha_answered=0 pha_declined=1 pha_verdict=certificate-required pha_alert=116
	pha_end "no certificate, require_certificate = yes: verdict certificate-required, alert 116 received by $kind; $(ns_pha)"
}

# notoffered: s_client without -enable_pha: the request is refused
# (EOPNOTSUPP), nothing is sent, the page says why
notoffered_case() {
	pha_begin pha-server-notoffered "$suite1"
	phd_server || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run openssl-nopha client
	wait_for "$d/cli_out" "^pha: request failed: " || fail "no 'pha: request failed' page"
	client_done
	grep -q "^HTTP/1.0 403 " "$d/cli_out" || fail "status is not 403: $(grep "^HTTP" "$d/cli_out")"
	grep -q "^pha: request failed: .*post_handshake_auth" "$d/cli_out" ||
		fail "page: $(grep "^pha:" "$d/cli_out")"
	check_ns PhaRequests=0
	server_end ok pha_requests=0 pha_verdict=none
	pha_end "no post_handshake_auth: 403 '$(grep "^pha:" "$d/cli_out")'; $(ns_pha)"
}

# nohelper: no ktls-phd: the request is refused (ENOTCONN)
nohelper_case() {
	pha_begin pha-server-nohelper "$suite1"
	wait_helper 0
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	client_run openssl client
	wait_for "$d/cli_out" "^pha: request failed: " || fail "no 'pha: request failed' page"
	client_done
	grep -q "^HTTP/1.0 500 " "$d/cli_out" || fail "status is not 500: $(grep "^HTTP" "$d/cli_out")"
	grep -q "^pha: request failed: .*helper" "$d/cli_out" ||
		fail "page: $(grep "^pha:" "$d/cli_out")"
	check_ns PhaRequests=0
	server_end ok pha_requests=0 pha_verdict=none
	pha_end "no helper: 500 '$(grep "^pha:" "$d/cli_out")'; $(ns_pha)"
}

# both SUITE: ktls_ph on both ends, one ktls-phd for both roles: the
# example client (--pha --hold) gets /pha from the example server; the
# client's kernel answers with the helper's chain, the server's kernel
# checks the Finished, the helper the chain
both_case() {
	pha_begin pha-both "$1"
	phd_conf "$d/phd.conf" "certificate = $PP/client-chain.pem" \
		"key = $PP/client.key" "ca_file = $PP/root.pem"
	start_phd_conf "$d/phd.conf" || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	$BIN/ktls-ph-client --insecure --pha --hold --ciphersuite "$suite" \
		--get /pha --stats 127.0.0.1 $port < /dev/null > "$d/cli_out" \
		2> "$d/cli_err" || fail "the client exited $?: $(tail -n 2 "$d/cli_err")"
	grep -q "^pha: verdict=ok alert=0 subject=.*CN=pha client" "$d/cli_out" ||
		fail "page: $(cat "$d/cli_out")"
	# PhaRequests, PhaAnswered: the client's and the server's socket
	wait_ns PhaRequests=2 PhaAnswered=2 PhaVerified=1 PhaDeclined=0 PhaRejected=0
	[ "$(count "$d/phd_err" "cert-request from .*: answered with scheme ecdsa_secp256r1_sha256 (0x0403)")" = 1 ] ||
		fail "ktls-phd did not log one answered cert-request"
	logged_srv "client-cert from .*: verdict ok, subject .*CN=pha client"
	check_vals "client (end)" "$(client_stats "$d")" pha_requests=1 pha_answered=1 \
		pha_declined=0
	server_end ok pha_requests=1 pha_answered=1 pha_verdict=ok pha_alert=0
	pha_end "ktls_ph both ends: client answered, server verdict ok, page 200; $(ns_pha)"
}

# get_vals KEY=VALUE...: up to 60 s for `ktls-ph get $spid $sfd` to show
# these values; sets got (the last line)
get_vals() {
	local i=0 v kv ok
	while [ $i -lt 300 ]; do
		got=$($BIN/ktls-ph get "$spid" "$sfd" 2> "$d/get_err") ||
			{ fail "ktls-ph get: $(cat "$d/get_err")"; return 1; }
		ok=1
		for kv in "$@"; do
			v=$(echo " $got " | sed -n "s/.* ${kv%%=*}=\([^ ]*\) .*/\1/p")
			[ "$v" = "${kv#*=}" ] || ok=0
		done
		[ $ok -eq 1 ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	fail "ktls-ph get: waited 60 s for $* (now: $got)"
}

# cli: `ktls-ph pha-request PID FD` on the example server's socket while it
# echoes for s_client (GET /echo): the helper stopped first, so the verdict
# stays pending and a second pha-request gets EBUSY; then the verdict ok
# shows in `ktls-ph get`, and the echo goes on
cli_case() {
	local f
	pha_begin pha-server-cli "$suite1"
	phd_server || { pha_end; return; }
	start_server "$d" --ciphersuites "$suite" || { pha_end; return; }
	ns_snap
	mkfifo "$d/cli_in"
	openssl s_client -connect 127.0.0.1:$port -tls1_3 -ciphersuites "$suite" \
		-enable_pha -cert $PP/client.pem -key $PP/client.key \
		-cert_chain $PP/inter.pem \
		< "$d/cli_in" > "$d/cli_out" 2> "$d/cli_err" &
	cpid=$!
	pids="$pids $cpid"
	exec 4> "$d/cli_in"
	to 4 "$(printf 'GET /echo HTTP/1.0\r\nHost: localhost\r\n\r')"
	wait_for "$d/cli_out" "^Content-type" || fail "no response to GET /echo"
	sfd=""
	for f in /proc/"$spid"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		socket:*) sfd="$sfd${sfd:+ }${f##*/}" ;;
		esac
	done
	case $sfd in
	"" | *[!0-9]*) fail "ktls-ph-server: expected one socket, found '$sfd'" ;;
	esac
	[ -z "$why" ] && get_vals pha_requests=0 pha_verdict=none &&
		kill -STOP "$phd" &&
		$BIN/ktls-ph pha-request "$spid" "$sfd" > "$d/req_out" 2> "$d/req_err" ||
		fail "ktls-ph pha-request failed: $(cat "$d/req_err" 2>/dev/null)"
	[ -z "$why" ] && get_vals pha_requests=1 pha_verdict=pending &&
		to 4 "line while pending" &&
		wait_for "$d/cli_out" "^line while pending\$" || fail "echo lost while pending"
	if [ -z "$why" ]; then
		$BIN/ktls-ph pha-request "$spid" "$sfd" > "$d/req2_out" 2> "$d/req2_err" &&
			fail "a second pha-request while one is pending succeeded"
		grep -q "Device or resource busy" "$d/req2_err" ||
			fail "second pha-request: '$(cat "$d/req2_err")', expected EBUSY"
	fi
	kill -CONT "$phd"
	[ -z "$why" ] && get_vals pha_requests=1 pha_answered=1 pha_verdict=ok pha_alert=0 &&
		to 4 "line after the verdict" &&
		wait_for "$d/cli_out" "^line after the verdict\$" || fail "echo lost after the verdict"
	client_done
	[ "$rc" = 0 ] || fail "s_client exited $rc"
	check_ns PhaRequests=1 PhaVerified=1 PhaAnswered=1 PhaRejected=0
	logged_srv "client-cert from .*: verdict ok, subject .*CN=pha client"
	server_end ok pha_requests=1 pha_answered=1 pha_verdict=ok
	pha_end "ktls-ph pha-request on the echoing server's socket: pending (2nd request: $(sed 's/.*: //' "$d/req2_err")), then verdict ok in ktls-ph get, echo intact; $(ns_pha)"
}

# logged_srv PATTERN: ktls-phd logged PATTERN once
logged_srv() {
	[ "$(count "$d/phd_err" "$1")" = 1 ] ||
		fail "ktls-phd logged '$1' $(count "$d/phd_err" "$1") times, expected 1"
}

for s in $SUITES; do
	valid_case openssl "$s"
	valid_case gnutls "$s"
done
for k in openssl gnutls; do
	untrusted_case $k
	eku_case $k
	nocert_case $k
	required_case $k
done
wrongkey_case
valid_case openssl "$suite1" big "pha big client"
for s in $SUITES; do
	both_case "$s"
done
notoffered_case
nohelper_case
cli_case
echo "  /proc/net/ktls_ph after pha-server:"
grep -E "^(Pha|Alert|Helper|Events)" /proc/net/ktls_ph | tr -s ' ' | sed 's/^/  | /'
ku_end
