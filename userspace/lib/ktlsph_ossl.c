// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph OpenSSL glue: keep the application traffic secrets of an SSL
 * (keylog callback), its handshake transcript and whether the client
 * offered post_handshake_auth (message callback) and, on an SSL_CTX made
 * with ktlsph_ossl_ctx_new(), its resumption master secret (ktlsph_rms.c),
 * then configure kTLS and attach ktls_ph right after the handshake. See
 * ktlsph.h, ktlsph_ticket.h and Documentation/libktlsph.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "hello.h"
#include "ktlsph.h"
#include "ktlsph_int.h"
#include "ktlsph_ticket.h"
#include "ktlsph_ticket_int.h"

/* Handshake message types (RFC 8446 4) the transcript capture looks at. */
#define HS_CLIENT_HELLO		1
#define HS_SERVER_HELLO		2
#define HS_FINISHED		20
#define HS_MESSAGE_HASH		254

/* Transcript capture state of one SSL. */
enum tr_state { TR_NONE, TR_RECORDING, TR_DONE };

/*
 * Per-SSL ex_data: the captured application traffic secrets, resumption
 * master secret and handshake transcript.
 */
struct ossl_secrets {
	uint8_t c_ap[KTLSPH_MAX_SECRET];
	uint8_t s_ap[KTLSPH_MAX_SECRET];
	uint8_t rms[KTLSPH_MAX_SECRET];
	size_t c_len;
	size_t s_len;
	size_t rms_len;
	/* transcript: ClientHello .. client Finished */
	uint8_t *tr;
	size_t tr_len;
	size_t tr_cap;
	enum tr_state tr_state;
	int tr_finished;	/* Finished messages seen */
	int tr_hrr;		/* the last message was a HelloRetryRequest */
	int tr_overflow;	/* longer than KTLSPH_MAX_TRANSCRIPT */
	int tr_broken;		/* a message could not be handled */
	int pha_offered;	/* the ClientHello had post_handshake_auth */
	ktlsph_ossl_msg_cb app_msg;	/* the application's, chained */
};

/*
 * Per-SSL_CTX ex_data: the keylog callback installed before ours, the
 * application's message callback.
 */
struct ossl_ctx_data {
	SSL_CTX_keylog_cb_func prev;
	ktlsph_ossl_msg_cb app_msg;
};

static int ssl_idx = -1;
static int ctx_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void free_secrets(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
			 int idx, long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	struct ossl_secrets *sec = ptr;

	if (!sec)
		return;
	OPENSSL_clear_free(sec->tr, sec->tr_cap);
	OPENSSL_clear_free(sec, sizeof(*sec));
}

static void free_ctx_data(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
			  int idx, long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	OPENSSL_free(ptr);
}

static void init_indexes(void)
{
	ssl_idx = SSL_get_ex_new_index(0, "ktlsph secrets", NULL, NULL,
				       free_secrets);
	ctx_idx = SSL_CTX_get_ex_new_index(0, "ktlsph ctx", NULL, NULL,
					   free_ctx_data);
}

/* The SSL's capture state; with @create, allocated if there is none. */
static struct ossl_secrets *get_sec(SSL *ssl, int create)
{
	struct ossl_ctx_data *cd;
	struct ossl_secrets *sec;

	sec = SSL_get_ex_data(ssl, ssl_idx);
	if (sec || !create)
		return sec;
	sec = OPENSSL_zalloc(sizeof(*sec));
	if (!sec || !SSL_set_ex_data(ssl, ssl_idx, sec)) {
		OPENSSL_free(sec);
		return NULL;
	}
	/* the SSL keeps its message callback if it changes SSL_CTX (SNI) */
	cd = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_idx);
	if (cd)
		sec->app_msg = cd->app_msg;
	return sec;
}

/* Forget the transcript (not the chained callback). */
static void tr_reset(struct ossl_secrets *sec)
{
	OPENSSL_clear_free(sec->tr, sec->tr_cap);
	sec->tr = NULL;
	sec->tr_len = 0;
	sec->tr_cap = 0;
	sec->tr_state = TR_NONE;
	sec->tr_finished = 0;
	sec->tr_hrr = 0;
	sec->tr_overflow = 0;
	sec->tr_broken = 0;
	sec->pha_offered = 0;
}

