/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph: TLS 1.3 session resumption from the tickets ktls_ph receives.
 *
 * A ktls_ph client socket receives the server's NewSessionTickets through
 * kTLS; the kernel derives each ticket's PSK from the resumption master
 * secret the application gave at attach, and a helper stores ticket and
 * PSK. This header has both ends of that flow for OpenSSL:
 *
 *   - the resumption master secret of an OpenSSL connection, which OpenSSL
 *     does not export: an SSL_CTX made by ktlsph_ossl_ctx_new() (or created
 *     with KTLSPH_OSSL_PROPQ after ktlsph_ossl_provider_load()) and
 *     captured with ktlsph_ossl_capture() has ktlsph_ossl_attach() pass it
 *     at attach, with the server name and how the server authenticated;
 *   - a stored ticket (struct ktlsph_ticket) as an OpenSSL SSL_SESSION a
 *     client resumes with (SSL_set_session()), or as the PEM "SSL SESSION
 *     PARAMETERS" that `openssl s_client -sess_in FILE` reads.
 *
 * Link with libssl and libcrypto. Conventions as in ktlsph.h: 0 or a
 * negative errno. OpenSSL's types are named by their structures (SSL_CTX is
 * struct ssl_ctx_st, SSL_SESSION struct ssl_session_st, ...) so that this
 * header needs no OpenSSL header. See Documentation/libktlsph.md.
 */
#ifndef KTLSPH_TICKET_H
#define KTLSPH_TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktlsph.h"

struct ossl_lib_ctx_st;
struct ssl_method_st;
struct ssl_ctx_st;
struct ssl_st;
struct ssl_session_st;

/* ---- the resumption master secret of an OpenSSL connection ------------ */

/*
 * The property query that makes an SSL_CTX derive its TLS 1.3 secrets with
 * the TLS13-KDF of libktlsph's built-in OpenSSL provider "ktlsph", which
 * records the resumption master secret of each handshake (it hands the
 * derivation itself to the TLS13-KDF of the other providers, normally
 * "default"). Optional ("?"): every other algorithm is fetched as without
 * it. An application with a property query of its own appends it:
 * "myprop=yes," KTLSPH_OSSL_PROPQ.
 */
#define KTLSPH_OSSL_PROPQ	"?ktlsph.rms=yes"

/*
 * Register and load the provider "ktlsph" in library context @libctx (NULL:
 * OpenSSL's default one), once; later calls do nothing. OpenSSL still loads
 * its "default" provider by itself if no other provider was loaded
 * explicitly (the fallback is kept). The provider stays loaded until
 * ktlsph_ossl_provider_unload(), which for the default context runs by
 * itself at exit. Returns 0, -ENOMEM or -EIO.
 */
int ktlsph_ossl_provider_load(struct ossl_lib_ctx_st *libctx);

/*
 * Unload what ktlsph_ossl_provider_load(@libctx) loaded: call it before
 * OSSL_LIB_CTX_free() of a library context of your own, and after the last
 * SSL_CTX using the provider is freed. Nothing if it is not loaded.
 */
void ktlsph_ossl_provider_unload(struct ossl_lib_ctx_st *libctx);

/*
 * A new SSL_CTX for @method (e.g. TLS_client_method()) in the default
 * library context that records each TLS 1.3 handshake's resumption master
 * secret: ktlsph_ossl_provider_load(NULL), SSL_CTX_new_ex(NULL,
 * KTLSPH_OSSL_PROPQ, method) and ktlsph_ossl_capture() (see ktlsph.h; it
 * turns read-ahead off). NULL on failure (OpenSSL's error queue says why).
 */
struct ssl_ctx_st *ktlsph_ossl_ctx_new(const struct ssl_method_st *method);

