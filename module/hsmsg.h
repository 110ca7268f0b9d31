/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: TLS 1.3 handshake message framing and post-handshake message
 * parsing. Pure functions on byte buffers, with no kernel dependencies
 * beyond the integer types, so the same file is built in userspace for
 * fuzzing (userspace/fuzz/).
 */
#ifndef _KTLS_PH_HSMSG_H
#define _KTLS_PH_HSMSG_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
typedef unsigned char u8;
typedef unsigned int u32;
#endif

/* RFC 8446 section 4: HandshakeType */
#define KTLS_PH_HS_NEW_SESSION_TICKET	4
#define KTLS_PH_HS_CERTIFICATE		11
#define KTLS_PH_HS_CERTIFICATE_REQUEST	13
#define KTLS_PH_HS_CERTIFICATE_VERIFY	15
#define KTLS_PH_HS_FINISHED		20
#define KTLS_PH_HS_KEY_UPDATE		24

#define KTLS_PH_HS_HDR_LEN	4
/* Largest post-handshake message ktls_ph accepts (a ticket or request) */
#define KTLS_PH_HS_MAX_MSG	(64 * 1024)

/* RFC 8446 section 6: AlertDescription values ktls_ph sends */
#define KTLS_PH_ALERT_UNEXPECTED_MESSAGE	10
#define KTLS_PH_ALERT_DECODE_ERROR		50
#define KTLS_PH_ALERT_ILLEGAL_PARAMETER		47
#define KTLS_PH_ALERT_INTERNAL_ERROR		80

/**
 * struct ktls_ph_hs_msg - one handshake message found in a buffer
 * @type: HandshakeType
 * @body: the message body (after the 4-byte header), inside the buffer
 * @len: body length
 */
struct ktls_ph_hs_msg {
	u8 type;
	const u8 *body;
	u32 len;
};

/* Return values of ktls_ph_hs_next() besides a consumed length */
#define KTLS_PH_HS_NEED_MORE	0	/* incomplete message: wait for more */
#define KTLS_PH_HS_TOO_LONG	(-1)	/* declared length over the limit */

/**
 * struct ktls_ph_hs_reasm - handshake messages split across records
 * @buf: KTLS_PH_HS_MAX_MSG bytes, allocated when a message first spans
 *	records (kmalloc() in the kernel, malloc() in userspace); the owner
 *	frees it
 * @len: bytes of an incomplete message in @buf (0: none)
 */
struct ktls_ph_hs_reasm {
	u8 *buf;
	u32 len;
};

/* Called for each complete message; @last: it ends the record */
typedef int (*ktls_ph_hs_msg_fn)(void *arg, const struct ktls_ph_hs_msg *m,
				 bool last);

int ktls_ph_hs_next(const u8 *buf, size_t len, struct ktls_ph_hs_msg *msg);
int ktls_ph_hs_feed(struct ktls_ph_hs_reasm *r, const u8 *rec, size_t len,
		    ktls_ph_hs_msg_fn fn, void *arg);
int ktls_ph_keyupdate_parse(const struct ktls_ph_hs_msg *msg,
			    int *update_requested);

#endif /* _KTLS_PH_HSMSG_H */
