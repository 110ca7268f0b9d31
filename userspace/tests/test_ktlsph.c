// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of libktlsph, for what works without kTLS: the cipher
 * suite table, the kTLS crypto_info (key/iv split per suite, checked against
 * RFC 8448 and the OpenSSL-made vectors of kunit/keysched_vectors.h), the
 * key log line parser, and the OpenSSL glue up to the point where kTLS is
 * needed (a real TLS 1.3 handshake over a socketpair), including the
 * handshake transcript capture (checked against the Finished messages
 * OpenSSL computed, with and without HelloRetryRequest), and the
 * post-handshake authentication helpers that need no kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tls.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

typedef uint8_t u8;
typedef uint16_t u16;
#define __maybe_unused __attribute__((unused))
#include "../../module/rfc8448.h"
#include "../../kunit/keysched_vectors.h"

#include "hello.h"
#include "ktlsph.h"
#include "ossl_pair.h"
#include "tls13kdf.h"
#include "tap.h"
#include "test_cert.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- cipher suite table ---------------------------------------------- */

static void test_suites(void)
{
	static const struct {
		uint16_t id;
		size_t hash_len, key_len, salt_len;
		uint16_t cipher;
		size_t info_len;
	} want[] = {
		{ 0x1301, 32, 16, 4, TLS_CIPHER_AES_GCM_128,
		  sizeof(struct tls12_crypto_info_aes_gcm_128) },
		{ 0x1302, 48, 32, 4, TLS_CIPHER_AES_GCM_256,
		  sizeof(struct tls12_crypto_info_aes_gcm_256) },
		{ 0x1303, 32, 32, 0, TLS_CIPHER_CHACHA20_POLY1305,
		  sizeof(struct tls12_crypto_info_chacha20_poly1305) },
		{ 0x1304, 32, 16, 4, TLS_CIPHER_AES_CCM_128,
		  sizeof(struct tls12_crypto_info_aes_ccm_128) },
	};
	static const uint16_t bad[] = { 0, 0x1300, 0x1305, 0x00ff, 0xc02f,
					0xffff };
	static const char * const bad_names[] = {
		"", "TLS_AES_128_CCM_8_SHA256", "AES128-GCM-SHA256",
		"TLS_AES_128_GCM_SHA256 ", "TLS_AES_128_GCM",
	};
	const struct ktlsph_suite *s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		s = ktlsph_suite_by_id(want[i].id);
		ok(s && s->id == want[i].id &&
		   s->hash_len == want[i].hash_len &&
		   s->key_len == want[i].key_len &&
		   s->salt_len == want[i].salt_len &&
		   s->ktls_cipher == want[i].cipher &&
		   s->info_len == want[i].info_len &&
		   EVP_MD_get_size(EVP_get_digestbyname(s->hash)) ==
		   (int)s->hash_len,
		   "suite 0x%04x table entry", want[i].id);
		ok(s && ktlsph_suite_by_name(s->name) == s,
		   "suite 0x%04x by name", want[i].id);
	}
	ok(ktlsph_suite_by_name("tls_chacha20_poly1305_sha256") ==
	   ktlsph_suite_by_id(0x1303), "name lookup ignores case");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(!ktlsph_suite_by_id(bad[i]), "no suite 0x%04x", bad[i]);
	for (i = 0; i < ARRAY_SIZE(bad_names); i++)
		ok(!ktlsph_suite_by_name(bad_names[i]), "no suite \"%s\"",
		   bad_names[i]);
	ok(!ktlsph_suite_by_name(NULL), "no suite NULL");
}

/* ---- crypto_info ------------------------------------------------------ */

/*
 * Check a crypto_info against the expected TLS 1.3 key and 12-byte iv: the
 * layout is info, iv[12 - salt_len], key, salt[salt_len], rec_seq[8].
 */
static int check_info(const struct ktlsph_crypto_info *ci,
		      const struct ktlsph_suite *s, const uint8_t *key,
		      const uint8_t *iv, const uint8_t *rec_seq)
{
	const uint8_t *p = ci->buf;
	struct tls_crypto_info hdr;

	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.version != TLS_1_3_VERSION || hdr.cipher_type != s->ktls_cipher)
		return 0;
	p += sizeof(hdr);
	if (memcmp(p, iv + s->salt_len, 12 - s->salt_len))
		return 0;
	p += 12 - s->salt_len;
	if (memcmp(p, key, s->key_len))
		return 0;
	p += s->key_len;
	if (memcmp(p, iv, s->salt_len))
		return 0;
	p += s->salt_len;
	if (memcmp(p, rec_seq, 8))
		return 0;
	p += 8;
	return (size_t)(p - ci->buf) == s->info_len;
}

