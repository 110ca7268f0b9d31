// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ktls-phd's post-handshake authentication (daemon/pha.c)
 * and its [pha] configuration keys. Keys and certificates are generated at
 * test time with OpenSSL (a root CA, an intermediate, leaves with RSA 2048,
 * ECDSA P-256 and P-384 and Ed25519 keys, and the odd ones out); the
 * transcript is synthetic, except in the last part where a real OpenSSL
 * TLS 1.3 server asks a real OpenSSL client for a certificate after the
 * handshake and phd_pha_verify() checks what the client sent, and
 * phd_pha_answer() must reproduce the client's Certificate (and, with
 * deterministic Ed25519, its CertificateVerify) byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tap.h"
#include "config.h"
#include "log.h"
#include "pha.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char dir[64] = "/tmp/test_pha.XXXXXX";

/* ------------------------------------------------------------------ */
/* keys and certificates */

static EVP_PKEY *gen_key(const char *type)
{
	EVP_PKEY_CTX *c;
	EVP_PKEY *k = NULL;

	if (!strcmp(type, "RSA")) {
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	} else if (!strcmp(type, "RSA-PSS")) {
		c = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
		if (!c || EVP_PKEY_keygen_init(c) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_keygen_bits(c, 2048) <= 0 ||
		    EVP_PKEY_keygen(c, &k) <= 0)
			k = NULL;
		EVP_PKEY_CTX_free(c);
	} else if (!strncmp(type, "P-", 2)) {
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", type);
	} else {
		k = EVP_PKEY_Q_keygen(NULL, NULL, type);
	}
	if (!k) {
		fprintf(stderr, "keygen %s failed\n", type);
		exit(1);
	}
	return k;
}

enum { LEAF_CLIENT, LEAF_SERVER_ONLY, CA };

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *issuer_key, int kind)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	const char *exts[3][2];
	const EVP_MD *md;
	int i, n = 0;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
					 X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	if (kind == CA) {
		exts[n][0] = "basicConstraints";
		exts[n++][1] = "critical,CA:TRUE";
		exts[n][0] = "keyUsage";
		exts[n++][1] = "critical,keyCertSign,cRLSign";
	} else {
		exts[n][0] = "keyUsage";
		exts[n++][1] = "critical,digitalSignature";
		exts[n][0] = "extendedKeyUsage";
		exts[n++][1] = kind == LEAF_CLIENT ? "clientAuth,serverAuth" :
						    "serverAuth";
	}
	for (i = 0; i < n; i++) {
		ext = X509V3_EXT_nconf(NULL, &v3, exts[i][0], exts[i][1]);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	issuer_key = issuer_key ? issuer_key : key;
	md = EVP_PKEY_is_a(issuer_key, "ED25519") ||
	     EVP_PKEY_is_a(issuer_key, "ED448") ? NULL : EVP_sha256();
	if (!X509_sign(x, issuer_key, md)) {
		fprintf(stderr, "X509_sign failed\n");
		exit(1);
	}
	return x;
}

