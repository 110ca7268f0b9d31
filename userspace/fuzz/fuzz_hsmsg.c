// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph fuzz target: the handshake message parser and record reassembly,
 * module/hsmsg.c (built from the module's own source: the kernel runs the
 * same ktls_ph_hs_feed()), behind a model of what module/keyupdate.c does
 * with each complete message.
 *
 * Input: a sequence of decrypted handshake records, each introduced by one
 * byte L:
 *
 *	00..fd		a record of the next L bytes (00: a zero-length record)
 *	fe NH NL	a record of the next N bytes, N = NH << 8 | NL
 *	ff NH NL F	a record of N bytes of value F
 *
 * N is capped at FUZZ_MAX_RECORD (16384, the TLS plaintext limit). A record
 * cut short by the end of the input holds the bytes that are left; an
 * incomplete fe or ff header ends the input. Each record is copied into a
 * buffer of its exact size, so that AddressSanitizer sees any read past it.
 *
 * The records go through ktls_ph_hs_feed(); its callback mirrors
 * ktls_ph_rx_msg() in module/keyupdate.c for a client socket (without the
 * rekey and the counters): a bad KeyUpdate, a KeyUpdate that does not end
 * its record, a NewSessionTicket module/nst.c refuses and any message
 * other than KeyUpdate or NewSessionTicket are fatal and end the input
 * (the kernel fails the socket), as are the errors of ktls_ph_hs_feed()
 * itself.
 *
 * Invariants, checked with abort():
 * - ktls_ph_hs_next() returns what RFC 8446 framing, computed here
 *   independently, says; a message it returns lies inside the buffer, has
 *   the header's type and takes exactly 4 + body length bytes, never more
 *   than the buffer holds;
 * - ktls_ph_keyupdate_parse() returns only 0, -EBADMSG or -EINVAL, the
 *   right one for the body, and on success sets update_requested to 0 or
 *   1 as the body says;
 * - each message ktls_ph_hs_feed() reports checks out as above (it is
 *   re-parsed with ktls_ph_hs_next() from a copy of exactly its bytes);
 * - after each record the kept tail is at most KTLS_PH_HS_MAX_MSG bytes
 *   and is an incomplete message, and no byte was lost or counted twice.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../module/hsmsg.h"
#include "../../module/nst.h"
#include "fuzz_check.h"
#include "fuzz_hsmsg.h"

FUZZ_TARGET(fuzz_hsmsg_one_input);

unsigned long fuzz_hsmsg_events[FUZZ_NR_EVENTS];

const char * const fuzz_hsmsg_event_names[FUZZ_NR_EVENTS] = {
	[FUZZ_RECORDS] = "records",
	[FUZZ_MESSAGES] = "messages",
	[FUZZ_KEY_UPDATES] = "KeyUpdates accepted",
	[FUZZ_TICKETS] = "NewSessionTickets accepted",
	[FUZZ_TAILS] = "partial messages kept",
	[FUZZ_ERR_EMPTY] = "error: zero-length record",
	[FUZZ_ERR_TOO_LONG] = "error: declared length too long",
	[FUZZ_ERR_DECODE] = "error: KeyUpdate decode_error",
	[FUZZ_ERR_ILLEGAL] = "error: KeyUpdate illegal_parameter",
	[FUZZ_ERR_NOT_LAST] = "error: KeyUpdate not last in record",
	[FUZZ_ERR_UNEXPECTED] = "error: unexpected message",
	[FUZZ_ERR_TICKET] = "error: NewSessionTicket decode_error/illegal_parameter",
};

/* The part of struct ktls_ph_sock the receive path uses, and bookkeeping */
struct fuzz_sock {
	struct ktls_ph_hs_reasm hs;
	int fatal;
	size_t fed;		/* bytes of the records accepted */
	size_t consumed;	/* bytes of the messages acted on */
};

