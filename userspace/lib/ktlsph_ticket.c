// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph: a stored TLS 1.3 ticket as an OpenSSL client session (and its
 * PEM form). See ktlsph_ticket.h and Documentation/libktlsph.md.
 *
 * OpenSSL has public setters for most of an SSL_SESSION but none for the
 * ticket, its age_add and its lifetime hint. Its serialised form, though,
 * is stable and public in effect (PEM "SSL SESSION PARAMETERS" files,
 * i2d_SSL_SESSION()/d2i_SSL_SESSION()): the DER of SSL_SESSION_ASN1 in
 * OpenSSL's ssl/ssl_asn1.c. The session is therefore written as that DER
 * with OpenSSL's own ASN.1 encoder, from a template that mirrors the
 * fields of SSL_SESSION_ASN1 a ticket session needs (same order, types and
 * tags; the optional fields left out are simply absent), and read back
 * with d2i_SSL_SESSION().
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "ktlsph.h"
#include "ktlsph_ticket.h"

/* SSL_SESSION_ASN1_VERSION of ssl/ssl_asn1.c */
#define SESSION_ASN1_VERSION	1
/* the largest ticket a NewSessionTicket carries: opaque ticket<1..2^16-1> */
#define MAX_TICKET_LEN		65535

/*
 * The SSL_SESSION_ASN1 sequence (OpenSSL 1.1.1 to 3.x), the fields used:
 *
 *	version			INTEGER (1)
 *	ssl_version		INTEGER (0x0304)
 *	cipher			OCTET STRING (2 bytes, the suite)
 *	session_id		OCTET STRING
 *	master_key		OCTET STRING (TLS 1.3: the PSK)
 *	key_arg			[0] IMPLICIT, absent
 *	time			[1] EXPLICIT INTEGER (seconds, see below)
 *	timeout			[2] EXPLICIT INTEGER (seconds)
 *	peer, session_id_context, verify_result [3], [4], [5]: absent
 *	tlsext_hostname		[6] EXPLICIT OCTET STRING
 *	psk_identity_hint, psk_identity [7], [8]: absent
 *	tlsext_tick_lifetime_hint [9] EXPLICIT INTEGER
 *	tlsext_tick		[10] EXPLICIT OCTET STRING
 *	comp_id, srp_username, flags [11], [12], [13]: absent
 *	tlsext_tick_age_add	[14] EXPLICIT INTEGER
 *	max_early_data		[15] EXPLICIT INTEGER
 *	alpn_selected, max_fragment_len_mode, ticket_appdata, kex_group,
 *	peer_rpk [16] to [20]: absent
 *
 * The Z types leave a zero value out, as OpenSSL's template does.
 */
struct session_asn1 {
	uint32_t version;
	int32_t ssl_version;
	ASN1_OCTET_STRING *cipher;
	ASN1_OCTET_STRING *session_id;
	ASN1_OCTET_STRING *master_key;
	int64_t time;
	int64_t timeout;
	ASN1_OCTET_STRING *hostname;
	uint64_t tick_lifetime_hint;
	ASN1_OCTET_STRING *tick;
	uint32_t tick_age_add;
	uint32_t max_early_data;
};

/*
 * The template macros take the structure as one name (offsetof(), sizeof())
 * and the item's name for token pasting: SESSION names the former.
 */
#define SESSION	struct session_asn1

ASN1_SEQUENCE(session_asn1) = {
	ASN1_EMBED(SESSION, version, UINT32),
	ASN1_EMBED(SESSION, ssl_version, INT32),
	ASN1_SIMPLE(SESSION, cipher, ASN1_OCTET_STRING),
	ASN1_SIMPLE(SESSION, session_id, ASN1_OCTET_STRING),
	ASN1_SIMPLE(SESSION, master_key, ASN1_OCTET_STRING),
	ASN1_EXP_OPT_EMBED(SESSION, time, ZINT64, 1),
	ASN1_EXP_OPT_EMBED(SESSION, timeout, ZINT64, 2),
	ASN1_EXP_OPT(SESSION, hostname, ASN1_OCTET_STRING, 6),
	ASN1_EXP_OPT_EMBED(SESSION, tick_lifetime_hint, ZUINT64, 9),
	ASN1_EXP_OPT(SESSION, tick, ASN1_OCTET_STRING, 10),
	ASN1_EXP_OPT_EMBED(SESSION, tick_age_add, ZUINT32, 14),
	ASN1_EXP_OPT_EMBED(SESSION, max_early_data, ZUINT32, 15),
} static_ASN1_SEQUENCE_END_name(SESSION, session_asn1)

