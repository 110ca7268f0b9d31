// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ktls_ph key schedule against RFC 8448 and bad-argument handling.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tls.h>

#include "keysched.h"
#include "rfc8448.h"

static int ktls_ph_ks_test_init(struct kunit *test)
{
	struct ktls_ph_ks *ks = kunit_kzalloc(test, sizeof(*ks), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ks);
	KUNIT_ASSERT_EQ(test, ktls_ph_ks_init(ks, KTLS_PH_TLS_AES_128_GCM_SHA256), 0);
	test->priv = ks;
	return 0;
}

static void ktls_ph_ks_test_exit(struct kunit *test)
{
	ktls_ph_ks_free(test->priv);
}

static void rfc8448_server_app_key_iv(struct kunit *test)
{
	u8 key[16], iv[12];
	int err;

	err = ktls_ph_ks_traffic_key_iv(test->priv, ktls_ph_rfc8448_s_ap_traffic,
					32, key, 16, iv, 12);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_MEMEQ(test, key, ktls_ph_rfc8448_s_ap_key, 16);
	KUNIT_EXPECT_MEMEQ(test, iv, ktls_ph_rfc8448_s_ap_iv, 12);
}

static void rfc8448_client_app_key_iv(struct kunit *test)
{
	u8 key[16], iv[12];
	int err;

	err = ktls_ph_ks_traffic_key_iv(test->priv, ktls_ph_rfc8448_c_ap_traffic,
					32, key, 16, iv, 12);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_MEMEQ(test, key, ktls_ph_rfc8448_c_ap_key, 16);
	KUNIT_EXPECT_MEMEQ(test, iv, ktls_ph_rfc8448_c_ap_iv, 12);
}

static void rfc8448_finished(struct kunit *test)
{
	u8 out[32];
	int err;

	err = ktls_ph_ks_finished_key(test->priv, ktls_ph_rfc8448_s_hs_traffic,
				      32, out, 32);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_MEMEQ(test, out, ktls_ph_rfc8448_s_finished_key, 32);
	err = ktls_ph_ks_verify_data(test->priv, ktls_ph_rfc8448_s_hs_traffic,
				     32, ktls_ph_rfc8448_s_finished_hash, 32,
				     out, 32);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_MEMEQ(test, out, ktls_ph_rfc8448_s_verify_data, 32);
}

static void rfc8448_ticket_psk(struct kunit *test)
{
	u8 psk[32];
	int err;

	err = ktls_ph_ks_ticket_psk(test->priv, ktls_ph_rfc8448_res_master, 32,
				    ktls_ph_rfc8448_ticket_nonce, 2, psk, 32);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_MEMEQ(test, psk, ktls_ph_rfc8448_ticket_psk, 32);
}

static void rfc8448_next_secret_in_place(struct kunit *test)
{
	u8 a[32], b[32];

	memcpy(a, ktls_ph_rfc8448_c_ap_traffic, 32);
	KUNIT_ASSERT_EQ(test, ktls_ph_ks_next_secret(test->priv, a, 32, b, 32), 0);
	KUNIT_ASSERT_EQ(test, ktls_ph_ks_next_secret(test->priv, a, 32, a, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, a, b, 32);
	KUNIT_EXPECT_MEMNEQ(test, a, ktls_ph_rfc8448_c_ap_traffic, 32);
}

static struct kunit_case ktls_ph_rfc8448_cases[] = {
	KUNIT_CASE(rfc8448_server_app_key_iv),
	KUNIT_CASE(rfc8448_client_app_key_iv),
	KUNIT_CASE(rfc8448_finished),
	KUNIT_CASE(rfc8448_ticket_psk),
	KUNIT_CASE(rfc8448_next_secret_in_place),
	{}
};

static struct kunit_suite ktls_ph_rfc8448_suite = {
	.name = "ktls_ph_keysched_rfc8448",
	.init = ktls_ph_ks_test_init,
	.exit = ktls_ph_ks_test_exit,
	.test_cases = ktls_ph_rfc8448_cases,
};

static void args_unknown_suite(struct kunit *test)
{
	static const u16 bad[] = { 0x0000, 0x1305 /* CCM_8: not in kTLS */,
				   0xc02f /* TLS 1.2 suite */, 0xffff };
	struct ktls_ph_ks ks;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ(test, ktls_ph_ks_init(&ks, bad[i]), -EINVAL);
		KUNIT_EXPECT_NULL(test, ks.hmac);
		KUNIT_EXPECT_NULL(test, ktls_ph_suite_by_id(bad[i]));
	}
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_init(NULL, 0x1301), -EINVAL);
	KUNIT_EXPECT_NULL(test, ktls_ph_suite_by_ktls_cipher(TLS_CIPHER_SM4_GCM));
	KUNIT_EXPECT_NULL(test, ktls_ph_suite_by_ktls_cipher(TLS_CIPHER_ARIA_GCM_128));
	KUNIT_EXPECT_EQ(test, ktls_ph_suite_by_ktls_cipher(TLS_CIPHER_AES_GCM_256)->id,
			KTLS_PH_TLS_AES_256_GCM_SHA384);
	/* freeing a never-initialised or failed context is harmless */
	ktls_ph_ks_free(&ks);
	ktls_ph_ks_free(NULL);
}

