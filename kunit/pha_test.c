// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: post-handshake client authentication on real loopback kTLS
 * connections, both roles. A raw end plays the peer: as server it sends
 * CertificateRequests and reads the attached client's answer, checking its
 * Finished against one computed here; as client it answers the attached
 * server's request with messages built here. A made-up helper (an
 * in-kernel port id) pops the events and answers through the same
 * functions event-reply calls.
 */
#include <crypto/hash.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/tls.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "hsmsg.h"
#include "lb.h"
#include "netlink-gen.h"
#include "pha.h"
#include "pha_msg.h"
#include "sock.h"
#include "stats.h"

#define HS	TLS_RECORD_TYPE_HANDSHAKE
#define DATA	TLS_RECORD_TYPE_DATA
#define ALERT	TLS_RECORD_TYPE_ALERT

#define PH_PORTID	0x7e570011u
#define PH_BUF		(80 * 1024)

/* A made-up main-handshake transcript: ClientHello .. Finished */
static const u8 ph_ch[] = { 1, 0, 0, 6, 3, 3, 0xaa, 0xbb, 0xcc, 0xdd };
static const u8 ph_other[] = { 8, 0, 0, 2, 0, 0 };

/* signature_algorithms the raw server offers */
static const u8 ph_sigalgs[] = { 0x04, 0x03, 0x08, 0x04 };
/* one certificate entry: cert_data "LEAF!" and no extensions */
static const u8 ph_list[] = { 0, 0, 5, 'L', 'E', 'A', 'F', '!', 0, 0 };
static const u8 ph_sig[] = { 0x30, 0x01, 0x02, 0x03 };

struct ph_ctx {
	struct ktls_ph_lb *lb;
	u8 *transcript;
	u32 transcript_len;
};

static void ph_transcript(struct ph_ctx *c, struct kunit *test)
{
	u32 hl = c->lb->suite->hash_len;
	u8 *t;

	c->transcript_len = sizeof(ph_ch) + sizeof(ph_other) + 4 + hl;
	t = kunit_kzalloc(test, c->transcript_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	memcpy(t, ph_ch, sizeof(ph_ch));
	memcpy(t + sizeof(ph_ch), ph_other, sizeof(ph_other));
	t += sizeof(ph_ch) + sizeof(ph_other);
	t[0] = KTLS_PH_HS_FINISHED;
	t[3] = hl;
	memset(t + 4, 0x5a, hl);
	c->transcript = t - sizeof(ph_ch) - sizeof(ph_other);
}

/* A connection with ktls_ph attached to @e (client or server end). */
static struct ph_ctx *ph_new(struct kunit *test, u16 suite, bool server,
			     bool offered)
{
	struct ph_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct ktls_ph_lb_end *e;
	struct ktls_ph_attach_args a = {};
	u64 cookie;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->lb = ktls_ph_lb_new(test, suite, false, false);
	e = server ? &c->lb->s : &c->lb->c;
	ph_transcript(c, test);
	a.role = server ? KTLS_PH_ROLE_SERVER : KTLS_PH_ROLE_CLIENT;
	a.suite_id = suite;
	a.tx_secret = e->tx;
	a.rx_secret = e->rx;
	a.secret_len = c->lb->suite->hash_len;
	a.pha_offered = offered;
	a.transcript = c->transcript;
	a.transcript_len = c->transcript_len;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_attach(e->sock->sk, &a, &cookie,
						     NULL));
	e->attached = true;
	return c;
}

static void ph_unregister(void *portid)
{
	ktls_ph_helper_unregister(&init_net, (uintptr_t)portid, NULL);
}

static void ph_register(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_helper_register(&init_net, PH_PORTID,
							 NULL));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ph_unregister,
						  (void *)(uintptr_t)PH_PORTID));
}

static void ph_ev_free(void *ev)
{
	ktls_ph_event_free(ev);
}

static struct ktls_ph_event *ph_pop(struct kunit *test)
{
	struct ktls_ph_event *ev = ktls_ph_event_pop(&init_net, PH_PORTID,
						     NULL);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ev), "event-pop: %ld",
			       PTR_ERR(ev));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ph_ev_free,
							   ev));
	return ev;
}

static struct ktls_ph_sock *ph_sock(struct kunit *test,
				    struct ktls_ph_lb_end *e)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(e->sock->sk);

	KUNIT_ASSERT_NOT_NULL(test, ph);
	return ph;
}

static s64 ph_stat(struct ktls_ph_lb_end *e, enum ktls_ph_sock_stat s)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(e->sock->sk);

	return ph ? atomic64_read(&ph->stats[s]) : -1;
}

/* @from sends @n data bytes; the attached @to reads them (and acts on
 * the handshake records before them).
 */
static void ph_data(struct kunit *test, struct ktls_ph_lb_end *from,
		    struct ktls_ph_lb_end *to, u32 seed)
{
	u8 out[16], in[17];

	ktls_ph_lb_fill(out, sizeof(out), seed);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(from, DATA, out, sizeof(out)),
			(int)sizeof(out));
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_recv(to, NULL, in, sizeof(out),
					      MSG_WAITALL), (int)sizeof(out));
	KUNIT_EXPECT_MEMEQ(test, in, out, sizeof(out));
}

/* The raw server sends a CertificateRequest with context @ctx. */
static int ph_send_cr(struct kunit *test, struct ktls_ph_lb_end *raw,
		      const u8 *ctx, u32 ctx_len, u8 *cr)
{
	int n = ktls_ph_certreq_build(cr, 512, ctx, ctx_len, ph_sigalgs,
				      sizeof(ph_sigalgs));

	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(raw, HS, cr, n), n);
	return n;
}

