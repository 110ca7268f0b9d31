// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the messages of post-handshake client authentication (RFC 8446
 * 4.6.2): CertificateRequest parsing (valid and each malformed form), the
 * builders through the parsers, the client's Certificate, CertificateVerify
 * and Finished as the server parses them, and RFC 8448's client Finished
 * computed from its client handshake traffic secret.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "keysched.h"
#include "pha_msg.h"

#define DECODE	KTLS_PH_ALERT_DECODE_ERROR
#define ILLEGAL	KTLS_PH_ALERT_ILLEGAL_PARAMETER
#define MISSING	KTLS_PH_ALERT_MISSING_EXTENSION
#define DECRYPT	KTLS_PH_ALERT_DECRYPT_ERROR

/*
 * RFC 8448 section 3 ("Simple 1-RTT Handshake"), the client's Finished:
 * {client} derive secret "tls13 c hs traffic", expanded
 */
static const u8 rfc8448_c_hs_traffic[32] = {
	0xb3, 0xed, 0xdb, 0x12, 0x6e, 0x06, 0x7f, 0x35, 0xa7, 0x80, 0xb3, 0xab,
	0xf4, 0x5e, 0x2d, 0x8f, 0x3b, 0x1a, 0x95, 0x07, 0x38, 0xf5, 0x2e, 0x96,
	0x00, 0x74, 0x6a, 0x0e, 0x27, 0xa5, 0x5a, 0x21,
};

/*
 * Transcript-Hash(ClientHello .. server Finished): the hash of {server}
 * derive secret "tls13 c ap traffic" (the same transcript)
 */
static const u8 rfc8448_c_finished_hash[32] = {
	0x96, 0x08, 0x10, 0x2a, 0x0f, 0x1c, 0xcc, 0x6d, 0xb6, 0x25, 0x0b, 0x7b,
	0x7e, 0x41, 0x7b, 0x1a, 0x00, 0x0e, 0xaa, 0xda, 0x3d, 0xaa, 0xe4, 0x77,
	0x7a, 0x76, 0x86, 0xc9, 0xff, 0x83, 0xdf, 0x13,
};

/* {client} calculate finished "tls13 finished", expanded */
static const u8 rfc8448_c_finished_key[32] = {
	0xb8, 0x0a, 0xd0, 0x10, 0x15, 0xfb, 0x2f, 0x0b, 0xd6, 0x5f, 0xf7, 0xd4,
	0xda, 0x5d, 0x6b, 0xf8, 0x3f, 0x84, 0x82, 0x1d, 0x1f, 0x87, 0xfd, 0xc7,
	0xd3, 0xc7, 0x5b, 0x5a, 0x7b, 0x42, 0xd9, 0xc4,
};

/* {client} construct a Finished handshake message */
static const u8 rfc8448_c_finished[36] = {
	0x14, 0x00, 0x00, 0x20, 0xa8, 0xec, 0x43, 0x6d, 0x67, 0x76, 0x34, 0xae,
	0x52, 0x5a, 0xc1, 0xfc, 0xeb, 0xe1, 0x1a, 0x03, 0x9e, 0xc1, 0x76, 0x94,
	0xfa, 0xc6, 0xe9, 0x85, 0x27, 0xb6, 0x42, 0xf2, 0xed, 0xd5, 0xce, 0x61,
};

/* {server} construct a CertificateVerify handshake message (rsa_pss_rsae_sha256) */
static const u8 rfc8448_s_cert_verify[136] = {
	0x0f, 0x00, 0x00, 0x84, 0x08, 0x04, 0x00, 0x80, 0x5a, 0x74, 0x7c, 0x5d,
	0x88, 0xfa, 0x9b, 0xd2, 0xe5, 0x5a, 0xb0, 0x85, 0xa6, 0x10, 0x15, 0xb7,
	0x21, 0x1f, 0x82, 0x4c, 0xd4, 0x84, 0x14, 0x5a, 0xb3, 0xff, 0x52, 0xf1,
	0xfd, 0xa8, 0x47, 0x7b, 0x0b, 0x7a, 0xbc, 0x90, 0xdb, 0x78, 0xe2, 0xd3,
	0x3a, 0x5c, 0x14, 0x1a, 0x07, 0x86, 0x53, 0xfa, 0x6b, 0xef, 0x78, 0x0c,
	0x5e, 0xa2, 0x48, 0xee, 0xaa, 0xa7, 0x85, 0xc4, 0xf3, 0x94, 0xca, 0xb6,
	0xd3, 0x0b, 0xbe, 0x8d, 0x48, 0x59, 0xee, 0x51, 0x1f, 0x60, 0x29, 0x57,
	0xb1, 0x54, 0x11, 0xac, 0x02, 0x76, 0x71, 0x45, 0x9e, 0x46, 0x44, 0x5c,
	0x9e, 0xa5, 0x8c, 0x18, 0x1e, 0x81, 0x8e, 0x95, 0xb8, 0xc3, 0xfb, 0x0b,
	0xf3, 0x27, 0x84, 0x09, 0xd3, 0xbe, 0x15, 0x2a, 0x3d, 0xa5, 0x04, 0x3e,
	0x06, 0x3d, 0xda, 0x65, 0xcd, 0xf5, 0xae, 0xa2, 0x0d, 0x53, 0xdf, 0xac,
	0xd4, 0x2f, 0x74, 0xf3,
};

/* ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ed25519 */
static const u8 sigalgs[6] = { 0x04, 0x03, 0x08, 0x04, 0x08, 0x07 };

static int certreq(const u8 *body, u32 len, struct ktls_ph_certreq *cr)
{
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_CERTIFICATE_REQUEST, .body = body, .len = len,
	};

	return ktls_ph_certreq_parse(&m, cr);
}

/* An exact-size copy, so that KASAN sees a read past the body */
static u8 *copy(struct kunit *test, const u8 *body, u32 len)
{
	u8 *p = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, body, len);
	return p;
}

/* What every accepted request satisfies */
static void expect_inside(struct kunit *test, const struct ktls_ph_certreq *cr,
			  const u8 *body, u32 len)
{
	KUNIT_EXPECT_PTR_EQ(test, cr->ctx, body + 1);
	KUNIT_EXPECT_PTR_EQ(test, cr->ext, cr->ctx + cr->ctx_len + 2);
	KUNIT_EXPECT_PTR_EQ(test, cr->ext + cr->ext_len, body + len);
	KUNIT_EXPECT_TRUE(test, cr->sigalgs > cr->ext);
	KUNIT_EXPECT_TRUE(test, cr->sigalgs + cr->sigalgs_len <= body + len);
	KUNIT_EXPECT_GE(test, cr->sigalgs_len, 2);
	KUNIT_EXPECT_EQ(test, cr->sigalgs_len % 2, 0);
}

static void certreq_minimal(struct kunit *test)
{
	static const u8 body[] = {
		0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03,
	};
	struct ktls_ph_certreq cr;
	u8 *b = copy(test, body, sizeof(body));

	KUNIT_ASSERT_EQ(test, certreq(b, sizeof(body), &cr), 0);
	expect_inside(test, &cr, b, sizeof(body));
	KUNIT_EXPECT_EQ(test, cr.ctx_len, 0);
	KUNIT_EXPECT_EQ(test, cr.ext_len, 8);
	KUNIT_EXPECT_PTR_EQ(test, cr.sigalgs, b + 9);
	KUNIT_EXPECT_EQ(test, cr.sigalgs_len, 2);
	KUNIT_EXPECT_FALSE(test, cr.has_compress_cert);
	KUNIT_EXPECT_FALSE(test, cr.has_cert_authorities);
	KUNIT_EXPECT_TRUE(test, ktls_ph_sigalg_offered(cr.sigalgs,
						       cr.sigalgs_len, 0x0403));
	KUNIT_EXPECT_FALSE(test, ktls_ph_sigalg_offered(cr.sigalgs,
							cr.sigalgs_len, 0x0804));
}

static void certreq_context(struct kunit *test)
{
	static const u8 body[] = {
		0x04, 0xc0, 0xff, 0xee, 0x01,
		0x00, 0x0c, 0x00, 0x0d, 0x00, 0x08, 0x00, 0x06,
		0x04, 0x03, 0x08, 0x04, 0x08, 0x07,
	};
	struct ktls_ph_certreq cr;
	u8 *b = copy(test, body, sizeof(body));

	KUNIT_ASSERT_EQ(test, certreq(b, sizeof(body), &cr), 0);
	expect_inside(test, &cr, b, sizeof(body));
	KUNIT_EXPECT_EQ(test, cr.ctx_len, 4);
	KUNIT_EXPECT_MEMEQ(test, cr.ctx, body + 1, 4);
	KUNIT_EXPECT_EQ(test, cr.sigalgs_len, 6);
	KUNIT_EXPECT_MEMEQ(test, cr.sigalgs, sigalgs, 6);
	KUNIT_EXPECT_TRUE(test, ktls_ph_sigalg_offered(cr.sigalgs,
						       cr.sigalgs_len, 0x0807));
	KUNIT_EXPECT_FALSE(test, ktls_ph_sigalg_offered(cr.sigalgs,
							cr.sigalgs_len, 0x0408));
}

