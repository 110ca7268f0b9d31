// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-replay-hello: run the ClientHello and ServerHello fuzz target
 * (fuzz_hello.c) without libFuzzer, e.g. built with gcc
 * -fsanitize=address,undefined.
 *
 *	fuzz-replay-hello [-n RUNS] [-s SEED] [FILE|DIR]...
 *
 * Runs the target on each FILE and on each regular file in each DIR, then on
 * RUNS pseudo-random inputs (default 0) from a fixed SEED (default 1): some
 * random bytes (a few after the HelloRetryRequest random), the rest bodies
 * built field by field: ClientHellos (session ids of every size class, 0 to
 * 32767 cipher suites, odd lists, compression methods, no extensions block
 * or 0 to 63 extensions of known, GREASE and random types, with
 * post_handshake_auth (49) first, last, elsewhere, twice or absent, now and
 * then thousands of empty ones) and ServerHellos (the HelloRetryRequest
 * random, a random one or the HelloRetryRequest random with a bit flipped;
 * session id echo, suite, supported_versions, key_share, cookie); some then
 * corrupted: a length field off by a little or anything, the body cut short
 * (anywhere, or inside a given field) or extended, a bit flipped. Prints
 * what the target saw. An invariant violation or a sanitizer report aborts
 * the run.
 */
#include <string.h>

#include "fuzz_hello.h"
#include "replay_lib.h"

/* The largest ClientHello built here, slack */
#define GEN_INPUT_MAX	(2 + 32 + 1 + 255 + 2 + 0xffff + 1 + 255 + \
			 2 + 0xffff + 16)

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

#define EXT_PHA			49
#define EXT_SUPPORTED_VERSIONS	43
#define EXT_KEY_SHARE		51
#define EXT_COOKIE		44

/* The length fields of the body being built: where, how wide */
#define MAX_FIELDS	16
static struct {
	size_t off;
	unsigned int n;
} fields[MAX_FIELDS];
static unsigned int nr_fields;

/* Note a length field of @n bytes at @p (in the body at @out) */
static void note_field(const uint8_t *out, const uint8_t *p, unsigned int n)
{
	if (nr_fields < MAX_FIELDS) {
		fields[nr_fields].off = p - out;
		fields[nr_fields].n = n;
		nr_fields++;
	}
}

/* A session id: empty, 32 bytes (what OpenSSL sends), or another size */
static uint8_t *gen_session_id(uint8_t *out, uint8_t *p)
{
	uint32_t len;

	switch (rnd(4)) {
	case 0:
		len = 0;
		break;
	case 1:
	case 2:
		len = 32;
		break;
	default:
		len = gen_len(255);
		break;
	}
	note_field(out, p, 1);
	*p++ = len;
	return put_random(p, len);
}

static const uint16_t suites[] = {
	0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02b, 0xc02f, 0x00ff,
	0x0a0a,
};

#define NR_SUITES	(sizeof(suites) / sizeof(uint16_t))

/* A cipher suite: a known one mostly */
static uint32_t gen_suite(void)
{
	return rnd(4) ? suites[rnd(NR_SUITES)] : rnd(0x10000);
}

/* An extension type other than post_handshake_auth */
static uint32_t gen_type(void)
{
	static const uint32_t known[] = {
		0, 10, 11, 13, 16, 21, 22, 23, 35, 41, 42, 43, 44, 45, 50, 51,
		48, 0xff01,
	};
	uint32_t type;

	switch (rnd(4)) {
	case 0:
		type = rnd(64);
		break;
	case 1:
		type = 0x0a0a + 0x1010 * rnd(16);	/* GREASE */
		break;
	case 2:
		type = rnd(0x10000);
		break;
	default:
		type = known[rnd(sizeof(known) / sizeof(uint32_t))];
		break;
	}
	return type == EXT_PHA ? EXT_PHA + 1 : type;
}

/*
 * A ClientHello's extensions into @p, at most @room bytes (at least 300):
 * post_handshake_auth first, last, elsewhere, twice or not at all.
 */
static uint8_t *gen_ch_extensions(uint8_t *out, uint8_t *p, size_t room)
{
	uint32_t type, len, n, i, at, twice;
	uint8_t *start = p;

	if (!rnd(256)) {
		/* thousands of empty extensions, 49 somewhere or nowhere */
		n = 1 + rnd(room / 4);
		at = rnd(2) ? rnd(n) : n;
		for (i = 0; i < n; i++) {
			p = put16(p, i == at ? EXT_PHA : gen_type());
			p = put16(p, 0);
		}
		return p;
	}
	n = rnd(4) ? rnd(12) : rnd(64);
	switch (rnd(5)) {
	case 0:
		at = 0;
		break;
	case 1:
		at = n ? n - 1 : 0;
		break;
	case 2:
		at = n ? rnd(n) : 0;
		break;
	default:
		at = n;	/* absent */
		break;
	}
	twice = rnd(16) ? n : rnd(n + 1);
	for (i = 0; i < n; i++) {
		if ((size_t)(p - start) + 4 + 600 > room)
			break;
		type = i == at || i == twice ? EXT_PHA : gen_type();
		note_field(out, p + 2, 2);
		p = put16(p, type);
		if (type == EXT_PHA)	/* empty, as RFC 8446 4.2.6 wants */
			len = rnd(8) ? 0 : rnd(9);
		else if (type == 21)	/* padding */
			len = rnd(600);
		else
			len = rnd(4) ? rnd(9) : rnd(300);
		p = put16(p, len);
		p = put_random(p, len);
	}
	return p;
}

