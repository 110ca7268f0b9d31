// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-replay: run the ktls_ph fuzz target without libFuzzer, e.g. built with
 * gcc -fsanitize=address,undefined.
 *
 *	fuzz-replay [-n RUNS] [-s SEED] [FILE|DIR]...
 *
 * Runs the target on each FILE and on each regular file in each DIR, then on
 * RUNS pseudo-random inputs (default 0) from a fixed SEED (default 1): a
 * quarter of them random bytes, the rest handshake messages (mostly
 * KeyUpdate and NewSessionTicket, some near or over the size limit, some
 * corrupted) cut into records of random sizes, in the input format of
 * fuzz_hsmsg.c. Prints what the target saw. An invariant violation or a
 * sanitizer report aborts the run.
 */
#include <string.h>

#include "../../module/hsmsg.h"
#include "fuzz_hsmsg.h"
#include "replay_lib.h"

/* Up to four messages of KTLS_PH_HS_MAX_MSG bytes, and the records' framing */
#define GEN_STREAM_MAX	(4 * KTLS_PH_HS_MAX_MSG)
#define GEN_INPUT_MAX	(3 * GEN_STREAM_MAX)

static size_t gen_message(uint8_t *p)
{
	static const uint8_t types[] = {
		KTLS_PH_HS_KEY_UPDATE, KTLS_PH_HS_KEY_UPDATE,
		KTLS_PH_HS_KEY_UPDATE, KTLS_PH_HS_NEW_SESSION_TICKET,
		KTLS_PH_HS_NEW_SESSION_TICKET, KTLS_PH_HS_CERTIFICATE_REQUEST,
		KTLS_PH_HS_FINISHED, 0,
	};
	uint32_t type, len, body, fill, i;

	type = types[rnd(sizeof(types))];
	if (!type)
		type = rnd(256);
	if (type == KTLS_PH_HS_KEY_UPDATE)
		len = rnd(4) ? 1 : rnd(4);
	else
		len = rnd(64);
	switch (rnd(32)) {
	case 0:		/* at the limit */
		len = KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN - rnd(3);
		break;
	case 1:		/* over it */
		len = KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN + 1 + rnd(3);
		break;
	case 2:
		len = rnd(1 << 24);
		break;
	}
	p[0] = type;
	p[1] = len >> 16;
	p[2] = len >> 8;
	p[3] = len;
	body = len;
	if (body > KTLS_PH_HS_MAX_MSG - KTLS_PH_HS_HDR_LEN)
		body = rnd(8);
	fill = rnd(256);
	for (i = 0; i < body; i++) {
		if (type == KTLS_PH_HS_KEY_UPDATE)
			p[4 + i] = rnd(4) ? rnd(2) : rnd(256);
		else
			p[4 + i] = body > 64 ? fill : rnd(256);
	}
	return KTLS_PH_HS_HDR_LEN + body;
}

static size_t put_record(uint8_t *out, const uint8_t *rec, size_t len)
{
	size_t i;

	for (i = 1; i < len && rec[i] == rec[0]; i++)
		;
	if (len > 4 && i == len) {
		out[0] = 0xff;
		out[1] = len >> 8;
		out[2] = len;
		out[3] = rec[0];
		return 4;
	}
	if (len < 0xfe) {
		out[0] = len;
		memcpy(out + 1, rec, len);
		return 1 + len;
	}
	out[0] = 0xfe;
	out[1] = len >> 8;
	out[2] = len;
	memcpy(out + 3, rec, len);
	return 3 + len;
}

static size_t gen_input(uint8_t *out)
{
	static uint8_t stream[GEN_STREAM_MAX];
	size_t slen = 0, pos, len, n = 0;
	uint32_t nmsg;

	if (!rnd(4)) {
		len = rnd(512);
		for (n = 0; n < len; n++)
			out[n] = rnd(256);
		return len;
	}
	for (nmsg = 1 + rnd(4); nmsg; nmsg--)
		slen += gen_message(stream + slen);
	if (!rnd(8))
		stream[rnd(slen)] ^= 1 << rnd(8);
	for (pos = 0; pos < slen; pos += len) {
		if (!rnd(32))
			out[n++] = 0;	/* a zero-length record */
		switch (rnd(4)) {
		case 0:
			len = 1 + rnd(4);
			break;
		case 1:
			len = 1 + rnd(64);
			break;
		case 2:
			len = 1 + rnd(FUZZ_MAX_RECORD);
			break;
		default:
			len = slen - pos;
			break;
		}
		if (len > slen - pos)
			len = slen - pos;
		if (len > FUZZ_MAX_RECORD)
			len = FUZZ_MAX_RECORD;
		n += put_record(out + n, stream + pos, len);
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct replay_target target = {
		.name = "fuzz-replay",
		.one_input = fuzz_hsmsg_one_input,
		.gen_input = gen_input,
		.max_input = GEN_INPUT_MAX,
		.events = fuzz_hsmsg_events,
		.event_names = fuzz_hsmsg_event_names,
		.nr_events = FUZZ_NR_EVENTS,
	};

	return replay_main(&target, argc, argv);
}