/* compress_certificate and certificate_authorities, sigalgs between them */
static void certreq_compress_ca(struct kunit *test)
{
	static const u8 body[] = {
		0x01, 0x2a,
		0x00, 0x1a,
		0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x01,
		0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x08, 0x04,
		0x00, 0x2f, 0x00, 0x07, 0x00, 0x05, 0x00, 0x03, 0x30, 0x01,
		0x00,
	};
	struct ktls_ph_certreq cr;
	u8 *b = copy(test, body, sizeof(body));

	KUNIT_ASSERT_EQ(test, certreq(b, sizeof(body), &cr), 0);
	expect_inside(test, &cr, b, sizeof(body));
	KUNIT_EXPECT_EQ(test, cr.ctx_len, 1);
	KUNIT_EXPECT_PTR_EQ(test, cr.sigalgs, b + 17);
	KUNIT_EXPECT_EQ(test, cr.sigalgs_len, 2);
	KUNIT_EXPECT_TRUE(test, cr.has_compress_cert);
	KUNIT_EXPECT_TRUE(test, cr.has_cert_authorities);
}

/* Unknown types (GREASE, oid_filters, a high type) skipped and kept */
static void certreq_unknown_ext(struct kunit *test)
{
	static const u8 body[] = {
		0x00,
		0x00, 0x18,
		0x0a, 0x0a, 0x00, 0x00,
		0x00, 0x30, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x08, 0x07,
		0xff, 0x01, 0x00, 0x02, 0x00, 0x0d,
	};
	struct ktls_ph_certreq cr;
	u8 *b = copy(test, body, sizeof(body));

	KUNIT_ASSERT_EQ(test, certreq(b, sizeof(body), &cr), 0);
	expect_inside(test, &cr, b, sizeof(body));
	KUNIT_EXPECT_EQ(test, cr.ext_len, 24);
	KUNIT_EXPECT_PTR_EQ(test, cr.sigalgs, b + 19);
	KUNIT_EXPECT_FALSE(test, cr.has_compress_cert);
	KUNIT_EXPECT_FALSE(test, cr.has_cert_authorities);
}

static void certreq_wrong_type(struct kunit *test)
{
	static const u8 body[] = {
		0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03,
	};
	static const u8 types[] = {
		KTLS_PH_HS_NEW_SESSION_TICKET, KTLS_PH_HS_CERTIFICATE,
		KTLS_PH_HS_CERTIFICATE_VERIFY, KTLS_PH_HS_FINISHED,
		KTLS_PH_HS_KEY_UPDATE,
	};
	struct ktls_ph_hs_msg m = { .body = body, .len = sizeof(body) };
	struct ktls_ph_certreq cr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		m.type = types[i];
		KUNIT_EXPECT_EQ(test, ktls_ph_certreq_parse(&m, &cr), DECODE);
	}
}

struct pha_case {
	const char *name;
	u8 body[40];
	u32 len;
	int err;
};

