/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: the ClientHello and ServerHello parsers of libktlsph's
 * OpenSSL glue (lib/hello.c). See fuzz_hello.c.
 */
#ifndef _KTLS_PH_FUZZ_HELLO_H
#define _KTLS_PH_FUZZ_HELLO_H

#include <stddef.h>
#include <stdint.h>

/* What the target saw, summed over all inputs (printed by fuzz-replay-hello) */
enum fuzz_hello_event {
	FUZZ_HELLO_INPUTS,	/* bodies parsed (by both parsers) */
	FUZZ_HELLO_PHA,		/* ClientHello: post_handshake_auth (1) */
	FUZZ_HELLO_NO_PHA,	/* ... none (0) */
	FUZZ_HELLO_NO_EXT,	/* ... none: no extensions block at all */
	FUZZ_HELLO_CH_BAD,	/* ... does not parse (-1) */
	FUZZ_HELLO_HRR,		/* ServerHello: a HelloRetryRequest (1) */
	FUZZ_HELLO_SH,		/* ... another ServerHello (0) */
	FUZZ_HELLO_SH_BAD,	/* ... does not parse (-1) */
	FUZZ_HELLO_NR_EVENTS
};

extern unsigned long fuzz_hello_events[FUZZ_HELLO_NR_EVENTS];
extern const char * const fuzz_hello_event_names[FUZZ_HELLO_NR_EVENTS];

int fuzz_hello_one_input(const uint8_t *data, size_t size);

#endif /* _KTLS_PH_FUZZ_HELLO_H */
