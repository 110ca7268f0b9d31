// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: TLS 1.3 post-handshake messages for kTLS sockets.
 *
 * Module init and exit only; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "helper.h"
#include "keysched.h"
#include "netlink.h"
#include "stats.h"

static int __init ktls_ph_init(void)
{
	int err;

	err = ktls_ph_keysched_selftest();
	if (err)
		return err;
	err = ktls_ph_stats_init();
	if (err)
		return err;
	err = ktls_ph_helper_init();
	if (err)
		goto out_stats;
	err = ktls_ph_netlink_init();
	if (err)
		goto out_helper;
	pr_info("loaded\n");
	return 0;

out_helper:
	ktls_ph_helper_exit();
out_stats:
	ktls_ph_stats_exit();
	return err;
}

static void __exit ktls_ph_exit(void)
{
	ktls_ph_helper_stop();	/* no event-ready after this */
	ktls_ph_netlink_exit();
	ktls_ph_helper_exit();
	rcu_barrier();	/* attached sockets' state is freed by RCU */
	ktls_ph_stats_exit();
	pr_info("unloaded\n");
}

module_init(ktls_ph_init);
module_exit(ktls_ph_exit);

MODULE_DESCRIPTION("TLS 1.3 post-handshake messages (KeyUpdate, tickets, PHA) for kTLS");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: tls");
