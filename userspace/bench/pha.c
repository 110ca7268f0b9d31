// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-bench, pha: the latency of one server-initiated post-handshake
 * client authentication (RFC 8446 4.6.2) on one loopback connection.
 *
 *   ktls_ph   both ends kTLS with ktls_ph attached (pha-offered, a made-up
 *             transcript); ktls-phd, the namespace's helper, signs for the
 *             client and checks the chain for the server. The server calls
 *             ktlsph_pha_request() and waits for the verdict ok, woken by
 *             the pha-done multicast (ph) or with ktlsph_pha_wait() (ph-wait,
 *             also woken by pha-done, with its own subscription and gets
 *             per call); a client thread keeps reading, which makes the
 *             client's kernel take the CertificateRequest.
 *   openssl   the same authentication by OpenSSL in userspace over plain
 *             TCP: SSL_verify_client_post_handshake(), SSL_do_handshake(),
 *             a 1-byte message each way (SSL_read() drives the exchange).
 *
 * Each authentication is checked: verdict ok and the counters of both
 * ends (ktls_ph), one verified leaf certificate (OpenSSL). Per round also
 * the public-key work alone (crypto_us()). Marks: "pha ROUND ph|ph-wait|
 * ossl|crypto N" around each mode's N authentications.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <linux/ktls_ph.h>

#include "pha.h"

enum pha_mode { P_PH, P_WAIT, P_OSSL, P_NUM };
static const char * const pha_name[P_NUM] = {
	"ktls_ph (pha-done)", "ktls_ph (ktlsph_pha_wait)", "OpenSSL",
};

/* the same in mark: lines */
static const char * const pha_key[P_NUM] = { "ph", "ph-wait", "ossl" };

#define PHA_MAX_ITERS	64	/* per round; rounds at most 64 */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median() for any @n: sorts @v */
static double pha_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint8_t *pha_transcript(size_t len)
{
	/* type and body length; the Certificate takes the rest */
	size_t body[7] = { 250, 118, 20, 0, 76, suite->hash_len,
			   suite->hash_len };
	static const uint8_t type[7] = { 1, 2, 8, 11, 15, 20, 20 };
	size_t fixed = 0, off = 0, i, j;
	uint8_t *t;

	for (i = 0; i < 7; i++)
		fixed += 4 + body[i];
	if (len < fixed + 64 || len > KTLSPH_MAX_TRANSCRIPT)
		die(0, "transcript of %zu bytes: must be %zu to %d", len,
		    fixed + 64, KTLSPH_MAX_TRANSCRIPT);
	body[3] = len - fixed;
	t = malloc(len);
	if (!t)
		die(0, "out of memory");
	for (i = 0; i < 7; i++) {
		t[off++] = type[i];
		t[off++] = body[i] >> 16;
		t[off++] = body[i] >> 8;
		t[off++] = body[i];
		for (j = 0; j < body[i]; j++)
			t[off++] = (uint8_t)(j * 31 + i);
	}
	return t;
}

/*
 * ktls_ph.
 */

/*
 * The helper's CPU time so far in ns plus 1, or 0 if unknown: utime +
 * stime of /proc/PID/stat (clock ticks: the test kernel has no schedstat).
 */
static uint64_t helper_ns(int pid)
{
	unsigned long long ut, st;
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "pid (comm)": state and 10 fields, then utime and stime */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return 0;
	return (ut + st) * (1000000000ull / sysconf(_SC_CLK_TCK)) + 1;
}

/* ktls-phd's CPU time during the pha-done mode's authentications */
static uint64_t helper_cpu, helper_auths;

/* the client's reader: takes the CertificateRequests, expects no data */
struct ph_client {
	int fd;
	char err[160];
};

static void *ph_reader(void *arg)
{
	struct ph_client *c = arg;
	uint8_t b[256];
	ssize_t n;

	n = read(c->fd, b, sizeof(b));
	if (n > 0)
		snprintf(c->err, sizeof(c->err),
			 "client: %zd bytes of unexpected data", n);
	else if (n < 0)
		snprintf(c->err, sizeof(c->err), "client: read: %s",
			 strerror(errno));
	return NULL;
}