/* HMAC(finished_key(@secret), Hash(transcript || @msgs)), independently */
static void ph_finished(struct kunit *test, struct ph_ctx *c,
			struct ktls_ph_ks *ks, const u8 *secret,
			const u8 *msgs, u32 len, u8 *out)
{
	u32 hl = c->lb->suite->hash_len;
	struct crypto_shash *h, *hm;
	u8 fk[KTLS_PH_MAX_HASH_LEN], th[KTLS_PH_MAX_HASH_LEN];

	h = crypto_alloc_shash(hl == 48 ? "sha384" : "sha256", 0, 0);
	hm = crypto_alloc_shash(hl == 48 ? "hmac(sha384)" : "hmac(sha256)",
				0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(h));
	KUNIT_ASSERT_FALSE(test, IS_ERR(hm));
	{
		SHASH_DESC_ON_STACK(d, h);

		d->tfm = h;
		KUNIT_ASSERT_EQ(test, 0, crypto_shash_init(d));
		KUNIT_ASSERT_EQ(test, 0, crypto_shash_update(d, c->transcript,
							     c->transcript_len));
		KUNIT_ASSERT_EQ(test, 0, crypto_shash_update(d, msgs, len));
		KUNIT_ASSERT_EQ(test, 0, crypto_shash_final(d, th));
	}
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_ks_finished_key(ks, secret, hl, fk,
							 hl));
	KUNIT_ASSERT_EQ(test, 0, crypto_shash_setkey(hm, fk, hl));
	KUNIT_ASSERT_EQ(test, 0, crypto_shash_tfm_digest(hm, th, hl, out));
	crypto_free_shash(h);
	crypto_free_shash(hm);
}

/*
 * The raw end reads handshake records until a Finished; returns the bytes
 * before the Finished (in @buf) and checks the Finished against the one
 * computed over transcript || @cr || those bytes with @secret.
 */
static u32 ph_read_answer(struct kunit *test, struct ph_ctx *c,
			  struct ktls_ph_lb_end *raw, const u8 *cr, u32 cr_len,
			  const u8 *secret, u8 *buf)
{
	u32 hl = c->lb->suite->hash_len;
	u8 *all = kunit_kzalloc(test, PH_BUF, GFP_KERNEL);
	u8 want[KTLS_PH_MAX_HASH_LEN];
	struct ktls_ph_hs_msg m;
	u32 got = 0, off = 0, crl = cr_len;
	u8 type;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, all);
	memcpy(all, cr, crl);
	for (;;) {
		/* walk the whole messages read so far */
		off = 0;
		while ((n = ktls_ph_hs_next(buf + off, got - off, &m)) > 0) {
			if (m.type == KTLS_PH_HS_FINISHED)
				goto fin;
			off += n;
		}
		n = ktls_ph_lb_recv(raw, &type, buf + got, PH_BUF - got, 0);
		KUNIT_ASSERT_GT(test, n, 0);
		KUNIT_ASSERT_EQ(test, type, HS);
		got += n;
	}
fin:
	KUNIT_EXPECT_EQ(test, m.len, hl);
	KUNIT_EXPECT_EQ(test, off + 4 + hl, got);
	memcpy(all + crl, buf, off);
	ph_finished(test, c, &raw->rx_ks, secret, all, crl + off, want);
	KUNIT_EXPECT_MEMEQ(test, m.body, want, hl);
	kunit_kfree(test, all);
	return off;
}

static void ph_build_answer(struct kunit *test, const u8 *ctx, u32 ctx_len,
			    u8 *cert, int *cert_len, u8 *cv, int *cv_len,
			    u16 scheme)
{
	*cert_len = ktls_ph_cert_build(cert, 512, ctx, ctx_len, ph_list,
				       sizeof(ph_list));
	KUNIT_ASSERT_GT(test, *cert_len, 0);
	*cv_len = ktls_ph_cert_verify_build(cv, 512, scheme, ph_sig,
					    sizeof(ph_sig));
	KUNIT_ASSERT_GT(test, *cv_len, 0);
}

static const u8 ph_ctx1[] = { 1, 2, 3, 4 };
static const u8 ph_ctx2[] = { 9, 8, 7, 6, 5 };

/*
 * Client role: a CertificateRequest becomes an event with the transcript
 * and the request; the helper's Certificate and CertificateVerify go out
 * with a Finished over transcript || CR || Cert || CV. With @ku, the raw
 * server asks for a KeyUpdate between request and answer: the Finished
 * then uses the client's new secret.
 */
static void ph_client_answer_common(struct kunit *test, u16 suite, bool ku)
{
	struct ph_ctx *c = ph_new(test, suite, false, true);
	struct ktls_ph_lb *lb = c->lb;
	u8 *cr = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cert = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cv = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, PH_BUF, GFP_KERNEL);
	struct ktls_ph_pha_answer a = {};
	struct ktls_ph_event *ev;
	int cr_len, cert_len, cv_len, req;
	u32 off;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ph_register(test);
	cr_len = ph_send_cr(test, &lb->s, ph_ctx1, sizeof(ph_ctx1), cr);
	ph_data(test, &lb->s, &lb->c, 1);
	ev = ph_pop(test);
	KUNIT_EXPECT_EQ(test, ev->type, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	KUNIT_EXPECT_EQ(test, ev->cookie, ph_sock(test, &lb->c)->cookie);
	KUNIT_ASSERT_EQ(test, ev->pha.transcript_len, c->transcript_len);
	KUNIT_EXPECT_MEMEQ(test, ev->pha.transcript, c->transcript,
			   c->transcript_len);
	KUNIT_ASSERT_EQ(test, ev->pha.request_len, (u32)cr_len);
	KUNIT_EXPECT_MEMEQ(test, ev->pha.request, cr, cr_len);
	KUNIT_EXPECT_NULL(test, ev->pha.cert);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_REQUESTS), 1);

	if (ku) {
		u8 old[KTLS_PH_MAX_HASH_LEN];

		/* the client answers update_requested: new client secret */
		memcpy(old, lb->s.rx, sizeof(old));
		KUNIT_ASSERT_EQ(test, 0,
				ktls_ph_lb_raw_key_update(lb, &lb->s, true));
		ph_data(test, &lb->s, &lb->c, 2);
		KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->c, DATA, "0123456789",
						      10), 10);
		req = 0;
		KUNIT_ASSERT_EQ(test, 10,
				ktls_ph_lb_raw_recv_data(lb, &lb->s, buf, 10,
							 &req));
		KUNIT_EXPECT_MEMEQ(test, buf, "0123456789", 10);
		KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_TX_REKEYS), 1);
		KUNIT_EXPECT_MEMNEQ(test, old, lb->s.rx, lb->suite->hash_len);
	}
	ph_build_answer(test, ph_ctx1, sizeof(ph_ctx1), cert, &cert_len, cv,
			&cv_len, 0x0804);
	a.cert = cert;
	a.cert_len = cert_len;
	a.cv = cv;
	a.cv_len = cv_len;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_reply(&init_net, PH_PORTID,
						   ev->id, ev->cookie, &a,
						   NULL));
	/* a second answer: no longer awaited */
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ktls_ph_pha_reply(&init_net, PH_PORTID, ev->id,
					  ev->cookie, &a, NULL));
	off = ph_read_answer(test, c, &lb->s, cr, cr_len, lb->s.rx, buf);
	KUNIT_ASSERT_EQ(test, off, (u32)(cert_len + cv_len));
	KUNIT_EXPECT_MEMEQ(test, buf, cert, cert_len);
	KUNIT_EXPECT_MEMEQ(test, buf + cert_len, cv, cv_len);
	flush_delayed_work(&ph_sock(test, &lb->c)->pha.work);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_ANSWERED), 1);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_DECLINED), 0);
	/* application data still flows both ways */
	ph_data(test, &lb->s, &lb->c, 3);
}

