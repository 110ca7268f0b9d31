// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: the helper daemon of each network namespace and the queue of
 * events ktls_ph has for it (Documentation/tickets.md).
 *
 * One netlink socket per namespace registers as the helper (its port id).
 * Events (a NewSessionTicket with its PSK, post-handshake authentication) are
 * kernel structures in a bounded per-namespace FIFO: the receive path of a
 * socket queues them without ever waiting for the helper, a work item tells
 * the helper (event-ready) and the helper pops them one by one (event-pop).
 * Without a helper, or with the queue full, an event is dropped, wiped and
 * counted; the connection never notices. The helper is unregistered when it
 * asks, or when its netlink socket is closed (NETLINK_URELEASE); its queued
 * events are then dropped and wiped.
 *
 * Locking: one spinlock per namespace protects the registration and the
 * queue. Every user runs in process context (socket receive path under the
 * socket's rx_lock, netlink handlers, the URELEASE notifier, namespace
 * exit) and holds it only for list and counter updates; allocation, PSK
 * derivation, wiping and netlink messages happen outside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/in.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "netlink.h"
#include "sock.h"
#include "stats.h"

/**
 * struct ktls_ph_helper_net - helper and event queue of one namespace
 * @lock: protects everything below
 * @registered: a helper is registered
 * @portid: its netlink port id
 * @events: queued events, oldest first
 * @queued: number of events in @events
 * @ready_work: sends event-ready to the helper
 * @net: the namespace
 */
struct ktls_ph_helper_net {
	spinlock_t lock;	/* registration and queue */
	bool registered;
	u32 portid;
	struct list_head events;
	u32 queued;
	struct work_struct ready_work;
	struct net *net;
};

static unsigned int ktls_ph_helper_net_id __read_mostly;
static struct workqueue_struct *ktls_ph_helper_wq;
static atomic64_t ktls_ph_event_next_id = ATOMIC64_INIT(0);

static int ktls_ph_queue_len_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, KTLS_PH_EVENT_QUEUE_LEN_MAX);
}

static const struct kernel_param_ops ktls_ph_queue_len_ops = {
	.set = ktls_ph_queue_len_set,
	.get = param_get_uint,
};

VISIBLE_IF_KUNIT unsigned int ktls_ph_event_queue_len =
	KTLS_PH_EVENT_QUEUE_LEN_DEFAULT;
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_event_queue_len);
module_param_cb(event_queue_len, &ktls_ph_queue_len_ops,
		&ktls_ph_event_queue_len, 0644);
MODULE_PARM_DESC(event_queue_len,
		 "events queued per network namespace for the helper before new ones are dropped (1 to 4096, default 64)");

static struct ktls_ph_helper_net *ktls_ph_hn(const struct net *net)
{
	return net_generic(net, ktls_ph_helper_net_id);
}

/**
 * ktls_ph_event_new() - allocate an event about a socket
 * @ph: the socket, rx_lock held
 * @type: enum ktls_ph_event_type
 * @data_len: bytes of variable-length message data to reserve
 *
 * Fills in what names the connection; the caller fills in the message.
 *
 * Context: process context: the receive path runs with rx_lock (a mutex)
 * held, never under the socket lock or in softirq context. The event is
 * allocated with the socket's sk_allocation: GFP_KERNEL for applications'
 * sockets, while in-kernel users that must not recurse into their own I/O
 * (NVMe-TCP, SunRPC) set GFP_ATOMIC or GFP_NOIO there; never with the
 * emergency reserves of a swap socket (__GFP_MEMALLOC).
 *
 * Return: the event, or NULL when out of memory.
 */
struct ktls_ph_event *ktls_ph_event_new(struct ktls_ph_sock *ph, u32 type,
					size_t data_len)
{
	struct ktls_ph_event *ev;
	struct sock *sk = ph->sk;
	size_t size;
	gfp_t gfp;

	lockdep_assert_held(&ph->rx_lock);
	gfp = (READ_ONCE(sk->sk_allocation) & ~__GFP_MEMALLOC) | __GFP_NOWARN;
	size = struct_size(ev, data, data_len);
	ev = kvzalloc(size, gfp);
	if (!ev)
		return NULL;
	INIT_LIST_HEAD(&ev->node);
	ev->size = size;
	ev->type = type;
	ev->cookie = ph->cookie;
	ev->role = ph->role;
	ev->suite_id = ph->rx_ks.suite->id;
	ev->peer_auth = ph->peer_auth;
	strscpy(ev->server_name, ph->server_name);
	/* fixed for the life of an established connection */
	switch (sk->sk_family) {
	case AF_INET:
		ev->family = AF_INET;
		memcpy(ev->peer_addr, &sk->sk_daddr, sizeof(sk->sk_daddr));
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		ev->family = AF_INET6;
		memcpy(ev->peer_addr, &sk->sk_v6_daddr,
		       sizeof(sk->sk_v6_daddr));
		break;
#endif
	}
	ev->peer_port = sk->sk_dport;
	return ev;
}