static void test_crypto_info(void)
{
	static const uint8_t zero_seq[8];
	static const uint8_t seq_be[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t seq3[8] = { 0, 0, 0, 0, 0, 0, 0, 3 };
	const struct ktlsph_suite *s = ktlsph_suite_by_id(0x1301);
	struct tls12_crypto_info_aes_gcm_128 gcm;
	struct ktlsph_crypto_info ci;
	uint8_t secret[48] = { 0 };
	size_t i;
	int ret;

	/* RFC 8448 section 3, server and client application keys */
	ret = ktlsph_crypto_info(0x1301, ktls_ph_rfc8448_s_ap_traffic, 32, 0,
				 &ci);
	ok(!ret && check_info(&ci, s, ktls_ph_rfc8448_s_ap_key,
			      ktls_ph_rfc8448_s_ap_iv, zero_seq),
	   "rfc8448 server application key/iv -> crypto_info");
	/* the same through the kernel's own structure */
	memcpy(&gcm, ci.buf, sizeof(gcm));
	ok(!memcmp(gcm.key, ktls_ph_rfc8448_s_ap_key, 16) &&
	   !memcmp(gcm.salt, ktls_ph_rfc8448_s_ap_iv, 4) &&
	   !memcmp(gcm.iv, ktls_ph_rfc8448_s_ap_iv + 4, 8) &&
	   gcm.info.version == TLS_1_3_VERSION &&
	   gcm.info.cipher_type == TLS_CIPHER_AES_GCM_128,
	   "rfc8448 server: aes_gcm_128 salt = iv[0..3], iv = iv[4..11]");
	ret = ktlsph_crypto_info(0x1301, ktls_ph_rfc8448_c_ap_traffic, 32,
				 0x0102030405060708ULL, &ci);
	ok(!ret && check_info(&ci, s, ktls_ph_rfc8448_c_ap_key,
			      ktls_ph_rfc8448_c_ap_iv, seq_be),
	   "rfc8448 client application key/iv, big-endian rec_seq");

	/* every suite: generation 0 of the OpenSSL-made chain vectors */
	for (i = 0; i < ARRAY_SIZE(ktls_ph_chain_vectors); i++) {
		const struct ktls_ph_chain_vector *v = &ktls_ph_chain_vectors[i];

		s = ktlsph_suite_by_id(v->suite);
		ret = s ? ktlsph_crypto_info(v->suite, v->secret[0],
					     v->hash_len, 0, &ci) : -1;
		ok(!ret && v->key_len == s->key_len &&
		   check_info(&ci, s, v->key[0], v->iv[0], zero_seq),
		   "suite 0x%04x key/iv split", v->suite);
		ret = s ? ktlsph_crypto_info(v->suite, v->secret[3],
					     v->hash_len, 3, &ci) : -1;
		ok(!ret && check_info(&ci, s, v->key[3], v->iv[3], seq3),
		   "suite 0x%04x generation 3, rec_seq 3", v->suite);
	}
	ok(ARRAY_SIZE(ktls_ph_chain_vectors) == 4, "vectors for 4 suites");

	/* ChaCha20-Poly1305: the whole iv in iv[12], no salt */
	for (i = 0; i < ARRAY_SIZE(ktls_ph_chain_vectors); i++) {
		const struct ktls_ph_chain_vector *v = &ktls_ph_chain_vectors[i];
		struct tls12_crypto_info_chacha20_poly1305 cc;

		if (v->suite != 0x1303)
			continue;
		ret = ktlsph_crypto_info(v->suite, v->secret[0], 32, 0, &ci);
		memcpy(&cc, ci.buf, sizeof(cc));
		ok(!ret && !memcmp(cc.iv, v->iv[0], 12) &&
		   !memcmp(cc.key, v->key[0], 32),
		   "chacha20: tls12_crypto_info_chacha20_poly1305 iv = whole iv");
	}

	/* negative cases */
	ok(ktlsph_crypto_info(0x1302, secret, 32, 0, &ci) == -EINVAL,
	   "AES-256-GCM refuses a 32-byte secret");
	ok(ktlsph_crypto_info(0x1301, secret, 48, 0, &ci) == -EINVAL,
	   "AES-128-GCM refuses a 48-byte secret");
	ok(ktlsph_crypto_info(0x1305, secret, 32, 0, &ci) == -EINVAL,
	   "unknown suite refused");
	ok(ktlsph_crypto_info(0x1301, NULL, 32, 0, &ci) == -EINVAL,
	   "NULL secret refused");
	ok(ktlsph_crypto_info(0x1301, secret, 32, 0, NULL) == -EINVAL,
	   "NULL crypto_info refused");
}

static void test_ktls_setup_errors(void)
{
	uint8_t secret[48] = { 0 };
	char err[256];
	int p[2], ret;

	ret = ktlsph_ktls_setup(-1, 0x1305, secret, secret, 32, 0, 0, err,
				sizeof(err));
	ok(ret == -EINVAL && strstr(err, "0x1305"),
	   "ktls_setup: unknown suite (%s)", err);
	ret = ktlsph_ktls_setup(-1, 0x1302, secret, secret, 32, 0, 0, err,
				sizeof(err));
	ok(ret == -EINVAL && strstr(err, "48-byte"),
	   "ktls_setup: wrong secret length (%s)", err);
	if (pipe(p)) {
		ok(0, "pipe");
		return;
	}
	ret = ktlsph_ktls_setup(p[0], 0x1301, secret, secret, 32, 0, 0, err,
				sizeof(err));
	ok(ret == -ENOTSOCK && strstr(err, "TCP_ULP"),
	   "ktls_setup: not a socket (%s)", err);
	close(p[0]);
	close(p[1]);
	ret = ktlsph_ktls_setup(-1, 0x1301, secret, secret, 32, 0, 0, NULL, 0);
	ok(ret == -EBADF, "ktls_setup: NULL err buffer is fine");
}

/* ---- key log lines ------------------------------------------------------ */

#define CR64 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S32  "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"
#define S48  S32 "00112233445566778899AABBCCDDEEFF"
/* a bad hex digit at the end of a secret, at the start of a client_random */
#define S32G "a11af9f05531f856ad47116b45a95032" \
	     "8204b4f44bfb6b3a4b4f1f3fcb63164g"
#define CR64X "x00102030405060708090a0b0c0d0e0f" \
	      "101112131415161718191a1b1c1d1e1f"

static void test_keylog(void)
{
	static const char * const bad[] = {
		"",
		"CLIENT_TRAFFIC_SECRET_0",
		"CLIENT_TRAFFIC_SECRET_0 " CR64,
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " ",
		" " CR64 " " S32,
		"client_traffic_secret_0 " CR64 " " S32,
		"CLIENT-TRAFFIC " CR64 " " S32,
		"A_LABEL_THAT_IS_MUCH_TOO_LONG_TO_BE_REAL_XX " CR64 " " S32,
		"CLIENT_TRAFFIC_SECRET_0 " CR64 "0 " S32,
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 "00",
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 " ",
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 " extra",
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 "\n\n",
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 "\nX",
		"CLIENT_TRAFFIC_SECRET_0  " CR64 " " S32,
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32G,
		"CLIENT_TRAFFIC_SECRET_0 " CR64X " " S32,
		"CLIENT_TRAFFIC_SECRET_0 " CR64 " " S32 S32,
	};
	struct ktlsph_keylog kl;
	size_t i;
	int ret;

	ret = ktlsph_keylog_parse("SERVER_TRAFFIC_SECRET_0 " CR64 " " S32,
				  &kl);
	ok(!ret && !strcmp(kl.label, "SERVER_TRAFFIC_SECRET_0") &&
	   kl.secret_len == 32 &&
	   !memcmp(kl.secret, ktls_ph_rfc8448_s_ap_traffic, 32) &&
	   kl.client_random[0] == 0 && kl.client_random[31] == 0x1f,
	   "keylog: 32-byte secret");
	ret = ktlsph_keylog_parse("CLIENT_TRAFFIC_SECRET_0 " CR64 " " S48 "\n",
				  &kl);
	ok(!ret && !strcmp(kl.label, "CLIENT_TRAFFIC_SECRET_0") &&
	   kl.secret_len == 48 && kl.secret[32] == 0x00 &&
	   kl.secret[47] == 0xff,
	   "keylog: 48-byte secret, upper-case hex, trailing newline");
	ret = ktlsph_keylog_parse("EXPORTER_SECRET " CR64 " " S32, &kl);
	ok(!ret && !strcmp(kl.label, "EXPORTER_SECRET"),
	   "keylog: other labels parse too");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&kl, 0x55, sizeof(kl));
		ret = ktlsph_keylog_parse(bad[i], &kl);
		ok(ret == -EINVAL && !kl.secret_len && !kl.label[0],
		   "keylog: invalid line %zu refused and output wiped", i);
	}
	ok(ktlsph_keylog_parse(NULL, &kl) == -EINVAL, "keylog: NULL line");
	ok(ktlsph_keylog_parse("X " CR64 " " S32, NULL) == -EINVAL,
	   "keylog: NULL output");
}

