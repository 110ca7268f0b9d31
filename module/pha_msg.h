/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: the messages of post-handshake client authentication (RFC 8446
 * 4.6.2): CertificateRequest (4.3.2), Certificate (4.4.2),
 * CertificateVerify (4.4.3) and Finished (4.4.4). Parsers and builders are
 * pure functions on byte buffers, with no kernel dependencies beyond the
 * integer types, so the same file is built in userspace for fuzzing
 * (userspace/fuzz/fuzz_pha.c). Signatures, certificate chains and the
 * transcript are not handled here.
 */
#ifndef _KTLS_PH_PHA_MSG_H
#define _KTLS_PH_PHA_MSG_H

#include "hsmsg.h"

#ifndef __KERNEL__
typedef unsigned short u16;
#endif

/* RFC 8446 section 6: AlertDescription values besides those of hsmsg.h */
#define KTLS_PH_ALERT_BAD_CERTIFICATE		42
#define KTLS_PH_ALERT_UNSUPPORTED_CERTIFICATE	43
#define KTLS_PH_ALERT_DECRYPT_ERROR		51
#define KTLS_PH_ALERT_MISSING_EXTENSION		109
#define KTLS_PH_ALERT_CERTIFICATE_REQUIRED	116

/* RFC 8446 4.2 and RFC 8879: ExtensionType values */
#define KTLS_PH_EXT_SIGNATURE_ALGORITHMS	13
#define KTLS_PH_EXT_COMPRESS_CERTIFICATE	27
#define KTLS_PH_EXT_CERTIFICATE_AUTHORITIES	47

/* certificate_request_context<0..2^8-1> */
#define KTLS_PH_PHA_MAX_CTX_LEN		255
/* Finished verify_data lengths: SHA-256 and SHA-384 suites */
#define KTLS_PH_PHA_MIN_VERIFY_LEN	32
#define KTLS_PH_PHA_MAX_VERIFY_LEN	48

/**
 * struct ktls_ph_certreq - a parsed CertificateRequest
 * @ctx: certificate_request_context, inside the message
 * @ctx_len: its length, 0 to 255
 * @sigalgs: the supported_signature_algorithms list of the required
 *	signature_algorithms extension, without its 2-byte length: a
 *	non-empty sequence of 2-byte SignatureScheme values
 * @sigalgs_len: its length in bytes, even, 2 to 65534
 * @ext: the contents of the extensions block (without its 2-byte length),
 *	every extension, unknown ones included
 * @ext_len: its length, 4 to 65535
 * @has_compress_cert: compress_certificate (RFC 8879) is present
 * @has_cert_authorities: certificate_authorities is present
 *
 * The pointers point into the message passed to ktls_ph_certreq_parse(),
 * which must outlive the structure.
 */
struct ktls_ph_certreq {
	const u8 *ctx;
	u8 ctx_len;
	const u8 *sigalgs;
	u32 sigalgs_len;
	const u8 *ext;
	u32 ext_len;
	bool has_compress_cert;
	bool has_cert_authorities;
};

/**
 * struct ktls_ph_client_cert - a parsed Certificate from the client
 * @list: the contents of certificate_list (without its 3-byte length)
 * @list_len: its length
 * @nr_certs: CertificateEntry count (0: the client declined; no
 *	CertificateVerify follows, only Finished)
 * @leaf: cert_data of the first entry (NULL when @nr_certs is 0)
 * @leaf_len: its length
 */
struct ktls_ph_client_cert {
	const u8 *list;
	u32 list_len;
	u32 nr_certs;
	const u8 *leaf;
	u32 leaf_len;
};

/**
 * struct ktls_ph_cert_verify - a parsed CertificateVerify
 * @scheme: SignatureScheme
 * @sig: signature, inside the message
 * @sig_len: its length, 0 to 65535
 */
struct ktls_ph_cert_verify {
	u16 scheme;
	const u8 *sig;
	u32 sig_len;
};

int ktls_ph_certreq_parse(const struct ktls_ph_hs_msg *msg,
			  struct ktls_ph_certreq *cr);
bool ktls_ph_sigalg_offered(const u8 *sigalgs, u32 sigalgs_len, u16 scheme);
int ktls_ph_client_cert_parse(const struct ktls_ph_hs_msg *msg,
			      const u8 *ctx, u32 ctx_len,
			      struct ktls_ph_client_cert *cert);
int ktls_ph_cert_verify_parse(const struct ktls_ph_hs_msg *msg,
			      const u8 *sigalgs, u32 sigalgs_len,
			      struct ktls_ph_cert_verify *cv);
int ktls_ph_finished_parse(const struct ktls_ph_hs_msg *msg, u32 hash_len,
			   const u8 *expected);

int ktls_ph_certreq_build(u8 *buf, size_t size, const u8 *ctx, u32 ctx_len,
			  const u8 *sigalgs, u32 sigalgs_len);
int ktls_ph_cert_build(u8 *buf, size_t size, const u8 *ctx, u32 ctx_len,
		       const u8 *list, u32 list_len);
int ktls_ph_cert_build_empty(u8 *buf, size_t size, const u8 *ctx,
			     u32 ctx_len);
int ktls_ph_cert_verify_build(u8 *buf, size_t size, u16 scheme,
			      const u8 *sig, u32 sig_len);
int ktls_ph_finished_build(u8 *buf, size_t size, const u8 *verify_data,
			   u32 hash_len);

#endif /* _KTLS_PH_PHA_MSG_H */