static const struct pha_case certreq_cases[] = {
	{ "minimal", { 0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02,
		0x04, 0x03 }, 11, 0 },
	/* the context and the block's length */
	{ "empty_body", { 0 }, 0, DECODE },
	{ "context_overrun", { 0x05, 0x01, 0x02 }, 3, DECODE },
	{ "context_eats_ext_length", { 0x0a, 0x00, 0x08, 0x00, 0x0d, 0x00,
		0x04, 0x00, 0x02, 0x04, 0x03 }, 11, DECODE },
	{ "no_ext_length", { 0x01, 0xaa }, 2, DECODE },
	{ "cut_in_ext_length", { 0x00, 0x00 }, 2, DECODE },
	{ "ext_length_0", { 0x00, 0x00, 0x00 }, 3, DECODE },
	{ "ext_length_short", { 0x00, 0x00, 0x04, 0x00, 0x0d, 0x00, 0x04,
		0x00, 0x02, 0x04, 0x03 }, 11, DECODE },
	{ "ext_length_long", { 0x00, 0x00, 0x09, 0x00, 0x0d, 0x00, 0x04, 0x00,
		0x02, 0x04, 0x03 }, 11, DECODE },
	{ "trailing_byte", { 0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00,
		0x02, 0x04, 0x03, 0x00 }, 12, DECODE },
	/* extensions against the block */
	{ "ext_overrun", { 0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x05, 0x00,
		0x02, 0x04, 0x03 }, 11, DECODE },
	{ "cut_in_ext_header", { 0x00, 0x00, 0x0a, 0x00, 0x0d, 0x00, 0x04,
		0x00, 0x02, 0x04, 0x03, 0x00, 0x2f }, 13, DECODE },
	{ "last_ext_overrun", { 0x00, 0x00, 0x0c, 0x00, 0x0d, 0x00, 0x04, 0x00,
		0x02, 0x04, 0x03, 0xfa, 0xfa, 0x00, 0x01 }, 15, DECODE },
	/* signature_algorithms */
	{ "no_sigalgs", { 0x00, 0x00, 0x04, 0x00, 0x1b, 0x00, 0x00 }, 7,
		MISSING },
	{ "only_sigalgs_cert", { 0x00, 0x00, 0x08, 0x00, 0x32, 0x00, 0x04,
		0x00, 0x02, 0x04, 0x03 }, 11, MISSING },
	{ "sigalgs_odd", { 0x00, 0x00, 0x09, 0x00, 0x0d, 0x00, 0x05, 0x00,
		0x03, 0x04, 0x03, 0x05 }, 12, DECODE },
	{ "sigalgs_empty_list", { 0x00, 0x00, 0x06, 0x00, 0x0d, 0x00, 0x02,
		0x00, 0x00 }, 9, DECODE },
	{ "sigalgs_list_short", { 0x00, 0x00, 0x0a, 0x00, 0x0d, 0x00, 0x06,
		0x00, 0x02, 0x04, 0x03, 0x08, 0x04 }, 13, DECODE },
	{ "sigalgs_list_long", { 0x00, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x04,
		0x00, 0x04, 0x04, 0x03 }, 11, DECODE },
	{ "sigalgs_data_1", { 0x00, 0x00, 0x05, 0x00, 0x0d, 0x00, 0x01,
		0x00 }, 8, DECODE },
	{ "sigalgs_data_0", { 0x00, 0x00, 0x04, 0x00, 0x0d, 0x00, 0x00 }, 7,
		DECODE },
	/* repeated types; decode_error wins, then illegal_parameter */
	{ "dup_sigalgs", { 0x00, 0x00, 0x10, 0x00, 0x0d, 0x00, 0x04, 0x00,
		0x02, 0x04, 0x03, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x08,
		0x04 }, 19, ILLEGAL },
	{ "dup_unknown", { 0x00, 0x00, 0x10, 0x00, 0x99, 0x00, 0x00, 0x00,
		0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03, 0x00, 0x99, 0x00,
		0x00 }, 19, ILLEGAL },
	{ "dup_high_window", { 0x00, 0x00, 0x10, 0xfa, 0xfa, 0x00, 0x00, 0x00,
		0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03, 0xfa, 0xfa, 0x00,
		0x00 }, 19, ILLEGAL },
	{ "dup_without_sigalgs", { 0x00, 0x00, 0x08, 0x00, 0x2f, 0x00, 0x00,
		0x00, 0x2f, 0x00, 0x00 }, 11, ILLEGAL },
	{ "dup_then_overrun", { 0x00, 0x00, 0x11, 0x00, 0x2f, 0x00, 0x00,
		0x00, 0x2f, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02,
		0x04, 0x03, 0x00 }, 20, DECODE },
	{ "dup_and_bad_sigalgs", { 0x00, 0x00, 0x0e, 0x00, 0x2f, 0x00, 0x00,
		0x00, 0x2f, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x00, 0x00 },
		17, DECODE },
};

