/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: the helper daemon of a network namespace and the queue of events
 * ktls_ph has for it (Documentation/tickets.md).
 */
#ifndef _KTLS_PH_HELPER_H
#define _KTLS_PH_HELPER_H

#include <linux/list.h>
#include <linux/types.h>
#include <net/ktls_ph.h>

#include "keysched.h"

struct net;
struct netlink_ext_ack;
struct ktls_ph_sock;

#define KTLS_PH_EVENT_QUEUE_LEN_DEFAULT	64
#define KTLS_PH_EVENT_QUEUE_LEN_MAX	4096

/**
 * struct ktls_ph_event_ticket - a NewSessionTicket for the helper
 * @lifetime: ticket_lifetime, seconds
 * @age_add: ticket_age_add
 * @has_early_data: the ticket had an early_data extension
 * @max_early_data: its max_early_data_size
 * @nonce_len: length of @nonce
 * @nonce: ticket_nonce
 * @ticket: the opaque ticket, in the event's data
 * @ticket_len: its length
 * @ext: the ticket's extensions block, in the event's data
 * @ext_len: its length
 * @psk: HKDF-Expand-Label(resumption_master_secret, "resumption",
 *	ticket_nonce, Hash.length)
 * @psk_len: the suite's hash length
 * @received_ms: when the ticket was received, CLOCK_REALTIME milliseconds
 */
struct ktls_ph_event_ticket {
	u32 lifetime;
	u32 age_add;
	bool has_early_data;
	u32 max_early_data;
	u8 nonce_len;
	u8 nonce[255];
	const u8 *ticket;
	u32 ticket_len;
	const u8 *ext;
	u32 ext_len;
	u8 psk[KTLS_PH_MAX_HASH_LEN];
	u8 psk_len;
	u64 received_ms;
};

/**
 * struct ktls_ph_event_pha - post-handshake authentication for the helper
 * @transcript: the main handshake's messages, in the event's data
 * @transcript_len: its length
 * @request: the CertificateRequest (with its header), in the event's data
 * @request_len: its length
 * @cert: client-cert events: the client's Certificate, in the event's data
 * @cert_len: its length
 * @cv: client-cert events: the client's CertificateVerify (NULL: none)
 * @cv_len: its length
 */
struct ktls_ph_event_pha {
	const u8 *transcript;
	u32 transcript_len;
	const u8 *request;
	u32 request_len;
	const u8 *cert;
	u32 cert_len;
	const u8 *cv;
	u32 cv_len;
};

/**
 * struct ktls_ph_event - one event queued for a namespace's helper
 * @node: in the namespace's queue
 * @size: size of the allocation (the structure and @data), for the wipe
 * @id: unique while the module is loaded, increasing in queue order
 * @type: enum ktls_ph_event_type
 * @cookie: ktls_ph's identifier of the socket the event is about
 * @role: the socket's role, enum ktls_ph_role
 * @suite_id: IANA cipher suite of the connection
 * @family: AF_INET or AF_INET6 (the socket's family)
 * @peer_addr: peer address, 4 (AF_INET) or 16 bytes, network byte order
 * @peer_port: peer TCP port
 * @peer_auth: enum ktls_ph_peer_auth, as given at attach
 * @server_name: server name given at attach ("": none)
 * @ticket: the message of a KTLS_PH_EVENT_TYPE_TICKET event
 * @pha: the messages of a KTLS_PH_EVENT_TYPE_CERT_REQUEST or
 *	KTLS_PH_EVENT_TYPE_CLIENT_CERT event
 * @data: the variable-length parts of the message (@ticket's ticket and
 *	extensions, @pha's messages)
 *
 * An event is a kernel structure, not a netlink message: the reply of
 * event-pop is built from it, then it is wiped (kvfree_sensitive()).
 *
 * The common part names the connection; the union holds one member per
 * event type. Every event is freed once popped: the events that need an
 * answer (cert-request, client-cert) are remembered by their socket
 * (pha.c), which matches the helper's event-reply by @id and declines or
 * times out what is not answered in time.
 */
struct ktls_ph_event {
	struct list_head node;
	size_t size;
	u64 id;
	u32 type;
	u64 cookie;
	u32 role;
	u16 suite_id;
	u16 family;
	u8 peer_addr[16];
	__be16 peer_port;
	u32 peer_auth;
	char server_name[KTLS_PH_SERVER_NAME_MAX + 1];
	union {
		struct ktls_ph_event_ticket ticket;
		struct ktls_ph_event_pha pha;
	};
	u8 data[];
};

struct ktls_ph_event *ktls_ph_event_new(struct ktls_ph_sock *ph, u32 type,
					size_t data_len);
void ktls_ph_event_free(struct ktls_ph_event *ev);
u64 ktls_ph_event_new_id(void);
int ktls_ph_event_queue(struct net *net, struct ktls_ph_event *ev);
struct ktls_ph_event *ktls_ph_event_pop(struct net *net, u32 portid,
					struct netlink_ext_ack *extack);
void ktls_ph_event_unpop(struct net *net, u32 portid,
			 struct ktls_ph_event *ev);

bool ktls_ph_helper_present(const struct net *net);
int ktls_ph_helper_check(struct net *net, u32 portid,
			 struct netlink_ext_ack *extack);
int ktls_ph_helper_register(struct net *net, u32 portid,
			    struct netlink_ext_ack *extack);
int ktls_ph_helper_unregister(struct net *net, u32 portid,
			      struct netlink_ext_ack *extack);
void ktls_ph_helper_state(const struct net *net, u32 *limit, u32 *queued,
			  u64 *dropped);

int ktls_ph_helper_init(void);
void ktls_ph_helper_stop(void);
void ktls_ph_helper_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned int ktls_ph_event_queue_len;
#endif

#endif /* _KTLS_PH_HELPER_H */
