/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: per-network-namespace counters, shown in /proc/net/ktls_ph.
 */
#ifndef _KTLS_PH_STATS_H
#define _KTLS_PH_STATS_H

#include <net/net_namespace.h>

/* Keep in step with ktls_ph_net_stat_names[] in stats.c */
enum ktls_ph_net_stat {
	KTLS_PH_NS_ATTACH,
	KTLS_PH_NS_ATTACH_ERRORS,
	KTLS_PH_NS_DETACH,
	KTLS_PH_NS_CLOSE,
	KTLS_PH_NS_ACTIVE,
	KTLS_PH_NS_RX_REKEYS,
	KTLS_PH_NS_TX_REKEYS,
	KTLS_PH_NS_UPDATE_REQUESTED,
	KTLS_PH_NS_AUTO_REKEYS,
	KTLS_PH_NS_HS_RECORDS,
	KTLS_PH_NS_TICKETS,
	KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE,
	KTLS_PH_NS_ALERT_DECODE_ERROR,
	KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER,
	KTLS_PH_NS_ALERT_INTERNAL_ERROR,
	KTLS_PH_NS_ALERT_SEND_ERRORS,
	KTLS_PH_NS_REKEY_ERRORS,
	KTLS_PH_NS_KU_SEND_ERRORS,
	KTLS_PH_NS_TICKETS_FORWARDED,
	KTLS_PH_NS_TICKETS_NO_SECRET,
	KTLS_PH_NS_HELPER_REGISTERED,
	KTLS_PH_NS_EVENTS_QUEUED,
	KTLS_PH_NS_EVENTS_DELIVERED,
	KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER,
	KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL,
	KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER,
	KTLS_PH_NS_EVENTS_DROPPED_ERROR,
	KTLS_PH_NS_NUM
};

void ktls_ph_net_add(const struct net *net, enum ktls_ph_net_stat s, s64 v);
u64 ktls_ph_net_read(const struct net *net, enum ktls_ph_net_stat s);

static inline void ktls_ph_net_inc(const struct net *net,
				   enum ktls_ph_net_stat s)
{
	ktls_ph_net_add(net, s, 1);
}

int ktls_ph_stats_init(void);
void ktls_ph_stats_exit(void);

#endif /* _KTLS_PH_STATS_H */