static void write_pem(const char *name, X509 *a, X509 *b, EVP_PKEY *k,
		      char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		exit(1);
	if (a)
		PEM_write_X509(f, a);
	if (b)
		PEM_write_X509(f, b);
	if (k)
		PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

struct ident {
	const char *type;
	EVP_PKEY *key;
	X509 *leaf;
	struct phd_pha_config pc;
	struct phd_pha *p;
};

static EVP_PKEY *root_key, *int_key;
static X509 *root, *inter;
static char ca_path[PATH_MAX];

/* A leaf of @type under the intermediate; chain file = leaf + intermediate. */
static void make_ident(struct ident *id, const char *type, int kind)
{
	char err[512], name[64];

	id->type = type;
	id->key = gen_key(type);
	snprintf(name, sizeof(name), "client %s", type);
	id->leaf = make_cert(name, id->key, inter, int_key, kind);
	memset(&id->pc, 0, sizeof(id->pc));
	snprintf(name, sizeof(name), "%s-%d-chain.pem", type, kind);
	write_pem(name, id->leaf, inter, NULL, id->pc.certificate,
		  sizeof(id->pc.certificate));
	snprintf(name, sizeof(name), "%s-%d-key.pem", type, kind);
	write_pem(name, NULL, NULL, id->key, id->pc.key, sizeof(id->pc.key));
	snprintf(id->pc.ca_file, sizeof(id->pc.ca_file), "%s", ca_path);
	id->p = phd_pha_new(&id->pc, err, sizeof(err));
	if (!id->p) {
		fprintf(stderr, "phd_pha_new %s: %s\n", type, err);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* synthetic transcript */

static uint8_t transcript[4096];
static size_t transcript_len;
static uint8_t context[32];

static size_t put_msg(uint8_t *p, uint8_t type, const uint8_t *body,
		      size_t len)
{
	p[0] = type;
	p[1] = len >> 16;
	p[2] = len >> 8;
	p[3] = len;
	if (body)
		memcpy(p + 4, body, len);
	else
		RAND_bytes(p + 4, len);
	return 4 + len;
}

/* A CertificateRequest body: context, signature_algorithms[, _cert]. */
static size_t cert_request(uint8_t *m, const uint8_t *ctx, size_t ctx_len,
			   const uint16_t *sa, size_t nsa,
			   const uint16_t *sac, size_t nsac)
{
	uint8_t b[512];
	size_t off = 0, ext_at, i;

	b[off++] = ctx_len;
	memcpy(b + off, ctx, ctx_len);
	off += ctx_len;
	ext_at = off;
	off += 2;
	b[off++] = 0;
	b[off++] = 13;
	b[off++] = (2 + 2 * nsa) >> 8;
	b[off++] = 2 + 2 * nsa;
	b[off++] = (2 * nsa) >> 8;
	b[off++] = 2 * nsa;
	for (i = 0; i < nsa; i++) {
		b[off++] = sa[i] >> 8;
		b[off++] = sa[i];
	}
	if (nsac) {
		b[off++] = 0;
		b[off++] = 50;
		b[off++] = (2 + 2 * nsac) >> 8;
		b[off++] = 2 + 2 * nsac;
		b[off++] = (2 * nsac) >> 8;
		b[off++] = 2 * nsac;
		for (i = 0; i < nsac; i++) {
			b[off++] = sac[i] >> 8;
			b[off++] = sac[i];
		}
	}
	b[ext_at] = (off - ext_at - 2) >> 8;
	b[ext_at + 1] = off - ext_at - 2;
	return put_msg(m, PHD_HS_CERTIFICATE_REQUEST, b, off);
}

static size_t main_handshake_len;

static void make_main_handshake(void)
{
	static const struct { uint8_t type; size_t len; } msgs[] = {
		{ 1, 200 }, { 2, 90 }, { 8, 10 }, { 11, 400 }, { 15, 72 },
		{ 20, 32 }, { 20, 32 },
	};
	size_t i;

	transcript_len = 0;
	for (i = 0; i < ARRAY_SIZE(msgs); i++)
		transcript_len += put_msg(transcript + transcript_len,
					  msgs[i].type, NULL, msgs[i].len);
	main_handshake_len = transcript_len;
	RAND_bytes(context, sizeof(context));
}

/* Transcript = main handshake + a CertificateRequest offering @sa. */
static void set_request(const uint16_t *sa, size_t nsa, const uint16_t *sac,
			size_t nsac)
{
	transcript_len = main_handshake_len +
		cert_request(transcript + main_handshake_len, context,
			     sizeof(context), sa, nsa, sac, nsac);
}

/* ------------------------------------------------------------------ */
/* an independent CertificateVerify check and signer */

static size_t content(const EVP_MD *md, const uint8_t *t, size_t tlen,
		      const uint8_t *cert, size_t clen, uint8_t *out)
{
	static const char label[] = "TLS 1.3, client CertificateVerify";
	uint8_t *buf = malloc(tlen + clen);
	unsigned int hlen;

	memcpy(buf, t, tlen);
	memcpy(buf + tlen, cert, clen);
	memset(out, ' ', 64);
	memcpy(out + 64, label, sizeof(label));	/* with the 0 byte */
	EVP_Digest(buf, tlen + clen, out + 64 + sizeof(label), &hlen, md,
		   NULL);
	free(buf);
	return 64 + sizeof(label) + hlen;
}

static const EVP_MD *scheme_md(uint16_t s)
{
	switch (s) {
	case 0x0403: case 0x0804: case 0x0809:
		return EVP_sha256();
	case 0x0503: case 0x0805: case 0x080a:
		return EVP_sha384();
	case 0x0603: case 0x0806: case 0x080b:
		return EVP_sha512();
	}
	return NULL;
}

static int pkey_op(EVP_PKEY *k, uint16_t scheme, int sign, const uint8_t *c,
		   size_t clen, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok;

	ok = sign ? EVP_DigestSignInit(m, &pc, scheme_md(scheme), NULL, k) :
		    EVP_DigestVerifyInit(m, &pc, scheme_md(scheme), NULL, k);
	if (ok == 1 && (scheme >> 8) == 0x08 && scheme != 0x0807 &&
	    scheme != 0x0808)
		ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) > 0 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) > 0;
	if (ok == 1)
		ok = sign ? EVP_DigestSign(m, sig, siglen, c, clen) :
			    EVP_DigestVerify(m, sig, *siglen, c, clen);
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	return ok == 1;
}

/* Check the answer's CertificateVerify with our own content and EVP. */
static int cv_independent_ok(const struct phd_pha_answer *a, EVP_PKEY *k,
			     const EVP_MD *th)
{
	uint8_t c[256];
	size_t clen, siglen;
	const uint8_t *cv = a->certificate_verify;
	uint16_t scheme;

	if (!cv || a->certificate_verify_len < 8 || cv[0] != 15)
		return 0;
	scheme = cv[4] << 8 | cv[5];
	siglen = cv[6] << 8 | cv[7];
	if (8 + siglen != a->certificate_verify_len ||
	    ((size_t)cv[1] << 16 | cv[2] << 8 | cv[3]) != 4 + siglen)
		return 0;
	clen = content(th, transcript, transcript_len, a->certificate,
		       a->certificate_len, c);
	return pkey_op(k, scheme, 0, c, clen, (uint8_t *)cv + 8, &siglen);
}

/* A CertificateVerify message signed by @k over the right content. */
static size_t forge_cv(EVP_PKEY *k, uint16_t scheme, const EVP_MD *th,
		       const uint8_t *cert, size_t cert_len, uint8_t *out)
{
	uint8_t c[256];
	size_t clen, siglen = 1024;

	clen = content(th, transcript, transcript_len, cert, cert_len, c);
	if (!pkey_op(k, scheme, 1, c, clen, out + 8, &siglen))
		return 0;
	out[0] = 15;
	out[1] = 0;
	out[2] = (4 + siglen) >> 8;
	out[3] = 4 + siglen;
	out[4] = scheme >> 8;
	out[5] = scheme;
	out[6] = siglen >> 8;
	out[7] = siglen;
	return 8 + siglen;
}

/* ------------------------------------------------------------------ */

static void answer_in(struct phd_pha_answer_in *in, enum phd_pha_hash h,
		      const uint16_t *sa, size_t nsa)
{
	memset(in, 0, sizeof(*in));
	in->transcript = transcript;
	in->transcript_len = transcript_len;
	in->hash = h;
	in->context = context;
	in->context_len = sizeof(context);
	in->sigalgs = sa;
	in->n_sigalgs = nsa;
	in->server_name = "server.example";
	in->peer_addr = "192.0.2.1";
	in->peer_port = 443;
}

static void verify_in(struct phd_pha_verify_in *v, enum phd_pha_hash h,
		      const uint16_t *sa, size_t nsa,
		      const struct phd_pha_answer *a)
{
	memset(v, 0, sizeof(*v));
	v->transcript = transcript;
	v->transcript_len = transcript_len;
	v->hash = h;
	v->context = context;
	v->context_len = sizeof(context);
	v->sigalgs = sa;
	v->n_sigalgs = nsa;
	v->certificate = a->certificate;
	v->certificate_len = a->certificate_len;
	v->certificate_verify = a->certificate_verify;
	v->certificate_verify_len = a->certificate_verify_len;
}

/* The trust store side of verification: the CA file only. */
static struct phd_pha *verifier(const char *ca, int require)
{
	struct phd_pha_config pc;
	struct phd_pha *p;
	char err[512];

	memset(&pc, 0, sizeof(pc));
	snprintf(pc.ca_file, sizeof(pc.ca_file), "%s", ca);
	pc.require_certificate = require;
	p = phd_pha_new(&pc, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "%s: %s\n", __func__, err);
		exit(1);
	}
	return p;
}

static struct phd_pha_config vpc, vpc_req;	/* require_certificate 0/1 */
static struct phd_pha *ids_verifier;

static int is_empty_certificate(const struct phd_pha_answer *a)
{
	const uint8_t *m = a->certificate;

	return m && a->certificate_len == 4 + 1 + sizeof(context) + 3 &&
	       m[0] == 11 && m[1] == 0 && m[2] == 0 &&
	       m[3] == 1 + sizeof(context) + 3 && m[4] == sizeof(context) &&
	       !memcmp(m + 5, context, sizeof(context)) &&
	       !m[5 + sizeof(context)] && !m[6 + sizeof(context)] &&
	       !m[7 + sizeof(context)] && !a->certificate_verify;
}

/* The Certificate: context echoed, leaf then intermediate, no extensions. */
static int certificate_ok(const struct phd_pha_answer *a, X509 *leaf)
{
	unsigned char *l = NULL, *i = NULL;
	int ll = i2d_X509(leaf, &l), il = i2d_X509(inter, &i);
	const uint8_t *m = a->certificate;
	size_t list = 3 + ll + 2 + 3 + il + 2, off = 5 + sizeof(context);
	int ok;

	ok = a->certificate_len == off + 3 + list && m[0] == 11 &&
	     ((size_t)m[1] << 16 | m[2] << 8 | m[3]) == a->certificate_len - 4 &&
	     m[4] == sizeof(context) && !memcmp(m + 5, context, sizeof(context)) &&
	     ((size_t)m[off] << 16 | m[off + 1] << 8 | m[off + 2]) == list;
	off += 3;
	ok = ok && ((m[off] << 16 | m[off + 1] << 8 | m[off + 2]) == ll) &&
	     !memcmp(m + off + 3, l, ll) && !m[off + 3 + ll] &&
	     !m[off + 4 + ll];
	off += 3 + ll + 2;
	ok = ok && ((m[off] << 16 | m[off + 1] << 8 | m[off + 2]) == il) &&
	     !memcmp(m + off + 3, i, il) && !m[off + 3 + il] &&
	     !m[off + 4 + il];
	OPENSSL_free(l);
	OPENSSL_free(i);
	return ok;
}

