// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: NewSessionTicket parsing (RFC 8446 section 4.6.1):
 *
 *	struct {
 *		uint32 ticket_lifetime;
 *		uint32 ticket_age_add;
 *		opaque ticket_nonce<0..255>;
 *		opaque ticket<1..2^16-1>;
 *		Extension extensions<0..2^16-2>;
 *	} NewSessionTicket;
 *
 * Built both in the kernel and, for fuzzing, in userspace: only byte-buffer
 * code here.
 *
 * Repeated extension types (RFC 8446 4.2) are found exactly and in linear
 * time without allocating: a block of at most 65534 bytes holds up to 16383
 * extensions, too many to compare pairwise, and a bitmap of all 65536 types
 * (8 KiB) is too large for the stack. The types are split into 16 windows of
 * 4096; one walk over the block checks one window with a 512-byte bitmap.
 * The first walk also checks the framing and notes which other windows
 * occur; only those get a walk of their own. Every extension type IANA has
 * assigned lies in the first window, so a real ticket costs one walk; the
 * worst case is 16 walks over 16383 extensions.
 */
#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/export.h>
#else
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

#include "nst.h"

/* ticket_lifetime, ticket_age_add and the length byte of ticket_nonce */
#define KTLS_PH_NST_FIXED_LEN	9
/* extension_type and the length of extension_data */
#define KTLS_PH_NST_EXT_HDR_LEN	4
/* extensions<0..2^16-2> */
#define KTLS_PH_NST_MAX_EXT_LEN	0xfffe

/* extension types per window, and windows (see the top of this file) */
#define KTLS_PH_NST_WIN_SIZE	4096u
#define KTLS_PH_NST_NR_WIN	(0x10000 / KTLS_PH_NST_WIN_SIZE)

static u32 ktls_ph_nst_get16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

static u32 ktls_ph_nst_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Set bit @bit of @map; return whether it was set already. */
static bool ktls_ph_nst_test_set(u32 *map, u32 bit)
{
	u32 mask = 1u << (bit % 32);
	bool was = map[bit / 32] & mask;

	map[bit / 32] |= mask;
	return was;
}

/*
 * One walk over the extensions block of @n: checks that each extension
 * fits the block and that early_data has exactly its 4 bytes (recording it
 * in @n), sets bit w of *@wins for each window w other than @win that a
 * type falls in, and looks for a type repeated within window @win.
 *
 * Return: 0, KTLS_PH_ALERT_DECODE_ERROR (which takes precedence: the walk
 * goes on after a repeated type), or KTLS_PH_ALERT_ILLEGAL_PARAMETER for a
 * repeated type.
 */
static int ktls_ph_nst_walk(struct ktls_ph_nst *n, u32 win, u32 *wins)
{
	u32 seen[KTLS_PH_NST_WIN_SIZE / 32] = { 0 };
	u32 left = n->ext_len, type, len;
	const u8 *p = n->ext;
	int err = 0;

	while (left) {
		if (left < KTLS_PH_NST_EXT_HDR_LEN)
			return KTLS_PH_ALERT_DECODE_ERROR;
		type = ktls_ph_nst_get16(p);
		len = ktls_ph_nst_get16(p + 2);
		p += KTLS_PH_NST_EXT_HDR_LEN;
		left -= KTLS_PH_NST_EXT_HDR_LEN;
		if (len > left)
			return KTLS_PH_ALERT_DECODE_ERROR;
		if (type == KTLS_PH_EXT_EARLY_DATA) {
			/* struct { uint32 max_early_data_size; } EarlyDataIndication */
			if (len != 4)
				return KTLS_PH_ALERT_DECODE_ERROR;
			n->has_early_data = true;
			n->max_early_data = ktls_ph_nst_get32(p);
		}
		if (type / KTLS_PH_NST_WIN_SIZE != win)
			*wins |= 1u << (type / KTLS_PH_NST_WIN_SIZE);
		else if (ktls_ph_nst_test_set(seen, type % KTLS_PH_NST_WIN_SIZE))
			err = KTLS_PH_ALERT_ILLEGAL_PARAMETER;
		p += len;
		left -= len;
	}
	return err;
}

/**
 * ktls_ph_nst_parse() - parse a NewSessionTicket body
 * @msg: a message of type KTLS_PH_HS_NEW_SESSION_TICKET
 * @nst: filled on success, untouched on failure; its pointers point into
 *	@msg's body
 *
 * Every length must fit the body exactly. Unknown extensions are ignored
 * (RFC 8446 4.2: clients MUST ignore unrecognized extensions) but stay in
 * @nst->ext.
 *
 * Return: 0; KTLS_PH_ALERT_DECODE_ERROR for a message that does not decode:
 * another type, a field cut short, a ticket_nonce or ticket running past
 * the body, an empty ticket, an extensions length other than exactly what
 * is left of the body (or over 65534), an extension running past the block,
 * an early_data extension whose data is not 4 bytes; otherwise
 * KTLS_PH_ALERT_ILLEGAL_PARAMETER for a ticket_lifetime over
 * KTLS_PH_NST_MAX_LIFETIME or an extension type that occurs twice.
 */
int ktls_ph_nst_parse(const struct ktls_ph_hs_msg *msg, struct ktls_ph_nst *nst)
{
	struct ktls_ph_nst n = { 0 };
	const u8 *p = msg->body;
	u32 left = msg->len, wins = 0, win;
	int err;

	if (msg->type != KTLS_PH_HS_NEW_SESSION_TICKET ||
	    left < KTLS_PH_NST_FIXED_LEN)
		return KTLS_PH_ALERT_DECODE_ERROR;
	n.lifetime = ktls_ph_nst_get32(p);
	n.age_add = ktls_ph_nst_get32(p + 4);
	n.nonce_len = p[8];
	p += KTLS_PH_NST_FIXED_LEN;
	left -= KTLS_PH_NST_FIXED_LEN;

	/* the nonce, and the ticket's 2-byte length after it */
	if (left < n.nonce_len + 2u)
		return KTLS_PH_ALERT_DECODE_ERROR;
	n.nonce = p;
	n.ticket_len = ktls_ph_nst_get16(p + n.nonce_len);
	p += n.nonce_len + 2u;
	left -= n.nonce_len + 2u;

	/* the ticket, and the extensions' 2-byte length after it */
	if (!n.ticket_len || left < n.ticket_len + 2)
		return KTLS_PH_ALERT_DECODE_ERROR;
	n.ticket = p;
	n.ext_len = ktls_ph_nst_get16(p + n.ticket_len);
	p += n.ticket_len + 2;
	left -= n.ticket_len + 2;

	/* the extensions block ends the body */
	if (n.ext_len != left || n.ext_len > KTLS_PH_NST_MAX_EXT_LEN)
		return KTLS_PH_ALERT_DECODE_ERROR;
	n.ext = p;

	err = ktls_ph_nst_walk(&n, 0, &wins);
	if (err == KTLS_PH_ALERT_DECODE_ERROR)
		return err;
	if (n.lifetime > KTLS_PH_NST_MAX_LIFETIME)
		return KTLS_PH_ALERT_ILLEGAL_PARAMETER;
	/* the framing is checked: the other walks only look for repeats */
	for (win = 1; !err && win < KTLS_PH_NST_NR_WIN; win++)
		if (wins & 1u << win)
			err = ktls_ph_nst_walk(&n, win, &wins);
	if (err)
		return err;
	*nst = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_nst_parse);