/* The pha-done multicast group, to wake the server without a poll step. */
static struct nl_sock *mcast_open(void)
{
	struct nl_sock *ns = nl_socket_alloc();
	int grp;

	if (!ns || genl_connect(ns))
		die(0, "pha: generic netlink socket");
	grp = genl_ctrl_resolve_grp(ns, KTLS_PH_FAMILY_NAME, KTLS_PH_MCGRP_PHA);
	if (grp < 0 || nl_socket_add_membership(ns, grp))
		die(0, "pha: cannot join the %s multicast group %s",
		    KTLS_PH_FAMILY_NAME, KTLS_PH_MCGRP_PHA);
	nl_socket_disable_seq_check(ns);
	return ns;
}

/*
 * Wait for the outcome on server socket @fd: peek at the socket when it is
 * readable (ktls_ph then takes the client's answer, as ktlsph_pha_wait()
 * does); when a pha-done message arrives, fetch the outcome into @res.
 * No netlink request before pha-done: the wait costs what an application
 * woken by pha-done pays. Returns when pha-done arrived (now_ns()), and
 * in *@answer when the socket was first readable (the client's answer had
 * arrived).
 */
static uint64_t wait_mcast(int fd, int mfd, struct ktlsph_pha_result *res,
			   uint64_t *answer)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = mfd, .events = POLLIN },
	};
	char err[256], buf[4096];
	uint64_t done;
	uint8_t b;
	ssize_t n;

	*answer = 0;
	for (;;) {
		if (poll(p, 2, 15000) <= 0)
			die(errno, "pha: no outcome within 15 s");
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!*answer)
				*answer = now_ns();
			n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
			if (n >= 0 || (errno != EAGAIN && errno != EINTR))
				die(n < 0 ? errno : 0, "pha: server: %s",
				    n > 0 ? "unexpected data" :
				    "connection ended");
		}
		if (!(p[1].revents & POLLIN))
			continue;
		done = now_ns();
		while (recv(mfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		ktlsph_pha_result_free(res);
		if (ktlsph_pha_result(fd, res, err, sizeof(err)))
			die(0, "pha: ktlsph_pha_result: %s", err);
		if (res->verdict != KTLSPH_PHA_PENDING)
			return done;
	}
}

/* Check that the ktls_ph authentication @i (from 0) of a run went well. */
static void ph_check(struct conn *k, const struct ktlsph_pha_result *res,
		     unsigned int i)
{
	struct ktlsph_stats c, s;

	get_stats(k->c, &c);
	get_stats(k->s, &s);
	if (res->verdict != KTLSPH_PHA_OK || res->alert ||
	    !res->peer_cert_len || s.pha_verdict != KTLSPH_PHA_OK ||
	    s.pha_requests != i + 1 || s.pha_answered != i + 1 ||
	    c.pha_requests != i + 1 || c.pha_answered != i + 1 ||
	    s.pha_declined || c.pha_declined || s.pha_timeouts ||
	    c.pha_timeouts)
		die(0,
		    "pha: authentication %u: verdict %s alert %u (peer certificate %zu bytes); server pha_requests=%llu pha_answered=%llu pha_declined=%llu pha_timeouts=%llu, client pha_requests=%llu pha_answered=%llu pha_declined=%llu pha_timeouts=%llu, expected verdict ok and requests=answered=%u",
		    i + 1, ktlsph_pha_verdict_name(res->verdict), res->alert,
		    res->peer_cert_len,
		    (unsigned long long)s.pha_requests,
		    (unsigned long long)s.pha_answered,
		    (unsigned long long)s.pha_declined,
		    (unsigned long long)s.pha_timeouts,
		    (unsigned long long)c.pha_requests,
		    (unsigned long long)c.pha_answered,
		    (unsigned long long)c.pha_declined,
		    (unsigned long long)c.pha_timeouts, i + 1);
}

