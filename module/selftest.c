// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: load-time self-test of the key schedule against RFC 8448, so a
 * broken HMAC implementation or a miscompiled derivation refuses to load
 * instead of producing keys a peer cannot decrypt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "keysched.h"
#include "rfc8448.h"

/**
 * ktls_ph_keysched_selftest() - check the key schedule against RFC 8448
 *
 * Derives the server's application key and iv, the server Finished
 * verify_data and the ticket PSK of RFC 8448 section 3 and compares them
 * with the published values.
 *
 * Return: 0 on success, -EBADMSG on a mismatch, or the crypto API's error.
 */
int ktls_ph_keysched_selftest(void)
{
	u8 key[16], iv[KTLS_PH_IV_LEN], out[32];
	struct ktls_ph_ks ks;
	const char *what;
	int err;

	err = ktls_ph_ks_init(&ks, KTLS_PH_TLS_AES_128_GCM_SHA256);
	if (err) {
		pr_err("key schedule self-test: cannot set up hmac(sha256): %d\n",
		       err);
		return err;
	}

	what = "traffic key/iv";
	err = ktls_ph_ks_traffic_key_iv(&ks, ktls_ph_rfc8448_s_ap_traffic, 32,
					key, sizeof(key), iv, sizeof(iv));
	if (!err && (memcmp(key, ktls_ph_rfc8448_s_ap_key, sizeof(key)) ||
		     memcmp(iv, ktls_ph_rfc8448_s_ap_iv, sizeof(iv))))
		err = -EBADMSG;
	if (!err) {
		what = "Finished verify_data";
		err = ktls_ph_ks_verify_data(&ks, ktls_ph_rfc8448_s_hs_traffic, 32,
					     ktls_ph_rfc8448_s_finished_hash, 32,
					     out, sizeof(out));
		if (!err && memcmp(out, ktls_ph_rfc8448_s_verify_data, 32))
			err = -EBADMSG;
	}
	if (!err) {
		what = "ticket PSK";
		err = ktls_ph_ks_ticket_psk(&ks, ktls_ph_rfc8448_res_master, 32,
					    ktls_ph_rfc8448_ticket_nonce,
					    sizeof(ktls_ph_rfc8448_ticket_nonce),
					    out, sizeof(out));
		if (!err && memcmp(out, ktls_ph_rfc8448_ticket_psk, 32))
			err = -EBADMSG;
	}

	memzero_explicit(key, sizeof(key));
	memzero_explicit(iv, sizeof(iv));
	memzero_explicit(out, sizeof(out));
	ktls_ph_ks_free(&ks);

	if (err)
		pr_err("key schedule self-test FAILED (%s): %d\n", what, err);
	else
		pr_info("key schedule self-test passed (RFC 8448)\n");
	return err;
}
