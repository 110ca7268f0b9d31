// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph userspace: TLS 1.3 HKDF-Expand-Label on OpenSSL's TLS13-KDF.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "tls13kdf.h"

int ktls_ph_u_expand_label(const char *hash, const uint8_t *secret,
			   size_t secret_len, const char *label,
			   const uint8_t *context, size_t context_len,
			   uint8_t *out, size_t out_len)
{
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	static const char prefix[] = "tls13 ";
	OSSL_PARAM params[7], *p = params;
	EVP_KDF_CTX *kctx;
	EVP_KDF *kdf;
	int ok;

	kdf = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
	if (!kdf)
		return -1;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;

	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)hash, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)secret, secret_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
						 (void *)prefix,
						 sizeof(prefix) - 1);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
						 (void *)label, strlen(label));
	/* OpenSSL treats a NULL octet string as absent: pass "" for empty */
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA,
						 context_len ? (void *)context :
							       (void *)"",
						 context_len);
	*p = OSSL_PARAM_construct_end();

	ok = EVP_KDF_derive(kctx, out, out_len, params) > 0;
	EVP_KDF_CTX_free(kctx);
	return ok ? 0 : -1;
}

int ktls_ph_u_hmac(const char *hash, const uint8_t *key, size_t key_len,
		   const uint8_t *data, size_t data_len, uint8_t *out)
{
	size_t out_len = 0;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, hash, NULL, key, key_len,
		       data, data_len, out, EVP_MAX_MD_SIZE, &out_len))
		return -1;
	return 0;
}

int ktls_ph_u_verify_data(const char *hash, const uint8_t *secret,
			  size_t len, const uint8_t *transcript_hash,
			  uint8_t *out)
{
	uint8_t fk[EVP_MAX_MD_SIZE];
	int err;

	err = ktls_ph_u_expand_label(hash, secret, len, "finished", NULL, 0,
				     fk, len);
	if (!err)
		err = ktls_ph_u_hmac(hash, fk, len, transcript_hash, len, out);
	OPENSSL_cleanse(fk, sizeof(fk));
	return err;
}