static void args_wrong_lengths(struct kunit *test)
{
	struct ktls_ph_ks *ks = test->priv;
	u8 s[64] = {}, out[64], key[32], iv[16];

	memset(out, 0xa5, sizeof(out));
	/* secret must be exactly the hash length */
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(ks, s, 31, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(ks, s, 33, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(ks, s, 48, out, 48), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(ks, s, 32, out, 48), -EINVAL);
	/* key and iv lengths are the suite's */
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_traffic_key_iv(ks, s, 32, key, 32, iv, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_traffic_key_iv(ks, s, 32, key, 16, iv, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_traffic_key_iv(ks, s, 32, NULL, 16, iv, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_finished_key(ks, s, 32, out, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_verify_data(ks, s, 32, s, 31, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_verify_data(ks, s, 32, NULL, 32, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_ticket_psk(ks, s, 32, s, 256, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_ticket_psk(ks, s, 32, NULL, 4, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_ticket_psk(ks, s, 32, s, 0, out, 33), -EINVAL);
	/* -EINVAL leaves the output untouched */
	KUNIT_EXPECT_EQ(test, out[0], 0xa5);
	KUNIT_EXPECT_EQ(test, out[31], 0xa5);
}

static int expand(struct kunit *test, const char *label, u8 *out,
		  size_t out_len)
{
	static const u8 s[32];

	return ktls_ph_hkdf_expand_label(test->priv, s, 32, label, NULL, 0,
					 out, out_len);
}

static void args_expand_label_limits(struct kunit *test)
{
	struct ktls_ph_ks *ks = test->priv;
	static const u8 s[32];
	char label[KTLS_PH_MAX_LABEL_LEN + 2];
	u8 *big;

	big = kunit_kmalloc(test, 255 * 32 + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(label, 'a', sizeof(label));
	label[KTLS_PH_MAX_LABEL_LEN] = '\0';
	KUNIT_EXPECT_EQ(test, expand(test, label, big, 32), 0);
	label[KTLS_PH_MAX_LABEL_LEN] = 'a';
	label[KTLS_PH_MAX_LABEL_LEN + 1] = '\0';
	KUNIT_EXPECT_EQ(test, expand(test, label, big, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, expand(test, "x", big, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, expand(test, "x", big, 255 * 32), 0);
	KUNIT_EXPECT_EQ(test, expand(test, "x", big, 255 * 32 + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, expand(test, NULL, big, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_hkdf_expand_label(ks, NULL, 32, "x", NULL,
							0, big, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_hkdf_expand_label(NULL, s, 32, "x", NULL,
							0, big, 32), -EINVAL);
}

static void args_uninitialised_context(struct kunit *test)
{
	struct ktls_ph_ks ks = {};
	u8 s[32] = {}, out[32];

	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(&ks, s, 32, out, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktls_ph_ks_next_secret(NULL, s, 32, out, 32), -EINVAL);
}

static struct kunit_case ktls_ph_args_cases[] = {
	KUNIT_CASE(args_unknown_suite),
	KUNIT_CASE(args_wrong_lengths),
	KUNIT_CASE(args_expand_label_limits),
	KUNIT_CASE(args_uninitialised_context),
	{}
};

static struct kunit_suite ktls_ph_args_suite = {
	.name = "ktls_ph_keysched_args",
	.init = ktls_ph_ks_test_init,
	.exit = ktls_ph_ks_test_exit,
	.test_cases = ktls_ph_args_cases,
};

kunit_test_suites(&ktls_ph_rfc8448_suite, &ktls_ph_args_suite);

MODULE_DESCRIPTION("KUnit tests for ktls_ph");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
