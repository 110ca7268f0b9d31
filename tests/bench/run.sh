#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/run.sh: `make bench`. Builds ktls_ph.ko and the benchmark,
# boots the normal test kernel once and runs userspace/build/ktls-ph-bench
# in it for each suite (one VM boot, so the ratios compare like with like):
#
#   tput   bulk throughput, both directions at once: plain kTLS, ktls_ph
#          attached on both ends, attached with an automatic KeyUpdate every
#          64 KiB sent by each end (interleaved rounds)
#   rekey  receiver's cost of one KeyUpdate: ktls_ph vs the 6.14 way in
#          userspace (recvmsg + cmsg, HKDF in userspace, setsockopt TLS_RX)
#   pha    one post-handshake client authentication (RFC 8446 4.6.2):
#          ktls_ph on both ends with ktls-phd as the helper vs OpenSSL in
#          userspace; a tiny PKI is made here (out/bench/pki) and ktls-phd
#          runs in the guest with it ([pha] certificate, key, ca_file)
#   mem    kernel memory (Slab) per attached socket, plain and with
#          pha-offered and a 4 KiB handshake transcript
#
# Every figure is measured twice: by the guest's clock (wall time: includes
# whatever else the host runs meanwhile) and by the CPU time the QEMU
# process used (sampled here at the benchmark's "mark:" lines; it does not
# count the time the host gives to other processes). Prints the ratios and writes
# everything to out/bench/results.txt; the console log is
# out/bench/console.log. Figures are reported, never judged: the run fails
# only when the benchmark itself fails (data or counter mismatch, a VM
# failure such as a kernel splat or a timeout).
#
# Environment: BENCH_SUITES (default TLS_AES_128_GCM_SHA256; any of the four
# TLS 1.3 suite names, space-separated), BENCH_ARGS (extra ktls-ph-bench
# options, e.g. "--mib 8 --rounds 5"), BENCH_TIMEOUT (VM timeout in
# seconds, default 300 plus 600 per suite).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
suites=${BENCH_SUITES:-TLS_AES_128_GCM_SHA256}
kb=$("$top/scripts/build-kernel.sh" normal)
out="$top/out/bench"
pki="$out/pki"
args="--marks --pha-pki $pki ${BENCH_ARGS:-}"
log="$out/console.log"
rm -rf "$out"
mkdir -p "$out"
"$top/scripts/build-module.sh" "$kb" "$out/modules" > "$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log"; exit 1; }
make -s -C "$top/userspace" build/ktls-ph-bench build/ktls-phd

# The PKI of the pha test (as tests/pha's pha_pki, smaller): a root, an
# intermediate, a P-256 client certificate (clientAuth) signed by it.
# OpenSSL's server in the baseline uses the client's chain as its own.
mkdir -p "$pki"
(
	cd "$pki"
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > leaf.ext
	for k in root inter client; do
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $k.key
	done
	openssl req -x509 -new -key root.key -subj "/CN=ktls_ph bench root" -days 2 \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign -out root.pem
	openssl req -new -key inter.key -subj "/CN=ktls_ph bench intermediate" -out inter.csr
	openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -set_serial 2 \
		-days 2 -extfile ca.ext -out inter.pem
	openssl req -new -key client.key -subj "/CN=bench client/O=ktls_ph" -out client.csr
	openssl x509 -req -in client.csr -CA inter.pem -CAkey inter.key -set_serial 10 \
		-days 2 -extfile leaf.ext -out client.pem
	cat client.pem inter.pem > client-chain.pem
	openssl verify -CAfile root.pem -untrusted inter.pem client.pem
	printf '[pha]\ncertificate = %s\nkey = %s\nca_file = %s\n' \
		"$pki/client-chain.pem" "$pki/client.key" "$pki/root.pem" > phd.conf
) > "$out/pki.log" 2>&1 || { echo "bench: making the PKI failed:"; cat "$out/pki.log"; exit 1; }
# QEMU TCG's TSC runs at the host's rate; the guest's own clock can lag
# (jiffies clocksource when the TSC could not be calibrated at boot).
if [ "$(uname -m)" = x86_64 ]; then
	args="--tsc-hz $("$top/userspace/build/ktls-ph-bench" --print-tsc-hz) $args"
fi
nsuites=$(echo "$suites" | wc -w)

cat > "$out/guest.sh" <<GUEST
set -u
BIN=$top/userspace/build
insmod ./tls.ko || exit 1
insmod ./ktls_ph.ko || exit 1
echo "bench: guest \$(uname -r), \$(grep -c ^processor /proc/cpuinfo) CPU(s), \$(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
# the namespace's helper for the pha test: signs for the client, checks
# the chain for the server
\$BIN/ktls-phd --config $pki/phd.conf --store /tmp/phd-store 2> /tmp/phd.log &
phd=\$!
i=0
until grep -q '^HelperRegistered *1\$' /proc/net/ktls_ph; do
	i=\$((i + 1))
	[ \$i -lt 100 ] && kill -0 \$phd 2>/dev/null ||
		{ echo "bench: ktls-phd did not register: \$(tail -n 3 /tmp/phd.log)"; exit 1; }
	sleep 0.1
