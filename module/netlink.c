// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: generic netlink handlers. Policies and the family come from
 * netlink-gen.c, generated from Documentation/netlink/specs/ktls_ph.yaml.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "sock.h"

/* The socket named by KTLS_PH_A_SOCK_SOCKFD, in the caller's fd table. */
static struct socket *ktls_ph_nl_sock(struct genl_info *info, int *err)
{
	struct socket *sock;

	if (GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_SOCK_SOCKFD)) {
		*err = -EINVAL;
		return NULL;
	}
	sock = sockfd_lookup(nla_get_s32(info->attrs[KTLS_PH_A_SOCK_SOCKFD]),
			     err);
	if (!sock)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[KTLS_PH_A_SOCK_SOCKFD],
				    "sockfd is not an open socket of the caller");
	return sock;
}

int ktls_ph_nl_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ktls_ph_attach_args a = {};
	struct nlattr **attrs = info->attrs;
	struct socket *sock;
	struct sk_buff *msg;
	u64 cookie;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_SOCK_ROLE) ||
	    GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_SOCK_CIPHER_SUITE) ||
	    GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_SOCK_TX_SECRET) ||
	    GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_SOCK_RX_SECRET))
		return -EINVAL;
	if (attrs[KTLS_PH_A_SOCK_PHA_OFFERED] &&
	    !attrs[KTLS_PH_A_SOCK_TRANSCRIPT]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    attrs[KTLS_PH_A_SOCK_PHA_OFFERED],
				    "pha-offered needs the handshake transcript");
		return -EINVAL;
	}
	if (attrs[KTLS_PH_A_SOCK_TRANSCRIPT]) {
		a.pha_offered = nla_get_flag(attrs[KTLS_PH_A_SOCK_PHA_OFFERED]);
		a.transcript = nla_data(attrs[KTLS_PH_A_SOCK_TRANSCRIPT]);
		a.transcript_len = nla_len(attrs[KTLS_PH_A_SOCK_TRANSCRIPT]);
	}
	a.role = nla_get_u32(attrs[KTLS_PH_A_SOCK_ROLE]);
	a.suite_id = nla_get_u16(attrs[KTLS_PH_A_SOCK_CIPHER_SUITE]);
	a.tx_secret = nla_data(attrs[KTLS_PH_A_SOCK_TX_SECRET]);
	a.rx_secret = nla_data(attrs[KTLS_PH_A_SOCK_RX_SECRET]);
	a.secret_len = nla_len(attrs[KTLS_PH_A_SOCK_TX_SECRET]);
	if (nla_len(attrs[KTLS_PH_A_SOCK_RX_SECRET]) != a.secret_len) {
		NL_SET_ERR_MSG(info->extack,
			       "tx-secret and rx-secret differ in length");
		return -EINVAL;
	}
	if (attrs[KTLS_PH_A_SOCK_REKEY_RECORDS])
		a.rekey_records = nla_get_uint(attrs[KTLS_PH_A_SOCK_REKEY_RECORDS]);
	if (attrs[KTLS_PH_A_SOCK_REKEY_BYTES])
		a.rekey_bytes = nla_get_uint(attrs[KTLS_PH_A_SOCK_REKEY_BYTES]);
	if (attrs[KTLS_PH_A_SOCK_RESUMPTION_SECRET]) {
		a.resumption_secret =
			nla_data(attrs[KTLS_PH_A_SOCK_RESUMPTION_SECRET]);
		a.resumption_secret_len =
			nla_len(attrs[KTLS_PH_A_SOCK_RESUMPTION_SECRET]);
	}
	/* NUL-terminated, at most 255 bytes: the policy checked */
	if (attrs[KTLS_PH_A_SOCK_SERVER_NAME])
		a.server_name = nla_data(attrs[KTLS_PH_A_SOCK_SERVER_NAME]);
	if (attrs[KTLS_PH_A_SOCK_PEER_AUTH])
		a.peer_auth = nla_get_u32(attrs[KTLS_PH_A_SOCK_PEER_AUTH]);

	sock = ktls_ph_nl_sock(info, &err);
	if (!sock)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = ktls_ph_sock_attach(sock->sk, &a, &cookie, info->extack);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr || nla_put_uint(msg, KTLS_PH_A_SOCK_COOKIE,
				 cookie)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	sockfd_put(sock);
	return err;
}