static void pha_case_desc(const struct pha_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(certreq, certreq_cases, pha_case_desc);

/* Each form: the expected result; on failure the output is untouched */
static void certreq_forms(struct kunit *test)
{
	const struct pha_case *c = test->param_value;
	struct ktls_ph_certreq cr, before;
	u8 *body = copy(test, c->body, c->len);

	memset(&cr, 0xa5, sizeof(cr));
	memset(&before, 0xa5, sizeof(before));
	KUNIT_ASSERT_EQ(test, certreq(body, c->len, &cr), c->err);
	if (c->err)
		KUNIT_EXPECT_MEMEQ(test, &cr, &before, sizeof(cr));
	else
		expect_inside(test, &cr, body, c->len);
}

/* Many extensions: one in each window, a repeat in the last */
static void certreq_every_window(struct kunit *test)
{
	u32 len = 3 + 8 + 16 * 4, i;
	struct ktls_ph_certreq cr;
	u8 *b = kunit_kzalloc(test, len, GFP_KERNEL), *p;

	KUNIT_ASSERT_NOT_NULL(test, b);
	b[2] = len - 3;
	memcpy(b + 3, "\x00\x0d\x00\x04\x00\x02\x04\x03", 8);
	for (i = 0, p = b + 11; i < 16; i++, p += 4)
		p[0] = i << 4 | 1;	/* types 0x0100 .. 0xf100, empty */
	KUNIT_ASSERT_EQ(test, certreq(b, len, &cr), 0);
	p[-4] = 0x01;			/* the last is 0x0100 again */
	KUNIT_EXPECT_EQ(test, certreq(b, len, &cr), ILLEGAL);
	p[-4] = 0xe1;			/* 0xe100 again */
	KUNIT_EXPECT_EQ(test, certreq(b, len, &cr), ILLEGAL);
}

/* The builder through ktls_ph_hs_next() and the parser, and its errors */
static void certreq_build(struct kunit *test)
{
	static const u8 expect[] = {
		0x0d, 0x00, 0x00, 0x11, 0x02, 0xab, 0xcd, 0x00, 0x0c,
		0x00, 0x0d, 0x00, 0x08, 0x00, 0x06,
		0x04, 0x03, 0x08, 0x04, 0x08, 0x07,
	};
	u8 ctx[255], buf[300];
	struct ktls_ph_certreq cr;
	struct ktls_ph_hs_msg m;
	int n, i;

	n = ktls_ph_certreq_build(buf, sizeof(buf), expect + 5, 2, sigalgs, 6);
	KUNIT_ASSERT_EQ(test, n, (int)sizeof(expect));
	KUNIT_EXPECT_MEMEQ(test, buf, expect, sizeof(expect));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_certreq_build(buf, i, expect + 5,
							    2, sigalgs, 6),
				-ENOSPC);

	memset(ctx, 0x5c, sizeof(ctx));
	n = ktls_ph_certreq_build(buf, sizeof(buf), ctx, 255, sigalgs, 6);
	KUNIT_ASSERT_EQ(test, n, 4 + 1 + 255 + 2 + 12);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_EXPECT_EQ(test, m.type, KTLS_PH_HS_CERTIFICATE_REQUEST);
	KUNIT_ASSERT_EQ(test, ktls_ph_certreq_parse(&m, &cr), 0);
	KUNIT_EXPECT_EQ(test, cr.ctx_len, 255);
	KUNIT_EXPECT_MEMEQ(test, cr.ctx, ctx, 255);
	KUNIT_EXPECT_MEMEQ(test, cr.sigalgs, sigalgs, 6);
	KUNIT_EXPECT_EQ(test, cr.sigalgs_len, 6);

	KUNIT_EXPECT_EQ(test, ktls_ph_certreq_build(buf, sizeof(buf), ctx, 256,
						    sigalgs, 6), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_certreq_build(buf, sizeof(buf), ctx, 2,
						    sigalgs, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_certreq_build(buf, sizeof(buf), ctx, 2,
						    sigalgs, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_certreq_build(buf, sizeof(buf), NULL, 2,
						    sigalgs, 6), -EINVAL);
}

/* The empty Certificate of a client that declines */
static void cert_build_empty(struct kunit *test)
{
	static const u8 expect[] = {
		0x0b, 0x00, 0x00, 0x08, 0x04, 0xc0, 0xff, 0xee, 0x01,
		0x00, 0x00, 0x00,
	};
	static const u8 expect0[] = {
		0x0b, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	struct ktls_ph_client_cert cert;
	struct ktls_ph_hs_msg m;
	u8 buf[16], ctx[255];
	int n, i;

	n = ktls_ph_cert_build_empty(buf, sizeof(buf), expect + 5, 4);
	KUNIT_ASSERT_EQ(test, n, (int)sizeof(expect));
	KUNIT_EXPECT_MEMEQ(test, buf, expect, sizeof(expect));
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_ASSERT_EQ(test, ktls_ph_client_cert_parse(&m, expect + 5, 4,
							&cert), 0);
	KUNIT_EXPECT_EQ(test, cert.nr_certs, 0);
	KUNIT_EXPECT_EQ(test, cert.list_len, 0);
	KUNIT_EXPECT_NULL(test, cert.leaf);
	/* another request's context */
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, expect + 4, 4,
							&cert), ILLEGAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, expect + 5, 3,
							&cert), ILLEGAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, NULL, 0, &cert),
			ILLEGAL);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_cert_build_empty(buf, i,
							       expect + 5, 4),
				-ENOSPC);

	n = ktls_ph_cert_build_empty(buf, sizeof(buf), NULL, 0);
	KUNIT_ASSERT_EQ(test, n, (int)sizeof(expect0));
	KUNIT_EXPECT_MEMEQ(test, buf, expect0, sizeof(expect0));
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, NULL, 0, &cert), 0);

	memset(ctx, 0, sizeof(ctx));
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_build_empty(buf, sizeof(buf), ctx,
						       256), -EINVAL);
}

/* Two entries, the first with an extension */
static const u8 cert_list[] = {
	0x00, 0x00, 0x03, 0x30, 0x01, 0x00,
	0x00, 0x06, 0x00, 0x05, 0x00, 0x02, 0x01, 0x02,
	0x00, 0x00, 0x02, 0x30, 0x00,
	0x00, 0x00,
};