/**
 * ktls_ph_event_free() - wipe and free an event
 * @ev: the event, not queued; may be NULL
 */
void ktls_ph_event_free(struct ktls_ph_event *ev)
{
	if (ev)
		kvfree_sensitive(ev, ev->size);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_event_free);

/**
 * ktls_ph_event_new_id() - an event id, for an event whose answer the
 *	socket awaits before it is queued
 *
 * Return: a new id, unique while the module is loaded.
 */
u64 ktls_ph_event_new_id(void)
{
	return atomic64_inc_return(&ktls_ph_event_next_id);
}

/* Wipe and free a list of events, counting each as @stat. */
static void ktls_ph_events_drop(struct net *net, struct list_head *list,
				enum ktls_ph_net_stat stat)
{
	struct ktls_ph_event *ev, *tmp;

	list_for_each_entry_safe(ev, tmp, list, node) {
		list_del(&ev->node);
		ktls_ph_event_free(ev);
		ktls_ph_net_inc(net, stat);
	}
}

/**
 * ktls_ph_event_queue() - queue an event for the namespace's helper
 * @net: the namespace
 * @ev: the event; the queue owns it from now on, even on error
 *
 * Never waits for the helper: without one, with the queue full, or for an
 * event too large for an event-pop reply, the event is wiped, freed and
 * counted. The helper hears of a queued event from a work item.
 *
 * Return: 0 (queued), -ENOENT (no helper), -ENOSPC (queue full) or
 * -EMSGSIZE (too large).
 */
int ktls_ph_event_queue(struct net *net, struct ktls_ph_event *ev)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	enum ktls_ph_net_stat stat;
	int err;

	if (!ktls_ph_nl_event_fits(ev)) {
		stat = KTLS_PH_NS_EVENTS_DROPPED_ERROR;
		err = -EMSGSIZE;
		goto drop;
	}
	spin_lock(&hn->lock);
	if (!hn->registered) {
		spin_unlock(&hn->lock);
		stat = KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER;
		err = -ENOENT;
		goto drop;
	}
	if (hn->queued >= READ_ONCE(ktls_ph_event_queue_len)) {
		spin_unlock(&hn->lock);
		stat = KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL;
		err = -ENOSPC;
		goto drop;
	}
	if (!ev->id)	/* else given by ktls_ph_event_new_id() */
		ev->id = atomic64_inc_return(&ktls_ph_event_next_id);
	list_add_tail(&ev->node, &hn->events);
	hn->queued++;
	queue_work(ktls_ph_helper_wq, &hn->ready_work);
	spin_unlock(&hn->lock);
	ktls_ph_net_inc(net, KTLS_PH_NS_EVENTS_QUEUED);
	return 0;

drop:
	ktls_ph_event_free(ev);
	ktls_ph_net_inc(net, stat);
	return err;
}

/**
 * ktls_ph_event_pop() - take the oldest event off a namespace's queue
 * @net: the namespace
 * @portid: netlink port id of the caller; must be the registered helper's
 * @extack: receives a message naming the problem on error
 *
 * The caller builds its reply from the event, then frees it with
 * ktls_ph_event_free() (or gives it back with ktls_ph_event_unpop()).
 *
 * Return: the event; ERR_PTR(-EPERM) when @portid is not the registered
 * helper, ERR_PTR(-ENOENT) when the queue is empty.
 */
struct ktls_ph_event *ktls_ph_event_pop(struct net *net, u32 portid,
					struct netlink_ext_ack *extack)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	struct ktls_ph_event *ev;
	u32 cur;

	spin_lock(&hn->lock);
	if (!hn->registered) {
		spin_unlock(&hn->lock);
		NL_SET_ERR_MSG(extack,
			       "no helper is registered in this network namespace");
		return ERR_PTR(-EPERM);
	}
	if (hn->portid != portid) {
		cur = hn->portid;
		spin_unlock(&hn->lock);
		NL_SET_ERR_MSG_FMT(extack,
				   "only the registered helper (port id %u) may pop events",
				   cur);
		return ERR_PTR(-EPERM);
	}
	ev = list_first_entry_or_null(&hn->events, struct ktls_ph_event, node);
	if (ev) {
		list_del_init(&ev->node);
		hn->queued--;
	}
	spin_unlock(&hn->lock);
	if (!ev) {
		NL_SET_ERR_MSG(extack, "no event is queued");
		return ERR_PTR(-ENOENT);
	}
	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_event_pop);

