// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd: one event from decoding to the store (see handler.h). Logs
 * what identifies a ticket (peer, suite, lengths, lifetime), never its
 * bytes or PSK.
 */
#include <stdio.h>

#include <linux/ktls_ph.h>

#include "ktlsph.h"
#include "event.h"
#include "handler.h"
#include "log.h"

void phd_handle_event(struct phd_store *store, struct phd_counters *n,
		      const struct nlmsghdr *nlh)
{
	const struct ktlsph_suite *s;
	struct phd_event ev;
	struct ktlsph_ticket *t = &ev.st.t;
	char err[512], peer[64];
	uint64_t now = phd_now_ms();
	unsigned long long id;

	n->events++;
	if (phd_event_parse(nlh, &ev, err, sizeof(err))) {
		log_warn("event %llu: rejected: %s", (unsigned long long)ev.id,
			 err);
		n->rejected++;
		goto out;
	}
	id = ev.id;
	if (ev.type != KTLS_PH_EVENT_TYPE_TICKET) {
		log_warn("event %llu: type %u (%s) is not handled by this version, ignored",
			 id, ev.type, phd_event_type_name(ev.type));
		n->ignored++;
		goto out;
	}
	s = ktlsph_suite_by_id(t->cipher_suite);
	phd_peer_format(&ev.st.peer, peer, sizeof(peer));
	if (phd_ticket_expired(t, now)) {
		log_info("event %llu: ticket from %s%s%s with lifetime %u s has expired: not stored",
			 id, peer, t->server_name[0] ? " server name " : "",
			 t->server_name, t->lifetime);
		n->skipped++;
		goto out;
	}
	if (phd_store_put(store, &ev.st, now, err, sizeof(err))) {
		log_err("event %llu: storing the ticket from %s failed: %s", id,
			peer, err);
		n->store_errors++;
		goto out;
	}
	n->stored++;
	log_info("ticket stored: %s/%s: peer %s%s%s, %s, lifetime %u s, ticket %zu bytes, nonce %zu bytes, extensions %zu bytes, max_early_data %u, socket cookie %llu, event %llu",
		 ev.st.peer_key, ev.st.name, peer,
		 t->server_name[0] ? " server name " : "", t->server_name,
		 s ? s->name : "?", t->lifetime, t->ticket_len, t->nonce_len,
		 ev.extensions_len, t->max_early_data,
		 (unsigned long long)ev.cookie, id);
out:
	phd_event_clear(&ev);
}

void phd_log_counters(const struct phd_counters *n)
{
	log_info("counters: events=%llu stored=%llu rejected=%llu ignored=%llu skipped=%llu store_errors=%llu",
		 (unsigned long long)n->events, (unsigned long long)n->stored,
		 (unsigned long long)n->rejected,
		 (unsigned long long)n->ignored,
		 (unsigned long long)n->skipped,
		 (unsigned long long)n->store_errors);
}
