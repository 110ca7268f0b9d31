// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NewSessionTickets and the helper event queue, on real loopback
 * kTLS connections. A raw server end sends tickets (among data, KeyUpdates,
 * split across records, malformed) to an attached client; the tickets never
 * reach the application, and each valid one becomes an event for the
 * namespace's helper, with the PSK derived from the resumption secret
 * (checked against OpenSSL-computed values). The helper is registered
 * in-kernel with a made-up port id and pops events in-kernel, or is a real
 * generic netlink socket talking to the ktls-ph family.
 */
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/tls.h>
#include <linux/unaligned.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "hsmsg.h"
#include "keysched_vectors.h"
#include "lb.h"
#include "netlink-gen.h"
#include "sock.h"
#include "stats.h"

#define HS	TLS_RECORD_TYPE_HANDSHAKE
#define DATA	TLS_RECORD_TYPE_DATA

/* made-up netlink port ids of in-kernel "helpers" */
#define EV_PORTID	0x7e570001u
#define EV_PORTID2	0x7e570002u

#define EV_SNI		"tickets.example"
#define EV_NL_BUF	(80 * 1024)

static const u8 ev_nonce[255] = {
	  0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,
	 14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,
	 28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,  41,
	 42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,
	 56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,
	 70,  71,  72,  73,  74,  75,  76,  77,  78,  79,  80,  81,  82,  83,
	 84,  85,  86,  87,  88,  89,  90,  91,  92,  93,  94,  95,  96,  97,
	 98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125,
	126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
	140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,
	154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167,
	168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
	182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195,
	196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209,
	210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
	224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237,
	238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251,
	252, 253, 254,
};

/* early_data (max_early_data_size 16384), then an unknown extension */
static const u8 ev_ext[] = {
	0x00, 0x2a, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00,
	0xfa, 0xfa, 0x00, 0x03, 0x01, 0x02, 0x03,
};

/* A NewSessionTicket the raw server sends */
struct ev_ticket {
	u32 lifetime;
	u32 age_add;
	u8 nonce_len;		/* of ev_nonce: 8 or 255 (the vectors' PSKs) */
	u16 ticket_len;		/* ticket bytes: ktls_ph_lb_fill(seed) */
	u32 seed;
	bool ext;		/* ev_ext */
};

/* Encode @t as a handshake message into @buf; return its length. */
static size_t ev_nst(u8 *buf, const struct ev_ticket *t)
{
	u8 *p = buf + KTLS_PH_HS_HDR_LEN;
	size_t body;

	put_unaligned_be32(t->lifetime, p);
	put_unaligned_be32(t->age_add, p + 4);
	p[8] = t->nonce_len;
	memcpy(p + 9, ev_nonce, t->nonce_len);
	p += 9 + t->nonce_len;
	put_unaligned_be16(t->ticket_len, p);
	ktls_ph_lb_fill(p + 2, t->ticket_len, t->seed);
	p += 2 + t->ticket_len;
	put_unaligned_be16(t->ext ? sizeof(ev_ext) : 0, p);
	p += 2;
	if (t->ext) {
		memcpy(p, ev_ext, sizeof(ev_ext));
		p += sizeof(ev_ext);
	}
	body = p - buf - KTLS_PH_HS_HDR_LEN;
	buf[0] = KTLS_PH_HS_NEW_SESSION_TICKET;
	buf[1] = body >> 16;
	buf[2] = body >> 8;
	buf[3] = body;
	return p - buf;
}

/* The raw server sends @t in one handshake record. */
static void ev_send_ticket(struct kunit *test, struct ktls_ph_lb_end *raw,
			   const struct ev_ticket *t)
{
	u8 *buf = kunit_kmalloc(test, 2048 + t->ticket_len, GFP_KERNEL);
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = ev_nst(buf, t);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(raw, HS, buf, len), (int)len);
	kunit_kfree(test, buf);
}

/* The client reads @len bytes of data the raw end sent with ev_send_data() */
static void ev_send_data(struct kunit *test, struct ktls_ph_lb_end *raw,
			 size_t len, u32 seed)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ktls_ph_lb_fill(buf, len, seed);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(raw, DATA, buf, len), (int)len);
	kunit_kfree(test, buf);
}

/*
 * The attached end reads exactly @len bytes: the data of ev_send_data()
 * calls with seeds @seed, @seed + 1, ... of @chunk bytes each, and nothing
 * else (no handshake byte reaches it).
 */
static void ev_expect_data(struct kunit *test, struct ktls_ph_lb_end *e,
			   size_t chunk, int n, u32 seed)
{
	size_t len = chunk * n;
	u8 *in = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	u8 *want = kunit_kmalloc(test, len, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < n; i++)
		ktls_ph_lb_fill(want + i * chunk, chunk, seed + i);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_recv(e, NULL, in, len, MSG_WAITALL),
			(int)len);
	KUNIT_EXPECT_MEMEQ(test, in, want, len);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(e, NULL, in, 1, MSG_DONTWAIT),
			-EAGAIN);
	kunit_kfree(test, in);
	kunit_kfree(test, want);
}

static s64 ev_sock_stat(struct ktls_ph_lb_end *e, enum ktls_ph_sock_stat s)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(e->sock->sk);

	return ph ? atomic64_read(&ph->stats[s]) : -1;
}

/* The namespace's counters at one moment */
struct ev_counts {
	u64 v[KTLS_PH_NS_NUM];
};

static void ev_snap(struct ev_counts *c)
{
	int i;

	for (i = 0; i < KTLS_PH_NS_NUM; i++)
		c->v[i] = ktls_ph_net_read(&init_net, i);
}

#define EV_EXPECT_DELTA(test, c, stat, n) do {				\
		enum ktls_ph_net_stat __s = (stat);			\
									\
		KUNIT_EXPECT_EQ_MSG(test, ktls_ph_net_read(&init_net, __s) - \
				    (c)->v[__s], (u64)(n), #stat);	\
	} while (0)

/* The vector of the connection's suite: resumption secret and PSKs */
static const struct ktls_ph_chain_vector *ev_vec(struct kunit *test, u16 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ktls_ph_chain_vectors); i++)
		if (ktls_ph_chain_vectors[i].suite == id)
			return &ktls_ph_chain_vectors[i];
	KUNIT_FAIL_AND_ABORT(test, "no vector for suite %#x", id);
	return NULL;
}

