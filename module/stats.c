// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: per-network-namespace counters. /proc/net/ktls_ph shows one
 * "Name value" line per counter, in the style of /proc/net/netstat's
 * readers: counters only grow, except Active (sockets attached now) and
 * HelperRegistered (1 while a helper daemon is registered).
 */
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

struct ktls_ph_net {
	atomic64_t stats[KTLS_PH_NS_NUM];
};

static unsigned int ktls_ph_net_id __read_mostly;

static const char *const ktls_ph_net_stat_names[KTLS_PH_NS_NUM] = {
	[KTLS_PH_NS_ATTACH] = "Attach",
	[KTLS_PH_NS_ATTACH_ERRORS] = "AttachErrors",
	[KTLS_PH_NS_DETACH] = "Detach",
	[KTLS_PH_NS_CLOSE] = "CloseAttached",
	[KTLS_PH_NS_ACTIVE] = "Active",
	[KTLS_PH_NS_RX_REKEYS] = "RxRekeys",
	[KTLS_PH_NS_TX_REKEYS] = "TxRekeys",
	[KTLS_PH_NS_UPDATE_REQUESTED] = "UpdateRequested",
	[KTLS_PH_NS_AUTO_REKEYS] = "AutoRekeys",
	[KTLS_PH_NS_HS_RECORDS] = "HandshakeRecords",
	[KTLS_PH_NS_TICKETS] = "TicketsConsumed",
	[KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE] = "AlertUnexpectedMessage",
	[KTLS_PH_NS_ALERT_DECODE_ERROR] = "AlertDecodeError",
	[KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER] = "AlertIllegalParameter",
	[KTLS_PH_NS_ALERT_INTERNAL_ERROR] = "AlertInternalError",
	[KTLS_PH_NS_ALERT_SEND_ERRORS] = "AlertSendErrors",
	[KTLS_PH_NS_REKEY_ERRORS] = "RekeyErrors",
	[KTLS_PH_NS_KU_SEND_ERRORS] = "KeyUpdateSendErrors",
	[KTLS_PH_NS_TICKETS_FORWARDED] = "TicketsForwarded",
	[KTLS_PH_NS_TICKETS_NO_SECRET] = "TicketsNoSecret",
	[KTLS_PH_NS_HELPER_REGISTERED] = "HelperRegistered",
	[KTLS_PH_NS_EVENTS_QUEUED] = "EventsQueued",
	[KTLS_PH_NS_EVENTS_DELIVERED] = "EventsDelivered",
	[KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER] = "EventsDroppedNoHelper",
	[KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL] = "EventsDroppedQueueFull",
	[KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER] = "EventsDroppedUnregister",
	[KTLS_PH_NS_EVENTS_DROPPED_ERROR] = "EventsDroppedError",
	[KTLS_PH_NS_PHA_REQUESTS] = "PhaRequests",
	[KTLS_PH_NS_PHA_ANSWERED] = "PhaAnswered",
	[KTLS_PH_NS_PHA_DECLINED] = "PhaDeclined",
	[KTLS_PH_NS_PHA_TIMEOUTS] = "PhaTimeouts",
	[KTLS_PH_NS_PHA_NO_HELPER] = "PhaNoHelper",
	[KTLS_PH_NS_PHA_BAD_REPLIES] = "PhaBadReplies",
	[KTLS_PH_NS_PHA_VERIFIED] = "PhaVerified",
	[KTLS_PH_NS_PHA_REJECTED] = "PhaRejected",
	[KTLS_PH_NS_PHA_SEND_ERRORS] = "PhaSendErrors",
	[KTLS_PH_NS_ALERT_BAD_CERTIFICATE] = "AlertBadCertificate",
	[KTLS_PH_NS_ALERT_UNSUPPORTED_CERTIFICATE] = "AlertUnsupportedCertificate",
	[KTLS_PH_NS_ALERT_DECRYPT_ERROR] = "AlertDecryptError",
	[KTLS_PH_NS_ALERT_CERTIFICATE_REQUIRED] = "AlertCertificateRequired",
	[KTLS_PH_NS_ALERT_OTHER] = "AlertOther",
};

/**
 * ktls_ph_net_add() - add to a counter of a network namespace
 * @net: the namespace
 * @s: which counter
 * @v: amount (negative only for the gauges KTLS_PH_NS_ACTIVE and
 *	KTLS_PH_NS_HELPER_REGISTERED)
 */
void ktls_ph_net_add(const struct net *net, enum ktls_ph_net_stat s, s64 v)
{
	struct ktls_ph_net *kn = net_generic(net, ktls_ph_net_id);

	atomic64_add(v, &kn->stats[s]);
}

/**
 * ktls_ph_net_read() - read a counter of a network namespace
 * @net: the namespace
 * @s: which counter
 *
 * Return: its value.
 */
u64 ktls_ph_net_read(const struct net *net, enum ktls_ph_net_stat s)
{
	struct ktls_ph_net *kn = net_generic(net, ktls_ph_net_id);

	return atomic64_read(&kn->stats[s]);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_net_read);

static int ktls_ph_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	int i;

	for (i = 0; i < KTLS_PH_NS_NUM; i++)
		seq_printf(seq, "%-24s %llu\n", ktls_ph_net_stat_names[i],
			   ktls_ph_net_read(net, i));
	return 0;
}

static int __net_init ktls_ph_net_init(struct net *net)
{
	if (!proc_create_net_single("ktls_ph", 0444, net->proc_net,
				    ktls_ph_stats_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit ktls_ph_net_exit(struct net *net)
{
	remove_proc_entry("ktls_ph", net->proc_net);
}

static struct pernet_operations ktls_ph_net_ops = {
	.init = ktls_ph_net_init,
	.exit = ktls_ph_net_exit,
	.id = &ktls_ph_net_id,
	.size = sizeof(struct ktls_ph_net),
};

/**
 * ktls_ph_stats_init() - set up the per-namespace counters
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_stats_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(ktls_ph_net_stat_names) != KTLS_PH_NS_NUM);
	return register_pernet_subsys(&ktls_ph_net_ops);
}

/**
 * ktls_ph_stats_exit() - remove the per-namespace counters
 */
void ktls_ph_stats_exit(void)
{
	unregister_pernet_subsys(&ktls_ph_net_ops);
}
