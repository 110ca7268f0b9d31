// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: generic netlink handlers. Policies and the family come from
 * netlink-gen.c, generated from Documentation/netlink/specs/ktls_ph.yaml.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/ktls_ph.h>

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
	if (attrs[KTLS_PH_A_SOCK_PHA_OFFERED] ||
	    attrs[KTLS_PH_A_SOCK_TRANSCRIPT]) {
		NL_SET_ERR_MSG(info->extack,
			       "post-handshake authentication is not supported yet");
		return -EOPNOTSUPP;
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

static int ktls_ph_nl_fill(struct sk_buff *msg, struct ktls_ph_sock *ph)
{
	static const int map[KTLS_PH_SS_NUM] = {
		[KTLS_PH_SS_RX_REKEYS] = KTLS_PH_A_STATS_RX_REKEYS,
		[KTLS_PH_SS_TX_REKEYS] = KTLS_PH_A_STATS_TX_REKEYS,
		[KTLS_PH_SS_UPDATE_REQUESTED] = KTLS_PH_A_STATS_UPDATE_REQUESTED,
		[KTLS_PH_SS_AUTO_REKEYS] = KTLS_PH_A_STATS_AUTO_REKEYS,
		[KTLS_PH_SS_HS_RECORDS] = KTLS_PH_A_STATS_HS_RECORDS,
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
	return 0;
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
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_iput(msg, info);
	if (!hdr || ktls_ph_nl_fill(msg, ph)) {
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
	if (ktls_ph_nl_fill(d->skb, ph)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
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

int ktls_ph_nl_helper_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "helper registration is not implemented yet");
	return -EOPNOTSUPP;
}

int ktls_ph_nl_helper_unregister_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	return -EOPNOTSUPP;
}

int ktls_ph_nl_event_pop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return -EOPNOTSUPP;
}