/* The PSK of a ticket with nonce ev_nonce[0..nonce_len) (8 or 255 bytes) */
static const u8 *ev_psk(const struct ktls_ph_chain_vector *v, u8 nonce_len)
{
	return nonce_len == 8 ? v->psk_nonce8 : v->psk_nonce255;
}

/*
 * Attach ktls_ph to the client of @lb, with the vector's resumption secret
 * (generation 1 of its chain) when @secret.
 */
static void ev_attach_client(struct kunit *test, struct ktls_ph_lb *lb,
			     bool secret)
{
	const struct ktls_ph_chain_vector *v = ev_vec(test, lb->suite->id);
	struct ktls_ph_attach_args a = {
		.role = KTLS_PH_ROLE_CLIENT,
		.suite_id = lb->suite->id,
		.tx_secret = lb->c.tx,
		.rx_secret = lb->c.rx,
		.secret_len = lb->suite->hash_len,
		.server_name = EV_SNI,
		.peer_auth = KTLS_PH_PEER_AUTH_CERTIFICATE,
	};
	u64 cookie;

	if (secret) {
		a.resumption_secret = v->secret[1];
		a.resumption_secret_len = v->hash_len;
	}
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(lb->c.sock->sk, &a,
						     &cookie, NULL));
	lb->c.attached = true;
}

static struct ktls_ph_lb *ev_lb(struct kunit *test, u16 suite, bool secret)
{
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test, suite, false, false);

	ev_attach_client(test, lb, secret);
	return lb;
}

static void ev_unregister(void *portid)
{
	ktls_ph_helper_unregister(&init_net, (uintptr_t)portid, NULL);
}

/* Register a made-up helper for the rest of the test. */
static void ev_register(struct kunit *test, u32 portid)
{
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_helper_register(&init_net, portid,
							 NULL));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ev_unregister,
						  (void *)(uintptr_t)portid));
}

static void ev_free(void *ev)
{
	ktls_ph_event_free(ev);
}

/* Pop the oldest event as the helper @portid; freed when the test ends. */
static struct ktls_ph_event *ev_pop(struct kunit *test, u32 portid)
{
	struct ktls_ph_event *ev = ktls_ph_event_pop(&init_net, portid, NULL);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ev), "event-pop: %ld",
			       PTR_ERR(ev));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ev_free, ev));
	return ev;
}

static long ev_pop_err(u32 portid, struct netlink_ext_ack *ext)
{
	struct ktls_ph_event *ev = ktls_ph_event_pop(&init_net, portid, ext);

	if (!IS_ERR(ev)) {
		ktls_ph_event_free(ev);
		return 0;
	}
	return PTR_ERR(ev);
}

/* Address and port of @e's peer as the kernel sees them */
static void ev_peer(struct kunit *test, struct ktls_ph_lb_end *peer,
		    struct sockaddr_storage *ss)
{
	KUNIT_ASSERT_GT(test, kernel_getsockname(peer->sock,
						 (struct sockaddr *)ss), 0);
}

/* Every field of a ticket event against what the raw server sent */
static void ev_check(struct kunit *test, const struct ktls_ph_event *ev,
		     struct ktls_ph_lb *lb, const struct ev_ticket *t,
		     u64 t0_ms, u64 t1_ms)
{
	const struct ktls_ph_chain_vector *v = ev_vec(test, lb->suite->id);
	struct ktls_ph_sock *ph = ktls_ph_sock_get(lb->c.sock->sk);
	const struct ktls_ph_event_ticket *et = &ev->ticket;
	struct sockaddr_storage ss = {};
	u8 *ticket = kunit_kmalloc(test, t->ticket_len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_ASSERT_NOT_NULL(test, ticket);
	KUNIT_EXPECT_EQ(test, ev->type, KTLS_PH_EVENT_TYPE_TICKET);
	KUNIT_EXPECT_EQ(test, ev->cookie, ph->cookie);
	KUNIT_EXPECT_EQ(test, ev->role, KTLS_PH_ROLE_CLIENT);
	KUNIT_EXPECT_EQ(test, ev->suite_id, lb->suite->id);
	KUNIT_EXPECT_EQ(test, ev->peer_auth, KTLS_PH_PEER_AUTH_CERTIFICATE);
	KUNIT_EXPECT_STREQ(test, ev->server_name, EV_SNI);
	ev_peer(test, &lb->s, &ss);
	KUNIT_EXPECT_EQ(test, ev->family, ss.ss_family);
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		KUNIT_EXPECT_MEMEQ(test, ev->peer_addr, &in->sin_addr, 4);
		KUNIT_EXPECT_EQ(test, ntohs(ev->peer_port),
				ntohs(in->sin_port));
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		KUNIT_EXPECT_MEMEQ(test, ev->peer_addr, &in6->sin6_addr, 16);
		KUNIT_EXPECT_EQ(test, ntohs(ev->peer_port),
				ntohs(in6->sin6_port));
	}

	KUNIT_EXPECT_EQ(test, et->lifetime, t->lifetime);
	KUNIT_EXPECT_EQ(test, et->age_add, t->age_add);
	KUNIT_ASSERT_EQ(test, et->nonce_len, t->nonce_len);
	KUNIT_EXPECT_MEMEQ(test, et->nonce, ev_nonce, t->nonce_len);
	KUNIT_ASSERT_EQ(test, et->ticket_len, t->ticket_len);
	ktls_ph_lb_fill(ticket, t->ticket_len, t->seed);
	KUNIT_EXPECT_MEMEQ(test, et->ticket, ticket, t->ticket_len);
	if (t->ext) {
		KUNIT_ASSERT_EQ(test, et->ext_len, sizeof(ev_ext));
		KUNIT_EXPECT_MEMEQ(test, et->ext, ev_ext, sizeof(ev_ext));
		KUNIT_EXPECT_TRUE(test, et->has_early_data);
		KUNIT_EXPECT_EQ(test, et->max_early_data, 16384);
	} else {
		KUNIT_EXPECT_EQ(test, et->ext_len, 0);
		KUNIT_EXPECT_FALSE(test, et->has_early_data);
	}
	KUNIT_ASSERT_EQ(test, et->psk_len, v->hash_len);
	KUNIT_EXPECT_MEMEQ(test, et->psk, ev_psk(v, t->nonce_len), v->hash_len);
	KUNIT_EXPECT_GE(test, et->received_ms, t0_ms);
	KUNIT_EXPECT_LE(test, et->received_ms, t1_ms);
	kunit_kfree(test, ticket);
}