/* An OCTET STRING pointing at @data (not copied: encoding only). */
static ASN1_OCTET_STRING *octets(ASN1_OCTET_STRING *os, const void *data,
				 size_t len)
{
	os->type = V_ASN1_OCTET_STRING;
	os->data = (unsigned char *)data;
	os->length = (int)len;
	os->flags = 0;
	return os;
}

static int check_ticket(const struct ktlsph_ticket *t)
{
	const struct ktlsph_suite *s;

	if (!t)
		return -EINVAL;
	s = ktlsph_suite_by_id(t->cipher_suite);
	if (!s || t->psk_len != s->hash_len || !t->ticket ||
	    !t->ticket_len || t->ticket_len > MAX_TICKET_LEN ||
	    t->nonce_len > sizeof(t->nonce) ||
	    !memchr(t->server_name, '\0', sizeof(t->server_name)))
		return -EINVAL;
	return 0;
}

int ktlsph_ticket_to_ossl_session(const struct ktlsph_ticket *t,
				  SSL_SESSION **out)
{
	ASN1_OCTET_STRING cipher, sid, mkey, host, tick;
	uint8_t suite[2], id[EVP_MAX_MD_SIZE];
	struct session_asn1 as;
	const unsigned char *p;
	unsigned char *der = NULL;
	SSL_SESSION *sess;
	int64_t now;
	size_t id_len;
	int len, ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ret = check_ticket(t);
	if (ret)
		return ret;

	/* OpenSSL's client names a TLS 1.3 ticket session by its SHA-256. */
	if (!EVP_Q_digest(NULL, "SHA256", NULL, t->ticket, t->ticket_len, id,
			  &id_len))
		return -EIO;
	suite[0] = t->cipher_suite >> 8;
	suite[1] = t->cipher_suite & 0xff;

	memset(&as, 0, sizeof(as));
	as.version = SESSION_ASN1_VERSION;
	as.ssl_version = TLS1_3_VERSION;
	as.cipher = octets(&cipher, suite, sizeof(suite));
	as.session_id = octets(&sid, id, id_len);
	as.master_key = octets(&mkey, t->psk, t->psk_len);
	/*
	 * The client offers the ticket only if time(NULL) - time, its age in
	 * seconds (unsigned), is not beyond the lifetime: a time later than
	 * time(NULL) wraps to a huge age and the ticket is not offered. And
	 * time() (the coarse clock) runs up to a clock tick behind
	 * CLOCK_REALTIME, @received_ms's clock: a ticket received just after
	 * a second began is in the next second for a few milliseconds (or
	 * longer after the clock was set back). Never later than time(NULL).
	 */
	as.time = (int64_t)(t->received_ms / 1000);
	now = (int64_t)time(NULL);
	if (as.time > now)
		as.time = now;
	as.timeout = t->lifetime;
	if (t->server_name[0])
		as.hostname = octets(&host, t->server_name,
				     strlen(t->server_name));
	as.tick_lifetime_hint = t->lifetime;
	as.tick = octets(&tick, t->ticket, t->ticket_len);
	as.tick_age_add = t->age_add;
	as.max_early_data = t->max_early_data;

	len = ASN1_item_i2d((ASN1_VALUE *)&as, &der,
			    ASN1_ITEM_rptr(session_asn1));
	if (len <= 0)
		return -ENOMEM;
	p = der;
	sess = d2i_SSL_SESSION(NULL, &p, len);
	/* the DER holds the PSK */
	OPENSSL_clear_free(der, len);
	if (!sess)
		return -EIO;
	if (SSL_SESSION_get_protocol_version(sess) != TLS1_3_VERSION ||
	    !SSL_SESSION_get0_cipher(sess) ||
	    SSL_CIPHER_get_protocol_id(SSL_SESSION_get0_cipher(sess)) !=
	    t->cipher_suite) {
		SSL_SESSION_free(sess);
		return -EIO;
	}
	*out = sess;
	return 0;
}

int ktlsph_ticket_write_pem(const struct ktlsph_ticket *t, FILE *f)
{
	SSL_SESSION *sess;
	int ret;

	if (!f)
		return -EINVAL;
	ret = ktlsph_ticket_to_ossl_session(t, &sess);
	if (ret)
		return ret;
	ret = PEM_write_SSL_SESSION(f, sess) ? 0 : -EIO;
	SSL_SESSION_free(sess);
	return ret;
}

void ktlsph_ticket_clear(struct ktlsph_ticket *t)
{
	if (!t)
		return;
	free(t->ticket);
	OPENSSL_cleanse(t, sizeof(*t));
}