/* Wipe everything captured for an SSL, keeping the chained callback. */
static void sec_wipe(struct ossl_secrets *sec)
{
	ktlsph_ossl_msg_cb app_msg = sec->app_msg;

	tr_reset(sec);
	OPENSSL_cleanse(sec, sizeof(*sec));
	sec->app_msg = app_msg;
}

static int tr_append(struct ossl_secrets *sec, const uint8_t *p, size_t len)
{
	size_t cap;
	uint8_t *n;

	if (sec->tr_overflow)
		return 0;
	if (sec->tr_len + len > KTLSPH_MAX_TRANSCRIPT) {
		/* ktls_ph would not take it: do not keep it */
		OPENSSL_clear_free(sec->tr, sec->tr_cap);
		sec->tr = NULL;
		sec->tr_cap = 0;
		sec->tr_overflow = 1;
		sec->tr_len += len;
		return 0;
	}
	if (sec->tr_len + len > sec->tr_cap) {
		cap = sec->tr_cap ? sec->tr_cap : 4096;
		while (cap < sec->tr_len + len)
			cap *= 2;
		if (cap > KTLSPH_MAX_TRANSCRIPT)
			cap = KTLSPH_MAX_TRANSCRIPT;
		n = OPENSSL_clear_realloc(sec->tr, sec->tr_cap, cap);
		if (!n)
			return -1;
		sec->tr = n;
		sec->tr_cap = cap;
	}
	memcpy(sec->tr + sec->tr_len, p, len);
	sec->tr_len += len;
	return 0;
}

/*
 * A HelloRetryRequest: the transcript so far, the first ClientHello,
 * becomes message_hash: 254, 00 00 Hash.length, Hash(ClientHello1)
 * (RFC 8446 4.4.1), with the hash of the suite the HRR chose.
 */
static int tr_hrr(struct ossl_secrets *sec, uint16_t suite)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(suite);
	uint8_t mh[4 + EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	int ret = -1;

	if (!s || sec->tr_overflow || !sec->tr || sec->tr_finished)
		return -1;
	if (!EVP_Digest(sec->tr, sec->tr_len, mh + 4, &hlen,
			EVP_get_digestbyname(s->hash), NULL) ||
	    hlen != s->hash_len)
		goto out;
	mh[0] = HS_MESSAGE_HASH;
	mh[1] = 0;
	mh[2] = 0;
	mh[3] = (uint8_t)hlen;
	OPENSSL_cleanse(sec->tr, sec->tr_len);
	sec->tr_len = 0;
	ret = tr_append(sec, mh, 4 + hlen);
out:
	OPENSSL_cleanse(mh, sizeof(mh));
	return ret;
}

/* One handshake message (whole, with its header) sent or received. */
static void tr_message(struct ossl_secrets *sec, const uint8_t *msg,
		       size_t len)
{
	uint16_t suite = 0;
	int r;

	if (len < 4 || (size_t)(msg[1] << 16 | msg[2] << 8 | msg[3]) !=
	    len - 4) {
		if (sec->tr_state == TR_RECORDING)
			sec->tr_broken = 1;
		return;
	}
	if (msg[0] == HS_CLIENT_HELLO) {
		/* a new handshake unless it answers a HelloRetryRequest */
		if (sec->tr_state == TR_DONE ||
		    (sec->tr_state == TR_RECORDING && !sec->tr_hrr))
			tr_reset(sec);
		r = ktlsph_hello_has_pha(msg, len);
		if (r < 0)
			sec->tr_broken = 1;
		else
			sec->pha_offered = r;
		sec->tr_state = TR_RECORDING;
	}
	/* post-handshake messages, or no ClientHello seen */
	if (sec->tr_state != TR_RECORDING)
		return;
	sec->tr_hrr = 0;
	if (msg[0] == HS_SERVER_HELLO) {
		r = ktlsph_hello_is_hrr(msg, len, &suite);
		if (r < 0 || (r > 0 && tr_hrr(sec, suite)))
			sec->tr_broken = 1;
		sec->tr_hrr = r > 0;
	}
	if (tr_append(sec, msg, len))
		sec->tr_broken = 1;
	/* the server's Finished, then the client's: the end */
	if (msg[0] == HS_FINISHED && ++sec->tr_finished == 2)
		sec->tr_state = TR_DONE;
}