/*
 * Copy the resumption master secret captured for @ssl (after its TLS 1.3
 * handshake, on an SSL_CTX as above) to @out. Returns its length (the
 * suite's hash length, 32 or 48), -ENOENT if none was captured (not such
 * an SSL_CTX, no ktlsph_ossl_capture(), the handshake not done, or the
 * secrets already wiped by ktlsph_ossl_attach()), -ENOSPC if @outlen is
 * too small. ktlsph_ossl_attach() needs no call of this.
 */
int ktlsph_ossl_resumption_secret(const struct ssl_st *ssl, uint8_t *out,
				  size_t outlen);

/* ---- stored tickets ---------------------------------------------------- */

/*
 * One NewSessionTicket (RFC 8446 section 4.6.1) a client received, with the
 * PSK derived for it (HKDF-Expand-Label(resumption_master_secret,
 * "resumption", ticket_nonce, Hash.length)) and where it came from.
 * Zero-initialise; @ticket is malloc()ed and owned by the structure
 * (ktlsph_ticket_clear() frees it).
 */
struct ktlsph_ticket {
	uint16_t cipher_suite;		/* IANA, 0x1301.. */
	uint32_t lifetime;		/* seconds */
	uint32_t age_add;
	uint32_t max_early_data;	/* 0: none */
	uint8_t nonce[255];
	size_t nonce_len;
	uint8_t *ticket;		/* malloc'd */
	size_t ticket_len;
	uint8_t psk[48];
	size_t psk_len;
	uint64_t received_ms;		/* CLOCK_REALTIME ms */
	char server_name[256];		/* "" if none */
	int peer_auth;			/* enum ktls_ph_peer_auth */
};

/*
 * An OpenSSL TLS 1.3 client session that resumes with ticket @t: protocol
 * TLS 1.3, @t's cipher suite (one kTLS supports), master key the PSK,
 * session id SHA-256 of the ticket (as OpenSSL's own client sets it), time
 * the receive time (seconds; not later than time(NULL), the clock the client
 * takes the ticket age from, which can be a little behind CLOCK_REALTIME),
 * timeout and ticket lifetime hint the ticket lifetime, the ticket, its
 * age_add and max_early_data, host name the server name. Pass it to
 * SSL_set_session() (the client then offers the ticket if it is not older
 * than its lifetime) and SSL_SESSION_free() it.
 * The peer certificate is not part of a ticket: SSL_get0_peer_certificate()
 * of a resumed connection is NULL and its verify result X509_V_OK.
 * Returns 0 with *@out set, -EINVAL (no suite kTLS supports, a PSK that is
 * not the suite's hash length, no ticket, a ticket longer than 65535
 * bytes, a nonce longer than 255 bytes, a server name without its NUL),
 * -ENOMEM, or -EIO (OpenSSL refused the session).
 *
 * OpenSSL has no setter for the ticket, its age_add and lifetime hint: the
 * session is built as the DER that i2d_SSL_SESSION() writes (the
 * SSL_SESSION_ASN1 sequence of OpenSSL's ssl/ssl_asn1.c, version 1, with
 * the fields above; the others absent) and read with d2i_SSL_SESSION().
 */
int ktlsph_ticket_to_ossl_session(const struct ktlsph_ticket *t,
				  struct ssl_session_st **out);

/*
 * Write @t as a PEM "SSL SESSION PARAMETERS" block (PEM_write_SSL_SESSION()
 * of ktlsph_ticket_to_ossl_session()'s session) to @f: what `openssl
 * s_client -sess_in`, PEM_read_SSL_SESSION() and `ktls-ph-client --sess-in`
 * read. It holds the PSK: keep the file private. Returns 0, the errors of
 * ktlsph_ticket_to_ossl_session(), or -EIO (writing failed).
 */
int ktlsph_ticket_write_pem(const struct ktlsph_ticket *t, FILE *f);

/* Free @t's ticket, wipe the PSK, zero the whole structure. */
void ktlsph_ticket_clear(struct ktlsph_ticket *t);

#endif /* KTLSPH_TICKET_H */