/* ktls_ph_hs_next(), checked against RFC 8446 framing */
static int fuzz_hs_next(const u8 *buf, size_t len, struct ktls_ph_hs_msg *m)
{
	uintptr_t start = (uintptr_t)buf, end = start + len, body;
	long want;
	u32 body_len;
	int n;

	n = ktls_ph_hs_next(buf, len, m);
	if (len < KTLS_PH_HS_HDR_LEN) {
		want = KTLS_PH_HS_NEED_MORE;
	} else {
		body_len = buf[1] << 16 | buf[2] << 8 | buf[3];
		if (body_len > KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN)
			want = KTLS_PH_HS_TOO_LONG;
		else if (len < KTLS_PH_HS_HDR_LEN + (size_t)body_len)
			want = KTLS_PH_HS_NEED_MORE;
		else
			want = KTLS_PH_HS_HDR_LEN + body_len;
	}
	FUZZ_CHECK(n == want);
	if (n <= 0)
		return n;
	body = (uintptr_t)m->body;
	FUZZ_CHECK(body >= start && body <= end && m->len <= end - body);
	FUZZ_CHECK(body == start + KTLS_PH_HS_HDR_LEN);
	FUZZ_CHECK(m->type == buf[0]);
	FUZZ_CHECK((size_t)n == KTLS_PH_HS_HDR_LEN + (size_t)m->len);
	FUZZ_CHECK((size_t)n <= len);
	fuzz_hsmsg_events[FUZZ_MESSAGES]++;
	return n;
}

/* ktls_ph_keyupdate_parse(), checked against the KeyUpdate body */
static int fuzz_keyupdate_parse(const struct ktls_ph_hs_msg *m, int *req)
{
	int want, err;

	if (m->len != 1)
		want = -EBADMSG;
	else if (m->body[0] > 1)
		want = -EINVAL;
	else
		want = 0;
	err = ktls_ph_keyupdate_parse(m, req);
	FUZZ_CHECK(err == 0 || err == -EBADMSG || err == -EINVAL);
	FUZZ_CHECK(err == want);
	if (!err)
		FUZZ_CHECK((*req == 0 || *req == 1) && *req == m->body[0]);
	return err;
}

static int fuzz_fatal(struct fuzz_sock *ph, enum fuzz_hsmsg_event ev, int err)
{
	fuzz_hsmsg_events[ev]++;
	ph->fatal = err;
	return err;
}

/* ktls_ph_rx_key_update() up to the rekey, which is not modelled */
static int fuzz_rx_key_update(struct fuzz_sock *ph,
			      const struct ktls_ph_hs_msg *m, bool last)
{
	int req, err;

	err = fuzz_keyupdate_parse(m, &req);
	if (err == -EBADMSG)
		return fuzz_fatal(ph, FUZZ_ERR_DECODE, -EBADMSG);
	if (err)
		return fuzz_fatal(ph, FUZZ_ERR_ILLEGAL, -EPROTO);
	if (!last)
		return fuzz_fatal(ph, FUZZ_ERR_NOT_LAST, -EPROTO);
	fuzz_hsmsg_events[FUZZ_KEY_UPDATES]++;
	return 0;
}

