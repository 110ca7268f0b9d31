// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of the ticket flow, without kTLS: in-process OpenSSL
 * TLS 1.3 clients against in-process OpenSSL and GnuTLS servers over
 * socketpairs.
 *
 *   - The resumption master secret libktlsph captures (ktlsph_rms.c) is the
 *     one OpenSSL uses: for every ticket, HKDF-Expand-Label(rms,
 *     "resumption", ticket_nonce, Hash.length) is the PSK OpenSSL itself
 *     stored in the ticket's session; client and server capture the same;
 *     also for resumed handshakes, interleaved handshakes and threads, and
 *     never for a handshake it was not derived in.
 *   - A ticket (the NewSessionTicket as received, PSK derived from the
 *     captured secret as the kernel does) turned into an SSL_SESSION with
 *     ktlsph_ticket_to_ossl_session() matches OpenSSL's own session for it
 *     and resumes (both sides report it), directly and through its PEM
 *     form, also when received later than time(NULL) says; a wrong PSK,
 *     a damaged or expired ticket do not; `openssl s_client -sess_in`
 *     resumes from the PEM too. Against GnuTLS, which checks the
 *     obfuscated ticket age, a wrong age_add does not resume.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ktlsph.h"
#include "ktlsph_gnutls.h"
#include "ktlsph_ticket.h"
#include "tls13kdf.h"
#include "ossl_pair.h"
#include "tap.h"
#include "test_cert.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALL_SUITES	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
			"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256"
#define MAX_NST		8
#define NST_MAX_LEN	4096
#define SNI		"test"

static const char * const suite_names[] = {
	"TLS_AES_128_GCM_SHA256",
	"TLS_AES_256_GCM_SHA384",
	"TLS_CHACHA20_POLY1305_SHA256",
	"TLS_AES_128_CCM_SHA256",
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- what an OpenSSL client received ------------------------------------ */

/*
 * Per client SSL (app data): the NewSessionTicket messages as received
 * (msg callback) and the sessions OpenSSL made of them (new-session
 * callback), in order.
 */
struct received {
	int n_nst, n_sess;
	uint8_t nst[MAX_NST][NST_MAX_LEN];
	size_t nst_len[MAX_NST];
	struct ssl_session_st *sess[MAX_NST];	/* SSL_SESSION */
};

static void msg_cb(int write_p, int version, int content_type,
		   const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct received *r = SSL_get_app_data(ssl);
	const uint8_t *m = buf;

	(void)version;
	(void)arg;
	if (!r || write_p || content_type != SSL3_RT_HANDSHAKE || len < 4 ||
	    m[0] != SSL3_MT_NEWSESSION_TICKET || r->n_nst >= MAX_NST ||
	    len > NST_MAX_LEN)
		return;
	memcpy(r->nst[r->n_nst], m, len);
	r->nst_len[r->n_nst++] = len;
}

static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct received *r = SSL_get_app_data(ssl);

	if (!r || r->n_sess >= MAX_NST)
		return 0;
	r->sess[r->n_sess++] = sess;
	return 1;	/* the reference is ours */
}

static void received_free(struct received *r)
{
	int i;

	for (i = 0; i < r->n_sess; i++)
		SSL_SESSION_free(r->sess[i]);
	memset(r, 0, sizeof(*r));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * A NewSessionTicket message (RFC 8446 section 4.6.1, with its handshake
 * header) into @t's ticket fields; the rest of @t is zeroed.
 */
static int parse_nst(const uint8_t *m, size_t len, struct ktlsph_ticket *t)
{
	size_t off, n, end;

	memset(t, 0, sizeof(*t));
	if (len < 4 + 13 || m[0] != SSL3_MT_NEWSESSION_TICKET ||
	    (size_t)(m[1] << 16 | m[2] << 8 | m[3]) != len - 4)
		return -1;
	t->lifetime = get32(m + 4);
	t->age_add = get32(m + 8);
	off = 12;
	t->nonce_len = m[off++];
	if (off + t->nonce_len + 2 > len)
		return -1;
	memcpy(t->nonce, m + off, t->nonce_len);
	off += t->nonce_len;
	n = m[off] << 8 | m[off + 1];
	off += 2;
	if (!n || off + n + 2 > len)
		return -1;
	t->ticket = malloc(n);
	if (!t->ticket)
		return -1;
	memcpy(t->ticket, m + off, n);
	t->ticket_len = n;
	off += n;
	end = off + 2 + (m[off] << 8 | m[off + 1]);
	if (end != len)
		return -1;
	for (off += 2; off + 4 <= end; off += 4 + n) {
		n = m[off + 2] << 8 | m[off + 3];
		if (off + 4 + n > end)
			return -1;
		if ((m[off] << 8 | m[off + 1]) == 42 && n == 4)	/* early_data */
			t->max_early_data = get32(m + off + 4);
	}
	return off == end ? 0 : -1;
}

/*
 * What ktls_ph and its helper store for the @i-th ticket @r received: the
 * message's fields, the PSK derived from the resumption master secret
 * @rms, the suite, the time, the server name.
 */
static int make_ticket(const struct received *r, int i,
		       const struct ktlsph_suite *s, const uint8_t *rms,
		       const char *sni, struct ktlsph_ticket *t)
{
	if (i >= r->n_nst || parse_nst(r->nst[i], r->nst_len[i], t))
		return -1;
	t->cipher_suite = s->id;
	t->psk_len = s->hash_len;
	t->received_ms = now_ms();
	t->peer_auth = KTLSPH_PEER_AUTH_CERTIFICATE;
	snprintf(t->server_name, sizeof(t->server_name), "%s",
		 sni ? sni : "");
	return ktls_ph_u_expand_label(s->hash, rms, s->hash_len, "resumption",
				      t->nonce, t->nonce_len, t->psk,
				      t->psk_len);
}

/* ---- in-process OpenSSL connections ------------------------------------ */

/* Accept the client's SNI: the server acknowledges it, as s_server does. */
static int servername_cb(SSL *s, int *alert, void *arg)
{
	(void)s;
	(void)alert;
	(void)arg;
	return SSL_TLSEXT_ERR_OK;
}

/* A TLS 1.3 server sending @tickets tickets; @rms: record its secrets. */
static SSL_CTX *server_ctx(int tickets, int rms)
{
	SSL_CTX *ctx = rms ? ktlsph_ossl_ctx_new(TLS_server_method()) :
			     SSL_CTX_new(TLS_server_method());

	if (ctx && use_test_cert(ctx) &&
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) &&
	    SSL_CTX_set_ciphersuites(ctx, ALL_SUITES) &&
	    SSL_CTX_set_num_tickets(ctx, tickets) &&
	    SSL_CTX_set_tlsext_servername_callback(ctx, servername_cb))
		return ctx;
	SSL_CTX_free(ctx);
	return NULL;
}

