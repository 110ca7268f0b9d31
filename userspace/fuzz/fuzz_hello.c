// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph fuzz target: the ClientHello and ServerHello parsers of
 * libktlsph's OpenSSL glue, lib/hello.c (ktlsph_hello_has_pha(),
 * ktlsph_hello_is_hrr(); built from the library's own source).
 *
 * Input: one handshake message body (without its 4-byte header). The
 * parsers take a whole message whose framing the caller checked (the glue's
 * message callback does), so the target puts the header in front: type, the
 * body's 24-bit length; the result is a buffer of the exact size, so that
 * AddressSanitizer sees any read past it. Both parsers see every input.
 *
 * Invariants, checked with abort():
 * - ktlsph_hello_has_pha() returns -1, 0 or 1, and the same as a second
 *   parser written here independently from RFC 8446 4.1.2 (a cursor over
 *   TLS vectors): -1 unless legacy_version, random, legacy_session_id,
 *   cipher_suites and legacy_compression_methods decode and the extensions
 *   block, if any, fills the rest of the body exactly; then 1 if an
 *   extension of type 49 comes before any extension that does not decode,
 *   else 0 (and -1 for such an extension);
 * - ktlsph_hello_is_hrr() returns -1, 0 or 1, and the same as a second
 *   parser (RFC 8446 4.1.3, 4.1.4): -1 for a body shorter than
 *   legacy_version and random, 0 unless the random is the HelloRetryRequest
 *   one, else -1 unless legacy_session_id_echo and cipher_suite decode, and
 *   1 with that cipher suite; *suite is written exactly when 1 is returned;
 * - neither depends on the header's type, nor writes to the message.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hello.h"
#include "fuzz_check.h"
#include "fuzz_cursor.h"
#include "fuzz_hello.h"

FUZZ_TARGET(fuzz_hello_one_input);

unsigned long fuzz_hello_events[FUZZ_HELLO_NR_EVENTS];

const char * const fuzz_hello_event_names[FUZZ_HELLO_NR_EVENTS] = {
	[FUZZ_HELLO_INPUTS] = "bodies parsed",
	[FUZZ_HELLO_PHA] = "ClientHello with post_handshake_auth",
	[FUZZ_HELLO_NO_PHA] = "ClientHello without",
	[FUZZ_HELLO_NO_EXT] = "  no extensions block",
	[FUZZ_HELLO_CH_BAD] = "ClientHello does not parse",
	[FUZZ_HELLO_HRR] = "ServerHello: HelloRetryRequest",
	[FUZZ_HELLO_SH] = "ServerHello: not a HelloRetryRequest",
	[FUZZ_HELLO_SH_BAD] = "ServerHello does not parse",
};

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* legacy_version and random */
#define HELLO_FIXED	(2 + 32)

/* The second parser on a ClientHello body; *@no_ext: no extensions block */
static int ref_has_pha(const uint8_t *body, size_t size, bool *no_ext)
{
	struct cursor c = { .p = body, .len = size, .off = HELLO_FIXED };
	struct cursor e = { 0 };
	size_t len;
	uint32_t type;

	*no_ext = false;
	if (size < HELLO_FIXED)
		return -1;
	get_vec(&c, 1, &len);		/* legacy_session_id */
	get_vec(&c, 2, &len);		/* cipher_suites */
	get_vec(&c, 1, &len);		/* legacy_compression_methods */
	if (c.bad)
		return -1;
	if (c.off == size) {
		*no_ext = true;
		return 0;
	}
	e.p = body + get_vec(&c, 2, &e.len);
	if (c.bad || c.off != size)
		return -1;
	while (e.off < e.len) {
		type = get_int(&e, 2);
		if (e.bad)
			return -1;
		if (type == 49)
			return 1;
		get_vec(&e, 2, &len);
		if (e.bad)
			return -1;
	}
	return 0;
}

/* The second parser on a ServerHello body */
static int ref_is_hrr(const uint8_t *body, size_t size, uint32_t *suite)
{
	struct cursor c = { .p = body, .len = size, .off = HELLO_FIXED };
	size_t len;

	if (size < HELLO_FIXED)
		return -1;
	if (memcmp(body + 2, hrr_random, sizeof(hrr_random)))
		return 0;
	get_vec(&c, 1, &len);		/* legacy_session_id_echo */
	*suite = get_int(&c, 2);	/* cipher_suite */
	return c.bad ? -1 : 1;
}

/* @msg: the header, then @size bytes of body */
static void check_client_hello(uint8_t *msg, size_t size)
{
	bool no_ext;
	int r, ref;

	ref = ref_has_pha(msg + 4, size, &no_ext);
	msg[0] = 1;
	r = ktlsph_hello_has_pha(msg, 4 + size);
	FUZZ_CHECK(r == -1 || r == 0 || r == 1);
	FUZZ_CHECK(r == ref);
	msg[0] = 2;
	FUZZ_CHECK(ktlsph_hello_has_pha(msg, 4 + size) == r);
	switch (r) {
	case 1:
		fuzz_hello_events[FUZZ_HELLO_PHA]++;
		break;
	case 0:
		fuzz_hello_events[FUZZ_HELLO_NO_PHA]++;
		if (no_ext)
			fuzz_hello_events[FUZZ_HELLO_NO_EXT]++;
		break;
	default:
		fuzz_hello_events[FUZZ_HELLO_CH_BAD]++;
		break;
	}
}

static void check_server_hello(uint8_t *msg, size_t size)
{
	uint32_t want = 0;
	uint16_t suite;
	int r, ref;

	ref = ref_is_hrr(msg + 4, size, &want);
	msg[0] = 2;
	suite = 0xa5a5;
	r = ktlsph_hello_is_hrr(msg, 4 + size, &suite);
	FUZZ_CHECK(r == -1 || r == 0 || r == 1);
	FUZZ_CHECK(r == ref);
	FUZZ_CHECK(r == 1 ? suite == want : suite == 0xa5a5);
	/* another header type, another starting value: the same */
	msg[0] = 1;
	suite = 0x5a5a;
	FUZZ_CHECK(ktlsph_hello_is_hrr(msg, 4 + size, &suite) == r);
	FUZZ_CHECK(r == 1 ? suite == want : suite == 0x5a5a);
	fuzz_hello_events[r == 1 ? FUZZ_HELLO_HRR :
			  r == 0 ? FUZZ_HELLO_SH : FUZZ_HELLO_SH_BAD]++;
}

int fuzz_hello_one_input(const uint8_t *data, size_t size)
{
	uint8_t *msg;

	/* a message longer than its 24-bit length can say is never seen */
	if (size > 0xffffff)
		return 0;
	msg = malloc(4 + size);
	if (!msg)
		return 0;
	msg[1] = size >> 16;
	msg[2] = size >> 8;
	msg[3] = size;
	memcpy(msg + 4, data, size);
	fuzz_hello_events[FUZZ_HELLO_INPUTS]++;
	check_client_hello(msg, size);
	check_server_hello(msg, size);
	FUZZ_CHECK(!memcmp(msg + 4, data, size) &&
		   (size_t)(msg[1] << 16 | msg[2] << 8 | msg[3]) == size);
	free(msg);
	return 0;
}
