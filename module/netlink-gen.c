// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ktls_ph.yaml */
/* YNL-GEN kernel source */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/ktls_ph.h>

/* Common nested types */
const struct nla_policy ktls_ph_pha_nl_policy[KTLS_PH_A_PHA_ALERT + 1] = {
	[KTLS_PH_A_PHA_TRANSCRIPT] = { .type = NLA_BINARY, },
	[KTLS_PH_A_PHA_REQUEST] = { .type = NLA_BINARY, },
	[KTLS_PH_A_PHA_CERTIFICATE] = { .type = NLA_BINARY, },
	[KTLS_PH_A_PHA_CERTIFICATE_VERIFY] = { .type = NLA_BINARY, },
	[KTLS_PH_A_PHA_DECLINE] = { .type = NLA_FLAG, },
	[KTLS_PH_A_PHA_VERDICT] = NLA_POLICY_MAX(NLA_U32, 12),
	[KTLS_PH_A_PHA_ALERT] = { .type = NLA_U8, },
};

/* KTLS_PH_CMD_ATTACH - do */
static const struct nla_policy ktls_ph_attach_nl_policy[KTLS_PH_A_SOCK_PEER_AUTH + 1] = {
	[KTLS_PH_A_SOCK_SOCKFD] = { .type = NLA_S32, },
	[KTLS_PH_A_SOCK_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[KTLS_PH_A_SOCK_CIPHER_SUITE] = { .type = NLA_U16, },
	[KTLS_PH_A_SOCK_TX_SECRET] = NLA_POLICY_MAX_LEN(KTLS_PH_MAX_SECRET_LEN),
	[KTLS_PH_A_SOCK_RX_SECRET] = NLA_POLICY_MAX_LEN(KTLS_PH_MAX_SECRET_LEN),
	[KTLS_PH_A_SOCK_RESUMPTION_SECRET] = NLA_POLICY_MAX_LEN(KTLS_PH_MAX_SECRET_LEN),
	[KTLS_PH_A_SOCK_TRANSCRIPT] = { .type = NLA_BINARY, },
	[KTLS_PH_A_SOCK_PHA_OFFERED] = { .type = NLA_FLAG, },
	[KTLS_PH_A_SOCK_SERVER_NAME] = { .type = NLA_NUL_STRING, .len = 255, },
	[KTLS_PH_A_SOCK_REKEY_RECORDS] = { .type = NLA_UINT, },
	[KTLS_PH_A_SOCK_REKEY_BYTES] = { .type = NLA_UINT, },
	[KTLS_PH_A_SOCK_PEER_AUTH] = NLA_POLICY_MAX(NLA_U32, 2),
};

/* KTLS_PH_CMD_DETACH - do */
static const struct nla_policy ktls_ph_detach_nl_policy[KTLS_PH_A_SOCK_SOCKFD + 1] = {
	[KTLS_PH_A_SOCK_SOCKFD] = { .type = NLA_S32, },
};

/* KTLS_PH_CMD_KEY_UPDATE - do */
static const struct nla_policy ktls_ph_key_update_nl_policy[KTLS_PH_A_SOCK_REQUEST_PEER + 1] = {
	[KTLS_PH_A_SOCK_SOCKFD] = { .type = NLA_S32, },
	[KTLS_PH_A_SOCK_REQUEST_PEER] = { .type = NLA_FLAG, },
};

/* KTLS_PH_CMD_GET - do */
static const struct nla_policy ktls_ph_get_nl_policy[KTLS_PH_A_SOCK_SOCKFD + 1] = {
	[KTLS_PH_A_SOCK_SOCKFD] = { .type = NLA_S32, },
};

/* KTLS_PH_CMD_EVENT_REPLY - do */
static const struct nla_policy ktls_ph_event_reply_nl_policy[KTLS_PH_A_EVENT_PHA + 1] = {
	[KTLS_PH_A_EVENT_ID] = { .type = NLA_UINT, },
	[KTLS_PH_A_EVENT_COOKIE] = { .type = NLA_UINT, },
	[KTLS_PH_A_EVENT_PHA] = NLA_POLICY_NESTED(ktls_ph_pha_nl_policy),
};

/* KTLS_PH_CMD_PHA_REQUEST - do */
static const struct nla_policy ktls_ph_pha_request_nl_policy[KTLS_PH_A_SOCK_SOCKFD + 1] = {
	[KTLS_PH_A_SOCK_SOCKFD] = { .type = NLA_S32, },
};

/* Ops table for ktls_ph */
static const struct genl_split_ops ktls_ph_nl_ops[] = {
	{
		.cmd		= KTLS_PH_CMD_ATTACH,
		.doit		= ktls_ph_nl_attach_doit,
		.policy		= ktls_ph_attach_nl_policy,
		.maxattr	= KTLS_PH_A_SOCK_PEER_AUTH,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= KTLS_PH_CMD_DETACH,
		.doit		= ktls_ph_nl_detach_doit,
		.policy		= ktls_ph_detach_nl_policy,
		.maxattr	= KTLS_PH_A_SOCK_SOCKFD,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= KTLS_PH_CMD_KEY_UPDATE,
		.doit		= ktls_ph_nl_key_update_doit,
		.policy		= ktls_ph_key_update_nl_policy,
		.maxattr	= KTLS_PH_A_SOCK_REQUEST_PEER,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= KTLS_PH_CMD_GET,
		.doit		= ktls_ph_nl_get_doit,
		.policy		= ktls_ph_get_nl_policy,
		.maxattr	= KTLS_PH_A_SOCK_SOCKFD,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= KTLS_PH_CMD_GET,
		.dumpit	= ktls_ph_nl_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= KTLS_PH_CMD_HELPER_REGISTER,
		.doit	= ktls_ph_nl_helper_register_doit,
		.flags	= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= KTLS_PH_CMD_HELPER_UNREGISTER,
		.doit	= ktls_ph_nl_helper_unregister_doit,
		.flags	= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= KTLS_PH_CMD_EVENT_POP,
		.doit	= ktls_ph_nl_event_pop_doit,
		.flags	= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= KTLS_PH_CMD_EVENT_REPLY,
		.doit		= ktls_ph_nl_event_reply_doit,
		.policy		= ktls_ph_event_reply_nl_policy,
		.maxattr	= KTLS_PH_A_EVENT_PHA,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= KTLS_PH_CMD_PHA_REQUEST,
		.doit		= ktls_ph_nl_pha_request_doit,
		.policy		= ktls_ph_pha_request_nl_policy,
		.maxattr	= KTLS_PH_A_SOCK_SOCKFD,
		.flags		= GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group ktls_ph_nl_mcgrps[] = {
	[KTLS_PH_NLGRP_PHA] = { "pha", },
};

struct genl_family ktls_ph_nl_family __ro_after_init = {
	.name		= KTLS_PH_FAMILY_NAME,
	.version	= KTLS_PH_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= ktls_ph_nl_ops,
	.n_split_ops	= ARRAY_SIZE(ktls_ph_nl_ops),
	.mcgrps		= ktls_ph_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ktls_ph_nl_mcgrps),
};