static void ph_client_answer(struct kunit *test)
{
	ph_client_answer_common(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false);
	ph_client_answer_common(test, KTLS_PH_TLS_AES_256_GCM_SHA384, false);
}

static void ph_client_answer_after_ku(struct kunit *test)
{
	ph_client_answer_common(test, KTLS_PH_TLS_CHACHA20_POLY1305_SHA256,
				true);
}

/* The raw server reads an empty Certificate for @ctx and a Finished. */
static void ph_expect_decline(struct kunit *test, struct ph_ctx *c,
			      const u8 *cr, int cr_len, const u8 *ctx,
			      u32 ctx_len)
{
	struct ktls_ph_lb *lb = c->lb;
	u8 *buf = kunit_kzalloc(test, PH_BUF, GFP_KERNEL);
	u8 empty[16];
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = ktls_ph_cert_build_empty(empty, sizeof(empty), ctx, ctx_len);
	KUNIT_ASSERT_EQ(test, ph_read_answer(test, c, &lb->s, cr, cr_len,
					     lb->s.rx, buf), (u32)n);
	KUNIT_EXPECT_MEMEQ(test, buf, empty, n);
	kunit_kfree(test, buf);
}

/* No helper: declined at once. */
static void ph_client_no_helper(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  true);
	u8 cr[512];
	int cr_len;
	u64 nh = ktls_ph_net_read(&init_net, KTLS_PH_NS_PHA_NO_HELPER);

	cr_len = ph_send_cr(test, &c->lb->s, ph_ctx1, sizeof(ph_ctx1), cr);
	ph_data(test, &c->lb->s, &c->lb->c, 1);
	ph_expect_decline(test, c, cr, cr_len, ph_ctx1, sizeof(ph_ctx1));
	flush_delayed_work(&ph_sock(test, &c->lb->c)->pha.work);
	KUNIT_EXPECT_EQ(test, ph_stat(&c->lb->c, KTLS_PH_SS_PHA_DECLINED), 1);
	KUNIT_EXPECT_EQ(test, ph_stat(&c->lb->c, KTLS_PH_SS_PHA_TIMEOUTS), 0);
	KUNIT_EXPECT_EQ(test, ktls_ph_net_read(&init_net,
					       KTLS_PH_NS_PHA_NO_HELPER) - nh,
			1);
}

static void ph_timeout_restore(void *v)
{
	ktls_ph_pha_timeout_ms = (uintptr_t)v;
}

/* The helper does not answer within pha_timeout_ms: declined. */
static void ph_client_timeout(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  true);
	struct ktls_ph_pha_answer a = { .decline = true };
	struct ktls_ph_event *ev;
	u8 cr[512];
	int cr_len;

	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ph_timeout_restore,
						  (void *)(uintptr_t)ktls_ph_pha_timeout_ms));
	ktls_ph_pha_timeout_ms = 100;
	ph_register(test);
	cr_len = ph_send_cr(test, &c->lb->s, ph_ctx2, sizeof(ph_ctx2), cr);
	ph_data(test, &c->lb->s, &c->lb->c, 1);
	ev = ph_pop(test);
	ph_expect_decline(test, c, cr, cr_len, ph_ctx2, sizeof(ph_ctx2));
	flush_delayed_work(&ph_sock(test, &c->lb->c)->pha.work);
	KUNIT_EXPECT_EQ(test, ph_stat(&c->lb->c, KTLS_PH_SS_PHA_TIMEOUTS), 1);
	KUNIT_EXPECT_EQ(test, ph_stat(&c->lb->c, KTLS_PH_SS_PHA_DECLINED), 1);
	/* too late */
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ktls_ph_pha_reply(&init_net, PH_PORTID, ev->id,
					  ev->cookie, &a, NULL));
}

/* Two outstanding requests, answered in reverse order. */
static void ph_client_two(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_256_GCM_SHA384, false,
				  true);
	struct ktls_ph_lb *lb = c->lb;
	u8 *cr1 = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cr2 = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cert = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cv = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, PH_BUF, GFP_KERNEL);
	struct ktls_ph_pha_answer a = {};
	struct ktls_ph_event *e1, *e2;
	int l1, l2, cert_len, cv_len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ph_register(test);
	l1 = ph_send_cr(test, &lb->s, ph_ctx1, sizeof(ph_ctx1), cr1);
	l2 = ph_send_cr(test, &lb->s, ph_ctx2, sizeof(ph_ctx2), cr2);
	ph_data(test, &lb->s, &lb->c, 1);
	e1 = ph_pop(test);
	e2 = ph_pop(test);
	KUNIT_EXPECT_MEMEQ(test, e1->pha.request, cr1, l1);
	KUNIT_EXPECT_MEMEQ(test, e2->pha.request, cr2, l2);

	/* the second first, with a certificate */
	ph_build_answer(test, ph_ctx2, sizeof(ph_ctx2), cert, &cert_len, cv,
			&cv_len, 0x0403);
	a.cert = cert;
	a.cert_len = cert_len;
	a.cv = cv;
	a.cv_len = cv_len;
	/* the first request's context does not fit the second */
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_reply(&init_net, PH_PORTID,
						   e2->id, e2->cookie, &a,
						   NULL));
	KUNIT_ASSERT_EQ(test, ph_read_answer(test, c, &lb->s, cr2, l2,
					     lb->s.rx, buf),
			(u32)(cert_len + cv_len));
	KUNIT_EXPECT_MEMEQ(test, buf, cert, cert_len);
	/* then the first, declined by the helper */
	memset(&a, 0, sizeof(a));
	a.decline = true;
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_reply(&init_net, PH_PORTID,
						   e1->id, e1->cookie, &a,
						   NULL));
	ph_expect_decline(test, c, cr1, l1, ph_ctx1, sizeof(ph_ctx1));
	flush_delayed_work(&ph_sock(test, &lb->c)->pha.work);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_REQUESTS), 2);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_ANSWERED), 1);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_DECLINED), 1);
}

