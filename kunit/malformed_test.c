// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: bad input on real loopback kTLS connections. A raw end sends
 * malformed post-handshake messages to a ktls_ph end, which must answer
 * with the RFC 8446 fatal alert (read back by the raw end), fail the
 * application's calls with a defined errno and count the alert in the
 * namespace's counters. Also ATTACH argument validation.
 */
#include <kunit/test.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/poll.h>
#include <linux/tls.h>
#include <net/net_namespace.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "hsmsg.h"
#include "lb.h"
#include "sock.h"
#include "stats.h"

/* The bytes of up to three records the raw end sends, in order */
struct bad_input {
	const char *name;
	u8 type[3];		/* 0 = no record */
	const u8 *rec[3];
	u8 len[3];
	u32 role;
	u8 alert;
	int err;
	enum ktls_ph_net_stat stat;
};

#define HS	TLS_RECORD_TYPE_HANDSHAKE
#define DATA	TLS_RECORD_TYPE_DATA

static const struct bad_input bad_inputs[] = {
	{ "keyupdate-empty", { HS }, { (const u8 *)"\x18\0\0\0" }, { 4 },
	  KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "keyupdate-2-bytes", { HS }, { (const u8 *)"\x18\0\0\x02\0\0" },
	  { 6 }, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "keyupdate-value-2", { HS }, { (const u8 *)"\x18\0\0\x01\x02" },
	  { 5 }, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_ILLEGAL_PARAMETER, -EPROTO,
	  KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER },
	{ "keyupdate-value-255", { HS }, { (const u8 *)"\x18\0\0\x01\xff" },
	  { 5 }, KTLS_PH_ROLE_SERVER, KTLS_PH_ALERT_ILLEGAL_PARAMETER, -EPROTO,
	  KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER },
	{ "keyupdate-not-last-in-record", { HS },
	  { (const u8 *)"\x18\0\0\x01\0\x18\0\0\x01\0" }, { 10 },
	  KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "keyupdate-split-around-data", { HS, DATA, HS },
	  { (const u8 *)"\x18\0", (const u8 *)"x", (const u8 *)"\0\x01\0" },
	  { 2, 1, 3 }, KTLS_PH_ROLE_CLIENT,
	  KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "over-64k-message", { HS }, { (const u8 *)"\x04\x01\0\0" }, { 4 },
	  KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "ticket-to-server", { HS },
	  { (const u8 *)"\x04\0\0\x09\0\0\0\x01\0\0\0\0\0" }, { 13 },
	  KTLS_PH_ROLE_SERVER, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "certificate-request-without-pha", { HS },
	  { (const u8 *)"\x0d\0\0\x03\0\0\0" }, { 7 }, KTLS_PH_ROLE_CLIENT,
	  KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "finished-unsolicited", { HS }, { (const u8 *)"\x14\0\0\x01\0" },
	  { 5 }, KTLS_PH_ROLE_SERVER, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "unknown-type", { HS }, { (const u8 *)"\x63\0\0\0" }, { 4 },
	  KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
};

static void bad_input_desc(const struct bad_input *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_input, bad_inputs, bad_input_desc);

static void bad_input_alert(struct kunit *test)
{
	const struct bad_input *b = test->param_value;
	struct ktls_ph_lb *lb;
	struct ktls_ph_lb_end *ph_end, *raw;
	u64 before = ktls_ph_net_read(&init_net, b->stat);
	u8 buf[64], type;
	__poll_t mask;
	int i, ret;

	lb = ktls_ph_lb_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
			    false);
	/* the ktls_ph end plays @b->role: the client or the server end */
	ph_end = b->role == KTLS_PH_ROLE_CLIENT ? &lb->c : &lb->s;
	raw = ph_end == &lb->c ? &lb->s : &lb->c;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_attach(lb, ph_end, NULL));

	KUNIT_ASSERT_EQ(test, 5, ktls_ph_lb_send(raw, DATA, "hello", 5));
	for (i = 0; i < 3 && b->type[i]; i++)
		KUNIT_ASSERT_EQ(test, (int)b->len[i],
				ktls_ph_lb_send(raw, b->type[i], b->rec[i],
						b->len[i]));

	/* the data before the bad message is delivered intact */
	ret = ktls_ph_lb_recv(ph_end, NULL, buf, sizeof(buf), 0);
	KUNIT_ASSERT_EQ(test, ret, 5);
	KUNIT_EXPECT_MEMEQ(test, buf, "hello", 5);
	/* then the bad message ends the connection, for reads and writes */
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(ph_end, NULL, buf, sizeof(buf),
					      0), b->err);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(ph_end, NULL, buf, sizeof(buf),
					      MSG_DONTWAIT), b->err);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_send(ph_end, DATA, "x", 1), b->err);
	/* a poll()-driven application hears of it too */
	mask = ph_end->sock->ops->poll(NULL, ph_end->sock, NULL);
	KUNIT_EXPECT_TRUE(test, mask & EPOLLERR);

	/* the raw end reads the fatal alert, then the end of the stream */
	ret = ktls_ph_lb_recv(raw, &type, buf, sizeof(buf), 0);
	KUNIT_ASSERT_EQ(test, ret, 2);
	KUNIT_EXPECT_EQ(test, type, TLS_RECORD_TYPE_ALERT);
	KUNIT_EXPECT_EQ(test, buf[0], 2);	/* fatal */
	KUNIT_EXPECT_EQ(test, buf[1], b->alert);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(raw, &type, buf, sizeof(buf), 0),
			0);
	KUNIT_EXPECT_EQ(test, ktls_ph_net_read(&init_net, b->stat), before + 1);
}