static u64 ev_now_ms(void)
{
	return div_u64(ktime_get_real_ns(), NSEC_PER_MSEC);
}

static void ev_vec_desc(const struct ktls_ph_chain_vector *v, char *desc)
{
	strscpy(desc, ktls_ph_suite_by_id(v->suite)->name,
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ev_vec, ktls_ph_chain_vectors, ev_vec_desc);

static const struct ev_ticket ev_t1 = {
	.lifetime = 7200, .age_add = 0xdeadbeef, .nonce_len = 8,
	.ticket_len = 100, .seed = 1,
};

static const struct ev_ticket ev_t2 = {
	.lifetime = 604800, .age_add = 7, .nonce_len = 255,
	.ticket_len = 1000, .seed = 2, .ext = true,
};

/*
 * Two tickets between data: the application reads only the data; the
 * helper pops two events with every field right, PSKs included.
 */
static void ev_ticket_fields(struct kunit *test)
{
	const struct ktls_ph_chain_vector *v = test->param_value;
	struct ktls_ph_lb *lb = ev_lb(test, v->suite, true);
	struct ktls_ph_event *e1, *e2;
	struct ev_counts c;
	u64 t0, t1;

	ev_register(test, EV_PORTID);
	ev_snap(&c);
	t0 = ev_now_ms();
	ev_send_data(test, &lb->s, 10, 100);
	ev_send_ticket(test, &lb->s, &ev_t1);
	ev_send_data(test, &lb->s, 10, 101);
	ev_send_ticket(test, &lb->s, &ev_t2);
	ev_send_data(test, &lb->s, 10, 102);
	ev_expect_data(test, &lb->c, 10, 3, 100);
	t1 = ev_now_ms();

	e1 = ev_pop(test, EV_PORTID);
	e2 = ev_pop(test, EV_PORTID);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -ENOENT);
	KUNIT_EXPECT_GT(test, e2->id, e1->id);
	ev_check(test, e1, lb, &ev_t1, t0, t1);
	ev_check(test, e2, lb, &ev_t2, t0, t1);

	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_TICKETS), 2);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_HS_RECORDS), 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS, 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS_FORWARDED, 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS_NO_SECRET, 0);
}

/* The same over IPv6: the event names the peer by its IPv6 address. */
static void ev_ticket_ipv6(struct kunit *test)
{
	struct ktls_ph_event *ev;
	struct ktls_ph_lb *lb;
	u64 t0, t1;

	lb = ktls_ph_lb_new_family(test, KTLS_PH_TLS_AES_256_GCM_SHA384,
				   AF_INET6, false, false);
	ev_attach_client(test, lb, true);
	ev_register(test, EV_PORTID);
	t0 = ev_now_ms();
	ev_send_ticket(test, &lb->s, &ev_t2);
	ev_send_data(test, &lb->s, 100, 5);
	ev_expect_data(test, &lb->c, 100, 1, 5);
	t1 = ev_now_ms();
	ev = ev_pop(test, EV_PORTID);
	KUNIT_EXPECT_EQ(test, ev->family, AF_INET6);
	ev_check(test, ev, lb, &ev_t2, t0, t1);
}

static void ev_queue_len_restore(void *len)
{
	ktls_ph_event_queue_len = (uintptr_t)len;
}

/*
 * The queue holds event_queue_len events: of limit + 3 tickets, exactly
 * limit are queued (the oldest) and 3 dropped and counted; popping makes
 * room again.
 */
static void ev_queue_limit(struct kunit *test)
{
	const unsigned int limit = 4, extra = 3;
	struct ktls_ph_lb *lb = ev_lb(test, KTLS_PH_TLS_AES_128_GCM_SHA256,
				      true);
	struct ev_ticket t = ev_t1;
	struct ktls_ph_event *ev;
	struct ev_counts c;
	u32 lim, queued;
	u64 dropped, id = 0;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ev_queue_len_restore,
						  (void *)(uintptr_t)ktls_ph_event_queue_len));
	ktls_ph_event_queue_len = limit;
	ev_register(test, EV_PORTID);
	ev_snap(&c);
	for (i = 0; i < limit + extra; i++) {
		t.seed = 1000 + i;
		ev_send_ticket(test, &lb->s, &t);
	}
	ev_send_data(test, &lb->s, 50, 9);
	ev_expect_data(test, &lb->c, 50, 1, 9);

	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS, limit + extra);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, limit);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS_FORWARDED, limit);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL, extra);
	ktls_ph_helper_state(&init_net, &lim, &queued, &dropped);
	KUNIT_EXPECT_EQ(test, lim, limit);
	KUNIT_EXPECT_EQ(test, queued, limit);
	for (i = 0; i < limit; i++) {
		ev = ev_pop(test, EV_PORTID);
		t.seed = 1000 + i;	/* the oldest, in order */
		ev_check(test, ev, lb, &t, 0, U64_MAX);
		KUNIT_EXPECT_GT(test, ev->id, id);
		id = ev->id;
	}
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -ENOENT);

	/* room again */
	t.seed = 2000;
	ev_send_ticket(test, &lb->s, &t);
	ev_send_data(test, &lb->s, 50, 10);
	ev_expect_data(test, &lb->c, 50, 1, 10);
	ev_check(test, ev_pop(test, EV_PORTID), lb, &t, 0, U64_MAX);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, limit + 1);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_QUEUE_FULL, extra);
}

/* Without a helper, tickets are consumed and their events dropped. */
static void ev_no_helper(struct kunit *test)
{
	struct ktls_ph_lb *lb = ev_lb(test, KTLS_PH_TLS_CHACHA20_POLY1305_SHA256,
				      true);
	struct netlink_ext_ack ext = {};
	struct ev_counts c;
	int i;

	KUNIT_ASSERT_FALSE(test, ktls_ph_helper_present(&init_net));
	ev_snap(&c);
	for (i = 0; i < 3; i++) {
		ev_send_data(test, &lb->s, 30, 20 + i);
		ev_send_ticket(test, &lb->s, &ev_t2);
	}
	ev_send_data(test, &lb->s, 30, 23);
	ev_expect_data(test, &lb->c, 30, 4, 20);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_TICKETS), 3);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS, 3);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER, 3);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, 0);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS_FORWARDED, 0);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, &ext), -EPERM);
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "no helper is registered in this network namespace");
}