/* ------------------------------------------------------------------ */

static void test_config(void)
{
	static const char good[] =
		"[pha]\n"
		"certificate = /etc/ktls-phd/chain.pem\n"
		"key = /etc/ktls-phd/key.pem\n"
		"decline = yes\n"
		"allow_peer = server.example\n"
		"decline_peer = [2001:db8::1]:443\n"
		"allow_peer = 192.0.2.7:8443\n"
		"decline_peer = 2001:db8::2\n"
		"allow_peer = *\n"
		"ca_file = /etc/ssl/certs/ca-certificates.crt\n"
		"ca_dir = /etc/ssl/certs\n"
		"require_certificate = on\n";
	static const struct { const char *text, *want; } bad[] = {
		{ "[pha]\ncertificate = chain.pem\n",
		  "test.conf:2: [pha] certificate must be an absolute path, not 'chain.pem'" },
		{ "[pha]\nkey = k\n", "test.conf:2: [pha] key must be an absolute path" },
		{ "[pha]\nca_file = x\n", "test.conf:2: [pha] ca_file must be an absolute path" },
		{ "[pha]\nca_dir = x\n", "test.conf:2: [pha] ca_dir must be an absolute path" },
		{ "[pha]\ndecline = maybe\n",
		  "test.conf:2: [pha] decline must be yes or no, not 'maybe'" },
		{ "[pha]\n\nrequire_certificate = 2\n",
		  "test.conf:3: [pha] require_certificate must be yes or no" },
		{ "[pha]\nallow_peer = host:0\n",
		  "test.conf:2: [pha] allow_peer: peer 'host:0': port must be" },
		{ "[pha]\ndecline_peer = host:65536\n", "port must be a number" },
		{ "[pha]\nallow_peer = host:\n", "port must be a number" },
		{ "[pha]\nallow_peer = :443\n", "bad host length" },
		{ "[pha]\nallow_peer = [::1\n", "is not HOST[:PORT] or [IPV6]:PORT" },
		{ "[pha]\nallow_peer = [::1]443\n", "is not HOST[:PORT]" },
		{ "[pha]\nallow_peer = [::1]:\n", "is not HOST[:PORT]" },
		{ "[pha]\nallow_peer = [host]:1\n", "brackets are for IPv6" },
		{ "[pha]\nallow_peer = ho/st\n", "bad character" },
		{ "[pha]\nallow_peer = a*\n", "bad character" },
		{ "[pha]\ndecline = no\ndecline = yes\n",
		  "test.conf:3: 'decline' given twice in [pha] (first on line 2)" },
		{ "[pha]\nkey = /k\nkey = /k\n", "'key' given twice" },
		{ "[pha]\ncert = /x\n", "test.conf:2: unknown key 'cert' in [pha]" },
	};
	struct phd_config *c = malloc(sizeof(*c));
	char err[512], big[8192];
	struct phd_pha_rule r;
	FILE *f;
	size_t i, off;
	int ret;

	phd_config_defaults(c);
	ok(!c->pha.certificate[0] && !c->pha.key[0] && !c->pha.decline &&
	   !c->pha.nrules && !c->pha.ca_file[0] && !c->pha.ca_dir[0] &&
	   !c->pha.require_certificate, "config: [pha] defaults");
	f = fmemopen((void *)good, strlen(good), "r");
	ret = phd_config_parse(c, f, "test.conf", err, sizeof(err));
	fclose(f);
	ok(!ret, "config: every [pha] key parses (%s)", ret ? err : "");
	ok(!strcmp(c->pha.certificate, "/etc/ktls-phd/chain.pem") &&
	   !strcmp(c->pha.key, "/etc/ktls-phd/key.pem") &&
	   !strcmp(c->pha.ca_file, "/etc/ssl/certs/ca-certificates.crt") &&
	   !strcmp(c->pha.ca_dir, "/etc/ssl/certs"), "config: paths");
	ok(c->pha.decline == 1 && c->pha.require_certificate == 1,
	   "config: booleans");
	ok(c->pha.nrules == 5 &&
	   !strcmp(c->pha.rules[0].host, "server.example") &&
	   !c->pha.rules[0].port && c->pha.rules[0].allow &&
	   !strcmp(c->pha.rules[1].host, "2001:db8::1") &&
	   c->pha.rules[1].port == 443 && !c->pha.rules[1].allow &&
	   !strcmp(c->pha.rules[2].host, "192.0.2.7") &&
	   c->pha.rules[2].port == 8443 &&
	   !strcmp(c->pha.rules[3].host, "2001:db8::2") &&
	   !c->pha.rules[3].port && !c->pha.rules[3].allow &&
	   !strcmp(c->pha.rules[4].host, "*") && c->pha.rules[4].allow,
	   "config: peer rules in file order, repeatable, IPv6 forms");

	/* rule matching: first match wins, else decline */
	ok(phd_pha_peer_allowed(&c->pha, "SERVER.example", "2001:db8::1", 443),
	   "rules: server name matches without case before the address rule");
	ok(!phd_pha_peer_allowed(&c->pha, NULL, "2001:0db8:0:0::1", 443),
	   "rules: IPv6 address matched in another spelling, with port");
	ok(phd_pha_peer_allowed(&c->pha, NULL, "2001:db8::1", 444),
	   "rules: other port falls through to '*'");
	ok(!phd_pha_peer_allowed(&c->pha, "", "2001:db8::2", 1),
	   "rules: decline_peer without port");
	c->pha.nrules = 3;
	ok(phd_pha_peer_allowed(&c->pha, NULL, "192.0.2.7", 8443) &&
	   !phd_pha_peer_allowed(&c->pha, NULL, "192.0.2.7", 8444) &&
	   !phd_pha_peer_allowed(&c->pha, "other.example", "192.0.2.8", 1),
	   "rules: no match -> decline = yes");
	c->pha.decline = 0;
	ok(phd_pha_peer_allowed(&c->pha, "other.example", NULL, 1),
	   "rules: no match -> decline = no");

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		phd_config_defaults(c);
		f = fmemopen((void *)bad[i].text, strlen(bad[i].text), "r");
		ret = phd_config_parse(c, f, "test.conf", err, sizeof(err));
		fclose(f);
		ok(ret == -EINVAL && strstr(err, bad[i].want),
		   "config: rejected \"%s\" (%s)", bad[i].want, err);
	}
	off = snprintf(big, sizeof(big), "[pha]\n");
	for (i = 0; i <= PHD_PHA_MAX_RULES; i++)
		off += snprintf(big + off, sizeof(big) - off,
				"allow_peer = h%zu\n", i);
	phd_config_defaults(c);
	f = fmemopen(big, off, "r");
	ret = phd_config_parse(c, f, "test.conf", err, sizeof(err));
	fclose(f);
	ok(ret == -EINVAL && strstr(err, "test.conf:66: [pha] too many"),
	   "config: rule %d rejected (%s)", PHD_PHA_MAX_RULES + 1, err);
	phd_config_defaults(c);
	ok(!phd_config_set(c, "pha", "allow_peer", "x.example:1", err,
			   sizeof(err)) && c->pha.nrules == 1 &&
	   c->pha.rules[0].port == 1, "config: set allow_peer");
	ok(!phd_pha_rule_parse(&r, "::1", err, sizeof(err)) &&
	   !strcmp(r.host, "::1") && !r.port, "rule: bare IPv6 address");
	free(c);
}

