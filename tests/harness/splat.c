// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph_splat: test-only module that makes the kernel misbehave on
 * purpose, so the VM runner's detection of each failure kind is itself
 * tested. Never built for users (only with KTLS_PH_TEST_MODULES=1).
 *
 *   insmod ktls_ph_splat.ko what=warn|oops|panic|kasan|lockdep|leak
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "warn, oops, panic, kasan, lockdep or leak");

static DEFINE_MUTEX(ktls_ph_splat_a);
static DEFINE_MUTEX(ktls_ph_splat_b);
static void *ktls_ph_splat_leaked;

static noinline void ktls_ph_splat_kasan(void)
{
	char *p = kmalloc(8, GFP_KERNEL);
	size_t i = 8;	/* one past the end */

	OPTIMIZER_HIDE_VAR(i);
	if (p) {
		p[i] = 1;
		kfree(p);
	}
}

static noinline void ktls_ph_splat_oops(void)
{
	int *p = NULL;

	OPTIMIZER_HIDE_VAR(p);
	*p = 1;
}

static int __init ktls_ph_splat_init(void)
{
	pr_info("triggering '%s'\n", what);
	if (!strcmp(what, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(what, "oops")) {
		ktls_ph_splat_oops();
	} else if (!strcmp(what, "panic")) {
		panic("ktls_ph_splat: requested panic");
	} else if (!strcmp(what, "kasan")) {
		ktls_ph_splat_kasan();
	} else if (!strcmp(what, "lockdep")) {
		mutex_lock(&ktls_ph_splat_a);
		mutex_lock(&ktls_ph_splat_b);
		mutex_unlock(&ktls_ph_splat_b);
		mutex_unlock(&ktls_ph_splat_a);
		mutex_lock(&ktls_ph_splat_b);
		mutex_lock(&ktls_ph_splat_a);
		mutex_unlock(&ktls_ph_splat_a);
		mutex_unlock(&ktls_ph_splat_b);
	} else if (!strcmp(what, "leak")) {
		int i;

		/* Several, so a stale copy of one pointer on a stack does
		 * not hide them all from kmemleak.
		 */
		for (i = 0; i < 16; i++)
			WRITE_ONCE(ktls_ph_splat_leaked,
				   kmalloc(1024, GFP_KERNEL));
		WRITE_ONCE(ktls_ph_splat_leaked, NULL);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit ktls_ph_splat_exit(void)
{
}

module_init(ktls_ph_splat_init);
module_exit(ktls_ph_splat_exit);

MODULE_DESCRIPTION("ktls_ph test harness: trigger kernel failures on purpose");
MODULE_LICENSE("GPL");