/* ---- ClientHello and ServerHello parsers (hello.c) -------------------- */

/* legacy_version and random: what both parsers skip or look at first */
#define HELLO_FIXED	(2 + 32)

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/*
 * A handshake message of @type with the first @len bytes of @body, in a
 * buffer of its exact size (so that a read past it shows under ASan).
 */
static uint8_t *hello_msg(uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t *msg = malloc(4 + len);

	if (!msg)
		abort();
	msg[0] = type;
	msg[1] = len >> 16;
	msg[2] = len >> 8;
	msg[3] = len;
	memcpy(msg + 4, body, len);
	return msg;
}

static int has_pha(const uint8_t *body, size_t len)
{
	uint8_t *msg = hello_msg(1, body, len);
	int ret = ktlsph_hello_has_pha(msg, 4 + len);

	free(msg);
	return ret;
}

static int is_hrr(const uint8_t *body, size_t len, uint16_t *suite)
{
	uint8_t *msg = hello_msg(2, body, len);
	int ret = ktlsph_hello_is_hrr(msg, 4 + len, suite);

	free(msg);
	return ret;
}

/* A ClientHello's fields before its extensions */
static const uint8_t ch_head[] = {
	0x04, 0xc0, 0xff, 0xee, 0x00,	/* legacy_session_id */
	0x00, 0x02, 0x13, 0x01,		/* cipher_suites */
	0x01, 0x00,			/* legacy_compression_methods */
};

#define CH_HEAD_LEN	(HELLO_FIXED + sizeof(ch_head))

/*
 * A ClientHello body into @b (room for CH_HEAD_LEN + @ext_len bytes):
 * legacy_version, a random, ch_head, then @ext, the extensions block with
 * its length (or whatever the test wants there); its length.
 */
static size_t ch_body(uint8_t *b, const uint8_t *ext, size_t ext_len)
{
	size_t i;

	b[0] = 3;
	b[1] = 3;
	for (i = 0; i < 32; i++)
		b[2 + i] = i;
	memcpy(b + HELLO_FIXED, ch_head, sizeof(ch_head));
	memcpy(b + CH_HEAD_LEN, ext, ext_len);
	return CH_HEAD_LEN + ext_len;
}

/* A ClientHello whose extensions block is @ext (with its length) */
struct ch_case {
	const char *what;
	uint8_t ext[16];
	size_t ext_len;
	int want;
};

