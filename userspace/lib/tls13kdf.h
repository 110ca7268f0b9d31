/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph userspace: TLS 1.3 HKDF-Expand-Label on OpenSSL's own TLS13-KDF,
 * an implementation independent of the kernel module's.
 */
#ifndef KTLS_PH_TLS13KDF_H
#define KTLS_PH_TLS13KDF_H

#include <stddef.h>
#include <stdint.h>

/* hash: "SHA256" or "SHA384". Returns 0 on success, -1 on error. */
int ktls_ph_u_expand_label(const char *hash, const uint8_t *secret,
			   size_t secret_len, const char *label,
			   const uint8_t *context, size_t context_len,
			   uint8_t *out, size_t out_len);

/* HMAC(key, data) with the named hash; out must hold the digest. */
int ktls_ph_u_hmac(const char *hash, const uint8_t *key, size_t key_len,
		   const uint8_t *data, size_t data_len, uint8_t *out);

/* finished_key = Expand-Label(secret, "finished"); HMAC(finished_key, th) */
int ktls_ph_u_verify_data(const char *hash, const uint8_t *secret,
			  size_t len, const uint8_t *transcript_hash,
			  uint8_t *out);

#endif
