// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: handshake message framing and KeyUpdate parsing, valid and
 * malformed forms.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

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

static struct kunit_case ktls_ph_hsmsg_cases[] = {
	KUNIT_CASE(hs_next_complete),
	KUNIT_CASE(hs_next_partial),
	KUNIT_CASE(hs_next_too_long),
	KUNIT_CASE(hs_next_max_ok),
	KUNIT_CASE_PARAM(keyupdate_parse, ku_gen_params),
	{}
};

static struct kunit_suite ktls_ph_hsmsg_suite = {
	.name = "ktls_ph_hsmsg",
	.test_cases = ktls_ph_hsmsg_cases,
};

kunit_test_suites(&ktls_ph_hsmsg_suite);
