/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers: real loopback TCP connections inside the kernel with kTLS
 * TLS 1.3 configured on both ends, ktls_ph attached to either or both, and
 * a "raw" end that does what a 6.14 userspace application would do itself
 * (records of any type through cmsg, rekey through setsockopt).
 */
#ifndef _KTLS_PH_KUNIT_LB_H
#define _KTLS_PH_KUNIT_LB_H

#include <kunit/test.h>
#include <linux/net.h>

#include "keysched.h"

/**
 * struct ktls_ph_lb_end - one end of a loopback kTLS connection
 * @sock: the kernel socket
 * @attached: ktls_ph is attached
 * @tx_ks: key schedule for @tx (raw ends rekey themselves)
 * @rx_ks: key schedule for @rx
 * @tx: this end's current traffic secret (as the raw end knows it)
 * @rx: the peer's current traffic secret (as the raw end knows it)
 * @rekey_bytes: automatic KeyUpdate limit given at attach (0: none)
 */
struct ktls_ph_lb_end {
	struct socket *sock;
	bool attached;
	struct ktls_ph_ks tx_ks;
	struct ktls_ph_ks rx_ks;
	u8 tx[KTLS_PH_MAX_HASH_LEN];
	u8 rx[KTLS_PH_MAX_HASH_LEN];
	u64 rekey_bytes;
};

/**
 * struct ktls_ph_lb - a loopback kTLS connection
 * @suite: its cipher suite
 * @c: the client end
 * @s: the server end
 */
struct ktls_ph_lb {
	const struct ktls_ph_suite *suite;
	struct ktls_ph_lb_end c;
	struct ktls_ph_lb_end s;
};

/* TCP only (no kTLS) connection; released when the test ends */
struct ktls_ph_lb *ktls_ph_lb_tcp(struct kunit *test, u16 suite_id);
/* The same over @family's loopback: AF_INET (127.0.0.1) or AF_INET6 (::1) */
struct ktls_ph_lb *ktls_ph_lb_tcp_family(struct kunit *test, u16 suite_id,
					 int family);
/* Set up kTLS in both directions on @e with the current secrets */
int ktls_ph_lb_ktls(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
		    bool rx_too, u16 version);
/* Connected pair, kTLS on both ends, ktls_ph attached as asked */
struct ktls_ph_lb *ktls_ph_lb_new(struct kunit *test, u16 suite_id,
				  bool attach_c, bool attach_s);
/* The same over @family's loopback (see ktls_ph_lb_tcp_family()) */
struct ktls_ph_lb *ktls_ph_lb_new_family(struct kunit *test, u16 suite_id,
					 int family, bool attach_c,
					 bool attach_s);
int ktls_ph_lb_attach(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
		      struct netlink_ext_ack *extack);

int ktls_ph_lb_send(struct ktls_ph_lb_end *e, u8 type, const void *buf,
		    size_t len);
int ktls_ph_lb_recv(struct ktls_ph_lb_end *e, u8 *type, void *buf,
		    size_t len, int flags);
void ktls_ph_lb_fill(u8 *buf, size_t len, u32 seed);

/* Raw end: next secret of one direction, installed the 6.14 way */
int ktls_ph_lb_raw_rekey(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			 bool tx);
/* Raw end: send a KeyUpdate and switch the send key, the 6.14 way */
int ktls_ph_lb_raw_key_update(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			      bool request);
/* Raw end: read application data, acting on KeyUpdates on the way */
int ktls_ph_lb_raw_recv_data(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			     void *buf, size_t len, int *peer_requests);

#endif /* _KTLS_PH_KUNIT_LB_H */