static const struct ch_case ch_cases[] = {
	{ "no extensions block", { 0 }, 0, 0 },
	{ "empty extensions block", { 0, 0 }, 2, 0 },
	{ "post_handshake_auth alone", { 0, 4, 0, 49, 0, 0 }, 6, 1 },
	{ "post_handshake_auth first",
	  { 0, 11, 0, 49, 0, 0, 0, 43, 0, 3, 2, 3, 4 }, 13, 1 },
	{ "post_handshake_auth last",
	  { 0, 11, 0, 43, 0, 3, 2, 3, 4, 0, 49, 0, 0 }, 13, 1 },
	{ "post_handshake_auth with extension_data",
	  { 0, 5, 0, 49, 0, 1, 0 }, 7, 1 },
	{ "post_handshake_auth absent (oid_filters, 48)",
	  { 0, 11, 0, 43, 0, 3, 2, 3, 4, 0, 48, 0, 0 }, 13, 0 },
	{ "type 0x0131 is not 49", { 0, 4, 1, 49, 0, 0 }, 6, 0 },
	{ "type 0x3100 is not 49", { 0, 4, 49, 0, 0, 0 }, 6, 0 },
	{ "49 as extension_data is not 49",
	  { 0, 6, 0, 43, 0, 2, 0, 49 }, 8, 0 },
	/* what follows post_handshake_auth is not looked at */
	{ "post_handshake_auth, then an overrun",
	  { 0, 8, 0, 49, 0, 0, 0, 10, 0, 0xff }, 10, 1 },
	/* extension block length mismatches */
	{ "block length one too long", { 0, 5, 0, 49, 0, 0 }, 6, -1 },
	{ "block length one too short", { 0, 3, 0, 49, 0, 0 }, 6, -1 },
	{ "block length 0, an extension after it",
	  { 0, 0, 0, 49, 0, 0 }, 6, -1 },
	{ "block length 0xffff", { 0xff, 0xff, 0, 49, 0, 0 }, 6, -1 },
	{ "block length cut", { 0 }, 1, -1 },
	/* extension length mismatches */
	{ "extension type cut", { 0, 1, 0 }, 3, -1 },
	{ "extension length cut", { 0, 3, 0, 43, 0 }, 5, -1 },
	{ "extension past the block",
	  { 0, 8, 0, 43, 0, 5, 2, 3, 4, 0 }, 10, -1 },
	{ "extension past the block, 49 inside it",
	  { 0, 11, 0, 43, 0, 8, 2, 3, 4, 0, 49, 0, 0 }, 13, -1 },
	{ "extension length 0xffff",
	  { 0, 8, 0, 43, 0xff, 0xff, 0, 49, 0, 0 }, 10, -1 },
};

/* The fields of the "post_handshake_auth last" ClientHello: cut in each */
static const struct {
	const char *name;
	size_t start, end;	/* the prefixes cut in it: [start, end) */
} ch_fields[] = {
	{ "legacy_version", 0, 2 },
	{ "random", 2, HELLO_FIXED },
	{ "legacy_session_id", HELLO_FIXED, HELLO_FIXED + 5 },
	{ "cipher_suites", HELLO_FIXED + 5, HELLO_FIXED + 9 },
	{ "legacy_compression_methods", HELLO_FIXED + 9, HELLO_FIXED + 11 },
	/* CH_HEAD_LEN itself: no extensions block, 0 */
	{ "extensions length", CH_HEAD_LEN + 1, CH_HEAD_LEN + 2 },
	{ "supported_versions", CH_HEAD_LEN + 2, CH_HEAD_LEN + 9 },
	{ "post_handshake_auth", CH_HEAD_LEN + 9, CH_HEAD_LEN + 13 },
};

static void test_hello_client(void)
{
	uint8_t b[CH_HEAD_LEN + 16];
	size_t i, n, len;
	uint16_t suite;
	int ret, bad;

	for (i = 0; i < ARRAY_SIZE(ch_cases); i++) {
		n = ch_body(b, ch_cases[i].ext, ch_cases[i].ext_len);
		ret = has_pha(b, n);
		ok(ret == ch_cases[i].want, "hello: ClientHello, %s: %d",
		   ch_cases[i].what, ret);
	}
	/* the parsers look at the body only, not at the header's type */
	n = ch_body(b, ch_cases[4].ext, ch_cases[4].ext_len);
	ok(is_hrr(b, n, &suite) == 0, "hello: ClientHello as ServerHello: 0");

	/* cut in each field: -1, but right before the extensions: 0 */
	for (i = 0; i < ARRAY_SIZE(ch_fields); i++) {
		bad = 0;
		for (len = ch_fields[i].start; len < ch_fields[i].end; len++)
			if (has_pha(b, len) != -1)
				bad++;
		ok(!bad, "hello: ClientHello cut in %s: -1", ch_fields[i].name);
	}
	ok(has_pha(b, CH_HEAD_LEN) == 0,
	   "hello: ClientHello cut before its extensions: 0");
	ok(has_pha(b, 0) == -1 && has_pha(b, HELLO_FIXED) == -1,
	   "hello: empty ClientHello, legacy_version and random only: -1");
}

/* The longest session id, 2048 cipher suites, post_handshake_auth */
static void test_hello_client_big(void)
{
	static uint8_t b[HELLO_FIXED + 1 + 255 + 2 + 0x1000 + 2 + 6];
	uint8_t *p = b + HELLO_FIXED;

	*p++ = 255;
	p += 255;
	*p++ = 0x10;
	*p++ = 0;
	p += 0x1000;
	*p++ = 1;
	*p++ = 0;
	memcpy(p, ch_cases[2].ext, 6);
	ok(has_pha(b, sizeof(b)) == 1 && has_pha(b, sizeof(b) - 6) == 0 &&
	   has_pha(b, sizeof(b) - 7) == -1,
	   "hello: ClientHello with a 255-byte session id, 2048 suites");
}

