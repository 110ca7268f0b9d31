// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: real loopback kTLS connections inside the kernel exchanging data
 * across many KeyUpdates in both directions, for every TLS 1.3 cipher kTLS
 * carries: ktls_ph on both ends, and ktls_ph against a "raw" end that
 * rekeys the 6.14 way (KeyUpdate record, setsockopt) like an application
 * without ktls_ph would.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/tls.h>
#include <net/tls.h>
#include <net/tls_prot.h>

#include "keysched.h"
#include "lb.h"
#include "sock.h"

#define ROUNDS		24
#define MAX_CHUNK	(40 * 1024)

static const u16 lb_suites[] = {
	KTLS_PH_TLS_AES_128_GCM_SHA256,
	KTLS_PH_TLS_AES_256_GCM_SHA384,
	KTLS_PH_TLS_CHACHA20_POLY1305_SHA256,
	KTLS_PH_TLS_AES_128_CCM_SHA256,
};

static void lb_suite_desc(const u16 *id, char *desc)
{
	strscpy(desc, ktls_ph_suite_by_id(*id)->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lb, lb_suites, lb_suite_desc);

static s64 lb_stat(struct ktls_ph_lb_end *e, enum ktls_ph_sock_stat s)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(e->sock->sk);

	return ph ? atomic64_read(&ph->stats[s]) : -1;
}

/* Send @len pattern bytes from @from, read them whole at @to, compare. */
static void lb_xfer(struct kunit *test, struct ktls_ph_lb *lb,
		    struct ktls_ph_lb_end *from, struct ktls_ph_lb_end *to,
		    size_t len, u32 seed, int *raw_requests)
{
	u8 *out = kunit_kmalloc(test, len, GFP_KERNEL);
	u8 *in = kunit_kzalloc(test, len, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	ktls_ph_lb_fill(out, len, seed);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(from, TLS_RECORD_TYPE_DATA, out,
					      len), (int)len);
	if (to->attached)
		ret = ktls_ph_lb_recv(to, NULL, in, len, MSG_WAITALL);
	else
		ret = ktls_ph_lb_raw_recv_data(lb, to, in, len, raw_requests);
	KUNIT_ASSERT_EQ(test, ret, (int)len);
	KUNIT_ASSERT_MEMEQ(test, in, out, len);
	kunit_kfree(test, out);
	kunit_kfree(test, in);
}

/*
 * Both ends attached. Each round one end (alternating) sends a KeyUpdate,
 * every third one with update_requested, then data flows both ways in
 * chunks of growing size (several records each).
 */
static void lb_both_attached(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, true);
	int ku_c = 0, ku_s = 0, req_c = 0, req_s = 0;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		struct ktls_ph_lb_end *e = i % 2 ? &lb->s : &lb->c;
		bool req = !(i % 3);
		size_t len = 1 + (i * 1733) % MAX_CHUNK;

		KUNIT_ASSERT_EQ(test, 0,
				ktls_ph_sock_key_update(e->sock->sk, req,
							NULL));
		if (e == &lb->c) {
			ku_c++;
			req_c += req;
		} else {
			ku_s++;
			req_s += req;
		}
		lb_xfer(test, lb, &lb->c, &lb->s, len, i, NULL);
		lb_xfer(test, lb, &lb->s, &lb->c, MAX_CHUNK - len + 1,
			~i, NULL);
	}
	/* one more exchange carries the last answers to update_requested */
	lb_xfer(test, lb, &lb->c, &lb->s, 100, 1000, NULL);
	lb_xfer(test, lb, &lb->s, &lb->c, 100, 1001, NULL);

	/*
	 * Every KeyUpdate sent was received. An explicit KeyUpdate that goes
	 * out while the answer to the peer's update_requested is pending is
	 * that answer (RFC 8446 4.6.3 only asks for a KeyUpdate before the
	 * next data), so answers may be fewer than requests.
	 */
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->s, KTLS_PH_SS_RX_REKEYS),
			lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS));
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS),
			lb_stat(&lb->s, KTLS_PH_SS_TX_REKEYS));
	KUNIT_EXPECT_GE(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), ku_c);
	KUNIT_EXPECT_LE(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS),
			ku_c + req_s);
	KUNIT_EXPECT_GE(test, lb_stat(&lb->s, KTLS_PH_SS_TX_REKEYS), ku_s);
	KUNIT_EXPECT_LE(test, lb_stat(&lb->s, KTLS_PH_SS_TX_REKEYS),
			ku_s + req_c);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED),
			req_s);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->s, KTLS_PH_SS_UPDATE_REQUESTED),
			req_c);
}

