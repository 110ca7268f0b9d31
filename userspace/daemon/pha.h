/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Post-handshake client authentication (RFC 8446 4.6.2) for ktls-phd:
 * the certificate and signature work the kernel hands to the helper.
 *
 * Client role (phd_pha_answer): the server sent a CertificateRequest; the
 * helper answers with a Certificate and a CertificateVerify built from the
 * [pha] certificate and key, or declines with an empty Certificate. The
 * kernel computes and sends the Finished (traffic secrets never leave it).
 *
 * Server role (phd_pha_verify): the client answered our CertificateRequest;
 * the helper checks the chain against [pha] ca_file/ca_dir and the
 * CertificateVerify signature, and returns a verdict with the alert to send.
 *
 * Transcript: the CertificateVerify of a post-handshake authentication
 * signs Transcript-Hash(main handshake through the client Finished,
 * CertificateRequest, Certificate) (RFC 8446 4.4.1: later authentications
 * do not include each other). Every message is passed whole, with its
 * 4-byte handshake header.
 *
 * handler.c calls these for the cert-request and client-cert events (see
 * Documentation/ktls-phd.md).
 */
#ifndef PHD_PHA_H
#define PHD_PHA_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The TLS 1.3 transcript hash, from the cipher suite. */
enum phd_pha_hash {
	PHD_PHA_SHA256,
	PHD_PHA_SHA384,
};

/* SignatureScheme values (RFC 8446 4.2.3) used for CertificateVerify. */
#define PHD_SIG_RSA_PKCS1_SHA256	0x0401	/* certificates only */
#define PHD_SIG_RSA_PKCS1_SHA384	0x0501
#define PHD_SIG_RSA_PKCS1_SHA512	0x0601
#define PHD_SIG_ECDSA_SECP256R1_SHA256	0x0403
#define PHD_SIG_ECDSA_SECP384R1_SHA384	0x0503
#define PHD_SIG_ECDSA_SECP521R1_SHA512	0x0603
#define PHD_SIG_RSA_PSS_RSAE_SHA256	0x0804
#define PHD_SIG_RSA_PSS_RSAE_SHA384	0x0805
#define PHD_SIG_RSA_PSS_RSAE_SHA512	0x0806
#define PHD_SIG_ED25519			0x0807
#define PHD_SIG_ED448			0x0808
#define PHD_SIG_RSA_PSS_PSS_SHA256	0x0809
#define PHD_SIG_RSA_PSS_PSS_SHA384	0x080a
#define PHD_SIG_RSA_PSS_PSS_SHA512	0x080b

/* Handshake message types. */
#define PHD_HS_CERTIFICATE_REQUEST	13
#define PHD_HS_CERTIFICATE		11
#define PHD_HS_CERTIFICATE_VERIFY	15

#define PHD_PHA_MAX_SCHEMES		64

/* What the [pha] section loaded: certificate chain, key, trust store. */
struct phd_pha;

/*
 * Load the files @pc names: certificate chain and key (both or neither;
 * the key must match the leaf), CA file and/or directory. Returns NULL
 * with "path: reason" in @err on failure. Nothing configured is fine: the
 * client role then declines, the server role reports every certificate as
 * bad_certificate (no trust anchor).
 */
struct phd_pha *phd_pha_new(const struct phd_pha_config *pc, char *err,
			    size_t errlen);
void phd_pha_free(struct phd_pha *p);

/* TLS cipher suite (0x1301 ...) -> hash, or -1 if not a TLS 1.3 suite. */
int phd_pha_hash_for_suite(uint16_t cipher_suite);

/* Name of a SignatureScheme ("rsa_pss_rsae_sha256") or "unknown". */
const char *phd_pha_scheme_name(uint16_t scheme);

/* A parsed CertificateRequest (pointers into the message). */
struct phd_pha_request {
	const uint8_t *context;
	size_t context_len;
	uint16_t sigalgs[PHD_PHA_MAX_SCHEMES];		/* signature_algorithms */
	size_t n_sigalgs;
	uint16_t sigalgs_cert[PHD_PHA_MAX_SCHEMES];	/* .._cert, or 0 */
	size_t n_sigalgs_cert;
};

/*
 * Parse the CertificateRequest message @msg (with its header) into @req.
 * Returns 0, or -EINVAL with the reason in @err (malformed, no
 * signature_algorithms, more than PHD_PHA_MAX_SCHEMES schemes).
 */
int phd_pha_parse_request(const uint8_t *msg, size_t len,
			  struct phd_pha_request *req, char *err,
			  size_t errlen);

/* Client role. */
struct phd_pha_answer_in {
	/* main handshake through the client Finished + CertificateRequest */
	const uint8_t *transcript;
	size_t transcript_len;
	enum phd_pha_hash hash;
	const uint8_t *context;			/* certificate_request_context */
	size_t context_len;			/* 0 .. 255 */
	const uint16_t *sigalgs;		/* signature_algorithms */
	size_t n_sigalgs;
	const uint16_t *sigalgs_cert;		/* may be NULL */
	size_t n_sigalgs_cert;
	/* the peer, for the allow_peer/decline_peer rules */
	const char *server_name;		/* NULL or "" if none */
	const char *peer_addr;			/* numeric, NULL if unknown */
	uint16_t peer_port;
};

