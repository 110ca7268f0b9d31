// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph GnuTLS glue: keep the application traffic secrets of a session
 * (gnutls_handshake_set_secret_function()), then configure kTLS at GnuTLS's
 * current record sequence numbers (gnutls_record_get_state(), as GnuTLS's
 * own kTLS code and ktls-utils' tlshd do) and attach ktls_ph. See
 * ktlsph_gnutls.h and Documentation/libktlsph.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#if GNUTLS_VERSION_NUMBER >= 0x030703
#include <gnutls/socket.h>	/* gnutls_transport_is_ktls_enabled() */
#endif

#include "ktlsph.h"
#include "ktlsph_gnutls.h"
#include "ktlsph_int.h"
#include "tls13kdf.h"

static const struct {
	gnutls_cipher_algorithm_t cipher;
	uint16_t id;
} ciphers[] = {
	{ GNUTLS_CIPHER_AES_128_GCM, 0x1301 },
	{ GNUTLS_CIPHER_AES_256_GCM, 0x1302 },
	{ GNUTLS_CIPHER_CHACHA20_POLY1305, 0x1303 },
	{ GNUTLS_CIPHER_AES_128_CCM, 0x1304 },
};

uint16_t ktlsph_gnutls_suite_id(gnutls_cipher_algorithm_t cipher)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		if (ciphers[i].cipher == cipher)
			return ciphers[i].id;
	return 0;
}

gnutls_cipher_algorithm_t ktlsph_gnutls_cipher(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		if (ciphers[i].id == id)
			return ciphers[i].cipher;
	return GNUTLS_CIPHER_UNKNOWN;
}

/* ---- the captured secrets, one entry per session --------------------- */

struct captured {
	gnutls_session_t session;
	uint8_t rd[KTLSPH_MAX_SECRET];	/* the peer's */
	uint8_t wr[KTLSPH_MAX_SECRET];	/* this side's */
	size_t rd_len;
	size_t wr_len;
	struct captured *next;
};

static struct captured *captured_list;
static pthread_mutex_t captured_lock = PTHREAD_MUTEX_INITIALIZER;

/* The entry of @session; the caller holds captured_lock. */
static struct captured **find(gnutls_session_t session)
{
	struct captured **pp;

	for (pp = &captured_list; *pp; pp = &(*pp)->next)
		if ((*pp)->session == session)
			return pp;
	return NULL;
}

static void free_entry(struct captured *c)
{
	gnutls_memset(c, 0, sizeof(*c));
	free(c);
}

/* Unlink the entry of @session, copy it to @out (zeroed if none). */
static int take(gnutls_session_t session, struct captured *out)
{
	struct captured **pp, *c = NULL;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&captured_lock);
	pp = find(session);
	if (pp) {
		c = *pp;
		*pp = c->next;
	}
	pthread_mutex_unlock(&captured_lock);
	if (!c)
		return -ENOENT;
	*out = *c;
	out->next = NULL;
	free_entry(c);
	return 0;
}

void ktlsph_gnutls_forget(gnutls_session_t session)
{
	struct captured c;

	take(session, &c);
	gnutls_memset(&c, 0, sizeof(c));
}

int ktlsph_gnutls_secret_func(gnutls_session_t session,
			      gnutls_record_encryption_level_t level,
			      const void *secret_read,
			      const void *secret_write, size_t secret_size)
{
	struct captured **pp;

	/*
	 * Never fail the handshake from here: a missing or odd secret is
	 * reported by ktlsph_gnutls_attach().
	 */
	if (level != GNUTLS_ENCRYPTION_LEVEL_APPLICATION ||
	    secret_size > KTLSPH_MAX_SECRET)
		return 0;
	pthread_mutex_lock(&captured_lock);
	pp = find(session);
	if (pp && secret_read) {
		memcpy((*pp)->rd, secret_read, secret_size);
		(*pp)->rd_len = secret_size;
	}
	if (pp && secret_write) {
		memcpy((*pp)->wr, secret_write, secret_size);
		(*pp)->wr_len = secret_size;
	}
	pthread_mutex_unlock(&captured_lock);
	return 0;
}