/*
 * @n authentications on one connection, ktls_ph on both ends (@mode
 * P_WAIT: waiting with ktlsph_pha_wait()); their times in ns into @t;
 * with pha-done also the times ktlsph_pha_request() took into @tq and
 * those from the request to the client's answer into @ta. @round < 0: a
 * warm-up, no marks.
 */
static void ph_run(int mode, const struct pha_opts *o, const uint8_t *tr,
		   unsigned int n, int round, double *t, double *tq, double *ta)
{
	struct ktlsph_pha_result res = {};
	struct nl_sock *ns = mode == P_PH ? mcast_open() : NULL;
	struct ph_client cl = {};
	char err[256];
	pthread_t th;
	struct conn k;
	unsigned int i;
	uint64_t t0, t1, ta0, h0;
	int ret;

	conn_open(&k, 0);
	ph_attach_pha(&k, 0, 0, tr, o->transcript);
	ph_attach_pha(&k, 1, 0, tr, o->transcript);
	cl.fd = k.c;
	if (pthread_create(&th, NULL, ph_reader, &cl))
		die(0, "pthread_create failed");
	if (round >= 0)
		host_mark(0, "pha %d %s %u", round + 1, pha_key[mode], n);
	h0 = helper_ns(o->helper_pid);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		ret = ktlsph_pha_request(k.s, err, sizeof(err));
		if (ret)
			die(-ret, "pha: ktlsph_pha_request: %s%s", err,
			    ret == -ENOTCONN ? " (is ktls-phd running?)" : "");
		tq[i] = now_ns() - t0;
		if (mode == P_WAIT) {
			ktlsph_pha_result_free(&res);
			ret = ktlsph_pha_wait(k.s, 15000, &res, err,
					      sizeof(err));
			if (ret)
				die(-ret, "pha: ktlsph_pha_wait: %s", err);
			t1 = now_ns();
		} else {
			t1 = wait_mcast(k.s, nl_socket_get_fd(ns), &res, &ta0);
			ta[i] = ta0 ? ta0 - t0 : NAN;
		}
		t[i] = t1 - t0;
		ph_check(&k, &res, i);
	}
	if (round >= 0 && mode == P_PH && h0) {
		helper_cpu += helper_ns(o->helper_pid) - h0;
		helper_auths += n;
	}
	if (round >= 0)
		host_mark(1, "pha %d %s %u", round + 1, pha_key[mode], n);
	ktlsph_pha_result_free(&res);
	/* the client's reader ends at the end of the stream */
	shutdown(k.s, SHUT_WR);
	pthread_join(th, NULL);
	if (cl.err[0])
		die(0, "pha: %s", cl.err);
	conn_close(&k);
	if (ns)
		nl_socket_free(ns);
}

/*
 * OpenSSL.
 */

static struct ssl_ctx_st *ctx_c, *ctx_s;
static unsigned int verified;	/* leaf certificates the server accepted */

/* the next certificate of @fp onto @chain; 0 at the end */
static int chain_add(struct stack_st_X509 *chain, FILE *fp)
{
	X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);

	if (!x)
		return 0;
	if (!sk_X509_push(chain, x)) {
		X509_free(x);
		return 0;
	}
	return 1;
}

static void __attribute__((noreturn)) ossl_die(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	die(0, "pha: OpenSSL: %s: %s", what, e ? buf : "failed");
}

static int verify_cb(int ok, X509_STORE_CTX *x)
{
	if (ok && X509_STORE_CTX_get_error_depth(x) == 0)
		verified++;
	return ok;
}

