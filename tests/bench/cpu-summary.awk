# SPDX-License-Identifier: GPL-2.0
#
# cpu-summary.awk: the benchmark's figures from the host's side. Input: the
# samples tests/bench/run.sh takes of the QEMU process's CPU time at each
# "mark:" line of ktls-ph-bench, one per line:
#
#   start|end SUITE tput ROUND MODE BYTES CPU_NS
#   start|end SUITE rekey ROUND RUN ITERATIONS CPU_NS
#   start|end SUITE hkdf ROUND KDF ITERATIONS CPU_NS
#   start|end SUITE pha ROUND MODE AUTHENTICATIONS CPU_NS
#
# QEMU's CPU time counts only what the emulated CPU did, not the time the
# host gave to other processes, so these figures hold up on a busy host.
# Prints, per suite, throughput per CPU second and the per-round ratios
# (their median, min and max), the receiver's CPU per KeyUpdate, the CPU
# per post-handshake authentication (ktls_ph with ktls-phd, also when
# waiting with ktlsph_pha_wait(), and OpenSSL: the median over the rounds
# of each round's mean), and "cpu-table:" and "cpu-table-pha:" lines for
# run.sh's summary.

function median(a, n,    s, i, j, t) {
	for (i = 1; i <= n; i++)
		s[i] = a[i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
			t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
		}
	if (n == 0)
		return "nan"
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}

function spread(what, a, n,    i, lo, hi) {
	if (n == 0)
		return
	lo = hi = a[1]
	for (i = 2; i <= n; i++) {
		if (a[i] < lo) lo = a[i]
		if (a[i] > hi) hi = a[i]
	}
	printf "cpu: %-40s %.3f (min %.3f, max %.3f)\n", what, median(a, n), lo, hi
}

function f(fmt, v) {
	return v == "nan" || v == "" ? "-" : sprintf(fmt, v)
}

$7 !~ /^[0-9]+$/ { next }
$1 == "start" { t0[$2, $3, $4, $5] = $7; next }
$1 == "end" && (($2, $3, $4, $5) in t0) {
	cpu = ($7 - t0[$2, $3, $4, $5]) / 1e9
	if (cpu <= 0)
		next
	if (!($2 in seen)) {
		seen[$2] = 1
		suites[++nsuites] = $2
	}
	if ($3 == "tput")
		v[$2, $3, $5, $4] = $6 / 1048576 / cpu		# MiB per CPU second
	else
		v[$2, $3, $5, $4] = cpu * 1e6 / $6		# us per iteration
	if ($4 > rounds[$2, $3])
		rounds[$2, $3] = $4
}

