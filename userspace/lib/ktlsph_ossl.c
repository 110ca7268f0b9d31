// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph OpenSSL glue: keep the application traffic secrets of an SSL
 * (keylog callback) and, on an SSL_CTX made with ktlsph_ossl_ctx_new(), its
 * resumption master secret (ktlsph_rms.c), then configure kTLS and attach
 * ktls_ph right after the handshake. See ktlsph.h, ktlsph_ticket.h and
 * Documentation/libktlsph.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "ktlsph.h"
#include "ktlsph_int.h"
#include "ktlsph_ticket.h"
#include "ktlsph_ticket_int.h"

/*
 * Per-SSL ex_data: the captured application traffic secrets and resumption
 * master secret.
 */
struct ossl_secrets {
	uint8_t c_ap[KTLSPH_MAX_SECRET];
	uint8_t s_ap[KTLSPH_MAX_SECRET];
	uint8_t rms[KTLSPH_MAX_SECRET];
	size_t c_len;
	size_t s_len;
	size_t rms_len;
};

/* Per-SSL_CTX ex_data: the keylog callback installed before ours. */
struct ossl_ctx_data {
	SSL_CTX_keylog_cb_func prev;
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
	if (ptr)
		OPENSSL_clear_free(ptr, sizeof(struct ossl_secrets));
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

	sec = SSL_get_ex_data(ssl, ssl_idx);
	if (!sec) {
		sec = OPENSSL_zalloc(sizeof(*sec));
		/* OpenSSL hands a const SSL to keylog callbacks */
		if (!sec || !SSL_set_ex_data((SSL *)ssl, ssl_idx, sec)) {
			OPENSSL_free(sec);
			goto out;
		}
	}
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

int ktlsph_ossl_capture(SSL_CTX *ctx)
{
	SSL_CTX_keylog_cb_func prev;
	struct ossl_ctx_data *cd;

	if (!ctx)
		return -EINVAL;
	pthread_once(&idx_once, init_indexes);
	if (ssl_idx < 0 || ctx_idx < 0)
		return -ENOMEM;
	prev = SSL_CTX_get_keylog_callback(ctx);
	if (prev != keylog_cb) {
		cd = SSL_CTX_get_ex_data(ctx, ctx_idx);
		if (!cd) {
			cd = OPENSSL_zalloc(sizeof(*cd));
			if (!cd || !SSL_CTX_set_ex_data(ctx, ctx_idx, cd)) {
				OPENSSL_free(cd);
				return -ENOMEM;
			}
		}
		cd->prev = prev;
		SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	}
	SSL_CTX_set_read_ahead(ctx, 0);
	return 0;
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

	/* Nothing was sent or received under the application keys yet. */
	ret = ktlsph_ktls_setup(fd, s->id, a.tx_secret, a.rx_secret,
				a.secret_len, 0, 0, err, errlen);
	if (!ret && attach)
		ret = ktlsph_attach(fd, &a, cookie, err, errlen);
out:
	if (sec)
		OPENSSL_cleanse(sec, sizeof(*sec));
	return ret;
}

int ktlsph_ossl_attach(SSL *ssl, int fd, int role, char *err, size_t errlen)
{
	return ktlsph_ossl_attach_ex(ssl, fd, role, NULL, 1, NULL, err,
				     errlen);
}
