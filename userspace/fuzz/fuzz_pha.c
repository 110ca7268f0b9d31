// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph fuzz target: the post-handshake authentication messages,
 * module/pha_msg.c (built from the module's own source: the kernel runs the
 * same parsers and builders).
 *
 * Input: one handshake message body (without its 4-byte header), as
 * ktls_ph_hs_next() would pass it on; every parser sees it. The caller
 * (libFuzzer, fuzz-replay-pha) passes a buffer of the exact size, so that
 * AddressSanitizer sees any read past it.
 *
 * Invariants, checked with abort():
 * - each parser returns only its documented alerts, and the same as a
 *   second parser written here independently from RFC 8446 (a cursor over
 *   TLS vectors, a bitmap of all 65536 extension types): decode_error for
 *   anything that does not decode, then illegal_parameter, then (for a
 *   CertificateRequest) missing_extension;
 * - on failure the output is untouched; so it is for a message of another
 *   type, which is always decode_error;
 * - on success every field is what the second parser found and lies inside
 *   the input; and the builders, given the parsed fields, write back
 *   exactly the header and the input (Certificate, CertificateVerify,
 *   Finished), or a CertificateRequest that parses to the same context and
 *   signature_algorithms;
 * - a Certificate is accepted with its own context and refused
 *   (illegal_parameter) with any other; a CertificateVerify's scheme is
 *   refused when not offered; a Finished compares equal to its own bytes
 *   and unequal (decrypt_error) to them with one bit flipped.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../../module/pha_msg.h"
#include "fuzz_check.h"
#include "fuzz_cursor.h"
#include "fuzz_pha.h"

FUZZ_TARGET(fuzz_pha_one_input);

unsigned long fuzz_pha_events[FUZZ_PHA_NR_EVENTS];

const char * const fuzz_pha_event_names[FUZZ_PHA_NR_EVENTS] = {
	[FUZZ_PHA_INPUTS] = "bodies parsed",
	[FUZZ_PHA_CR_OK] = "CertificateRequest accepted",
	[FUZZ_PHA_CR_COMPRESS] = "  with compress_certificate",
	[FUZZ_PHA_CR_CA] = "  with certificate_authorities",
	[FUZZ_PHA_CR_DECODE] = "CertificateRequest decode_error",
	[FUZZ_PHA_CR_ILLEGAL] = "CertificateRequest illegal_parameter",
	[FUZZ_PHA_CR_MISSING] = "CertificateRequest missing_extension",
	[FUZZ_PHA_CERT_OK] = "Certificate accepted, certificates",
	[FUZZ_PHA_CERT_EMPTY] = "Certificate accepted, empty",
	[FUZZ_PHA_CERT_DECODE] = "Certificate decode_error",
	[FUZZ_PHA_CERT_ILLEGAL] = "Certificate illegal_parameter (ext)",
	[FUZZ_PHA_CV_OK] = "CertificateVerify accepted",
	[FUZZ_PHA_CV_NOT_OFFERED] = "CertificateVerify scheme not offered",
	[FUZZ_PHA_CV_DECODE] = "CertificateVerify decode_error",
	[FUZZ_PHA_FIN_OK] = "Finished accepted",
};

/* Largest message the builders write back here: header, 2^16 body, slack */
#define OUT_MAX	(4 + 0x10000 + 64)

/* ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ed25519 */
static const u8 offered[6] = { 0x04, 0x03, 0x08, 0x04, 0x08, 0x07 };

/* What the second parser makes of an extensions block */
struct ref_ext {
	bool repeat, compress, ca, sigalgs_bad;
	size_t sigalgs, sigalgs_len;	/* offset in the block, 0: none */
	bool has_sigalgs;
};

/*
 * 0 or decode_error; the rest in @r. @certreq: a CertificateRequest's block,
 * whose signature_algorithms is decoded (elsewhere it is opaque here)
 */
static int ref_walk(const uint8_t *ext, size_t len, bool certreq,
		    struct ref_ext *r)
{
	static uint8_t seen[0x10000 / 8];
	struct cursor c = { .p = ext, .len = len };
	size_t data, dlen, list, list_len;
	uint32_t type;

