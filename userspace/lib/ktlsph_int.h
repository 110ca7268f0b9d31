/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph internals shared by ktlsph.c and the TLS library glue
 * (ktlsph_ossl.c, ktlsph_gnutls.c). Not installed, not for applications.
 */
#ifndef KTLSPH_INT_H
#define KTLSPH_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Write a message to (err, errlen) if given; returns @ret. */
__attribute__((format(printf, 4, 5)))
static inline int fail(char *err, size_t errlen, int ret, const char *fmt,
		       ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/*
 * Netlink extended ACKs (ktlsph.c, also used by ktls-phd): the message in
 * the NLMSGERR_ATTR_* attributes at @attrs (@len bytes), or what is known
 * without one, into (@msg, @msglen); @msg is left alone if there is none.
 */
void ktlsph_extack_msg(char *msg, size_t msglen, void *attrs, int len);

/* The same for the attributes of the netlink error @e, if it has any. */
struct nlmsgerr;
void ktlsph_nlmsgerr_extack(struct nlmsgerr *e, char *msg, size_t msglen);

/* The value of hex digit @c, or -1. */
static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Success: an empty message. */
static inline void seterr_ok(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
}

#endif /* KTLSPH_INT_H */
