// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph fuzz target: the NewSessionTicket parser, module/nst.c (built
 * from the module's own source: the kernel runs the same
 * ktls_ph_nst_parse()).
 *
 * Input: one NewSessionTicket body (the message without its 4-byte
 * handshake header), as ktls_ph_hs_next() would pass it on. The caller
 * (libFuzzer, fuzz-replay-nst) passes a buffer of the exact size, so that
 * AddressSanitizer sees any read past it.
 *
 * Invariants, checked with abort():
 * - ktls_ph_nst_parse() returns only 0, decode_error or illegal_parameter,
 *   and the same as a second parser written here independently from RFC
 *   8446 4.6.1 (a cursor over TLS vectors, a bitmap of all 65536 extension
 *   types): decode_error for anything that does not decode, then
 *   illegal_parameter for a lifetime over 7 days or a repeated extension;
 * - on failure the output is untouched; so it is for any message type
 *   other than NewSessionTicket, which is always decode_error;
 * - on success every field is what the second parser found; nonce, ticket
 *   and extensions lie inside the input, one after the other with their
 *   length fields between them, the extensions ending the input; and
 *   has_early_data is set exactly when a walk of the returned extensions
 *   finds an early_data extension, whose 4 bytes are max_early_data.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../module/nst.h"
#include "fuzz_check.h"
#include "fuzz_cursor.h"
#include "fuzz_nst.h"

FUZZ_TARGET(fuzz_nst_one_input);

unsigned long fuzz_nst_events[FUZZ_NST_NR_EVENTS];

const char * const fuzz_nst_event_names[FUZZ_NST_NR_EVENTS] = {
	[FUZZ_NST_INPUTS] = "bodies parsed",
	[FUZZ_NST_OK] = "tickets accepted",
	[FUZZ_NST_EARLY_DATA] = "accepted with early_data",
	[FUZZ_NST_OTHER_EXT] = "accepted with another extension",
	[FUZZ_NST_HIGH_EXT] = "accepted with a type >= 4096",
	[FUZZ_NST_ERR_DECODE] = "error: decode_error",
	[FUZZ_NST_ERR_LIFETIME] = "error: lifetime over 7 days",
	[FUZZ_NST_ERR_REPEAT] = "error: repeated extension",
};

/* What the second parser makes of a body */
struct ref {
	int err;
	bool repeat;		/* illegal_parameter for a repeated type */
	uint32_t lifetime, age_add;
	size_t nonce, nonce_len, ticket, ticket_len, ext, ext_len;
	bool early_data, other_ext, high_ext;
	uint32_t max_early_data;
};

/*
 * Walk an extensions block: 0, or decode_error; sets the extension fields
 * of @r, and @r->repeat for a type seen twice.
 */
static int ref_walk(const uint8_t *ext, size_t len, struct ref *r)
{
	static uint8_t seen[0x10000 / 8];
	struct cursor c = { .p = ext, .len = len };
	size_t data, dlen;
	uint32_t type;

	memset(seen, 0, sizeof(seen));
	while (c.off < c.len) {
		type = get_int(&c, 2);
		data = get_vec(&c, 2, &dlen);
		if (c.bad)
			return KTLS_PH_ALERT_DECODE_ERROR;
		if (type == KTLS_PH_EXT_EARLY_DATA) {
			if (dlen != 4)
				return KTLS_PH_ALERT_DECODE_ERROR;
			r->early_data = true;
			r->max_early_data = (uint32_t)ext[data] << 24 |
					    ext[data + 1] << 16 |
					    ext[data + 2] << 8 | ext[data + 3];
		} else {
			r->other_ext = true;
		}
		if (type >= 4096)
			r->high_ext = true;
		if (seen[type / 8] & 1 << type % 8)
			r->repeat = true;
		seen[type / 8] |= 1 << type % 8;
	}
	return 0;
}

static void ref_parse(const uint8_t *data, size_t size, struct ref *r)
{
	struct cursor c = { .p = data, .len = size };

	memset(r, 0, sizeof(*r));
	r->lifetime = get_int(&c, 4);
	r->age_add = get_int(&c, 4);
	r->nonce = get_vec(&c, 1, &r->nonce_len);
	r->ticket = get_vec(&c, 2, &r->ticket_len);
	r->ext = get_vec(&c, 2, &r->ext_len);
	if (c.bad || c.off != size || !r->ticket_len || r->ext_len > 0xfffe ||
	    ref_walk(data + r->ext, r->ext_len, r))
		r->err = KTLS_PH_ALERT_DECODE_ERROR;
	else if (r->lifetime > 604800 || r->repeat)
		r->err = KTLS_PH_ALERT_ILLEGAL_PARAMETER;
}