	memset(seen, 0, sizeof(seen));
	memset(r, 0, sizeof(*r));
	while (c.off < c.len) {
		type = get_int(&c, 2);
		data = get_vec(&c, 2, &dlen);
		if (c.bad)
			return KTLS_PH_ALERT_DECODE_ERROR;
		if (certreq && type == KTLS_PH_EXT_SIGNATURE_ALGORITHMS) {
			struct cursor s = { .p = ext + data, .len = dlen };

			list = get_vec(&s, 2, &list_len);
			if (s.bad || s.off != dlen || !list_len || list_len & 1)
				return KTLS_PH_ALERT_DECODE_ERROR;
			r->has_sigalgs = true;
			r->sigalgs = data + list;
			r->sigalgs_len = list_len;
		}
		if (type == KTLS_PH_EXT_COMPRESS_CERTIFICATE)
			r->compress = true;
		if (type == KTLS_PH_EXT_CERTIFICATE_AUTHORITIES)
			r->ca = true;
		if (seen[type / 8] & 1 << type % 8)
			r->repeat = true;
		seen[type / 8] |= 1 << type % 8;
	}
	return 0;
}

/* What the second parser makes of a CertificateRequest */
static int ref_certreq(const uint8_t *data, size_t size, size_t *ctx,
		       size_t *ctx_len, size_t *ext, size_t *ext_len,
		       struct ref_ext *r)
{
	struct cursor c = { .p = data, .len = size };

	*ctx = get_vec(&c, 1, ctx_len);
	*ext = get_vec(&c, 2, ext_len);
	if (c.bad || c.off != size || *ext_len < 2 ||
	    ref_walk(data + *ext, *ext_len, true, r))
		return KTLS_PH_ALERT_DECODE_ERROR;
	if (r->repeat)
		return KTLS_PH_ALERT_ILLEGAL_PARAMETER;
	if (!r->has_sigalgs)
		return KTLS_PH_ALERT_MISSING_EXTENSION;
	return 0;
}

static bool inside(const uint8_t *data, size_t size, const u8 *p, size_t len)
{
	uintptr_t start = (uintptr_t)data, at = (uintptr_t)p;

	return at >= start && at <= start + size && len <= start + size - at;
}

static void check_certreq(const uint8_t *data, size_t size)
{
	static uint8_t out[OUT_MAX];
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_CERTIFICATE_REQUEST, .body = data,
		.len = (u32)size,
	};
	struct ktls_ph_certreq cr, cr2, untouched;
	size_t ctx, ctx_len, ext, ext_len, i;
	struct ref_ext r;
	int err, ref, n;

	ref = ref_certreq(data, size, &ctx, &ctx_len, &ext, &ext_len, &r);
	memset(&cr, 0xa5, sizeof(cr));
	memset(&untouched, 0xa5, sizeof(untouched));
	err = ktls_ph_certreq_parse(&m, &cr);
	FUZZ_CHECK(err == ref);
	switch (err) {
	case 0:
		break;
	case KTLS_PH_ALERT_DECODE_ERROR:
		fuzz_pha_events[FUZZ_PHA_CR_DECODE]++;
		break;
	case KTLS_PH_ALERT_ILLEGAL_PARAMETER:
		fuzz_pha_events[FUZZ_PHA_CR_ILLEGAL]++;
		break;
	case KTLS_PH_ALERT_MISSING_EXTENSION:
		fuzz_pha_events[FUZZ_PHA_CR_MISSING]++;
		break;
	default:
		FUZZ_CHECK(!"unexpected CertificateRequest result");
	}
	if (err) {
		FUZZ_CHECK(!memcmp(&cr, &untouched, sizeof(cr)));
		return;
	}
	FUZZ_CHECK(cr.ctx == data + ctx && cr.ctx_len == ctx_len);
	FUZZ_CHECK(cr.ext == data + ext && cr.ext_len == ext_len);
	FUZZ_CHECK(cr.ext + cr.ext_len == data + size);
	FUZZ_CHECK(cr.sigalgs == data + ext + r.sigalgs &&
		   cr.sigalgs_len == r.sigalgs_len);
	FUZZ_CHECK(inside(data, size, cr.sigalgs, cr.sigalgs_len));
	FUZZ_CHECK(cr.sigalgs_len >= 2 && !(cr.sigalgs_len & 1));
	FUZZ_CHECK(cr.has_compress_cert == r.compress);
	FUZZ_CHECK(cr.has_cert_authorities == r.ca);
	for (i = 0; i < cr.sigalgs_len; i += 2)
		FUZZ_CHECK(ktls_ph_sigalg_offered(cr.sigalgs, cr.sigalgs_len,
						  cr.sigalgs[i] << 8 |
						  cr.sigalgs[i + 1]));
	fuzz_pha_events[FUZZ_PHA_CR_OK]++;
	if (cr.has_compress_cert)
		fuzz_pha_events[FUZZ_PHA_CR_COMPRESS]++;
	if (cr.has_cert_authorities)
		fuzz_pha_events[FUZZ_PHA_CR_CA]++;

	/* built again from the context and list: the same again */
	n = ktls_ph_certreq_build(out, sizeof(out), cr.ctx, cr.ctx_len,
				  cr.sigalgs, cr.sigalgs_len);
	if (cr.sigalgs_len > 0xffff - 6) {
		FUZZ_CHECK(n == -EINVAL);
		return;
	}
	FUZZ_CHECK(n == (int)(4 + 1 + cr.ctx_len + 2 + 6 + cr.sigalgs_len));
	FUZZ_CHECK(ktls_ph_certreq_build(out, n - 1, cr.ctx, cr.ctx_len,
					 cr.sigalgs, cr.sigalgs_len) == -ENOSPC);
	FUZZ_CHECK(out[0] == KTLS_PH_HS_CERTIFICATE_REQUEST &&
		   (out[1] << 16 | out[2] << 8 | out[3]) == n - 4);
	m.body = out + 4;
	m.len = n - 4;
	FUZZ_CHECK(ktls_ph_certreq_parse(&m, &cr2) == 0);
	FUZZ_CHECK(cr2.ctx_len == cr.ctx_len &&
		   !memcmp(cr2.ctx, cr.ctx, cr.ctx_len));
	FUZZ_CHECK(cr2.sigalgs_len == cr.sigalgs_len &&
		   !memcmp(cr2.sigalgs, cr.sigalgs, cr.sigalgs_len));
	FUZZ_CHECK(!cr2.has_compress_cert && !cr2.has_cert_authorities);
}

