// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: TLS 1.3 key schedule.
 *
 * HKDF-Expand-Label (RFC 8446 section 7.1) and the derivations ktls_ph needs
 * after the handshake: the next application traffic secret (7.2), the
 * traffic key and iv (7.3), the Finished key and verify_data (4.4.4) and the
 * ticket PSK (4.6.1). Built on the kernel's hmac(sha256) and hmac(sha384).
 * The transform is allocated once per context, so derivations never
 * allocate; intermediate blocks and the hash descriptor are wiped on return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tls.h>

#include "keysched.h"

static const char ktls_ph_label_prefix[] = "tls13 ";
#define KTLS_PH_PREFIX_LEN (sizeof(ktls_ph_label_prefix) - 1)

static const struct ktls_ph_suite ktls_ph_suites[] = {
	{
		.id = KTLS_PH_TLS_AES_128_GCM_SHA256,
		.ktls_cipher = TLS_CIPHER_AES_GCM_128,
		.hash_len = 32,
		.key_len = TLS_CIPHER_AES_GCM_128_KEY_SIZE,
		.salt_len = TLS_CIPHER_AES_GCM_128_SALT_SIZE,
		.name = "TLS_AES_128_GCM_SHA256",
		.hmac_alg = "hmac(sha256)",
	},
	{
		.id = KTLS_PH_TLS_AES_256_GCM_SHA384,
		.ktls_cipher = TLS_CIPHER_AES_GCM_256,
		.hash_len = 48,
		.key_len = TLS_CIPHER_AES_GCM_256_KEY_SIZE,
		.salt_len = TLS_CIPHER_AES_GCM_256_SALT_SIZE,
		.name = "TLS_AES_256_GCM_SHA384",
		.hmac_alg = "hmac(sha384)",
	},
	{
		.id = KTLS_PH_TLS_CHACHA20_POLY1305_SHA256,
		.ktls_cipher = TLS_CIPHER_CHACHA20_POLY1305,
		.hash_len = 32,
		.key_len = TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE,
		.salt_len = TLS_CIPHER_CHACHA20_POLY1305_SALT_SIZE,
		.name = "TLS_CHACHA20_POLY1305_SHA256",
		.hmac_alg = "hmac(sha256)",
	},
	{
		.id = KTLS_PH_TLS_AES_128_CCM_SHA256,
		.ktls_cipher = TLS_CIPHER_AES_CCM_128,
		.hash_len = 32,
		.key_len = TLS_CIPHER_AES_CCM_128_KEY_SIZE,
		.salt_len = TLS_CIPHER_AES_CCM_128_SALT_SIZE,
		.name = "TLS_AES_128_CCM_SHA256",
		.hmac_alg = "hmac(sha256)",
	},
};

/**
 * ktls_ph_suite_by_id() - look up a TLS 1.3 cipher suite
 * @id: IANA cipher suite value
 *
 * Return: the suite, or NULL when kTLS cannot carry it.
 */
const struct ktls_ph_suite *ktls_ph_suite_by_id(u16 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ktls_ph_suites); i++)
		if (ktls_ph_suites[i].id == id)
			return &ktls_ph_suites[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_suite_by_id);

/**
 * ktls_ph_suite_by_ktls_cipher() - look up the TLS 1.3 suite of a kTLS cipher
 * @ktls_cipher: TLS_CIPHER_* value from a kTLS crypto_info
 *
 * Return: the suite, or NULL when no TLS 1.3 suite uses that cipher.
 */
const struct ktls_ph_suite *ktls_ph_suite_by_ktls_cipher(u16 ktls_cipher)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ktls_ph_suites); i++)
		if (ktls_ph_suites[i].ktls_cipher == ktls_cipher)
			return &ktls_ph_suites[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_suite_by_ktls_cipher);

/**
 * ktls_ph_ks_init() - set up a key schedule context
 * @ks: context to fill
 * @suite_id: IANA cipher suite value
 *
 * Allocates the suite's HMAC transform. May sleep.
 *
 * Return: 0, -EINVAL for an unknown suite, or the crypto API's error.
 */
int ktls_ph_ks_init(struct ktls_ph_ks *ks, u16 suite_id)
{
	const struct ktls_ph_suite *suite = ktls_ph_suite_by_id(suite_id);
	struct crypto_shash *tfm;

	if (!ks)
		return -EINVAL;
	ks->suite = NULL;
	ks->hmac = NULL;
	if (!suite)
		return -EINVAL;

	tfm = crypto_alloc_shash(suite->hmac_alg, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_digestsize(tfm) != suite->hash_len) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	ks->suite = suite;
	ks->hmac = tfm;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_init);

/**
 * ktls_ph_ks_free() - release a key schedule context
 * @ks: context set up by ktls_ph_ks_init(); may be unset or NULL
 *
 * The transform's keyed state is wiped when the crypto API frees it.
 */