/*
 * ktls_ph client against a raw server that sends bursts of KeyUpdates back
 * to back (up to 5 between two data records), some with update_requested,
 * and checks that the client's answers arrive before its next data.
 */
static void lb_raw_peer_bursts(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	int sent = 0, req = 0, client_requests = 0;
	int i, j;

	for (i = 0; i < ROUNDS; i++) {
		for (j = 0; j < i % 6; j++) {
			bool r = (i + j) % 4 == 0;

			KUNIT_ASSERT_EQ(test, 0,
					ktls_ph_lb_raw_key_update(lb, &lb->s, r));
			sent++;
			req += r;
		}
		lb_xfer(test, lb, &lb->s, &lb->c, 1 + (i * 977) % MAX_CHUNK,
			i, NULL);
		lb_xfer(test, lb, &lb->c, &lb->s, 1 + (i * 3119) % MAX_CHUNK,
			~i, &client_requests);
	}
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), sent);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED),
			req);
	/* answers never request, and every request was answered */
	KUNIT_EXPECT_EQ(test, client_requests, 0);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), req);
}

/*
 * A reader that gets only part of what is queued each time (small reads,
 * MSG_PEEK first) never sees a handshake record and loses no byte.
 */
static void lb_small_reads(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	u8 *out = kunit_kmalloc(test, 3000, GFP_KERNEL);
	u8 *in = kunit_kzalloc(test, 3000, GFP_KERNEL);
	size_t got = 0;
	u8 peek[7];
	int i, ret;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	ktls_ph_lb_fill(out, 3000, 42);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_EQ(test, 500,
				ktls_ph_lb_send(&lb->s, TLS_RECORD_TYPE_DATA,
						out + i * 500, 500));
		KUNIT_ASSERT_EQ(test, 0,
				ktls_ph_lb_raw_key_update(lb, &lb->s, false));
	}
	while (got < 3000) {
		size_t want = min_t(size_t, sizeof(peek), 3000 - got);

		ret = ktls_ph_lb_recv(&lb->c, NULL, peek, want, MSG_PEEK);
		KUNIT_ASSERT_GT(test, ret, 0);
		KUNIT_ASSERT_MEMEQ(test, peek, out + got, ret);
		ret = ktls_ph_lb_recv(&lb->c, NULL, in + got, want, 0);
		KUNIT_ASSERT_GT(test, ret, 0);
		got += ret;
	}
	KUNIT_EXPECT_MEMEQ(test, in, out, 3000);
	/* the last KeyUpdate is consumed by the next read, none is pending */
	ret = ktls_ph_lb_recv(&lb->c, NULL, in, 1, MSG_DONTWAIT);
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), 6);
}

/*
 * A KeyUpdate fragmented over two handshake records (legal: it only has to
 * end its record). kTLS stops after the first fragment; ktls_ph lets it
 * read the second one under the same key, then rekeys.
 */
static void lb_fragmented_keyupdate(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	int client_requests = 0;

	lb_xfer(test, lb, &lb->s, &lb->c, 100, 1, NULL);
	KUNIT_ASSERT_EQ(test, 2, ktls_ph_lb_send(&lb->s,
						 TLS_RECORD_TYPE_HANDSHAKE,
						 "\x18\0", 2));
	KUNIT_ASSERT_EQ(test, 3, ktls_ph_lb_send(&lb->s,
						 TLS_RECORD_TYPE_HANDSHAKE,
						 "\0\x01\x01", 3));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_raw_rekey(lb, &lb->s, true));
	lb_xfer(test, lb, &lb->s, &lb->c, 20000, 2, NULL);
	lb_xfer(test, lb, &lb->c, &lb->s, 20000, 3, &client_requests);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), 1);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED), 1);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 1);
	KUNIT_EXPECT_EQ(test, client_requests, 0);
}

