/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph GnuTLS glue: hand a GnuTLS TLS 1.3 session over to kTLS and
 * ktls_ph right after the handshake.
 *
 *	ktlsph_gnutls_capture(session);		before gnutls_handshake()
 *	gnutls_handshake(session);		returns 0
 *	ktlsph_gnutls_attach(session, fd, KTLSPH_ROLE_CLIENT, err, errlen);
 *	gnutls_deinit(session);			sends nothing
 *	then read()/write() (or ktlsph_recv()) on fd
 *
 * Link with libktlsph.a, gnutls, libcrypto (the library's key derivation)
 * and libnl-genl-3; libssl is not needed. Conventions as in ktlsph.h.
 * See Documentation/libktlsph.md.
 */
#ifndef KTLSPH_GNUTLS_H
#define KTLSPH_GNUTLS_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "ktlsph.h"

/*
 * The IANA value of the TLS 1.3 cipher suite kTLS supports whose AEAD is
 * GnuTLS cipher @cipher (TLS 1.3 suites are named by their AEAD and hash,
 * and each of these AEADs comes with one hash), or 0 if there is none:
 * GNUTLS_CIPHER_AES_128_GCM 0x1301, GNUTLS_CIPHER_AES_256_GCM 0x1302,
 * GNUTLS_CIPHER_CHACHA20_POLY1305 0x1303, GNUTLS_CIPHER_AES_128_CCM 0x1304.
 */
uint16_t ktlsph_gnutls_suite_id(gnutls_cipher_algorithm_t cipher);

/*
 * The GnuTLS cipher of suite @id, or GNUTLS_CIPHER_UNKNOWN. Its priority
 * string name is gnutls_cipher_get_name() of it, e.g. "AES-128-GCM" for
 * "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM".
 */
gnutls_cipher_algorithm_t ktlsph_gnutls_cipher(uint16_t id);

/*
 * Call on @session before gnutls_handshake(): installs
 * ktlsph_gnutls_secret_func() with gnutls_handshake_set_secret_function(),
 * which keeps a copy of the session's current application traffic secrets
 * (also across KeyUpdates GnuTLS itself processes before the attach).
 * GnuTLS has one secret function per session and no way to read it back:
 * an application that needs its own installs it after this call and calls
 * ktlsph_gnutls_secret_func() from it. Calling it again on the same session
 * starts over. Returns 0, -EINVAL or -ENOMEM.
 *
 * The copies live in a process-wide table (one entry per session, looked
 * up by the session pointer under a mutex) until ktlsph_gnutls_attach(),
 * ktlsph_gnutls_get_state() or ktlsph_gnutls_forget() takes them out:
 * call ktlsph_gnutls_forget() before gnutls_deinit() of a session that is
 * not handed over (a failed handshake, for example).
 */
int ktlsph_gnutls_capture(gnutls_session_t session);

/*
 * The gnutls_handshake_secret_func ktlsph_gnutls_capture() installs. It
 * only copies GNUTLS_ENCRYPTION_LEVEL_APPLICATION secrets of sessions
 * registered by ktlsph_gnutls_capture(), and always returns 0.
 */
int ktlsph_gnutls_secret_func(gnutls_session_t session,
			      gnutls_record_encryption_level_t level,
			      const void *secret_read,
			      const void *secret_write, size_t secret_size);

/* Drop (and wipe) what ktlsph_gnutls_capture() kept for @session. */
void ktlsph_gnutls_forget(gnutls_session_t session);

/*
 * What kTLS and ktls_ph get for a session: the suite, this side's (tx) and
 * the peer's (rx) current application traffic secrets, and the sequence
 * numbers of the next record to send and to receive under them. Wipe it
 * (gnutls_memset()) after use.
 */
struct ktlsph_gnutls_state {
	uint16_t suite;
	size_t secret_len;
	uint8_t tx_secret[KTLSPH_MAX_SECRET];
	uint8_t rx_secret[KTLSPH_MAX_SECRET];
	uint64_t tx_seq;
	uint64_t rx_seq;
};

/*
 * The checks of ktlsph_gnutls_attach() and @st for @session, without
 * touching any socket: TLS 1.3, a suite kTLS supports, GnuTLS has not
 * turned kTLS on itself, holds no received application data
 * (gnutls_record_check_pending()) and no corked data to send, the secrets
 * were captured, and GnuTLS's current record keys (gnutls_record_get_state())
 * are the ones derived from them. The sequence numbers come from
 * gnutls_record_get_state(): a server has sent its NewSessionTickets, and
 * records GnuTLS read or sent after the handshake count.
 *
 * First it has GnuTLS send a KeyUpdate it still owes the peer: GnuTLS
 * answers a KeyUpdate with update_requested that gnutls_record_recv()
 * processed only before its next data, and gnutls_record_send(session,
 * NULL, 0) sends just that (and nothing when nothing is owed). If that
 * cannot be sent yet (non-blocking socket): -EAGAIN, nothing else done,
 * call again. Otherwise the captured secrets are moved into @st (the table
 * entry is gone) in every case; on failure @st is zeroed.
 */
int ktlsph_gnutls_get_state(gnutls_session_t session,
			    struct ktlsph_gnutls_state *st, char *err,
			    size_t errlen);

/*
 * After gnutls_handshake() returned 0 on @session over connected TCP
 * socket @fd: ktlsph_gnutls_get_state(), configure kTLS on @fd with those
 * secrets and sequence numbers (ktlsph_ktls_setup()) and attach ktls_ph
 * (@role KTLSPH_ROLE_CLIENT or KTLSPH_ROLE_SERVER, which GnuTLS cannot
 * confirm; a server passes the client's SNI name along). If the session's
 * transport was set with gnutls_transport_set_int(), it must be @fd. The
 * secrets are wiped in every case but -EAGAIN (see
 * ktlsph_gnutls_get_state()). Afterwards never call
 * gnutls_record_send()/recv() or
 * gnutls_bye() on the session (its record state is stale): only
 * gnutls_deinit(), which sends nothing.
 */
int ktlsph_gnutls_attach(gnutls_session_t session, int fd, int role,
			 char *err, size_t errlen);

/*
 * ktlsph_gnutls_attach() with the options of ktlsph_ossl_attach_ex(): @opt
 * may give server_name (default: a server's received SNI name; GnuTLS does
 * not return the name a client sent, so a client passes it here),
 * peer_auth (default: PSK for a resumed session or a PSK handshake,
 * CERTIFICATE if the peer sent a certificate, else unknown),
 * resumption_secret (none by default: GnuTLS 3.7 gives the resumption
 * master secret to no callback and through no getter, so the tickets the
 * server sends after the hand-over get no PSK; see
 * Documentation/libktlsph.md), rekey_records and rekey_bytes; @attach zero
 * only configures kTLS; the socket cookie goes to *@cookie if not NULL.
 */
int ktlsph_gnutls_attach_ex(gnutls_session_t session, int fd, int role,
			    const struct ktlsph_attach_args *opt, int attach,
			    uint64_t *cookie, char *err, size_t errlen);

#endif /* KTLSPH_GNUTLS_H */