/* A TLS 1.3 client offering @suite, recording what it receives. */
static SSL_CTX *client_ctx(const char *suite, int rms)
{
	SSL_CTX *ctx = rms ? ktlsph_ossl_ctx_new(TLS_client_method()) :
			     SSL_CTX_new(TLS_client_method());

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, suite)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
				       SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	return ctx;
}

struct conn {
	SSL *c, *s;
	int sv[2];
	struct received rx;
};

static void conn_close(struct conn *k)
{
	SSL_free(k->c);
	SSL_free(k->s);
	if (k->sv[0] >= 0)
		close(k->sv[0]);
	if (k->sv[1] >= 0)
		close(k->sv[1]);
	received_free(&k->rx);
	k->c = NULL;
	k->s = NULL;
	k->sv[0] = -1;
	k->sv[1] = -1;
}

/* Let the client process what is in its socket (the tickets). */
static void client_read(SSL *c)
{
	char buf[16];
	int i;

	for (i = 0; i < 4; i++)
		if (SSL_read(c, buf, sizeof(buf)) <= 0 &&
		    SSL_get_error(c, -1) != SSL_ERROR_WANT_READ)
			break;
}

/*
 * Set up a connection between a client of @cctx (resuming @sess if given,
 * sending SNI @sni) and a server of @sctx, without the handshake.
 */
