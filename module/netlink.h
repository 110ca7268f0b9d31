/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: generic netlink family registration.
 */
#ifndef _KTLS_PH_NETLINK_H
#define _KTLS_PH_NETLINK_H

int ktls_ph_netlink_init(void);
void ktls_ph_netlink_exit(void);

#endif /* _KTLS_PH_NETLINK_H */
