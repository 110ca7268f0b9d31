// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: TLS 1.3 handshake message framing (RFC 8446 section 4), the
 * reassembly of messages split across records (section 5.1) and the
 * KeyUpdate body (section 4.6.3). Built both in the kernel and, for fuzzing,
 * in userspace: only byte-buffer code here.
 */
#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/slab.h>
#include <linux/string.h>
#define ktls_ph_hs_alloc()	kmalloc(KTLS_PH_HS_MAX_MSG, GFP_KERNEL)
#else
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define ktls_ph_hs_alloc()	malloc(KTLS_PH_HS_MAX_MSG)
#endif

#include "hsmsg.h"

/**
 * ktls_ph_hs_next() - find the first complete handshake message in a buffer
 * @buf: bytes of the handshake stream
 * @len: number of bytes in @buf
 * @msg: filled with the message when one is complete
 *
 * Return: the number of bytes the message takes (header included, > 0),
 * KTLS_PH_HS_NEED_MORE when @buf holds only part of a message, or
 * KTLS_PH_HS_TOO_LONG when the declared length exceeds KTLS_PH_HS_MAX_MSG.
 */
int ktls_ph_hs_next(const u8 *buf, size_t len, struct ktls_ph_hs_msg *msg)
{
	u32 body_len;

	if (len < KTLS_PH_HS_HDR_LEN)
		return KTLS_PH_HS_NEED_MORE;
	body_len = (u32)buf[1] << 16 | (u32)buf[2] << 8 | buf[3];
	if (body_len > KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN)
		return KTLS_PH_HS_TOO_LONG;
	if (len - KTLS_PH_HS_HDR_LEN < body_len)
		return KTLS_PH_HS_NEED_MORE;
	msg->type = buf[0];
	msg->body = buf + KTLS_PH_HS_HDR_LEN;
	msg->len = body_len;
	return KTLS_PH_HS_HDR_LEN + body_len;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_hs_next);

/**
 * ktls_ph_keyupdate_parse() - parse a KeyUpdate body
 * @msg: a message of type KTLS_PH_HS_KEY_UPDATE
 * @update_requested: set to 0 or 1
 *
 * struct { KeyUpdateRequest request_update; } KeyUpdate, one byte.
 *
 * Return: 0, -EBADMSG for a body that is not exactly one byte (the caller
 * sends decode_error), -EINVAL for a value other than 0 or 1
 * (illegal_parameter).
 */
int ktls_ph_keyupdate_parse(const struct ktls_ph_hs_msg *msg,
			    int *update_requested)
{
	if (msg->len != 1)
		return -EBADMSG;
	if (msg->body[0] > 1)
		return -EINVAL;
	*update_requested = msg->body[0];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_keyupdate_parse);

static size_t ktls_ph_hs_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/**
 * ktls_ph_hs_feed() - feed one decrypted handshake record
 * @r: reassembly state of the connection's receive direction
 * @rec: the record's plaintext
 * @len: its length
 * @fn: called for each complete message, in order; a non-zero return
 *	stops the feed and is returned
 * @arg: passed to @fn
 *
 * A message begun in an earlier record is completed first; a message the
 * record leaves incomplete is kept in @r for the next one. Only the bytes
 * of the current message are ever buffered, so a message of up to
 * KTLS_PH_HS_MAX_MSG bytes fits whatever follows it in its last record.
 *
 * Return: 0; @fn's non-zero return; -ENODATA for a zero-length record (RFC
 * 8446 5.1: unexpected_message); -EBADMSG when a declared length exceeds
 * KTLS_PH_HS_MAX_MSG (decode_error); -ENOMEM.
 */
int ktls_ph_hs_feed(struct ktls_ph_hs_reasm *r, const u8 *rec, size_t len,
		    ktls_ph_hs_msg_fn fn, void *arg)
{
	struct ktls_ph_hs_msg m;
	size_t need, take;
	int n, err;

	if (!len)
		return -ENODATA;
	while (r->len && len) {
		/* complete the header, then the body, of the kept message */
		if (r->len < KTLS_PH_HS_HDR_LEN)
			need = KTLS_PH_HS_HDR_LEN - r->len;
		else
			need = KTLS_PH_HS_HDR_LEN - r->len +
			       ((u32)r->buf[1] << 16 | (u32)r->buf[2] << 8 |
				r->buf[3]);
		take = ktls_ph_hs_min(need, len);
		memcpy(r->buf + r->len, rec, take);
		r->len += take;
		rec += take;
		len -= take;
		n = ktls_ph_hs_next(r->buf, r->len, &m);
		if (n == KTLS_PH_HS_TOO_LONG)
			return -EBADMSG;
		if (n == KTLS_PH_HS_NEED_MORE)
			continue;
		r->len = 0;
		err = fn(arg, &m, !len);
		if (err)
			return err;
	}
	while (len) {
		n = ktls_ph_hs_next(rec, len, &m);
		if (n == KTLS_PH_HS_TOO_LONG)
			return -EBADMSG;
		if (n == KTLS_PH_HS_NEED_MORE)
			break;
		err = fn(arg, &m, (size_t)n == len);
		if (err)
			return err;
		rec += n;
		len -= n;
	}
	if (!len)
		return 0;
	if (!r->buf) {
		r->buf = ktls_ph_hs_alloc();
		if (!r->buf)
			return -ENOMEM;
	}
	memcpy(r->buf, rec, len);
	r->len = len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_hs_feed);