/*
 * The second parser on a certificate_list: -1 (decode_error), -2 (a type
 * repeated in an entry) or the number of entries.
 */
static long ref_cert_list(const uint8_t *list, size_t len, size_t *leaf,
			  size_t *leaf_len)
{
	struct cursor c = { .p = list, .len = len };
	size_t data, dlen, ext, ext_len;
	struct ref_ext r;
	bool repeat = false;
	long n = 0;

	while (c.off < c.len) {
		data = get_vec(&c, 3, &dlen);
		ext = get_vec(&c, 2, &ext_len);
		if (c.bad || !dlen || ref_walk(list + ext, ext_len, false, &r))
			return -1;
		repeat |= r.repeat;
		if (!n) {
			*leaf = data;
			*leaf_len = dlen;
		}
		n++;
	}
	return repeat ? -2 : n;
}

static void check_cert(const uint8_t *data, size_t size)
{
	static uint8_t out[OUT_MAX + 0x200];
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_CERTIFICATE, .body = data, .len = (u32)size,
	};
	struct ktls_ph_client_cert cert, untouched;
	size_t ctx, ctx_len, list, list_len, leaf = 0, leaf_len = 0;
	struct cursor c = { .p = data, .len = size };
	u8 other[256];
	long nr = -1, lst = -1;
	int err, ref, n;

	ctx = get_vec(&c, 1, &ctx_len);
	list = get_vec(&c, 3, &list_len);
	if (!c.bad)
		lst = ref_cert_list(data + list, list_len, &leaf, &leaf_len);
	if (!c.bad && c.off == size)
		nr = lst;
	ref = nr == -1 ? KTLS_PH_ALERT_DECODE_ERROR :
	      nr == -2 ? KTLS_PH_ALERT_ILLEGAL_PARAMETER : 0;

	/* with the message's own context */
	memset(&cert, 0xa5, sizeof(cert));
	memset(&untouched, 0xa5, sizeof(untouched));
	err = ktls_ph_client_cert_parse(&m, data + (size ? 1 : 0), ctx_len,
					&cert);
	FUZZ_CHECK(err == ref);
	if (err) {
		FUZZ_CHECK(!memcmp(&cert, &untouched, sizeof(cert)));
		fuzz_pha_events[err == KTLS_PH_ALERT_DECODE_ERROR ?
				FUZZ_PHA_CERT_DECODE :
				FUZZ_PHA_CERT_ILLEGAL]++;
	}

	/* with another context: one byte longer, then one byte changed */
	if (size)
		memcpy(other, data + 1, ctx_len);
	other[ctx_len] = 0x5a;
	FUZZ_CHECK(ktls_ph_client_cert_parse(&m, other, ctx_len + 1,
					     &untouched) ==
		   (ref ? ref : KTLS_PH_ALERT_ILLEGAL_PARAMETER));
	if (ctx_len) {
		other[ctx_len - 1] ^= 0x01;
		FUZZ_CHECK(ktls_ph_client_cert_parse(&m, other, ctx_len,
						     &untouched) ==
			   (ref ? ref : KTLS_PH_ALERT_ILLEGAL_PARAMETER));
	}
	FUZZ_CHECK(!memcmp(&cert, &untouched, sizeof(cert)) == !!err);

	/* the builder accepts exactly the lists the parser accepts */
	if (!c.bad && list_len <= OUT_MAX) {
		n = ktls_ph_cert_build(out, sizeof(out), data + ctx, ctx_len,
				       data + list, list_len);
		FUZZ_CHECK(lst < 0 ? n == -EINVAL : n == (int)(4 + c.off));
	}
	if (err)
		return;

	FUZZ_CHECK(cert.list == data + list && cert.list_len == list_len);
	FUZZ_CHECK(cert.list + cert.list_len == data + size);
	FUZZ_CHECK(cert.nr_certs == (u32)nr);
	if (nr) {
		FUZZ_CHECK(cert.leaf == data + list + leaf &&
			   cert.leaf_len == leaf_len && leaf_len);
		FUZZ_CHECK(inside(data, size, cert.leaf, cert.leaf_len));
		fuzz_pha_events[FUZZ_PHA_CERT_OK]++;
	} else {
		fuzz_pha_events[FUZZ_PHA_CERT_EMPTY]++;
	}
	/* written back: the header and the input */
	n = ktls_ph_cert_build(out, sizeof(out), data + 1, ctx_len, cert.list,
			       cert.list_len);
	FUZZ_CHECK(n == (int)(4 + size));
	FUZZ_CHECK(out[0] == KTLS_PH_HS_CERTIFICATE &&
		   (size_t)(out[1] << 16 | out[2] << 8 | out[3]) == size);
	FUZZ_CHECK(!memcmp(out + 4, data, size));
	FUZZ_CHECK(ktls_ph_cert_build(out, n - 1, data + 1, ctx_len,
				      cert.list, cert.list_len) == -ENOSPC);
	if (!nr)
		FUZZ_CHECK(ktls_ph_cert_build_empty(out, sizeof(out), data + 1,
						    ctx_len) == n &&
			   !memcmp(out + 4, data, size));
}