static int conn_new(struct conn *k, SSL_CTX *cctx, SSL_CTX *sctx,
		    SSL_SESSION *sess, const char *sni)
{
	memset(k, 0, sizeof(*k));
	k->sv[0] = -1;
	k->sv[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, k->sv) ||
	    fcntl(k->sv[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(k->sv[1], F_SETFL, O_NONBLOCK))
		return -1;
	k->c = SSL_new(cctx);
	k->s = SSL_new(sctx);
	if (!k->c || !k->s || !SSL_set_fd(k->c, k->sv[0]) ||
	    !SSL_set_fd(k->s, k->sv[1]) || !SSL_set_app_data(k->c, &k->rx) ||
	    (sess && !SSL_set_session(k->c, sess)) ||
	    (sni && !SSL_set_tlsext_host_name(k->c, sni)))
		return -1;
	return 0;
}

/* conn_new(), the handshake, and the client reads the tickets. */
static int conn_open(struct conn *k, SSL_CTX *cctx, SSL_CTX *sctx,
		     SSL_SESSION *sess, const char *sni)
{
	if (conn_new(k, cctx, sctx, sess, sni) || handshake(k->c, k->s))
		return -1;
	client_read(k->c);
	return 0;
}

/*
 * Every ticket @r holds: HKDF-Expand-Label(@rms, "resumption", nonce) is
 * the master key of OpenSSL's session for it. Returns the number that
 * match (-1 if the counts differ).
 */
static int check_psks(const struct received *r, const struct ktlsph_suite *s,
		      const uint8_t *rms)
{
	struct ktlsph_ticket t;
	uint8_t mk[256];
	size_t mk_len;
	int i, good = 0;

	if (r->n_nst != r->n_sess)
		return -1;
	for (i = 0; i < r->n_nst; i++) {
		mk_len = SSL_SESSION_get_master_key(r->sess[i], mk, sizeof(mk));
		if (!make_ticket(r, i, s, rms, NULL, &t) &&
		    mk_len == t.psk_len && !memcmp(mk, t.psk, mk_len))
			good++;
		ktlsph_ticket_clear(&t);
	}
	return good;
}

/* ---- the resumption master secret -------------------------------------- */

static void test_rms(const char *suite)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_name(suite);
	SSL_CTX *sctx = server_ctx(3, 1), *cctx = client_ctx(suite, 1);
	uint8_t rc[64], rs[64], rc2[64], rs2[64];
	struct conn k1 = { .sv = { -1, -1 } }, k2 = { .sv = { -1, -1 } };
	int lc, ls, n;

	if (!s || !sctx || !cctx || conn_open(&k1, cctx, sctx, NULL, SNI)) {
		ok(0, "%s: first handshake", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	ok(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(k1.c)) == s->id &&
	   !SSL_session_reused(k1.c) && k1.rx.n_nst == 3 &&
	   k1.rx.n_sess == 3,
	   "%s: full handshake, 3 tickets received", suite);
	lc = ktlsph_ossl_resumption_secret(k1.c, rc, sizeof(rc));
	ls = ktlsph_ossl_resumption_secret(k1.s, rs, sizeof(rs));
	ok(lc == (int)s->hash_len && ls == lc && !memcmp(rc, rs, lc),
	   "%s: client and server captured the same %d-byte resumption master secret",
	   suite, lc);
	n = check_psks(&k1.rx, s, rc);
	ok(n == 3,
	   "%s: HKDF-Expand-Label(rms, \"resumption\", nonce) is OpenSSL's PSK of each ticket (%d of 3)",
	   suite, n);
	ok(ktlsph_ossl_resumption_secret(k1.c, rc2, s->hash_len - 1) ==
	   -ENOSPC, "%s: a buffer too small is refused", suite);

	/* resume with OpenSSL's own session of the second ticket */
	if (k1.rx.n_sess < 2 ||
	    conn_open(&k2, cctx, sctx, k1.rx.sess[1], SNI)) {
		ok(0, "%s: resumed handshake", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	/* OpenSSL sends one ticket after a resumption */
	ok(SSL_session_reused(k2.c) && SSL_session_reused(k2.s) &&
	   k2.rx.n_nst == 1,
	   "%s: resumed handshake, 1 new ticket received", suite);
	lc = ktlsph_ossl_resumption_secret(k2.c, rc2, sizeof(rc2));
	ls = ktlsph_ossl_resumption_secret(k2.s, rs2, sizeof(rs2));
	ok(lc == (int)s->hash_len && ls == lc && !memcmp(rc2, rs2, lc) &&
	   memcmp(rc, rc2, lc),
	   "%s: resumed: both sides captured the same, new, resumption master secret",
	   suite);
	n = check_psks(&k2.rx, s, rc2);
	ok(n == 1, "%s: resumed: the PSK of the new ticket", suite);
out:
	conn_close(&k1);
	conn_close(&k2);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* Two handshakes interleaved step by step in one thread. */
static void test_rms_interleaved(void)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(0x1301);
	SSL_CTX *sctx = server_ctx(1, 1), *cctx = client_ctx(s->name, 1);
	struct conn k[2] = { { .sv = { -1, -1 } }, { .sv = { -1, -1 } } };
	uint8_t rc[2][64], rs[2][64];
	int i, j, done = 0, good = 0, r;

	if (!sctx || !cctx || conn_new(&k[0], cctx, sctx, NULL, NULL) ||
	    conn_new(&k[1], cctx, sctx, NULL, NULL)) {
		ok(0, "interleaved: setup");
		goto out;
	}
	for (i = 0; i < 100 && done != 15; i++) {
		for (j = 0; j < 2; j++) {
			if (!(done & (1 << (2 * j)))) {
				r = SSL_connect(k[j].c);
				if (r == 1)
					done |= 1 << (2 * j);
			}
			if (!(done & (2 << (2 * j)))) {
				r = SSL_accept(k[j].s);
				if (r == 1)
					done |= 2 << (2 * j);
			}
		}
	}
	for (j = 0; j < 2; j++) {
		client_read(k[j].c);
		if (ktlsph_ossl_resumption_secret(k[j].c, rc[j], 64) == 32 &&
		    ktlsph_ossl_resumption_secret(k[j].s, rs[j], 64) == 32 &&
		    !memcmp(rc[j], rs[j], 32) &&
		    check_psks(&k[j].rx, s, rc[j]) == 1)
			good++;
	}
	ok(done == 15 && good == 2 && memcmp(rc[0], rc[1], 32),
	   "interleaved handshakes: each connection gets its own secret");
out:
	conn_close(&k[0]);
	conn_close(&k[1]);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

struct thread_arg {
	SSL_CTX *sctx, *cctx;
	int good;
};

static void *rms_thread(void *p)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(0x1302);
	struct thread_arg *a = p;
	struct conn k;
	uint8_t rc[64], rs[64];
	int i;

	for (i = 0; i < 8; i++) {
		if (!conn_open(&k, a->cctx, a->sctx, NULL, NULL) &&
		    ktlsph_ossl_resumption_secret(k.c, rc, 64) == 48 &&
		    ktlsph_ossl_resumption_secret(k.s, rs, 64) == 48 &&
		    !memcmp(rc, rs, 48) && check_psks(&k.rx, s, rc) == 1)
			a->good++;
		conn_close(&k);
	}
	return NULL;
}

static void test_rms_threads(void)
{
	SSL_CTX *sctx = server_ctx(1, 1);
	SSL_CTX *cctx = client_ctx("TLS_AES_256_GCM_SHA384", 1);
	struct thread_arg a[4];
	pthread_t th[4];
	int i, n = 0, good = 0;

	for (i = 0; sctx && cctx && i < 4; i++) {
		a[i].sctx = sctx;
		a[i].cctx = cctx;
		a[i].good = 0;
		if (!pthread_create(&th[i], NULL, rms_thread, &a[i]))
			n++;
		else
			break;
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		good += a[i].good;
	}
	ok(n == 4 && good == 32,
	   "4 threads x 8 handshakes: %d secrets right", good);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/*
 * Nothing for a connection whose SSL_CTX does not use the provider, even
 * right after a handshake (in this thread) that recorded a secret nobody
 * took; nothing without ktlsph_ossl_capture().
 */
static void test_rms_not_captured(void)
{
	SSL_CTX *sctx = server_ctx(1, 0), *plain = client_ctx(ALL_SUITES, 0);
	SSL_CTX *nocap = NULL;
	struct conn k = { .sv = { -1, -1 } };
	uint8_t rms[64];
	int r1 = 0, r2 = 0;

	if (!ktlsph_ossl_provider_load(NULL))
		nocap = SSL_CTX_new_ex(NULL, KTLSPH_OSSL_PROPQ,
				       TLS_client_method());
	if (!sctx || !plain || !nocap || ktlsph_ossl_capture(plain)) {
		ok(0, "not captured: setup");
		goto out;
	}
	/* the provider records, no keylog callback takes it */
	if (!conn_open(&k, nocap, sctx, NULL, NULL))
		r1 = ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms));
	conn_close(&k);
	if (!conn_open(&k, plain, sctx, NULL, NULL))
		r2 = ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms));
	ok(r1 == -ENOENT && r2 == -ENOENT,
	   "no secret without ktlsph_ossl_capture() (%d), none taken by another connection (%d)",
	   r1, r2);
	ok(ktlsph_ossl_resumption_secret(k.s, rms, sizeof(rms)) == -ENOENT &&
	   ktlsph_ossl_resumption_secret(NULL, rms, sizeof(rms)) == -ENOENT,
	   "no secret for a server without capture, or no SSL");
out:
	conn_close(&k);
	SSL_CTX_free(sctx);
	SSL_CTX_free(plain);
	SSL_CTX_free(nocap);
}

