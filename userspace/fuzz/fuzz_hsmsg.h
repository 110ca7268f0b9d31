/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: the handshake message parser and record reassembly
 * (module/hsmsg.c). See fuzz_hsmsg.c.
 */
#ifndef _KTLS_PH_FUZZ_HSMSG_H
#define _KTLS_PH_FUZZ_HSMSG_H

#include <stddef.h>
#include <stdint.h>

/* Largest TLS plaintext record (RFC 8446 5.1), kTLS's TLS_MAX_PAYLOAD_SIZE */
#define FUZZ_MAX_RECORD	16384

/* What the model saw, summed over all inputs (printed by fuzz-replay) */
enum fuzz_hsmsg_event {
	FUZZ_RECORDS,		/* records passed to the model */
	FUZZ_MESSAGES,		/* complete messages found */
	FUZZ_KEY_UPDATES,	/* KeyUpdates accepted */
	FUZZ_TICKETS,		/* NewSessionTickets accepted */
	FUZZ_TAILS,		/* partial messages kept for the next record */
	FUZZ_ERR_EMPTY,		/* zero-length record */
	FUZZ_ERR_TOO_LONG,	/* declared length over KTLS_PH_HS_MAX_MSG */
	FUZZ_ERR_DECODE,	/* KeyUpdate body not one byte */
	FUZZ_ERR_ILLEGAL,	/* KeyUpdate request_update not 0 or 1 */
	FUZZ_ERR_NOT_LAST,	/* KeyUpdate not at the end of its record */
	FUZZ_ERR_UNEXPECTED,	/* any other message type */
	FUZZ_ERR_TICKET,	/* NewSessionTicket refused by nst.c */
	FUZZ_NR_EVENTS
};

extern unsigned long fuzz_hsmsg_events[FUZZ_NR_EVENTS];
extern const char * const fuzz_hsmsg_event_names[FUZZ_NR_EVENTS];

int fuzz_hsmsg_one_input(const uint8_t *data, size_t size);

#endif /* _KTLS_PH_FUZZ_HSMSG_H */