/*
 * Detach with a request pending: the entry is freed, a late answer finds
 * nothing (ENOENT), nothing is sent.
 */
static void ph_client_detach_pending(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  true);
	struct ktls_ph_pha_answer a = { .decline = true };
	struct netlink_ext_ack ext = {};
	struct ktls_ph_event *ev;
	u8 cr[512], b[4];

	ph_register(test);
	ph_send_cr(test, &c->lb->s, ph_ctx1, sizeof(ph_ctx1), cr);
	ph_data(test, &c->lb->s, &c->lb->c, 1);
	ev = ph_pop(test);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_sock_detach(c->lb->c.sock->sk, NULL));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ktls_ph_pha_reply(&init_net, PH_PORTID, ev->id,
					  ev->cookie, &a, &ext));
	KUNIT_EXPECT_NOT_NULL(test, ext._msg);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&c->lb->s, NULL, b, sizeof(b),
					      MSG_DONTWAIT), -EAGAIN);
}

/* The raw end reads a fatal alert @alert. */
static void ph_expect_alert(struct kunit *test, struct ktls_ph_lb_end *raw,
			    u8 alert)
{
	u8 buf[64], type = 0;
	int n;

	n = ktls_ph_lb_recv(raw, &type, buf, sizeof(buf), 0);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, type, ALERT);
	KUNIT_EXPECT_EQ(test, buf[0], 2);
	KUNIT_EXPECT_EQ(test, buf[1], alert);
}

/* A CertificateRequest to a client that did not offer PHA. */
static void ph_client_not_offered(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  false);
	u8 cr[512], b[8];

	ph_send_cr(test, &c->lb->s, ph_ctx1, sizeof(ph_ctx1), cr);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&c->lb->c, NULL, b, sizeof(b),
					      0), -EPROTO);
	ph_expect_alert(test, &c->lb->s, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
	KUNIT_EXPECT_EQ(test, ph_stat(&c->lb->c, KTLS_PH_SS_PHA_REQUESTS), 0);
}

/* Bad answers from the helper: EINVAL, and the request is declined. */
static void ph_client_bad_reply(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  true);
	struct ktls_ph_lb *lb = c->lb;
	u8 *cr1 = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cr2 = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cert = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *cv = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct netlink_ext_ack ext = {};
	struct ktls_ph_pha_answer a = {};
	struct ktls_ph_event *e1, *e2;
	int l1, l2, cert_len, cv_len;

	ph_register(test);
	l1 = ph_send_cr(test, &lb->s, ph_ctx1, sizeof(ph_ctx1), cr1);
	l2 = ph_send_cr(test, &lb->s, ph_ctx2, sizeof(ph_ctx2), cr2);
	ph_data(test, &lb->s, &lb->c, 1);
	e1 = ph_pop(test);
	e2 = ph_pop(test);

	/* wrong context */
	ph_build_answer(test, ph_ctx2, sizeof(ph_ctx2), cert, &cert_len, cv,
			&cv_len, 0x0804);
	a.cert = cert;
	a.cert_len = cert_len;
	a.cv = cv;
	a.cv_len = cv_len;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_reply(&init_net, PH_PORTID, e1->id,
					  e1->cookie, &a, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "certificate is not a Certificate message answering the request (context)");
	ph_expect_decline(test, c, cr1, l1, ph_ctx1, sizeof(ph_ctx1));

	/* a scheme the request did not offer */
	ph_build_answer(test, ph_ctx2, sizeof(ph_ctx2), cert, &cert_len, cv,
			&cv_len, 0x0805);
	a.cv_len = cv_len;
	memset(&ext, 0, sizeof(ext));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_reply(&init_net, PH_PORTID, e2->id,
					  e2->cookie, &a, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "certificate-verify is not a CertificateVerify with a scheme the request offered");
	ph_expect_decline(test, c, cr2, l2, ph_ctx2, sizeof(ph_ctx2));
	flush_delayed_work(&ph_sock(test, &lb->c)->pha.work);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_DECLINED), 2);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->c, KTLS_PH_SS_PHA_ANSWERED), 0);
	/* not the helper */
	KUNIT_EXPECT_EQ(test, -EPERM,
			ktls_ph_pha_reply(&init_net, PH_PORTID + 1, e2->id,
					  e2->cookie, &a, NULL));
}

/*
 * Server role: pha-request sends a CR with a 32-byte context; the raw
 * client reads it and returns it (with its header) in @cr.
 */
static int ph_srv_request(struct kunit *test, struct ph_ctx *c, u8 *cr)
{
	struct ktls_ph_sock *ph = ph_sock(test, &c->lb->s);
	struct ktls_ph_certreq req;
	struct ktls_ph_hs_msg m;
	u8 type = 0;
	int n;

	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_request(ph, NULL));
	n = ktls_ph_lb_recv(&c->lb->c, &type, cr, 512, 0);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, type, HS);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(cr, n, &m), n);
	KUNIT_ASSERT_EQ(test, m.type, KTLS_PH_HS_CERTIFICATE_REQUEST);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_certreq_parse(&m, &req));
	KUNIT_EXPECT_EQ(test, req.ctx_len, 32);
	KUNIT_EXPECT_TRUE(test, ktls_ph_sigalg_offered(req.sigalgs,
						       req.sigalgs_len,
						       0x0804));
	KUNIT_EXPECT_EQ(test, ph->pha.verdict, KTLS_PH_PHA_VERDICT_PENDING);
	return n;
}

/*
 * The raw client answers @cr: Certificate (with ph_list unless @decline),
 * CertificateVerify, Finished (corrupted when @bad_fin), data in between
 * when @data_between.
 */