static void test_hello_server(void)
{
	static const uint8_t tail[] = {
		0x13, 0x02,	/* cipher_suite */
		0x00,		/* legacy_compression_method */
		0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
		0x00, 0x33, 0x00, 0x02, 0x00, 0x17,
	};
	uint8_t b[HELLO_FIXED + 33 + sizeof(tail)];
	size_t n = sizeof(b), len, sid = HELLO_FIXED, cs = sid + 33;
	uint16_t suite;
	int bad, ret;

	/* a HelloRetryRequest as OpenSSL sends it (32-byte session id) */
	b[0] = 3;
	b[1] = 3;
	memcpy(b + 2, hrr_random, 32);
	b[sid] = 32;
	memset(b + sid + 1, 0x5a, 32);
	memcpy(b + cs, tail, sizeof(tail));
	suite = 0;
	ret = is_hrr(b, n, &suite);
	ok(ret == 1 && suite == 0x1302, "hello: HelloRetryRequest: %d, %#x",
	   ret, suite);
	ok(has_pha(b, n) == -1, "hello: HelloRetryRequest as ClientHello: -1");
	/* everything after cipher_suite is not looked at */
	suite = 0;
	ok(is_hrr(b, cs + 2, &suite) == 1 && suite == 0x1302,
	   "hello: HelloRetryRequest cut after cipher_suite: 1");

	/* cut in each field: -1, suite untouched */
	bad = 0;
	for (len = 0; len < HELLO_FIXED; len++) {
		suite = 0xa5a5;
		if (is_hrr(b, len, &suite) != -1 || suite != 0xa5a5)
			bad++;
	}
	ok(!bad, "hello: HelloRetryRequest cut in legacy_version, random: -1");
	bad = 0;
	for (len = HELLO_FIXED; len < cs; len++) {
		suite = 0xa5a5;
		if (is_hrr(b, len, &suite) != -1 || suite != 0xa5a5)
			bad++;
	}
	ok(!bad, "hello: HelloRetryRequest cut in legacy_session_id_echo: -1");
	bad = 0;
	for (len = cs; len < cs + 2; len++) {
		suite = 0xa5a5;
		if (is_hrr(b, len, &suite) != -1 || suite != 0xa5a5)
			bad++;
	}
	ok(!bad, "hello: HelloRetryRequest cut in cipher_suite: -1");
	b[sid] = 33;
	suite = 0xa5a5;
	ok(is_hrr(b, cs + 1, &suite) == -1 && suite == 0xa5a5,
	   "hello: HelloRetryRequest, session id past the suite: -1");
	b[sid] = 255;
	ok(is_hrr(b, n, &suite) == -1 && suite == 0xa5a5,
	   "hello: HelloRetryRequest, session id past the end: -1");
	b[sid] = 32;

	/* a ServerHello: 0 whatever follows the random, suite untouched */
	b[33] ^= 0x01;
	bad = 0;
	for (len = HELLO_FIXED; len <= n; len++) {
		suite = 0xa5a5;
		if (is_hrr(b, len, &suite) != 0 || suite != 0xa5a5)
			bad++;
	}
	ok(!bad, "hello: ServerHello (HRR random, a bit flipped), cut: 0");
	b[33] ^= 0x01;
	b[2] ^= 0x80;
	suite = 0xa5a5;
	ok(is_hrr(b, n, &suite) == 0 && suite == 0xa5a5,
	   "hello: ServerHello (HRR random, first bit flipped): 0");
	memset(b + 2, 0, 32);
	bad = 0;
	for (len = 0; len < HELLO_FIXED; len++)
		if (is_hrr(b, len, &suite) != -1)
			bad++;
	ok(!bad && is_hrr(b, HELLO_FIXED, &suite) == 0 &&
	   suite == 0xa5a5, "hello: ServerHello cut in its random: -1");
}

/* ---- OpenSSL glue over a socketpair ----------------------------------- */

static char logged[2][200];	/* the application's own keylog callback */

static void app_keylog(const SSL *ssl, const char *line)
{
	int server = SSL_is_server(ssl);

	if (!strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24) && !server)
		snprintf(logged[0], sizeof(logged[0]), "%s", line);
	if (!strncmp(line, "SERVER_TRAFFIC_SECRET_0 ", 24) && server)
		snprintf(logged[1], sizeof(logged[1]), "%s", line);
}