static void check_cert_verify(const uint8_t *data, size_t size)
{
	static uint8_t out[OUT_MAX];
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_CERTIFICATE_VERIFY, .body = data,
		.len = (u32)size,
	};
	struct ktls_ph_cert_verify cv, untouched;
	bool ok, in_offered;
	uint32_t scheme = 0;
	int err, n;
	size_t i;

	ok = size >= 4 && (size_t)(data[2] << 8 | data[3]) == size - 4;
	if (size >= 2)
		scheme = data[0] << 8 | data[1];
	in_offered = false;
	for (i = 0; i < sizeof(offered); i += 2)
		if ((uint32_t)(offered[i] << 8 | offered[i + 1]) == scheme)
			in_offered = true;

	memset(&cv, 0xa5, sizeof(cv));
	memset(&untouched, 0xa5, sizeof(untouched));
	err = ktls_ph_cert_verify_parse(&m, offered, sizeof(offered), &cv);
	FUZZ_CHECK(err == (!ok ? KTLS_PH_ALERT_DECODE_ERROR :
			   in_offered ? 0 : KTLS_PH_ALERT_ILLEGAL_PARAMETER));
	if (err) {
		FUZZ_CHECK(!memcmp(&cv, &untouched, sizeof(cv)));
		fuzz_pha_events[ok ? FUZZ_PHA_CV_NOT_OFFERED :
				FUZZ_PHA_CV_DECODE]++;
	}
	err = ktls_ph_cert_verify_parse(&m, NULL, 0, &cv);
	FUZZ_CHECK(err == (ok ? 0 : KTLS_PH_ALERT_DECODE_ERROR));
	if (err) {
		FUZZ_CHECK(!memcmp(&cv, &untouched, sizeof(cv)));
		return;
	}
	FUZZ_CHECK(cv.scheme == scheme && cv.sig == data + 4 &&
		   cv.sig_len == size - 4);
	fuzz_pha_events[FUZZ_PHA_CV_OK]++;
	n = ktls_ph_cert_verify_build(out, sizeof(out), cv.scheme, cv.sig,
				      cv.sig_len);
	FUZZ_CHECK(n == (int)(4 + size) && !memcmp(out + 4, data, size));
	FUZZ_CHECK(out[0] == KTLS_PH_HS_CERTIFICATE_VERIFY);
	FUZZ_CHECK(ktls_ph_cert_verify_build(out, n - 1, cv.scheme, cv.sig,
					     cv.sig_len) == -ENOSPC);
}