static size_t gen_client_hello(uint8_t *out)
{
	uint8_t *p = out, *at;
	uint32_t n, i, len;

	p = put16(p, rnd(8) ? 0x0303 : rnd(0x10000));
	if (rnd(16))
		p = put_random(p, 32);
	else
		p = (uint8_t *)memcpy(p, hrr_random, 32) + 32;
	p = gen_session_id(out, p);

	/* cipher_suites: a few mostly, now and then many; odd now and then */
	n = rnd(8) ? 1 + rnd(16) : rnd(8) ? rnd(200) : rnd(0x8000);
	note_field(out, p, 2);
	at = p;
	p += 2;
	for (i = 0; i < n; i++)
		p = put16(p, gen_suite());
	if (!rnd(16))
		*p++ = rnd(256);
	put16(at, p - at - 2);

	/* legacy_compression_methods: null only, mostly */
	note_field(out, p, 1);
	if (rnd(8)) {
		*p++ = 1;
		*p++ = 0;
	} else {
		len = gen_len(255);
		*p++ = len;
		p = put_random(p, len);
	}

	/* no extensions block at all now and then */
	if (!rnd(16))
		return p - out;
	note_field(out, p, 2);
	at = p;
	p = gen_ch_extensions(out, p + 2, 0xffff);
	put16(at, p - at - 2);
	return p - out;
}

static size_t gen_server_hello(uint8_t *out)
{
	uint8_t *p = out, *at, *ext;
	uint32_t n, i, len, type;

	p = put16(p, rnd(8) ? 0x0303 : rnd(0x10000));
	switch (rnd(4)) {
	case 0:
		p = put_random(p, 32);
		break;
	case 1:		/* one bit away from a HelloRetryRequest */
		memcpy(p, hrr_random, 32);
		p[rnd(32)] ^= 1 << rnd(8);
		p += 32;
		break;
	default:
		p = (uint8_t *)memcpy(p, hrr_random, 32) + 32;
		break;
	}
	p = gen_session_id(out, p);
	p = put16(p, gen_suite());
	*p++ = rnd(8) ? 0 : rnd(256);	/* legacy_compression_method */
	if (!rnd(16))
		return p - out;
	note_field(out, p, 2);
	at = p;
	p += 2;
	n = rnd(5);
	for (i = 0; i < n; i++) {
		ext = p;
		switch (rnd(4)) {
		case 0:
			type = EXT_SUPPORTED_VERSIONS;
			p = put16(p + 4, 0x0304);
			break;
		case 1:		/* a group (HelloRetryRequest) or a share */
			type = EXT_KEY_SHARE;
			p = put16(p + 4, rnd(2) ? 0x0017 : 0x001d);
			if (rnd(2)) {
				len = rnd(2) ? 32 : 65;
				p = put16(p, len);
				p = put_random(p, len);
			}
			break;
		case 2:
			type = EXT_COOKIE;
			len = rnd(64);
			p = put16(p + 4, len);
			p = put_random(p, len);
			break;
		default:
			type = gen_type();
			p = put_random(p + 4, rnd(9));
			break;
		}
		put16(ext, type);
		put16(ext + 2, p - ext - 4);
	}
	put16(at, p - at - 2);
	return p - out;
}

/*
 * Corrupt a built body now and then: a length field off, the body cut short
 * (anywhere or inside a field), extended, a bit flipped.
 */
static size_t corrupt(uint8_t *out, size_t len)
{
	uint32_t delta, v, i;
	size_t off;

	if (!len)
		return len;
	switch (rnd(12)) {
	case 0:
	case 1:		/* a length field off by -2 to 2, or anything */
		if (!nr_fields)
			break;
		i = rnd(nr_fields);
		off = fields[i].off;
		delta = rnd(8) ? rnd(5) - 2 : rnd(0x10000);
		if (fields[i].n == 1) {
			out[off] += delta;
		} else {
			v = out[off] << 8 | out[off + 1];
			put16(out + off, v + delta);
		}
		break;
	case 2:		/* cut short anywhere */
		len = rnd(len + 1);
		break;
	case 3:		/* cut inside or right after a field */
		if (!nr_fields)
			break;
		i = rnd(nr_fields);
		off = fields[i].off + rnd(fields[i].n + 3);
		if (off < len)
			len = off;
		break;
	case 4:		/* trailing bytes */
		len = put_trailing(out, len);
		break;
	case 5:		/* a bit flipped */
		out[rnd(len)] ^= 1 << rnd(8);
		break;
	}
	return len;
}

static size_t gen_input(uint8_t *out)
{
	size_t len;

	nr_fields = 0;
	switch (rnd(16)) {
	case 0:
	case 1:
		return gen_random_input(out);
	case 2:		/* the HelloRetryRequest random, then anything */
		put16(out, rnd(0x10000));
		memcpy(out + 2, hrr_random, 32);
		len = 2 + 32 + rnd(8);
		put_random(out + 2 + 32, len - 2 - 32);
		return len;
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
	case 8:
	case 9:
	case 10:
		return corrupt(out, gen_client_hello(out));
	default:
		return corrupt(out, gen_server_hello(out));
	}
}

int main(int argc, char **argv)
{
	static const struct replay_target target = {
		.name = "fuzz-replay-hello",
		.one_input = fuzz_hello_one_input,
		.gen_input = gen_input,
		.max_input = GEN_INPUT_MAX,
		.events = fuzz_hello_events,
		.event_names = fuzz_hello_event_names,
		.nr_events = FUZZ_HELLO_NR_EVENTS,
	};

	return replay_main(&target, argc, argv);
}