int ktls_ph_nl_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct socket *sock;
	int err;

	sock = ktls_ph_nl_sock(info, &err);
	if (!sock)
		return err;
	err = ktls_ph_sock_detach(sock->sk, info->extack);
	sockfd_put(sock);
	return err;
}

int ktls_ph_nl_key_update_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct socket *sock;
	int err;

	sock = ktls_ph_nl_sock(info, &err);
	if (!sock)
		return err;
	err = ktls_ph_sock_key_update(sock->sk,
				      nla_get_flag(info->attrs[KTLS_PH_A_SOCK_REQUEST_PEER]),
				      info->extack);
	sockfd_put(sock);
	return err;
}

/*
 * Server sockets: the last post-handshake authentication's outcome, and
 * the client's leaf certificate with @cert.
 */
static int ktls_ph_nl_fill_pha(struct sk_buff *msg, struct ktls_ph_sock *ph,
			       bool cert)
{
	struct ktls_ph_pha *p = &ph->pha;
	int err = 0;
	u32 verdict;
	u8 alert;

	if (ph->role != KTLS_PH_ROLE_SERVER)
		return 0;
	spin_lock_bh(&p->lock);
	verdict = ktls_ph_pha_verdict_locked(ph, &alert);
	if (nla_put_u32(msg, KTLS_PH_A_SOCK_PHA_VERDICT, verdict) ||
	    nla_put_u8(msg, KTLS_PH_A_SOCK_PHA_ALERT, alert) ||
	    (cert && p->peer_cert &&
	     nla_put(msg, KTLS_PH_A_SOCK_PEER_CERT, p->peer_cert_len,
		     p->peer_cert)))
		err = -EMSGSIZE;
	spin_unlock_bh(&p->lock);
	return err;
}

