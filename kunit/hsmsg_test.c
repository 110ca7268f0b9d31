// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: handshake message framing and KeyUpdate parsing, valid and
 * malformed forms.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "hsmsg.h"

static void hs_next_complete(struct kunit *test)
{
	static const u8 buf[] = { 24, 0, 0, 1, 0, 4, 0, 0, 2, 0xaa, 0xbb };
	struct ktls_ph_hs_msg m;

	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, sizeof(buf), &m), 5);
	KUNIT_EXPECT_EQ(test, m.type, KTLS_PH_HS_KEY_UPDATE);
	KUNIT_EXPECT_EQ(test, m.len, 1);
	KUNIT_EXPECT_PTR_EQ(test, m.body, &buf[4]);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf + 5, sizeof(buf) - 5, &m), 6);
	KUNIT_EXPECT_EQ(test, m.type, KTLS_PH_HS_NEW_SESSION_TICKET);
	KUNIT_EXPECT_EQ(test, m.len, 2);
	KUNIT_EXPECT_EQ(test, m.body[1], 0xbb);
}

static void hs_next_partial(struct kunit *test)
{
	static const u8 buf[] = { 4, 0, 1, 0, 1, 2, 3 };
	struct ktls_ph_hs_msg m;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_hs_next(buf, i, &m),
				KTLS_PH_HS_NEED_MORE);
}

static void hs_next_too_long(struct kunit *test)
{
	static const u8 huge[] = { 4, 0xff, 0xff, 0xff };
	static const u8 limit[] = { 4, 0x00, 0xff, 0xfd };	/* 65533 */
	struct ktls_ph_hs_msg m;

	KUNIT_EXPECT_EQ(test, ktls_ph_hs_next(huge, sizeof(huge), &m),
			KTLS_PH_HS_TOO_LONG);
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_next(limit, sizeof(limit), &m),
			KTLS_PH_HS_TOO_LONG);
}

static void hs_next_max_ok(struct kunit *test)
{
	u32 body = KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN;
	struct ktls_ph_hs_msg m;
	u8 *buf;

	buf = kunit_kzalloc(test, KTLS_PH_HS_MAX_MSG, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = KTLS_PH_HS_NEW_SESSION_TICKET;
	buf[1] = (body >> 16) & 0xff;
	buf[2] = (body >> 8) & 0xff;
	buf[3] = body & 0xff;
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_next(buf, KTLS_PH_HS_MAX_MSG, &m),
			KTLS_PH_HS_MAX_MSG);
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_next(buf, KTLS_PH_HS_MAX_MSG - 1, &m),
			KTLS_PH_HS_NEED_MORE);
}

struct ku_case {
	const char *name;
	u8 body[3];
	u32 len;
	int err;
	int req;
};

static const struct ku_case ku_cases[] = {
	{ "not_requested", { 0 }, 1, 0, 0 },
	{ "requested", { 1 }, 1, 0, 1 },
	{ "empty_body", { 0 }, 0, -EBADMSG, -1 },
	{ "two_bytes", { 0, 0 }, 2, -EBADMSG, -1 },
	{ "three_bytes", { 1, 1, 1 }, 3, -EBADMSG, -1 },
	{ "value_2", { 2 }, 1, -EINVAL, -1 },
	{ "value_255", { 255 }, 1, -EINVAL, -1 },
};

static void ku_case_desc(const struct ku_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ku, ku_cases, ku_case_desc);

static void keyupdate_parse(struct kunit *test)
{
	const struct ku_case *c = test->param_value;
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_KEY_UPDATE, .body = c->body, .len = c->len,
	};
	int req = -1;

	KUNIT_EXPECT_EQ(test, ktls_ph_keyupdate_parse(&m, &req), c->err);
	KUNIT_EXPECT_EQ(test, req, c->req);
}

/* What ktls_ph_hs_feed() reported, for the feed tests */
struct feed_log {
	int n;
	u8 type[8];
	u32 len[8];
	bool last[8];
};

static int feed_fn(void *arg, const struct ktls_ph_hs_msg *m, bool last)
{
	struct feed_log *log = arg;

	if (log->n == ARRAY_SIZE(log->type))
		return -E2BIG;
	log->type[log->n] = m->type;
	log->len[log->n] = m->len;
	log->last[log->n] = last;
	log->n++;
	return 0;
}