static void ph_srv_answer(struct kunit *test, struct ph_ctx *c, const u8 *cr,
			  int cr_len, bool decline, bool bad_fin,
			  bool data_between)
{
	struct ktls_ph_lb *lb = c->lb;
	u32 hl = lb->suite->hash_len;
	u8 *buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	u8 *all = kunit_kzalloc(test, 4096, GFP_KERNEL);
	u8 vd[KTLS_PH_MAX_HASH_LEN];
	const u8 *ctx = cr + 5;
	int n, m = 0, f;

	KUNIT_ASSERT_NOT_NULL(test, all);
	if (decline) {
		n = ktls_ph_cert_build_empty(buf, 2048, ctx, cr[4]);
	} else {
		n = ktls_ph_cert_build(buf, 2048, ctx, cr[4], ph_list,
				       sizeof(ph_list));
		KUNIT_ASSERT_GT(test, n, 0);
		m = ktls_ph_cert_verify_build(buf + n, 2048 - n, 0x0804, ph_sig,
					      sizeof(ph_sig));
	}
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_ASSERT_GE(test, m, 0);
	memcpy(all, cr, cr_len);
	memcpy(all + cr_len, buf, n + m);
	ph_finished(test, c, &lb->c.tx_ks, lb->c.tx, all, cr_len + n + m, vd);
	if (bad_fin)
		vd[0] ^= 1;
	f = ktls_ph_finished_build(buf + n + m, 2048 - n - m, vd, hl);
	KUNIT_ASSERT_GT(test, f, 0);
	if (data_between) {
		KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->c, HS, buf, n), n);
		KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->c, DATA, "x", 1), 1);
		KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->c, HS, buf + n,
						      m + f), m + f);
	} else {
		KUNIT_ASSERT_EQ(test, ktls_ph_lb_send(&lb->c, HS, buf,
						      n + m + f), n + m + f);
	}
	kunit_kfree(test, all);
	kunit_kfree(test, buf);
}

static void ph_srv_ok(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_256_GCM_SHA384, true,
				  true);
	struct ktls_ph_lb *lb = c->lb;
	struct ktls_ph_sock *ph = ph_sock(test, &lb->s);
	struct ktls_ph_pha_answer a = {
		.has_verdict = true, .verdict = KTLS_PH_PHA_VERDICT_OK,
	};
	struct netlink_ext_ack ext = {};
	struct ktls_ph_event *ev;
	u8 cr[512];
	int cr_len;

	ph_register(test);
	cr_len = ph_srv_request(test, c, cr);
	KUNIT_EXPECT_EQ(test, -EBUSY, ktls_ph_pha_request(ph, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "a post-handshake authentication is already pending on this socket");
	ph_srv_answer(test, c, cr, cr_len, false, false, false);
	ph_data(test, &lb->c, &lb->s, 1);
	ev = ph_pop(test);
	KUNIT_EXPECT_EQ(test, ev->type, KTLS_PH_EVENT_TYPE_CLIENT_CERT);
	KUNIT_EXPECT_EQ(test, ev->role, KTLS_PH_ROLE_SERVER);
	KUNIT_ASSERT_EQ(test, ev->pha.request_len, (u32)cr_len);
	KUNIT_EXPECT_MEMEQ(test, ev->pha.request, cr, cr_len);
	KUNIT_EXPECT_MEMEQ(test, ev->pha.transcript, c->transcript,
			   c->transcript_len);
	KUNIT_ASSERT_NOT_NULL(test, ev->pha.cert);
	KUNIT_ASSERT_NOT_NULL(test, ev->pha.cv);
	KUNIT_EXPECT_EQ(test, ev->pha.cv[0], KTLS_PH_HS_CERTIFICATE_VERIFY);
	KUNIT_EXPECT_EQ(test, ph->pha.verdict, KTLS_PH_PHA_VERDICT_PENDING);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_reply(&init_net, PH_PORTID,
						   ev->id, ev->cookie, &a,
						   NULL));
	flush_delayed_work(&ph->pha.work);
	KUNIT_EXPECT_EQ(test, ph->pha.verdict, KTLS_PH_PHA_VERDICT_OK);
	KUNIT_EXPECT_EQ(test, ph->pha.alert, 0);
	KUNIT_ASSERT_EQ(test, ph->pha.peer_cert_len, 5);
	KUNIT_EXPECT_MEMEQ(test, ph->pha.peer_cert, "LEAF!", 5);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->s, KTLS_PH_SS_PHA_REQUESTS), 1);
	KUNIT_EXPECT_EQ(test, ph_stat(&lb->s, KTLS_PH_SS_PHA_ANSWERED), 1);
	/* the connection goes on */
	ph_data(test, &lb->c, &lb->s, 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ph->fatal), 0);
}

static void ph_srv_bad_finished(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				  true);
	struct ktls_ph_sock *ph = ph_sock(test, &c->lb->s);
	u8 cr[512], b[4];
	int cr_len;

	ph_register(test);
	cr_len = ph_srv_request(test, c, cr);
	ph_srv_answer(test, c, cr, cr_len, false, true, false);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&c->lb->s, NULL, b, sizeof(b),
					      0), -EPROTO);
	ph_expect_alert(test, &c->lb->c, KTLS_PH_ALERT_DECRYPT_ERROR);
	flush_delayed_work(&ph->pha.work);
	KUNIT_EXPECT_EQ(test, ph->pha.verdict, KTLS_PH_PHA_VERDICT_DECRYPT_ERROR);
	KUNIT_EXPECT_EQ(test, ph->pha.alert, KTLS_PH_ALERT_DECRYPT_ERROR);
}

static void ph_srv_unrequested(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				  true);
	u8 cr[512] = { KTLS_PH_HS_CERTIFICATE_REQUEST, 0, 0, 0, 0 }, b[4];

	/* an answer to a request never sent */
	ph_srv_answer(test, c, cr, 5, true, false, false);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&c->lb->s, NULL, b, sizeof(b),
					      0), -EPROTO);
	ph_expect_alert(test, &c->lb->c, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
	KUNIT_EXPECT_EQ(test, ph_sock(test, &c->lb->s)->pha.verdict,
			KTLS_PH_PHA_VERDICT_NONE);
}

static void ph_srv_data_between(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				  true);
	struct ktls_ph_sock *ph = ph_sock(test, &c->lb->s);
	u8 cr[512], b[4];
	int cr_len;

	ph_register(test);
	cr_len = ph_srv_request(test, c, cr);
	ph_srv_answer(test, c, cr, cr_len, false, false, true);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&c->lb->s, NULL, b, sizeof(b),
					      0), -EPROTO);
	ph_expect_alert(test, &c->lb->c, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
	flush_delayed_work(&ph->pha.work);
	KUNIT_EXPECT_EQ(test, ph->pha.verdict,
			KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE);
}

