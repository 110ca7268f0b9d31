/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: NewSessionTicket parsing (RFC 8446 section 4.6.1). A pure
 * function on a byte buffer, with no kernel dependencies beyond the integer
 * types, so the same file is built in userspace for fuzzing
 * (userspace/fuzz/fuzz_nst.c).
 */
#ifndef _KTLS_PH_NST_H
#define _KTLS_PH_NST_H

#include "hsmsg.h"

/* RFC 8446 4.6.1: servers MUST NOT use any value greater than 7 days */
#define KTLS_PH_NST_MAX_LIFETIME	604800

/* RFC 8446 4.2: ExtensionType early_data */
#define KTLS_PH_EXT_EARLY_DATA		42

/**
 * struct ktls_ph_nst - a parsed NewSessionTicket
 * @lifetime: ticket_lifetime, in seconds (0: do not cache the ticket)
 * @age_add: ticket_age_add
 * @nonce: ticket_nonce<0..255>, inside the message
 * @nonce_len: its length
 * @ticket: ticket<1..2^16-1>, inside the message
 * @ticket_len: its length, 1 to 65535
 * @ext: the contents of the extensions block (without its 2-byte length),
 *	inside the message; every extension, unknown ones included
 * @ext_len: its length, 0 to 65534
 * @has_early_data: the early_data extension is present
 * @max_early_data: its max_early_data_size (0 without the extension)
 *
 * The pointers point into the message passed to ktls_ph_nst_parse(), which
 * must outlive the structure.
 */
struct ktls_ph_nst {
	u32 lifetime;
	u32 age_add;
	const u8 *nonce;
	u8 nonce_len;
	const u8 *ticket;
	u32 ticket_len;
	const u8 *ext;
	u32 ext_len;
	bool has_early_data;
	u32 max_early_data;
};

int ktls_ph_nst_parse(const struct ktls_ph_hs_msg *msg, struct ktls_ph_nst *nst);

#endif /* _KTLS_PH_NST_H */