static void test_load_errors(struct ident *rsa, struct ident *p256)
{
	struct phd_pha_config pc;
	struct phd_pha *p;
	char err[512];

	memset(&pc, 0, sizeof(pc));
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!!p, "load: nothing configured is fine");
	phd_pha_free(p);

	snprintf(pc.certificate, sizeof(pc.certificate), "%s",
		 rsa->pc.certificate);
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!p && strstr(err, "certificate and key go together: key is missing"),
	   "load: certificate without key (%s)", err);
	snprintf(pc.key, sizeof(pc.key), "%s", p256->pc.key);
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!p && strstr(err, "the key does not match the first certificate") &&
	   strstr(err, p256->pc.key), "load: key of another certificate (%.120s)",
	   err);
	snprintf(pc.key, sizeof(pc.key), "%s/nonexistent.pem", dir);
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!p && strstr(err, "nonexistent.pem"), "load: missing key file (%.100s)",
	   err);
	snprintf(pc.key, sizeof(pc.key), "%s", rsa->pc.certificate);
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!p && strstr(err, "no PEM private key"),
	   "load: a certificate as key (%.100s)", err);
	memset(&pc, 0, sizeof(pc));
	snprintf(pc.ca_file, sizeof(pc.ca_file), "%s/nonexistent-ca.pem", dir);
	p = phd_pha_new(&pc, err, sizeof(err));
	ok(!p && strstr(err, "cannot load CA certificates"),
	   "load: missing ca_file (%.100s)", err);
}

/* Answer, check independently, verify: for each key and offered list. */
static void test_round_trips(struct ident *ids, size_t nids,
			     struct phd_pha *v)
{
	static const uint16_t all[] = { 0x0403, 0x0503, 0x0603, 0x0804,
					0x0805, 0x0806, 0x0807, 0x0808,
					0x0809, 0x0401 };
	static const uint16_t rev[] = { 0x0401, 0x0501, 0x0808, 0x0807,
					0x0806, 0x0503, 0x0403 };
	static const uint16_t rsa384[] = { 0x0601, 0x0805 };
	static const struct {
		const uint16_t *sa;
		size_t n;
		const char *name;
		uint16_t want[4];	/* RSA, P-256, P-384, Ed25519 */
	} lists[] = {
		{ all, ARRAY_SIZE(all), "all", { 0x0804, 0x0403, 0x0503, 0x0807 } },
		{ rev, ARRAY_SIZE(rev), "reversed", { 0x0806, 0x0403, 0x0503, 0x0807 } },
		{ rsa384, ARRAY_SIZE(rsa384), "pkcs1+pss384", { 0x0805, 0, 0, 0 } },
	};
	static const uint16_t pss_cert[] = { 0x0804 };
	struct phd_pha_answer a;
	struct phd_pha_answer_in in;
	struct phd_pha_verify_in vin;
	struct phd_pha_result res;
	unsigned char *der = NULL;
	size_t i, l, k;
	int h, ret, dl;

	/* every hash x offered list x key */
	for (k = 0; k < 2 * ARRAY_SIZE(lists) * nids; k++) {
		const char *tag;
		uint16_t want;

		h = PHD_PHA_SHA256 + (int)(k / (ARRAY_SIZE(lists) * nids));
		l = k / nids % ARRAY_SIZE(lists);
		i = k % nids;
		tag = h == PHD_PHA_SHA256 ? "sha256" : "sha384";
		want = lists[l].want[i];

		set_request(lists[l].sa, lists[l].n, NULL, 0);
		answer_in(&in, h, lists[l].sa, lists[l].n);
		ret = phd_pha_answer(ids[i].p, &ids[i].pc, &in, &a, NULL, 0);
		if (!want) {
			ok(!ret && a.declined && is_empty_certificate(&a) &&
			   strstr(a.reason, "none of the 2 offered signature schemes fits"),
			   "%s %s %s: no scheme fits: declined (%s)", tag,
			   ids[i].type, lists[l].name, a.reason);
			phd_pha_answer_clear(&a);
			continue;
		}
		ok(!ret && !a.declined && a.scheme == want &&
		   certificate_ok(&a, ids[i].leaf),
		   "%s %s %s: answered with %s, Certificate well-formed", tag,
		   ids[i].type, lists[l].name, phd_pha_scheme_name(a.scheme));
		ok(cv_independent_ok(&a, ids[i].key,
				     h == PHD_PHA_SHA256 ? EVP_sha256() :
							   EVP_sha384()),
		   "%s %s %s: CertificateVerify checks with an independent content and EVP",
		   tag, ids[i].type, lists[l].name);
		verify_in(&vin, h, lists[l].sa, lists[l].n, &a);
		ret = phd_pha_verify(v, &vpc, &vin, &res);
		dl = i2d_X509(ids[i].leaf, &der);
		ok(ret == PHD_PHA_OK && res.verdict == PHD_PHA_OK && !res.alert &&
		   res.scheme == want && res.leaf_der_len == (size_t)dl &&
		   !memcmp(res.leaf_der, der, dl) &&
		   strstr(res.subject, ids[i].type),
		   "%s %s %s: verified ok, subject '%s' (%s)", tag, ids[i].type,
		   lists[l].name, res.subject, res.reason);
		OPENSSL_free(der);
		der = NULL;
		phd_pha_result_clear(&res);
		/* the other hash: the signature no longer matches */
		vin.hash = h == PHD_PHA_SHA256 ? PHD_PHA_SHA384 : PHD_PHA_SHA256;
		ret = phd_pha_verify(v, &vpc, &vin, &res);
		ok(ret == PHD_PHA_DECRYPT_ERROR && res.alert == 51,
		   "%s %s %s: other transcript hash: decrypt_error", tag,
		   ids[i].type, lists[l].name);
		phd_pha_result_clear(&res);
		phd_pha_answer_clear(&a);
	}

	/* signature_algorithms_cert without the chain's ECDSA: a warning */
	set_request(all, ARRAY_SIZE(all), pss_cert, 1);
	answer_in(&in, PHD_PHA_SHA256, all, ARRAY_SIZE(all));
	in.sigalgs_cert = pss_cert;
	in.n_sigalgs_cert = 1;
	ret = phd_pha_answer(ids[0].p, &ids[0].pc, &in, &a, NULL, 0);
	ok(!ret && !a.declined && a.certificate_verify &&
	   strstr(a.reason, "signature_algorithms_cert; sending it anyway"),
	   "signature_algorithms_cert not covering the chain: answered with a warning (%s)",
	   a.reason);
	phd_pha_answer_clear(&a);
}

