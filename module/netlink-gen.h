/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ktls_ph.yaml */
/* YNL-GEN kernel header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _LINUX_KTLS_PH_GEN_H
#define _LINUX_KTLS_PH_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/ktls_ph.h>

/* Common nested types */
extern const struct nla_policy ktls_ph_pha_nl_policy[KTLS_PH_A_PHA_ALERT + 1];

int ktls_ph_nl_attach_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_detach_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_key_update_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ktls_ph_nl_helper_register_doit(struct sk_buff *skb,
				    struct genl_info *info);
int ktls_ph_nl_helper_unregister_doit(struct sk_buff *skb,
				      struct genl_info *info);
int ktls_ph_nl_event_pop_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_event_reply_doit(struct sk_buff *skb, struct genl_info *info);
int ktls_ph_nl_pha_request_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	KTLS_PH_NLGRP_PHA,
};

extern struct genl_family ktls_ph_nl_family;

#endif /* _LINUX_KTLS_PH_GEN_H */
