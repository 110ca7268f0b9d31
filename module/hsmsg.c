// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: TLS 1.3 handshake message framing (RFC 8446 section 4) and the
 * KeyUpdate body (section 4.6.3). Built both in the kernel and, for fuzzing,
 * in userspace: only byte-buffer code here.
 */
#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#else
#include <errno.h>
#define EXPORT_SYMBOL_IF_KUNIT(sym)
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