/* RSA-PSS (rsa_pss_pss_*), P-521 and Ed448: one offered list each way. */
static void test_more_keys(struct ident *ids, size_t nids, struct phd_pha *v)
{
	static const uint16_t all[] = { 0x0403, 0x0503, 0x0603, 0x0804,
					0x0805, 0x0806, 0x0807, 0x0808,
					0x0809, 0x080a, 0x080b };
	static const uint16_t sha384[] = { 0x080a, 0x0805, 0x0503 };
	static const uint16_t want_all[] = { 0x0809, 0x0603, 0x0808 };
	static const uint16_t want_384[] = { 0x080a, 0, 0 };
	struct phd_pha_answer a;
	struct phd_pha_answer_in in;
	struct phd_pha_verify_in vin;
	struct phd_pha_result res;
	size_t i, l, k;
	int ret;

	/* both lists x every key */
	for (k = 0; k < 2 * nids; k++) {
		const uint16_t *sa;
		uint16_t want;
		size_t n;

		l = k / nids;
		i = k % nids;
		sa = l ? sha384 : all;
		n = l ? ARRAY_SIZE(sha384) : ARRAY_SIZE(all);
		want = l ? want_384[i] : want_all[i];

		set_request(sa, n, NULL, 0);
		answer_in(&in, PHD_PHA_SHA384, sa, n);
		ret = phd_pha_answer(ids[i].p, &ids[i].pc, &in, &a, NULL, 0);
		if (!want) {
			ok(!ret && a.declined, "%s, offered %zu: declined (%s)",
			   ids[i].type, n, a.reason);
			phd_pha_answer_clear(&a);
			continue;
		}
		ok(!ret && !a.declined && a.scheme == want &&
		   certificate_ok(&a, ids[i].leaf) &&
		   cv_independent_ok(&a, ids[i].key, EVP_sha384()),
		   "%s, offered %zu: answered with %s, independent check", ids[i].type,
		   n, phd_pha_scheme_name(a.scheme));
		verify_in(&vin, PHD_PHA_SHA384, sa, n, &a);
		ret = phd_pha_verify(v, &vpc, &vin, &res);
		ok(ret == PHD_PHA_OK && res.scheme == want,
		   "%s, offered %zu: verified ok (%s)", ids[i].type, n, res.reason);
		phd_pha_result_clear(&res);
		phd_pha_answer_clear(&a);
	}
}

static void test_declines(struct ident *rsa, struct phd_pha *v)
{
	static const uint16_t sa[] = { 0x0804, 0x0403 };
	static const uint16_t pkcs1[] = { 0x0401, 0x0501, 0x0201 };
	struct phd_pha_config pc = rsa->pc;
	struct phd_pha_answer a;
	struct phd_pha_answer_in in;
	struct phd_pha_verify_in vin;
	struct phd_pha_result res;
	struct phd_pha *none;
	char err[512];
	int ret;

	set_request(sa, ARRAY_SIZE(sa), NULL, 0);
	answer_in(&in, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa));

	pc.decline = 1;
	ret = phd_pha_answer(rsa->p, &pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined && is_empty_certificate(&a) &&
	   strstr(a.reason, "decline = yes"), "decline = yes: empty Certificate (%s)",
	   a.reason);
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_NO_CERTIFICATE && !res.alert && !res.leaf_der,
	   "verify empty Certificate: no_certificate, no alert");
	phd_pha_result_clear(&res);
	ret = phd_pha_verify(v, &vpc_req, &vin, &res);
	ok(ret == PHD_PHA_NO_CERTIFICATE && res.alert == 116,
	   "verify empty Certificate, require_certificate: certificate_required (116)");
	phd_pha_result_clear(&res);
	phd_pha_answer_clear(&a);

	phd_pha_rule_parse(&pc.rules[0], "server.example:443", err, sizeof(err));
	pc.rules[0].allow = 1;
	pc.nrules = 1;
	ret = phd_pha_answer(rsa->p, &pc, &in, &a, err, sizeof(err));
	ok(!ret && !a.declined && a.certificate_verify,
	   "decline = yes, allow_peer server.example:443 matches: answered");
	phd_pha_answer_clear(&a);
	in.peer_port = 8443;
	ret = phd_pha_answer(rsa->p, &pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined, "allow_peer for another port: declined");
	phd_pha_answer_clear(&a);

	pc.decline = 0;
	phd_pha_rule_parse(&pc.rules[0], "192.0.2.1", err, sizeof(err));
	pc.rules[0].allow = 0;
	ret = phd_pha_answer(rsa->p, &pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined && is_empty_certificate(&a) &&
	   strstr(a.reason, "decline_peer rule 1 (192.0.2.1) matches"),
	   "decline_peer address: declined (%s)",
	   a.reason);
	phd_pha_answer_clear(&a);
	in.peer_port = 443;

	memset(&pc, 0, sizeof(pc));
	none = phd_pha_new(&pc, err, sizeof(err));
	ret = phd_pha_answer(none, &pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined && is_empty_certificate(&a) &&
	   strstr(a.reason, "no [pha] certificate"),
	   "no certificate configured: declined (%s)", a.reason);
	phd_pha_answer_clear(&a);
	ret = phd_pha_answer(NULL, &pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined, "no phd_pha at all: declined");
	phd_pha_answer_clear(&a);
	phd_pha_free(none);

	set_request(pkcs1, ARRAY_SIZE(pkcs1), NULL, 0);
	answer_in(&in, PHD_PHA_SHA256, pkcs1, ARRAY_SIZE(pkcs1));
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, err, sizeof(err));
	ok(!ret && a.declined && strstr(a.reason, "fits the RSA key"),
	   "RSA key, only PKCS#1 v1.5 offered: declined, never PKCS#1 (%s)",
	   a.reason);
	phd_pha_answer_clear(&a);

	/* bad input: errors, not answers */
	set_request(sa, ARRAY_SIZE(sa), NULL, 0);
	answer_in(&in, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa));
	in.transcript_len = main_handshake_len;
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not a CertificateRequest"),
	   "transcript without the CertificateRequest: -EINVAL (%s)", err);
	in.transcript_len = transcript_len - 1;
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "truncated"),
	   "truncated transcript: -EINVAL (%s)", err);
	answer_in(&in, PHD_PHA_SHA256, sa, 0);
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "no signature_algorithms"),
	   "no offered schemes: -EINVAL (%s)", err);
	answer_in(&in, 7, sa, ARRAY_SIZE(sa));
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, err, sizeof(err));
	ok(ret == -EINVAL && !a.certificate, "unknown hash: -EINVAL");
}

static void test_verify_failures(struct ident *rsa, struct ident *p256,
				 struct ident *server_only,
				 struct ident *stranger, struct phd_pha *v)
{
	static const uint16_t sa[] = { 0x0403, 0x0804, 0x0807 };
	static const uint16_t only_ecdsa[] = { 0x0403 };
	static const uint16_t no_pss256[] = { 0x0403, 0x0805 };
	struct phd_pha_answer a;
	struct phd_pha_answer_in in;
	struct phd_pha_verify_in vin;
	struct phd_pha_result res;
	EVP_PKEY *wrong = gen_key("P-256");
	uint8_t cv[1100], *cert;
	size_t cvlen;
	int ret;

