/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the userspace unit tests: ok(cond, fmt, ...)
 * prints one "ok N - ..." or "not ok N - ..." line; main() prints the plan
 * and returns failed != 0.
 */
#ifndef KTLSPH_TAP_H
#define KTLSPH_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		passed++;
	else
		failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", passed + failed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#endif
