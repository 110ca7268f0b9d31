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

/* Success: an empty message. */
static inline void seterr_ok(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
}

#endif /* KTLSPH_INT_H */