/* The attach attempt (kTLS refused by AF_UNIX) wipes the secret too. */
static void test_rms_attach(void)
{
	SSL_CTX *sctx = server_ctx(1, 0);
	SSL_CTX *cctx = client_ctx("TLS_CHACHA20_POLY1305_SHA256", 1);
	struct conn k = { .sv = { -1, -1 } };
	uint8_t rms[64];
	char err[256] = "";
	int r1 = 0, r2 = 0, ret = 0;

	/* a client attaches right after SSL_connect(), tickets unread */
	if (sctx && cctx && !conn_new(&k, cctx, sctx, NULL, NULL) &&
	    !handshake(k.c, k.s)) {
		r1 = ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms));
		ret = ktlsph_ossl_attach(k.c, k.sv[0], KTLSPH_ROLE_CLIENT, err,
					 sizeof(err));
		r2 = ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms));
	}
	ok(r1 == 32 && ret == -EOPNOTSUPP && strstr(err, "TCP_ULP") &&
	   r2 == -ENOENT,
	   "attach reaches kTLS setup with the secret (%s), then it is wiped",
	   err);
	conn_close(&k);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* ---- tickets as OpenSSL sessions --------------------------------------- */

/* Does a client resuming @sess against @sctx resume? 1, 0, -1 failed. */
static int resumes(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *sess,
		   int *both)
{
	struct conn k;
	int ret = -1;

	if (!conn_open(&k, cctx, sctx, sess, SNI)) {
		ret = SSL_session_reused(k.c);
		*both = SSL_session_reused(k.c) == SSL_session_reused(k.s);
	}
	conn_close(&k);
	return ret;
}

/* Is @reason in this thread's error queue? Empties it. */
static int error_has(int reason)
{
	unsigned long e;
	int found = 0;

	while ((e = ERR_get_error()))
		if (ERR_GET_REASON(e) == reason)
			found = 1;
	return found;
}

/* OpenSSL's session for a ticket and ours: the fields that matter. */
static int same_session(SSL_SESSION *a, SSL_SESSION *b, char *why,
			size_t len)
{
	const unsigned char *ta, *tb;
	unsigned char ma[64], mb[64];
	const unsigned char *ia, *ib;
	unsigned int la, lb;
	size_t na, nb;
	const char *ha = SSL_SESSION_get0_hostname(a);
	const char *hb = SSL_SESSION_get0_hostname(b);

	SSL_SESSION_get0_ticket(a, &ta, &na);
	SSL_SESSION_get0_ticket(b, &tb, &nb);
	if (!na || na != nb || memcmp(ta, tb, na))
		return snprintf(why, len, "ticket"), 0;
	na = SSL_SESSION_get_master_key(a, ma, sizeof(ma));
	nb = SSL_SESSION_get_master_key(b, mb, sizeof(mb));
	if (!na || na != nb || memcmp(ma, mb, na))
		return snprintf(why, len, "master key"), 0;
	if (SSL_SESSION_get_ticket_lifetime_hint(a) !=
	    SSL_SESSION_get_ticket_lifetime_hint(b))
		return snprintf(why, len, "lifetime hint"), 0;
	if (SSL_SESSION_get_timeout(a) != SSL_SESSION_get_timeout(b))
		return snprintf(why, len, "timeout %ld, ours %ld",
				SSL_SESSION_get_timeout(a),
				SSL_SESSION_get_timeout(b)), 0;
	if (SSL_SESSION_get_protocol_version(a) !=
	    SSL_SESSION_get_protocol_version(b) ||
	    SSL_SESSION_get0_cipher(a) != SSL_SESSION_get0_cipher(b))
		return snprintf(why, len, "version or cipher"), 0;
	if (SSL_SESSION_get_max_early_data(a) !=
	    SSL_SESSION_get_max_early_data(b))
		return snprintf(why, len, "max_early_data"), 0;
	if (!ha || !hb || strcmp(ha, hb))
		return snprintf(why, len, "host name %s, ours %s",
				ha ? ha : "none", hb ? hb : "none"), 0;
	ia = SSL_SESSION_get_id(a, &la);
	ib = SSL_SESSION_get_id(b, &lb);
	if (!la || la != lb || memcmp(ia, ib, la))
		return snprintf(why, len, "session id"), 0;
	if (!SSL_SESSION_is_resumable(b))
		return snprintf(why, len, "not resumable"), 0;
	snprintf(why, len, "ticket, PSK, lifetime, cipher, host name, id");
	return 1;
}