static int lb_read_actor(read_descriptor_t *desc, struct sk_buff *skb,
			 unsigned int offset, size_t len)
{
	size_t n = min(len, desc->count);

	if (skb_copy_bits(skb, offset, desc->arg.data + desc->written, n))
		return -EFAULT;
	desc->written += n;
	desc->count -= n;
	return n;
}

/*
 * An in-kernel reader using read_sock() under the socket lock, as NVMe-TCP
 * does, across KeyUpdates (one with update_requested): it never gets an
 * error, only the data, at most an EAGAIN while ktls_ph's work item
 * processes a handshake record.
 */
static void lb_read_sock(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	const size_t chunk = 5000, total = 4 * chunk;
	struct socket *sock = lb->c.sock;
	read_descriptor_t desc = {};
	u8 *out, *in;
	int i, ret, tries = 0, client_requests = 0;

	out = kunit_kmalloc(test, total, GFP_KERNEL);
	in = kunit_kzalloc(test, total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	ktls_ph_lb_fill(out, total, 7);
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, (int)chunk,
				ktls_ph_lb_send(&lb->s, TLS_RECORD_TYPE_DATA,
						out + i * chunk, chunk));
		if (i < 3)
			KUNIT_ASSERT_EQ(test, 0,
					ktls_ph_lb_raw_key_update(lb, &lb->s,
								  i == 1));
	}
	desc.arg.data = in;
	desc.count = total;
	while (desc.written < total && tries++ < 500) {
		lock_sock(sock->sk);
		ret = sock->ops->read_sock(sock->sk, &desc, lb_read_actor);
		release_sock(sock->sk);
		KUNIT_ASSERT_TRUE_MSG(test, ret >= 0 || ret == -EAGAIN,
				      "read_sock returned %d", ret);
		if (ret <= 0)
			msleep(20);
	}
	KUNIT_ASSERT_EQ(test, desc.written, total);
	KUNIT_EXPECT_MEMEQ(test, in, out, total);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), 3);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED), 1);
	/* the answer went out before this data */
	lb_xfer(test, lb, &lb->c, &lb->s, 100, 8, &client_requests);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 1);
}

/*
 * Automatic KeyUpdates: by record count (the module parameter, for sockets
 * attached without a limit) and by bytes (attach argument).
 */
static void lb_auto_rekey(struct kunit *test)
{
	const u16 *suite = test->param_value;
	unsigned long saved = ktls_ph_rekey_records;
	struct ktls_ph_lb *lb;
	int i, client_requests = 0;

	/* 10 one-record writes, limit 4 records: before writes 5 and 9 */
	ktls_ph_rekey_records = 4;
	lb = ktls_ph_lb_new(test, *suite, true, false);
	ktls_ph_rekey_records = saved;
	for (i = 0; i < 10; i++)
		lb_xfer(test, lb, &lb->c, &lb->s, 100, i, &client_requests);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_AUTO_REKEYS), 2);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 2);

	/* 10 writes of 300 bytes, limit 1000 bytes: before writes 5 and 9 */
	lb = ktls_ph_lb_tcp(test, *suite);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->c, true,
						 TLS_1_3_VERSION));
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_ktls(lb, &lb->s, true,
						 TLS_1_3_VERSION));
	lb->c.rekey_bytes = 1000;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_attach(lb, &lb->c, NULL));
	for (i = 0; i < 10; i++)
		lb_xfer(test, lb, &lb->c, &lb->s, 300, i, &client_requests);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_AUTO_REKEYS), 2);
	KUNIT_EXPECT_EQ(test, client_requests, 0);
}

/* Detach: the socket goes on as plain kTLS with ktls_ph's current keys. */
static void lb_detach_continues(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	int answers = 0;

	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_raw_key_update(lb, &lb->s, true));
	lb_xfer(test, lb, &lb->s, &lb->c, 1000, 1, NULL);
	lb_xfer(test, lb, &lb->c, &lb->s, 1000, 2, &answers);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_detach(lb->c.sock->sk, NULL));
	lb->c.attached = false;
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ktls_ph_sock_detach(lb->c.sock->sk, NULL));
	lb_xfer(test, lb, &lb->s, &lb->c, 5000, 3, NULL);
	lb_xfer(test, lb, &lb->c, &lb->s, 5000, 4, NULL);
}