static void test_ossl(const char *suite, int tickets)
{
	const struct ktlsph_suite *st = ktlsph_suite_by_name(suite);
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	struct ktlsph_keylog kc, ks;
	SSL *c = NULL, *s = NULL;
	char err[256];
	int sv[2] = { -1, -1 }, ret;

	memset(logged, 0, sizeof(logged));
	if (!cctx || !sctx || !st || !use_test_cert(sctx) ||
	    !SSL_CTX_set_ciphersuites(cctx, suite) ||
	    !SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_num_tickets(sctx, tickets) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK)) {
		ok(0, "%s: test setup", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	/* an application keylog callback must keep working */
	SSL_CTX_set_keylog_callback(cctx, app_keylog);
	SSL_CTX_set_keylog_callback(sctx, app_keylog);
	SSL_CTX_set_read_ahead(cctx, 1);
	ok(!ktlsph_ossl_capture(cctx) && !ktlsph_ossl_capture(sctx) &&
	   !ktlsph_ossl_capture(sctx), "%s: capture (twice is fine)", suite);
	ok(!SSL_CTX_get_read_ahead(cctx), "%s: capture turns read-ahead off",
	   suite);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	if (!c || !s || !SSL_set_fd(c, sv[0]) || !SSL_set_fd(s, sv[1]) ||
	    handshake(c, s)) {
		ok(0, "%s: handshake", suite);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	ok(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(c)) == st->id,
	   "%s: handshake", suite);
	ok(!ktlsph_keylog_parse(logged[0], &kc) &&
	   !ktlsph_keylog_parse(logged[1], &ks) &&
	   kc.secret_len == st->hash_len,
	   "%s: the application's keylog callback still runs", suite);

	/*
	 * All checks pass and kTLS setup is reached, which an AF_UNIX
	 * socket refuses.
	 */
	ret = ktlsph_ossl_attach(c, sv[0], KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EOPNOTSUPP && strstr(err, "TCP_ULP"),
	   "%s: client reaches kTLS setup (%s)", suite, err);
	/* secrets wiped after any attempt */
	ret = ktlsph_ossl_attach(c, sv[0], KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not captured"),
	   "%s: secrets are wiped after an attempt (%s)", suite, err);
	ret = ktlsph_ossl_attach(c, sv[1], KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EINVAL && strstr(err, "socket"),
	   "%s: fd must be the SSL's (%s)", suite, err);

	ret = ktlsph_ossl_attach_ex(s, sv[1], KTLSPH_ROLE_SERVER, NULL, 0,
				    NULL, err, sizeof(err));
	if (tickets)
		ok(ret == -EINVAL && strstr(err, "num_tickets"),
		   "%s: server with tickets refused (%s)", suite, err);
	else
		ok(ret == -EOPNOTSUPP && strstr(err, "TCP_ULP"),
		   "%s: server reaches kTLS setup (%s)", suite, err);
	ret = ktlsph_ossl_attach(s, sv[1], KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EINVAL && strstr(err, "role"), "%s: role mismatch (%s)",
	   suite, err);
out:
	OPENSSL_cleanse(&kc, sizeof(kc));
	OPENSSL_cleanse(&ks, sizeof(ks));
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
}

static void test_ossl_uncaptured(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	char err[256];
	int ret;

	ret = ktlsph_ossl_attach(ssl, -1, KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EINVAL && strstr(err, "handshake"),
	   "attach before the handshake refused (%s)", err);
	ok(ktlsph_ossl_attach(NULL, -1, KTLSPH_ROLE_CLIENT, err,
			      sizeof(err)) == -EINVAL, "attach NULL SSL");
	ok(ktlsph_ossl_capture(NULL) == -EINVAL, "capture NULL SSL_CTX");
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static void test_attach_args(void)
{
	struct ktlsph_attach_args a = { 0 };
	uint8_t secret[32] = { 0 };
	char err[256];

	ok(ktlsph_attach(-1, NULL, NULL, err, sizeof(err)) == -EINVAL,
	   "attach: NULL args");
	a.tx_secret = secret;
	a.rx_secret = secret;
	a.secret_len = 32;
	a.role = 7;
	ok(ktlsph_attach(-1, &a, NULL, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "role"), "attach: bad role (%s)", err);
	a.role = KTLSPH_ROLE_CLIENT;
	a.secret_len = 49;
	ok(ktlsph_attach(-1, &a, NULL, err, sizeof(err)) == -EINVAL,
	   "attach: secret too long (%s)", err);
}

/* ---- handshake transcript capture ------------------------------------- */

/* The handshake traffic secrets, from the client's key log. */
static char hs_lines[2][200];
static int app_msgs;		/* the chained application message callback */

static void hs_keylog(const SSL *ssl, const char *line)
{
	(void)ssl;
	if (!strncmp(line, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ", 32))
		snprintf(hs_lines[0], sizeof(hs_lines[0]), "%s", line);
	if (!strncmp(line, "SERVER_HANDSHAKE_TRAFFIC_SECRET ", 32))
		snprintf(hs_lines[1], sizeof(hs_lines[1]), "%s", line);
}

static void app_msg_cb(int write_p, int version, int content_type,
		       const void *buf, size_t len, SSL *ssl, void *arg)
{
	(void)write_p;
	(void)version;
	(void)buf;
	(void)len;
	(void)ssl;
	if (content_type == SSL3_RT_HANDSHAKE && arg == &app_msgs)
		app_msgs++;
}

static void other_msg_cb(int write_p, int version, int content_type,
			 const void *buf, size_t len, SSL *ssl, void *arg)
{
	(void)write_p;
	(void)version;
	(void)content_type;
	(void)buf;
	(void)len;
	(void)ssl;
	(void)arg;
}

static int accept_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

/* A big ClientHello extension: a transcript over KTLSPH_MAX_TRANSCRIPT. */
static int big_ext_add(SSL *s, unsigned int ext_type, unsigned int context,
		       const unsigned char **out, size_t *outlen, X509 *x,
		       size_t chainidx, int *al, void *add_arg)
{
	static unsigned char big[64500];

	(void)s;
	(void)ext_type;
	(void)context;
	(void)x;
	(void)chainidx;
	(void)al;
	(void)add_arg;
	*out = big;
	*outlen = sizeof(big);
	return 1;
}

enum {
	TR_HRR = 1,		/* force a HelloRetryRequest */
	TR_PHA = 2,		/* the client offers post_handshake_auth */
	TR_CLIENT_AUTH = 4,	/* the server asks for a certificate */
	TR_REPLACED = 8,	/* the client's message callback replaced */
	TR_BIG = 16,		/* a ClientHello of 64 kB */
};

/*
 * Is the Finished at @fin (whole message) HMAC(finished_key(@line's
 * secret), Hash(@tr[0 .. @fin)))?
 */
static int finished_ok(const struct ktlsph_suite *st, const uint8_t *tr,
		       const uint8_t *fin, const char *line)
{
	uint8_t th[EVP_MAX_MD_SIZE], vd[EVP_MAX_MD_SIZE];
	struct ktlsph_keylog kl;
	unsigned int hlen = 0;
	int ret;

	if (ktlsph_keylog_parse(line, &kl) || kl.secret_len != st->hash_len)
		return 0;
	ret = EVP_Digest(tr, fin - tr, th, &hlen,
			 EVP_get_digestbyname(st->hash), NULL) &&
	      hlen == st->hash_len &&
	      !ktls_ph_u_verify_data(st->hash, kl.secret, kl.secret_len, th,
				     vd) &&
	      fin[0] == 20 && fin[3] == hlen && !memcmp(fin + 4, vd, hlen);
	OPENSSL_cleanse(&kl, sizeof(kl));
	return ret;
}

static void test_transcript(const char *suite, int flags)
{
	static const uint8_t hrr_random[8] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	};
	const struct ktlsph_suite *st = ktlsph_suite_by_name(suite);
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	static uint8_t tc[KTLSPH_MAX_TRANSCRIPT], ts[KTLSPH_MAX_TRANSCRIPT];
	const uint8_t *m, *fin[2] = { NULL, NULL };
	int sv[2] = { -1, -1 }, nc, ns, pc = -1, ps = -1, ret, nfin = 0;
	int types = 0, hrr_seen = 0;
	char name[160], err[256];
	SSL *c = NULL, *s = NULL;
	size_t off, mlen;

	snprintf(name, sizeof(name), "transcript %s%s%s%s%s%s", suite,
		 flags & TR_HRR ? " HRR" : "", flags & TR_PHA ? " pha" : "",
		 flags & TR_CLIENT_AUTH ? " client-auth" : "",
		 flags & TR_REPLACED ? " replaced-callback" : "",
		 flags & TR_BIG ? " 64k-ClientHello" : "");
	memset(hs_lines, 0, sizeof(hs_lines));
	app_msgs = 0;
	if (!cctx || !sctx || !st || !use_test_cert(sctx) ||
	    !SSL_CTX_set_ciphersuites(cctx, suite) ||
	    !SSL_CTX_set_ciphersuites(sctx, suite) ||
	    !SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_num_tickets(sctx, 0) ||
	    /* the client's key share is X25519; the server wants P-256 */
	    ((flags & TR_HRR) &&
	     (!SSL_CTX_set1_groups_list(cctx, "X25519:P-256") ||
	      !SSL_CTX_set1_groups_list(sctx, "P-256"))) ||
	    ((flags & TR_CLIENT_AUTH) && !use_test_cert(cctx)) ||
	    ((flags & TR_BIG) &&
	     !SSL_CTX_add_custom_ext(cctx, 0xfe3c, SSL_EXT_CLIENT_HELLO,
				     big_ext_add, NULL, NULL, NULL, NULL)) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK)) {
		ok(0, "%s: test setup", name);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	if (flags & TR_CLIENT_AUTH)
		SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, accept_any);
	SSL_CTX_set_keylog_callback(cctx, hs_keylog);
	SSL_CTX_set_msg_callback_arg(cctx, &app_msgs);
	ok(!ktlsph_ossl_set_msg_callback(cctx, app_msg_cb) &&
	   !ktlsph_ossl_capture(cctx) && !ktlsph_ossl_capture(sctx),
	   "%s: capture, application message callback chained", name);
	if (flags & TR_REPLACED)
		SSL_CTX_set_msg_callback(cctx, other_msg_cb);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	if (!c || !s || !SSL_set_fd(c, sv[0]) || !SSL_set_fd(s, sv[1])) {
		ok(0, "%s: SSL_new", name);
		goto out;
	}
	if (flags & TR_PHA)
		SSL_set_post_handshake_auth(c, 1);
	if (handshake(c, s)) {
		ok(0, "%s: handshake", name);
		ERR_print_errors_fp(stdout);
		goto out;
	}
	nc = ktlsph_ossl_transcript(c, tc, sizeof(tc), &pc);
	ns = ktlsph_ossl_transcript(s, ts, sizeof(ts), &ps);
	if (flags & TR_BIG) {
		ok(nc == -EMSGSIZE && ns == -EMSGSIZE && pc == !!(flags & TR_PHA) &&
		   ps == pc, "%s: too long, not kept (%d, %d)", name, nc, ns);
		ret = ktlsph_ossl_attach(c, sv[0], KTLSPH_ROLE_CLIENT, err,
					 sizeof(err));
		ok(ret == -EOPNOTSUPP && strstr(err, "TCP_ULP"),
		   "%s: attach goes on without it (%s)", name, err);
		goto out;
	}
	if (flags & TR_REPLACED) {
		ok(nc == -ENOENT && pc == 0 && ns > 0,
		   "%s: no client transcript (%d), the server's (%d)", name,
		   nc, ns);
		ok(!app_msgs, "%s: the replaced callback is not called", name);
		goto out;
	}
	ok(app_msgs > 0, "%s: the application's message callback ran (%d)",
	   name, app_msgs);
	ok(nc > 0 && nc == ns && !memcmp(tc, ts, nc),
	   "%s: client and server transcripts equal (%d bytes)", name, nc);
	ok(pc == !!(flags & TR_PHA) && ps == pc,
	   "%s: post_handshake_auth offered %d/%d", name, pc, ps);
	ok(ktlsph_ossl_transcript(c, NULL, 0, NULL) == nc &&
	   ktlsph_ossl_transcript(c, tc, nc - 1, NULL) == -ENOSPC,
	   "%s: length query, short buffer", name);
	if (nc <= 0)
		goto out;

	/* whole messages, a Finished last, types in order */
	for (off = 0; off + 4 <= (size_t)nc; off += 4 + mlen) {
		m = tc + off;
		mlen = (size_t)m[1] << 16 | m[2] << 8 | m[3];
		if (off + 4 + mlen > (size_t)nc)
			break;
		if (m[0] == 20 && nfin < 2)
			fin[nfin++] = m;
		if (m[0] == 2 && mlen >= 34 &&
		    !memcmp(m + 6, hrr_random, sizeof(hrr_random)))
			hrr_seen++;
		if (m[0] < 32)
			types |= 1 << m[0];
	}
	ok(off == (size_t)nc && nfin == 2 && fin[1] + 4 + fin[1][3] ==
	   tc + nc, "%s: whole messages ending with the client Finished",
	   name);
	if (flags & TR_HRR)
		ok(tc[0] == 254 && tc[1] == 0 && tc[2] == 0 &&
		   tc[3] == st->hash_len && hrr_seen == 1 &&
		   tc[4 + st->hash_len] == 2,
		   "%s: message_hash, then the HelloRetryRequest", name);
	else
		ok(tc[0] == 1 && !hrr_seen, "%s: starts with the ClientHello",
		   name);
	ok((types & (1 << 11)) && (types & (1 << 15)),
	   "%s: Certificate and CertificateVerify present", name);
	if (nfin != 2)
		goto out;
	/* what OpenSSL computed over its own transcript */
	ok(finished_ok(st, tc, fin[0], hs_lines[1]),
	   "%s: server Finished = HMAC over the captured transcript", name);
	ok(finished_ok(st, tc, fin[1], hs_lines[0]),
	   "%s: client Finished = HMAC over the captured transcript", name);
	if (flags & TR_CLIENT_AUTH)
		ok(fin[1] - fin[0] > 4 + fin[0][3] && fin[0][4 + fin[0][3]] == 11,
		   "%s: the client's Certificate follows the server Finished",
		   name);

	ret = ktlsph_ossl_attach(c, sv[0], KTLSPH_ROLE_CLIENT, err,
				 sizeof(err));
	ok(ret == -EOPNOTSUPP && strstr(err, "TCP_ULP") &&
	   ktlsph_ossl_transcript(c, NULL, 0, NULL) == -ENOENT,
	   "%s: attach reaches kTLS setup, transcript wiped (%s)", name, err);
out:
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
}

/* ---- post-handshake authentication: names, formatting, arguments ---- */

#define WANT_LINE "cookie=9 role=server suite=TLS_AES_256_GCM_SHA384 " \
	"rx_rekeys=0 tx_rekeys=0 update_requested=0 auto_rekeys=0 " \
	"tx_records=0 tx_bytes=0 hs_records=3 tickets=4 pha_requests=5 " \
	"pha_answered=6 pha_declined=7 pha_timeouts=8 " \
	"pha_verdict=bad-certificate pha_alert=42"

static void test_pha_api(void)
{
	static const char * const names[] = {
		"none", "pending", "ok", "no-certificate", "bad-certificate",
		"unsupported-certificate", "decrypt-error", "illegal-parameter",
		"decode-error", "unexpected-message", "certificate-required",
		"timeout", "error",
	};
	struct ktlsph_stats st = { 0 };
	struct ktlsph_pha_result res;
	char line[1024], err[256];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ok(!strcmp(ktlsph_pha_verdict_name(i), names[i]),
		   "verdict %zu is %s", i, names[i]);
	ok(!strcmp(ktlsph_pha_verdict_name(13), "unknown") &&
	   !strcmp(ktlsph_pha_verdict_name(UINT32_MAX), "unknown"),
	   "unknown verdicts");
	ok(KTLSPH_PHA_OK == 2 && KTLSPH_PHA_ERROR == 12,
	   "verdict values follow the spec");

	st.cookie = 9;
	st.role = KTLSPH_ROLE_SERVER;
	st.suite = 0x1302;
	st.hs_records = 3;
	st.tickets = 4;
	st.pha_requests = 5;
	st.pha_answered = 6;
	st.pha_declined = 7;
	st.pha_timeouts = 8;
	st.pha_verdict = KTLSPH_PHA_BAD_CERTIFICATE;
	st.pha_alert = 42;
	ktlsph_stats_format(&st, line, sizeof(line));
	ok(!strcmp(line, WANT_LINE),
	   "stats line with the pha counters (%s)", line);
	st.pha_verdict = 99;
	ktlsph_stats_format(&st, line, sizeof(line));
	ok(!!strstr(line, " pha_verdict=unknown pha_alert=42"),
	   "stats line, unknown verdict");

	/* the netlink calls fail cleanly without the module (or a socket) */
	memset(&res, 0x55, sizeof(res));
	ret = ktlsph_pha_result(-1, &res, err, sizeof(err));
	ok(ret < 0 && !res.peer_cert && !res.verdict && err[0],
	   "pha_result without a socket: %d (%s), result zeroed", ret, err);
	ret = ktlsph_pha_wait(-1, 10, NULL, err, sizeof(err));
	ok(ret == -EINVAL, "pha_wait needs a result buffer");
	memset(&res, 0x55, sizeof(res));
	ret = ktlsph_pha_wait(-1, 10, &res, err, sizeof(err));
	ok(ret < 0 && !res.peer_cert, "pha_wait without a socket: %d (%s)",
	   ret, err);
	ret = ktlsph_pha_request(-1, err, sizeof(err));
	ok(ret < 0 && err[0], "pha_request without a socket: %d (%s)", ret,
	   err);
	res.peer_cert = malloc(10);
	res.peer_cert_len = 10;
	ktlsph_pha_result_free(&res);
	ok(!res.peer_cert && !res.peer_cert_len,
	   "pha_result_free frees and zeroes");
	ktlsph_pha_result_free(NULL);
}

int main(void)
{
	printf("TAP version 13\n");
	test_suites();
	test_crypto_info();
	test_ktls_setup_errors();
	test_keylog();
	test_hello_client();
	test_hello_client_big();
	test_hello_server();
	test_ossl("TLS_AES_128_GCM_SHA256", 0);
	test_ossl("TLS_AES_256_GCM_SHA384", 0);
	test_ossl("TLS_CHACHA20_POLY1305_SHA256", 2);
	test_ossl_uncaptured();
	test_attach_args();
	test_transcript("TLS_AES_128_GCM_SHA256", 0);
	test_transcript("TLS_AES_128_GCM_SHA256", TR_PHA);
	test_transcript("TLS_AES_256_GCM_SHA384", TR_HRR | TR_PHA);
	test_transcript("TLS_CHACHA20_POLY1305_SHA256", TR_HRR);
	test_transcript("TLS_AES_128_CCM_SHA256", TR_CLIENT_AUTH | TR_PHA);
	test_transcript("TLS_AES_256_GCM_SHA384",
			TR_HRR | TR_CLIENT_AUTH | TR_PHA);
	test_transcript("TLS_AES_128_GCM_SHA256", TR_REPLACED | TR_PHA);
	test_transcript("TLS_AES_128_GCM_SHA256", TR_BIG | TR_PHA);
	test_pha_api();
	printf("1..%d\n", passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
