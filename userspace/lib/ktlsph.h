/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph: userspace side of ktls_ph.
 *
 * ktls_ph is a kernel module that attaches to a kTLS TLS 1.3 socket and
 * handles, in the kernel, the handshake messages the peer sends after the
 * handshake (KeyUpdate, NewSessionTicket), and starts KeyUpdates itself.
 * This library:
 *   - configures kTLS (TCP_ULP "tls", TLS_TX, TLS_RX) from TLS 1.3
 *     application traffic secrets (ktlsph_ktls_setup());
 *   - talks to the module over generic netlink (family "ktls-ph"):
 *     ktlsph_attach(), ktlsph_detach(), ktlsph_key_update(), ktlsph_get(),
 *     ktlsph_dump(), and post-handshake client authentication on server
 *     sockets: ktlsph_pha_request(), ktlsph_pha_result(), ktlsph_pha_wait();
 *   - does both for an OpenSSL connection right after the handshake
 *     (ktlsph_ossl_capture() + ktlsph_ossl_attach(), below) or a GnuTLS
 *     one (ktlsph_gnutls.h);
 *   - offers small helpers for the plain-socket I/O that follows
 *     (ktlsph_recv(), ktlsph_send_alert()).
 *
 * Conventions: functions returning int return 0 (or a count) on success and
 * a negative errno on failure. Those taking (err, errlen) then also write a
 * NUL-terminated human readable message there (for netlink errors, the
 * kernel's extended ACK message when it sent one); err may be NULL.
 * See Documentation/libktlsph.md.
 */
#ifndef KTLSPH_H
#define KTLSPH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest TLS 1.3 traffic secret (SHA-384), as KTLS_PH_MAX_SECRET_LEN. */
#define KTLSPH_MAX_SECRET	48
/* Longest key (AES-256, ChaCha20) and the TLS 1.3 per-record iv length. */
#define KTLSPH_MAX_KEY		32
#define KTLSPH_IV_LEN		12

/* Roles, the values of enum ktls_ph_role. */
#define KTLSPH_ROLE_CLIENT	0
#define KTLSPH_ROLE_SERVER	1

/*
 * How the peer proved its identity in the handshake, the values of enum
 * ktls_ph_peer_auth (ktlsph_attach_args.peer_auth; stored with tickets).
 */
#define KTLSPH_PEER_AUTH_UNKNOWN	0
#define KTLSPH_PEER_AUTH_CERTIFICATE	1
#define KTLSPH_PEER_AUTH_PSK		2

/* TLS record content types (RFC 8446 section 5.1). */
#define KTLSPH_RT_ALERT		21
#define KTLSPH_RT_HANDSHAKE	22
#define KTLSPH_RT_APPDATA	23

/*
 * A TLS 1.3 cipher suite kTLS supports.
 * @id:		IANA value (0x1301 to 0x1304)
 * @name:	IANA / OpenSSL name, e.g. "TLS_AES_128_GCM_SHA256"
 * @hash:	OpenSSL digest name of the suite's hash ("SHA256", "SHA384")
 * @hash_len:	length of the hash, and so of the traffic secrets
 * @key_len:	AEAD key length
 * @salt_len:	bytes of the 12-byte iv kTLS takes as "salt" (4, or 0 for
 *		ChaCha20-Poly1305, whose crypto_info iv holds all 12)
 * @ktls_cipher: kTLS cipher_type (TLS_CIPHER_*)
 * @info_len:	size of the kTLS crypto_info structure (setsockopt optlen)
 */
struct ktlsph_suite {
	uint16_t id;
	const char *name;
	const char *hash;
	size_t hash_len;
	size_t key_len;
	size_t salt_len;
	uint16_t ktls_cipher;
	size_t info_len;
};

/* The suite with IANA value @id, or NULL if kTLS cannot do it. */
const struct ktlsph_suite *ktlsph_suite_by_id(uint16_t id);
/* The suite named @name (IANA name, case-insensitive), or NULL. */
const struct ktlsph_suite *ktlsph_suite_by_name(const char *name);

/*
 * kTLS crypto_info for one direction: big enough for every TLS 1.3 suite
 * kTLS supports. Only the first suite->info_len bytes are meaningful.
 */
struct ktlsph_crypto_info {
	uint8_t buf[64];
};

/*
 * Fill @ci with the kTLS TLS_TX/TLS_RX crypto_info of @suite for the key and
 * iv derived from traffic secret @secret (HKDF-Expand-Label "key" and "iv"
 * with an empty context) and record sequence number @seq. @secret_len must
 * be the suite's hash length. Wipe @ci (OPENSSL_cleanse) after use.
 * Returns 0 or -EINVAL (unknown suite, wrong secret length), -EIO (KDF).
 */
int ktlsph_crypto_info(uint16_t suite, const uint8_t *secret,
		       size_t secret_len, uint64_t seq,
		       struct ktlsph_crypto_info *ci);

/*
 * Configure kTLS TLS 1.3 on connected TCP socket @fd in both directions:
 * setsockopt TCP_ULP "tls", then TLS_TX from @tx_secret (this side's
 * application traffic secret, next record to send has sequence number
 * @tx_seq) and TLS_RX from @rx_secret (the peer's, next record to receive
 * is @rx_seq). Both secrets are @secret_len bytes. Derived key material is
 * wiped before returning. -ENOENT from TCP_ULP means the kernel has no kTLS
 * (CONFIG_TLS): the message says so.
 */
int ktlsph_ktls_setup(int fd, uint16_t suite, const uint8_t *tx_secret,
		      const uint8_t *rx_secret, size_t secret_len,
		      uint64_t tx_seq, uint64_t rx_seq, char *err,
		      size_t errlen);

/*
 * Arguments of ktlsph_attach(). Zero-initialise, then fill in.
 * @role:	KTLSPH_ROLE_CLIENT or KTLSPH_ROLE_SERVER
 * @suite:	IANA cipher suite value kTLS was configured with
 * @tx_secret:	this side's current application traffic secret (the one the
 *		kTLS TX key was derived from), @secret_len bytes
 * @rx_secret:	the peer's current application traffic secret
 * @resumption_secret: optional (NULL): resumption master secret,
 *		@secret_len bytes (a client's: the PSKs of the server's
 *		NewSessionTickets are derived from it)
 * @server_name: optional (NULL): the SNI name
 * @peer_auth:	optional (0, KTLSPH_PEER_AUTH_UNKNOWN: not sent): how the
 *		peer authenticated, KTLSPH_PEER_AUTH_CERTIFICATE (a full
 *		handshake with its certificate) or KTLSPH_PEER_AUTH_PSK
 *		(resumed, or an external PSK)
 * @rekey_records: send a KeyUpdate after this many records under one key
 *		(0: the module's default for the cipher)
 * @rekey_bytes: send a KeyUpdate after this many plaintext bytes (0: none)
 * @pha_offered: optional (0): the client offered post_handshake_auth
 *		(RFC 8446 4.6.2); needs @transcript. Only then are the two
 *		passed, and only then can a server socket ask for a client
 *		certificate (ktlsph_pha_request()) and a client socket answer
 *		a CertificateRequest.
 * @transcript:	with @pha_offered: the main handshake's messages,
 *		ClientHello through the client Finished, each whole with its
 *		4-byte header, in order (after a HelloRetryRequest the first
 *		ClientHello replaced by message_hash, RFC 8446 4.4.1),
 *		@transcript_len bytes, at most KTLSPH_MAX_TRANSCRIPT
 */
struct ktlsph_attach_args {
	int role;
	uint16_t suite;
	const uint8_t *tx_secret;
	const uint8_t *rx_secret;
	const uint8_t *resumption_secret;
	size_t secret_len;
	const char *server_name;
	uint64_t rekey_records;
	uint64_t rekey_bytes;
	int peer_auth;
	int pha_offered;
	const uint8_t *transcript;
	size_t transcript_len;
};

/* Longest handshake transcript the attach takes (the spec's max-len). */
#define KTLSPH_MAX_TRANSCRIPT	65000

/*
 * Attach ktls_ph to @fd, on which kTLS TLS 1.3 must already be configured
 * both ways (ktlsph_ktls_setup()). On success stores the socket cookie in
 * *@cookie (if not NULL). The secrets are only read; wiping them is the
 * caller's job. -ENOENT with "generic netlink family ... not found" means
 * the module is not loaded.
 */
int ktlsph_attach(int fd, const struct ktlsph_attach_args *a,
		  uint64_t *cookie, char *err, size_t errlen);

/* Detach ktls_ph from @fd (closing the socket also does it). */
int ktlsph_detach(int fd, char *err, size_t errlen);

/*
 * Send a TLS 1.3 KeyUpdate on @fd now (the kernel changes the send key);
 * with @request_peer non-zero, update_requested asks the peer to update its
 * send key too.
 */
int ktlsph_key_update(int fd, int request_peer, char *err, size_t errlen);

/*
 * Outcome of a post-handshake authentication a server socket asked for,
 * the values of enum ktls_ph_pha_verdict (ktlsph_pha_verdict_name()).
 */
#define KTLSPH_PHA_NONE				0
#define KTLSPH_PHA_PENDING			1
#define KTLSPH_PHA_OK				2
#define KTLSPH_PHA_NO_CERTIFICATE		3
#define KTLSPH_PHA_BAD_CERTIFICATE		4
#define KTLSPH_PHA_UNSUPPORTED_CERTIFICATE	5
#define KTLSPH_PHA_DECRYPT_ERROR		6
#define KTLSPH_PHA_ILLEGAL_PARAMETER		7
#define KTLSPH_PHA_DECODE_ERROR			8
#define KTLSPH_PHA_UNEXPECTED_MESSAGE		9
#define KTLSPH_PHA_CERTIFICATE_REQUIRED		10
#define KTLSPH_PHA_TIMEOUT			11
#define KTLSPH_PHA_ERROR			12

/* State and counters of an attached socket (never secrets). */
struct ktlsph_stats {
	uint64_t cookie;
	uint32_t role;
	uint16_t suite;
	uint64_t rx_rekeys;		/* peer KeyUpdates processed */
	uint64_t tx_rekeys;		/* KeyUpdates sent, any reason */
	uint64_t update_requested;	/* peer update_requested answered */
	uint64_t auto_rekeys;		/* KeyUpdates sent on a limit */
	uint64_t tx_records;		/* records under the current key */
	uint64_t tx_bytes;		/* bytes under the current key */
	uint64_t hs_records;		/* handshake records consumed */
	uint64_t tickets;		/* NewSessionTickets received */
	/*
	 * Post-handshake authentication. Client: CertificateRequests
	 * received, answered with a certificate, declined (helper, no
	 * helper, timeout). Server: requests sent, client certificates the
	 * helper accepted, empty Certificates received.
	 */
	uint64_t pha_requests;
	uint64_t pha_answered;
	uint64_t pha_declined;
	uint64_t pha_timeouts;		/* the helper did not answer in time */
	uint32_t pha_verdict;		/* server: KTLSPH_PHA_* of the last */
	uint8_t pha_alert;		/* the alert sent because of it, or 0 */
};

/* State and counters of the ktls_ph socket @fd. */
int ktlsph_get(int fd, struct ktlsph_stats *out, char *err, size_t errlen);

/*
 * Format @st as one line of "key=value" pairs (no newline): cookie, role
 * (client/server), suite (name), rx_rekeys, tx_rekeys, update_requested,
 * auto_rekeys, tx_records, tx_bytes, hs_records, tickets, pha_requests,
 * pha_answered, pha_declined, pha_timeouts, pha_verdict (its name, see
 * ktlsph_pha_verdict_name()), pha_alert. Returns what snprintf() returns.
 */
int ktlsph_stats_format(const struct ktlsph_stats *st, char *buf,
			size_t len);

/*
 * ktlsph_pha_verdict_name() - name of a KTLSPH_PHA_* verdict
 * @verdict:	the verdict
 *
 * Return: the spec's name ("none", "pending", "ok", "no-certificate",
 * "bad-certificate", "unsupported-certificate", "decrypt-error",
 * "illegal-parameter", "decode-error", "unexpected-message",
 * "certificate-required", "timeout", "error"), or "unknown".
 */
const char *ktlsph_pha_verdict_name(uint32_t verdict);

/*
 * struct ktlsph_pha_result - a server socket's post-handshake
 * authentication outcome (ktlsph_pha_result(), ktlsph_pha_wait())
 * @verdict:	KTLSPH_PHA_*
 * @alert:	the alert ktls_ph sent because of it (0: none, the
 *		connection goes on)
 * @peer_cert:	the client's leaf certificate (DER), malloc'd, once the
 *		helper accepted it; else NULL
 * @peer_cert_len: its length
 * @stats:	the socket's state and counters from the same reply
 *
 * Release with ktlsph_pha_result_free().
 */
struct ktlsph_pha_result {
	uint32_t verdict;
	uint8_t alert;
	uint8_t *peer_cert;
	size_t peer_cert_len;
	struct ktlsph_stats stats;
};

/*
 * ktlsph_pha_result_free() - free @res->peer_cert and zero @res
 * @res:	the result (NULL is fine)
 */
void ktlsph_pha_result_free(struct ktlsph_pha_result *res);

/*
 * ktlsph_pha_request() - ask the client to authenticate (server role)
 * @fd:		attached server socket
 * @err, @errlen: message buffer
 *
 * Sends a CertificateRequest (fresh random 32-byte context,
 * signature_algorithms) on @fd; the verdict becomes pending. The client's
 * answer is processed when the socket is read (ktlsph_pha_wait() does it
 * without consuming application data), the helper daemon checks it.
 *
 * Return: 0, or -EOPNOTSUPP (the client did not offer post_handshake_auth,
 * or the socket was attached without the transcript), -ENOTCONN (no helper
 * registered), -EBUSY (a request is pending), another -errno.
 */
int ktlsph_pha_request(int fd, char *err, size_t errlen);

/*
 * ktlsph_pha_result() - the current outcome on server socket @fd
 * @fd:		attached socket
 * @res:	filled (zeroed first, also on failure)
 * @err, @errlen: message buffer
 *
 * Return: 0 or -errno.
 */
int ktlsph_pha_result(int fd, struct ktlsph_pha_result *res, char *err,
		      size_t errlen);

/*
 * ktlsph_pha_wait() - wait for the outcome of a request
 * @fd:		attached server socket, after ktlsph_pha_request()
 * @timeout_ms: how long to wait at most (< 0: 10000)
 * @res:	the outcome (always initialised: free it with
 *		ktlsph_pha_result_free() whatever the return value)
 * @err, @errlen: message buffer
 *
 * Subscribes to the pha-done notifications (generic netlink group "pha"
 * of ktls_ph) first, then loops: get the outcome; return once it is not
 * pending; else poll() @fd and the subscription. When @fd is readable,
 * peek at it (recv(MSG_PEEK | MSG_DONTWAIT) of one byte), which makes
 * ktls_ph process the client's handshake records without consuming
 * application data; on a pha-done for @fd's cookie (or lost
 * notifications), get again. The get decides; a safety get every 250 ms
 * covers a lost notification. Without the subscription (module without
 * the group, netlink failure), it gets every 25 ms instead.
 *
 * Return: 0 with the outcome in @res; -ETIMEDOUT when it is still pending
 * after @timeout_ms (@res holds the last state); -EAGAIN when application
 * data (or an alert) from the client is waiting to be read before
 * anything else (ktls_ph processes records in order: read it, then call
 * again); -ENOTCONN or the socket's error when the connection ended first
 * (the outcome is fetched once more: @res may then hold a final verdict);
 * another -errno from netlink.
 */
int ktlsph_pha_wait(int fd, int timeout_ms, struct ktlsph_pha_result *res,
		    char *err, size_t errlen);

/*
 * Called by ktlsph_dump() once per attached socket; a non-zero return stops
 * the walk (ktlsph_dump() then returns it).
 */
typedef int (*ktlsph_dump_cb)(const struct ktlsph_stats *st, void *arg);

/*
 * Every socket ktls_ph is attached to (in the caller's network namespace).
 * Returns the number of sockets reported, the callback's non-zero return
 * value, or a negative errno.
 */
int ktlsph_dump(ktlsph_dump_cb cb, void *arg, char *err, size_t errlen);

/*
 * Receive from a kTLS socket: like read(), but also reports the TLS record
 * content type in *@rtype (KTLSPH_RT_*), so that non-application records
 * (an alert such as close_notify, or a handshake record when ktls_ph is not
 * attached) do not fail with EIO. A non-data record is returned alone.
 * Returns the byte count (0 at TCP EOF) or -errno.
 */
ssize_t ktlsph_recv(int fd, void *buf, size_t len, int *rtype);

/* Send one TLS alert record (@level 1 warning / 2 fatal, @desc) on @fd. */
int ktlsph_send_alert(int fd, uint8_t level, uint8_t desc);

/* Send a close_notify alert: the orderly end of this side's stream. */
static inline int ktlsph_send_close_notify(int fd)
{
	return ktlsph_send_alert(fd, 1, 0);
}

/* Parsed NSS key log line, as OpenSSL's keylog callback produces. */
struct ktlsph_keylog {
	char label[40];
	uint8_t client_random[32];
	uint8_t secret[KTLSPH_MAX_SECRET];
	size_t secret_len;
};

/*
 * Parse "LABEL <64 hex client_random> <hex secret>" (one optional trailing
 * newline allowed). The secret must be 32 or 48 bytes. Returns 0 or -EINVAL.
 */
int ktlsph_keylog_parse(const char *line, struct ktlsph_keylog *out);

/*
 * OpenSSL integration (ktlsph_ossl.c; link with libssl). SSL and SSL_CTX are
 * OpenSSL's typedefs of these structures: include <openssl/ssl.h> to call
 * the functions below; this header does not, so that applications using
 * another TLS library do not need OpenSSL's headers.
 */
struct ssl_st;
struct ssl_ctx_st;

/*
 * ktlsph_ossl_capture(ctx) must be called on the SSL_CTX before the
 * handshake: it installs a keylog callback that keeps the two application
 * traffic secrets (CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0) of
 * each SSL in its ex_data (a keylog callback the application installed
 * before is still called), a message callback that records each SSL's
 * handshake transcript and whether the ClientHello offered
 * post_handshake_auth (ktlsph_ossl_transcript(); an application's own
 * message callback: ktlsph_ossl_set_msg_callback()), and turns read-ahead
 * off (OpenSSL must not read beyond the handshake: whatever it read would
 * be lost to kTLS). Call it before SSL_new(): an SSL copies the message
 * callback of its SSL_CTX when created. Returns 0 or -ENOMEM.
 */
int ktlsph_ossl_capture(struct ssl_ctx_st *ctx);

/*
 * The message callback an application passes to
 * ktlsph_ossl_set_msg_callback(): OpenSSL's SSL_CTX_set_msg_callback()
 * type.
 */
typedef void (*ktlsph_ossl_msg_cb)(int write_p, int version,
				   int content_type, const void *buf,
				   size_t len, struct ssl_st *ssl, void *arg);

/*
 * ktlsph_ossl_set_msg_callback() - chain an application's message callback
 * @ctx:	the SSL_CTX
 * @cb:		the application's callback (NULL: none)
 *
 * ktlsph_ossl_capture() records each handshake with an OpenSSL message
 * callback (SSL_CTX_set_msg_callback()); OpenSSL has one per SSL_CTX and
 * no getter. An application that wants its own calls this (before or
 * after the capture, before SSL_new()) instead of
 * SSL_CTX_set_msg_callback(): libktlsph then calls @cb for every message,
 * with the SSL_CTX_set_msg_callback_arg() argument. A message callback
 * installed with SSL_CTX_set_msg_callback() or SSL_set_msg_callback()
 * after the capture replaces it: no transcript, so no post-handshake
 * authentication (the attach says so in its message).
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int ktlsph_ossl_set_msg_callback(struct ssl_ctx_st *ctx,
				 ktlsph_ossl_msg_cb cb);

/*
 * ktlsph_ossl_transcript() - the handshake transcript captured for @ssl
 * @ssl:	the SSL, after the handshake (of an SSL_CTX with
 *		ktlsph_ossl_capture() done before SSL_new())
 * @out:	where to copy it (NULL with @outlen 0: only the length)
 * @outlen:	room at @out
 * @pha_offered: if not NULL, set to 1 if the ClientHello carried the
 *		post_handshake_auth extension (49), else 0
 *
 * The transcript is every handshake message of the main handshake,
 * ClientHello through the client Finished, whole with 4-byte headers, in
 * order, both directions; after a HelloRetryRequest the first ClientHello
 * is replaced by the synthetic message_hash message (RFC 8446 4.4.1).
 * ktlsph_ossl_attach() wipes it.
 *
 * Return: its length; -ENOENT if none was recorded (no capture, message
 * callback replaced, handshake not complete, attach already done);
 * -EMSGSIZE if longer than KTLSPH_MAX_TRANSCRIPT (not kept); -ENOSPC if
 * @outlen is too small.
 */
int ktlsph_ossl_transcript(const struct ssl_st *ssl, uint8_t *out,
			   size_t outlen, int *pha_offered);

/*
 * Right after a successful SSL_connect()/SSL_accept() on @ssl over socket
 * @fd, and before any SSL_read()/SSL_write(): check the connection is TLS
 * 1.3 with a suite kTLS supports and that OpenSSL holds no unread bytes,
 * configure kTLS on @fd and attach ktls_ph. @role must match the SSL's
 * (KTLSPH_ROLE_CLIENT/SERVER). The captured secrets are wiped in every
 * case. From then on use read()/write() (or ktlsph_recv()) on @fd, never
 * SSL_read()/SSL_write(); SSL_free() the SSL without SSL_shutdown().
 *
 * Limitation: the TX record sequence number is assumed to be 0, i.e. this
 * side sent no record under its application key yet. That holds for a
 * client, and for a server only with SSL_CTX_set_num_tickets(ctx, 0) (an
 * OpenSSL server sends its NewSessionTickets in SSL_accept()): for a
 * server with tickets enabled this fails with -EINVAL.
 */
int ktlsph_ossl_attach(struct ssl_st *ssl, int fd, int role, char *err,
		       size_t errlen);

/*
 * ktlsph_ossl_attach() with the optional attach arguments: @opt may give
 * server_name (default: the SSL's SNI name), peer_auth (default: PSK if the
 * handshake resumed a session, CERTIFICATE if the peer sent a certificate,
 * else unknown), resumption_secret (a client's default: the one captured
 * on an SSL_CTX made with ktlsph_ossl_ctx_new(), see ktlsph_ticket.h;
 * none otherwise), rekey_records and rekey_bytes; its other fields are
 * ignored. @attach zero: only configure kTLS (the
 * application then handles post-handshake messages itself). Stores the
 * socket cookie in *@cookie when attaching and @cookie is not NULL.
 *
 * Post-handshake authentication: when the ClientHello carried
 * post_handshake_auth (a client: SSL_set_post_handshake_auth(ssl, 1) or
 * SSL_CTX_set_post_handshake_auth(); a server: the client offered it),
 * pha-offered and the captured transcript (ktlsph_ossl_transcript()) are
 * passed; otherwise neither. When it was offered but no usable transcript
 * exists (longer than KTLSPH_MAX_TRANSCRIPT, or not captured because the
 * message callback was replaced), the attach goes on without them and,
 * on success, @err holds a note saying so (otherwise @err is empty on
 * success): a server socket then cannot request a certificate, and a
 * client socket answers a CertificateRequest with an unexpected_message
 * alert.
 */
int ktlsph_ossl_attach_ex(struct ssl_st *ssl, int fd, int role,
			  const struct ktlsph_attach_args *opt, int attach,
			  uint64_t *cookie, char *err, size_t errlen);

#endif /* KTLSPH_H */