/* @p, @len lie inside the input */
static bool inside(const uint8_t *data, size_t size, const u8 *p, size_t len)
{
	uintptr_t start = (uintptr_t)data, at = (uintptr_t)p;

	return at >= start && at <= start + size && len <= start + size - at;
}

static void check_ticket(const uint8_t *data, size_t size,
			 const struct ktls_ph_nst *nst, const struct ref *r)
{
	struct ref again = { 0 };

	FUZZ_CHECK(inside(data, size, nst->nonce, nst->nonce_len));
	FUZZ_CHECK(inside(data, size, nst->ticket, nst->ticket_len));
	FUZZ_CHECK(inside(data, size, nst->ext, nst->ext_len));
	FUZZ_CHECK(nst->nonce == data + 9);
	FUZZ_CHECK(nst->ticket == nst->nonce + nst->nonce_len + 2);
	FUZZ_CHECK(nst->ext == nst->ticket + nst->ticket_len + 2);
	FUZZ_CHECK(nst->ext + nst->ext_len == data + size);
	FUZZ_CHECK(nst->ticket_len >= 1 && nst->ticket_len <= 0xffff);
	FUZZ_CHECK(nst->ext_len <= 0xfffe);
	FUZZ_CHECK(nst->lifetime <= KTLS_PH_NST_MAX_LIFETIME);

	FUZZ_CHECK(nst->lifetime == r->lifetime && nst->age_add == r->age_add);
	FUZZ_CHECK(nst->nonce == data + r->nonce &&
		   nst->nonce_len == r->nonce_len);
	FUZZ_CHECK(nst->ticket == data + r->ticket &&
		   nst->ticket_len == r->ticket_len);
	FUZZ_CHECK(nst->ext == data + r->ext && nst->ext_len == r->ext_len);

	/* early_data is what the returned extensions hold */
	FUZZ_CHECK(ref_walk(nst->ext, nst->ext_len, &again) == 0);
	FUZZ_CHECK(!again.repeat);
	FUZZ_CHECK(nst->has_early_data == again.early_data);
	if (nst->has_early_data)
		FUZZ_CHECK(nst->max_early_data == again.max_early_data);
	else
		FUZZ_CHECK(nst->max_early_data == 0);

	fuzz_nst_events[FUZZ_NST_OK]++;
	if (r->early_data)
		fuzz_nst_events[FUZZ_NST_EARLY_DATA]++;
	if (r->other_ext)
		fuzz_nst_events[FUZZ_NST_OTHER_EXT]++;
	if (r->high_ext)
		fuzz_nst_events[FUZZ_NST_HIGH_EXT]++;
}

int fuzz_nst_one_input(const uint8_t *data, size_t size)
{
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_NEW_SESSION_TICKET, .body = data,
		.len = (u32)size,
	};
	struct ktls_ph_nst nst, untouched;
	struct ref r;
	int err;

	fuzz_nst_events[FUZZ_NST_INPUTS]++;
	ref_parse(data, size, &r);
	memset(&nst, 0xa5, sizeof(nst));
	memset(&untouched, 0xa5, sizeof(untouched));
	err = ktls_ph_nst_parse(&m, &nst);
	FUZZ_CHECK(err == 0 || err == KTLS_PH_ALERT_DECODE_ERROR ||
		   err == KTLS_PH_ALERT_ILLEGAL_PARAMETER);
	FUZZ_CHECK(err == r.err);
	if (err) {
		FUZZ_CHECK(!memcmp(&nst, &untouched, sizeof(nst)));
		if (err == KTLS_PH_ALERT_DECODE_ERROR)
			fuzz_nst_events[FUZZ_NST_ERR_DECODE]++;
		else if (r.repeat)
			fuzz_nst_events[FUZZ_NST_ERR_REPEAT]++;
		else
			fuzz_nst_events[FUZZ_NST_ERR_LIFETIME]++;
	} else {
		check_ticket(data, size, &nst, &r);
	}

	/* the same body as another handshake message */
	m.type = KTLS_PH_HS_KEY_UPDATE;
	memset(&nst, 0xa5, sizeof(nst));
	FUZZ_CHECK(ktls_ph_nst_parse(&m, &nst) == KTLS_PH_ALERT_DECODE_ERROR);
	FUZZ_CHECK(!memcmp(&nst, &untouched, sizeof(nst)));
	return 0;
}
