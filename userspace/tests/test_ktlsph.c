// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of libktlsph, for what works without kTLS: the cipher
 * suite table, the kTLS crypto_info (key/iv split per suite, checked against
 * RFC 8448 and the OpenSSL-made vectors of kunit/keysched_vectors.h), the
 * key log line parser, and the OpenSSL glue up to the point where kTLS is
 * needed (a real TLS 1.3 handshake over a socketpair).
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

#include "ktlsph.h"
#include "ossl_pair.h"
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

int main(void)
{
	printf("TAP version 13\n");
	test_suites();
	test_crypto_info();
	test_ktls_setup_errors();
	test_keylog();
	test_ossl("TLS_AES_128_GCM_SHA256", 0);
	test_ossl("TLS_AES_256_GCM_SHA384", 0);
	test_ossl("TLS_CHACHA20_POLY1305_SHA256", 2);
	test_ossl_uncaptured();
	test_attach_args();
	printf("1..%d\n", passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
