// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-replay-pha: run the post-handshake authentication fuzz target
 * (fuzz_pha.c) without libFuzzer, e.g. built with gcc
 * -fsanitize=address,undefined.
 *
 *	fuzz-replay-pha [-n RUNS] [-s SEED] [FILE|DIR]...
 *
 * Runs the target on each FILE and on each regular file in each DIR, then on
 * RUNS pseudo-random inputs (default 0) from a fixed SEED (default 1): a
 * quarter of them random bytes, the rest bodies built field by field:
 * CertificateRequests (contexts of every size class; signature_algorithms
 * mostly well-formed, sometimes odd, empty, mismatched or absent;
 * compress_certificate, certificate_authorities, unknown and high types,
 * some repeated, now and then thousands of them), client Certificates (0 to
 * 4 entries, empty cert_data now and then, entry extensions, some
 * repeated), CertificateVerifys and Finished of 32 or 48 bytes and
 * neighbouring lengths; some then corrupted: a length off by a little, the
 * body cut short or extended, a bit flipped. Prints what the target saw.
 * An invariant violation or a sanitizer report aborts the run.
 */
#include "../../module/pha_msg.h"
#include "fuzz_pha.h"
#include "replay_lib.h"

/* The largest context, the largest block, slack */
#define GEN_INPUT_MAX	(1 + 255 + 2 + 0xffff + 16)

static const uint16_t schemes[] = {
	0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808,
	0x0401, 0x0201, 0x0a0a,
};

#define NR_SCHEMES	(sizeof(schemes) / sizeof(uint16_t))

/* A SignatureScheme: a known one mostly */
static uint32_t gen_scheme(void)
{
	return rnd(4) ? schemes[rnd(NR_SCHEMES)] : rnd(0x10000);
}

/* signature_algorithms' extension_data at @p: mostly well-formed */
static uint8_t *gen_sigalgs_data(uint8_t *p, size_t room)
{
	uint32_t n = 1 + rnd(rnd(8) ? 8 : 64), i;
	uint8_t *start = p;

	if ((size_t)2 + 2 * n > room)
		n = 1;
	switch (rnd(16)) {
	case 0:		/* empty list */
		return put16(p, 0);
	case 1:		/* odd list */
		p = put16(p, 3);
		return put_random(p, 3);
	case 2:		/* no list at all */
		return p;
	}
	p = put16(p, 2 * n);
	for (i = 0; i < n; i++)
		p = put16(p, gen_scheme());
	if (!rnd(16))	/* list length off by one */
		put16(start, 2 * n + (rnd(2) ? 1 : -1));
	return p;
}

/* An extension type of a CertificateRequest (signature_algorithms aside) */
static uint32_t gen_type(const uint32_t *types, size_t n)
{
	static const uint32_t known[] = {
		KTLS_PH_EXT_COMPRESS_CERTIFICATE,
		KTLS_PH_EXT_CERTIFICATE_AUTHORITIES,
		48, 50, 5, 18,
	};

	switch (rnd(8)) {
	case 0:
	case 1:
	case 2:
		return known[rnd(sizeof(known) / sizeof(uint32_t))];
	case 3:
		return rnd(64);
	case 4:
		return 0x0a0a + 0x1010 * rnd(16);
	case 5:
		return rnd(0x10000);
	case 6:
		return n ? types[rnd(n)] : rnd(0x10000);	/* a repeat */
	default:
		return 64 + rnd(4096 - 64);
	}
}

/* A CertificateRequest's extensions into @p, at most @room bytes */
static size_t gen_cr_extensions(uint8_t *p, size_t room)
{
	static uint32_t types[0x10000 / 4];
	uint32_t type, len, stride, n = 0, i, max, at;
	uint8_t *start = p, *q;

	if (!rnd(256)) {
		/* thousands of empty extensions, types spread by an odd stride */
		max = 1 + rnd((room - 8) / 4);
		stride = 1 + 2 * rnd(0x8000);
		type = rnd(0x10000);
		at = rnd(max);
		for (i = 0; i < max; i++) {
			if (i == at) {
				p = put16(p, KTLS_PH_EXT_SIGNATURE_ALGORITHMS);
				p = put16(p, 4);
				p = put16(p, 2);
				p = put16(p, 0x0403);
			}
			p = put16(p, type);
			p = put16(p, 0);
			type = (type + stride) & 0xffff;
		}
		if (max > 1 && rnd(2))	/* one repeat */
			put16(p - 4 * (1 + rnd(max - 1)), type - stride);
		return p - start;
	}
	/* signature_algorithms first, last or somewhere, or not at all */
	at = rnd(8) ? rnd(4) : 99;
	for (max = rnd(4) ? rnd(5) : rnd(64); n <= max; n++) {
		type = n == at ? KTLS_PH_EXT_SIGNATURE_ALGORITHMS :
		       gen_type(types, n);
		if ((size_t)(p - start) + 4 + 300 > room)
			break;
		types[n] = type;
		q = put16(p, type);
		if (type == KTLS_PH_EXT_SIGNATURE_ALGORITHMS && rnd(8)) {
			len = gen_sigalgs_data(q + 2, 296) - (q + 2);
		} else {
			len = rnd(4) ? rnd(9) : rnd(296);
			put_random(q + 2, len);
		}
		put16(q, len);
		p = q + 2 + len;
	}
	return p - start;
}