/**
 * ktls_ph_event_unpop() - give back an event whose reply failed
 * @net: the namespace
 * @portid: port id that popped it
 * @ev: the event, from ktls_ph_event_pop()
 *
 * The event goes back to the head of the queue (the queue may hold one
 * more than its limit for a moment) if @portid is still the helper;
 * otherwise it is dropped as an unregistered helper's event.
 */
void ktls_ph_event_unpop(struct net *net, u32 portid, struct ktls_ph_event *ev)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);

	spin_lock(&hn->lock);
	if (hn->registered && hn->portid == portid) {
		list_add(&ev->node, &hn->events);
		hn->queued++;
		ev = NULL;
	}
	spin_unlock(&hn->lock);
	if (ev) {
		ktls_ph_event_free(ev);
		ktls_ph_net_inc(net, KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER);
	}
}

/**
 * ktls_ph_helper_present() - is a helper registered in a namespace
 * @net: the namespace
 *
 * A hint, to skip work for an event nobody would take:
 * ktls_ph_event_queue() checks again.
 *
 * Return: true when a helper is registered.
 */
bool ktls_ph_helper_present(const struct net *net)
{
	return READ_ONCE(ktls_ph_hn(net)->registered);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_helper_present);

/**
 * ktls_ph_helper_check() - is a port id the namespace's registered helper
 * @net: the namespace
 * @portid: netlink port id of the caller
 * @extack: receives a message naming the problem on error
 *
 * Return: 0, or -EPERM (with the same messages as event-pop).
 */
int ktls_ph_helper_check(struct net *net, u32 portid,
			 struct netlink_ext_ack *extack)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	bool registered;
	u32 cur;

	spin_lock(&hn->lock);
	registered = hn->registered;
	cur = hn->portid;
	spin_unlock(&hn->lock);
	if (!registered) {
		NL_SET_ERR_MSG(extack,
			       "no helper is registered in this network namespace");
		return -EPERM;
	}
	if (cur != portid) {
		NL_SET_ERR_MSG_FMT(extack,
				   "only the registered helper (port id %u) may answer events",
				   cur);
		return -EPERM;
	}
	return 0;
}

/**
 * ktls_ph_helper_register() - make a netlink socket the namespace's helper
 * @net: the namespace
 * @portid: the socket's netlink port id
 * @extack: receives a message naming the problem on error
 *
 * Registering again from the registered port id does nothing.
 *
 * Return: 0, or -EBUSY when another port id is registered.
 */
int ktls_ph_helper_register(struct net *net, u32 portid,
			    struct netlink_ext_ack *extack)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	bool added = false;
	u32 cur;

	spin_lock(&hn->lock);
	cur = hn->portid;
	if (!hn->registered) {
		WRITE_ONCE(hn->registered, true);
		hn->portid = portid;
		added = true;
	}
	spin_unlock(&hn->lock);
	if (added) {
		ktls_ph_net_inc(net, KTLS_PH_NS_HELPER_REGISTERED);
		pr_debug("helper registered, port id %u\n", portid);
		return 0;
	}
	if (cur == portid)
		return 0;
	NL_SET_ERR_MSG_FMT(extack,
			   "a helper is already registered in this network namespace (port id %u)",
			   cur);
	return -EBUSY;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_helper_register);

/*
 * Unregister the helper if it is @portid (any helper when @any): its queued
 * events are dropped and wiped. Return 0, -ENOENT when no helper is
 * registered, -EPERM when another one is (its port id in *@cur).
 */
static int ktls_ph_helper_drop(struct net *net, u32 portid, bool any,
			       u32 *cur)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	LIST_HEAD(events);
	int err = 0;

	spin_lock(&hn->lock);
	*cur = hn->portid;
	if (!hn->registered) {
		err = -ENOENT;
	} else if (!any && hn->portid != portid) {
		err = -EPERM;
	} else {
		WRITE_ONCE(hn->registered, false);
		hn->portid = 0;
		list_splice_init(&hn->events, &events);
		hn->queued = 0;
	}
	spin_unlock(&hn->lock);
	if (err)
		return err;
	ktls_ph_events_drop(net, &events, KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER);
	ktls_ph_net_add(net, KTLS_PH_NS_HELPER_REGISTERED, -1);
	pr_debug("helper unregistered, port id %u\n", *cur);
	return 0;
}

/**
 * ktls_ph_helper_unregister() - unregister the namespace's helper
 * @net: the namespace
 * @portid: port id of the caller; must be the registered helper's
 * @extack: receives a message naming the problem on error
 *
 * The queued events are dropped and wiped.
 *
 * Return: 0, -ENOENT when no helper is registered, -EPERM when @portid is
 * not the helper.
 */
