/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: a cursor over TLS presentation-language data (RFC 8446
 * 3), for the second parsers the fuzz targets (fuzz_nst.c, fuzz_pha.c,
 * fuzz_hello.c) check the real ones against. Written independently from the
 * code under test, as simply as possible: a read past the end sets a sticky
 * error flag instead of failing, so that a parser reads all its fields and
 * checks the flag once.
 */
#ifndef _KTLS_PH_FUZZ_CURSOR_H
#define _KTLS_PH_FUZZ_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @len bytes at @p, read from @off on */
struct cursor {
	const uint8_t *p;
	size_t len, off;
	bool bad;		/* a read ran past the end */
};

/*
 * A big-endian integer of @n bytes (at most 4), or 0 with @c->bad set if
 * fewer than @n bytes are left (or @c->bad was set already).
 */
static inline uint32_t get_int(struct cursor *c, size_t n)
{
	uint32_t v = 0;

	if (c->bad || c->len - c->off < n) {
		c->bad = true;
		return 0;
	}
	while (n--)
		v = v << 8 | c->p[c->off++];
	return v;
}

/*
 * A vector with a @n-byte length: its offset (of its first byte, after the
 * length), its length in *@len; with @c->bad set and *@len 0 if the length
 * or the data runs past the end.
 */
static inline size_t get_vec(struct cursor *c, size_t n, size_t *len)
{
	size_t off;

	*len = get_int(c, n);
	off = c->off;
	if (c->bad || c->len - c->off < *len) {
		c->bad = true;
		*len = 0;
		return off;
	}
	c->off += *len;
	return off;
}

#endif /* _KTLS_PH_FUZZ_CURSOR_H */