/* Each ATTACH precondition fails with its own errno and an extack message */
static void attach_rejects(struct kunit *test)
{
	struct netlink_ext_ack ext = {};
	struct ktls_ph_lb *lb;
	struct socket *udp;
	u64 attach_err = ktls_ph_net_read(&init_net, KTLS_PH_NS_ATTACH_ERRORS);
	u8 secret[KTLS_PH_MAX_HASH_LEN] = {};
	struct ktls_ph_attach_args a = {
		.role = KTLS_PH_ROLE_CLIENT,
		.suite_id = KTLS_PH_TLS_AES_128_GCM_SHA256,
		.tx_secret = secret,
		.rx_secret = secret,
		.secret_len = 32,
	};
	union ktls_ph_crypto_info ci;
	unsigned int ci_len;
	u64 cookie;

#define EXPECT_REJECT(sk, args, errno_val) do {				\
		ext._msg = NULL;					\
		KUNIT_EXPECT_EQ(test, ktls_ph_sock_attach(sk, args, &cookie, \
							  &ext), errno_val); \
		KUNIT_EXPECT_NOT_NULL(test, ext._msg);			\
	} while (0)

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, PF_INET,
						  SOCK_DGRAM, IPPROTO_UDP,
						  &udp));
	EXPECT_REJECT(udp->sk, &a, -EPROTONOSUPPORT);
	sock_release(udp);
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, PF_INET,
						  SOCK_STREAM, IPPROTO_TCP,
						  &udp));
	EXPECT_REJECT(udp->sk, &a, -ENOTCONN);
	sock_release(udp);

	/* established TCP, no kTLS; then kTLS TX only */
	lb = ktls_ph_lb_tcp(test, KTLS_PH_TLS_AES_128_GCM_SHA256);
	EXPECT_REJECT(lb->c.sock->sk, &a, -ENOPROTOOPT);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->c, false,
						 TLS_1_3_VERSION));
	EXPECT_REJECT(lb->c.sock->sk, &a, -ENOPROTOOPT);

	/* TLS 1.2 */
	lb = ktls_ph_lb_tcp(test, KTLS_PH_TLS_AES_128_GCM_SHA256);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->c, true,
						 TLS_1_2_VERSION));
	EXPECT_REJECT(lb->c.sock->sk, &a, -EPROTONOSUPPORT);

	/* TLS 1.3 in both directions: now the arguments */
	lb = ktls_ph_lb_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
			    false);
	a.suite_id = KTLS_PH_TLS_AES_256_GCM_SHA384;	/* not kTLS's cipher */
	a.secret_len = 48;
	EXPECT_REJECT(lb->c.sock->sk, &a, -EINVAL);
	a.suite_id = 0x1305;	/* TLS_AES_128_CCM_8_SHA256: not in kTLS */
	EXPECT_REJECT(lb->c.sock->sk, &a, -EINVAL);
	a.suite_id = KTLS_PH_TLS_AES_128_GCM_SHA256;
	a.secret_len = 48;	/* not SHA-256's length */
	EXPECT_REJECT(lb->c.sock->sk, &a, -EINVAL);
	a.secret_len = 32;
	a.role = 7;
	EXPECT_REJECT(lb->c.sock->sk, &a, -EINVAL);
	a.role = KTLS_PH_ROLE_CLIENT;
	KUNIT_EXPECT_EQ(test, ktls_ph_sock_detach(lb->c.sock->sk, &ext),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(lb->c.sock->sk, &a,
						     &cookie, NULL));
	lb->c.attached = true;
	EXPECT_REJECT(lb->c.sock->sk, &a, -EEXIST);
	/* nobody changes the keys behind ktls_ph's back */
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_crypto_info_fill(&lb->c.tx_ks,
							  lb->c.tx, &ci,
							  &ci_len));
	KUNIT_EXPECT_EQ(test, lb->c.sock->ops->setsockopt(lb->c.sock, SOL_TLS,
							  TLS_TX,
							  KERNEL_SOCKPTR(&ci),
							  ci_len), -EBUSY);
	KUNIT_EXPECT_EQ(test, ktls_ph_net_read(&init_net,
					       KTLS_PH_NS_ATTACH_ERRORS),
			attach_err + 10);
#undef EXPECT_REJECT
}

static struct kunit_case ktls_ph_malformed_cases[] = {
	KUNIT_CASE_PARAM(bad_input_alert, bad_input_gen_params),
	KUNIT_CASE(attach_rejects),
	{}
};

static struct kunit_suite ktls_ph_malformed_suite = {
	.name = "ktls_ph_bad_input",
	.test_cases = ktls_ph_malformed_cases,
};

kunit_test_suites(&ktls_ph_malformed_suite);