	set_request(sa, ARRAY_SIZE(sa), NULL, 0);
	answer_in(&in, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa));

	/* the P-256 certificate, a CertificateVerify by another P-256 key */
	ret = phd_pha_answer(p256->p, &p256->pc, &in, &a, NULL, 0);
	cvlen = forge_cv(wrong, 0x0403, EVP_sha256(), a.certificate,
			 a.certificate_len, cv);
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	vin.certificate_verify = cv;
	vin.certificate_verify_len = cvlen;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(cvlen && ret == PHD_PHA_DECRYPT_ERROR && res.alert == 51 &&
	   res.leaf_der && strstr(res.subject, "P-256"),
	   "wrong key: decrypt_error (51), leaf still reported (%s)", res.reason);
	phd_pha_result_clear(&res);
	/* the same forger with the right key: accepted (the forger is right) */
	cvlen = forge_cv(p256->key, 0x0403, EVP_sha256(), a.certificate,
			 a.certificate_len, cv);
	vin.certificate_verify_len = cvlen;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_OK, "independently signed CertificateVerify: ok (%s)",
	   res.reason);
	phd_pha_result_clear(&res);
	/* one transcript byte changed */
	transcript[10] ^= 1;
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_DECRYPT_ERROR, "transcript changed: decrypt_error");
	phd_pha_result_clear(&res);
	transcript[10] ^= 1;
	/* context not the request's */
	vin.context_len = 31;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_ILLEGAL_PARAMETER && res.alert == 47 &&
	   strstr(res.reason, "context"), "other context: illegal_parameter (%s)",
	   res.reason);
	phd_pha_result_clear(&res);
	vin.context_len = sizeof(context);
	/* truncated and trailing bytes */
	vin.certificate_len--;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_DECODE_ERROR && res.alert == 50,
	   "truncated Certificate: decode_error (%s)", res.reason);
	phd_pha_result_clear(&res);
	vin.certificate_len++;
	vin.certificate_verify_len--;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_DECODE_ERROR, "truncated CertificateVerify: decode_error");
	phd_pha_result_clear(&res);
	/* a corrupted certificate inside the list */
	cert = malloc(a.certificate_len);
	memcpy(cert, a.certificate, a.certificate_len);
	cert[5 + sizeof(context) + 3 + 3] ^= 0xff;	/* DER SEQUENCE tag */
	vin.certificate = cert;
	vin.certificate_verify_len++;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_BAD_CERTIFICATE && res.alert == 42,
	   "undecodable certificate: bad_certificate (%s)", res.reason);
	phd_pha_result_clear(&res);
	free(cert);
	vin.certificate = a.certificate;
	/* certificate without CertificateVerify */
	vin.certificate_verify = NULL;
	vin.certificate_verify_len = 0;
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_UNEXPECTED_MESSAGE && res.alert == 10,
	   "certificate without CertificateVerify: unexpected_message");
	phd_pha_result_clear(&res);
	/* no trust anchor configured: bad_certificate */
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	{
		struct phd_pha_config none_pc;
		struct phd_pha *none;

		memset(&none_pc, 0, sizeof(none_pc));
		none = phd_pha_new(&none_pc, NULL, 0);
		ret = phd_pha_verify(none, &vpc, &vin, &res);
		ok(ret == PHD_PHA_BAD_CERTIFICATE && res.alert == 42,
		   "no ca_file/ca_dir: bad_certificate (%s)", res.reason);
		phd_pha_result_clear(&res);
		ret = phd_pha_verify(NULL, &vpc, &vin, &res);
		ok(ret == PHD_PHA_BAD_CERTIFICATE, "no phd_pha: bad_certificate (%s)",
		   res.reason);
		phd_pha_result_clear(&res);
		phd_pha_free(none);
	}
	/* a CA directory (c_rehash layout) instead of a file */
	{
		struct phd_pha_config d;
		struct phd_pha *dp;
		char link[PATH_MAX + 32], sub[PATH_MAX];
		unsigned long h = X509_subject_name_hash(root);

		snprintf(sub, sizeof(sub), "%s/cadir", dir);
		snprintf(link, sizeof(link), "%s/%08lx.0", sub, h);
		memset(&d, 0, sizeof(d));
		snprintf(d.ca_dir, sizeof(d.ca_dir), "%s", sub);
		if (mkdir(sub, 0700) || symlink(ca_path, link))
			perror("cadir");
		dp = phd_pha_new(&d, NULL, 0);
		ret = dp ? phd_pha_verify(dp, &vpc, &vin, &res) : -1;
		ok(ret == PHD_PHA_OK, "ca_dir with the root: ok (%s)", res.reason);
		phd_pha_result_clear(&res);
		phd_pha_free(dp);
	}
	phd_pha_answer_clear(&a);

	/* RSA answer with rsa_pss_rsae_sha256 but we offered only ECDSA */
	ret = phd_pha_answer(rsa->p, &rsa->pc, &in, &a, NULL, 0);
	verify_in(&vin, PHD_PHA_SHA256, only_ecdsa, 1, &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_ILLEGAL_PARAMETER && res.alert == 47 &&
	   strstr(res.reason, "rsa_pss_rsae_sha256) was not offered"),
	   "scheme not offered: illegal_parameter (%s)", res.reason);
	phd_pha_result_clear(&res);
	verify_in(&vin, PHD_PHA_SHA256, no_pss256, 2, &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_ILLEGAL_PARAMETER, "offered list without it: illegal_parameter");
	phd_pha_result_clear(&res);
	/* its scheme field changed to ECDSA, which we offered: not its key */
	a.certificate_verify[4] = 0x04;
	a.certificate_verify[5] = 0x03;
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_ILLEGAL_PARAMETER &&
	   strstr(res.reason, "does not fit the certificate's RSA key"),
	   "scheme of another key type: illegal_parameter (%s)", res.reason);
	phd_pha_result_clear(&res);
	phd_pha_answer_clear(&a);

	/* a chain under another root */
	ret = phd_pha_answer(stranger->p, &stranger->pc, &in, &a, NULL, 0);
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(!a.declined && ret == PHD_PHA_BAD_CERTIFICATE && res.alert == 42 &&
	   strstr(res.reason, "does not verify"),
	   "untrusted chain: bad_certificate (%s)", res.reason);
	phd_pha_result_clear(&res);
	phd_pha_answer_clear(&a);

	/* extendedKeyUsage serverAuth only */
	ret = phd_pha_answer(server_only->p, &server_only->pc, &in, &a, NULL, 0);
	verify_in(&vin, PHD_PHA_SHA256, sa, ARRAY_SIZE(sa), &a);
	ret = phd_pha_verify(v, &vpc, &vin, &res);
	ok(ret == PHD_PHA_UNSUPPORTED_CERTIFICATE && res.alert == 43,
	   "certificate not for client auth: unsupported_certificate (%s)",
	   res.reason);
	phd_pha_result_clear(&res);
	/* a CertificateVerify after an empty Certificate */
	{
		struct phd_pha_answer e;
		struct phd_pha_config d = server_only->pc;

		d.decline = 1;
		phd_pha_answer(server_only->p, &d, &in, &e, NULL, 0);
		vin.certificate = e.certificate;
		vin.certificate_len = e.certificate_len;
		ret = phd_pha_verify(v, &vpc, &vin, &res);
		ok(ret == PHD_PHA_UNEXPECTED_MESSAGE,
		   "CertificateVerify after an empty Certificate: unexpected_message");
		phd_pha_result_clear(&res);
		phd_pha_answer_clear(&e);
	}
	phd_pha_answer_clear(&a);
	EVP_PKEY_free(wrong);
}

static void test_parse_request(void)
{
	static const uint16_t sa[] = { 0x0804, 0x0403 }, sac[] = { 0x0401 };
	struct phd_pha_request req;
	uint8_t m[600];
	char err[256];
	size_t n;
	int ret;

	n = cert_request(m, context, sizeof(context), sa, 2, sac, 1);
	ret = phd_pha_parse_request(m, n, &req, err, sizeof(err));
	ok(!ret && req.context_len == sizeof(context) &&
	   !memcmp(req.context, context, sizeof(context)) &&
	   req.n_sigalgs == 2 && req.sigalgs[0] == 0x0804 &&
	   req.sigalgs[1] == 0x0403 && req.n_sigalgs_cert == 1 &&
	   req.sigalgs_cert[0] == 0x0401, "parse CertificateRequest");
	ret = phd_pha_parse_request(m, n - 1, &req, err, sizeof(err));
	ok(ret == -EINVAL, "parse: truncated (%s)", err);
	n = put_msg(m, 13, (const uint8_t *)"\0\0\0", 3);
	ret = phd_pha_parse_request(m, n, &req, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "without signature_algorithms"),
	   "parse: no signature_algorithms (%s)", err);
	ok(phd_pha_hash_for_suite(0x1301) == PHD_PHA_SHA256 &&
	   phd_pha_hash_for_suite(0x1302) == PHD_PHA_SHA384 &&
	   phd_pha_hash_for_suite(0x1303) == PHD_PHA_SHA256 &&
	   phd_pha_hash_for_suite(0xc02f) == -1, "hash by cipher suite");
}