done
rc=0
for s in $suites; do
	echo "bench: suite \$s"
	\$BIN/ktls-ph-bench --suite \$s --pha-helper-pid \$phd $args
	r=\$?
	[ \$r -eq 0 ] || { echo "bench: ktls-ph-bench exited \$r"; rc=1; }
done
# the module's and kTLS's own counters (errors, rekeys) after all runs
for f in /proc/net/ktls_ph /proc/net/tls_stat; do
	echo "stat: \$f: \$(awk '\$2 != 0 { printf "%s=%s ", \$1, \$2 }' \$f)"
done
kill -TERM \$phd
wait \$phd || { echo "bench: ktls-phd exited \$?: \$(tail -n 3 /tmp/phd.log)"; rc=1; }
echo "stat: ktls-phd: \$(grep -c 'answered with scheme' /tmp/phd.log) answers, \$(grep -c 'verdict ok' /tmp/phd.log) verdicts ok; \$(grep 'counters:' /tmp/phd.log | tail -n 1)"
rmmod ktls_ph || rc=1
exit \$rc
GUEST

rc=0
start=$(date +%s)
"$top/scripts/vm-run.sh" --kbuild "$kb" --script "$out/guest.sh" \
	--ko "$out/modules/ktls_ph.ko" --add "$top/userspace/build" --add "$pki" \
	--log "$log" --timeout "${BENCH_TIMEOUT:-$((300 + 600 * nsuites))}" &
vm=$!
# QEMU's CPU time at each "mark:" line of the benchmark
python3 "$here/sample-cpu.py" "$log" "$vm" > "$out/cpu-marks.txt" &
sampler=$!
wait "$vm" || rc=$?
wait "$sampler" || true
secs=$(( $(date +%s) - start ))

# the benchmark's own lines, without kernel messages
tr -d '\r' < "$log" | sed -n '/KTLS_PH_VM: running test/,$p' |
	grep -E '^(bench:|result:|table:|table-pha:|stat:|ktls-ph-bench:| )' > "$out/bench.log" || true
awk -f "$here/cpu-summary.awk" "$out/cpu-marks.txt" > "$out/cpu.log" || true

fmt='%-28s %7s %8s %7s %9s %7s %9s %6s %7s %7s %7s %7s %6s\n'
table() {
	# shellcheck disable=SC2059
	printf "$fmt" suite plain attached rekey att/plain rek/att rek/plain \
		ph_us user_us ph/user lean_us ph/lean bytes
	while read -r -a f; do
		# shellcheck disable=SC2059
		printf "$fmt" "${f[@]}"
	done
}

pfmt='%-28s %9s %9s %9s %8s %9s %9s %8s\n'
pha_table() {
	# shellcheck disable=SC2059
	printf "$pfmt" suite pha_us wait_us ossl_us ph/ossl crypto_us pha_bytes pha/mem
	while read -r -a f; do
		# shellcheck disable=SC2059
		printf "$pfmt" "${f[@]}"
	done
}

{
	echo "ktls_ph benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "VM: qemu-system-x86_64 -accel tcg -cpu max -smp 2, kernel $(basename "$kb"); VM run ${secs}s"
	echo "module: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') plus working tree, sources sha256 $(cat "$top"/module/*.[ch] | sha256sum | cut -c1-16)"
	echo
	grep -v '^table' "$out/bench.log" || true
	echo
	echo "The same measured by QEMU's CPU time (host side):"
	grep -v '^cpu-table' "$out/cpu.log" || true
	echo
	echo "Summary (medians). Throughput: MiB per second (both directions"
	echo "together) of plain kTLS, ktls_ph attached, attached with automatic"
	echo "KeyUpdates, and the medians of the per-round ratios. Receiver's cost"
	echo "of one KeyUpdate in us: ktls_ph, userspace with tls13kdf.h, lean"
	echo "userspace (HMAC fetched once). Slab bytes per attached socket."
	echo
	echo "By the guest's clock (wall time):"
	sed -n 's/^table: //p' "$out/bench.log" | table
	echo
	echo "By QEMU's CPU time (throughput per CPU second; rekey in CPU us):"
	sed -n 's/^cpu-table: //p' "$out/cpu.log" | table
	echo
	echo "Post-handshake authentication, us per authentication: ktls_ph"
	echo "(verdict seen through pha-done; through ktlsph_pha_wait(), woken"
	echo "by pha-done too), OpenSSL in userspace, ktls_ph/OpenSSL, the"
	echo "signature, chain check and verification alone (OpenSSL); Slab bytes"
	echo "per socket attached with pha-offered and the transcript, and its"
	echo "ratio to plain attach (CPU time: only the latencies)."
	echo
	echo "By the guest's clock (wall time):"
	sed -n 's/^table-pha: //p' "$out/bench.log" | pha_table
	echo
	echo "By QEMU's CPU time (CPU us):"
	sed -n 's/^cpu-table-pha: //p' "$out/cpu.log" | pha_table
} > "$out/results.txt"
cat "$out/results.txt"
echo
echo "results: $out/results.txt, console log: $log"
if [ $rc -eq 0 ] && ! grep -q '^bench: done' "$out/bench.log"; then
	rc=1
fi
[ $rc -eq 0 ] && echo "bench: completed (VM ${secs}s)" ||
	echo "bench: FAILED ($rc, VM ${secs}s; see $log)"
exit $rc