static size_t gen_certreq(uint8_t *out)
{
	uint8_t *p = out, *ext_len_at;
	size_t ctx_len, ext_len;

	ctx_len = gen_len(255);
	*p++ = ctx_len;
	p = put_random(p, ctx_len);
	ext_len_at = p;
	ext_len = gen_cr_extensions(p + 2, 0xffff);
	put16(ext_len_at, ext_len);
	return p + 2 + ext_len - out;
}

/* A client Certificate: context, then 0 to 4 CertificateEntry values */
static size_t gen_cert(uint8_t *out)
{
	uint32_t n = rnd(5), i, j, nr_ext, len, type = 0;
	uint8_t *p = out, *list_at, *ext_at;
	size_t ctx_len;

	ctx_len = rnd(2) ? rnd(33) : gen_len(255);
	*p++ = ctx_len;
	p = put_random(p, ctx_len);
	list_at = p;
	p += 3;
	for (i = 0; i < n; i++) {
		len = rnd(16) ? 1 + rnd(rnd(8) ? 64 : 2000) : 0;
		p = put24(p, len);
		p = put_random(p, len);
		ext_at = p;
		p += 2;
		nr_ext = rnd(4) ? 0 : rnd(4);
		for (j = 0; j < nr_ext; j++) {
			type = rnd(2) ? rnd(24) : type;
			len = rnd(8);
			p = put16(p, type);
			p = put16(p, len);
			p = put_random(p, len);
		}
		put16(ext_at, p - ext_at - 2);
	}
	put24(list_at, p - list_at - 3);
	return p - out;
}

static size_t gen_cert_verify(uint8_t *out)
{
	uint32_t len = rnd(8) ? rnd(600) : gen_len(0xffff);
	uint8_t *p = out;

	p = put16(p, gen_scheme());
	p = put16(p, len);
	return put_random(p, len) - out;
}

static size_t gen_finished(uint8_t *out)
{
	static const uint32_t lens[] = { 32, 48, 32, 48, 0, 31, 33, 47, 49 };
	uint32_t len = lens[rnd(sizeof(lens) / sizeof(uint32_t))];

	put_random(out, len);
	return len;
}

/* Corrupt a built body now and then: a length off, cut, extended, a bit */
static size_t corrupt(uint8_t *out, size_t len)
{
	uint32_t delta;

	if (!len)
		return len;
	switch (rnd(16)) {
	case 0:		/* a byte off by -2 to 2 among the first few */
		delta = rnd(5) - 2;
		out[rnd(len < 8 ? len : 8)] += delta;
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
	switch (rnd(16)) {
	case 0:
	case 1:
	case 2:
	case 3:
		return gen_random_input(out);
	case 4:
	case 5:
	case 6:
	case 7:
	case 8:
		return corrupt(out, gen_certreq(out));
	case 9:
	case 10:
	case 11:
		return corrupt(out, gen_cert(out));
	case 12:
	case 13:
		return corrupt(out, gen_cert_verify(out));
	default:
		return corrupt(out, gen_finished(out));
	}
}

int main(int argc, char **argv)
{
	static const struct replay_target target = {
		.name = "fuzz-replay-pha",
		.one_input = fuzz_pha_one_input,
		.gen_input = gen_input,
		.max_input = GEN_INPUT_MAX,
		.events = fuzz_pha_events,
		.event_names = fuzz_pha_event_names,
		.nr_events = FUZZ_PHA_NR_EVENTS,
	};

	return replay_main(&target, argc, argv);
}