/* ------------------------------------------------------------------ */
/* OpenSSL's own TLS stack: a real post-handshake authentication */

struct capture {
	uint8_t buf[65536];
	size_t len;
	size_t off[64];		/* message starts */
	uint8_t type[64];
	int n;
};

static void msg_cb(int write_p, int version, int content_type,
		   const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct capture *c = arg;

	(void)write_p;
	(void)version;
	(void)ssl;
	if (content_type != SSL3_RT_HANDSHAKE || c->n >= 64 ||
	    c->len + len > sizeof(c->buf))
		return;
	c->off[c->n] = c->len;
	c->type[c->n++] = ((const uint8_t *)buf)[0];
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
}

static int verify_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;
}

static size_t msg_len(struct capture *c, int i)
{
	return (i + 1 < c->n ? c->off[i + 1] : c->len) - c->off[i];
}

/* Move bytes between the two memory BIO pairs' ends until both idle. */
static void pump(SSL *a, SSL *b)
{
	char buf[1024];
	int i;

	for (i = 0; i < 50; i++) {
		SSL_read(a, buf, sizeof(buf));
		SSL_read(b, buf, sizeof(buf));
	}
}

static void test_openssl(struct ident *client, struct ident *server,
			 const char *suites, const char *what)
{
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	struct capture *cap = calloc(1, sizeof(*cap));
	struct phd_pha_request req;
	struct phd_pha_verify_in vin;
	struct phd_pha_answer_in ain;
	struct phd_pha_answer a;
	struct phd_pha_result res;
	BIO *sb = NULL, *cb = NULL;
	SSL *s, *c;
	int i, cr = -1, ce = -1, cv = -1, cfin = -1, ret, hs, ok_hs;
	const SSL_CIPHER *ciph;
	char err[256];
	size_t tlen;
	uint8_t *t;

	SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
	SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(sctx, suites);
	SSL_CTX_set_ciphersuites(cctx, suites);
	SSL_CTX_use_certificate(sctx, server->leaf);
	SSL_CTX_use_PrivateKey(sctx, server->key);
	SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE,
			   verify_any);
	SSL_CTX_use_certificate_chain_file(cctx, client->pc.certificate);
	SSL_CTX_use_PrivateKey_file(cctx, client->pc.key, SSL_FILETYPE_PEM);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	s = SSL_new(sctx);
	c = SSL_new(cctx);
	SSL_set_post_handshake_auth(c, 1);
	SSL_set_msg_callback(s, msg_cb);
	SSL_set_msg_callback_arg(s, cap);
	BIO_new_bio_pair(&sb, 0, &cb, 0);
	SSL_set_bio(s, sb, sb);
	SSL_set_bio(c, cb, cb);
	SSL_set_accept_state(s);
	SSL_set_connect_state(c);
	for (i = 0, ok_hs = 0; i < 20 && ok_hs != 3; i++) {
		if (!(ok_hs & 1) && SSL_do_handshake(c) == 1)
			ok_hs |= 1;
		if (!(ok_hs & 2) && SSL_do_handshake(s) == 1)
			ok_hs |= 2;
	}
	pump(c, s);
	hs = SSL_verify_client_post_handshake(s);
	ret = SSL_do_handshake(s);
	pump(c, s);
	ok(ok_hs == 3 && hs == 1 && ret == 1 && SSL_get0_peer_certificate(s),
	   "OpenSSL %s: handshake, post-handshake auth done, server has the client certificate",
	   what);

	/* find: CertificateRequest, then the client's Certificate, CV, Finished */
	for (i = 0; i < cap->n; i++) {
		if (cap->type[i] == 13 && cr < 0)
			cr = i;
		else if (cr >= 0 && cap->type[i] == 11 && ce < 0)
			ce = i;
		else if (ce >= 0 && cap->type[i] == 15 && cv < 0)
			cv = i;
	}
	/* main handshake: up to the client Finished (the second Finished) */
	for (i = 0, hs = 0; i < cap->n; i++)
		if (cap->type[i] == 20 && ++hs == 2) {
			cfin = i;
			break;
		}
	if (cr < 0 || ce < 0 || cv < 0 || cfin < 0 || cfin > cr) {
		ok(0, "OpenSSL %s: messages captured (%d messages)", what,
		   cap->n);
		goto out;
	}
	t = malloc(sizeof(cap->buf));
	tlen = cap->off[cfin] + msg_len(cap, cfin);
	memcpy(t, cap->buf, tlen);	/* no NewSessionTicket before cfin */
	memcpy(t + tlen, cap->buf + cap->off[cr], msg_len(cap, cr));
	tlen += msg_len(cap, cr);
	ret = phd_pha_parse_request(cap->buf + cap->off[cr], msg_len(cap, cr),
				    &req, err, sizeof(err));
	ok(!ret && req.context_len > 0 && req.n_sigalgs > 0,
	   "OpenSSL %s: its CertificateRequest parses (context %zu bytes, %zu schemes)",
	   what, req.context_len, req.n_sigalgs);
	ciph = SSL_get_current_cipher(s);

	memset(&vin, 0, sizeof(vin));
	vin.transcript = t;
	vin.transcript_len = tlen;
	vin.hash = phd_pha_hash_for_suite(SSL_CIPHER_get_id(ciph) & 0xffff);
	vin.context = req.context;
	vin.context_len = req.context_len;
	vin.sigalgs = req.sigalgs;
	vin.n_sigalgs = req.n_sigalgs;
	vin.certificate = cap->buf + cap->off[ce];
	vin.certificate_len = msg_len(cap, ce);
	vin.certificate_verify = cap->buf + cap->off[cv];
	vin.certificate_verify_len = msg_len(cap, cv);
	ret = phd_pha_verify(ids_verifier, &vpc, &vin, &res);
	ok(ret == PHD_PHA_OK,
	   "OpenSSL %s: phd_pha_verify accepts the OpenSSL client's Certificate/CertificateVerify (%s, %s)",
	   what, phd_pha_scheme_name(res.scheme), res.reason);
	phd_pha_result_clear(&res);
	t[20] ^= 1;
	ret = phd_pha_verify(ids_verifier, &vpc, &vin, &res);
	ok(ret == PHD_PHA_DECRYPT_ERROR,
	   "OpenSSL %s: one transcript byte changed: decrypt_error", what);
	phd_pha_result_clear(&res);
	t[20] ^= 1;

	/* our answer to the same request */
	memset(&ain, 0, sizeof(ain));
	ain.transcript = t;
	ain.transcript_len = tlen;
	ain.hash = vin.hash;
	ain.context = req.context;
	ain.context_len = req.context_len;
	ain.sigalgs = req.sigalgs;
	ain.n_sigalgs = req.n_sigalgs;
	ain.sigalgs_cert = req.sigalgs_cert;
	ain.n_sigalgs_cert = req.n_sigalgs_cert;
	ret = phd_pha_answer(client->p, &client->pc, &ain, &a, err, sizeof(err));
	ok(!ret && !a.declined && a.certificate_len == vin.certificate_len &&
	   !memcmp(a.certificate, vin.certificate, a.certificate_len) &&
	   a.scheme == (vin.certificate_verify[4] << 8 |
			vin.certificate_verify[5]),
	   "OpenSSL %s: phd_pha_answer's Certificate is byte-identical to OpenSSL's, same scheme %s",
	   what, phd_pha_scheme_name(a.scheme));
	if (EVP_PKEY_is_a(client->key, "ED25519") ||
	    EVP_PKEY_is_a(client->key, "ED448"))
		ok(a.certificate_verify_len == vin.certificate_verify_len &&
		   !memcmp(a.certificate_verify, vin.certificate_verify,
			   a.certificate_verify_len),
		   "OpenSSL %s: EdDSA (deterministic) CertificateVerify byte-identical to OpenSSL's",
		   what);
	vin.certificate_verify = a.certificate_verify;
	vin.certificate_verify_len = a.certificate_verify_len;
	ret = phd_pha_verify(ids_verifier, &vpc, &vin, &res);
	ok(ret == PHD_PHA_OK, "OpenSSL %s: our CertificateVerify verifies", what);
	phd_pha_result_clear(&res);
	phd_pha_answer_clear(&a);

	/*
	 * A second request: its transcript is the main handshake and the
	 * second CertificateRequest only (RFC 8446 4.4.1).
	 */
	hs = SSL_verify_client_post_handshake(s);
	ret = SSL_do_handshake(s);
	pump(c, s);
	for (i = cv + 1, cr = ce = -1; i < cap->n; i++) {
		if (cap->type[i] == 13 && cr < 0)
			cr = i;
		else if (cr >= 0 && cap->type[i] == 11 && ce < 0)
			ce = i;
		else if (ce >= 0 && cap->type[i] == 15)
			cv = i;
	}
	if (hs == 1 && cr > 0 && ce > cr && cv > ce) {
		tlen = cap->off[cfin] + msg_len(cap, cfin);
		memcpy(t + tlen, cap->buf + cap->off[cr], msg_len(cap, cr));
		tlen += msg_len(cap, cr);
		phd_pha_parse_request(cap->buf + cap->off[cr], msg_len(cap, cr),
				      &req, err, sizeof(err));
		vin.transcript_len = tlen;
		vin.context = req.context;
		vin.context_len = req.context_len;
		vin.certificate = cap->buf + cap->off[ce];
		vin.certificate_len = msg_len(cap, ce);
		vin.certificate_verify = cap->buf + cap->off[cv];
		vin.certificate_verify_len = msg_len(cap, cv);
		ret = phd_pha_verify(ids_verifier, &vpc, &vin, &res);
		ok(ret == PHD_PHA_OK,
		   "OpenSSL %s: second post-handshake auth (main handshake + second CertificateRequest only): ok (%s)",
		   what, res.reason);
		phd_pha_result_clear(&res);
	} else {
		ok(0, "OpenSSL %s: second post-handshake auth captured", what);
	}
	free(t);