/* Calls of kTLS's setsockopt() made through lb_hooks_stay()'s proto copy */
static atomic_t lb_ktls_setsockopt_calls;
static struct proto *lb_ktls_prot;

static int lb_count_setsockopt(struct sock *sk, int level, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	atomic_inc(&lb_ktls_setsockopt_calls);
	return lb_ktls_prot->setsockopt(sk, level, optname, optval, optlen);
}

/*
 * Every key change of an attached socket (a KeyUpdate sent on request, a
 * peer KeyUpdate with update_requested and its answer, a fragmented
 * KeyUpdate) happens without kTLS's setsockopt(TLS_TX/TLS_RX), whose
 * update_sk_prot() would put kTLS's own proto and proto_ops on the socket:
 * in that window a read() or write() on another thread bypassed ktls_ph.
 * ktls_ph's hooks stay installed throughout.
 */
static void lb_hooks_stay(struct kunit *test)
{
	const u16 *suite = test->param_value;
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, *suite, true, false);
	struct sock *sk = lb->c.sock->sk;
	struct ktls_ph_sock *ph = ktls_ph_sock_get(sk);
	const struct proto_ops *ops = lb->c.sock->ops;
	struct proto *prot = sk->sk_prot, *copy;
	int requests = 0;

	KUNIT_ASSERT_NOT_NULL(test, ph);
	copy = kunit_kmalloc(test, sizeof(*copy), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	*copy = *ph->ktls_prot;
	copy->setsockopt = lb_count_setsockopt;
	lb_ktls_prot = ph->ktls_prot;
	atomic_set(&lb_ktls_setsockopt_calls, 0);
	ph->ktls_prot = copy;

	KUNIT_EXPECT_EQ(test, 0, ktls_ph_sock_key_update(sk, true, NULL));
	KUNIT_EXPECT_EQ(test, 0, ktls_ph_lb_raw_key_update(lb, &lb->s, true));
	lb_xfer(test, lb, &lb->s, &lb->c, 3000, 1, NULL);
	lb_xfer(test, lb, &lb->c, &lb->s, 3000, 2, &requests);
	KUNIT_EXPECT_EQ(test, 2, ktls_ph_lb_send(&lb->s,
						 TLS_RECORD_TYPE_HANDSHAKE,
						 "\x18\0", 2));
	KUNIT_EXPECT_EQ(test, 3, ktls_ph_lb_send(&lb->s,
						 TLS_RECORD_TYPE_HANDSHAKE,
						 "\0\x01\x00", 3));
	KUNIT_EXPECT_EQ(test, 0, ktls_ph_lb_raw_rekey(lb, &lb->s, true));
	lb_xfer(test, lb, &lb->s, &lb->c, 3000, 3, NULL);
	lb_xfer(test, lb, &lb->c, &lb->s, 3000, 4, NULL);

	ph->ktls_prot = lb_ktls_prot;
	KUNIT_EXPECT_EQ(test, atomic_read(&lb_ktls_setsockopt_calls), 0);
	KUNIT_EXPECT_PTR_EQ(test, (struct proto *)READ_ONCE(sk->sk_prot),
			    prot);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(lb->c.sock->ops), ops);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), 2);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 2);
	KUNIT_EXPECT_EQ(test, lb_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED), 1);
	KUNIT_EXPECT_EQ(test, requests, 1);	/* the client's own */
}

static struct kunit_case ktls_ph_loopback_cases[] = {
	KUNIT_CASE_PARAM_ATTR(lb_both_attached, lb_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(lb_raw_peer_bursts, lb_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM(lb_small_reads, lb_gen_params),
	KUNIT_CASE_PARAM(lb_fragmented_keyupdate, lb_gen_params),
	KUNIT_CASE_PARAM(lb_read_sock, lb_gen_params),
	KUNIT_CASE_PARAM(lb_auto_rekey, lb_gen_params),
	KUNIT_CASE_PARAM(lb_detach_continues, lb_gen_params),
	KUNIT_CASE_PARAM(lb_hooks_stay, lb_gen_params),
	{}
};

static struct kunit_suite ktls_ph_loopback_suite = {
	.name = "ktls_ph_loopback",
	.test_cases = ktls_ph_loopback_cases,
};

kunit_test_suites(&ktls_ph_loopback_suite);