/* The helper rejects the certificate with bad_certificate. */
static void ph_srv_rejected(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				  true);
	struct ktls_ph_lb *lb = c->lb;
	struct ktls_ph_sock *ph = ph_sock(test, &lb->s);
	struct ktls_ph_pha_answer a = {
		.has_verdict = true,
		.verdict = KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE,
		.alert = KTLS_PH_ALERT_BAD_CERTIFICATE,
	};
	struct ktls_ph_event *ev;
	u8 cr[512], b[4], alert;
	int cr_len;
	u32 v;
	u64 n = ktls_ph_net_read(&init_net, KTLS_PH_NS_ALERT_BAD_CERTIFICATE);

	ph_register(test);
	cr_len = ph_srv_request(test, c, cr);
	ph_srv_answer(test, c, cr, cr_len, false, false, false);
	ph_data(test, &lb->c, &lb->s, 1);
	ev = ph_pop(test);
	KUNIT_ASSERT_EQ(test, 0, ktls_ph_pha_reply(&init_net, PH_PORTID,
						   ev->id, ev->cookie, &a,
						   NULL));
	/* the verdict shows only once the socket failed (the alert going) */
	spin_lock_bh(&ph->pha.lock);
	v = ktls_ph_pha_verdict_locked(ph, &alert);
	spin_unlock_bh(&ph->pha.lock);
	if (v == KTLS_PH_PHA_VERDICT_PENDING)
		KUNIT_EXPECT_EQ(test, alert, 0);
	else
		KUNIT_EXPECT_NE(test, READ_ONCE(ph->fatal), 0);
	flush_delayed_work(&ph->pha.work);
	spin_lock_bh(&ph->pha.lock);
	v = ktls_ph_pha_verdict_locked(ph, &alert);
	spin_unlock_bh(&ph->pha.lock);
	KUNIT_EXPECT_EQ(test, v, KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE);
	KUNIT_EXPECT_EQ(test, alert, KTLS_PH_ALERT_BAD_CERTIFICATE);
	ph_expect_alert(test, &lb->c, KTLS_PH_ALERT_BAD_CERTIFICATE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ph->fatal), -EACCES);
	KUNIT_EXPECT_EQ(test, ktls_ph_lb_recv(&lb->s, NULL, b, sizeof(b),
					      MSG_DONTWAIT), -EACCES);
	KUNIT_EXPECT_EQ(test, ph->pha.verdict,
			KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE);
	KUNIT_EXPECT_NULL(test, ph->pha.peer_cert);
	KUNIT_EXPECT_EQ(test, ktls_ph_net_read(&init_net,
					       KTLS_PH_NS_ALERT_BAD_CERTIFICATE) - n,
			1);
}

/* pha-request refusals. */
static void ph_srv_request_errors(struct kunit *test)
{
	struct ph_ctx *cl = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				   true);
	struct ph_ctx *no = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				   false);
	struct ph_ctx *sv = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				   true);
	struct netlink_ext_ack ext = {};

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			ktls_ph_pha_request(ph_sock(test, &cl->lb->c), &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "pha-request is for server sockets; this one is a client");
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			ktls_ph_pha_request(ph_sock(test, &no->lb->s), &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "the client did not offer post_handshake_auth");
	KUNIT_EXPECT_EQ(test, -ENOTCONN,
			ktls_ph_pha_request(ph_sock(test, &sv->lb->s), &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "no helper registered in this network namespace to check the client's certificate");
	KUNIT_EXPECT_EQ(test, ph_stat(&sv->lb->s, KTLS_PH_SS_PHA_REQUESTS), 0);
}

/* Transcripts attach refuses. */
static void ph_attach_transcript(struct kunit *test)
{
	static const u8 not_fin[] = { 1, 0, 0, 1, 0, 8, 0, 0, 0 };
	static const u8 partial[] = { 1, 0, 0, 1, 0, 20, 0, 0, 9, 0 };
	static const u8 not_ch[] = { 2, 0, 0, 0, 20, 0, 0, 0 };
	static const u8 hrr[] = { 254, 0, 0, 1, 7, 2, 0, 0, 0, 20, 0, 0, 1, 3 };
	struct netlink_ext_ack ext = {};
	struct ktls_ph_attach_args a = {};
	struct ktls_ph_lb *lb;
	u8 *big;
	u64 cookie;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_check_transcript(hrr, 0, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "transcript must be 1 to 65000 bytes long");
	big = kunit_kzalloc(test, KTLS_PH_MAX_TRANSCRIPT_LEN + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memcpy(big, hrr, sizeof(hrr));
	ext._msg = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_check_transcript(big,
						     KTLS_PH_MAX_TRANSCRIPT_LEN + 1,
						     &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "transcript must be 1 to 65000 bytes long");
	/* pha-offered without a transcript: refused, nothing attached */
	lb = ktls_ph_lb_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
			    false);
	a.role = KTLS_PH_ROLE_CLIENT;
	a.suite_id = KTLS_PH_TLS_AES_128_GCM_SHA256;
	a.tx_secret = lb->c.tx;
	a.rx_secret = lb->c.rx;
	a.secret_len = lb->suite->hash_len;
	a.pha_offered = true;
	ext._msg = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_sock_attach(lb->c.sock->sk, &a, &cookie, &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "pha-offered needs the handshake transcript");
	KUNIT_EXPECT_NULL(test, ktls_ph_sock_get(lb->c.sock->sk));

	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_check_transcript(not_fin, sizeof(not_fin),
						     &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "transcript does not end with a Finished message");
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_check_transcript(partial, sizeof(partial),
						     &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "transcript is not a sequence of whole handshake messages");
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ktls_ph_pha_check_transcript(not_ch, sizeof(not_ch),
						     &ext));
	KUNIT_EXPECT_STREQ(test, ext._msg,
			   "transcript does not start with a ClientHello (or message_hash)");
	/* after a HelloRetryRequest: message_hash first */
	KUNIT_EXPECT_EQ(test, 0,
			ktls_ph_pha_check_transcript(hrr, sizeof(hrr), NULL));
}

/* A generic netlink socket of the ktls-ph family, owned by a file */
struct ph_nl {
	struct socket *sock;
	struct file *file;
	u32 seq;
	u8 *buf;
	int len;
	u8 done[256];
	bool has_done;
};

/* Keep a pha-done notification read while waiting for something else. */
static void ph_nl_keep_done(struct ph_nl *nl, struct nlmsghdr *nlh)
{
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (nlh->nlmsg_type == ktls_ph_nl_family.id &&
	    g->cmd == KTLS_PH_CMD_PHA_DONE &&
	    nlh->nlmsg_len <= sizeof(nl->done)) {
		memcpy(nl->done, nlh, nlh->nlmsg_len);
		nl->has_done = true;
	}
}