static SSL_CTX *ossl_ctx(int server, const struct pha_opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() :
				   TLS_client_method());
	char f[512];

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, suite->name))
		ossl_die("SSL_CTX");
	/* the client certificate serves as the server's too */
	snprintf(f, sizeof(f), "%s/client-chain.pem", o->pki);
	if (SSL_CTX_use_certificate_chain_file(ctx, f) != 1)
		ossl_die(f);
	snprintf(f, sizeof(f), "%s/client.key", o->pki);
	if (SSL_CTX_use_PrivateKey_file(ctx, f, SSL_FILETYPE_PEM) != 1)
		ossl_die(f);
	if (server) {
		snprintf(f, sizeof(f), "%s/root.pem", o->pki);
		if (SSL_CTX_load_verify_locations(ctx, f, NULL) != 1)
			ossl_die(f);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
				   SSL_VERIFY_POST_HANDSHAKE, verify_cb);
		SSL_CTX_set_num_tickets(ctx, 0);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		SSL_CTX_set_post_handshake_auth(ctx, 1);
	}
	return ctx;
}

/* the client: handshake, then answer each 1-byte message with one */
static void *ossl_client(void *arg)
{
	SSL *ssl = arg;
	char b;

	if (SSL_connect(ssl) != 1)
		return "SSL_connect failed";
	while (SSL_read(ssl, &b, 1) == 1)
		if (SSL_write(ssl, &b, 1) != 1)
			return "SSL_write failed";
	return NULL;
}

static void ossl_run(unsigned int n, int round, double *t)
{
	SSL *c = SSL_new(ctx_c), *s = SSL_new(ctx_s);
	unsigned int i, v;
	void *cerr;
	struct conn k;
	pthread_t th;
	X509 *peer;
	uint64_t t0;
	char b;

	tcp_open(&k, 0);
	if (!c || !s || !SSL_set_fd(c, k.c) || !SSL_set_fd(s, k.s))
		ossl_die("SSL_new");
	if (pthread_create(&th, NULL, ossl_client, c))
		die(0, "pthread_create failed");
	if (SSL_accept(s) != 1)
		ossl_die("SSL_accept");
	if (round >= 0)
		host_mark(0, "pha %d %s %u", round + 1, pha_key[P_OSSL], n);
	for (i = 0; i < n; i++) {
		v = verified;
		b = 'a' + i % 26;
		t0 = now_ns();
		if (SSL_verify_client_post_handshake(s) != 1)
			ossl_die("SSL_verify_client_post_handshake");
		if (SSL_do_handshake(s) != 1)
			ossl_die("SSL_do_handshake (CertificateRequest)");
		if (SSL_write(s, &b, 1) != 1)
			ossl_die("SSL_write");
		if (SSL_read(s, &b, 1) != 1)
			ossl_die("SSL_read (the client's answer)");
		t[i] = now_ns() - t0;
		peer = SSL_get1_peer_certificate(s);
		if (b != 'a' + (int)(i % 26) || verified != v + 1 || !peer ||
		    SSL_get_verify_result(s) != X509_V_OK)
			die(0,
			    "pha: OpenSSL authentication %u: echo %s, %u leaf certificates verified (expected 1), peer certificate %s, verify result %ld",
			    i + 1, b == 'a' + (int)(i % 26) ? "ok" : "wrong",
			    verified - v, peer ? "present" : "missing",
			    SSL_get_verify_result(s));
		X509_free(peer);
	}
	if (round >= 0)
		host_mark(1, "pha %d %s %u", round + 1, pha_key[P_OSSL], n);
	SSL_shutdown(s);
	shutdown(k.s, SHUT_WR);
	pthread_join(th, &cerr);
	if (cerr)
		die(0, "pha: OpenSSL client: %s", (const char *)cerr);
	SSL_free(c);
	SSL_free(s);
	conn_close(&k);
}

/*
 * The public-key work of one authentication alone, as both sides do it
 * (ktls-phd and OpenSSL alike): the client's CertificateVerify signature
 * (ECDSA P-256 with SHA-256 over 130 bytes, as RFC 8446 4.4.3), and on
 * the server the chain check (X509_verify_cert(), leaf and intermediate
 * against the root) and the signature's verification. Returns us per
 * authentication, the signature's share in *@sign_us.
 */