/* Without a resumption secret, tickets are consumed: no event at all. */
static void ev_no_secret(struct kunit *test)
{
	struct ktls_ph_lb *lb = ev_lb(test, KTLS_PH_TLS_AES_128_CCM_SHA256,
				      false);
	struct ev_counts c;

	ev_register(test, EV_PORTID);
	ev_snap(&c);
	ev_send_ticket(test, &lb->s, &ev_t1);
	ev_send_data(test, &lb->s, 40, 30);
	ev_send_ticket(test, &lb->s, &ev_t2);
	ev_send_data(test, &lb->s, 40, 31);
	ev_expect_data(test, &lb->c, 40, 2, 30);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_TICKETS), 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS, 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS_NO_SECRET, 2);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, 0);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER, 0);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -ENOENT);
}

/*
 * One helper per namespace: registering again from its port id is a no-op,
 * from another one EBUSY naming the helper; only the helper pops and
 * unregisters; unregistering drops (and counts) the queued events.
 */
static void ev_register_rules(struct kunit *test)
{
	struct ktls_ph_lb *lb = ev_lb(test, KTLS_PH_TLS_AES_128_GCM_SHA256,
				      true);
	struct netlink_ext_ack ext = {};
	char want[NETLINK_MAX_FMTMSG_LEN];
	struct ev_counts c;
	u32 lim, queued;
	u64 dropped;
	int i;

	ev_snap(&c);
	ev_register(test, EV_PORTID);
	KUNIT_EXPECT_EQ(test, 0, ktls_ph_helper_register(&init_net, EV_PORTID,
							 &ext));
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_HELPER_REGISTERED, 1);
	KUNIT_EXPECT_EQ(test, -EBUSY,
			ktls_ph_helper_register(&init_net, EV_PORTID2, &ext));
	snprintf(want, sizeof(want),
		 "a helper is already registered in this network namespace (port id %u)",
		 EV_PORTID);
	KUNIT_EXPECT_STREQ(test, ext._msg, want);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID2, &ext), -EPERM);
	snprintf(want, sizeof(want),
		 "only the registered helper (port id %u) may pop events",
		 EV_PORTID);
	KUNIT_EXPECT_STREQ(test, ext._msg, want);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, &ext), -ENOENT);
	KUNIT_EXPECT_STREQ(test, ext._msg, "no event is queued");

	for (i = 0; i < 3; i++)
		ev_send_ticket(test, &lb->s, &ev_t1);
	ev_send_data(test, &lb->s, 20, 40);
	ev_expect_data(test, &lb->c, 20, 1, 40);
	ktls_ph_helper_state(&init_net, &lim, &queued, &dropped);
	KUNIT_EXPECT_EQ(test, lim, KTLS_PH_EVENT_QUEUE_LEN_DEFAULT);
	KUNIT_EXPECT_EQ(test, queued, 3);

	KUNIT_EXPECT_EQ(test, -EPERM,
			ktls_ph_helper_unregister(&init_net, EV_PORTID2, &ext));
	snprintf(want, sizeof(want),
		 "only the registered helper (port id %u) may unregister",
		 EV_PORTID);
	KUNIT_EXPECT_STREQ(test, ext._msg, want);
	KUNIT_EXPECT_EQ(test, 0,
			ktls_ph_helper_unregister(&init_net, EV_PORTID, &ext));
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER, 3);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_HELPER_REGISTERED, 0);
	KUNIT_EXPECT_FALSE(test, ktls_ph_helper_present(&init_net));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ktls_ph_helper_unregister(&init_net, EV_PORTID, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "no helper is registered in this network namespace");
	ktls_ph_helper_state(&init_net, &lim, &queued, &dropped);
	KUNIT_EXPECT_EQ(test, queued, 0);

	/* a new helper (here the other port id) starts with an empty queue */
	ev_register(test, EV_PORTID2);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID2, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -EPERM);
}

/*
 * Tickets among KeyUpdates and data: after a KeyUpdate with
 * update_requested, in the same record as a KeyUpdate, split over two
 * records. The data arrives whole and in order, the KeyUpdates are acted
 * on, every ticket becomes its event.
 */
static void ev_interleaved(struct kunit *test)
{
	const struct ktls_ph_chain_vector *v = test->param_value;
	struct ktls_ph_lb *lb = ev_lb(test, v->suite, true);
	struct ev_ticket t[3] = { ev_t1, ev_t2, ev_t1 };
	u8 *buf = kunit_kmalloc(test, 4096, GFP_KERNEL);
	int requests = 0, i;
	size_t len;
	u8 *reply;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 3; i++)
		t[i].seed = 3000 + i;
	ev_register(test, EV_PORTID);

	ev_send_data(test, &lb->s, 1000, 50);
	ev_send_ticket(test, &lb->s, &t[0]);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_raw_key_update(lb, &lb->s, true));
	ev_send_data(test, &lb->s, 1000, 51);
	/* a ticket and a KeyUpdate in one record (the KeyUpdate ends it) */
	len = ev_nst(buf, &t[1]);
	memcpy(buf + len, "\x18\0\0\x01\0", 5);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->s, HS, buf, len + 5),
			(int)len + 5);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_lb_raw_rekey(lb, &lb->s, true));
	ev_send_data(test, &lb->s, 1000, 52);
	/* a ticket split over two records */
	len = ev_nst(buf, &t[2]);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->s, HS, buf, 7), 7);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->s, HS, buf + 7, len - 7),
			(int)len - 7);
	ev_send_data(test, &lb->s, 1000, 53);
	ev_expect_data(test, &lb->c, 1000, 4, 50);

	/* the client answered update_requested before its next data */
	reply = kunit_kzalloc(test, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reply);
	ev_send_data(test, &lb->c, 100, 54);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_raw_recv_data(lb, &lb->s, reply, 100,
						       &requests), 100);
	ktls_ph_lb_fill(buf, 100, 54);
	KUNIT_EXPECT_MEMEQ(test, reply, buf, 100);
	KUNIT_EXPECT_EQ(test, requests, 0);

	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_RX_REKEYS), 2);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_UPDATE_REQUESTED),
			1);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 1);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_TICKETS), 3);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(&lb->c, KTLS_PH_SS_HS_RECORDS), 5);
	for (i = 0; i < 3; i++)
		ev_check(test, ev_pop(test, EV_PORTID), lb, &t[i], 0, U64_MAX);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -ENOENT);
	kunit_kfree(test, buf);
}