static void ph_nl_release(void *arg)
{
	struct ph_nl *nl = arg;

	__fput_sync(nl->file);
}

static struct ph_nl *ph_nl_open(struct kunit *test)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct ph_nl *nl = kunit_kzalloc(test, sizeof(*nl), GFP_KERNEL);
	int grp;

	KUNIT_ASSERT_NOT_NULL(test, nl);
	nl->buf = kunit_kmalloc(test, PH_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nl->buf);
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, PF_NETLINK,
						  SOCK_RAW, NETLINK_GENERIC,
						  &nl->sock));
	/* GENL_ADMIN_PERM checks the credentials of the socket's file */
	nl->file = sock_alloc_file(nl->sock, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nl->file));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ph_nl_release, nl));
	nl->sock->sk->sk_rcvtimeo = 10 * HZ;
	KUNIT_ASSERT_EQ(test, 0, kernel_bind(nl->sock,
					     (struct sockaddr_unsized *)&sa,
					     sizeof(sa)));
	grp = ktls_ph_nl_family.mcgrp_offset + KTLS_PH_NLGRP_PHA;
	KUNIT_ASSERT_EQ(test, 0,
			nl->sock->ops->setsockopt(nl->sock, SOL_NETLINK,
						  NETLINK_ADD_MEMBERSHIP,
						  KERNEL_SOCKPTR(&grp),
						  sizeof(grp)));
	return nl;
}

/*
 * Send @cmd with the attributes @fill puts, and wait for its ack. Return
 * its error; a reply, if any, is left in nl->buf (nl->len bytes).
 */
static int ph_nl_cmd(struct kunit *test, struct ph_nl *nl, u8 cmd,
		     void (*fill)(struct sk_buff *skb, void *arg), void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof(sa) };
	struct nlmsghdr *nlh;
	struct sk_buff *skb;
	struct kvec iov;
	int len, err = 1;
	void *hdr;

	skb = genlmsg_new(4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	hdr = genlmsg_put(skb, 0, ++nl->seq, &ktls_ph_nl_family,
			  NLM_F_REQUEST | NLM_F_ACK, cmd);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	if (fill)
		fill(skb, arg);
	genlmsg_end(skb, hdr);
	iov.iov_base = skb->data;
	iov.iov_len = skb->len;
	len = kernel_sendmsg(nl->sock, &m, &iov, 1, skb->len);
	kfree_skb(skb);
	KUNIT_ASSERT_GT(test, len, 0);
	nl->len = 0;
	while (err > 0) {
		iov.iov_base = nl->buf + nl->len;
		iov.iov_len = PH_BUF - nl->len;
		memset(&m, 0, sizeof(m));
		len = kernel_recvmsg(nl->sock, &m, &iov, 1, iov.iov_len, 0);
		KUNIT_ASSERT_GT(test, len, 0);
		for (nlh = iov.iov_base; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != nl->seq) {
				ph_nl_keep_done(nl, nlh);	/* notifications */
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)nlmsg_data(nlh))->error;
				break;
			}
			memmove(nl->buf, nlh, nlh->nlmsg_len);
			nl->len = nlh->nlmsg_len;
		}
	}
	return err;
}

/* The attributes of the reply in nl->buf (or of a nest), by type */
static void ph_nl_attrs(const struct nlattr *head, int len,
			const struct nlattr **tb, int max)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) <= max)
			tb[nla_type(a)] = a;
}

static void ph_nl_reply(struct kunit *test, struct ph_nl *nl,
			const struct nlattr **tb, int max)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;

	KUNIT_ASSERT_GT(test, nl->len, 0);
	ph_nl_attrs(genlmsg_data(nlmsg_data(nlh)),
		    nlmsg_len(nlh) - GENL_HDRLEN, tb, max);
}

/* Wait for a pha-done notification; return its attributes. */
static void ph_nl_done(struct kunit *test, struct ph_nl *nl,
		       const struct nlattr **tb)
{
	struct kvec iov = { .iov_base = nl->buf, .iov_len = PH_BUF };
	struct msghdr m = {};
	struct nlmsghdr *nlh;
	int len;

	while (!nl->has_done) {
		len = kernel_recvmsg(nl->sock, &m, &iov, 1, PH_BUF, 0);
		KUNIT_ASSERT_GT(test, len, 0);
		for (nlh = (struct nlmsghdr *)nl->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len))
			ph_nl_keep_done(nl, nlh);
	}
	nlh = (struct nlmsghdr *)nl->done;
	ph_nl_attrs(genlmsg_data(nlmsg_data(nlh)), nlmsg_len(nlh) - GENL_HDRLEN,
		    tb, KTLS_PH_A_SOCK_MAX);
	nl->has_done = false;
}

struct ph_nl_answer {
	u64 id;
	u64 cookie;
	bool decline;
	u32 verdict;
	bool verdict_set;
};

static void ph_nl_fill_reply(struct sk_buff *skb, void *arg)
{
	struct ph_nl_answer *a = arg;
	struct nlattr *nest;

	nla_put_uint(skb, KTLS_PH_A_EVENT_ID, a->id);
	nla_put_uint(skb, KTLS_PH_A_EVENT_COOKIE, a->cookie);
	nest = nla_nest_start(skb, KTLS_PH_A_EVENT_PHA);
	if (a->decline)
		nla_put_flag(skb, KTLS_PH_A_PHA_DECLINE);
	if (a->verdict_set)
		nla_put_u32(skb, KTLS_PH_A_PHA_VERDICT, a->verdict);
	nla_nest_end(skb, nest);
}

/* Pop one event through netlink; return its pha nest's attributes. */
static void ph_nl_pop(struct kunit *test, struct ph_nl *nl, u32 type,
		      struct ph_nl_answer *ans, const struct nlattr **pha)
{
	const struct nlattr *tb[KTLS_PH_A_EVENT_MAX + 1];

	KUNIT_ASSERT_EQ(test, 0, ph_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_POP,
					   NULL, NULL));
	ph_nl_reply(test, nl, tb, KTLS_PH_A_EVENT_MAX);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_TYPE]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_EVENT_TYPE]), type);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_ID]);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_COOKIE]);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_EVENT_PHA]);
	ans->id = nla_get_uint(tb[KTLS_PH_A_EVENT_ID]);
	ans->cookie = nla_get_uint(tb[KTLS_PH_A_EVENT_COOKIE]);
	ph_nl_attrs(nla_data(tb[KTLS_PH_A_EVENT_PHA]),
		    nla_len(tb[KTLS_PH_A_EVENT_PHA]), pha, KTLS_PH_A_PHA_MAX);
}

