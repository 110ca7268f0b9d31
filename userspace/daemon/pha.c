// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd: post-handshake client authentication (see pha.h). X.509,
 * chains and signatures are OpenSSL's; this file only frames the TLS 1.3
 * messages and builds the signed content (RFC 8446 4.4.3):
 *
 *   64 x 0x20 || "TLS 1.3, client CertificateVerify" || 0x00 ||
 *   Transcript-Hash(main handshake .. client Finished, CertificateRequest,
 *                   Certificate)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "pha.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CV_PAD_LEN	64
static const char cv_client_label[] = "TLS 1.3, client CertificateVerify";
#define CV_CONTENT_MAX	(CV_PAD_LEN + sizeof(cv_client_label) + \
			 EVP_MAX_MD_SIZE)

#define EXT_SIGNATURE_ALGORITHMS	13
#define EXT_SIGNATURE_ALGORITHMS_CERT	50

struct phd_pha {
	X509 *leaf;
	/* STACK_OF(X509), spelt as it expands (checkpatch reads the macro as a cast) */
	struct stack_st_X509 *chain;	/* intermediates, in file order */
	EVP_PKEY *key;
	X509_STORE *store;
};

enum sig_kind { K_PKCS1, K_RSAE, K_PSS, K_ECDSA, K_ED25519, K_ED448 };

static const struct scheme {
	uint16_t id;
	const char *name;
	enum sig_kind kind;
	int md_nid;		/* NID_undef for EdDSA */
	int curve_nid;		/* ECDSA */
} schemes[] = {
	{ PHD_SIG_RSA_PSS_RSAE_SHA256, "rsa_pss_rsae_sha256", K_RSAE, NID_sha256, 0 },
	{ PHD_SIG_RSA_PSS_RSAE_SHA384, "rsa_pss_rsae_sha384", K_RSAE, NID_sha384, 0 },
	{ PHD_SIG_RSA_PSS_RSAE_SHA512, "rsa_pss_rsae_sha512", K_RSAE, NID_sha512, 0 },
	{ PHD_SIG_RSA_PSS_PSS_SHA256, "rsa_pss_pss_sha256", K_PSS, NID_sha256, 0 },
	{ PHD_SIG_RSA_PSS_PSS_SHA384, "rsa_pss_pss_sha384", K_PSS, NID_sha384, 0 },
	{ PHD_SIG_RSA_PSS_PSS_SHA512, "rsa_pss_pss_sha512", K_PSS, NID_sha512, 0 },
	{ PHD_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_secp256r1_sha256", K_ECDSA,
	  NID_sha256, NID_X9_62_prime256v1 },
	{ PHD_SIG_ECDSA_SECP384R1_SHA384, "ecdsa_secp384r1_sha384", K_ECDSA,
	  NID_sha384, NID_secp384r1 },
	{ PHD_SIG_ECDSA_SECP521R1_SHA512, "ecdsa_secp521r1_sha512", K_ECDSA,
	  NID_sha512, NID_secp521r1 },
	{ PHD_SIG_ED25519, "ed25519", K_ED25519, NID_undef, 0 },
	{ PHD_SIG_ED448, "ed448", K_ED448, NID_undef, 0 },
	{ PHD_SIG_RSA_PKCS1_SHA256, "rsa_pkcs1_sha256", K_PKCS1, NID_sha256, 0 },
	{ PHD_SIG_RSA_PKCS1_SHA384, "rsa_pkcs1_sha384", K_PKCS1, NID_sha384, 0 },
	{ PHD_SIG_RSA_PKCS1_SHA512, "rsa_pkcs1_sha512", K_PKCS1, NID_sha512, 0 },
	{ 0x0201, "rsa_pkcs1_sha1", K_PKCS1, NID_sha1, 0 },
};

static const struct scheme *scheme_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(schemes); i++)
		if (schemes[i].id == id)
			return &schemes[i];
	return NULL;
}

const char *phd_pha_scheme_name(uint16_t id)
{
	const struct scheme *s = scheme_find(id);

	return s ? s->name : "unknown";
}

