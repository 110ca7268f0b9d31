# Helpers for the guest parts of tests/pha/run.sh (sourced after
# tests/keyupdate/guest-lib.sh; busybox sh).
# shellcheck shell=dash
# (busybox ash: POSIX sh plus local)
# phd, PP and the suite names are for the sourcing script:
# shellcheck disable=SC2034

# The test PKI, made in the guest once per boot (both parts use it):
#   root.pem             the CA the servers trust (s_server -CAfile, the
#                        daemon's [pha] ca_file)
#   inter.pem            an intermediate CA signed by root
#   client.pem/.key      "CN=pha client,O=ktls_ph" (P-256), signed by inter,
#                        extendedKeyUsage clientAuth
#   client-chain.pem     client.pem + inter.pem (leaf first)
#   ed.pem/.key          "CN=pha ed25519 client,O=ktls_ph" (Ed25519), by inter
#   ed-chain.pem         ed.pem + inter.pem
#   other.pem            a second root nobody trusts
#   rogue.pem/.key       "CN=pha rogue client,O=ktls_ph" (P-256), signed by
#                        other: a well-formed chain the servers reject
#   srvonly.pem/.key     "CN=pha server-only,O=ktls_ph" (P-256), by inter,
#                        extendedKeyUsage serverAuth only (not for clients)
#   srvonly-chain.pem    srvonly.pem + inter.pem
#   big.pem/.key         "CN=pha big client,O=ktls_ph" (P-256), by inter,
#                        clientAuth and serverAuth, 160 subjectAltNames:
#                        about 7 KiB, so that a transcript with it (as
#                        s_server's certificate) and a Certificate with it
#                        are over a page
#   big-chain.pem        big.pem + inter.pem
#   wrong.pem/.key       client.pem, and a key with client.pem's public key
#                        but other.key's private scalar: OpenSSL loads it
#                        (it compares only the public keys) and signs
#                        CertificateVerifys no one can verify with the
#                        certificate (the "wrong key" cases; GnuTLS checks
#                        the key's parameters and refuses it)
PP=/tmp/pha-pki

# pki_leaf NAME CN ALG CA SERIAL [EXT]: a leaf NAME signed by CA, with the
# extensions of $PP/EXT.ext (default leaf: clientAuth)
pki_leaf() {
	if [ "$3" = ed25519 ]; then
		openssl genpkey -algorithm ed25519 -out $PP/$1.key 2>> $PP/log
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out $PP/$1.key 2>> $PP/log
	fi &&
	openssl req -new -key $PP/$1.key -subj "/CN=$2/O=ktls_ph" \
		-out $PP/$1.csr 2>> $PP/log &&
	openssl x509 -req -in $PP/$1.csr -CA $PP/$4.pem -CAkey $PP/$4.key \
		-set_serial "$5" -days 2 \
		-extfile $PP/${6:-leaf}.ext -out $PP/$1.pem 2>> $PP/log
}

# pki_ca NAME CN [ISSUER]: a CA certificate, self-signed without ISSUER
pki_ca() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out $PP/$1.key 2>> $PP/log || return 1
	if [ -z "${3:-}" ]; then
		openssl req -x509 -new -key $PP/$1.key -subj "/CN=$2" -days 2 \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign \
			-out $PP/$1.pem 2>> $PP/log
	else
		openssl req -new -key $PP/$1.key -subj "/CN=$2" -out $PP/$1.csr \
			2>> $PP/log &&
		openssl x509 -req -in $PP/$1.csr -CA $PP/$3.pem -CAkey $PP/$3.key \
			-set_serial 2 -days 2 -extfile $PP/ca.ext -out $PP/$1.pem \
			2>> $PP/log
	fi
}

# pki_wrong_key: wrong.pem and wrong.key (see above). An SEC1 P-256 key
# (DER) is 30 77 02 01 01 04 20, the 32-byte private scalar, then the
# parameters and the public key: the scalar of other.key goes in.
pki_wrong_key() {
	cp $PP/client.pem $PP/wrong.pem &&
	cat $PP/client.pem $PP/inter.pem > $PP/wrong-chain.pem &&
	openssl ec -in $PP/client.key -outform DER -out $PP/c.der 2>> $PP/log &&
	openssl ec -in $PP/other.key -outform DER -out $PP/o.der 2>> $PP/log &&
	[ "$(head -c 7 $PP/c.der | od -An -tx1 | tr -d ' \n')" = 30770201010420 ] &&
	[ "$(head -c 7 $PP/o.der | od -An -tx1 | tr -d ' \n')" = 30770201010420 ] &&
	{
		head -c 7 $PP/c.der
		dd if=$PP/o.der bs=1 skip=7 count=32 2> /dev/null
		tail -c +40 $PP/c.der
	} > $PP/w.der &&
	openssl ec -inform DER -in $PP/w.der -out $PP/wrong.key 2>> $PP/log &&
	# the same public key as the certificate, and not a valid key pair
	[ "$(openssl pkey -in $PP/wrong.key -pubout 2>> $PP/log)" = \
	  "$(openssl x509 -in $PP/wrong.pem -noout -pubkey 2>> $PP/log)" ] &&
	openssl ec -in $PP/wrong.key -check -noout 2>&1 | grep -q "EC Key Invalid"
}