void ktls_ph_ks_free(struct ktls_ph_ks *ks)
{
	if (!ks)
		return;
	crypto_free_shash(ks->hmac);
	ks->hmac = NULL;
	ks->suite = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_free);

static bool ktls_ph_ks_ready(const struct ktls_ph_ks *ks)
{
	return ks && ks->suite && ks->hmac;
}

struct ktls_ph_seg {
	const void *p;
	size_t len;
};

/**
 * ktls_ph_hkdf_expand_label() - HKDF-Expand-Label of RFC 8446 section 7.1
 * @ks: key schedule context (gives the hash)
 * @secret: the PRK, exactly the suite's hash length
 * @secret_len: length of @secret
 * @label: label without the "tls13 " prefix, NUL terminated
 * @context: context bytes, may be NULL when @context_len is 0
 * @context_len: 0 to 255
 * @out: output buffer; may be @secret
 * @out_len: 1 to 255 * hash length
 *
 * Return: 0, or -EINVAL for a bad argument (out is then untouched), or the
 * crypto API's error (out is then zeroed).
 */
int ktls_ph_hkdf_expand_label(struct ktls_ph_ks *ks,
			      const u8 *secret, size_t secret_len,
			      const char *label,
			      const u8 *context, size_t context_len,
			      u8 *out, size_t out_len)
{
	u8 t[KTLS_PH_MAX_HASH_LEN];
	u8 hdr[3], clen, ctr = 0;
	size_t hash_len, label_len, done = 0, i;
	struct ktls_ph_seg segs[7];
	int err;

	if (!ktls_ph_ks_ready(ks) || !secret || !label || !out)
		return -EINVAL;
	hash_len = ks->suite->hash_len;
	label_len = strnlen(label, KTLS_PH_MAX_LABEL_LEN + 1);
	if (secret_len != hash_len || label_len > KTLS_PH_MAX_LABEL_LEN ||
	    context_len > KTLS_PH_MAX_CONTEXT_LEN ||
	    (context_len && !context) || !out_len || out_len > 255 * hash_len)
		return -EINVAL;

	err = crypto_shash_setkey(ks->hmac, secret, secret_len);
	if (err)
		return err;

	/* HkdfLabel: uint16 length, opaque label<7..255>, opaque context<0..255> */
	hdr[0] = out_len >> 8;
	hdr[1] = out_len & 0xff;
	hdr[2] = KTLS_PH_PREFIX_LEN + label_len;
	clen = context_len;
	/* T(n) = HMAC(PRK, T(n-1) | HkdfLabel | n) */
	segs[0] = (struct ktls_ph_seg){ t, 0 };
	segs[1] = (struct ktls_ph_seg){ hdr, sizeof(hdr) };
	segs[2] = (struct ktls_ph_seg){ ktls_ph_label_prefix, KTLS_PH_PREFIX_LEN };
	segs[3] = (struct ktls_ph_seg){ label, label_len };
	segs[4] = (struct ktls_ph_seg){ &clen, 1 };
	segs[5] = (struct ktls_ph_seg){ context, context_len };
	segs[6] = (struct ktls_ph_seg){ &ctr, 1 };

	{
		SHASH_DESC_ON_STACK(desc, ks->hmac);

		desc->tfm = ks->hmac;
		while (done < out_len) {
			size_t n = min(hash_len, out_len - done);

			ctr++;
			err = crypto_shash_init(desc);
			for (i = 0; !err && i < ARRAY_SIZE(segs); i++)
				if (segs[i].len)
					err = crypto_shash_update(desc, segs[i].p,
								  segs[i].len);
			if (!err)
				err = crypto_shash_final(desc, t);
			if (err)
				break;
			memcpy(out + done, t, n);
			done += n;
			segs[0].len = hash_len;
		}
		shash_desc_zero(desc);
	}
	memzero_explicit(t, sizeof(t));
	/* t is all zero now: do not leave the secret keyed in the transform */
	crypto_shash_setkey(ks->hmac, t, hash_len);
	if (err)
		memzero_explicit(out, out_len);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_hkdf_expand_label);

/**
 * ktls_ph_ks_next_secret() - application_traffic_secret_N+1 (RFC 8446 7.2)
 * @ks: key schedule context
 * @secret: application_traffic_secret_N
 * @secret_len: the suite's hash length
 * @next: output, hash length bytes; may be @secret (updated in place)
 * @next_len: the suite's hash length
 *
 * Return: 0 or a negative errno as ktls_ph_hkdf_expand_label().
 */
int ktls_ph_ks_next_secret(struct ktls_ph_ks *ks, const u8 *secret,
			   size_t secret_len, u8 *next, size_t next_len)
{
	if (!ktls_ph_ks_ready(ks) || next_len != ks->suite->hash_len)
		return -EINVAL;
	return ktls_ph_hkdf_expand_label(ks, secret, secret_len, "traffic upd",
					 NULL, 0, next, next_len);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_next_secret);