out:
	SSL_free(s);
	SSL_free(c);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	free(cap);
}

int main(void)
{
	enum { RSA_ID, P256_ID, P384_ID, ED_ID, NIDS };
	static const char *const types[NIDS] = { "RSA", "P-256", "P-384",
						 "ED25519" };
	static const char *const more_types[] = { "RSA-PSS", "P-521", "ED448" };
	struct ident ids[NIDS], more[3], server_only, stranger;
	EVP_PKEY *sroot_key, *sint_key, *k;
	X509 *sroot, *sint, *r;
	char cmd[PATH_MAX + 16];
	size_t i;

	phd_log_init("test_pha", PHD_LOG_ERR);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	root_key = gen_key("P-256");
	root = make_cert("Test Root", root_key, NULL, NULL, CA);
	int_key = gen_key("P-384");
	inter = make_cert("Test Intermediate", int_key, root, root_key, CA);
	write_pem("ca.pem", root, NULL, NULL, ca_path, sizeof(ca_path));
	for (i = 0; i < NIDS; i++)
		make_ident(&ids[i], types[i], LEAF_CLIENT);
	for (i = 0; i < ARRAY_SIZE(more); i++)
		make_ident(&more[i], more_types[i], LEAF_CLIENT);
	make_ident(&server_only, "P-256", LEAF_SERVER_ONLY);
	/* another root and intermediate, not in ca.pem */
	sroot_key = gen_key("P-256");
	sroot = make_cert("Stranger Root", sroot_key, NULL, NULL, CA);
	sint_key = gen_key("P-256");
	sint = make_cert("Stranger Intermediate", sint_key, sroot, sroot_key, CA);
	r = inter;
	k = int_key;
	inter = sint;
	int_key = sint_key;
	make_ident(&stranger, "P-256", LEAF_CLIENT);
	inter = r;
	int_key = k;

	ids_verifier = verifier(ca_path, 0);
	vpc.require_certificate = 0;
	vpc_req.require_certificate = 1;
	make_main_handshake();

	test_config();
	test_parse_request();
	test_load_errors(&ids[RSA_ID], &ids[P256_ID]);
	test_round_trips(ids, NIDS, ids_verifier);
	test_more_keys(more, ARRAY_SIZE(more), ids_verifier);
	test_declines(&ids[RSA_ID], ids_verifier);
	test_verify_failures(&ids[RSA_ID], &ids[P256_ID], &server_only,
			     &stranger, ids_verifier);
	test_openssl(&ids[ED_ID], &ids[P256_ID], "TLS_AES_128_GCM_SHA256",
		     "Ed25519 client, AES-128-GCM-SHA256");
	test_openssl(&ids[RSA_ID], &ids[P256_ID], "TLS_AES_256_GCM_SHA384",
		     "RSA client, AES-256-GCM-SHA384");
	test_openssl(&ids[P384_ID], &ids[RSA_ID], "TLS_CHACHA20_POLY1305_SHA256",
		     "P-384 client, CHACHA20-POLY1305");
	test_openssl(&more[0], &ids[P256_ID], "TLS_AES_128_GCM_SHA256",
		     "RSA-PSS client, AES-128-GCM-SHA256");
	test_openssl(&more[1], &ids[P256_ID], "TLS_AES_256_GCM_SHA384",
		     "P-521 client, AES-256-GCM-SHA384");
	test_openssl(&more[2], &ids[P256_ID], "TLS_AES_128_GCM_SHA256",
		     "Ed448 client, AES-128-GCM-SHA256");

	phd_pha_free(ids_verifier);
	for (i = 0; i < NIDS; i++) {
		phd_pha_free(ids[i].p);
		EVP_PKEY_free(ids[i].key);
		X509_free(ids[i].leaf);
	}
	for (i = 0; i < ARRAY_SIZE(more); i++) {
		phd_pha_free(more[i].p);
		EVP_PKEY_free(more[i].key);
		X509_free(more[i].leaf);
	}
	phd_pha_free(server_only.p);
	EVP_PKEY_free(server_only.key);
	X509_free(server_only.leaf);
	phd_pha_free(stranger.p);
	EVP_PKEY_free(stranger.key);
	X509_free(stranger.leaf);
	X509_free(sroot);
	X509_free(sint);
	EVP_PKEY_free(sroot_key);
	EVP_PKEY_free(sint_key);
	X509_free(root);
	X509_free(inter);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cleanup of %s failed\n", dir);

	printf("1..%d\n", passed + failed);
	return failed != 0;
}