static void test_session(const char *suite)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_name(suite);
	SSL_CTX *sctx = server_ctx(2, 0), *cctx = client_ctx(suite, 1);
	SSL_CTX *plain = client_ctx(suite, 0);
	struct conn k = { .sv = { -1, -1 } };
	struct ktlsph_ticket t = { 0 };
	SSL_SESSION *sess = NULL, *pem = NULL;
	uint8_t rms[64];
	char why[128], line[64] = "";
	int both = 0, r, i, binder;
	FILE *f = NULL;

	if (!s || !sctx || !cctx || !plain ||
	    conn_open(&k, cctx, sctx, NULL, SNI) ||
	    ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms)) !=
	    (int)s->hash_len || k.rx.n_nst != 2 || k.rx.n_sess != 2) {
		ok(0, "%s: handshake with 2 tickets and the secret", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}

	for (i = 0; i < 2; i++) {
		r = make_ticket(&k.rx, i, s, rms, SNI, &t);
		if (!r)
			r = ktlsph_ticket_to_ossl_session(&t, &sess);
		ok(!r && same_session(k.rx.sess[i], sess, why, sizeof(why)),
		   "%s: ticket %d: session as OpenSSL's own (%s)", suite, i,
		   r ? strerror(-r) : why);
		r = sess ? resumes(plain, sctx, sess, &both) : -1;
		ok(r == 1 && both,
		   "%s: ticket %d: a new client resumes with it, both sides report it",
		   suite, i);
		SSL_SESSION_free(sess);
		sess = NULL;
		if (i == 0)
			ktlsph_ticket_clear(&t);
	}

	/* a wrong PSK: the server cannot verify the binder and aborts */
	t.psk[0] ^= 1;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	ERR_clear_error();
	r = r ? -1 : resumes(plain, sctx, sess, &both);
	binder = error_has(SSL_R_BINDER_DOES_NOT_VERIFY);
	ok(r == -1 && binder,
	   "%s: wrong PSK: no resumption, the handshake fails (binder does not verify)",
	   suite);
	SSL_SESSION_free(sess);
	sess = NULL;
	t.psk[0] ^= 1;

	/* a damaged ticket: the server cannot decrypt it, full handshake */
	t.ticket[t.ticket_len - 1] ^= 1;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	r = r ? -1 : resumes(plain, sctx, sess, &both);
	ok(r == 0 && both, "%s: damaged ticket: full handshake", suite);
	SSL_SESSION_free(sess);
	sess = NULL;
	t.ticket[t.ticket_len - 1] ^= 1;

	/*
	 * received later than time(NULL) says (time() is the coarse clock,
	 * a tick behind CLOCK_REALTIME; or the clock was set back): offered
	 */
	t.received_ms = now_ms() + 2000;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	r = r ? -1 : resumes(plain, sctx, sess, &both);
	ok(r == 1 && both,
	   "%s: received in time()'s future: offered, resumes", suite);
	SSL_SESSION_free(sess);
	sess = NULL;
	t.received_ms = now_ms();

	/* older than its lifetime: the client does not offer it */
	t.received_ms -= ((uint64_t)t.lifetime + 10) * 1000;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	r = r ? -1 : resumes(plain, sctx, sess, &both);
	ok(r == 0 && both, "%s: expired ticket: full handshake", suite);
	SSL_SESSION_free(sess);
	sess = NULL;
	t.received_ms = now_ms();

	/* PEM, as `openssl s_client -sess_in` reads it */
	f = tmpfile();
	r = f ? ktlsph_ticket_write_pem(&t, f) : -1;
	if (f) {
		rewind(f);
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		rewind(f);
		pem = PEM_read_SSL_SESSION(f, NULL, NULL, NULL);
	}
	ok(!r && !strcmp(line, "-----BEGIN SSL SESSION PARAMETERS-----\n") &&
	   pem && same_session(k.rx.sess[1], pem, why, sizeof(why)),
	   "%s: PEM written, read back by PEM_read_SSL_SESSION (%s)", suite,
	   pem ? why : "unreadable");
	r = pem ? resumes(cctx, sctx, pem, &both) : -1;
	ok(r == 1 && both, "%s: the PEM session resumes", suite);
out:
	if (f)
		fclose(f);
	SSL_SESSION_free(pem);
	ktlsph_ticket_clear(&t);
	conn_close(&k);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	SSL_CTX_free(plain);
}

/* ---- openssl s_client -sess_in ----------------------------------------- */

/* Serve one TLS connection on @lfd; exit 0 resumed, 1 not, 2 failed. */
static void serve_one(SSL_CTX *sctx, int lfd)
{
	SSL *s;
	int fd, ret = 2;

	alarm(20);
	fd = accept(lfd, NULL, NULL);
	s = fd >= 0 ? SSL_new(sctx) : NULL;
	if (s && SSL_set_fd(s, fd) && SSL_accept(s) == 1) {
		ret = SSL_session_reused(s) ? 0 : 1;
		SSL_shutdown(s);
	}
	_exit(ret);
}