static double crypto_us(const struct pha_opts *o, unsigned int n, int round,
			double *sign_us)
{
	struct stack_st_X509 *chain = NULL;	/* STACK_OF(X509) */
	X509_STORE_CTX *xc = X509_STORE_CTX_new();
	X509_STORE *st = X509_STORE_new();
	uint8_t content[130], sig[256];
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *mc;
	X509 *leaf = NULL;
	unsigned int i;
	size_t siglen;
	char f[512];
	uint64_t t0, t1, ts = 0;
	FILE *fp;

	memset(content, 0x20, 64);
	memset(content + 64, 0x5a, sizeof(content) - 64);
	snprintf(f, sizeof(f), "%s/client.key", o->pki);
	fp = fopen(f, "r");
	if (fp) {
		key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	snprintf(f, sizeof(f), "%s/client-chain.pem", o->pki);
	chain = sk_X509_new_null();
	fp = chain ? fopen(f, "r") : NULL;
	if (fp) {
		leaf = PEM_read_X509(fp, NULL, NULL, NULL);
		while (leaf && chain_add(chain, fp))
			;
		fclose(fp);
	}
	snprintf(f, sizeof(f), "%s/root.pem", o->pki);
	if (!key || !leaf || !xc || !st || !X509_STORE_load_file(st, f))
		ossl_die("loading the PKI");
	host_mark(0, "pha %d crypto %u", round + 1, n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		t1 = now_ns();
		mc = EVP_MD_CTX_new();
		siglen = sizeof(sig);
		if (!mc || EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL,
					      key) != 1 ||
		    EVP_DigestSign(mc, sig, &siglen, content,
				   sizeof(content)) != 1)
			ossl_die("signing");
		EVP_MD_CTX_free(mc);
		ts += now_ns() - t1;
		if (!X509_STORE_CTX_init(xc, st, leaf, chain) ||
		    X509_verify_cert(xc) != 1)
			ossl_die("X509_verify_cert");
		X509_STORE_CTX_cleanup(xc);
		mc = EVP_MD_CTX_new();
		if (!mc || EVP_DigestVerifyInit(mc, NULL, EVP_sha256(), NULL,
						X509_get0_pubkey(leaf)) != 1 ||
		    EVP_DigestVerify(mc, sig, siglen, content,
				     sizeof(content)) != 1)
			ossl_die("verifying");
		EVP_MD_CTX_free(mc);
	}
	t0 = now_ns() - t0;
	host_mark(1, "pha %d crypto %u", round + 1, n);
	X509_STORE_CTX_free(xc);
	X509_STORE_free(st);
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	EVP_PKEY_free(key);
	*sign_us = ts / 1e3 / n;
	return t0 / 1e3 / n;
}

/* (@tq and @ta: see ph_run()) */
static void run(int mode, const struct pha_opts *o, const uint8_t *tr,
		unsigned int n, int round, double *t, double *tq, double *ta)
{
	if (mode == P_OSSL)
		ossl_run(n, round, t);
	else
		ph_run(mode, o, tr, n, round, t, tq, ta);
}