int ktls_ph_helper_unregister(struct net *net, u32 portid,
			      struct netlink_ext_ack *extack)
{
	u32 cur;
	int err;

	err = ktls_ph_helper_drop(net, portid, false, &cur);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack,
			       "no helper is registered in this network namespace");
	else if (err)
		NL_SET_ERR_MSG_FMT(extack,
				   "only the registered helper (port id %u) may unregister",
				   cur);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_helper_unregister);

/**
 * ktls_ph_helper_state() - the numbers helper-register reports
 * @net: the namespace
 * @limit: set to the queue's limit (module parameter event_queue_len)
 * @queued: set to the number of queued events
 * @dropped: set to the number of events dropped in the namespace so far
 */
void ktls_ph_helper_state(const struct net *net, u32 *limit, u32 *queued,
			  u64 *dropped)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);

	*limit = READ_ONCE(ktls_ph_event_queue_len);
	spin_lock(&hn->lock);
	*queued = hn->queued;
	spin_unlock(&hn->lock);
	*dropped = ktls_ph_net_read(net, KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER) +
		ktls_ph_net_read(net, KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL) +
		ktls_ph_net_read(net, KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER) +
		ktls_ph_net_read(net, KTLS_PH_NS_EVENTS_DROPPED_ERROR);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_helper_state);

/*
 * Tell the helper that events are waiting. Notifications coalesce: the
 * helper pops until the queue is empty. A lost one (the helper's receive
 * buffer full, no memory) is harmless: a helper also pops when it starts.
 */
static void ktls_ph_helper_ready_work(struct work_struct *work)
{
	struct ktls_ph_helper_net *hn =
		container_of(work, struct ktls_ph_helper_net, ready_work);
	bool registered;
	u32 portid, queued;

	spin_lock(&hn->lock);
	registered = hn->registered;
	portid = hn->portid;
	queued = hn->queued;
	spin_unlock(&hn->lock);
	if (registered && queued)
		ktls_ph_nl_event_ready(hn->net, portid, queued);
}

/* The helper's netlink socket was closed: unregister it. */
static int ktls_ph_helper_urelease(struct notifier_block *nb,
				   unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;
	u32 cur;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		ktls_ph_helper_drop(n->net, n->portid, false, &cur);
	return NOTIFY_DONE;
}

static struct notifier_block ktls_ph_helper_nb = {
	.notifier_call = ktls_ph_helper_urelease,
};

static int __net_init ktls_ph_helper_net_init(struct net *net)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);

	spin_lock_init(&hn->lock);
	INIT_LIST_HEAD(&hn->events);
	INIT_WORK(&hn->ready_work, ktls_ph_helper_ready_work);
	hn->net = net;
	return 0;
}

static void __net_exit ktls_ph_helper_net_exit(struct net *net)
{
	struct ktls_ph_helper_net *hn = ktls_ph_hn(net);
	u32 cur;

	ktls_ph_helper_drop(net, 0, true, &cur);
	cancel_work_sync(&hn->ready_work);
}

static struct pernet_operations ktls_ph_helper_net_ops = {
	.init = ktls_ph_helper_net_init,
	.exit = ktls_ph_helper_net_exit,
	.id = &ktls_ph_helper_net_id,
	.size = sizeof(struct ktls_ph_helper_net),
};

/**
 * ktls_ph_helper_init() - set up helper registration and event queues
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_helper_init(void)
{
	int err;

	ktls_ph_helper_wq = alloc_workqueue("ktls_ph_helper", WQ_UNBOUND, 0);
	if (!ktls_ph_helper_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&ktls_ph_helper_net_ops);
	if (err)
		goto out_wq;
	err = netlink_register_notifier(&ktls_ph_helper_nb);
	if (err)
		goto out_pernet;
	return 0;

out_pernet:
	unregister_pernet_subsys(&ktls_ph_helper_net_ops);
out_wq:
	destroy_workqueue(ktls_ph_helper_wq);
	return err;
}

/**
 * ktls_ph_helper_stop() - wait for pending event-ready notifications
 *
 * Called at module exit before the netlink family goes away. No new event
 * can be queued then: events come from attached sockets, and each holds a
 * module reference.
 */
void ktls_ph_helper_stop(void)
{
	drain_workqueue(ktls_ph_helper_wq);
}

/**
 * ktls_ph_helper_exit() - unregister every helper, wipe every queue
 */
void ktls_ph_helper_exit(void)
{
	netlink_unregister_notifier(&ktls_ph_helper_nb);
	unregister_pernet_subsys(&ktls_ph_helper_net_ops);
	destroy_workqueue(ktls_ph_helper_wq);
}