int ktlsph_gnutls_capture(gnutls_session_t session)
{
	struct captured **pp, *c;

	if (!session)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->session = session;
	pthread_mutex_lock(&captured_lock);
	pp = find(session);
	if (pp) {
		/* again on the same session (or a stale entry): start over */
		c->next = (*pp)->next;
		free_entry(*pp);
		*pp = c;
	} else {
		c->next = captured_list;
		captured_list = c;
	}
	pthread_mutex_unlock(&captured_lock);
	gnutls_handshake_set_secret_function(session,
					     ktlsph_gnutls_secret_func);
	return 0;
}

/* ---- hand-over ------------------------------------------------------- */

/*
 * GnuTLS answers a KeyUpdate with update_requested only before its next
 * application data (lib/tls13/key_update.c: rsend_state), so after a
 * gnutls_record_recv() that processed one it may still owe the peer a
 * KeyUpdate. gnutls_record_send() of nothing sends that KeyUpdate and then
 * refuses the empty write (GNUTLS_E_INVALID_REQUEST); with nothing owed it
 * sends nothing.
 */
static int send_owed_key_update(gnutls_session_t session, char *err,
				size_t errlen)
{
	ssize_t ret = gnutls_record_send(session, NULL, 0);

	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
		return fail(err, errlen, -EAGAIN,
			    "GnuTLS could not send the KeyUpdate it owes the peer yet (%s): try again",
			    gnutls_strerror(ret));
	if (ret == GNUTLS_E_PUSH_ERROR)
		return fail(err, errlen, -EIO,
			    "sending the KeyUpdate GnuTLS owes the peer failed: %s",
			    gnutls_strerror(ret));
	return 0;
}

/*
 * Does GnuTLS's current record state for one direction use the key and iv
 * derived from @secret? Also reads its sequence number into *@seq.
 */
static int check_direction(gnutls_session_t session, int read,
			   const struct ktlsph_suite *s,
			   const uint8_t *secret, uint64_t *seq, char *err,
			   size_t errlen)
{
	const char *dir = read ? "receive" : "send";
	uint8_t key[KTLSPH_MAX_KEY], iv[KTLSPH_IV_LEN], seq_number[8];
	gnutls_datum_t mac_key, g_iv, g_key;
	int ret, i;

	ret = gnutls_record_get_state(session, read, &mac_key, &g_iv, &g_key,
				      seq_number);
	if (ret < 0)
		return fail(err, errlen, -EINVAL,
			    "gnutls_record_get_state(%s): %s", dir,
			    gnutls_strerror(ret));
	if (ktls_ph_u_expand_label(s->hash, secret, s->hash_len, "key", NULL,
				   0, key, s->key_len) ||
	    ktls_ph_u_expand_label(s->hash, secret, s->hash_len, "iv", NULL, 0,
				   iv, sizeof(iv))) {
		ret = fail(err, errlen, -EIO, "deriving the %s key failed",
			   dir);
		goto out;
	}
	if (g_key.size != s->key_len || g_iv.size != sizeof(iv) ||
	    gnutls_memcmp(g_key.data, key, s->key_len) ||
	    gnutls_memcmp(g_iv.data, iv, sizeof(iv))) {
		ret = fail(err, errlen, -EINVAL,
			   "GnuTLS's current %s key is not the one of the captured application traffic secret (handshake not finished, or another secret function installed after ktlsph_gnutls_capture()?)",
			   dir);
		goto out;
	}
	*seq = 0;
	for (i = 0; i < 8; i++)
		*seq = *seq << 8 | seq_number[i];
	ret = 0;
out:
	gnutls_memset(key, 0, sizeof(key));
	gnutls_memset(iv, 0, sizeof(iv));
	return ret;
}

