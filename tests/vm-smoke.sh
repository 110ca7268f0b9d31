#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm-smoke.sh [normal|debug]
#
# The VM can run real userspace from the host: one of the project's own test
# binaries, and real TLS 1.3 handshakes between OpenSSL and GnuTLS peers on
# the guest's loopback (both directions). Later integration tests build on
# exactly this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
variant=${1:-normal}
kb=$("$top/scripts/build-kernel.sh" "$variant")
out="$top/out/smoke-$variant"
rm -rf "$out"
mkdir -p "$out/pki"
make -s -C "$top/userspace"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -keyout "$out/pki/key.pem" -out "$out/pki/cert.pem" 2>/dev/null

cat > "$out/guest.sh" <<GUEST
pki=$out/pki
GUEST
cat >> "$out/guest.sh" <<GUEST
set -u
fails=0
check() { # name, command...
	n=\$1; shift
	if "\$@"; then echo "smoke ok   \$n"; else echo "smoke FAIL \$n"; fails=\$((fails + 1)); fi
}
wait_port() { for i in \$(seq 1 100); do netstat -ltn | grep -q ":\$1 " && return 0; sleep 0.2; done; return 1; }

check "project binary" $top/userspace/build/test_tls13kdf

openssl s_server -accept 4433 -cert \$pki/cert.pem -key \$pki/key.pem -tls1_3 -www \
	> /tmp/s_server.log 2>&1 &
gnutls-serv -p 5556 --x509certfile \$pki/cert.pem --x509keyfile \$pki/key.pem \
	> /tmp/gnutls-serv.log 2>&1 &
check "openssl s_server listening" wait_port 4433
check "gnutls-serv listening" wait_port 5556

printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -connect 127.0.0.1:4433 -tls1_3 \
	-ign_eof > /tmp/o2o.log 2>&1
check "openssl client -> openssl server, TLS 1.3" grep -q "New, TLSv1.3" /tmp/o2o.log
gnutls-cli --x509cafile \$pki/cert.pem -p 4433 localhost < /dev/null > /tmp/g2o.log 2>&1
check "gnutls client -> openssl server, TLS 1.3" grep -q "Description: (TLS1.3" /tmp/g2o.log
openssl s_client -connect 127.0.0.1:5556 -tls1_3 < /dev/null > /tmp/o2g.log 2>&1
check "openssl client -> gnutls server, TLS 1.3" grep -q "New, TLSv1.3" /tmp/o2g.log
[ \$fails -eq 0 ] || { for f in /tmp/*.log; do echo "--- \$f"; cat \$f; done; }
exit \$fails
GUEST

rc=0
"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/guest.sh" \
	--add "$top/userspace/build/test_tls13kdf" --add "$out/pki" \
	--log "$out/console.log" --timeout 600 || rc=$?
tr -d '\r' < "$out/console.log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -v '^\[' || true
[ $rc -eq 0 ] && echo "vm-smoke[$variant]: passed" || echo "vm-smoke[$variant]: FAILED ($rc)"
exit $rc