static int ktls_ph_nl_fill(struct sk_buff *msg, struct ktls_ph_sock *ph,
			   bool cert)
{
	static const int map[KTLS_PH_SS_NUM] = {
		[KTLS_PH_SS_RX_REKEYS] = KTLS_PH_A_STATS_RX_REKEYS,
		[KTLS_PH_SS_TX_REKEYS] = KTLS_PH_A_STATS_TX_REKEYS,
		[KTLS_PH_SS_UPDATE_REQUESTED] = KTLS_PH_A_STATS_UPDATE_REQUESTED,
		[KTLS_PH_SS_AUTO_REKEYS] = KTLS_PH_A_STATS_AUTO_REKEYS,
		[KTLS_PH_SS_HS_RECORDS] = KTLS_PH_A_STATS_HS_RECORDS,
		[KTLS_PH_SS_TICKETS] = KTLS_PH_A_STATS_TICKETS,
		[KTLS_PH_SS_PHA_REQUESTS] = KTLS_PH_A_STATS_PHA_REQUESTS,
		[KTLS_PH_SS_PHA_ANSWERED] = KTLS_PH_A_STATS_PHA_ANSWERED,
		[KTLS_PH_SS_PHA_DECLINED] = KTLS_PH_A_STATS_PHA_DECLINED,
		[KTLS_PH_SS_PHA_TIMEOUTS] = KTLS_PH_A_STATS_PHA_TIMEOUTS,
	};
	struct nlattr *nest;
	int i;

	if (nla_put_uint(msg, KTLS_PH_A_SOCK_COOKIE, ph->cookie) ||
	    nla_put_u32(msg, KTLS_PH_A_SOCK_ROLE, ph->role) ||
	    nla_put_u16(msg, KTLS_PH_A_SOCK_CIPHER_SUITE, ph->rx_ks.suite->id))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, KTLS_PH_A_SOCK_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KTLS_PH_SS_NUM; i++)
		if (nla_put_uint(msg, map[i], atomic64_read(&ph->stats[i])))
			return -EMSGSIZE;
	if (nla_put_uint(msg, KTLS_PH_A_STATS_TX_RECORDS,
			 READ_ONCE(ph->tx_records)) ||
	    nla_put_uint(msg, KTLS_PH_A_STATS_TX_BYTES,
			 READ_ONCE(ph->tx_bytes)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return ktls_ph_nl_fill_pha(msg, ph, cert);
}

int ktls_ph_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ktls_ph_sock *ph;
	struct socket *sock;
	struct sk_buff *msg;
	void *hdr;
	int err;

	sock = ktls_ph_nl_sock(info, &err);
	if (!sock)
		return err;
	err = -ENOENT;
	ph = ktls_ph_sock_get(sock->sk);
	if (!ph) {
		NL_SET_ERR_MSG(info->extack, "socket is not attached to ktls_ph");
		goto out;
	}
	err = -ENOMEM;
	/* room for the largest peer-cert (the policy's limit) */
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE +
			  (ph->role == KTLS_PH_ROLE_SERVER ?
			   nla_total_size(U16_MAX) : 0), GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_iput(msg, info);
	if (!hdr || ktls_ph_nl_fill(msg, ph, true)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	sockfd_put(sock);
	return err;
}

struct ktls_ph_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int ktls_ph_nl_dump_one(struct ktls_ph_sock *ph, void *arg)
{
	struct ktls_ph_nl_dump *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &ktls_ph_nl_family,
			  NLM_F_MULTI, KTLS_PH_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (ktls_ph_nl_fill(d->skb, ph, true)) {
		/* a large peer-cert alone in a dump message: leave it out */
		genlmsg_cancel(d->skb, hdr);
		if (d->skb->len)
			return -EMSGSIZE;
		hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
				  d->cb->nlh->nlmsg_seq, &ktls_ph_nl_family,
				  NLM_F_MULTI, KTLS_PH_CMD_GET);
		if (!hdr)
			return -EMSGSIZE;
		if (ktls_ph_nl_fill(d->skb, ph, false)) {
			genlmsg_cancel(d->skb, hdr);
			return -EMSGSIZE;
		}
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

int ktls_ph_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ktls_ph_nl_dump d = { .skb = skb, .cb = cb };

	cb->args[0] = ktls_ph_sock_for_each(sock_net(skb->sk), cb->args[0],
					    ktls_ph_nl_dump_one, &d);
	return skb->len;
}

/**
 * ktls_ph_netlink_init() - register the ktls-ph generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_netlink_init(void)
{
	return genl_register_family(&ktls_ph_nl_family);
}

/**
 * ktls_ph_netlink_exit() - unregister the family
 */
void ktls_ph_netlink_exit(void)
{
	genl_unregister_family(&ktls_ph_nl_family);
}

/* The KUnit suites talk to the family through real netlink sockets. */
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_nl_family);

