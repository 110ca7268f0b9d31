/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of ktls_ph events (the reply to KTLS_PH_CMD_EVENT_POP), kept
 * apart from the socket code so that the unit tests can feed it messages
 * they build with libnl; and the helper's answer (KTLS_PH_CMD_EVENT_REPLY)
 * to the events that need one.
 */
#ifndef PHD_EVENT_H
#define PHD_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct nlmsghdr;

/*
 * The pha nest of a cert-request or client-cert event. Every message is
 * whole, with its 4-byte handshake header; the decoder checked the framing
 * (transcript: whole messages ending with a Finished; request, certificate,
 * certificate_verify: one message of their type each).
 */
struct phd_event_pha {
	/*
	 * transcript || request in one allocation: what phd_pha_answer() and
	 * phd_pha_verify() take as their transcript.
	 */
	uint8_t *buf;
	size_t transcript_len;		/* the main handshake, at buf */
	size_t request_len;		/* CertificateRequest, at buf + transcript_len */
	/* client-cert only */
	uint8_t *certificate;		/* the client's Certificate */
	size_t certificate_len;
	uint8_t *certificate_verify;	/* NULL when absent */
	size_t certificate_verify_len;
};

struct phd_event {
	uint64_t id;
	uint32_t type;		/* KTLS_PH_EVENT_TYPE_* */
	uint64_t cookie;	/* 0 when absent */
	int have_cookie;	/* the cookie attribute was read */
	uint32_t role;		/* KTLS_PH_ROLE_*, client when absent */
	size_t extensions_len;	/* of the ticket's extensions block */
	/*
	 * Every type: st.t.cipher_suite, st.t.server_name, st.t.peer_auth and
	 * st.peer (family 0 when a pha event came without a peer address).
	 * KTLS_PH_EVENT_TYPE_TICKET: also the ticket.
	 */
	struct phd_stored_ticket st;
	/* KTLS_PH_EVENT_TYPE_CERT_REQUEST, KTLS_PH_EVENT_TYPE_CLIENT_CERT */
	struct phd_event_pha pha;
};

/*
 * Decode the generic netlink message @nlh (an event-pop reply) into @ev.
 * For an event type this version does not handle, only id and type are
 * decoded (and 0 returned): the caller logs and ignores it. Returns 0, or
 * -EINVAL with the reason in @err (an attribute missing, of the wrong size
 * or out of range, a role that does not fit the type, a pha message that
 * is not whole); @ev->id, @ev->type and @ev->cookie (@ev->have_cookie) are
 * then set as far as they could be read, so that the caller can still
 * answer a post-handshake authentication event.
 * Free with phd_event_clear() in every case.
 */
int phd_event_parse(const struct nlmsghdr *nlh, struct phd_event *ev,
		    char *err, size_t errlen);

/* Free the ticket and the pha messages, wipe the PSK. */
void phd_event_clear(struct phd_event *ev);

/* "ticket", "cert-request", "client-cert" or "unknown". */
const char *phd_event_type_name(uint32_t type);

/*
 * The helper's event-reply. For a cert-request: @decline, or @certificate
 * and @certificate_verify (the Certificate and CertificateVerify messages
 * with their headers). For a client-cert: @verdict (enum
 * ktls_ph_pha_verdict) and @alert (0: none, keep the connection).
 */
struct phd_reply {
	struct phd_reply *next;		/* the handler's queue */
	uint64_t id;
	uint64_t cookie;
	uint32_t type;			/* of the event answered */
	int decline;
	uint8_t *certificate;		/* malloc()ed */
	size_t certificate_len;
	uint8_t *certificate_verify;	/* malloc()ed */
	size_t certificate_verify_len;
	uint32_t verdict;
	uint8_t alert;
};

/*
 * The pha nest of an event-reply holds at most 65535 bytes (nla_len is 16
 * bits): the Certificate and CertificateVerify, each with a 4-byte
 * attribute header and padded to 4 bytes, must fit in it.
 */
#define PHD_REPLY_NEST_MAX	65535
size_t phd_reply_nest_len(const struct phd_reply *r);

/* Free @r's messages (not @r) and zero it. */
void phd_reply_clear(struct phd_reply *r);

#endif /* PHD_EVENT_H */