int ktlsph_gnutls_get_state(gnutls_session_t session,
			    struct ktlsph_gnutls_state *st, char *err,
			    size_t errlen)
{
	const struct ktlsph_suite *s;
	gnutls_cipher_algorithm_t cipher;
	gnutls_protocol_t ver;
	struct captured cap;
	size_t n;
	int ret, found;

	if (!st)
		return fail(err, errlen, -EINVAL, "no state to fill");
	memset(st, 0, sizeof(*st));
	if (!session)
		return fail(err, errlen, -EINVAL, "no session");
	ver = gnutls_protocol_get_version(session);
	if (ver == GNUTLS_TLS1_3) {
		ret = send_owed_key_update(session, err, errlen);
		if (ret == -EAGAIN)
			return ret;	/* nothing taken: call again */
	} else {
		ret = fail(err, errlen, -EPROTONOSUPPORT,
			   "%s negotiated: ktls_ph needs TLS 1.3",
			   gnutls_protocol_get_name(ver) ?
			   gnutls_protocol_get_name(ver) : "no protocol");
	}
	found = !take(session, &cap);
	if (ret)
		goto out;
	if (!found) {
		ret = fail(err, errlen, -EINVAL,
			   "application traffic secrets not captured: call ktlsph_gnutls_capture() before gnutls_handshake()");
		goto out;
	}
	if (!cap.rd_len || !cap.wr_len) {
		ret = fail(err, errlen, -EINVAL,
			   "no application traffic secrets captured: the handshake is not done, or another secret function replaced ktlsph_gnutls_capture()'s");
		goto out;
	}
#if GNUTLS_VERSION_NUMBER >= 0x030703
	/* negative (GNUTLS_E_UNIMPLEMENTED_FEATURE) without kTLS support */
	if ((int)gnutls_transport_is_ktls_enabled(session) > 0) {
		ret = fail(err, errlen, -EEXIST,
			   "GnuTLS has enabled kTLS on this session itself (ktls = true in its system configuration): turn that off to use ktls_ph");
		goto out;
	}
#endif
	cipher = gnutls_cipher_get(session);
	s = ktlsph_suite_by_id(ktlsph_gnutls_suite_id(cipher));
	if (!s) {
		ret = fail(err, errlen, -EOPNOTSUPP,
			   "cipher %s is not one kTLS supports in TLS 1.3",
			   gnutls_cipher_get_name(cipher) ?
			   gnutls_cipher_get_name(cipher) : "unknown");
		goto out;
	}
	if (gnutls_hash_get_len((gnutls_digest_algorithm_t)
				gnutls_prf_hash_get(session)) != s->hash_len) {
		ret = fail(err, errlen, -EOPNOTSUPP,
			   "the session's hash is not the one of %s", s->name);
		goto out;
	}
	n = gnutls_record_check_pending(session);
	if (n) {
		ret = fail(err, errlen, -EINVAL,
			   "GnuTLS holds %zu bytes of received application data that kTLS would never return: read them with gnutls_record_recv() first",
			   n);
		goto out;
	}
	if (cap.rd_len != s->hash_len || cap.wr_len != s->hash_len) {
		ret = fail(err, errlen, -EINVAL,
			   "captured secrets of %zu/%zu bytes, %s needs %zu",
			   cap.rd_len, cap.wr_len, s->name, s->hash_len);
		goto out;
	}
	n = gnutls_record_check_corked(session);
	if (n) {
		ret = fail(err, errlen, -EINVAL,
			   "GnuTLS holds %zu corked bytes not sent yet: gnutls_record_uncork() first",
			   n);
		goto out;
	}
	ret = check_direction(session, 0, s, cap.wr, &st->tx_seq, err,
			      errlen);
	if (!ret)
		ret = check_direction(session, 1, s, cap.rd, &st->rx_seq, err,
				      errlen);
	if (ret)
		goto out;
	st->suite = s->id;
	st->secret_len = s->hash_len;
	memcpy(st->tx_secret, cap.wr, s->hash_len);
	memcpy(st->rx_secret, cap.rd, s->hash_len);
	seterr_ok(err, errlen);
out:
	gnutls_memset(&cap, 0, sizeof(cap));
	if (ret)
		gnutls_memset(st, 0, sizeof(*st));
	return ret;
}