int ktls_ph_nl_helper_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	u32 limit, queued;
	struct sk_buff *msg;
	u64 dropped;
	void *hdr;
	int err;

	err = ktls_ph_helper_register(net, info->snd_portid, info->extack);
	if (err)
		return err;
	/* on failure below the helper stays registered: it may ask again */
	msg = genlmsg_new(2 * nla_total_size(sizeof(u32)) +
			  nla_total_size(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ktls_ph_helper_state(net, &limit, &queued, &dropped);
	hdr = genlmsg_iput(msg, info);
	if (!hdr || nla_put_u32(msg, KTLS_PH_A_HELPER_QUEUE_LIMIT, limit) ||
	    nla_put_u32(msg, KTLS_PH_A_HELPER_QUEUED, queued) ||
	    nla_put_uint(msg, KTLS_PH_A_HELPER_DROPPED, dropped)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int ktls_ph_nl_helper_unregister_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	return ktls_ph_helper_unregister(genl_info_net(info), info->snd_portid,
					 info->extack);
}

/* Size of the ticket nest of an event-pop reply */
static size_t ktls_ph_nl_ticket_size(const struct ktls_ph_event_ticket *t)
{
	return nla_total_size(0) +			/* the nest */
		2 * nla_total_size(sizeof(u32)) +	/* lifetime, age-add */
		nla_total_size(t->nonce_len) +
		nla_total_size(t->ticket_len) +
		nla_total_size(sizeof(u32)) +		/* max-early-data */
		nla_total_size(t->ext_len) +
		nla_total_size(t->psk_len) +
		nla_total_size(sizeof(u64));		/* received-ms */
}

/* Size of the pha nest of an event-pop reply */
static size_t ktls_ph_nl_pha_size(const struct ktls_ph_event_pha *p)
{
	return nla_total_size(0) +
		nla_total_size(p->transcript_len) +
		nla_total_size(p->request_len) +
		(p->cert ? nla_total_size(p->cert_len) : 0) +
		(p->cv ? nla_total_size(p->cv_len) : 0);
}

static bool ktls_ph_nl_is_pha(const struct ktls_ph_event *ev)
{
	return ev->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST ||
		ev->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT;
}

/* Size of the attributes of an event-pop reply */
static size_t ktls_ph_nl_event_size(const struct ktls_ph_event *ev)
{
	size_t size;

	size = 2 * nla_total_size(sizeof(u64)) +	/* id, cookie */
		3 * nla_total_size(sizeof(u32)) +	/* type, role, peer-auth */
		3 * nla_total_size(sizeof(u16)) +	/* suite, family, port */
		nla_total_size(sizeof(ev->peer_addr)) +
		nla_total_size(strlen(ev->server_name) + 1);
	if (ev->type == KTLS_PH_EVENT_TYPE_TICKET)
		size += ktls_ph_nl_ticket_size(&ev->ticket);
	else if (ktls_ph_nl_is_pha(ev))
		size += ktls_ph_nl_pha_size(&ev->pha);
	return size;
}

/**
 * ktls_ph_nl_event_fits() - can an event-pop reply carry an event
 * @ev: the event
 *
 * A nest is at most 65535 bytes long (nla_len): a ticket and extensions of
 * nearly 64 KiB together, legal in a NewSessionTicket, are not; nor are a
 * long transcript and a long request (or client certificate) together.
 *
 * Return: true when the event can be popped.
 */
bool ktls_ph_nl_event_fits(const struct ktls_ph_event *ev)
{
	if (ev->type == KTLS_PH_EVENT_TYPE_TICKET)
		return ktls_ph_nl_ticket_size(&ev->ticket) <= U16_MAX;
	if (ktls_ph_nl_is_pha(ev))
		return ktls_ph_nl_pha_size(&ev->pha) <= U16_MAX;
	return true;
}

static int ktls_ph_nl_pha_fill(struct sk_buff *msg,
			       const struct ktls_ph_event_pha *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, KTLS_PH_A_EVENT_PHA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(msg, KTLS_PH_A_PHA_TRANSCRIPT, p->transcript_len,
		    p->transcript) ||
	    nla_put(msg, KTLS_PH_A_PHA_REQUEST, p->request_len, p->request) ||
	    (p->cert && nla_put(msg, KTLS_PH_A_PHA_CERTIFICATE, p->cert_len,
				p->cert)) ||
	    (p->cv && nla_put(msg, KTLS_PH_A_PHA_CERTIFICATE_VERIFY,
			      p->cv_len, p->cv)))
		return -EMSGSIZE;
	return nla_nest_end_safe(msg, nest) < 0 ? -EMSGSIZE : 0;
}

static int ktls_ph_nl_ticket_fill(struct sk_buff *msg,
				  const struct ktls_ph_event_ticket *t)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, KTLS_PH_A_EVENT_TICKET);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, KTLS_PH_A_TICKET_LIFETIME, t->lifetime) ||
	    nla_put_u32(msg, KTLS_PH_A_TICKET_AGE_ADD, t->age_add) ||
	    nla_put(msg, KTLS_PH_A_TICKET_NONCE, t->nonce_len, t->nonce) ||
	    nla_put(msg, KTLS_PH_A_TICKET_TICKET, t->ticket_len, t->ticket) ||
	    (t->has_early_data &&
	     nla_put_u32(msg, KTLS_PH_A_TICKET_MAX_EARLY_DATA,
			 t->max_early_data)) ||
	    nla_put(msg, KTLS_PH_A_TICKET_EXTENSIONS, t->ext_len, t->ext) ||
	    nla_put(msg, KTLS_PH_A_TICKET_PSK, t->psk_len, t->psk) ||
	    nla_put_uint(msg, KTLS_PH_A_TICKET_RECEIVED_MS, t->received_ms))
		return -EMSGSIZE;
	return nla_nest_end_safe(msg, nest) < 0 ? -EMSGSIZE : 0;
}

