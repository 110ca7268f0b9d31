/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: in-kernel API, for kernel users that already hold an
 * established kTLS TLS 1.3 socket and its application traffic secrets
 * (for example a socket a tlshd-style daemon handed to an in-kernel
 * consumer). Userspace uses the generic netlink family instead; see
 * Documentation/keyupdate.md.
 */
#ifndef _NET_KTLS_PH_H
#define _NET_KTLS_PH_H

#include <linux/types.h>

struct sock;
struct netlink_ext_ack;

/* Longest server name ATTACH takes (a DNS name, RFC 6066 3) */
#define KTLS_PH_SERVER_NAME_MAX	255

/**
 * struct ktls_ph_attach_args - what ATTACH hands the kernel
 * @role: KTLS_PH_ROLE_CLIENT or KTLS_PH_ROLE_SERVER (uapi/linux/ktls_ph.h)
 * @suite_id: IANA TLS 1.3 cipher suite, e.g. 0x1301
 * @tx_secret: this side's current application traffic secret
 * @rx_secret: the peer's current application traffic secret
 * @secret_len: length of both secrets (the suite's hash length)
 * @rekey_records: records per send key before an automatic KeyUpdate,
 *	0 = the module's default
 * @rekey_bytes: plaintext bytes per send key before an automatic
 *	KeyUpdate, 0 = no byte limit
 * @resumption_secret: resumption_master_secret of the connection, from
 *	which ktls_ph derives the PSK of each NewSessionTicket the server
 *	sends and queues the ticket for the namespace's helper daemon
 *	(Documentation/tickets.md); NULL: tickets are consumed, not forwarded.
 *	Only client sockets use it (servers receive no tickets)
 * @resumption_secret_len: its length, the suite's hash length (0 without)
 * @server_name: server name the client asked for (SNI), NUL-terminated, at
 *	most KTLS_PH_SERVER_NAME_MAX bytes; stored with each ticket. NULL or
 *	"" for none
 * @peer_auth: how the peer proved its identity in the handshake, enum
 *	ktls_ph_peer_auth (uapi/linux/ktls_ph.h); stored with each ticket.
 *	0 (KTLS_PH_PEER_AUTH_UNKNOWN) when the caller does not say
 * @pha_offered: the client offered post_handshake_auth (RFC 8446 4.2.6):
 *	a client socket then answers CertificateRequests through the helper,
 *	a server socket may ask for one (Documentation/pha.md). Needs
 *	@transcript
 * @transcript: the main handshake's messages, ClientHello through the
 *	client Finished, each with its 4-byte header (the transcript that
 *	post-handshake messages continue); copied only with @pha_offered
 * @transcript_len: its length (at most 65000)
 *
 * The secrets and the server name are copied; the caller should wipe its
 * own copies of the secrets.
 */
struct ktls_ph_attach_args {
	u32 role;
	u16 suite_id;
	const u8 *tx_secret;
	const u8 *rx_secret;
	size_t secret_len;
	u64 rekey_records;
	u64 rekey_bytes;
	const u8 *resumption_secret;
	size_t resumption_secret_len;
	const char *server_name;
	u32 peer_auth;
	bool pha_offered;
	const u8 *transcript;
	size_t transcript_len;
};

int ktls_ph_sock_attach(struct sock *sk, const struct ktls_ph_attach_args *a,
			u64 *cookie, struct netlink_ext_ack *extack);
int ktls_ph_sock_detach(struct sock *sk, struct netlink_ext_ack *extack);
int ktls_ph_sock_key_update(struct sock *sk, bool request_peer,
			    struct netlink_ext_ack *extack);

#endif /* _NET_KTLS_PH_H */