/* A bad ticket ends the connection with its alert; nothing is queued. */
struct ev_bad {
	const char *name;
	const char *msg;
	u8 len;
	u32 role;		/* of the ktls_ph end */
	u8 alert;
	int err;
	enum ktls_ph_net_stat stat;
};

/* lifetime 7200, age_add 1 */
static const struct ev_bad ev_bads[] = {
	{ "ticket-to-server",
	  "\x04\0\0\x0f\0\0\x1c\x20\0\0\0\x01\x01\x05\0\x01\x42\0\0",
	  19, KTLS_PH_ROLE_SERVER, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO,
	  KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE },
	{ "ticket-truncated",
	  "\x04\0\0\x08\0\0\x1c\x20\0\0\0\x01",
	  12, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "ticket-empty",
	  "\x04\0\0\x0d\0\0\x1c\x20\0\0\0\x01\0\0\0\0\0",
	  17, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "ticket-trailing-byte",
	  "\x04\0\0\x0f\0\0\x1c\x20\0\0\0\x01\0\0\x01\x42\0\0\x99",
	  19, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "ticket-early-data-3-bytes",
	  "\x04\0\0\x15\0\0\x1c\x20\0\0\0\x01\0\0\x01\x42\0\x07\0\x2a\0\x03\0\0\0",
	  25, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG,
	  KTLS_PH_NS_ALERT_DECODE_ERROR },
	{ "ticket-lifetime-over-7-days",	/* 604801 */
	  "\x04\0\0\x0e\0\x09\x3a\x81\0\0\0\x01\0\0\x01\x42\0\0",
	  18, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_ILLEGAL_PARAMETER, -EPROTO,
	  KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER },
	{ "ticket-repeated-extension",
	  "\x04\0\0\x16\0\0\x1c\x20\0\0\0\x01\0\0\x01\x42\0\x08\xfa\xfa\0\0\xfa\xfa\0\0",
	  26, KTLS_PH_ROLE_CLIENT, KTLS_PH_ALERT_ILLEGAL_PARAMETER, -EPROTO,
	  KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER },
};

static void ev_bad_desc(const struct ev_bad *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ev_bad, ev_bads, ev_bad_desc);

static void ev_bad_ticket(struct kunit *test)
{
	const struct ev_bad *b = test->param_value;
	const struct ktls_ph_chain_vector *v =
		ev_vec(test, KTLS_PH_TLS_AES_128_GCM_SHA256);
	struct ktls_ph_lb_end *ph_end, *raw;
	struct ktls_ph_lb *lb;
	struct ev_counts c;
	u8 buf[64], type;
	u64 cookie;
	int ret;

	lb = ktls_ph_lb_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
			    false);
	if (b->role == KTLS_PH_ROLE_CLIENT) {
		ev_attach_client(test, lb, true);
		ph_end = &lb->c;
		raw = &lb->s;
	} else {
		struct ktls_ph_attach_args a = {
			.role = KTLS_PH_ROLE_SERVER,
			.suite_id = lb->suite->id,
			.tx_secret = lb->s.tx,
			.rx_secret = lb->s.rx,
			.secret_len = lb->suite->hash_len,
			.resumption_secret = v->secret[1],
			.resumption_secret_len = v->hash_len,
		};

		KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(lb->s.sock->sk,
							     &a, &cookie,
							     NULL));
		lb->s.attached = true;
		ph_end = &lb->s;
		raw = &lb->c;
	}
	ev_register(test, EV_PORTID);
	ev_snap(&c);

	KUNIT_ASSERT_EQ(test, 5, ktls_ph_lb_send(raw, DATA, "hello", 5));
	KUNIT_ASSERT_EQ(test, (int)b->len, ktls_ph_lb_send(raw, HS, b->msg,
							   b->len));
	KUNIT_ASSERT_EQ(test, 5, ktls_ph_lb_recv(ph_end, NULL, buf,
						 sizeof(buf), 0));
	KUNIT_EXPECT_MEMEQ(test, buf, "hello", 5);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(ph_end, NULL, buf, sizeof(buf),
					      0), b->err);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_send(ph_end, DATA, "x", 1), b->err);

	ret = ktls_ph_lb_recv(raw, &type, buf, sizeof(buf), 0);
	KUNIT_ASSERT_EQ(test, ret, 2);
	KUNIT_EXPECT_EQ(test, type, TLS_RECORD_TYPE_ALERT);
	KUNIT_EXPECT_EQ(test, buf[0], 2);	/* fatal */
	KUNIT_EXPECT_EQ(test, buf[1], b->alert);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(raw, &type, buf, sizeof(buf), 0),
			0);

	EV_EXPECT_DELTA(test, &c, b->stat, 1);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_TICKETS, 0);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, 0);
	KUNIT_EXPECT_EQ(test, ev_sock_stat(ph_end, KTLS_PH_SS_TICKETS), 0);
	KUNIT_EXPECT_EQ(test, ev_pop_err(EV_PORTID, NULL), -ENOENT);
}

