/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of ktls_ph events (the reply to KTLS_PH_CMD_EVENT_POP), kept
 * apart from the socket code so that the unit tests can feed it messages
 * they build with libnl.
 */
#ifndef PHD_EVENT_H
#define PHD_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct nlmsghdr;

struct phd_event {
	uint64_t id;
	uint32_t type;		/* KTLS_PH_EVENT_TYPE_* */
	uint64_t cookie;	/* 0 when absent */
	uint32_t role;		/* KTLS_PH_ROLE_*, client when absent */
	size_t extensions_len;	/* of the ticket's extensions block */
	/* KTLS_PH_EVENT_TYPE_TICKET: the ticket, its peer and server name */
	struct phd_stored_ticket st;
};

/*
 * Decode the generic netlink message @nlh (an event-pop reply) into @ev.
 * For an event type this version does not handle, only id and type are
 * decoded (and 0 returned): the caller logs and ignores it. Returns 0, or
 * -EINVAL with the reason in @err (an attribute missing, of the wrong size
 * or out of range); @ev->id is then set if the id could be read.
 * Free with phd_event_clear() in every case.
 */
int phd_event_parse(const struct nlmsghdr *nlh, struct phd_event *ev,
		    char *err, size_t errlen);

/* Free the ticket and wipe the PSK. */
void phd_event_clear(struct phd_event *ev);

/* "ticket", "cert-request" or "unknown". */
const char *phd_event_type_name(uint32_t type);

#endif /* PHD_EVENT_H */
