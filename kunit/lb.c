// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit helpers: loopback kTLS connections inside the kernel (see lb.h).
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/tls.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "hsmsg.h"
#include "lb.h"
#include "sock.h"

#define LB_TIMEOUT	(10 * HZ)	/* a broken test fails, never hangs */

static void ktls_ph_lb_release(void *arg)
{
	struct ktls_ph_lb *lb = arg;

	if (lb->c.sock)
		sock_release(lb->c.sock);
	if (lb->s.sock)
		sock_release(lb->s.sock);
	ktls_ph_ks_free(&lb->c.tx_ks);
	ktls_ph_ks_free(&lb->c.rx_ks);
	ktls_ph_ks_free(&lb->s.tx_ks);
	ktls_ph_ks_free(&lb->s.rx_ks);
}

static void ktls_ph_lb_timeouts(struct socket *sock)
{
	sock->sk->sk_rcvtimeo = LB_TIMEOUT;
	sock->sk->sk_sndtimeo = LB_TIMEOUT;
}

struct ktls_ph_lb *ktls_ph_lb_tcp_family(struct kunit *test, u16 suite_id,
					 int family)
{
	struct sockaddr_storage a = { .ss_family = family };
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
	struct socket *lsn;
	struct ktls_ph_lb *lb;
	int alen, i;

	if (family == AF_INET6) {
		a6->sin6_addr = (struct in6_addr)IN6ADDR_LOOPBACK_INIT;
		alen = sizeof(*a6);
	} else {
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		alen = sizeof(*a4);
	}

	lb = kunit_kzalloc(test, sizeof(*lb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lb);
	lb->suite = ktls_ph_suite_by_id(suite_id);
	KUNIT_ASSERT_NOT_NULL(test, lb->suite);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ktls_ph_lb_release, lb));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_ks_init(&lb->c.tx_ks, suite_id));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_ks_init(&lb->c.rx_ks, suite_id));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_ks_init(&lb->s.tx_ks, suite_id));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_ks_init(&lb->s.rx_ks, suite_id));
	for (i = 0; i < lb->suite->hash_len; i++) {
		lb->c.tx[i] = 0x11 + i;
		lb->s.tx[i] = 0xa0 ^ i;
	}
	memcpy(lb->c.rx, lb->s.tx, sizeof(lb->c.rx));
	memcpy(lb->s.rx, lb->c.tx, sizeof(lb->s.rx));

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, family,
						  SOCK_STREAM, IPPROTO_TCP,
						  &lsn));
	if (kernel_bind(lsn, (struct sockaddr_unsized *)&a, alen) ||
	    kernel_listen(lsn, 1) ||
	    kernel_getsockname(lsn, (struct sockaddr *)&a) < 0 ||
	    sock_create_kern(&init_net, family, SOCK_STREAM, IPPROTO_TCP,
			     &lb->c.sock) ||
	    kernel_connect(lb->c.sock, (struct sockaddr_unsized *)&a,
			   alen, 0) ||
	    kernel_accept(lsn, &lb->s.sock, 0)) {
		sock_release(lsn);
		KUNIT_FAIL_AND_ABORT(test, "%sloopback TCP connection failed",
				     family == AF_INET6 ? "IPv6 " : "");
	}
	sock_release(lsn);
	ktls_ph_lb_timeouts(lb->c.sock);
	ktls_ph_lb_timeouts(lb->s.sock);
	return lb;
}

struct ktls_ph_lb *ktls_ph_lb_tcp(struct kunit *test, u16 suite_id)
{
	return ktls_ph_lb_tcp_family(test, suite_id, AF_INET);
}

int ktls_ph_lb_ktls(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
		    bool rx_too, u16 version)
{
	struct socket *sock = e->sock;
	union ktls_ph_crypto_info ci;
	unsigned int len;
	int err;

	err = sock->ops->setsockopt(sock, SOL_TCP, TCP_ULP,
				    KERNEL_SOCKPTR("tls"), sizeof("tls"));
	if (err)
		return err;
	err = ktls_ph_crypto_info_fill(&e->tx_ks, e->tx, &ci, &len);
	ci.info.version = version;
	if (!err)
		err = sock->ops->setsockopt(sock, SOL_TLS, TLS_TX,
					    KERNEL_SOCKPTR(&ci), len);
	if (!err && rx_too) {
		err = ktls_ph_crypto_info_fill(&e->rx_ks, e->rx, &ci, &len);
		ci.info.version = version;
		if (!err)
			err = sock->ops->setsockopt(sock, SOL_TLS, TLS_RX,
						    KERNEL_SOCKPTR(&ci), len);
	}
	memzero_explicit(&ci, sizeof(ci));
	return err;
}

int ktls_ph_lb_attach(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
		      struct netlink_ext_ack *extack)
{
	struct ktls_ph_attach_args a = {
		.role = e == &lb->c ? KTLS_PH_ROLE_CLIENT : KTLS_PH_ROLE_SERVER,
		.suite_id = lb->suite->id,
		.tx_secret = e->tx,
		.rx_secret = e->rx,
		.secret_len = lb->suite->hash_len,
		.rekey_bytes = e->rekey_bytes,
	};
	u64 cookie;
	int err;