/* ktls_ph_rx_msg() on a client socket */
static int fuzz_rx_msg(void *arg, const struct ktls_ph_hs_msg *m, bool last)
{
	struct fuzz_sock *ph = arg;
	struct ktls_ph_hs_msg again;
	size_t n = KTLS_PH_HS_HDR_LEN + (size_t)m->len;
	u8 *copy;

	/* the message, on its own, frames as exactly itself */
	FUZZ_CHECK(n <= KTLS_PH_HS_MAX_MSG);
	copy = malloc(n);
	if (!copy)
		abort();
	copy[0] = m->type;
	copy[1] = m->len >> 16;
	copy[2] = m->len >> 8;
	copy[3] = m->len;
	memcpy(copy + KTLS_PH_HS_HDR_LEN, m->body, m->len);
	FUZZ_CHECK(fuzz_hs_next(copy, n, &again) == (int)n);
	free(copy);
	ph->consumed += n;
	switch (m->type) {
	case KTLS_PH_HS_KEY_UPDATE:
		return fuzz_rx_key_update(ph, m, last);
	case KTLS_PH_HS_NEW_SESSION_TICKET: {
		/* ktls_ph_ticket_rx() on a client socket, up to the event */
		struct ktls_ph_nst nst;
		int alert = ktls_ph_nst_parse(m, &nst);

		FUZZ_CHECK(alert == 0 || alert == KTLS_PH_ALERT_DECODE_ERROR ||
			   alert == KTLS_PH_ALERT_ILLEGAL_PARAMETER);
		if (alert)
			return fuzz_fatal(ph, FUZZ_ERR_TICKET, -EPROTO);
		fuzz_hsmsg_events[FUZZ_TICKETS]++;
		return 0;
	}
	}
	return fuzz_fatal(ph, FUZZ_ERR_UNEXPECTED, -EPROTO);
}

/* ktls_ph_rx_record() */
static int fuzz_rx_record(struct fuzz_sock *ph, const u8 *rec, size_t len)
{
	int err;

	err = ktls_ph_hs_feed(&ph->hs, rec, len, fuzz_rx_msg, ph);
	if (err == -ENODATA) {
		FUZZ_CHECK(!len);
		return fuzz_fatal(ph, FUZZ_ERR_EMPTY, -EPROTO);
	}
	if (err == -EBADMSG && !ph->fatal)
		return fuzz_fatal(ph, FUZZ_ERR_TOO_LONG, -EBADMSG);
	if (err == -ENOMEM)
		abort();
	FUZZ_CHECK(err == ph->fatal);
	if (!err && ph->hs.len)
		fuzz_hsmsg_events[FUZZ_TAILS]++;
	return err;
}

/* Take the next record off the input; false at its end. */
static bool fuzz_next_record(const uint8_t **data, size_t *size, u8 **rec,
			     size_t *len)
{
	const uint8_t *p = *data;
	size_t left = *size, hdr = 1, n;
	int fill = -1;

	if (!left)
		return false;
	n = p[0];
	if (p[0] >= 0xfe) {
		hdr = p[0] == 0xfe ? 3 : 4;
		if (left < hdr)
			return false;
		n = p[1] << 8 | p[2];
		if (n > FUZZ_MAX_RECORD)
			n = FUZZ_MAX_RECORD;
		if (p[0] == 0xff)
			fill = p[3];
	}
	p += hdr;
	left -= hdr;
	*rec = malloc(n ? n : 1);
	if (!*rec)
		abort();
	if (fill >= 0) {
		memset(*rec, fill, n);
	} else {
		if (n > left)
			n = left;
		memcpy(*rec, p, n);
		p += n;
		left -= n;
	}
	*data = p;
	*size = left;
	*len = n;
	return true;
}

int fuzz_hsmsg_one_input(const uint8_t *data, size_t size)
{
	struct fuzz_sock ph = { 0 };
	struct ktls_ph_hs_msg m;
	size_t len;
	u8 *rec;
	int err;

	while (fuzz_next_record(&data, &size, &rec, &len)) {
		fuzz_hsmsg_events[FUZZ_RECORDS]++;
		err = fuzz_rx_record(&ph, rec, len);
		free(rec);
		FUZZ_CHECK(err == ph.fatal);
		if (err)
			break;
		ph.fed += len;
		FUZZ_CHECK(ph.hs.len <= KTLS_PH_HS_MAX_MSG);
		FUZZ_CHECK(ph.fed == ph.consumed + ph.hs.len);
		if (ph.hs.len)
			FUZZ_CHECK(fuzz_hs_next(ph.hs.buf, ph.hs.len, &m) ==
				   KTLS_PH_HS_NEED_MORE);
	}
	free(ph.hs.buf);
	return 0;
}
