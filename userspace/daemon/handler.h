/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktls-phd does with one event: decode (event.h), check, store
 * (store.h), log, count. Apart from main.c so that the unit tests can feed
 * it messages.
 */
#ifndef PHD_HANDLER_H
#define PHD_HANDLER_H

#include <stdint.h>

#include "store.h"

struct nlmsghdr;

struct phd_counters {
	uint64_t events;	/* popped */
	uint64_t stored;	/* tickets written to the store */
	uint64_t rejected;	/* malformed events */
	uint64_t ignored;	/* event types this version does not handle */
	uint64_t skipped;	/* tickets with nothing left of their lifetime */
	uint64_t store_errors;	/* tickets that could not be written */
};

/*
 * Handle the event-pop reply @nlh: a ticket goes to @store; a malformed
 * event is logged and counted, never fatal. Secrets are never logged.
 */
void phd_handle_event(struct phd_store *store, struct phd_counters *n,
		      const struct nlmsghdr *nlh);

/* Log @n at info level. */
void phd_log_counters(const struct phd_counters *n);

#endif /* PHD_HANDLER_H */