/**
 * ktls_ph_ks_traffic_key_iv() - record key and iv of a traffic secret (7.3)
 * @ks: key schedule context
 * @secret: a traffic secret
 * @secret_len: the suite's hash length
 * @key: output, the suite's key length
 * @key_len: the suite's key length
 * @iv: output, 12 bytes (kTLS's salt followed by its iv)
 * @iv_len: 12
 *
 * Return: 0 or a negative errno; on error both outputs are zeroed when they
 * could have been written.
 */
int ktls_ph_ks_traffic_key_iv(struct ktls_ph_ks *ks, const u8 *secret,
			      size_t secret_len, u8 *key, size_t key_len,
			      u8 *iv, size_t iv_len)
{
	int err;

	if (!ktls_ph_ks_ready(ks) || !key || !iv ||
	    key_len != ks->suite->key_len || iv_len != KTLS_PH_IV_LEN)
		return -EINVAL;
	err = ktls_ph_hkdf_expand_label(ks, secret, secret_len, "key", NULL, 0,
					key, key_len);
	if (!err)
		err = ktls_ph_hkdf_expand_label(ks, secret, secret_len, "iv",
						NULL, 0, iv, iv_len);
	if (err)
		memzero_explicit(key, key_len);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_traffic_key_iv);

/**
 * ktls_ph_ks_finished_key() - finished_key of RFC 8446 section 4.4.4
 * @ks: key schedule context
 * @secret: the base key (a handshake or application traffic secret)
 * @secret_len: the suite's hash length
 * @out: output, hash length bytes
 * @out_len: the suite's hash length
 *
 * Return: 0 or a negative errno as ktls_ph_hkdf_expand_label().
 */
int ktls_ph_ks_finished_key(struct ktls_ph_ks *ks, const u8 *secret,
			    size_t secret_len, u8 *out, size_t out_len)
{
	if (!ktls_ph_ks_ready(ks) || out_len != ks->suite->hash_len)
		return -EINVAL;
	return ktls_ph_hkdf_expand_label(ks, secret, secret_len, "finished",
					 NULL, 0, out, out_len);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_finished_key);

/**
 * ktls_ph_ks_verify_data() - Finished verify_data (RFC 8446 section 4.4.4)
 * @ks: key schedule context
 * @secret: the base key
 * @secret_len: the suite's hash length
 * @transcript_hash: Transcript-Hash(Handshake Context, Certificate*,
 *	CertificateVerify*)
 * @hash_len: the suite's hash length
 * @out: output, hash length bytes
 * @out_len: the suite's hash length
 *
 * Return: 0 or a negative errno; @out is zeroed on a crypto error.
 */
int ktls_ph_ks_verify_data(struct ktls_ph_ks *ks, const u8 *secret,
			   size_t secret_len, const u8 *transcript_hash,
			   size_t hash_len, u8 *out, size_t out_len)
{
	u8 finished_key[KTLS_PH_MAX_HASH_LEN];
	size_t len;
	int err;

	if (!ktls_ph_ks_ready(ks) || !transcript_hash || !out)
		return -EINVAL;
	len = ks->suite->hash_len;
	if (hash_len != len || out_len != len)
		return -EINVAL;

	err = ktls_ph_ks_finished_key(ks, secret, secret_len, finished_key, len);
	if (!err)
		err = crypto_shash_setkey(ks->hmac, finished_key, len);
	if (!err)
		err = crypto_shash_tfm_digest(ks->hmac, transcript_hash,
					      hash_len, out);
	memzero_explicit(finished_key, sizeof(finished_key));
	if (err)
		memzero_explicit(out, out_len);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_verify_data);

/**
 * ktls_ph_ks_ticket_psk() - PSK of a NewSessionTicket (RFC 8446 4.6.1)
 * @ks: key schedule context
 * @rms: resumption_master_secret
 * @rms_len: the suite's hash length
 * @nonce: the ticket_nonce, may be NULL when @nonce_len is 0
 * @nonce_len: 0 to 255
 * @psk: output, hash length bytes
 * @psk_len: the suite's hash length
 *
 * Return: 0 or a negative errno as ktls_ph_hkdf_expand_label().
 */
int ktls_ph_ks_ticket_psk(struct ktls_ph_ks *ks, const u8 *rms,
			  size_t rms_len, const u8 *nonce, size_t nonce_len,
			  u8 *psk, size_t psk_len)
{
	if (!ktls_ph_ks_ready(ks) || psk_len != ks->suite->hash_len)
		return -EINVAL;
	return ktls_ph_hkdf_expand_label(ks, rms, rms_len, "resumption",
					 nonce, nonce_len, psk, psk_len);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_ks_ticket_psk);