	err = ktls_ph_sock_attach(e->sock->sk, &a, &cookie, extack);
	if (!err)
		e->attached = true;
	return err;
}

struct ktls_ph_lb *ktls_ph_lb_new_family(struct kunit *test, u16 suite_id,
					 int family, bool attach_c,
					 bool attach_s)
{
	struct ktls_ph_lb *lb = ktls_ph_lb_tcp_family(test, suite_id, family);

	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->c, true,
						 TLS_1_3_VERSION));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->s, true,
						 TLS_1_3_VERSION));
	if (attach_c)
		KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_attach(lb, &lb->c, NULL));
	if (attach_s)
		KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_attach(lb, &lb->s, NULL));
	return lb;
}

struct ktls_ph_lb *ktls_ph_lb_new(struct kunit *test, u16 suite_id,
				  bool attach_c, bool attach_s)
{
	return ktls_ph_lb_new_family(test, suite_id, AF_INET, attach_c,
				     attach_s);
}

int ktls_ph_lb_send(struct ktls_ph_lb_end *e, u8 type, const void *buf,
		    size_t len)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(size_t)) = {};
	struct cmsghdr *c = (struct cmsghdr *)cbuf;
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {};

	if (type != TLS_RECORD_TYPE_DATA) {
		c->cmsg_level = SOL_TLS;
		c->cmsg_type = TLS_SET_RECORD_TYPE;
		c->cmsg_len = CMSG_LEN(sizeof(u8));
		*(u8 *)CMSG_DATA(c) = type;
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
	}
	return kernel_sendmsg(e->sock, &m, &iov, 1, len);
}

int ktls_ph_lb_recv(struct ktls_ph_lb_end *e, u8 *type, void *buf,
		    size_t len, int flags)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(size_t)) = {};
	struct cmsghdr *c = (struct cmsghdr *)cbuf;
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {};
	int ret;

	if (type) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
	}
	ret = kernel_recvmsg(e->sock, &m, &iov, 1, len, flags);
	if (type && ret > 0) {
		if (m.msg_controllen == sizeof(cbuf) ||
		    c->cmsg_level != SOL_TLS ||
		    c->cmsg_type != TLS_GET_RECORD_TYPE)
			return -EIO;
		*type = *(u8 *)CMSG_DATA(c);
	}
	return ret;
}

void ktls_ph_lb_fill(u8 *buf, size_t len, u32 seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 16;
	}
}

int ktls_ph_lb_raw_rekey(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			 bool tx)
{
	struct ktls_ph_ks *ks = tx ? &e->tx_ks : &e->rx_ks;
	u8 *secret = tx ? e->tx : e->rx;
	union ktls_ph_crypto_info ci;
	unsigned int len;
	int err;

	err = ktls_ph_ks_next_secret(ks, secret, lb->suite->hash_len,
				     secret, lb->suite->hash_len);
	if (!err)
		err = ktls_ph_crypto_info_fill(ks, secret, &ci, &len);
	if (!err)
		err = e->sock->ops->setsockopt(e->sock, SOL_TLS,
					       tx ? TLS_TX : TLS_RX,
					       KERNEL_SOCKPTR(&ci), len);
	memzero_explicit(&ci, sizeof(ci));
	return err;
}

int ktls_ph_lb_raw_key_update(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			      bool request)
{
	u8 ku[5] = { KTLS_PH_HS_KEY_UPDATE, 0, 0, 1, request };
	int ret;

	ret = ktls_ph_lb_send(e, TLS_RECORD_TYPE_HANDSHAKE, ku, sizeof(ku));
	if (ret != sizeof(ku))
		return ret < 0 ? ret : -EIO;
	return ktls_ph_lb_raw_rekey(lb, e, true);
}

int ktls_ph_lb_raw_recv_data(struct ktls_ph_lb *lb, struct ktls_ph_lb_end *e,
			     void *buf, size_t len, int *peer_requests)
{
	size_t got = 0;
	u8 type;
	int ret;

	while (got < len) {
		ret = ktls_ph_lb_recv(e, &type, buf + got, len - got, 0);
		if (ret <= 0)
			return ret ?: -EPIPE;
		if (type == TLS_RECORD_TYPE_DATA) {
			got += ret;
			continue;
		}
		/* only a whole KeyUpdate, alone in its record, is expected */
		if (type != TLS_RECORD_TYPE_HANDSHAKE || ret != 5 ||
		    memcmp(buf + got, "\x18\x00\x00\x01", 4) ||
		    ((u8 *)buf)[got + 4] > 1)
			return -EPROTO;
		if (((u8 *)buf)[got + 4] && peer_requests)
			(*peer_requests)++;
		ret = ktls_ph_lb_raw_rekey(lb, e, false);
		if (ret)
			return ret;
	}
	return got;
}