/*
 * The whole protocol through a real generic netlink socket: helper
 * registration, event-pop with the pha nest, event-reply (decline on a
 * client, a verdict on a server), ENOENT for a second reply, pha-done.
 */
static void ph_netlink(struct kunit *test)
{
	struct ph_ctx *c = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, false,
				  true);
	struct ph_ctx *s = ph_new(test, KTLS_PH_TLS_AES_128_GCM_SHA256, true,
				  true);
	const struct nlattr *pha[KTLS_PH_A_PHA_MAX + 1];
	const struct nlattr *tb[KTLS_PH_A_SOCK_MAX + 1];
	struct ph_nl *nl = ph_nl_open(test);
	struct ph_nl_answer ans = {};
	struct ktls_ph_sock *ph;
	u8 cr[512];
	int cr_len;

	KUNIT_ASSERT_EQ(test, 0, ph_nl_cmd(test, nl,
					   KTLS_PH_CMD_HELPER_REGISTER,
					   NULL, NULL));
	/* client: the request goes up, the decline comes down */
	cr_len = ph_send_cr(test, &c->lb->s, ph_ctx2, sizeof(ph_ctx2), cr);
	ph_data(test, &c->lb->s, &c->lb->c, 1);
	ph_nl_pop(test, nl, KTLS_PH_EVENT_TYPE_CERT_REQUEST, &ans, pha);
	KUNIT_ASSERT_NOT_NULL(test, pha[KTLS_PH_A_PHA_TRANSCRIPT]);
	KUNIT_ASSERT_EQ(test, nla_len(pha[KTLS_PH_A_PHA_TRANSCRIPT]),
			(int)c->transcript_len);
	KUNIT_EXPECT_MEMEQ(test, nla_data(pha[KTLS_PH_A_PHA_TRANSCRIPT]),
			   c->transcript, c->transcript_len);
	KUNIT_ASSERT_NOT_NULL(test, pha[KTLS_PH_A_PHA_REQUEST]);
	KUNIT_ASSERT_EQ(test, nla_len(pha[KTLS_PH_A_PHA_REQUEST]), cr_len);
	KUNIT_EXPECT_MEMEQ(test, nla_data(pha[KTLS_PH_A_PHA_REQUEST]), cr,
			   cr_len);
	KUNIT_EXPECT_NULL(test, pha[KTLS_PH_A_PHA_CERTIFICATE]);
	ans.decline = true;
	KUNIT_EXPECT_EQ(test, 0, ph_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_REPLY,
					   ph_nl_fill_reply, &ans));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			ph_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_REPLY,
				  ph_nl_fill_reply, &ans));
	ph_expect_decline(test, c, cr, cr_len, ph_ctx2, sizeof(ph_ctx2));

	/* server: a declining client, the helper accepts it */
	ph = ph_sock(test, &s->lb->s);
	cr_len = ph_srv_request(test, s, cr);
	ph_srv_answer(test, s, cr, cr_len, true, false, false);
	ph_data(test, &s->lb->c, &s->lb->s, 2);
	memset(&ans, 0, sizeof(ans));
	ph_nl_pop(test, nl, KTLS_PH_EVENT_TYPE_CLIENT_CERT, &ans, pha);
	KUNIT_ASSERT_NOT_NULL(test, pha[KTLS_PH_A_PHA_CERTIFICATE]);
	KUNIT_EXPECT_EQ(test, nla_len(pha[KTLS_PH_A_PHA_CERTIFICATE]),
			8 + KTLS_PH_PHA_SRV_CTX_LEN);
	KUNIT_EXPECT_NULL(test, pha[KTLS_PH_A_PHA_CERTIFICATE_VERIFY]);
	KUNIT_EXPECT_EQ(test, ans.cookie, ph->cookie);
	/* no verdict: refused, still awaited */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ph_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_REPLY,
				  ph_nl_fill_reply, &ans));
	ans.verdict_set = true;
	ans.verdict = KTLS_PH_PHA_VERDICT_NO_CERTIFICATE;
	KUNIT_EXPECT_EQ(test, 0, ph_nl_cmd(test, nl, KTLS_PH_CMD_EVENT_REPLY,
					   ph_nl_fill_reply, &ans));
	ph_nl_done(test, nl, tb);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_SOCK_COOKIE]);
	KUNIT_EXPECT_EQ(test, nla_get_uint(tb[KTLS_PH_A_SOCK_COOKIE]),
			ph->cookie);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_SOCK_PHA_VERDICT]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[KTLS_PH_A_SOCK_PHA_VERDICT]),
			KTLS_PH_PHA_VERDICT_NO_CERTIFICATE);
	KUNIT_ASSERT_NOT_NULL(test, tb[KTLS_PH_A_SOCK_PHA_ALERT]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[KTLS_PH_A_SOCK_PHA_ALERT]), 0);
	KUNIT_EXPECT_EQ(test, ph_stat(&s->lb->s, KTLS_PH_SS_PHA_DECLINED), 1);
	KUNIT_EXPECT_NULL(test, ph->pha.peer_cert);
	ph_data(test, &s->lb->c, &s->lb->s, 3);
}

static struct kunit_case ktls_ph_pha_cases[] = {
	KUNIT_CASE(ph_client_answer),
	KUNIT_CASE(ph_client_answer_after_ku),
	KUNIT_CASE(ph_client_no_helper),
	KUNIT_CASE(ph_client_timeout),
	KUNIT_CASE(ph_client_two),
	KUNIT_CASE(ph_client_not_offered),
	KUNIT_CASE(ph_client_bad_reply),
	KUNIT_CASE(ph_client_detach_pending),
	KUNIT_CASE(ph_srv_ok),
	KUNIT_CASE(ph_srv_bad_finished),
	KUNIT_CASE(ph_srv_unrequested),
	KUNIT_CASE(ph_srv_data_between),
	KUNIT_CASE(ph_srv_rejected),
	KUNIT_CASE(ph_srv_request_errors),
	KUNIT_CASE(ph_attach_transcript),
	KUNIT_CASE(ph_netlink),
	{}
};

static struct kunit_suite ktls_ph_pha_suite = {
	.name = "ktls_ph_pha",
	.test_cases = ktls_ph_pha_cases,
};

kunit_test_suites(&ktls_ph_pha_suite);
