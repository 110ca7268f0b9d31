// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-vectors: print kunit/keysched_vectors.h, the expected values the
 * kernel key schedule is checked against, computed with OpenSSL's own
 * TLS 1.3 KDF (an implementation independent of the module's).
 *
 * For every TLS 1.3 suite kTLS supports: a chain of KTLS_PH_CHAIN_GEN
 * successive KeyUpdates (application_traffic_secret_N+1 =
 * HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)) with the key
 * and iv of every generation, a Finished verify_data, ticket PSKs with a
 * short and a maximal (255-byte) nonce, and a multi-block expansion.
 * Output is deterministic; `make check` regenerates it and fails on drift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tls13kdf.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CHAIN_GEN	12
#define LONG_OUT	100

struct suite {
	unsigned int id;
	const char *name;
	const char *hash;
	size_t hash_len;
	size_t key_len;
};

static const struct suite suites[] = {
	{ 0x1301, "TLS_AES_128_GCM_SHA256", "SHA256", 32, 16 },
	{ 0x1302, "TLS_AES_256_GCM_SHA384", "SHA384", 48, 32 },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256", "SHA256", 32, 32 },
	{ 0x1304, "TLS_AES_128_CCM_SHA256", "SHA256", 32, 16 },
};

static void die(const char *what)
{
	fprintf(stderr, "ktls-ph-vectors: %s failed\n", what);
	exit(1);
}

static void digest(const char *hash, const char *text, uint8_t *out)
{
	unsigned int len;

	if (!EVP_Digest(text, strlen(text), out, &len,
			EVP_get_digestbyname(hash), NULL))
		die("EVP_Digest");
}

static void bytes(int depth, const uint8_t *p, size_t n)
{
	size_t i;

	printf("{");
	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			printf("\n%.*s", depth + 1, "\t\t\t\t\t\t");
		printf("0x%02x,%s", p[i], (i % 8 == 7 || i == n - 1) ? "" : " ");
	}
	printf("\n%.*s}", depth, "\t\t\t\t\t\t");
}

static void field(const char *name, const uint8_t *p, size_t n)
{
	printf("\t\t.%s = ", name);
	bytes(2, p, n);
	printf(",\n");
}

static void emit_suite(const struct suite *s)
{
	uint8_t secret[CHAIN_GEN + 1][EVP_MAX_MD_SIZE];
	uint8_t key[32], iv[12], th[EVP_MAX_MD_SIZE], vd[EVP_MAX_MD_SIZE];
	uint8_t nonce[255], psk[EVP_MAX_MD_SIZE], out[LONG_OUT];
	char seed[64];
	size_t n = s->hash_len;
	int g;

	snprintf(seed, sizeof(seed), "ktls_ph chain seed %s", s->hash);
	digest(s->hash, seed, secret[0]);
	for (g = 1; g <= CHAIN_GEN; g++)
		if (ktls_ph_u_expand_label(s->hash, secret[g - 1], n,
					   "traffic upd", NULL, 0,
					   secret[g], n))
			die("traffic upd");

	printf("\t{\n\t\t.suite = 0x%04x, /* %s */\n", s->id, s->name);
	printf("\t\t.hash_len = %zu,\n\t\t.key_len = %zu,\n", n, s->key_len);
	printf("\t\t.secret = {\n");
	for (g = 0; g <= CHAIN_GEN; g++) {
		printf("\t\t\t[%d] = ", g);
		bytes(3, secret[g], n);
		printf(",\n");
	}
	printf("\t\t},\n\t\t.key = {\n");
	for (g = 0; g <= CHAIN_GEN; g++) {
		if (ktls_ph_u_expand_label(s->hash, secret[g], n, "key", NULL,
					   0, key, s->key_len))
			die("key");
		printf("\t\t\t[%d] = ", g);
		bytes(3, key, s->key_len);
		printf(",\n");
	}
	printf("\t\t},\n\t\t.iv = {\n");
	for (g = 0; g <= CHAIN_GEN; g++) {
		if (ktls_ph_u_expand_label(s->hash, secret[g], n, "iv", NULL,
					   0, iv, sizeof(iv)))
			die("iv");
		printf("\t\t\t[%d] = ", g);
		bytes(3, iv, sizeof(iv));
		printf(",\n");
	}
	printf("\t\t},\n");

	/* Finished over a transcript hash, keyed by the last generation */
	digest(s->hash, "ktls_ph transcript", th);
	if (ktls_ph_u_verify_data(s->hash, secret[CHAIN_GEN], n, th, vd))
		die("verify_data");
	field("transcript_hash", th, n);
	field("verify_data", vd, n);

	/* Ticket PSKs: resumption_master_secret = generation 1 */
	for (g = 0; g < 255; g++)
		nonce[g] = (uint8_t)g;
	if (ktls_ph_u_expand_label(s->hash, secret[1], n, "resumption",
				   nonce, 8, psk, n))
		die("psk short");
	field("psk_nonce8", psk, n);
	if (ktls_ph_u_expand_label(s->hash, secret[1], n, "resumption",
				   nonce, 255, psk, n))
		die("psk long");
	field("psk_nonce255", psk, n);

	/* Output longer than one hash block, with a maximal context */
	if (ktls_ph_u_expand_label(s->hash, secret[2], n, "ktls_ph long",
				   nonce, 255, out, sizeof(out)))
		die("long expand");
	field("long_out", out, sizeof(out));
	printf("\t},\n");
}

int main(void)
{
	size_t i;

	printf("/* %s%s: GPL-2.0 */\n", "SP", "DX-License-Identifier");
	printf("/*\n * GENERATED FILE - DO NOT EDIT.\n");
	printf(" * Made by userspace/tools/ktls-ph-vectors (OpenSSL TLS13-KDF);\n");
	printf(" * `make vectors` regenerates it, `make check` fails on drift.\n */\n");
	printf("#ifndef _KTLS_PH_KEYSCHED_VECTORS_H\n#define _KTLS_PH_KEYSCHED_VECTORS_H\n\n");
	printf("#include <linux/types.h>\n\n");
	printf("#define KTLS_PH_CHAIN_GEN %d\n#define KTLS_PH_LONG_OUT %d\n\n",
	       CHAIN_GEN, LONG_OUT);
	printf("struct ktls_ph_chain_vector {\n\tu16 suite;\n\tu8 hash_len;\n\tu8 key_len;\n");
	printf("\tu8 secret[KTLS_PH_CHAIN_GEN + 1][48];\n");
	printf("\tu8 key[KTLS_PH_CHAIN_GEN + 1][32];\n");
	printf("\tu8 iv[KTLS_PH_CHAIN_GEN + 1][12];\n");
	printf("\tu8 transcript_hash[48];\n\tu8 verify_data[48];\n");
	printf("\tu8 psk_nonce8[48];\n\tu8 psk_nonce255[48];\n");
	printf("\tu8 long_out[KTLS_PH_LONG_OUT];\n};\n\n");
	printf("static const struct ktls_ph_chain_vector ktls_ph_chain_vectors[] = {\n");
	for (i = 0; i < ARRAY_SIZE(suites); i++)
		emit_suite(&suites[i]);
	printf("};\n\n#endif /* _KTLS_PH_KEYSCHED_VECTORS_H */\n");
	return 0;
}
