/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: TLS 1.3 key schedule (RFC 8446 section 7) on the kernel crypto API.
 */
#ifndef _KTLS_PH_KEYSCHED_H
#define _KTLS_PH_KEYSCHED_H

#include <linux/types.h>

#define KTLS_PH_MAX_HASH_LEN	48	/* SHA-384 */
#define KTLS_PH_MAX_KEY_LEN	32	/* AES-256, ChaCha20 */
#define KTLS_PH_IV_LEN		12	/* every TLS 1.3 AEAD (RFC 8446 5.3) */
#define KTLS_PH_MAX_LABEL_LEN	(255 - 6)	/* "tls13 " prefix included in 255 */
#define KTLS_PH_MAX_CONTEXT_LEN	255

/* TLS 1.3 cipher suites kTLS can carry (IANA values) */
#define KTLS_PH_TLS_AES_128_GCM_SHA256		0x1301
#define KTLS_PH_TLS_AES_256_GCM_SHA384		0x1302
#define KTLS_PH_TLS_CHACHA20_POLY1305_SHA256	0x1303
#define KTLS_PH_TLS_AES_128_CCM_SHA256		0x1304

struct crypto_shash;

/**
 * struct ktls_ph_suite - parameters of one TLS 1.3 cipher suite
 * @id: IANA cipher suite value, e.g. 0x1301
 * @ktls_cipher: kTLS cipher type (TLS_CIPHER_* from <linux/tls.h>)
 * @hash_len: length of the suite's hash, and of every traffic secret
 * @key_len: AEAD key length
 * @salt_len: leading bytes of the 12-byte TLS 1.3 IV that kTLS calls "salt"
 * @name: IANA name, for messages
 * @hmac_alg: kernel crypto API name of the suite's HMAC
 */
struct ktls_ph_suite {
	u16 id;
	u16 ktls_cipher;
	u8 hash_len;
	u8 key_len;
	u8 salt_len;
	const char *name;
	const char *hmac_alg;
};

/**
 * struct ktls_ph_ks - key schedule context for one connection
 * @suite: the negotiated cipher suite
 * @hmac: keyed-hash transform, allocated once so derivations never allocate
 *
 * Derivations re-key @hmac, so callers serialise them (one context per
 * socket, used under the socket's lock).
 */
struct ktls_ph_ks {
	const struct ktls_ph_suite *suite;
	struct crypto_shash *hmac;
};

const struct ktls_ph_suite *ktls_ph_suite_by_id(u16 id);
const struct ktls_ph_suite *ktls_ph_suite_by_ktls_cipher(u16 ktls_cipher);

int ktls_ph_ks_init(struct ktls_ph_ks *ks, u16 suite_id);
void ktls_ph_ks_free(struct ktls_ph_ks *ks);

int ktls_ph_hkdf_expand_label(struct ktls_ph_ks *ks,
			      const u8 *secret, size_t secret_len,
			      const char *label,
			      const u8 *context, size_t context_len,
			      u8 *out, size_t out_len);
int ktls_ph_ks_next_secret(struct ktls_ph_ks *ks, const u8 *secret,
			   size_t secret_len, u8 *next, size_t next_len);
int ktls_ph_ks_traffic_key_iv(struct ktls_ph_ks *ks, const u8 *secret,
			      size_t secret_len, u8 *key, size_t key_len,
			      u8 *iv, size_t iv_len);
int ktls_ph_ks_finished_key(struct ktls_ph_ks *ks, const u8 *secret,
			    size_t secret_len, u8 *out, size_t out_len);
int ktls_ph_ks_verify_data(struct ktls_ph_ks *ks, const u8 *secret,
			   size_t secret_len, const u8 *transcript_hash,
			   size_t hash_len, u8 *out, size_t out_len);
int ktls_ph_ks_ticket_psk(struct ktls_ph_ks *ks, const u8 *rms,
			  size_t rms_len, const u8 *nonce, size_t nonce_len,
			  u8 *psk, size_t psk_len);

int ktls_ph_keysched_selftest(void);

#endif /* _KTLS_PH_KEYSCHED_H */
