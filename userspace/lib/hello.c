// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph: the ClientHello and ServerHello parsers of the OpenSSL glue's
 * transcript capture. See hello.h.
 */
#include <string.h>

#include "hello.h"

/* Read @n bytes big-endian at *@p, staying before @end. */
static int get_be(const uint8_t **p, const uint8_t *end, size_t n,
		  size_t *out)
{
	size_t v = 0;

	if ((size_t)(end - *p) < n)
		return -1;
	while (n--)
		v = v << 8 | *(*p)++;
	*out = v;
	return 0;
}

/* Skip a vector with an @n-byte length at *@p. */
static int skip_vec(const uint8_t **p, const uint8_t *end, size_t n)
{
	size_t len;

	if (get_be(p, end, n, &len) || (size_t)(end - *p) < len)
		return -1;
	*p += len;
	return 0;
}

int ktlsph_hello_has_pha(const uint8_t *msg, size_t len)
{
	const uint8_t *p = msg + 4, *end = msg + len, *eend;
	size_t elen, type;

	/* legacy_version, random, session id, suites, compression */
	if (len < 4 + 2 + 32)
		return -1;
	p += 2 + 32;
	if (skip_vec(&p, end, 1) || skip_vec(&p, end, 2) ||
	    skip_vec(&p, end, 1))
		return -1;
	if (p == end)
		return 0;	/* no extensions */
	if (get_be(&p, end, 2, &elen) || (size_t)(end - p) != elen)
		return -1;
	eend = p + elen;
	while (p < eend) {
		if (get_be(&p, eend, 2, &type))
			return -1;
		if (type == KTLSPH_HELLO_EXT_PHA)
			return 1;
		if (skip_vec(&p, eend, 2))
			return -1;
	}
	return 0;
}

int ktlsph_hello_is_hrr(const uint8_t *msg, size_t len, uint16_t *suite)
{
	static const uint8_t hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
		0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	const uint8_t *p = msg + 4, *end = msg + len;
	size_t v;

	if (len < 4 + 2 + 32)
		return -1;
	if (memcmp(p + 2, hrr_random, sizeof(hrr_random)))
		return 0;
	p += 2 + 32;
	if (skip_vec(&p, end, 1) || get_be(&p, end, 2, &v))
		return -1;
	*suite = (uint16_t)v;
	return 1;
}
