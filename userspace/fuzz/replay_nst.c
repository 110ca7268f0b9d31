// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-replay-nst: run the NewSessionTicket fuzz target (fuzz_nst.c)
 * without libFuzzer, e.g. built with gcc -fsanitize=address,undefined.
 *
 *	fuzz-replay-nst [-n RUNS] [-s SEED] [FILE|DIR]...
 *
 * Runs the target on each FILE and on each regular file in each DIR, then on
 * RUNS pseudo-random inputs (default 0) from a fixed SEED (default 1): a
 * quarter of them random bytes, the rest NewSessionTicket bodies built field
 * by field (lifetimes around the 7-day limit, nonces and tickets of every
 * size class, extensions of known, unknown and high types, some repeated,
 * now and then thousands of them), some then corrupted: a length off by a
 * little, the body cut short or extended, a bit flipped. Prints what the
 * target saw. An invariant violation or a sanitizer report aborts the run.
 */
#include "../../module/nst.h"
#include "fuzz_nst.h"
#include "replay_lib.h"

/* The fixed fields, the largest nonce and ticket, the largest block, slack */
#define GEN_INPUT_MAX	(9 + 255 + 2 + 0xffff + 2 + 0xffff + 16)

static uint32_t gen_lifetime(void)
{
	static const uint32_t lifetimes[] = {
		0, 1, 30, 7200, 86400, 604799, 604800, 604801, 0xffffffff,
	};

	if (rnd(4))
		return lifetimes[rnd(sizeof(lifetimes) / sizeof(uint32_t))];
	return rnd(4) ? rnd(604801) : rnd32();
}

/* An extension type: early_data, small, GREASE, any, or one seen before */
static uint32_t gen_type(const uint32_t *types, size_t n)
{
	switch (rnd(8)) {
	case 0:
	case 1:
		return KTLS_PH_EXT_EARLY_DATA;
	case 2:
	case 3:
		return rnd(64);
	case 4:
		return 0x0a0a + 0x1010 * rnd(16);
	case 5:
		return rnd(0x10000);
	default:
		return n ? types[rnd(n)] : rnd(0x10000);
	}
}

/* Extensions into @p, at most @room bytes: the block's length */
static size_t gen_extensions(uint8_t *p, size_t room)
{
	static uint32_t types[0x10000 / 4];
	uint32_t type, len, stride, n = 0, i, max;
	uint8_t *start = p;

	if (!rnd(1024)) {
		/* one extension filling @room bytes */
		p = put16(p, rnd(0x10000));
		p = put16(p, room - 4);
		put_random(p, room - 4);
		return room;
	}
	if (!rnd(256)) {
		/* thousands of empty extensions, types spread by an odd stride */
		max = 1 + rnd(room / 4);
		stride = 1 + 2 * rnd(0x8000);
		type = rnd(0x10000);
		for (i = 0; i < max; i++) {
			p = put16(p, type);
			p = put16(p, 0);
			type = (type + stride) & 0xffff;
		}
		if (max > 1 && rnd(2))	/* one repeat */
			put16(start + 4 * rnd(max), start[0] << 8 | start[1]);
		return p - start;
	}
	for (max = rnd(4) ? rnd(5) : rnd(64); n < max; n++) {
		type = gen_type(types, n);
		if (type == KTLS_PH_EXT_EARLY_DATA)
			len = rnd(8) ? 4 : rnd(9);
		else
			len = rnd(4) ? rnd(9) : rnd(300);
		if ((size_t)(p - start) + 4 + len > room)
			break;
		types[n] = type;
		p = put16(p, type);
		p = put16(p, len);
		p = put_random(p, len);
	}
	return p - start;
}

static size_t gen_nst(uint8_t *out)
{
	uint8_t *p = out, *ext_len_at;
	size_t nonce_len, ticket_len, ext_len, len;
	uint32_t delta;

	p = put32(p, gen_lifetime());
	p = put32(p, rnd32());
	nonce_len = gen_len(255);
	*p++ = nonce_len;
	p = put_random(p, nonce_len);
	ticket_len = rnd(8) ? 1 + rnd(200) : gen_len(0xffff);
	p = put16(p, ticket_len);
	p = put_random(p, ticket_len);
	ext_len_at = p;
	/* 0xffff: one more than extensions<0..2^16-2> allows */
	ext_len = gen_extensions(p + 2, rnd(2) ? 0xfffe : 0xffff);
	put16(ext_len_at, ext_len);
	len = p + 2 + ext_len - out;

	switch (rnd(16)) {
	case 0:		/* a length field off by -2 to 2 */
		delta = rnd(5) - 2;
		p = out + 9 + nonce_len;
		switch (rnd(3)) {
		case 0:
			out[8] += delta;
			break;
		case 1:
			put16(p, ticket_len + delta);
			break;
		default:
			put16(ext_len_at, ext_len + delta);
			break;
		}
		break;
	case 1:		/* cut short */
		len = rnd(len + 1);
		break;
	case 2:		/* trailing bytes */
		len = put_trailing(out, len);
		break;
	case 3:		/* a bit flipped */
		out[rnd(len)] ^= 1 << rnd(8);
		break;
	}
	return len;
}

static size_t gen_input(uint8_t *out)
{
	return rnd(4) ? gen_nst(out) : gen_random_input(out);
}

int main(int argc, char **argv)
{
	static const struct replay_target target = {
		.name = "fuzz-replay-nst",
		.one_input = fuzz_nst_one_input,
		.gen_input = gen_input,
		.max_input = GEN_INPUT_MAX,
		.events = fuzz_nst_events,
		.event_names = fuzz_nst_event_names,
		.nr_events = FUZZ_NST_NR_EVENTS,
	};

	return replay_main(&target, argc, argv);
}
