/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: the NewSessionTicket parser (module/nst.c). See
 * fuzz_nst.c.
 */
#ifndef _KTLS_PH_FUZZ_NST_H
#define _KTLS_PH_FUZZ_NST_H

#include <stddef.h>
#include <stdint.h>

/* What the target saw, summed over all inputs (printed by fuzz-replay-nst) */
enum fuzz_nst_event {
	FUZZ_NST_INPUTS,	/* bodies parsed */
	FUZZ_NST_OK,		/* tickets accepted */
	FUZZ_NST_EARLY_DATA,	/* ... with early_data */
	FUZZ_NST_OTHER_EXT,	/* ... with another extension */
	FUZZ_NST_HIGH_EXT,	/* ... with a type of 4096 or more */
	FUZZ_NST_ERR_DECODE,	/* decode_error */
	FUZZ_NST_ERR_LIFETIME,	/* illegal_parameter: lifetime over 7 days */
	FUZZ_NST_ERR_REPEAT,	/* illegal_parameter: repeated extension */
	FUZZ_NST_NR_EVENTS
};

extern unsigned long fuzz_nst_events[FUZZ_NST_NR_EVENTS];
extern const char * const fuzz_nst_event_names[FUZZ_NST_NR_EVENTS];

int fuzz_nst_one_input(const uint8_t *data, size_t size);

#endif /* _KTLS_PH_FUZZ_NST_H */