static void msg_cb(int write_p, int version, int content_type,
		   const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct ossl_ctx_data *cd;
	struct ossl_secrets *sec;
	ktlsph_ossl_msg_cb app;

	sec = get_sec(ssl, content_type == SSL3_RT_HANDSHAKE);
	if (content_type == SSL3_RT_HANDSHAKE && sec)
		tr_message(sec, buf, len);
	if (sec) {
		app = sec->app_msg;
	} else {
		cd = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_idx);
		app = cd ? cd->app_msg : NULL;
	}
	if (app)
		app(write_p, version, content_type, buf, len, ssl, arg);
}

static void keylog_cb(const SSL *ssl, const char *line)
{
	struct ossl_ctx_data *cd;
	struct ossl_secrets *sec;
	struct ktlsph_keylog kl;
	uint8_t cr[sizeof(kl.client_random)];
	uint8_t rms[KTLSPH_MAX_SECRET];
	int client, have_rms = 0;

	cd = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_idx);
	if (cd && cd->prev)
		cd->prev(ssl, line);

	if (ktlsph_keylog_parse(line, &kl))
		return;
	if (!strcmp(kl.label, "CLIENT_TRAFFIC_SECRET_0")) {
		client = 1;
		/*
		 * libssl derived the resumption master secret in the same
		 * step, on this thread: the provider of ktlsph_rms.c kept it
		 * if this SSL's SSL_CTX uses it, and gives it only for this
		 * very secret.
		 */
		have_rms = !ktlsph_rms_take(kl.secret, kl.secret_len, rms);
	} else if (!strcmp(kl.label, "SERVER_TRAFFIC_SECRET_0")) {
		client = 0;
	} else {
		goto out;
	}
	if (SSL_get_client_random(ssl, cr, sizeof(cr)) != sizeof(cr) ||
	    memcmp(cr, kl.client_random, sizeof(cr)))
		goto out;

	/* OpenSSL hands a const SSL to keylog callbacks */
	sec = get_sec((SSL *)ssl, 1);
	if (!sec)
		goto out;
	if (client) {
		memcpy(sec->c_ap, kl.secret, kl.secret_len);
		sec->c_len = kl.secret_len;
		if (have_rms) {
			memcpy(sec->rms, rms, kl.secret_len);
			sec->rms_len = kl.secret_len;
		}
	} else {
		memcpy(sec->s_ap, kl.secret, kl.secret_len);
		sec->s_len = kl.secret_len;
	}
out:
	OPENSSL_cleanse(&kl, sizeof(kl));
	OPENSSL_cleanse(rms, sizeof(rms));
}

/* The SSL_CTX's ktlsph data, allocated if there is none; NULL on failure. */
static struct ossl_ctx_data *get_ctx_data(SSL_CTX *ctx)
{
	struct ossl_ctx_data *cd;

	pthread_once(&idx_once, init_indexes);
	if (ssl_idx < 0 || ctx_idx < 0)
		return NULL;
	cd = SSL_CTX_get_ex_data(ctx, ctx_idx);
	if (!cd) {
		cd = OPENSSL_zalloc(sizeof(*cd));
		if (!cd || !SSL_CTX_set_ex_data(ctx, ctx_idx, cd)) {
			OPENSSL_free(cd);
			return NULL;
		}
	}
	return cd;
}

int ktlsph_ossl_capture(SSL_CTX *ctx)
{
	SSL_CTX_keylog_cb_func prev;
	struct ossl_ctx_data *cd;

	if (!ctx)
		return -EINVAL;
	cd = get_ctx_data(ctx);
	if (!cd)
		return -ENOMEM;
	prev = SSL_CTX_get_keylog_callback(ctx);
	if (prev != keylog_cb) {
		cd->prev = prev;
		SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	}
	/*
	 * The handshake transcript. OpenSSL has no getter for a message
	 * callback installed before: ktlsph_ossl_set_msg_callback() chains
	 * the application's.
	 */
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	SSL_CTX_set_read_ahead(ctx, 0);
	return 0;
}