# big_ext: the extensions of big.pem
big_ext() {
	local i=0 san="DNS:localhost"
	while [ $i -lt 160 ]; do
		san="$san,DNS:host-$i.a-rather-long-name.pha-test.example"
		i=$((i + 1))
	done
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n'
	printf 'extendedKeyUsage=clientAuth,serverAuth\nsubjectAltName=%s\n' "$san"
}

# pha_pki: make the PKI above (once)
pha_pki() {
	[ -f $PP/done ] && return 0
	rm -rf $PP
	mkdir -p $PP
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > $PP/ca.ext
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > $PP/leaf.ext
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > $PP/srv.ext
	big_ext > $PP/big.ext
	pki_ca root "ktls_ph PHA test root" &&
		pki_ca inter "ktls_ph PHA test intermediate" root &&
		pki_ca other "ktls_ph PHA untrusted root" &&
		pki_leaf client "pha client" ec inter 10 &&
		pki_leaf ed "pha ed25519 client" ed25519 inter 11 &&
		pki_leaf rogue "pha rogue client" ec other 12 &&
		pki_leaf srvonly "pha server-only" ec inter 13 srv &&
		pki_leaf big "pha big client" ec inter 14 big ||
		{ echo "pha: making the test PKI failed:"; cat $PP/log; return 1; }
	cat $PP/client.pem $PP/inter.pem > $PP/client-chain.pem
	cat $PP/ed.pem $PP/inter.pem > $PP/ed-chain.pem
	cat $PP/srvonly.pem $PP/inter.pem > $PP/srvonly-chain.pem
	cat $PP/big.pem $PP/inter.pem > $PP/big-chain.pem
	pki_wrong_key ||
		{ echo "pha: making the wrong key failed:"; cat $PP/log; return 1; }
	openssl verify -CAfile $PP/root.pem -untrusted $PP/inter.pem \
		$PP/client.pem $PP/ed.pem $PP/big.pem > $PP/verify 2>&1 ||
		{ echo "pha: the test PKI does not verify:"; cat $PP/verify; return 1; }
	touch $PP/done
}

# pha_begin NAME SUITE, pha_end SUMMARY: case_begin and case_end
# (guest-lib.sh), the case's time in seconds appended to the summary
pha_begin() {
	pha_t0=$(date +%s)
	case_begin "$@"
}

pha_end() {
	case_end "${1:-} ($(($(date +%s) - pha_t0)) s)"
}

# ns_pha: the PHA and alert counters that grew since ns_snap, one line
ns_pha() {
	local k v out=""
	for k in $(sed -n -E 's/^((Pha|Alert)[A-Za-z]*) *[0-9]+$/\1/p' /proc/net/ktls_ph); do
		v=$(ns_delta "$k")
		[ "$v" = 0 ] || out="$out $k+$v"
	done
	echo "${out# }"
}

# check_vals WHAT LINE KEY=VALUE...: like check_stats (guest-lib.sh), for
# values of any kind (pha_verdict=ok)
check_vals() {
	local w l kv v
	w=$1
	l=$2
	shift 2
	[ -n "$l" ] || { fail "$w: no counters"; return 1; }
	for kv in "$@"; do
		v=$(echo " $l " | sed -n "s/.* ${kv%%=*}=\([^ ]*\) .*/\1/p")
		[ "$v" = "${kv#*=}" ] ||
			{ fail "$w: ${kv%%=*}=$v, expected ${kv#*=} ($l)"; return 1; }
	done
	return 0
}

# phd_conf FILE LINE...: a ktls-phd configuration with these [pha] lines
phd_conf() {
	local f=$1
	shift
	printf '[pha]\n' > "$f"
	for l in "$@"; do
		printf '%s\n' "$l" >> "$f"
	done
}

# start_phd_conf CONF: ktls-phd with this configuration, its store in
# $d/store, debug log in $d/phd_err; sets phd
start_phd_conf() {
	$BIN/ktls-phd --config "$1" --store "$d/store" --log-level debug \
		> "$d/phd_out" 2> "$d/phd_err" &
	phd=$!
	pids="$pids $phd"
	wait_helper 1 || return 1
	kill -0 $phd 2>/dev/null || { fail "ktls-phd exited: $(tail -n 3 "$d/phd_err")"; return 1; }
}

# stop_phd: SIGTERM the helper, wait until it is gone and unregistered
stop_phd() {
	kill -TERM "$phd" 2>/dev/null
	wait_exit "$phd" 30 || fail "ktls-phd did not exit on SIGTERM"
	wait_helper 0
}

# to FD LINE: write LINE to FD (a FIFO to a peer's stdin) in a subshell, so
# that a peer gone (EPIPE, SIGPIPE) does not end this script
to() {
	( echo "$2" >&"$1" ) 2>/dev/null
}

# count FILE PATTERN: how many lines of FILE match PATTERN (0 if none)
count() {
	grep -c -- "$2" "$1" 2>/dev/null || true
}