/*
 * How the peer authenticated in @session's handshake: a resumed session (or
 * an external PSK) is PSK, a certificate the peer sent CERTIFICATE.
 */
static int peer_auth(gnutls_session_t session)
{
	unsigned int n = 0;

	if (gnutls_session_is_resumed(session) ||
	    gnutls_auth_get_type(session) == GNUTLS_CRD_PSK)
		return KTLSPH_PEER_AUTH_PSK;
	if (gnutls_auth_get_type(session) == GNUTLS_CRD_CERTIFICATE &&
	    gnutls_certificate_get_peers(session, &n) && n)
		return KTLSPH_PEER_AUTH_CERTIFICATE;
	return KTLSPH_PEER_AUTH_UNKNOWN;
}

/* The session's transport, if it is a socket, must be @fd. */
static int check_fd(gnutls_session_t session, int fd, char *err,
		    size_t errlen)
{
	struct stat sb;
	int rd, wr;

	gnutls_transport_get_int2(session, &rd, &wr);
	/* a transport pointer rather than an fd is no socket, usually */
	if (rd == wr && rd >= 0 && rd != fd && !fstat(rd, &sb) &&
	    S_ISSOCK(sb.st_mode))
		return fail(err, errlen, -EINVAL,
			    "fd %d is not the session's socket (%d)", fd, rd);
	return 0;
}

int ktlsph_gnutls_attach_ex(gnutls_session_t session, int fd, int role,
			    const struct ktlsph_attach_args *opt, int attach,
			    uint64_t *cookie, char *err, size_t errlen)
{
	struct ktlsph_gnutls_state st;
	struct ktlsph_attach_args a;
	char name[256];
	size_t len = sizeof(name);
	unsigned int type;
	int ret;

	memset(&st, 0, sizeof(st));
	if (role != KTLSPH_ROLE_CLIENT && role != KTLSPH_ROLE_SERVER)
		ret = fail(err, errlen, -EINVAL, "invalid role %d", role);
	else if (session)
		ret = check_fd(session, fd, err, errlen);
	else
		ret = 0;
	if (ret) {
		ktlsph_gnutls_forget(session);
		return ret;
	}
	ret = ktlsph_gnutls_get_state(session, &st, err, errlen);
	if (ret)
		return ret;

	memset(&a, 0, sizeof(a));
	a.role = role;
	a.suite = st.suite;
	a.secret_len = st.secret_len;
	a.tx_secret = st.tx_secret;
	a.rx_secret = st.rx_secret;
	if (opt) {
		a.server_name = opt->server_name;
		a.peer_auth = opt->peer_auth;
		/* GnuTLS does not give it out: only the application's own */
		a.resumption_secret = opt->resumption_secret;
		a.rekey_records = opt->rekey_records;
		a.rekey_bytes = opt->rekey_bytes;
	}
	if (!a.server_name &&
	    gnutls_server_name_get(session, name, &len, &type, 0) ==
	    GNUTLS_E_SUCCESS && type == GNUTLS_NAME_DNS)
		a.server_name = name;
	if (!a.peer_auth)
		a.peer_auth = peer_auth(session);

	ret = ktlsph_ktls_setup(fd, st.suite, st.tx_secret, st.rx_secret,
				st.secret_len, st.tx_seq, st.rx_seq, err,
				errlen);
	if (!ret && attach)
		ret = ktlsph_attach(fd, &a, cookie, err, errlen);
	gnutls_memset(&st, 0, sizeof(st));
	return ret;
}

int ktlsph_gnutls_attach(gnutls_session_t session, int fd, int role,
			 char *err, size_t errlen)
{
	return ktlsph_gnutls_attach_ex(session, fd, role, NULL, 1, NULL, err,
				       errlen);
}