END {
	for (si = 1; si <= nsuites; si++) {
		s = suites[si]
		delete r1; delete r2; delete r3; delete tp; delete ta; delete tr
		n = 0
		for (r = 1; r <= rounds[s, "tput"]; r++) {
			p = v[s, "tput", "plain", r]
			a = v[s, "tput", "attached", r]
			k = v[s, "tput", "attached+rekey", r]
			if (p == "" || a == "" || k == "")
				continue
			n++
			tp[n] = p; ta[n] = a; tr[n] = k
			r1[n] = a / p; r2[n] = k / a; r3[n] = k / p
		}
		mp = ma = mk = m1 = m2 = m3 = "nan"
		if (n) {
			printf "cpu: %s: throughput per CPU second of QEMU, %d rounds\n", s, n
			mp = median(tp, n); ma = median(ta, n); mk = median(tr, n)
			printf "cpu: tput %-15s median %8.2f MiB per CPU second\n", "plain", mp
			printf "cpu: tput %-15s median %8.2f MiB per CPU second\n", "attached", ma
			printf "cpu: tput %-15s median %8.2f MiB per CPU second\n", "attached+rekey", mk
			spread("ratio attached/plain, per round", r1, n)
			spread("ratio attached+rekey/attached, per round", r2, n)
			spread("ratio attached+rekey/plain, per round", r3, n)
			m1 = median(r1, n); m2 = median(r2, n); m3 = median(r3, n)
		}
		delete ph; delete us; delete ul; delete hk; delete hl
		n = 0
		for (r = 1; r <= rounds[s, "rekey"]; r++) {
			if (v[s, "rekey", "ph-ku", r] == "" || v[s, "rekey", "ph-base", r] == "" ||
			    v[s, "rekey", "us-ku", r] == "" || v[s, "rekey", "us-base", r] == "" ||
			    v[s, "rekey", "lean-ku", r] == "")
				continue
			n++
			ph[n] = v[s, "rekey", "ph-ku", r] - v[s, "rekey", "ph-base", r]
			us[n] = v[s, "rekey", "us-ku", r] - v[s, "rekey", "us-base", r]
			ul[n] = v[s, "rekey", "lean-ku", r] - v[s, "rekey", "us-base", r]
		}
		mph = mus = mul = "nan"
		if (n) {
			mph = median(ph, n); mus = median(us, n); mul = median(ul, n)
			printf "cpu: %s: receiver's CPU per KeyUpdate (with KeyUpdates minus data only), %d rounds\n", s, n
			printf "cpu: rekey cost ktls_ph          %7.1f us\n", mph
			printf "cpu: rekey cost userspace        %7.1f us\n", mus
			printf "cpu: rekey cost lean userspace   %7.1f us\n", mul
			printf "cpu: ratio rekey ktls_ph/userspace       %.3f\n", mph / mus
			printf "cpu: ratio rekey ktls_ph/lean userspace  %.3f\n", mph / mul
		}
		n = 0
		for (r = 1; r <= rounds[s, "hkdf"]; r++) {
			if (v[s, "hkdf", "tls13kdf", r] == "" || v[s, "hkdf", "lean", r] == "")
				continue
			n++
			hk[n] = v[s, "hkdf", "tls13kdf", r]; hl[n] = v[s, "hkdf", "lean", r]
		}
		if (n)
			printf "cpu: userspace HKDF alone per KeyUpdate: tls13kdf.h %.1f us, lean %.1f us\n",
			       median(hk, n), median(hl, n)
		printf "cpu-table: %s %s %s %s %s %s %s %s %s %s %s %s %s\n", s,
		       f("%.2f", mp), f("%.2f", ma), f("%.2f", mk),
		       f("%.3f", m1), f("%.3f", m2), f("%.3f", m3),
		       f("%.1f", mph), f("%.1f", mus),
		       f("%.3f", mph == "nan" ? "nan" : mph / mus),
		       f("%.1f", mul), f("%.3f", mph == "nan" ? "nan" : mph / mul), "-"
		delete pp; delete pw; delete po; delete pc
		n = 0
		for (r = 1; r <= rounds[s, "pha"]; r++) {
			if (v[s, "pha", "ph", r] == "" || v[s, "pha", "ph-wait", r] == "" ||
			    v[s, "pha", "ossl", r] == "")
				continue
			n++
			pp[n] = v[s, "pha", "ph", r]
			pw[n] = v[s, "pha", "ph-wait", r]
			po[n] = v[s, "pha", "ossl", r]
			pc[n] = v[s, "pha", "crypto", r]
		}
		mpp = mpw = mpo = mpc = "nan"
		if (n) {
			mpp = median(pp, n); mpw = median(pw, n); mpo = median(po, n)
			printf "cpu: %s: CPU per post-handshake authentication, %d rounds\n", s, n
			printf "cpu: pha ktls_ph (pha-done)          %8.1f us\n", mpp
			printf "cpu: pha ktls_ph (ktlsph_pha_wait)   %8.1f us\n", mpw
			printf "cpu: pha OpenSSL                     %8.1f us\n", mpo
			printf "cpu: ratio pha ktls_ph/OpenSSL       %.3f\n", mpp / mpo
			if (pc[1] != "") {
				mpc = median(pc, n)
				printf "cpu: pha signature and verifications alone %.1f us\n", mpc
			}
		}
		printf "cpu-table-pha: %s %s %s %s %s %s - -\n", s,
		       f("%.1f", mpp), f("%.1f", mpw), f("%.1f", mpo),
		       f("%.3f", mpp == "nan" ? "nan" : mpp / mpo), f("%.1f", mpc)
	}
}