struct phd_pha_answer {
	uint8_t *certificate;		/* Certificate message, with header */
	size_t certificate_len;
	uint8_t *certificate_verify;	/* CertificateVerify, NULL if declined */
	size_t certificate_verify_len;
	int declined;
	uint16_t scheme;		/* of the CertificateVerify */
	char reason[256];		/* why declined; or a warning */
};

/*
 * Answer a CertificateRequest: the Certificate (context echoed, the
 * configured chain leaf first, every certificate's extensions empty) and
 * the CertificateVerify signed with the first scheme of @in->sigalgs the
 * key supports. Declines (empty Certificate, no CertificateVerify, 0
 * returned, ans->declined and ans->reason set, logged at debug) when the
 * rules or the decline key say so, when no certificate is configured, or
 * when no offered scheme fits the key. Returns -EINVAL (bad input),
 * -ENOMEM or -EIO (OpenSSL failed) with the reason in @err.
 * Free @ans with phd_pha_answer_clear() in every case.
 */
int phd_pha_answer(const struct phd_pha *p, const struct phd_pha_config *pc,
		   const struct phd_pha_answer_in *in,
		   struct phd_pha_answer *ans, char *err, size_t errlen);
void phd_pha_answer_clear(struct phd_pha_answer *ans);

/*
 * Would a CertificateRequest from this peer be answered? 1 yes, 0 no
 * (first matching allow_peer/decline_peer rule, else "decline").
 */
int phd_pha_peer_allowed(const struct phd_pha_config *pc,
			 const char *server_name, const char *peer_addr,
			 uint16_t peer_port);

/* Server role. */
enum phd_pha_verdict {
	PHD_PHA_OK,
	PHD_PHA_NO_CERTIFICATE,		/* empty list */
	PHD_PHA_BAD_CERTIFICATE,	/* chain not trusted, unparsable */
	PHD_PHA_UNSUPPORTED_CERTIFICATE,/* key type, purpose */
	PHD_PHA_DECRYPT_ERROR,		/* signature does not verify */
	PHD_PHA_ILLEGAL_PARAMETER,	/* scheme not offered / not the key's */
	PHD_PHA_DECODE_ERROR,		/* malformed message */
	PHD_PHA_UNEXPECTED_MESSAGE,	/* CertificateVerify missing/extra */
};

/* TLS alerts (RFC 8446 6). */
#define PHD_ALERT_UNEXPECTED_MESSAGE	10
#define PHD_ALERT_BAD_CERTIFICATE	42
#define PHD_ALERT_UNSUPPORTED_CERT	43
#define PHD_ALERT_ILLEGAL_PARAMETER	47
#define PHD_ALERT_DECODE_ERROR		50
#define PHD_ALERT_DECRYPT_ERROR		51
#define PHD_ALERT_CERTIFICATE_REQUIRED	116

struct phd_pha_verify_in {
	/* main handshake through the client Finished + our CertificateRequest */
	const uint8_t *transcript;
	size_t transcript_len;
	enum phd_pha_hash hash;
	const uint8_t *context;			/* of our CertificateRequest */
	size_t context_len;
	const uint16_t *sigalgs;		/* we offered */
	size_t n_sigalgs;
	const uint8_t *certificate;		/* client's, with header */
	size_t certificate_len;
	const uint8_t *certificate_verify;	/* NULL if none was sent */
	size_t certificate_verify_len;
};

struct phd_pha_result {
	enum phd_pha_verdict verdict;
	uint8_t alert;		/* to send, 0: none (ok, or allowed no cert) */
	uint16_t scheme;	/* of the CertificateVerify, 0 if none */
	uint8_t *leaf_der;	/* the client's leaf certificate, or NULL */
	size_t leaf_der_len;
	char subject[256];	/* its subject (RFC 2253), or "" */
	char reason[256];	/* what was wrong */
};

/*
 * Check the client's answer to our CertificateRequest: message syntax and
 * context, chain (X509_verify_cert, purpose sslclient, the [pha] trust
 * store), scheme offered and matching the leaf key, then the signature.
 * Returns the verdict (also in @res; @res->alert is what to send,
 * certificate_required for an empty Certificate with require_certificate,
 * else none), -EINVAL for bad input (unknown hash, transcript not whole
 * messages ending with a CertificateRequest; reason in @res->reason), or
 * -ENOMEM/-EIO if the check itself failed. @p may be NULL (no trust
 * anchor: bad_certificate). Free @res with phd_pha_result_clear().
 */
int phd_pha_verify(const struct phd_pha *p, const struct phd_pha_config *pc,
		   const struct phd_pha_verify_in *in,
		   struct phd_pha_result *res);
void phd_pha_result_clear(struct phd_pha_result *res);

/* "ok", "no_certificate", "bad_certificate", ... */
const char *phd_pha_verdict_name(enum phd_pha_verdict v);

#endif /* PHD_PHA_H */