/* ATTACH's new arguments, each refused with EINVAL and its message */
static void ev_attach_args(struct kunit *test)
{
	struct ktls_ph_lb *lb = ktls_ph_lb_new(test,
					       KTLS_PH_TLS_AES_128_GCM_SHA256,
					       false, false);
	u64 errors = ktls_ph_net_read(&init_net, KTLS_PH_NS_ATTACH_ERRORS);
	u8 rms[KTLS_PH_MAX_HASH_LEN] = { 1, 2, 3 };
	char name[KTLS_PH_SERVER_NAME_MAX + 2];
	struct ktls_ph_attach_args a = {
		.role = KTLS_PH_ROLE_CLIENT,
		.suite_id = lb->suite->id,
		.tx_secret = lb->c.tx,
		.rx_secret = lb->c.rx,
		.secret_len = lb->suite->hash_len,
		.resumption_secret = rms,
	};
	struct netlink_ext_ack ext = {};
	struct ktls_ph_sock *ph;
	u64 cookie;

#define EV_REJECT(msg) do {						\
		ext._msg = NULL;					\
		KUNIT_EXPECT_EQ(test, ktls_ph_sock_attach(lb->c.sock->sk, &a, \
							  &cookie, &ext), \
				-EINVAL);				\
		KUNIT_EXPECT_STREQ(test, ext._msg, msg);		\
	} while (0)

	a.resumption_secret_len = 48;	/* SHA-384's, not SHA-256's */
	EV_REJECT("resumption-secret length does not match the cipher suite's hash");
	a.resumption_secret_len = 0;
	EV_REJECT("resumption-secret length does not match the cipher suite's hash");
	a.resumption_secret = NULL;
	a.resumption_secret_len = 32;
	EV_REJECT("resumption-secret length does not match the cipher suite's hash");
	a.resumption_secret = rms;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;	/* 256 bytes */
	a.server_name = name;
	EV_REJECT("server-name is longer than 255 bytes");
	name[KTLS_PH_SERVER_NAME_MAX] = 0;	/* 255: the longest */
	a.peer_auth = KTLS_PH_PEER_AUTH_PSK + 1;
	EV_REJECT("peer-auth must be unknown, certificate or psk");
	a.peer_auth = KTLS_PH_PEER_AUTH_PSK;
	KUNIT_EXPECT_EQ(test, ktls_ph_net_read(&init_net,
					       KTLS_PH_NS_ATTACH_ERRORS),
			errors + 5);
#undef EV_REJECT

	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(lb->c.sock->sk, &a,
						     &cookie, NULL));
	lb->c.attached = true;
	ph = ktls_ph_sock_get(lb->c.sock->sk);
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_TRUE(test, ph->has_res_secret);
	KUNIT_EXPECT_MEMEQ(test, ph->res_secret, rms, 32);
	KUNIT_EXPECT_STREQ(test, ph->server_name, name);
	KUNIT_EXPECT_EQ(test, ph->peer_auth, KTLS_PH_PEER_AUTH_PSK);

	/* a server's resumption secret is not kept: it receives no tickets */
	a.role = KTLS_PH_ROLE_SERVER;
	a.tx_secret = lb->s.tx;
	a.rx_secret = lb->s.rx;
	a.server_name = NULL;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(lb->s.sock->sk, &a,
						     &cookie, NULL));
	lb->s.attached = true;
	ph = ktls_ph_sock_get(lb->s.sock->sk);
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_FALSE(test, ph->has_res_secret);
	KUNIT_EXPECT_STREQ(test, ph->server_name, "");
	/* detach wipes the resumption secret (the state lives until close) */
	ph = ktls_ph_sock_get(lb->c.sock->sk);
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_detach(lb->c.sock->sk, NULL));
	lb->c.attached = false;
	memset(rms, 0, sizeof(rms));
	KUNIT_EXPECT_FALSE(test, ph->has_res_secret);
	KUNIT_EXPECT_MEMEQ(test, ph->res_secret, rms, sizeof(rms));
}

/* A generic netlink socket of the ktls-ph family, owned by a file */
struct ev_nl {
	struct socket *sock;
	struct file *file;
	u32 portid;
	u32 seq;
	u8 *buf;
};

static void ev_nl_close(struct ev_nl *nl)
{
	/* synchronously, so that NETLINK_URELEASE has run on return */
	if (nl->file)
		__fput_sync(nl->file);
	nl->file = NULL;
}

static void ev_nl_release(void *arg)
{
	ev_nl_close(arg);
}

static struct ev_nl *ev_nl_open(struct kunit *test)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct ev_nl *nl = kunit_kzalloc(test, sizeof(*nl), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, nl);
	nl->buf = kunit_kmalloc(test, EV_NL_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nl->buf);
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, PF_NETLINK,
						  SOCK_RAW, NETLINK_GENERIC,
						  &nl->sock));
	/* GENL_ADMIN_PERM checks the credentials of the socket's file */
	nl->file = sock_alloc_file(nl->sock, 0, NULL);
	if (IS_ERR(nl->file)) {
		nl->file = NULL;
		KUNIT_FAIL_AND_ABORT(test, "sock_alloc_file failed");
	}
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ev_nl_release, nl));
	nl->sock->sk->sk_rcvtimeo = 10 * HZ;
	KUNIT_ASSERT_EQ(test, 0, kernel_bind(nl->sock,
					     (struct sockaddr_unsized *)&sa,
					     sizeof(sa)));
	KUNIT_ASSERT_GT(test, kernel_getsockname(nl->sock,
						 (struct sockaddr *)&sa), 0);
	nl->portid = sa.nl_pid;
	KUNIT_ASSERT_NE(test, nl->portid, 0);
	nl->seq = 1;
	return nl;
}

/* Receive one datagram into nl->buf; return its length. */
static int ev_nl_recv(struct ev_nl *nl)
{
	struct kvec iov = { .iov_base = nl->buf, .iov_len = EV_NL_BUF };
	struct msghdr m = {};

	return kernel_recvmsg(nl->sock, &m, &iov, 1, EV_NL_BUF, 0);
}

/*
 * Send command @cmd (no attributes) and wait for its acknowledgment.
 * Return its error (0 or a negative errno); a reply, if any, is copied
 * into *@reply (freed when the test ends). Notifications are skipped;
 * the number of event-ready ones seen is added to *@ready.
 */
static int ev_nl_cmd(struct kunit *test, struct ev_nl *nl, u8 cmd,
		     struct nlmsghdr **reply, int *ready)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = ktls_ph_nl_family.id,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = ++nl->seq,
		},
		.g = { .cmd = cmd, .version = KTLS_PH_FAMILY_VERSION },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct kvec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof(sa) };
	struct nlmsghdr *nlh;
	int len;

	if (reply)
		*reply = NULL;
	KUNIT_ASSERT_EQ(test, kernel_sendmsg(nl->sock, &m, &iov, 1,
					     sizeof(req)), (int)sizeof(req));
	for (;;) {
		len = ev_nl_recv(nl);
		KUNIT_ASSERT_GT_MSG(test, len, 0, "netlink receive: %d", len);
		for (nlh = (struct nlmsghdr *)nl->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != nl->seq) {
				struct genlmsghdr *g = nlmsg_data(nlh);

				if (ready && nlh->nlmsg_type ==
				    ktls_ph_nl_family.id &&
				    g->cmd == KTLS_PH_CMD_EVENT_READY)
					(*ready)++;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)
					nlmsg_data(nlh))->error;
			KUNIT_ASSERT_NOT_NULL(test, reply);
			*reply = kunit_kmalloc(test, nlh->nlmsg_len,
					       GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, *reply);
			memcpy(*reply, nlh, nlh->nlmsg_len);
		}
	}
}