static void test_s_client(void)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(0x1302);
	SSL_CTX *sctx = server_ctx(1, 0), *cctx = client_ctx(s->name, 1);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	struct conn k = { .sv = { -1, -1 } };
	struct ktlsph_ticket t = { 0 };
	char path[] = "/tmp/ktlsph-ticket-XXXXXX", cmd[512], out[8192];
	int lfd = -1, pfd = -1, status = -1, reused_line = 0;
	uint8_t rms[64];
	pid_t pid = -1;
	size_t n = 0;
	FILE *f;

	if (system("openssl version >/dev/null 2>&1")) {
		printf("# no openssl command: s_client test skipped\n");
		goto out;
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	pfd = mkstemp(path);
	f = pfd >= 0 ? fdopen(pfd, "w") : NULL;
	if (f)
		pfd = -1;
	if (!sctx || !cctx || lfd < 0 || !f ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) ||
	    conn_open(&k, cctx, sctx, NULL, SNI) ||
	    ktlsph_ossl_resumption_secret(k.c, rms, sizeof(rms)) != 48 ||
	    make_ticket(&k.rx, 0, s, rms, SNI, &t) ||
	    ktlsph_ticket_write_pem(&t, f)) {
		ok(0, "s_client: setup");
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	fflush(stdout);
	pid = fork();
	if (!pid)
		serve_one(sctx, lfd);
	snprintf(cmd, sizeof(cmd),
		 "timeout 20 openssl s_client -connect 127.0.0.1:%u -sess_in %s </dev/null 2>&1",
		 ntohs(sin.sin_port), path);
	f = pid > 0 ? popen(cmd, "r") : NULL;
	if (f) {
		n = fread(out, 1, sizeof(out) - 1, f);
		pclose(f);
	}
	out[n] = '\0';
	reused_line = !!strstr(out, "\nReused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384");
	if (pid > 0)
		waitpid(pid, &status, 0);
	ok(reused_line && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "openssl s_client -sess_in PEM: \"Reused, TLSv1.3\", the server resumed (exit %d)",
	   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!reused_line)
		printf("# s_client said:\n%s\n", out);
out:
	unlink(path);
	if (pfd >= 0)
		close(pfd);
	if (lfd >= 0)
		close(lfd);
	ktlsph_ticket_clear(&t);
	conn_close(&k);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* ---- against a GnuTLS server ------------------------------------------- */

struct gserver {
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t tkey;
	char prio[128];
};

static int gserver_init(struct gserver *g, const struct ktlsph_suite *s)
{
	gnutls_datum_t key = {
		(unsigned char *)test_key, sizeof(test_key) - 1
	};
	gnutls_datum_t cert = {
		(unsigned char *)test_cert, sizeof(test_cert) - 1
	};

	memset(g, 0, sizeof(*g));
	snprintf(g->prio, sizeof(g->prio),
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+%s",
		 gnutls_cipher_get_name(ktlsph_gnutls_cipher(s->id)));
	if (gnutls_certificate_allocate_credentials(&g->cred) ||
	    gnutls_certificate_set_x509_key_mem(g->cred, &cert, &key,
						GNUTLS_X509_FMT_PEM) ||
	    gnutls_session_ticket_key_generate(&g->tkey))
		return -1;
	return 0;
}

static void gserver_free(struct gserver *g)
{
	if (g->cred)
		gnutls_certificate_free_credentials(g->cred);
	gnutls_free(g->tkey.data);
	memset(g, 0, sizeof(*g));
}

struct gconn {
	SSL *c;
	gnutls_session_t s;
	int sv[2];
	struct received rx;
};

static void gconn_close(struct gconn *k)
{
	SSL_free(k->c);
	if (k->s)
		gnutls_deinit(k->s);
	if (k->sv[0] >= 0)
		close(k->sv[0]);
	if (k->sv[1] >= 0)
		close(k->sv[1]);
	received_free(&k->rx);
	k->c = NULL;
	k->s = NULL;
	k->sv[0] = -1;
	k->sv[1] = -1;
}

/* An OpenSSL client of @cctx against a GnuTLS server of @g. */
static int gconn_open(struct gconn *k, SSL_CTX *cctx, struct gserver *g,
		      SSL_SESSION *sess)
{
	int i, rc = 0, rs = 1, e;

	memset(k, 0, sizeof(*k));
	k->sv[0] = -1;
	k->sv[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, k->sv) ||
	    fcntl(k->sv[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(k->sv[1], F_SETFL, O_NONBLOCK) ||
	    gnutls_init(&k->s, GNUTLS_SERVER | GNUTLS_NONBLOCK) ||
	    gnutls_priority_set_direct(k->s, g->prio, NULL) ||
	    gnutls_credentials_set(k->s, GNUTLS_CRD_CERTIFICATE, g->cred) ||
	    gnutls_session_ticket_enable_server(k->s, &g->tkey))
		return -1;
	gnutls_transport_set_int(k->s, k->sv[1]);
	k->c = SSL_new(cctx);
	if (!k->c || !SSL_set_fd(k->c, k->sv[0]) ||
	    !SSL_set_app_data(k->c, &k->rx) ||
	    (sess && !SSL_set_session(k->c, sess)) ||
	    !SSL_set_tlsext_host_name(k->c, SNI))
		return -1;
	for (i = 0; i < 1000 && (rc != 1 || rs); i++) {
		if (rc != 1) {
			rc = SSL_connect(k->c);
			e = SSL_get_error(k->c, rc);
			if (rc != 1 && e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				return -1;
		}
		if (rs) {
			rs = gnutls_handshake(k->s);
			if (rs < 0 && gnutls_error_is_fatal(rs))
				return -1;
		}
	}
	if (rc != 1 || rs)
		return -1;
	client_read(k->c);
	return 0;
}

static void test_gnutls_server(const char *suite)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_name(suite);
	SSL_CTX *cctx = client_ctx(suite, 1), *plain = client_ctx(suite, 0);
	struct gconn k1 = { .sv = { -1, -1 } }, k2 = { .sv = { -1, -1 } };
	struct ktlsph_ticket t = { 0 };
	SSL_SESSION *sess = NULL;
	struct gserver g = { 0 };
	uint8_t rms[64];
	int n, r, rc = -1, rs = -1;

	if (!s || !cctx || !plain || gserver_init(&g, s) ||
	    gconn_open(&k1, cctx, &g, NULL) || !k1.rx.n_nst ||
	    ktlsph_ossl_resumption_secret(k1.c, rms, sizeof(rms)) !=
	    (int)s->hash_len) {
		ok(0, "%s: GnuTLS server: handshake, tickets, secret", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	n = check_psks(&k1.rx, s, rms);
	ok(n == k1.rx.n_nst,
	   "%s: GnuTLS server: the PSK of each of its %d tickets", suite, n);

	r = make_ticket(&k1.rx, 0, s, rms, SNI, &t);
	if (!r)
		r = ktlsph_ticket_to_ossl_session(&t, &sess);
	if (!r && !gconn_open(&k2, plain, &g, sess)) {
		rc = SSL_session_reused(k2.c);
		rs = gnutls_session_is_resumed(k2.s);
	}
	ok(rc == 1 && rs == 1,
	   "%s: GnuTLS server resumes the session made of its ticket", suite);
	gconn_close(&k2);
	SSL_SESSION_free(sess);
	sess = NULL;

	/* GnuTLS rejects a ticket whose age (from age_add) exceeds its life */
	t.age_add += 0x80000000u;
	rc = -1;
	rs = -1;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	if (!r && !gconn_open(&k2, plain, &g, sess)) {
		rc = SSL_session_reused(k2.c);
		rs = gnutls_session_is_resumed(k2.s);
	}
	ok(rc == 0 && rs == 0,
	   "%s: GnuTLS server: a wrong age_add gives a full handshake", suite);
out:
	SSL_SESSION_free(sess);
	ktlsph_ticket_clear(&t);
	gconn_close(&k1);
	gconn_close(&k2);
	gserver_free(&g);
	SSL_CTX_free(cctx);
	SSL_CTX_free(plain);
}

/* ---- API ---------------------------------------------------------------- */

/*
 * One HKDF-Expand-Label through TLS13-KDF @kdf, twice (the second after a
 * reset, with the parameters given to the derivation as libssl does).
 * OpenSSL 3.0's own TLS13-KDF cannot be duplicated: neither can ours.
 */
static int kdf_expand(EVP_KDF *kdf, uint8_t *out)
{
	static const uint8_t secret[32] = { 1, 2, 3 };
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM params[] = {
		OSSL_PARAM_int(OSSL_KDF_PARAM_MODE, &mode),
		OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
		OSSL_PARAM_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret,
					sizeof(secret)),
		OSSL_PARAM_octet_string(OSSL_KDF_PARAM_PREFIX, "tls13 ", 6),
		OSSL_PARAM_octet_string(OSSL_KDF_PARAM_LABEL, "res master", 10),
		OSSL_PARAM_END,
	};
	EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL, *d = NULL;
	int ret = -1;

	if (k && EVP_KDF_CTX_set_params(k, params) &&
	    EVP_KDF_CTX_get_kdf_size(k) && EVP_KDF_CTX_settable_params(k) &&
	    EVP_KDF_CTX_gettable_params(k) &&
	    EVP_KDF_derive(k, out, 32, NULL) > 0) {
		EVP_KDF_CTX_reset(k);
		d = EVP_KDF_CTX_dup(k);
		ret = EVP_KDF_derive(k, out + 32, 32, params) > 0 &&
		      !memcmp(out, out + 32, 32) ? 0 : -1;
	}
	if (d)
		ret = 2;	/* a dup: the caller compares */
	EVP_KDF_CTX_free(k);
	EVP_KDF_CTX_free(d);
	return ret;
}

/* The provider in a library context of its own, and its KDF. */
static void test_provider(void)
{
	OSSL_LIB_CTX *lc = OSSL_LIB_CTX_new();
	EVP_KDF *ours = NULL, *dflt = NULL;
	uint8_t a[64], b[64];
	int loaded, again, gone, ra = -1, rb = -1;

	loaded = lc && !ktlsph_ossl_provider_load(lc) &&
		 !ktlsph_ossl_provider_load(lc) &&
		 OSSL_PROVIDER_available(lc, "ktlsph");
	if (loaded) {
		ours = EVP_KDF_fetch(lc, "TLS13-KDF", "ktlsph.rms=yes");
		dflt = EVP_KDF_fetch(lc, "TLS13-KDF", "provider=default");
		ra = kdf_expand(ours, a);
		rb = kdf_expand(dflt, b);
	}
	ok(loaded && ours && dflt && EVP_KDF_settable_ctx_params(ours) &&
	   EVP_KDF_gettable_ctx_params(ours) &&
	   ra >= 0 && ra == rb && !memcmp(a, b, 32),
	   "provider: in its own library context, default kept; its TLS13-KDF derives as default's");
	EVP_KDF_free(ours);
	EVP_KDF_free(dflt);
	ktlsph_ossl_provider_unload(lc);
	gone = lc && !OSSL_PROVIDER_available(lc, "ktlsph");
	again = lc && !ktlsph_ossl_provider_load(lc) &&
		OSSL_PROVIDER_available(lc, "ktlsph");
	ktlsph_ossl_provider_unload(lc);
	ktlsph_ossl_provider_unload(lc);
	ok(gone && again, "provider: unloads, loads again, unloads twice");
	OSSL_LIB_CTX_free(lc);
}

static void test_api(void)
{
	static uint8_t tick[300];
	struct ktlsph_ticket t = { 0 }, good;
	SSL_SESSION *sess = (SSL_SESSION *)&t;	/* must be reset to NULL */
	SSL_CTX *ctx;
	size_t i;
	int r;

	memset(tick, 0x5a, sizeof(tick));
	t.cipher_suite = 0x1301;
	t.psk_len = 32;
	t.ticket = tick;
	t.ticket_len = sizeof(tick);
	t.lifetime = 7200;
	t.received_ms = now_ms() - 10000;
	good = t;

	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	ok(!r && sess && !SSL_SESSION_get0_hostname(sess) &&
	   SSL_SESSION_get_time(sess) == (long)(t.received_ms / 1000),
	   "api: a ticket without server name; time in seconds");
	SSL_SESSION_free(sess);

	/* OpenSSL's age is time(NULL) - time: never later than time() */
	t.received_ms = ((uint64_t)time(NULL) + 100) * 1000;
	r = ktlsph_ticket_to_ossl_session(&t, &sess);
	ok(!r && sess && SSL_SESSION_get_time(sess) <= (long)time(NULL) &&
	   SSL_SESSION_get_time(sess) >= (long)time(NULL) - 1,
	   "api: a receive time later than time(NULL) becomes time(NULL)");
	SSL_SESSION_free(sess);
	t = good;

	{
		static const struct {
			const char *what;
			uint16_t suite;
			size_t psk_len, ticket_len, nonce_len;
			int no_ticket, no_nul;
		} bad[] = {
			{ "unknown suite", 0x1305, 32, 300, 0, 0, 0 },
			{ "TLS 1.2 suite", 0xc02f, 32, 300, 0, 0, 0 },
			{ "PSK not the hash length", 0x1301, 48, 300, 0, 0, 0 },
			{ "SHA-384 suite, 32-byte PSK", 0x1302, 32, 300, 0, 0,
			  0 },
			{ "empty ticket", 0x1301, 32, 0, 0, 0, 0 },
			{ "ticket > 65535", 0x1301, 32, 65536, 0, 0, 0 },
			{ "nonce > 255", 0x1301, 32, 300, 256, 0, 0 },
			{ "no ticket", 0x1301, 32, 300, 0, 1, 0 },
			{ "server name without NUL", 0x1301, 32, 300, 0, 0, 1 },
		};

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			t = good;
			t.cipher_suite = bad[i].suite;
			t.psk_len = bad[i].psk_len;
			t.ticket_len = bad[i].ticket_len;
			t.nonce_len = bad[i].nonce_len;
			if (bad[i].no_ticket)
				t.ticket = NULL;
			if (bad[i].no_nul)
				memset(t.server_name, 'a',
				       sizeof(t.server_name));
			sess = (SSL_SESSION *)&t;
			r = ktlsph_ticket_to_ossl_session(&t, &sess);
			ok(r == -EINVAL && !sess, "api: refused: %s",
			   bad[i].what);
		}
	}
	ok(ktlsph_ticket_to_ossl_session(NULL, &sess) == -EINVAL &&
	   ktlsph_ticket_to_ossl_session(&good, NULL) == -EINVAL &&
	   ktlsph_ticket_write_pem(&good, NULL) == -EINVAL &&
	   ktlsph_ticket_write_pem(NULL, stdout) == -EINVAL,
	   "api: NULL arguments refused");

	t = good;
	t.ticket = malloc(16);
	t.ticket_len = 16;
	memset(t.psk, 0xff, sizeof(t.psk));
	ktlsph_ticket_clear(&t);
	for (i = 0, r = 0; i < sizeof(t); i++)
		r |= ((uint8_t *)&t)[i];
	ok(!r, "api: ktlsph_ticket_clear() frees and zeroes");
	ktlsph_ticket_clear(NULL);

	ok(!ktlsph_ossl_provider_load(NULL) &&
	   !ktlsph_ossl_provider_load(NULL) &&
	   OSSL_PROVIDER_available(NULL, "ktlsph") &&
	   OSSL_PROVIDER_available(NULL, "default"),
	   "api: provider loads (twice is fine), default still there");
	ok(!ktlsph_ossl_ctx_new(NULL), "api: ktlsph_ossl_ctx_new(NULL)");
	ctx = ktlsph_ossl_ctx_new(TLS_client_method());
	ok(ctx && !SSL_CTX_get_read_ahead(ctx),
	   "api: ktlsph_ossl_ctx_new() captures (read-ahead off)");
	SSL_CTX_free(ctx);
}

int main(void)
{
	size_t i;

	printf("TAP version 13\n");
	signal(SIGPIPE, SIG_IGN);
	test_api();
	test_provider();
	for (i = 0; i < ARRAY_SIZE(suite_names); i++)
		test_rms(suite_names[i]);
	test_rms_interleaved();
	test_rms_threads();
	test_rms_not_captured();
	test_rms_attach();
	for (i = 0; i < ARRAY_SIZE(suite_names); i++)
		test_session(suite_names[i]);
	test_s_client();
	for (i = 0; i < ARRAY_SIZE(suite_names); i++)
		test_gnutls_server(suite_names[i]);
	printf("1..%d\n", passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
