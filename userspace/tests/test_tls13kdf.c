// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test: the OpenSSL-based KDF that generates the kernel's
 * expected values must itself reproduce RFC 8448 (the same published values
 * the module's self-test and KUnit suites use, from module/rfc8448.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
#define __maybe_unused __attribute__((unused))
#include "../../module/rfc8448.h"

#include "tls13kdf.h"

static int passed, failed;

static void check(const char *name, int err, const u8 *got, const u8 *want,
		  size_t len)
{
	if (!err && !memcmp(got, want, len)) {
		passed++;
		printf("ok %d - %s\n", passed + failed, name);
	} else {
		failed++;
		printf("not ok %d - %s\n", passed + failed, name);
	}
}

int main(void)
{
	u8 out[32];
	int err;

	printf("TAP version 13\n1..7\n");
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_s_ap_traffic,
				     32, "key", NULL, 0, out, 16);
	check("rfc8448 server application key", err, out,
	      ktls_ph_rfc8448_s_ap_key, 16);
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_s_ap_traffic,
				     32, "iv", NULL, 0, out, 12);
	check("rfc8448 server application iv", err, out,
	      ktls_ph_rfc8448_s_ap_iv, 12);
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_c_ap_traffic,
				     32, "key", NULL, 0, out, 16);
	check("rfc8448 client application key", err, out,
	      ktls_ph_rfc8448_c_ap_key, 16);
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_c_ap_traffic,
				     32, "iv", NULL, 0, out, 12);
	check("rfc8448 client application iv", err, out,
	      ktls_ph_rfc8448_c_ap_iv, 12);
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_s_hs_traffic,
				     32, "finished", NULL, 0, out, 32);
	check("rfc8448 server finished key", err, out,
	      ktls_ph_rfc8448_s_finished_key, 32);
	err = ktls_ph_u_verify_data("SHA256", ktls_ph_rfc8448_s_hs_traffic, 32,
				    ktls_ph_rfc8448_s_finished_hash, out);
	check("rfc8448 server Finished verify_data", err, out,
	      ktls_ph_rfc8448_s_verify_data, 32);
	err = ktls_ph_u_expand_label("SHA256", ktls_ph_rfc8448_res_master, 32,
				     "resumption", ktls_ph_rfc8448_ticket_nonce,
				     2, out, 32);
	check("rfc8448 ticket PSK", err, out, ktls_ph_rfc8448_ticket_psk, 32);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