int ktlsph_ossl_set_msg_callback(SSL_CTX *ctx, ktlsph_ossl_msg_cb cb)
{
	struct ossl_ctx_data *cd;

	if (!ctx)
		return -EINVAL;
	cd = get_ctx_data(ctx);
	if (!cd)
		return -ENOMEM;
	cd->app_msg = cb;
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	return 0;
}

int ktlsph_ossl_transcript(const SSL *ssl, uint8_t *out, size_t outlen,
			   int *pha_offered)
{
	const struct ossl_secrets *sec = NULL;

	if (pha_offered)
		*pha_offered = 0;
	if (ssl && ssl_idx >= 0)
		sec = SSL_get_ex_data(ssl, ssl_idx);
	if (!sec || sec->tr_state != TR_DONE || sec->tr_broken)
		return -ENOENT;
	if (pha_offered)
		*pha_offered = sec->pha_offered;
	if (sec->tr_overflow)
		return -EMSGSIZE;
	if (!sec->tr)
		return -ENOENT;
	if (!out && !outlen)
		return (int)sec->tr_len;
	if (!out || outlen < sec->tr_len)
		return -ENOSPC;
	memcpy(out, sec->tr, sec->tr_len);
	return (int)sec->tr_len;
}

SSL_CTX *ktlsph_ossl_ctx_new(const SSL_METHOD *method)
{
	SSL_CTX *ctx;

	if (!method || ktlsph_ossl_provider_load(NULL))
		return NULL;
	ctx = SSL_CTX_new_ex(NULL, KTLSPH_OSSL_PROPQ, method);
	if (ctx && ktlsph_ossl_capture(ctx)) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

int ktlsph_ossl_resumption_secret(const SSL *ssl, uint8_t *out,
				  size_t outlen)
{
	const struct ossl_secrets *sec = NULL;

	if (ssl && ssl_idx >= 0)
		sec = SSL_get_ex_data(ssl, ssl_idx);
	if (!sec || !sec->rms_len)
		return -ENOENT;
	if (!out || outlen < sec->rms_len)
		return -ENOSPC;
	memcpy(out, sec->rms, sec->rms_len);
	return (int)sec->rms_len;
}

/* How the peer authenticated in @ssl's handshake. */
static int peer_auth(const SSL *ssl)
{
	if (SSL_session_reused(ssl))
		return KTLSPH_PEER_AUTH_PSK;
	if (SSL_get0_peer_certificate(ssl))
		return KTLSPH_PEER_AUTH_CERTIFICATE;
	return KTLSPH_PEER_AUTH_UNKNOWN;
}

int ktlsph_ossl_attach_ex(SSL *ssl, int fd, int role,
			  const struct ktlsph_attach_args *opt, int attach,
			  uint64_t *cookie, char *err, size_t errlen)
{
	const struct ktlsph_suite *s;
	struct ktlsph_attach_args a;
	struct ossl_secrets *sec = NULL;
	const SSL_CIPHER *c;
	char note[160] = "";
	uint16_t id;
	int ret;

	if (!ssl)
		return fail(err, errlen, -EINVAL, "no SSL");
	if (ssl_idx >= 0)
		sec = SSL_get_ex_data(ssl, ssl_idx);
	if (role != (SSL_is_server(ssl) ? KTLSPH_ROLE_SERVER :
					  KTLSPH_ROLE_CLIENT)) {
		ret = fail(err, errlen, -EINVAL,
			   "role does not match the SSL object's");
		goto out;
	}
	if (SSL_get_fd(ssl) >= 0 && SSL_get_fd(ssl) != fd) {
		ret = fail(err, errlen, -EINVAL,
			   "fd %d is not the SSL object's socket (%d)", fd,
			   SSL_get_fd(ssl));
		goto out;
	}
	if (!SSL_is_init_finished(ssl)) {
		ret = fail(err, errlen, -EINVAL, "the handshake is not done");
		goto out;
	}
	if (SSL_version(ssl) != TLS1_3_VERSION) {
		ret = fail(err, errlen, -EPROTONOSUPPORT,
			   "%s negotiated: ktls_ph needs TLS 1.3",
			   SSL_get_version(ssl));
		goto out;
	}
	c = SSL_get_current_cipher(ssl);
	id = c ? SSL_CIPHER_get_protocol_id(c) : 0;
	s = ktlsph_suite_by_id(id);
	if (!s) {
		ret = fail(err, errlen, -EOPNOTSUPP,
			   "cipher suite 0x%04x (%s) is not supported by kTLS",
			   id, c ? SSL_CIPHER_get_name(c) : "none");
		goto out;
	}
	if (SSL_get_read_ahead(ssl)) {
		ret = fail(err, errlen, -EINVAL,
			   "OpenSSL read-ahead is on: bytes read ahead would be lost to kTLS");
		goto out;
	}
	if (SSL_pending(ssl) || SSL_has_pending(ssl)) {
		ret = fail(err, errlen, -EINVAL,
			   "OpenSSL holds unread data (SSL_read() called before attaching?)");
		goto out;
	}
	if (role == KTLSPH_ROLE_SERVER && SSL_get_num_tickets(ssl)) {
		ret = fail(err, errlen, -EINVAL,
			   "server sent %zu NewSessionTickets under its key: use SSL_CTX_set_num_tickets(ctx, 0)",
			   SSL_get_num_tickets(ssl));
		goto out;
	}
	if (!sec || sec->c_len != s->hash_len || sec->s_len != s->hash_len) {
		ret = fail(err, errlen, -EINVAL,
			   "application traffic secrets not captured: call ktlsph_ossl_capture() on the SSL_CTX before the handshake");
		goto out;
	}

	memset(&a, 0, sizeof(a));
	a.role = role;
	a.suite = s->id;
	a.secret_len = s->hash_len;
	a.tx_secret = role == KTLSPH_ROLE_CLIENT ? sec->c_ap : sec->s_ap;
	a.rx_secret = role == KTLSPH_ROLE_CLIENT ? sec->s_ap : sec->c_ap;
	if (opt) {
		a.server_name = opt->server_name;
		a.peer_auth = opt->peer_auth;
		a.resumption_secret = opt->resumption_secret;
		a.rekey_records = opt->rekey_records;
		a.rekey_bytes = opt->rekey_bytes;
	}
	if (!a.server_name)
		a.server_name = SSL_get_servername(ssl,
						   TLSEXT_NAMETYPE_host_name);
	if (!a.peer_auth)
		a.peer_auth = peer_auth(ssl);
	/* the PSKs of the tickets the server sends after the handshake */
	if (!a.resumption_secret && role == KTLSPH_ROLE_CLIENT &&
	    sec->rms_len == s->hash_len)
		a.resumption_secret = sec->rms;
	/*
	 * Post-handshake authentication: the transcript, only if the
	 * client offered it (ktls_ph takes the transcript only then).
	 */
	if (sec->pha_offered && sec->tr_state == TR_DONE && !sec->tr_broken &&
	    !sec->tr_overflow && sec->tr) {
		a.pha_offered = 1;
		a.transcript = sec->tr;
		a.transcript_len = sec->tr_len;
	} else if (sec->pha_offered) {
		snprintf(note, sizeof(note),
			 "note: post_handshake_auth was offered but %s: attached without post-handshake authentication",
			 sec->tr_overflow ?
			 "the handshake transcript is longer than the 65000 bytes ktls_ph takes" :
			 "the handshake transcript was not captured completely");
	} else if (sec->tr_state != TR_DONE) {
		snprintf(note, sizeof(note),
			 "note: no handshake transcript (message callback replaced?): attached without post-handshake authentication");
	}

	/* Nothing was sent or received under the application keys yet. */
	ret = ktlsph_ktls_setup(fd, s->id, a.tx_secret, a.rx_secret,
				a.secret_len, 0, 0, err, errlen);
	if (!ret && attach)
		ret = ktlsph_attach(fd, &a, cookie, err, errlen);
	if (!ret && attach && note[0] && err && errlen)
		snprintf(err, errlen, "%s", note);
out:
	if (sec)
		sec_wipe(sec);
	return ret;
}

int ktlsph_ossl_attach(SSL *ssl, int fd, int role, char *err, size_t errlen)
{
	return ktlsph_ossl_attach_ex(ssl, fd, role, NULL, 1, NULL, err,
				     errlen);
}