/* One KeyUpdate cut at every possible point, then a ticket */
static void feed_split_everywhere(struct kunit *test)
{
	static const u8 msgs[] = { 24, 0, 0, 1, 1, 4, 0, 0, 2, 0xaa, 0xbb };
	size_t cut;

	for (cut = 1; cut < sizeof(msgs); cut++) {
		struct ktls_ph_hs_reasm r = {};
		struct feed_log log = {};

		KUNIT_ASSERT_EQ(test, 0, ktls_ph_hs_feed(&r, msgs, cut,
							 feed_fn, &log));
		KUNIT_ASSERT_EQ(test, 0, ktls_ph_hs_feed(&r, msgs + cut,
							 sizeof(msgs) - cut,
							 feed_fn, &log));
		KUNIT_EXPECT_EQ(test, log.n, 2);
		KUNIT_EXPECT_EQ(test, log.type[0], KTLS_PH_HS_KEY_UPDATE);
		KUNIT_EXPECT_EQ(test, log.len[0], 1);
		/* the KeyUpdate ends a record only when cut right after it */
		KUNIT_EXPECT_EQ(test, log.last[0], cut == 5);
		KUNIT_EXPECT_EQ(test, log.type[1], KTLS_PH_HS_NEW_SESSION_TICKET);
		KUNIT_EXPECT_TRUE(test, log.last[1]);
		KUNIT_EXPECT_EQ(test, r.len, 0);
		kfree(r.buf);
	}
}

/*
 * The largest message (64 KiB) arriving in 16000-byte records, the last of
 * which also starts the next message: accepted.
 */
static void feed_max_message(struct kunit *test)
{
	const size_t total = KTLS_PH_HS_MAX_MSG + 3;
	struct ktls_ph_hs_reasm r = {};
	struct feed_log log = {};
	size_t off, n;
	u8 *buf;

	buf = kunit_kzalloc(test, total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = KTLS_PH_HS_NEW_SESSION_TICKET;
	buf[1] = 0x00;
	buf[2] = 0xff;
	buf[3] = 0xfc;		/* 65532 + 4 = 65536 */
	buf[KTLS_PH_HS_MAX_MSG] = KTLS_PH_HS_KEY_UPDATE;
	for (off = 0; off < total; off += n) {
		n = min_t(size_t, 16000, total - off);
		KUNIT_ASSERT_EQ(test, 0, ktls_ph_hs_feed(&r, buf + off, n,
							 feed_fn, &log));
	}
	KUNIT_EXPECT_EQ(test, log.n, 1);
	KUNIT_EXPECT_EQ(test, log.len[0], KTLS_PH_HS_MAX_MSG - 4);
	KUNIT_EXPECT_FALSE(test, log.last[0]);
	KUNIT_EXPECT_EQ(test, r.len, 3);	/* the next message's start */
	kfree(r.buf);
}

static void feed_errors(struct kunit *test)
{
	static const u8 too_long[] = { 4, 0x01, 0x00, 0x00 };
	struct ktls_ph_hs_reasm r = {};
	struct feed_log log = {};

	KUNIT_EXPECT_EQ(test, ktls_ph_hs_feed(&r, too_long, 0, feed_fn, &log),
			-ENODATA);
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_feed(&r, too_long, sizeof(too_long),
					      feed_fn, &log), -EBADMSG);
	/* the same declared length, its header split over two records */
	r.len = 0;
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_feed(&r, too_long, 2, feed_fn, &log),
			0);
	KUNIT_EXPECT_EQ(test, ktls_ph_hs_feed(&r, too_long + 2, 2, feed_fn,
					      &log), -EBADMSG);
	KUNIT_EXPECT_EQ(test, log.n, 0);
	kfree(r.buf);
}

static struct kunit_case ktls_ph_hsmsg_cases[] = {
	KUNIT_CASE(hs_next_complete),
	KUNIT_CASE(hs_next_partial),
	KUNIT_CASE(hs_next_too_long),
	KUNIT_CASE(hs_next_max_ok),
	KUNIT_CASE_PARAM(keyupdate_parse, ku_gen_params),
	KUNIT_CASE(feed_split_everywhere),
	KUNIT_CASE(feed_max_message),
	KUNIT_CASE(feed_errors),
	{}
};

static struct kunit_suite ktls_ph_hsmsg_suite = {
	.name = "ktls_ph_hsmsg",
	.test_cases = ktls_ph_hsmsg_cases,
};

kunit_test_suites(&ktls_ph_hsmsg_suite);