/* The attributes of a reply (or of a nest), by type */
static void ev_nl_attrs(const struct nlattr *head, int len,
			const struct nlattr **tb, int max)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) <= max)
			tb[nla_type(a)] = a;
}

static void ev_nl_reply_attrs(struct nlmsghdr *nlh, const struct nlattr **tb,
			      int max)
{
	ev_nl_attrs(genlmsg_data(nlmsg_data(nlh)),
		    nlmsg_len(nlh) - GENL_HDRLEN, tb, max);
}

/* An event-pop reply against what the raw server sent */
static void ev_nl_check(struct kunit *test, struct nlmsghdr *nlh,
			struct ktls_ph_lb *lb, const struct ev_ticket *t)
{
	const struct ktls_ph_chain_vector *v = ev_vec(test, lb->suite->id);
	struct ktls_ph_sock *ph = ktls_ph_sock_get(lb->c.sock->sk);
	const struct nlattr *tb[KTLS_PH_A_EVENT_MAX + 1];
	const struct nlattr *tt[KTLS_PH_A_TICKET_MAX + 1];
	struct sockaddr_in peer = {};
	u8 *ticket;

	ticket = kunit_kmalloc(test, t->ticket_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ticket);
	ktls_ph_lb_fill(ticket, t->ticket_len, t->seed);
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_ASSERT_GT(test, kernel_getsockname(lb->s.sock,
						 (struct sockaddr *)&peer), 0);

	KUNIT_ASSERT_EQ(test, ((struct genlmsghdr *)nlmsg_data(nlh))->cmd,
			KTLS_PH_CMD_EVENT_POP);
	ev_nl_reply_attrs(nlh, tb, KTLS_PH_A_EVENT_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_ID]);
	KUNIT_EXPECT_GT(test, nla_get_uint(tb[KTLS_PH_A_EVENT_ID]),
			0);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_TYPE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_EVENT_TYPE]),
			KTLS_PH_EVENT_TYPE_TICKET);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_COOKIE]);
	KUNIT_EXPECT_EQ(test, nla_get_uint(tb[KTLS_PH_A_EVENT_COOKIE]),
			ph->cookie);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_ROLE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_EVENT_ROLE]),
			KTLS_PH_ROLE_CLIENT);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_CIPHER_SUITE]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[KTLS_PH_A_EVENT_CIPHER_SUITE]),
			lb->suite->id);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_FAMILY]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[KTLS_PH_A_EVENT_FAMILY]), AF_INET);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_PEER_ADDR]);
	KUNIT_ASSERT_EQ(test, nla_len(tb[KTLS_PH_A_EVENT_PEER_ADDR]), 4);
	KUNIT_EXPECT_MEMEQ(test, nla_data(tb[KTLS_PH_A_EVENT_PEER_ADDR]),
			   &peer.sin_addr, 4);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_PEER_PORT]);
	KUNIT_EXPECT_EQ(test, ntohs(nla_get_be16(tb[KTLS_PH_A_EVENT_PEER_PORT])),
			ntohs(peer.sin_port));
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_SERVER_NAME]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[KTLS_PH_A_EVENT_SERVER_NAME]),
			   EV_SNI);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_PEER_AUTH]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_EVENT_PEER_AUTH]),
			KTLS_PH_PEER_AUTH_CERTIFICATE);

	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_TICKET]);
	ev_nl_attrs(nla_data(tb[KTLS_PH_A_EVENT_TICKET]),
		    nla_len(tb[KTLS_PH_A_EVENT_TICKET]), tt,
		    KTLS_PH_A_TICKET_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_LIFETIME]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[KTLS_PH_A_TICKET_LIFETIME]),
			t->lifetime);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_AGE_ADD]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tt[KTLS_PH_A_TICKET_AGE_ADD]),
			t->age_add);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_NONCE]);
	KUNIT_ASSERT_EQ(test, nla_len(tt[KTLS_PH_A_TICKET_NONCE]),
			t->nonce_len);
	KUNIT_EXPECT_MEMEQ(test, nla_data(tt[KTLS_PH_A_TICKET_NONCE]),
			   ev_nonce, t->nonce_len);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_TICKET]);
	KUNIT_ASSERT_EQ(test, nla_len(tt[KTLS_PH_A_TICKET_TICKET]),
			t->ticket_len);
	KUNIT_EXPECT_MEMEQ(test, nla_data(tt[KTLS_PH_A_TICKET_TICKET]),
			   ticket, t->ticket_len);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_EXTENSIONS]);
	if (t->ext) {
		KUNIT_ASSERT_EQ(test, nla_len(tt[KTLS_PH_A_TICKET_EXTENSIONS]),
				sizeof(ev_ext));
		KUNIT_EXPECT_MEMEQ(test,
				   nla_data(tt[KTLS_PH_A_TICKET_EXTENSIONS]),
				   ev_ext, sizeof(ev_ext));
		KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_MAX_EARLY_DATA]);
		KUNIT_EXPECT_EQ(test,
				nla_get_u32(tt[KTLS_PH_A_TICKET_MAX_EARLY_DATA]),
				16384);
	} else {
		KUNIT_EXPECT_EQ(test, nla_len(tt[KTLS_PH_A_TICKET_EXTENSIONS]),
				0);
		KUNIT_EXPECT_NULL(test, tt[KTLS_PH_A_TICKET_MAX_EARLY_DATA]);
	}
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_PSK]);
	KUNIT_ASSERT_EQ(test, nla_len(tt[KTLS_PH_A_TICKET_PSK]), v->hash_len);
	KUNIT_EXPECT_MEMEQ(test, nla_data(tt[KTLS_PH_A_TICKET_PSK]),
			   ev_psk(v, t->nonce_len), v->hash_len);
	KUNIT_ASSERT_NOT_NULL(test, tt[KTLS_PH_A_TICKET_RECEIVED_MS]);
	KUNIT_EXPECT_LE(test,
			nla_get_uint(tt[KTLS_PH_A_TICKET_RECEIVED_MS]),
			ev_now_ms());
	kunit_kfree(test, ticket);
}