static int seterr(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int seterr(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* The first OpenSSL error of the queue, as text, and clear the queue. */
static const char *ossl_err(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (!e)
		snprintf(buf, len, "unknown OpenSSL error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

int phd_pha_hash_for_suite(uint16_t cipher_suite)
{
	switch (cipher_suite) {
	case 0x1301:	/* TLS_AES_128_GCM_SHA256 */
	case 0x1303:	/* TLS_CHACHA20_POLY1305_SHA256 */
	case 0x1304:	/* TLS_AES_128_CCM_SHA256 */
	case 0x1305:	/* TLS_AES_128_CCM_8_SHA256 */
		return PHD_PHA_SHA256;
	case 0x1302:	/* TLS_AES_256_GCM_SHA384 */
		return PHD_PHA_SHA384;
	}
	return -1;
}

static const EVP_MD *hash_md(enum phd_pha_hash h)
{
	switch (h) {
	case PHD_PHA_SHA256:
		return EVP_sha256();
	case PHD_PHA_SHA384:
		return EVP_sha384();
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* loading */

void phd_pha_free(struct phd_pha *p)
{
	if (!p)
		return;
	X509_free(p->leaf);
	sk_X509_pop_free(p->chain, X509_free);
	EVP_PKEY_free(p->key);
	X509_STORE_free(p->store);
	free(p);
}

static int load_chain(struct phd_pha *p, const char *path, char *err,
		      size_t errlen)
{
	char e[256];
	X509 *x;
	BIO *b;

	b = BIO_new_file(path, "r");
	if (!b)
		return seterr(err, errlen, -ENOENT, "%s: %s", path,
			      ossl_err(e, sizeof(e)));
	p->leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (!p->leaf) {
		BIO_free(b);
		return seterr(err, errlen, -EINVAL,
			      "%s: no PEM certificate: %s", path,
			      ossl_err(e, sizeof(e)));
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(p->chain, x)) {
			X509_free(x);
			BIO_free(b);
			return seterr(err, errlen, -ENOMEM, "%s: out of memory",
				      path);
		}
	}
	ERR_clear_error();	/* the end of the file */
	BIO_free(b);
	return 0;
}

static int load_key(struct phd_pha *p, const char *path, char *err,
		    size_t errlen)
{
	char e[256];
	BIO *b;

	b = BIO_new_file(path, "r");
	if (!b)
		return seterr(err, errlen, -ENOENT, "%s: %s", path,
			      ossl_err(e, sizeof(e)));
	p->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!p->key)
		return seterr(err, errlen, -EINVAL,
			      "%s: no PEM private key (an encrypted key is not supported): %s",
			      path, ossl_err(e, sizeof(e)));
	return 0;
}

struct phd_pha *phd_pha_new(const struct phd_pha_config *pc, char *err,
			    size_t errlen)
{
	struct phd_pha *p = calloc(1, sizeof(*p));
	char e[256];

	if (p) {
		p->chain = sk_X509_new_null();
		p->store = X509_STORE_new();
	}
	if (!p || !p->chain || !p->store) {
		seterr(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}
	if (!pc->certificate[0] != !pc->key[0]) {
		seterr(err, errlen, -EINVAL,
		       "[pha] certificate and key go together: %s is missing",
		       pc->certificate[0] ? "key" : "certificate");
		goto fail;
	}
	if (pc->certificate[0]) {
		if (load_chain(p, pc->certificate, err, errlen) ||
		    load_key(p, pc->key, err, errlen))
			goto fail;
		if (X509_check_private_key(p->leaf, p->key) != 1) {
			seterr(err, errlen, -EINVAL,
			       "%s: the key does not match the first certificate of %s: %s",
			       pc->key, pc->certificate, ossl_err(e, sizeof(e)));
			goto fail;
		}
	}
	if (pc->ca_file[0] && !X509_STORE_load_file(p->store, pc->ca_file)) {
		seterr(err, errlen, -EINVAL, "%s: cannot load CA certificates: %s",
		       pc->ca_file, ossl_err(e, sizeof(e)));
		goto fail;
	}
	if (pc->ca_dir[0] && !X509_STORE_load_path(p->store, pc->ca_dir)) {
		seterr(err, errlen, -EINVAL, "%s: cannot use as CA directory: %s",
		       pc->ca_dir, ossl_err(e, sizeof(e)));
		goto fail;
	}
	return p;
fail:
	phd_pha_free(p);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* peer rules */

static int addr_equal(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1)
		return !memcmp(x, y, 16);
	return !strcasecmp(a, b);
}

/* The index of the first rule matching the peer, or -1. */
static int peer_rule(const struct phd_pha_config *pc, const char *server_name,
		     const char *peer_addr, uint16_t peer_port)
{
	const struct phd_pha_rule *r;
	unsigned int i;

	for (i = 0; i < pc->nrules; i++) {
		r = &pc->rules[i];
		if (r->port && r->port != peer_port)
			continue;
		if (!strcmp(r->host, "*") ||
		    (server_name && server_name[0] &&
		     !strcasecmp(r->host, server_name)) ||
		    (peer_addr && addr_equal(r->host, peer_addr)))
			return (int)i;
	}
	return -1;
}

int phd_pha_peer_allowed(const struct phd_pha_config *pc,
			 const char *server_name, const char *peer_addr,
			 uint16_t peer_port)
{
	int i = peer_rule(pc, server_name, peer_addr, peer_port);

	return i >= 0 ? pc->rules[i].allow : !pc->decline;
}

/* ------------------------------------------------------------------ */
/* message framing */

struct rd {
	const uint8_t *p;
	size_t left;
};

static int rd_u8(struct rd *r, uint32_t *v)
{
	if (r->left < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

static int rd_u16(struct rd *r, uint32_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint32_t)r->p[0] << 8 | r->p[1];
	r->p += 2;
	r->left -= 2;
	return 0;
}

static int rd_u24(struct rd *r, uint32_t *v)
{
	if (r->left < 3)
		return -1;
	*v = (uint32_t)r->p[0] << 16 | (uint32_t)r->p[1] << 8 | r->p[2];
	r->p += 3;
	r->left -= 3;
	return 0;
}

/* Take @n bytes as a sub-reader. */
static int rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (r->left < n)
		return -1;
	sub->p = r->p;
	sub->left = n;
	r->p += n;
	r->left -= n;
	return 0;
}

/* A whole handshake message of type @type: its body. */
static int rd_msg(const uint8_t *msg, size_t len, uint8_t type,
		  struct rd *body)
{
	struct rd r = { msg, len };
	uint32_t t, n;

	if (rd_u8(&r, &t) || t != type || rd_u24(&r, &n) || n != r.left)
		return -1;
	*body = r;
	return 0;
}

static void put_u16(uint8_t *p, uint32_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_u24(uint8_t *p, uint32_t v)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
}

/*
 * The transcript must be whole handshake messages, the last one a
 * CertificateRequest: catches a mis-wired caller early.
 */
static int check_transcript(const uint8_t *t, size_t len, char *err,
			    size_t errlen)
{
	struct rd r = { t, len }, body;
	uint32_t type = 0, n;

	if (!t || !len)
		return seterr(err, errlen, -EINVAL, "empty transcript");
	while (r.left) {
		if (rd_u8(&r, &type) || rd_u24(&r, &n) ||
		    rd_sub(&r, n, &body))
			return seterr(err, errlen, -EINVAL,
				      "transcript: truncated handshake message at offset %zu",
				      len - r.left);
	}
	if (type != PHD_HS_CERTIFICATE_REQUEST)
		return seterr(err, errlen, -EINVAL,
			      "transcript: the last message is type %u, not a CertificateRequest",
			      type);
	return 0;
}

static int read_schemes(struct rd *ext, uint16_t *out, size_t *n,
			const char *what, char *err, size_t errlen)
{
	struct rd list;
	uint32_t len, v;

	if (rd_u16(ext, &len) || len < 2 || len % 2 ||
	    rd_sub(ext, len, &list) || ext->left)
		return seterr(err, errlen, -EINVAL, "%s: malformed", what);
	if (len / 2 > PHD_PHA_MAX_SCHEMES)
		return seterr(err, errlen, -EINVAL,
			      "%s: %u schemes, at most %d handled", what,
			      len / 2, PHD_PHA_MAX_SCHEMES);
	*n = 0;
	while (!rd_u16(&list, &v))
		out[(*n)++] = v;
	return 0;
}

int phd_pha_parse_request(const uint8_t *msg, size_t len,
			  struct phd_pha_request *req, char *err,
			  size_t errlen)
{
	struct rd r, exts, ext;
	uint32_t clen, elen, type, n;
	int have_sa = 0, have_sac = 0;

	memset(req, 0, sizeof(*req));
	if (rd_msg(msg, len, PHD_HS_CERTIFICATE_REQUEST, &r))
		return seterr(err, errlen, -EINVAL,
			      "not a whole CertificateRequest message");
	if (rd_u8(&r, &clen) || r.left < clen)
		return seterr(err, errlen, -EINVAL,
			      "CertificateRequest: truncated context");
	req->context = r.p;
	req->context_len = clen;
	r.p += clen;
	r.left -= clen;
	if (rd_u16(&r, &elen) || rd_sub(&r, elen, &exts) || r.left)
		return seterr(err, errlen, -EINVAL,
			      "CertificateRequest: malformed extensions");
	while (exts.left) {
		if (rd_u16(&exts, &type) || rd_u16(&exts, &n) ||
		    rd_sub(&exts, n, &ext))
			return seterr(err, errlen, -EINVAL,
				      "CertificateRequest: truncated extension");
		if (type == EXT_SIGNATURE_ALGORITHMS) {
			if (have_sa++)
				return seterr(err, errlen, -EINVAL,
					      "CertificateRequest: signature_algorithms twice");
			if (read_schemes(&ext, req->sigalgs, &req->n_sigalgs,
					 "signature_algorithms", err, errlen))
				return -EINVAL;
		} else if (type == EXT_SIGNATURE_ALGORITHMS_CERT) {
			if (have_sac++)
				return seterr(err, errlen, -EINVAL,
					      "CertificateRequest: signature_algorithms_cert twice");
			if (read_schemes(&ext, req->sigalgs_cert,
					 &req->n_sigalgs_cert,
					 "signature_algorithms_cert", err,
					 errlen))
				return -EINVAL;
		}
	}
	if (!have_sa)
		return seterr(err, errlen, -EINVAL,
			      "CertificateRequest without signature_algorithms");
	return 0;
}

/* ------------------------------------------------------------------ */
/* keys, schemes, signatures */

/* @key can produce (or be checked with) scheme @s in TLS 1.3. */
static int key_fits(EVP_PKEY *key, const struct scheme *s)
{
	const EVP_MD *md;
	char group[64];

	switch (s->kind) {
	case K_PKCS1:
		return 0;	/* never for a TLS 1.3 CertificateVerify */
	case K_RSAE:
	case K_PSS:
		if (!EVP_PKEY_is_a(key, s->kind == K_RSAE ? "RSA" : "RSA-PSS"))
			return 0;
		md = EVP_get_digestbynid(s->md_nid);
		/* PSS with salt = hash length: emLen >= 2 * hLen + 2 */
		return md && EVP_PKEY_get_size(key) >= 2 * EVP_MD_get_size(md) + 2;
	case K_ECDSA:
		if (!EVP_PKEY_is_a(key, "EC") ||
		    !EVP_PKEY_get_group_name(key, group, sizeof(group), NULL))
			return 0;
		return OBJ_txt2nid(group) == s->curve_nid;
	case K_ED25519:
		return EVP_PKEY_is_a(key, "ED25519");
	case K_ED448:
		return EVP_PKEY_is_a(key, "ED448");
	}
	return 0;
}

static int key_type_supported(EVP_PKEY *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(schemes); i++)
		if (key_fits(key, &schemes[i]))
			return 1;
	return 0;
}

/*
 * The content CertificateVerify signs: returns its length, 0 on failure.
 * @out holds CV_CONTENT_MAX bytes.
 */
static size_t cv_content(enum phd_pha_hash h, const uint8_t *transcript,
			 size_t transcript_len, const uint8_t *cert,
			 size_t cert_len, uint8_t *out)
{
	const EVP_MD *md = hash_md(h);
	size_t off = CV_PAD_LEN + sizeof(cv_client_label);
	unsigned int hlen = 0;
	EVP_MD_CTX *c;
	int ok;

	if (!md)
		return 0;
	c = EVP_MD_CTX_new();
	if (!c)
		return 0;
	memset(out, 0x20, CV_PAD_LEN);
	memcpy(out + CV_PAD_LEN, cv_client_label, sizeof(cv_client_label));
	ok = EVP_DigestInit_ex(c, md, NULL) &&
	     EVP_DigestUpdate(c, transcript, transcript_len) &&
	     EVP_DigestUpdate(c, cert, cert_len) &&
	     EVP_DigestFinal_ex(c, out + off, &hlen);
	EVP_MD_CTX_free(c);
	return ok ? off + hlen : 0;
}

/* Set up @c for signing or verifying with scheme @s. */
static int sig_init(EVP_MD_CTX *c, EVP_PKEY *key, const struct scheme *s,
		    int sign)
{
	const EVP_MD *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (s->md_nid != NID_undef) {
		md = EVP_get_digestbynid(s->md_nid);
		if (!md)
			return 0;
	}
	ok = sign ? EVP_DigestSignInit(c, &pctx, md, NULL, key) :
		    EVP_DigestVerifyInit(c, &pctx, md, NULL, key);
	if (ok != 1)
		return 0;
	if (s->kind == K_RSAE || s->kind == K_PSS)
		return EVP_PKEY_CTX_set_rsa_padding(pctx,
						    RSA_PKCS1_PSS_PADDING) > 0 &&
		       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0 &&
		       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
							RSA_PSS_SALTLEN_DIGEST) > 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* client role */

void phd_pha_answer_clear(struct phd_pha_answer *ans)
{
	free(ans->certificate);
	free(ans->certificate_verify);
	memset(ans, 0, sizeof(*ans));
}

/* The Certificate message: @chain NULL for the empty one. */
static int build_certificate(const struct phd_pha *p, int empty,
			     const uint8_t *ctx, size_t ctx_len,
			     struct phd_pha_answer *ans)
{
	unsigned char *der[1 + 16] = { NULL };
	int dlen[1 + 16] = { 0 };
	int n = 0, i, ret = -ENOMEM;
	size_t list = 0, body, off;
	uint8_t *m;

	if (!empty) {
		n = 1 + sk_X509_num(p->chain);
		if (n > (int)ARRAY_SIZE(der))
			return -E2BIG;
		for (i = 0; i < n; i++) {
			X509 *x = i ? sk_X509_value(p->chain, i - 1) : p->leaf;

			dlen[i] = i2d_X509(x, &der[i]);
			if (dlen[i] <= 0)
				goto out;
			list += 3 + (size_t)dlen[i] + 2;
		}
	}
	body = 1 + ctx_len + 3 + list;
	if (body >= 1 << 24) {
		ret = -E2BIG;
		goto out;
	}
	m = malloc(4 + body);
	if (!m)
		goto out;
	m[0] = PHD_HS_CERTIFICATE;
	put_u24(m + 1, body);
	m[4] = ctx_len;
	memcpy(m + 5, ctx, ctx_len);
	off = 5 + ctx_len;
	put_u24(m + off, list);
	off += 3;
	for (i = 0; i < n; i++) {
		put_u24(m + off, dlen[i]);
		memcpy(m + off + 3, der[i], dlen[i]);
		off += 3 + dlen[i];
		put_u16(m + off, 0);	/* no extensions */
		off += 2;
	}
	ans->certificate = m;
	ans->certificate_len = off;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		OPENSSL_free(der[i]);
	return ret;
}

/* The certificate's own signature as TLS schemes would name it. */
static int cert_sig_offered(X509 *x, const uint16_t *list, size_t n)
{
	int mdnid = NID_undef, pknid = NID_undef;
	const struct scheme *s;
	size_t i;

	if (!X509_get_signature_info(x, &mdnid, &pknid, NULL, NULL))
		return 0;
	for (i = 0; i < n; i++) {
		s = scheme_find(list[i]);
		if (!s)
			continue;
		switch (s->kind) {
		case K_PKCS1:
			if (pknid == EVP_PKEY_RSA && mdnid == s->md_nid)
				return 1;
			break;
		case K_RSAE:
		case K_PSS:
			if (pknid == EVP_PKEY_RSA_PSS && mdnid == s->md_nid)
				return 1;
			break;
		case K_ECDSA:
			if (pknid == EVP_PKEY_EC && mdnid == s->md_nid)
				return 1;
			break;
		case K_ED25519:
			if (pknid == EVP_PKEY_ED25519)
				return 1;
			break;
		case K_ED448:
			if (pknid == EVP_PKEY_ED448)
				return 1;
			break;
		}
	}
	return 0;
}

/*
 * RFC 8446 4.4.2.3: the chain's signatures should be among
 * signature_algorithms_cert (else signature_algorithms). Only a warning: the
 * server decides, and a self-signed certificate's signature is not checked.
 */
static void check_chain_sigalgs(const struct phd_pha *p,
				const struct phd_pha_answer_in *in,
				struct phd_pha_answer *ans)
{
	const uint16_t *list = in->n_sigalgs_cert ? in->sigalgs_cert :
						    in->sigalgs;
	size_t n = in->n_sigalgs_cert ? in->n_sigalgs_cert : in->n_sigalgs;
	char name[128];
	int i;

	for (i = 0; i <= sk_X509_num(p->chain); i++) {
		X509 *x = i ? sk_X509_value(p->chain, i - 1) : p->leaf;

		if (X509_check_issued(x, x) == X509_V_OK)
			continue;
		if (cert_sig_offered(x, list, n))
			continue;
		X509_NAME_oneline(X509_get_subject_name(x), name,
				  sizeof(name));
		snprintf(ans->reason, sizeof(ans->reason),
			 "certificate %d (%s) is signed with an algorithm the server did not list in %s; sending it anyway",
			 i, name, in->n_sigalgs_cert ?
			 "signature_algorithms_cert" : "signature_algorithms");
		log_warn("post-handshake auth: %s", ans->reason);
		return;
	}
}

static void peer_desc(const struct phd_pha_answer_in *in, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s%s%s%s port %u",
		 in->server_name && in->server_name[0] ? in->server_name : "",
		 in->server_name && in->server_name[0] ? " " : "",
		 in->peer_addr ? "address " : "",
		 in->peer_addr ? in->peer_addr : "", in->peer_port);
}

static int decline(const struct phd_pha_answer_in *in,
		   struct phd_pha_answer *ans, char *err, size_t errlen,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int decline(const struct phd_pha_answer_in *in,
		   struct phd_pha_answer *ans, char *err, size_t errlen,
		   const char *fmt, ...)
{
	char peer[384];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(ans->reason, sizeof(ans->reason), fmt, ap);
	va_end(ap);
	ans->declined = 1;
	ret = build_certificate(NULL, 1, in->context, in->context_len, ans);
	if (ret)
		return seterr(err, errlen, ret, "building the empty Certificate: %s",
			      strerror(-ret));
	peer_desc(in, peer, sizeof(peer));
	/* the caller logs the decision at info, with the event */
	log_debug("post-handshake auth: declining the CertificateRequest of %s: %s",
		  peer, ans->reason);
	return 0;
}

int phd_pha_answer(const struct phd_pha *p, const struct phd_pha_config *pc,
		   const struct phd_pha_answer_in *in,
		   struct phd_pha_answer *ans, char *err, size_t errlen)
{
	uint8_t content[CV_CONTENT_MAX], *m = NULL;
	const struct scheme *s = NULL;
	size_t clen, siglen = 0, i;
	EVP_MD_CTX *c = NULL;
	char e[256];
	int ret, rule;

	memset(ans, 0, sizeof(*ans));
	if (!hash_md(in->hash))
		return seterr(err, errlen, -EINVAL, "unknown hash %d", in->hash);
	if (in->context_len > 255 || (in->context_len && !in->context))
		return seterr(err, errlen, -EINVAL,
			      "certificate_request_context of %zu bytes",
			      in->context_len);
	if (!in->n_sigalgs || !in->sigalgs)
		return seterr(err, errlen, -EINVAL,
			      "no signature_algorithms in the request");
	ret = check_transcript(in->transcript, in->transcript_len, err,
			       errlen);
	if (ret)
		return ret;

	rule = peer_rule(pc, in->server_name, in->peer_addr, in->peer_port);
	if (rule >= 0 && !pc->rules[rule].allow)
		return decline(in, ans, err, errlen,
			       "decline_peer rule %d (%s%s%.0u) matches", rule + 1,
			       pc->rules[rule].host,
			       pc->rules[rule].port ? " port " : "",
			       pc->rules[rule].port);
	if (rule < 0 && pc->decline)
		return decline(in, ans, err, errlen,
			       "[pha] decline = yes and no allow_peer rule matches");
	if (!p || !p->leaf || !p->key)
		return decline(in, ans, err, errlen,
			       "no [pha] certificate and key configured");
	for (i = 0; i < in->n_sigalgs && !s; i++) {
		s = scheme_find(in->sigalgs[i]);
		if (s && !key_fits(p->key, s))
			s = NULL;
	}
	if (!s)
		return decline(in, ans, err, errlen,
			       "none of the %zu offered signature schemes fits the %s key",
			       in->n_sigalgs, EVP_PKEY_get0_type_name(p->key));

	ret = build_certificate(p, 0, in->context, in->context_len, ans);
	if (ret) {
		seterr(err, errlen, ret, "building the Certificate: %s",
		       strerror(-ret));
		goto fail;
	}
	check_chain_sigalgs(p, in, ans);
	clen = cv_content(in->hash, in->transcript, in->transcript_len,
			  ans->certificate, ans->certificate_len, content);
	c = EVP_MD_CTX_new();
	if (clen && c && sig_init(c, p->key, s, 1) &&
	    EVP_DigestSign(c, NULL, &siglen, content, clen) == 1)
		m = malloc(8 + siglen);
	if (!m || EVP_DigestSign(c, m + 8, &siglen, content, clen) != 1) {
		ret = seterr(err, errlen, -EIO, "signing with %s: %s", s->name,
			     ossl_err(e, sizeof(e)));
		goto fail;
	}
	m[0] = PHD_HS_CERTIFICATE_VERIFY;
	put_u24(m + 1, 4 + siglen);
	put_u16(m + 4, s->id);
	put_u16(m + 6, siglen);
	ans->certificate_verify = m;
	ans->certificate_verify_len = 8 + siglen;
	ans->scheme = s->id;
	EVP_MD_CTX_free(c);
	OPENSSL_cleanse(content, sizeof(content));
	return 0;
fail:
	free(m);
	EVP_MD_CTX_free(c);
	phd_pha_answer_clear(ans);
	return ret;
}

/* ------------------------------------------------------------------ */
/* server role */

const char *phd_pha_verdict_name(enum phd_pha_verdict v)
{
	static const char *const names[] = {
		[PHD_PHA_OK] = "ok",
		[PHD_PHA_NO_CERTIFICATE] = "no_certificate",
		[PHD_PHA_BAD_CERTIFICATE] = "bad_certificate",
		[PHD_PHA_UNSUPPORTED_CERTIFICATE] = "unsupported_certificate",
		[PHD_PHA_DECRYPT_ERROR] = "decrypt_error",
		[PHD_PHA_ILLEGAL_PARAMETER] = "illegal_parameter",
		[PHD_PHA_DECODE_ERROR] = "decode_error",
		[PHD_PHA_UNEXPECTED_MESSAGE] = "unexpected_message",
	};

	if ((unsigned int)v < ARRAY_SIZE(names))
		return names[v];
	return "unknown";
}

void phd_pha_result_clear(struct phd_pha_result *res)
{
	OPENSSL_free(res->leaf_der);
	memset(res, 0, sizeof(*res));
}

static int verdict(struct phd_pha_result *res, enum phd_pha_verdict v,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int verdict(struct phd_pha_result *res, enum phd_pha_verdict v,
		   const char *fmt, ...)
{
	static const uint8_t alerts[] = {
		[PHD_PHA_OK] = 0,
		[PHD_PHA_NO_CERTIFICATE] = 0,
		[PHD_PHA_BAD_CERTIFICATE] = PHD_ALERT_BAD_CERTIFICATE,
		[PHD_PHA_UNSUPPORTED_CERTIFICATE] = PHD_ALERT_UNSUPPORTED_CERT,
		[PHD_PHA_DECRYPT_ERROR] = PHD_ALERT_DECRYPT_ERROR,
		[PHD_PHA_ILLEGAL_PARAMETER] = PHD_ALERT_ILLEGAL_PARAMETER,
		[PHD_PHA_DECODE_ERROR] = PHD_ALERT_DECODE_ERROR,
		[PHD_PHA_UNEXPECTED_MESSAGE] = PHD_ALERT_UNEXPECTED_MESSAGE,
	};
	va_list ap;

	res->verdict = v;
	res->alert = alerts[v];
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
		va_end(ap);
	}
	return v;
}

/* Parse the client's Certificate into @leaf and @chain (rest, in order). */
static int parse_certificate(const struct phd_pha_verify_in *in, X509 **leaf,
			     struct stack_st_X509 *chain, struct phd_pha_result *res)
{
	struct rd r, list, cert, exts;
	uint32_t clen, llen, n, elen;
	const unsigned char *q;
	X509 *x;

	if (!in->certificate ||
	    rd_msg(in->certificate, in->certificate_len, PHD_HS_CERTIFICATE,
		   &r))
		return verdict(res, PHD_PHA_DECODE_ERROR,
			       "not a whole Certificate message");
	if (rd_u8(&r, &clen) || r.left < clen)
		return verdict(res, PHD_PHA_DECODE_ERROR,
			       "Certificate: truncated context");
	if (clen != in->context_len ||
	    (clen && memcmp(r.p, in->context, clen)))
		return verdict(res, PHD_PHA_ILLEGAL_PARAMETER,
			       "Certificate: certificate_request_context is not the request's");
	r.p += clen;
	r.left -= clen;
	if (rd_u24(&r, &llen) || rd_sub(&r, llen, &list) || r.left)
		return verdict(res, PHD_PHA_DECODE_ERROR,
			       "Certificate: malformed certificate_list");
	while (list.left) {
		if (rd_u24(&list, &n) || !n || rd_sub(&list, n, &cert) ||
		    rd_u16(&list, &elen) || rd_sub(&list, elen, &exts))
			return verdict(res, PHD_PHA_DECODE_ERROR,
				       "Certificate: malformed CertificateEntry");
		q = cert.p;
		x = d2i_X509(NULL, &q, n);
		if (!x || q != cert.p + n) {
			X509_free(x);
			ERR_clear_error();
			return verdict(res, PHD_PHA_BAD_CERTIFICATE,
				       "Certificate: entry %d is not a DER X.509 certificate",
				       *leaf ? sk_X509_num(chain) + 1 : 0);
		}
		if (!*leaf) {
			*leaf = x;
		} else if (!sk_X509_push(chain, x)) {
			X509_free(x);
			return -ENOMEM;
		}
	}
	return PHD_PHA_OK;
}

static int parse_cv(const struct phd_pha_verify_in *in, uint32_t *scheme,
		    struct rd *sig, struct phd_pha_result *res)
{
	struct rd r;
	uint32_t n;

	if (rd_msg(in->certificate_verify, in->certificate_verify_len,
		   PHD_HS_CERTIFICATE_VERIFY, &r) ||
	    rd_u16(&r, scheme) || rd_u16(&r, &n) || !n ||
	    rd_sub(&r, n, sig) || r.left)
		return verdict(res, PHD_PHA_DECODE_ERROR,
			       "malformed CertificateVerify message");
	return PHD_PHA_OK;
}

static int check_chain(const struct phd_pha *p, X509 *leaf,
		       struct stack_st_X509 *chain, struct phd_pha_result *res)
{
	X509_STORE_CTX *sc = X509_STORE_CTX_new();
	int ok, e;

	if (!sc)
		return -ENOMEM;
	if (!p || !p->store ||
	    !X509_STORE_CTX_init(sc, p->store, leaf, chain) ||
	    !X509_STORE_CTX_set_purpose(sc, X509_PURPOSE_SSL_CLIENT)) {
		X509_STORE_CTX_free(sc);
		ERR_clear_error();
		return p && p->store ? -EIO : verdict(res, PHD_PHA_BAD_CERTIFICATE,
					  "no trust store");
	}
	ok = X509_verify_cert(sc);
	e = X509_STORE_CTX_get_error(sc);
	X509_STORE_CTX_free(sc);
	ERR_clear_error();
	if (ok == 1)
		return PHD_PHA_OK;
	if (e == X509_V_ERR_INVALID_PURPOSE)
		return verdict(res, PHD_PHA_UNSUPPORTED_CERTIFICATE,
			       "certificate not for TLS client authentication: %s",
			       X509_verify_cert_error_string(e));
	return verdict(res, PHD_PHA_BAD_CERTIFICATE,
		       "certificate chain does not verify: %s",
		       X509_verify_cert_error_string(e));
}

int phd_pha_verify(const struct phd_pha *p, const struct phd_pha_config *pc,
		   const struct phd_pha_verify_in *in,
		   struct phd_pha_result *res)
{
	struct stack_st_X509 *chain = sk_X509_new_null();
	uint8_t content[CV_CONTENT_MAX];
	const struct scheme *s;
	EVP_MD_CTX *c = NULL;
	X509 *leaf = NULL;
	EVP_PKEY *key;
	uint32_t scheme = 0;
	struct rd sig = { NULL, 0 };
	size_t clen, i;
	char e[256];
	int ret;

	memset(res, 0, sizeof(*res));
	if (!chain)
		return -ENOMEM;
	if (!hash_md(in->hash) ||
	    check_transcript(in->transcript, in->transcript_len, res->reason,
			     sizeof(res->reason))) {
		ret = -EINVAL;
		goto out;
	}
	ret = parse_certificate(in, &leaf, chain, res);
	if (ret)
		goto out;
	if (!leaf) {
		if (in->certificate_verify) {
			ret = verdict(res, PHD_PHA_UNEXPECTED_MESSAGE,
				      "CertificateVerify after an empty Certificate");
			goto out;
		}
		ret = verdict(res, PHD_PHA_NO_CERTIFICATE,
			      "the client declined (empty Certificate)");
		if (pc->require_certificate)
			res->alert = PHD_ALERT_CERTIFICATE_REQUIRED;
		goto out;
	}
	ret = i2d_X509(leaf, &res->leaf_der);
	if (ret <= 0) {
		res->leaf_der = NULL;
		ret = -ENOMEM;
		goto out;
	}
	res->leaf_der_len = ret;
	{
		BIO *b = BIO_new(BIO_s_mem());
		int n;

		if (b && X509_NAME_print_ex(b, X509_get_subject_name(leaf), 0,
					    XN_FLAG_RFC2253) >= 0) {
			n = BIO_read(b, res->subject, sizeof(res->subject) - 1);
			res->subject[n > 0 ? n : 0] = '\0';
		}
		BIO_free(b);
	}
	if (!in->certificate_verify) {
		ret = verdict(res, PHD_PHA_UNEXPECTED_MESSAGE,
			      "a certificate without CertificateVerify");
		goto out;
	}
	ret = parse_cv(in, &scheme, &sig, res);
	if (ret)
		goto out;
	res->scheme = scheme;
	key = X509_get0_pubkey(leaf);
	if (!key || !key_type_supported(key)) {
		ret = verdict(res, PHD_PHA_UNSUPPORTED_CERTIFICATE,
			      "the certificate's %s key is not usable for TLS 1.3 signatures",
			      key ? EVP_PKEY_get0_type_name(key) : "unreadable");
		goto out;
	}
	for (i = 0; i < in->n_sigalgs; i++)
		if (in->sigalgs[i] == scheme)
			break;
	if (i == in->n_sigalgs) {
		ret = verdict(res, PHD_PHA_ILLEGAL_PARAMETER,
			      "CertificateVerify scheme 0x%04x (%s) was not offered",
			      scheme, phd_pha_scheme_name(scheme));
		goto out;
	}
	s = scheme_find(scheme);
	if (!s || !key_fits(key, s)) {
		ret = verdict(res, PHD_PHA_ILLEGAL_PARAMETER,
			      "CertificateVerify scheme 0x%04x (%s) does not fit the certificate's %s key",
			      scheme, phd_pha_scheme_name(scheme),
			      EVP_PKEY_get0_type_name(key));
		goto out;
	}
	ret = check_chain(p, leaf, chain, res);
	if (ret)
		goto out;
	clen = cv_content(in->hash, in->transcript, in->transcript_len,
			  in->certificate, in->certificate_len, content);
	c = EVP_MD_CTX_new();
	if (!clen || !c || !sig_init(c, key, s, 0)) {
		snprintf(res->reason, sizeof(res->reason), "%s",
			 ossl_err(e, sizeof(e)));
		ret = -EIO;
		goto out;
	}
	if (EVP_DigestVerify(c, sig.p, sig.left, content, clen) != 1) {
		ERR_clear_error();
		ret = verdict(res, PHD_PHA_DECRYPT_ERROR,
			      "CertificateVerify signature (%s) does not verify",
			      s->name);
		goto out;
	}
	ret = verdict(res, PHD_PHA_OK, NULL);
out:
	EVP_MD_CTX_free(c);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	return ret;
}