static void cert_build_list(struct kunit *test)
{
	static const u8 ctx[] = { 0x11, 0x22, 0x33 };
	struct ktls_ph_client_cert cert, before;
	struct ktls_ph_hs_msg m;
	u8 buf[64], bad[sizeof(cert_list)];
	int n, i;

	n = ktls_ph_cert_build(buf, sizeof(buf), ctx, 3, cert_list,
			       sizeof(cert_list));
	KUNIT_ASSERT_EQ(test, n, 4 + 1 + 3 + 3 + (int)sizeof(cert_list));
	KUNIT_EXPECT_EQ(test, buf[0], KTLS_PH_HS_CERTIFICATE);
	KUNIT_EXPECT_EQ(test, buf[3], n - 4);
	KUNIT_EXPECT_EQ(test, buf[10], sizeof(cert_list));
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_ASSERT_EQ(test, ktls_ph_client_cert_parse(&m, ctx, 3, &cert), 0);
	KUNIT_EXPECT_EQ(test, cert.nr_certs, 2);
	KUNIT_EXPECT_PTR_EQ(test, cert.list, buf + 11);
	KUNIT_EXPECT_EQ(test, cert.list_len, sizeof(cert_list));
	KUNIT_EXPECT_PTR_EQ(test, cert.leaf, buf + 14);
	KUNIT_EXPECT_EQ(test, cert.leaf_len, 3);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_cert_build(buf, i, ctx, 3,
							 cert_list,
							 sizeof(cert_list)),
				-ENOSPC);

	/* context mismatch: untouched */
	memset(&cert, 0xa5, sizeof(cert));
	memset(&before, 0xa5, sizeof(before));
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, ctx + 1, 2, &cert),
			ILLEGAL);
	KUNIT_EXPECT_MEMEQ(test, &cert, &before, sizeof(cert));

	/* malformed lists are refused: empty cert_data, cut, bad extensions */
	memcpy(bad, cert_list, sizeof(bad));
	bad[16] = 0;
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_build(buf, sizeof(buf), ctx, 3, bad,
						 sizeof(bad)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_build(buf, sizeof(buf), ctx, 3,
						 cert_list,
						 sizeof(cert_list) - 1),
			-EINVAL);
	memcpy(bad, cert_list, sizeof(bad));
	bad[7] = 0x02;		/* the extension block now cut */
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_build(buf, sizeof(buf), ctx, 3, bad,
						 sizeof(bad)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_build(buf, sizeof(buf), ctx, 3, NULL,
						 4), -EINVAL);
}

static const u8 cert_ctx[] = { 0xc1, 0xc2 };

/* Client Certificate bodies, parsed with the context <c1 c2> */
static const struct pha_case cert_cases[] = {
	{ "empty_list", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x00 }, 6, 0 },
	{ "one_cert", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x06, 0x00, 0x00, 0x01,
		0x30, 0x00, 0x00 }, 12, 0 },
	{ "entry_extensions", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x00,
		0x01, 0x30, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x12,
		0x00, 0x00 }, 20, 0 },
	{ "empty_body", { 0 }, 0, DECODE },
	{ "context_overrun", { 0x05, 0xc1, 0xc2 }, 3, DECODE },
	{ "no_list_length", { 0x02, 0xc1, 0xc2, 0x00, 0x00 }, 5, DECODE },
	{ "list_long", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x07, 0x00, 0x00, 0x01,
		0x30, 0x00, 0x00 }, 12, DECODE },
	{ "list_short", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01,
		0x30, 0x00, 0x00 }, 12, DECODE },
	{ "trailing_byte", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x00, 0x00 }, 7,
		DECODE },
	{ "cert_data_empty", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x05, 0x00, 0x00,
		0x00, 0x00, 0x00 }, 11, DECODE },
	{ "cert_data_overrun", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x06, 0x00,
		0x00, 0x02, 0x30, 0x00, 0x00 }, 12, DECODE },
	{ "cut_in_entry", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x02, 0x00, 0x00 },
		8, DECODE },
	{ "no_entry_ext_length", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x01, 0x30 }, 10, DECODE },
	{ "entry_ext_overrun", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x06, 0x00,
		0x00, 0x01, 0x30, 0x00, 0x01 }, 12, DECODE },
	{ "entry_ext_bad", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x0a, 0x00, 0x00,
		0x01, 0x30, 0x00, 0x04, 0x00, 0x05, 0x00, 0x01 }, 16, DECODE },
	{ "entry_ext_dup", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x00,
		0x01, 0x30, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x00 }, 20, ILLEGAL },
	/* decode_error in a later entry wins over a repeat in an earlier one */
	{ "entry_ext_dup_then_bad", { 0x02, 0xc1, 0xc2, 0x00, 0x00, 0x13, 0x00,
		0x00, 0x01, 0x30, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 25, DECODE },
	{ "context_other", { 0x02, 0xc1, 0xc3, 0x00, 0x00, 0x00 }, 6, ILLEGAL },
	{ "context_longer", { 0x03, 0xc1, 0xc2, 0x00, 0x00, 0x00, 0x00 }, 7,
		ILLEGAL },
	{ "context_empty", { 0x00, 0x00, 0x00, 0x00 }, 4, ILLEGAL },
	{ "context_other_and_cut", { 0x02, 0xc1, 0xc3, 0x00, 0x00, 0x01 }, 6,
		DECODE },
};