/*
 * The whole protocol through real generic netlink sockets: helper-register
 * (with its reply), event-ready, event-pop replies with every attribute,
 * ENOENT, another socket refused (EBUSY, EPERM), and the helper
 * unregistered (its queued events dropped) when its socket is closed.
 */
static void ev_netlink(struct kunit *test)
{
	struct ktls_ph_lb *lb = ev_lb(test, KTLS_PH_TLS_AES_256_GCM_SHA384,
				      true);
	const struct nlattr *tb[KTLS_PH_A_HELPER_MAX + 1];
	struct ev_nl *nl = ev_nl_open(test);
	struct ev_nl *other = ev_nl_open(test);
	struct nlmsghdr *reply;
	struct ev_counts c;
	int ready = 0;
	u64 dropped;
	u32 lim, queued;

	ev_snap(&c);
	KUNIT_ASSERT_EQ(test, 0, ev_nl_cmd(test, nl, KTLS_PH_CMD_HELPER_REGISTER,
					   &reply, NULL));
	KUNIT_ASSERT_NOT_NULL(test, reply);
	ktls_ph_helper_state(&init_net, &lim, &queued, &dropped);
	ev_nl_reply_attrs(reply, tb, KTLS_PH_A_HELPER_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_HELPER_QUEUE_LIMIT]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_HELPER_QUEUE_LIMIT]),
			KTLS_PH_EVENT_QUEUE_LEN_DEFAULT);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_HELPER_QUEUED]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_HELPER_QUEUED]), 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_HELPER_DROPPED]);
	KUNIT_EXPECT_EQ(test,
			nla_get_uint(tb[KTLS_PH_A_HELPER_DROPPED]),
			dropped);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_HELPER_REGISTERED, 1);
	/* again: a no-op */
	KUNIT_EXPECT_EQ(test, 0, ev_nl_cmd(test, nl,
					   KTLS_PH_CMD_HELPER_REGISTER,
					   &reply, NULL));
	KUNIT_EXPECT_EQ(test, -EBUSY,
			ev_nl_cmd(test, other, KTLS_PH_CMD_HELPER_REGISTER,
				  &reply, NULL));
	KUNIT_EXPECT_EQ(test, -EPERM,
			ev_nl_cmd(test, other, KTLS_PH_CMD_EVENT_POP, &reply,
				  NULL));
	KUNIT_EXPECT_EQ(test, -EPERM,
			ev_nl_cmd(test, other, KTLS_PH_CMD_HELPER_UNREGISTER,
				  &reply, NULL));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ev_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_POP, &reply,
				  NULL));

	ev_send_ticket(test, &lb->s, &ev_t2);
	ev_send_ticket(test, &lb->s, &ev_t1);
	ev_send_data(test, &lb->s, 10, 60);
	ev_expect_data(test, &lb->c, 10, 1, 60);
	/* event-ready comes from a work item: wait for it */
	while (!ready) {
		int len = ev_nl_recv(nl);
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;

		KUNIT_ASSERT_GT_MSG(test, len, 0, "no event-ready: %d", len);
		KUNIT_ASSERT_TRUE(test, nlmsg_ok(nlh, len));
		KUNIT_ASSERT_EQ(test, nlh->nlmsg_type, ktls_ph_nl_family.id);
		KUNIT_ASSERT_EQ(test,
				((struct genlmsghdr *)nlmsg_data(nlh))->cmd,
				KTLS_PH_CMD_EVENT_READY);
		ev_nl_reply_attrs(nlh, tb, KTLS_PH_A_HELPER_MAX);
		KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_HELPER_QUEUED]);
		KUNIT_EXPECT_GE(test, nla_get_u32(tb[KTLS_PH_A_HELPER_QUEUED]),
				1);
		ready++;
	}

	KUNIT_ASSERT_EQ(test, 0, ev_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_POP,
					   &reply, &ready));
	KUNIT_ASSERT_NOT_NULL(test, reply);
	ev_nl_check(test, reply, lb, &ev_t2);
	KUNIT_ASSERT_EQ(test, 0, ev_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_POP,
					   &reply, &ready));
	KUNIT_ASSERT_NOT_NULL(test, reply);
	ev_nl_check(test, reply, lb, &ev_t1);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ev_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_POP, &reply,
				  &ready));
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DELIVERED, 2);

	/* closing the helper's socket unregisters it; its events go */
	ev_send_ticket(test, &lb->s, &ev_t1);
	ev_send_data(test, &lb->s, 10, 61);
	ev_expect_data(test, &lb->c, 10, 1, 61);
	ev_nl_close(nl);
	KUNIT_EXPECT_FALSE(test, ktls_ph_helper_present(&init_net));
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_HELPER_REGISTERED, 0);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_DROPPED_UNREGISTER, 1);
	EV_EXPECT_DELTA(test, &c, KTLS_PH_NS_EVENTS_QUEUED, 3);

	/* now the other socket may register, and unregister */
	KUNIT_EXPECT_EQ(test, 0, ev_nl_cmd(test, other,
					   KTLS_PH_CMD_HELPER_REGISTER,
					   &reply, NULL));
	KUNIT_EXPECT_EQ(test, 0, ev_nl_cmd(test, other,
					   KTLS_PH_CMD_HELPER_UNREGISTER,
					   &reply, NULL));
	KUNIT_EXPECT_FALSE(test, ktls_ph_helper_present(&init_net));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ev_nl_cmd(test, other, KTLS_PH_CMD_HELPER_UNREGISTER,
				  &reply, NULL));
}

static struct kunit_case ktls_ph_event_cases[] = {
	KUNIT_CASE_PARAM(ev_ticket_fields, ev_vec_gen_params),
	KUNIT_CASE(ev_ticket_ipv6),
	KUNIT_CASE(ev_queue_limit),
	KUNIT_CASE(ev_no_helper),
	KUNIT_CASE(ev_no_secret),
	KUNIT_CASE(ev_register_rules),
	KUNIT_CASE_PARAM(ev_interleaved, ev_vec_gen_params),
	KUNIT_CASE_PARAM(ev_bad_ticket, ev_bad_gen_params),
	KUNIT_CASE(ev_attach_args),
	KUNIT_CASE(ev_netlink),
	{}
};

static struct kunit_suite ktls_ph_event_suite = {
	.name = "ktls_ph_event",
	.test_cases = ktls_ph_event_cases,
};

kunit_test_suites(&ktls_ph_event_suite);
