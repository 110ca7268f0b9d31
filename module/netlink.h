/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: generic netlink family registration.
 */
#ifndef _KTLS_PH_NETLINK_H
#define _KTLS_PH_NETLINK_H

#include <linux/types.h>

struct net;
struct ktls_ph_event;

int ktls_ph_netlink_init(void);
void ktls_ph_netlink_exit(void);
bool ktls_ph_nl_event_fits(const struct ktls_ph_event *ev);
void ktls_ph_nl_event_ready(struct net *net, u32 portid, u32 queued);
void ktls_ph_nl_pha_done(struct net *net, u64 cookie, u32 verdict, u8 alert);

#endif /* _KTLS_PH_NETLINK_H */