static int ktls_ph_nl_event_fill(struct sk_buff *msg,
				 const struct ktls_ph_event *ev)
{
	if (nla_put_uint(msg, KTLS_PH_A_EVENT_ID, ev->id) ||
	    nla_put_u32(msg, KTLS_PH_A_EVENT_TYPE, ev->type) ||
	    nla_put_uint(msg, KTLS_PH_A_EVENT_COOKIE, ev->cookie) ||
	    nla_put_u32(msg, KTLS_PH_A_EVENT_ROLE, ev->role) ||
	    nla_put_u16(msg, KTLS_PH_A_EVENT_CIPHER_SUITE, ev->suite_id) ||
	    nla_put_u32(msg, KTLS_PH_A_EVENT_PEER_AUTH, ev->peer_auth))
		return -EMSGSIZE;
	if (ev->family &&
	    (nla_put_u16(msg, KTLS_PH_A_EVENT_FAMILY, ev->family) ||
	     nla_put(msg, KTLS_PH_A_EVENT_PEER_ADDR,
		     ev->family == AF_INET ? 4 : 16, ev->peer_addr) ||
	     nla_put_be16(msg, KTLS_PH_A_EVENT_PEER_PORT, ev->peer_port)))
		return -EMSGSIZE;
	if (ev->server_name[0] &&
	    nla_put_string(msg, KTLS_PH_A_EVENT_SERVER_NAME, ev->server_name))
		return -EMSGSIZE;
	if (ev->type == KTLS_PH_EVENT_TYPE_TICKET)
		return ktls_ph_nl_ticket_fill(msg, &ev->ticket);
	if (ktls_ph_nl_is_pha(ev))
		return ktls_ph_nl_pha_fill(msg, &ev->pha);
	return 0;
}

int ktls_ph_nl_event_pop_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ktls_ph_event *ev;
	struct sk_buff *msg;
	void *hdr;
	int err;

	ev = ktls_ph_event_pop(net, info->snd_portid, info->extack);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	/* sized exactly, so that netlink_trim() never copies the PSK */
	msg = genlmsg_new(ktls_ph_nl_event_size(ev), GFP_KERNEL);
	if (!msg) {
		ktls_ph_event_unpop(net, info->snd_portid, ev);
		return -ENOMEM;
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr || ktls_ph_nl_event_fill(msg, ev)) {
		memzero_explicit(msg->data, msg->len);
		nlmsg_free(msg);
		ktls_ph_event_unpop(net, info->snd_portid, ev);
		NL_SET_ERR_MSG(info->extack, "cannot build the event-pop reply");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	/* the reply is now the only copy of the PSK in the kernel */
	ktls_ph_event_free(ev);
	err = genlmsg_reply(msg, info);
	ktls_ph_net_inc(net, err ? KTLS_PH_NS_EVENTS_DROPPED_ERROR :
			KTLS_PH_NS_EVENTS_DELIVERED);
	return err;
}

/**
 * ktls_ph_nl_event_ready() - tell a helper that events are queued
 * @net: its namespace
 * @portid: its netlink port id
 * @queued: number of events queued
 *
 * Best effort: the helper pops until the queue is empty, and when it
 * starts, so a notification that cannot be sent is not missed.
 *
 * Context: process context (the helper's work item).
 */