KUNIT_ARRAY_PARAM(cert, cert_cases, pha_case_desc);

static void cert_forms(struct kunit *test)
{
	const struct pha_case *c = test->param_value;
	struct ktls_ph_client_cert cert, before;
	struct ktls_ph_hs_msg m = { .type = KTLS_PH_HS_CERTIFICATE };

	m.body = copy(test, c->body, c->len);
	m.len = c->len;
	memset(&cert, 0xa5, sizeof(cert));
	memset(&before, 0xa5, sizeof(before));
	KUNIT_ASSERT_EQ(test, ktls_ph_client_cert_parse(&m, cert_ctx, 2, &cert),
			c->err);
	if (c->err) {
		KUNIT_EXPECT_MEMEQ(test, &cert, &before, sizeof(cert));
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, cert.list, m.body + 6);
	KUNIT_EXPECT_PTR_EQ(test, cert.list + cert.list_len, m.body + m.len);
	KUNIT_EXPECT_EQ(test, cert.nr_certs, cert.list_len ? 1 : 0);
	m.type = KTLS_PH_HS_CERTIFICATE_REQUEST;
	KUNIT_EXPECT_EQ(test, ktls_ph_client_cert_parse(&m, cert_ctx, 2, &cert),
			DECODE);
}

/* CertificateVerify: RFC 8448's, built ones, and malformed forms */
static void cert_verify(struct kunit *test)
{
	static const u8 sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01,
				  0x02 };
	struct ktls_ph_cert_verify cv, before;
	struct ktls_ph_hs_msg m;
	u8 buf[16], *b;
	int n, i;

	b = copy(test, rfc8448_s_cert_verify, sizeof(rfc8448_s_cert_verify));
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(b, sizeof(rfc8448_s_cert_verify),
					      &m),
			(int)sizeof(rfc8448_s_cert_verify));
	KUNIT_ASSERT_EQ(test, ktls_ph_cert_verify_parse(&m, sigalgs, 6, &cv), 0);
	KUNIT_EXPECT_EQ(test, cv.scheme, 0x0804);
	KUNIT_EXPECT_EQ(test, cv.sig_len, 128);
	KUNIT_EXPECT_PTR_EQ(test, cv.sig, b + 8);
	/* ecdsa_secp256r1_sha256 only: rsa_pss_rsae_sha256 was not offered */
	memset(&cv, 0xa5, sizeof(cv));
	memset(&before, 0xa5, sizeof(before));
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, sigalgs, 2, &cv),
			ILLEGAL);
	KUNIT_EXPECT_MEMEQ(test, &cv, &before, sizeof(cv));
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0, &cv), 0);

	n = ktls_ph_cert_verify_build(buf, sizeof(buf), 0x0403, sig,
				      sizeof(sig));
	KUNIT_ASSERT_EQ(test, n, 16);
	KUNIT_EXPECT_MEMEQ(test, buf, "\x0f\x00\x00\x0c\x04\x03\x00\x08", 8);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_ASSERT_EQ(test, ktls_ph_cert_verify_parse(&m, sigalgs, 6, &cv), 0);
	KUNIT_EXPECT_EQ(test, cv.scheme, 0x0403);
	KUNIT_EXPECT_MEMEQ(test, cv.sig, sig, sizeof(sig));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_build(buf, i, 0x0403,
								sig,
								sizeof(sig)),
				-ENOSPC);
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_build(buf, sizeof(buf), 0, NULL,
							1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_build(buf, sizeof(buf), 0, sig,
							0x10000), -EINVAL);
	/* an empty signature decodes */
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_build(buf, sizeof(buf), 0x0807,
							NULL, 0), 8);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, 8, &m), 8);
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, sigalgs, 6, &cv), 0);
	KUNIT_EXPECT_EQ(test, cv.sig_len, 0);

	/* malformed: short body, signature length long or short, type */
	b = copy(test, (const u8 *)"\x04\x03\x00\x02\xaa\xbb", 6);
	m = (struct ktls_ph_hs_msg){ KTLS_PH_HS_CERTIFICATE_VERIFY, b, 6 };
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0, &cv), 0);
	for (i = 0; i < 6; i++) {
		m.len = i;
		KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0,
								&cv), DECODE);
	}
	m.len = 6;
	b[3] = 3;
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0, &cv),
			DECODE);
	b[3] = 1;
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0, &cv),
			DECODE);
	b[3] = 2;
	m.type = KTLS_PH_HS_FINISHED;
	KUNIT_EXPECT_EQ(test, ktls_ph_cert_verify_parse(&m, NULL, 0, &cv),
			DECODE);
}