static void check_finished(const uint8_t *data, size_t size)
{
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_FINISHED, .body = data, .len = (u32)size,
	};
	static const u32 lens[] = { 32, 48 };
	u8 out[64], flipped[48];
	unsigned int i;
	int n;

	for (i = 0; i < 2; i++) {
		if (size != lens[i]) {
			FUZZ_CHECK(ktls_ph_finished_parse(&m, lens[i], NULL) ==
				   KTLS_PH_ALERT_DECODE_ERROR);
			continue;
		}
		FUZZ_CHECK(ktls_ph_finished_parse(&m, lens[i], NULL) == 0);
		FUZZ_CHECK(ktls_ph_finished_parse(&m, lens[i], data) == 0);
		memcpy(flipped, data, size);
		flipped[data[0] % size] ^= 1 << (data[1] % 8);
		FUZZ_CHECK(ktls_ph_finished_parse(&m, lens[i], flipped) ==
			   KTLS_PH_ALERT_DECRYPT_ERROR);
		n = ktls_ph_finished_build(out, sizeof(out), data, lens[i]);
		FUZZ_CHECK(n == (int)(4 + size) && !memcmp(out + 4, data, size));
		FUZZ_CHECK(out[0] == KTLS_PH_HS_FINISHED && out[3] == size);
		FUZZ_CHECK(ktls_ph_finished_build(out, n - 1, data, lens[i]) ==
			   -ENOSPC);
		fuzz_pha_events[FUZZ_PHA_FIN_OK]++;
	}
	FUZZ_CHECK(ktls_ph_finished_parse(&m, 33, NULL) == -EINVAL);
}

/* Each parser given a message of another type: decode_error, untouched */
static void check_wrong_types(const uint8_t *data, size_t size)
{
	struct ktls_ph_hs_msg m = {
		.type = KTLS_PH_HS_KEY_UPDATE, .body = data, .len = (u32)size,
	};
	struct ktls_ph_certreq cr, cr0;
	struct ktls_ph_client_cert cert, cert0;
	struct ktls_ph_cert_verify cv, cv0;

	memset(&cr, 0xa5, sizeof(cr));
	memset(&cr0, 0xa5, sizeof(cr0));
	memset(&cert, 0xa5, sizeof(cert));
	memset(&cert0, 0xa5, sizeof(cert0));
	memset(&cv, 0xa5, sizeof(cv));
	memset(&cv0, 0xa5, sizeof(cv0));
	FUZZ_CHECK(ktls_ph_certreq_parse(&m, &cr) ==
		   KTLS_PH_ALERT_DECODE_ERROR);
	FUZZ_CHECK(ktls_ph_client_cert_parse(&m, NULL, 0, &cert) ==
		   KTLS_PH_ALERT_DECODE_ERROR);
	FUZZ_CHECK(ktls_ph_cert_verify_parse(&m, NULL, 0, &cv) ==
		   KTLS_PH_ALERT_DECODE_ERROR);
	FUZZ_CHECK(ktls_ph_finished_parse(&m, 32, NULL) ==
		   KTLS_PH_ALERT_DECODE_ERROR);
	FUZZ_CHECK(!memcmp(&cr, &cr0, sizeof(cr)));
	FUZZ_CHECK(!memcmp(&cert, &cert0, sizeof(cert)));
	FUZZ_CHECK(!memcmp(&cv, &cv0, sizeof(cv)));
}

int fuzz_pha_one_input(const uint8_t *data, size_t size)
{
	fuzz_pha_events[FUZZ_PHA_INPUTS]++;
	check_certreq(data, size);
	check_cert(data, size);
	check_cert_verify(data, size);
	check_finished(data, size);
	check_wrong_types(data, size);
	return 0;
}