void ktls_ph_nl_event_ready(struct net *net, u32 portid, u32 queued)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ktls_ph_nl_family, 0,
			  KTLS_PH_CMD_EVENT_READY);
	if (!hdr || nla_put_u32(msg, KTLS_PH_A_HELPER_QUEUED, queued)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_unicast(net, msg, portid);
}

int ktls_ph_nl_event_reply_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTLS_PH_A_PHA_MAX + 1];
	struct ktls_ph_pha_answer a = {};
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_EVENT_ID) ||
	    GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_EVENT_COOKIE) ||
	    GENL_REQ_ATTR_CHECK(info, KTLS_PH_A_EVENT_PHA))
		return -EINVAL;
	err = nla_parse_nested(tb, KTLS_PH_A_PHA_MAX,
			       info->attrs[KTLS_PH_A_EVENT_PHA],
			       ktls_ph_pha_nl_policy, info->extack);
	if (err)
		return err;
	if (tb[KTLS_PH_A_PHA_CERTIFICATE]) {
		a.cert = nla_data(tb[KTLS_PH_A_PHA_CERTIFICATE]);
		a.cert_len = nla_len(tb[KTLS_PH_A_PHA_CERTIFICATE]);
	}
	if (tb[KTLS_PH_A_PHA_CERTIFICATE_VERIFY]) {
		a.cv = nla_data(tb[KTLS_PH_A_PHA_CERTIFICATE_VERIFY]);
		a.cv_len = nla_len(tb[KTLS_PH_A_PHA_CERTIFICATE_VERIFY]);
	}
	a.decline = nla_get_flag(tb[KTLS_PH_A_PHA_DECLINE]);
	if (tb[KTLS_PH_A_PHA_VERDICT]) {
		a.has_verdict = true;
		a.verdict = nla_get_u32(tb[KTLS_PH_A_PHA_VERDICT]);
	}
	if (tb[KTLS_PH_A_PHA_ALERT])
		a.alert = nla_get_u8(tb[KTLS_PH_A_PHA_ALERT]);
	return ktls_ph_pha_reply(genl_info_net(info), info->snd_portid,
				 nla_get_uint(info->attrs[KTLS_PH_A_EVENT_ID]),
				 nla_get_uint(info->attrs[KTLS_PH_A_EVENT_COOKIE]),
				 &a, info->extack);
}

int ktls_ph_nl_pha_request_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ktls_ph_sock *ph;
	struct socket *sock;
	int err;

	sock = ktls_ph_nl_sock(info, &err);
	if (!sock)
		return err;
	ph = ktls_ph_sock_get(sock->sk);
	if (ph) {
		err = ktls_ph_pha_request(ph, info->extack);
	} else {
		NL_SET_ERR_MSG(info->extack, "socket is not attached to ktls_ph");
		err = -ENOENT;
	}
	sockfd_put(sock);
	return err;
}

/**
 * ktls_ph_nl_pha_done() - announce a post-handshake authentication outcome
 * @net: the socket's namespace
 * @cookie: the socket's cookie
 * @verdict: enum ktls_ph_pha_verdict
 * @alert: the alert sent because of it (0: none)
 *
 * Best effort, to the "pha" multicast group.
 *
 * Context: process context.
 */
void ktls_ph_nl_pha_done(struct net *net, u64 cookie, u32 verdict, u8 alert)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u64)) +
			  nla_total_size(sizeof(u32)) +
			  nla_total_size(sizeof(u8)), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ktls_ph_nl_family, 0,
			  KTLS_PH_CMD_PHA_DONE);
	if (!hdr || nla_put_uint(msg, KTLS_PH_A_SOCK_COOKIE, cookie) ||
	    nla_put_u32(msg, KTLS_PH_A_SOCK_PHA_VERDICT, verdict) ||
	    nla_put_u8(msg, KTLS_PH_A_SOCK_PHA_ALERT, alert)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&ktls_ph_nl_family, net, msg, 0,
				KTLS_PH_NLGRP_PHA, GFP_KERNEL);
}