/* Finished: built, parsed, compared; SHA-384 length; errors */
static void finished(struct kunit *test)
{
	struct ktls_ph_hs_msg m;
	u8 vd[48], buf[52];
	int n, i;

	for (i = 0; i < 48; i++)
		vd[i] = i * 7;
	n = ktls_ph_finished_build(buf, sizeof(buf), vd, 48);
	KUNIT_ASSERT_EQ(test, n, 52);
	KUNIT_EXPECT_MEMEQ(test, buf, "\x14\x00\x00\x30", 4);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(buf, n, &m), n);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 48, vd), 0);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 48, NULL), 0);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 32, vd), DECODE);
	for (i = 0; i < 48; i++) {
		buf[4 + i] ^= 0x80;
		KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 48, vd),
				DECRYPT);
		buf[4 + i] ^= 0x80;
	}
	m.type = KTLS_PH_HS_CERTIFICATE;
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 48, vd), DECODE);
	m.type = KTLS_PH_HS_FINISHED;
	m.len = 49;
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 48, vd), DECODE);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 33, vd), -EINVAL);

	for (i = 0; i < 36; i++)
		KUNIT_EXPECT_EQ(test, ktls_ph_finished_build(buf, i, vd, 32),
				-ENOSPC);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_build(buf, sizeof(buf), vd, 33),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_build(buf, sizeof(buf), NULL, 32),
			-EINVAL);
}

/*
 * RFC 8448 section 3: the client's Finished from its handshake traffic
 * secret and Transcript-Hash(ClientHello .. server Finished) through
 * ktls_ph_ks_finished_key(), ktls_ph_ks_verify_data() and
 * ktls_ph_finished_build(); then checked by ktls_ph_finished_parse(). The
 * post-handshake Finished is the same computation over the client
 * application traffic secret and the post-handshake transcript.
 */
static void rfc8448_client_finished(struct kunit *test)
{
	struct ktls_ph_ks *ks = kunit_kzalloc(test, sizeof(*ks), GFP_KERNEL);
	u8 key[32], vd[32], buf[36];
	struct ktls_ph_hs_msg m;

	KUNIT_ASSERT_NOT_NULL(test, ks);
	KUNIT_ASSERT_EQ(test, ktls_ph_ks_init(ks, KTLS_PH_TLS_AES_128_GCM_SHA256),
			0);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_finished_key(ks, rfc8448_c_hs_traffic,
						      32, key, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, key, rfc8448_c_finished_key, 32);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_verify_data(ks, rfc8448_c_hs_traffic,
						     32, rfc8448_c_finished_hash,
						     32, vd, 32), 0);
	ktls_ph_ks_free(ks);
	KUNIT_ASSERT_EQ(test, ktls_ph_finished_build(buf, sizeof(buf), vd, 32),
			36);
	KUNIT_EXPECT_MEMEQ(test, buf, rfc8448_c_finished, 36);
	KUNIT_ASSERT_EQ(test, ktls_ph_hs_next(rfc8448_c_finished, 36, &m), 36);
	KUNIT_EXPECT_EQ(test, ktls_ph_finished_parse(&m, 32, vd), 0);
}

static struct kunit_case ktls_ph_pha_msg_cases[] = {
	KUNIT_CASE(certreq_minimal),
	KUNIT_CASE(certreq_context),
	KUNIT_CASE(certreq_compress_ca),
	KUNIT_CASE(certreq_unknown_ext),
	KUNIT_CASE(certreq_wrong_type),
	KUNIT_CASE_PARAM(certreq_forms, certreq_gen_params),
	KUNIT_CASE(certreq_every_window),
	KUNIT_CASE(certreq_build),
	KUNIT_CASE(cert_build_empty),
	KUNIT_CASE(cert_build_list),
	KUNIT_CASE_PARAM(cert_forms, cert_gen_params),
	KUNIT_CASE(cert_verify),
	KUNIT_CASE(finished),
	KUNIT_CASE(rfc8448_client_finished),
	{}
};

static struct kunit_suite ktls_ph_pha_msg_suite = {
	.name = "ktls_ph_pha_msg",
	.test_cases = ktls_ph_pha_msg_cases,
};

kunit_test_suite(ktls_ph_pha_msg_suite);