void pha_test(const struct pha_opts *o, struct pha_res *r)
{
	static double t[P_NUM][64 * PHA_MAX_ITERS], ta[64 * PHA_MAX_ITERS];
	static double tq[64 * PHA_MAX_ITERS];
	double us[P_NUM][64], m[P_NUM], all[64 * PHA_MAX_ITERS], cr[64];
	double sg[64];
	double warm[PHA_MAX_ITERS], wq[PHA_MAX_ITERS], wa[PHA_MAX_ITERS];
	double ans, ver, req;
	unsigned int round, i, j, n = o->iters;
	uint8_t *tr;
	int mode;

	if (!o->pki)
		die(0, "pha: needs --pha-pki DIR (tests/bench/run.sh makes one)");
	tr = pha_transcript(o->transcript);
	if (!n || n > PHA_MAX_ITERS || !o->rounds || o->rounds > 64)
		die(0, "pha: --pha-iters 1 to %d, --pha-rounds 1 to 64",
		    PHA_MAX_ITERS);
	fprintf(stdout,
		"bench: post-handshake authentication: %s, %u rounds of %u authentications per mode on one connection, transcript %zu bytes; time from the request to the verdict\n",
		suite->name, o->rounds, n, o->transcript);
	ctx_c = ossl_ctx(0, o);
	ctx_s = ossl_ctx(1, o);
	/* warm-up, not counted */
	for (mode = 0; mode < P_NUM; mode++)
		run(mode, o, tr, n < 4 ? n : 4, -1, warm, wq, wa);
	for (round = 0; round < o->rounds; round++) {
		for (i = 0; i < P_NUM; i++) {
			mode = (round + i) % P_NUM;
			run(mode, o, tr, n, round, t[mode] + round * n,
			    mode == P_PH ? tq + round * n : wq,
			    mode == P_PH ? ta + round * n : wa);
			for (j = 0; j < n; j++)
				warm[j] = t[mode][round * n + j] / 1e3;
			us[mode][round] = median(warm, n);
		}
		cr[round] = crypto_us(o, n, round, &sg[round]);
		fprintf(stdout,
			"  round %u: median per authentication: %s %.1f us, %s %.1f us, %s %.1f us; signature and verifications alone %.1f us (signature %.1f us)\n",
			round + 1, pha_name[P_PH], us[P_PH][round],
			pha_name[P_WAIT], us[P_WAIT][round],
			pha_name[P_OSSL], us[P_OSSL][round], cr[round],
			sg[round]);
	}
	for (mode = 0; mode < P_NUM; mode++) {
		/* the median of all authentications, not of the rounds' */
		for (j = 0; j < o->rounds * n; j++)
			all[j] = t[mode][j] / 1e3;
		m[mode] = pha_median(all, o->rounds * n);
		printf("result: pha %-26s median %8.1f us per authentication (%u)\n",
		       pha_name[mode], m[mode], o->rounds * n);
	}
	r->crypto_us = median(cr, o->rounds);
	fprintf(stdout,
		"result: pha signature, chain check and verification alone %.1f us per authentication, the signature %.1f us (OpenSSL, medians of the rounds' means)\n",
		r->crypto_us, median(sg, o->rounds));
	/* ktls_ph with pha-done: the request call, the answer, the verdict */
	for (j = 0; j < o->rounds * n; j++)
		all[j] = tq[j] / 1e3;
	req = pha_median(all, o->rounds * n);
	for (j = 0; j < o->rounds * n; j++)
		all[j] = ta[j] / 1e3;
	ans = pha_median(all, o->rounds * n);
	for (j = 0; j < o->rounds * n; j++)
		all[j] = (t[P_PH][j] - ta[j]) / 1e3;
	ver = pha_median(all, o->rounds * n);
	fprintf(stdout,
		"result: pha ktls_ph (pha-done) split: request to the client's answer at the server %.1f us (of which ktlsph_pha_request() %.1f us), answer to pha-done %.1f us (medians)\n",
		ans, req, ver);
	if (helper_auths)
		fprintf(stdout,
			"result: pha ktls-phd's CPU time per authentication %.1f us (pha-done mode; utime + stime, in clock ticks)\n",
			helper_cpu / 1e3 / helper_auths);
	r->ph_us = m[P_PH];
	r->wait_us = m[P_WAIT];
	r->ossl_us = m[P_OSSL];
	printf("result: ratio pha ktls_ph/OpenSSL         %.3f (with ktlsph_pha_wait(): %.3f)\n",
	       m[P_PH] / m[P_OSSL], m[P_WAIT] / m[P_OSSL]);
	SSL_CTX_free(ctx_c);
	SSL_CTX_free(ctx_s);
	free(tr);
}
