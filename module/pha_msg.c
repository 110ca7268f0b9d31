// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: messages of post-handshake client authentication (RFC 8446
 * 4.6.2):
 *
 *	struct {
 *		opaque certificate_request_context<0..2^8-1>;
 *		Extension extensions<2..2^16-1>;
 *	} CertificateRequest;
 *
 *	struct {
 *		opaque certificate_request_context<0..2^8-1>;
 *		CertificateEntry certificate_list<0..2^24-1>;
 *	} Certificate;
 *
 *	struct {
 *		opaque cert_data<1..2^24-1>;	(or ASN1_subjectPublicKeyInfo)
 *		Extension extensions<0..2^16-1>;
 *	} CertificateEntry;
 *
 *	struct {
 *		SignatureScheme algorithm;
 *		opaque signature<0..2^16-1>;
 *	} CertificateVerify;
 *
 *	struct {
 *		opaque verify_data[Hash.length];
 *	} Finished;
 *
 * Built both in the kernel and, for fuzzing, in userspace: only byte-buffer
 * code here.
 *
 * Repeated extension types (RFC 8446 4.2: "There MUST NOT be more than one
 * extension of the same type in a given extension block") are found as in
 * nst.c: the 65536 types are split into 16 windows of 4096, one walk over
 * the block checks one window with a 512-byte bitmap; the first walk also
 * checks the framing and notes which other windows occur. nst.c's walk also
 * decodes early_data into its own structure, so it is not shared: this is a
 * local copy of the same scheme.
 */
#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

#include "pha_msg.h"

/* extension_type and the length of extension_data */
#define KTLS_PH_PHA_EXT_HDR_LEN	4
/* extension types per window, and windows (see the top of this file) */
#define KTLS_PH_PHA_WIN_SIZE	4096u
#define KTLS_PH_PHA_NR_WIN	(0x10000 / KTLS_PH_PHA_WIN_SIZE)
/* the largest 3-byte length */
#define KTLS_PH_PHA_MAX24	0xffffffu

static u32 ktls_ph_pha_get16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

static u32 ktls_ph_pha_get24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static u8 *ktls_ph_pha_put16(u8 *p, u32 v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static u8 *ktls_ph_pha_put24(u8 *p, u32 v)
{
	p[0] = v >> 16;
	return ktls_ph_pha_put16(p + 1, v);
}

/* Set bit @bit of @map; return whether it was set already. */
static bool ktls_ph_pha_test_set(u32 *map, u32 bit)
{
	u32 mask = 1u << (bit % 32);
	bool was = map[bit / 32] & mask;

	map[bit / 32] |= mask;
	return was;
}

/*
 * signature_algorithms' extension_data: SignatureSchemeList,
 * supported_signature_algorithms<2..2^16-2>, exactly filling @len bytes.
 */
static int ktls_ph_pha_sigalgs(struct ktls_ph_certreq *cr, const u8 *p,
			       u32 len)
{
	u32 list_len;

	if (len < 2)
		return KTLS_PH_ALERT_DECODE_ERROR;
	list_len = ktls_ph_pha_get16(p);
	if (list_len != len - 2 || !list_len || list_len % 2)
		return KTLS_PH_ALERT_DECODE_ERROR;
	cr->sigalgs = p + 2;
	cr->sigalgs_len = list_len;
	return 0;
}

/*
 * One walk over the extensions block @ext of @len bytes: checks that each
 * extension fits the block, sets bit w of *@wins for each window w other
 * than @win that a type falls in, and looks for a type repeated within
 * window @win. With @cr (the first walk of a CertificateRequest), also
 * decodes signature_algorithms and notes the other extensions it knows.
 *
 * Return: 0, KTLS_PH_ALERT_DECODE_ERROR (which takes precedence: the walk
 * goes on after a repeated type), or KTLS_PH_ALERT_ILLEGAL_PARAMETER for a
 * repeated type.
 */
static int ktls_ph_pha_walk(const u8 *ext, u32 len, u32 win, u32 *wins,
			    struct ktls_ph_certreq *cr)
{
	u32 seen[KTLS_PH_PHA_WIN_SIZE / 32] = { 0 };
	u32 type, dlen;
	int err = 0;

	while (len) {
		if (len < KTLS_PH_PHA_EXT_HDR_LEN)
			return KTLS_PH_ALERT_DECODE_ERROR;
		type = ktls_ph_pha_get16(ext);
		dlen = ktls_ph_pha_get16(ext + 2);
		ext += KTLS_PH_PHA_EXT_HDR_LEN;
		len -= KTLS_PH_PHA_EXT_HDR_LEN;
		if (dlen > len)
			return KTLS_PH_ALERT_DECODE_ERROR;
		if (cr && type == KTLS_PH_EXT_SIGNATURE_ALGORITHMS &&
		    ktls_ph_pha_sigalgs(cr, ext, dlen))
			return KTLS_PH_ALERT_DECODE_ERROR;
		if (cr && type == KTLS_PH_EXT_COMPRESS_CERTIFICATE)
			cr->has_compress_cert = true;
		if (cr && type == KTLS_PH_EXT_CERTIFICATE_AUTHORITIES)
			cr->has_cert_authorities = true;
		if (type / KTLS_PH_PHA_WIN_SIZE != win)
			*wins |= 1u << (type / KTLS_PH_PHA_WIN_SIZE);
		else if (ktls_ph_pha_test_set(seen, type % KTLS_PH_PHA_WIN_SIZE))
			err = KTLS_PH_ALERT_ILLEGAL_PARAMETER;
		ext += dlen;
		len -= dlen;
	}
	return err;
}

/*
 * An extensions block: the framing, then repeated types in every window
 * that occurs. Return: 0, decode_error or illegal_parameter.
 */
static int ktls_ph_pha_ext_block(const u8 *ext, u32 len,
				 struct ktls_ph_certreq *cr)
{
	u32 wins = 0, win;
	int err;

	err = ktls_ph_pha_walk(ext, len, 0, &wins, cr);
	/* the framing is checked: the other walks only look for repeats */
	for (win = 1; !err && win < KTLS_PH_PHA_NR_WIN; win++)
		if (wins & 1u << win)
			err = ktls_ph_pha_walk(ext, len, win, &wins, NULL);
	return err;
}

/**
 * ktls_ph_certreq_parse() - parse a CertificateRequest body
 * @msg: a message of type KTLS_PH_HS_CERTIFICATE_REQUEST
 * @cr: filled on success, untouched on failure; its pointers point into
 *	@msg's body
 *
 * Every length must fit the body exactly. Unknown extensions are ignored
 * (RFC 8446 4.2) but stay in @cr->ext. The context is not checked against
 * earlier requests: that is connection state.
 *
 * Return: 0; KTLS_PH_ALERT_DECODE_ERROR for a message that does not decode:
 * another type, the context running past the body, an extensions length
 * other than exactly what is left of the body or under 2, an extension
 * running past the block, a signature_algorithms extension whose list is
 * empty, odd or not exactly its extension_data; otherwise
 * KTLS_PH_ALERT_ILLEGAL_PARAMETER for an extension type that occurs twice;
 * otherwise KTLS_PH_ALERT_MISSING_EXTENSION without signature_algorithms
 * (RFC 8446 4.3.2: it MUST be specified).
 */
int ktls_ph_certreq_parse(const struct ktls_ph_hs_msg *msg,
			  struct ktls_ph_certreq *cr)
{
	struct ktls_ph_certreq c = { 0 };
	const u8 *p = msg->body;
	u32 left = msg->len;
	int err;

	if (msg->type != KTLS_PH_HS_CERTIFICATE_REQUEST || !left)
		return KTLS_PH_ALERT_DECODE_ERROR;
	c.ctx_len = p[0];
	c.ctx = p + 1;
	/* the context, and the extensions' 2-byte length after it */
	if (left - 1 < c.ctx_len + 2u)
		return KTLS_PH_ALERT_DECODE_ERROR;
	c.ext_len = ktls_ph_pha_get16(p + 1 + c.ctx_len);
	c.ext = p + 3 + c.ctx_len;
	left -= 3 + c.ctx_len;
	if (c.ext_len != left || c.ext_len < 2)
		return KTLS_PH_ALERT_DECODE_ERROR;
	err = ktls_ph_pha_ext_block(c.ext, c.ext_len, &c);
	if (err)
		return err;
	if (!c.sigalgs)
		return KTLS_PH_ALERT_MISSING_EXTENSION;
	*cr = c;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_certreq_parse);

/**
 * ktls_ph_sigalg_offered() - whether a SignatureScheme is in a list
 * @sigalgs: a supported_signature_algorithms list (without its length), as
 *	in &struct ktls_ph_certreq
 * @sigalgs_len: its length in bytes (a trailing odd byte is ignored)
 * @scheme: the SignatureScheme
 *
 * Return: true when @scheme is one of the list's values.
 */
bool ktls_ph_sigalg_offered(const u8 *sigalgs, u32 sigalgs_len, u16 scheme)
{
	u32 i;

	for (i = 0; i + 2 <= sigalgs_len; i += 2)
		if (ktls_ph_pha_get16(sigalgs + i) == scheme)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_sigalg_offered);

/*
 * A certificate_list's contents: each CertificateEntry with cert_data of 1
 * byte or more and a well-formed extensions block. Return: the number of
 * entries, or -1 (decode_error, anywhere in the list) and otherwise -2
 * (illegal_parameter: a repeated extension type within an entry); *@leaf,
 * *@leaf_len: the first entry's cert_data.
 */
static int ktls_ph_pha_cert_list(const u8 *p, u32 len, const u8 **leaf,
				 u32 *leaf_len)
{
	u32 data_len, ext_len;
	bool repeat = false;
	int n = 0, err;

	while (len) {
		if (len < 3)
			return -1;
		data_len = ktls_ph_pha_get24(p);
		if (!data_len || len - 3 < data_len + 2)
			return -1;
		if (!n) {
			*leaf = p + 3;
			*leaf_len = data_len;
		}
		p += 3 + data_len;
		len -= 3 + data_len;
		ext_len = ktls_ph_pha_get16(p);
		if (len - 2 < ext_len)
			return -1;
		/* a repeat in one entry, a decode error in a later one: -1 */
		err = ktls_ph_pha_ext_block(p + 2, ext_len, NULL);
		if (err == KTLS_PH_ALERT_DECODE_ERROR)
			return -1;
		if (err)
			repeat = true;
		p += 2 + ext_len;
		len -= 2 + ext_len;
		n++;
	}
	return repeat ? -2 : n;
}

/* Constant-time inequality of @n bytes */
static bool ktls_ph_pha_memneq(const u8 *a, const u8 *b, u32 n)
{
	u8 diff = 0;
	u32 i;

	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff;
}

/**
 * ktls_ph_client_cert_parse() - parse the client's Certificate body
 * @msg: a message of type KTLS_PH_HS_CERTIFICATE
 * @ctx: the certificate_request_context of the CertificateRequest answered
 * @ctx_len: its length
 * @cert: filled on success, untouched on failure; its pointers point into
 *	@msg's body
 *
 * The certificates themselves are not looked at: cert_data is opaque here.
 *
 * Return: 0; KTLS_PH_ALERT_DECODE_ERROR for a message that does not decode:
 * another type, the context or certificate_list running past the body or
 * not ending it, a CertificateEntry with empty cert_data or running past
 * the list, an entry's extensions that do not decode; otherwise
 * KTLS_PH_ALERT_ILLEGAL_PARAMETER for a context other than @ctx or an
 * extension type repeated within an entry.
 */
int ktls_ph_client_cert_parse(const struct ktls_ph_hs_msg *msg,
			      const u8 *ctx, u32 ctx_len,
			      struct ktls_ph_client_cert *cert)
{
	struct ktls_ph_client_cert c = { 0 };
	const u8 *p = msg->body;
	u32 left = msg->len, mctx_len;
	int n;

	if (msg->type != KTLS_PH_HS_CERTIFICATE || !left)
		return KTLS_PH_ALERT_DECODE_ERROR;
	mctx_len = p[0];
	/* the context, and the list's 3-byte length after it */
	if (left - 1 < mctx_len + 3)
		return KTLS_PH_ALERT_DECODE_ERROR;
	c.list_len = ktls_ph_pha_get24(p + 1 + mctx_len);
	c.list = p + 4 + mctx_len;
	if (c.list_len != left - 4 - mctx_len)
		return KTLS_PH_ALERT_DECODE_ERROR;
	n = ktls_ph_pha_cert_list(c.list, c.list_len, &c.leaf, &c.leaf_len);
	if (n == -1)
		return KTLS_PH_ALERT_DECODE_ERROR;
	if (n < 0 || mctx_len != ctx_len ||
	    (ctx_len && memcmp(p + 1, ctx, ctx_len)))
		return KTLS_PH_ALERT_ILLEGAL_PARAMETER;
	c.nr_certs = n;
	*cert = c;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_client_cert_parse);

/**
 * ktls_ph_cert_verify_parse() - parse a CertificateVerify body
 * @msg: a message of type KTLS_PH_HS_CERTIFICATE_VERIFY
 * @sigalgs: the supported_signature_algorithms the CertificateRequest
 *	offered (&struct ktls_ph_certreq), or NULL not to check the scheme
 * @sigalgs_len: its length in bytes
 * @cv: filled on success, untouched on failure; @cv->sig points into
 *	@msg's body
 *
 * The signature itself is not verified here.
 *
 * Return: 0; KTLS_PH_ALERT_DECODE_ERROR for another type, a body shorter
 * than 4 bytes or a signature length other than exactly the rest of the
 * body; KTLS_PH_ALERT_ILLEGAL_PARAMETER for a scheme not in @sigalgs (RFC
 * 8446 4.4.3: it MUST be one of those offered).
 */
int ktls_ph_cert_verify_parse(const struct ktls_ph_hs_msg *msg,
			      const u8 *sigalgs, u32 sigalgs_len,
			      struct ktls_ph_cert_verify *cv)
{
	u32 scheme, sig_len;

	if (msg->type != KTLS_PH_HS_CERTIFICATE_VERIFY || msg->len < 4)
		return KTLS_PH_ALERT_DECODE_ERROR;
	scheme = ktls_ph_pha_get16(msg->body);
	sig_len = ktls_ph_pha_get16(msg->body + 2);
	if (sig_len != msg->len - 4)
		return KTLS_PH_ALERT_DECODE_ERROR;
	if (sigalgs && !ktls_ph_sigalg_offered(sigalgs, sigalgs_len, scheme))
		return KTLS_PH_ALERT_ILLEGAL_PARAMETER;
	cv->scheme = scheme;
	cv->sig = msg->body + 4;
	cv->sig_len = sig_len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_cert_verify_parse);

/**
 * ktls_ph_finished_parse() - check a Finished body
 * @msg: a message of type KTLS_PH_HS_FINISHED
 * @hash_len: the suite's hash length, 32 or 48
 * @expected: the verify_data computed locally (ktls_ph_ks_verify_data()),
 *	compared in constant time; NULL to check only the length
 *
 * Return: 0; KTLS_PH_ALERT_DECODE_ERROR for another type or a body of
 * another length than @hash_len; KTLS_PH_ALERT_DECRYPT_ERROR when
 * verify_data differs from @expected (RFC 8446 4.4.4); -EINVAL for a bad
 * @hash_len.
 */
int ktls_ph_finished_parse(const struct ktls_ph_hs_msg *msg, u32 hash_len,
			   const u8 *expected)
{
	if (hash_len != KTLS_PH_PHA_MIN_VERIFY_LEN &&
	    hash_len != KTLS_PH_PHA_MAX_VERIFY_LEN)
		return -EINVAL;
	if (msg->type != KTLS_PH_HS_FINISHED || msg->len != hash_len)
		return KTLS_PH_ALERT_DECODE_ERROR;
	if (expected && ktls_ph_pha_memneq(msg->body, expected, hash_len))
		return KTLS_PH_ALERT_DECRYPT_ERROR;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_finished_parse);

/* The 4-byte handshake header; @body_len fits 24 bits */
static u8 *ktls_ph_pha_hdr(u8 *p, u8 type, u32 body_len)
{
	p[0] = type;
	return ktls_ph_pha_put24(p + 1, body_len);
}

/**
 * ktls_ph_certreq_build() - write a CertificateRequest message
 * @buf: where to write the message, header included
 * @size: room in @buf
 * @ctx: certificate_request_context (RFC 8446 4.6.2: unique for the
 *	connection)
 * @ctx_len: its length, at most 255
 * @sigalgs: supported_signature_algorithms, 2-byte values (no length)
 * @sigalgs_len: its length in bytes, even, 2 to 65528
 *
 * The only extension is signature_algorithms.
 *
 * Return: the bytes written, -EINVAL for bad arguments, -ENOSPC when
 * @size is too small.
 */
int ktls_ph_certreq_build(u8 *buf, size_t size, const u8 *ctx, u32 ctx_len,
			  const u8 *sigalgs, u32 sigalgs_len)
{
	u32 len = KTLS_PH_HS_HDR_LEN + 1 + ctx_len + 2 + 4 + 2 + sigalgs_len;
	u8 *p;

	if (ctx_len > KTLS_PH_PHA_MAX_CTX_LEN || (ctx_len && !ctx) ||
	    !sigalgs || !sigalgs_len || sigalgs_len % 2 ||
	    sigalgs_len > 0xffff - 6)
		return -EINVAL;
	if (size < len)
		return -ENOSPC;
	p = ktls_ph_pha_hdr(buf, KTLS_PH_HS_CERTIFICATE_REQUEST,
			    len - KTLS_PH_HS_HDR_LEN);
	*p++ = ctx_len;
	if (ctx_len)
		memcpy(p, ctx, ctx_len);
	p += ctx_len;
	p = ktls_ph_pha_put16(p, 6 + sigalgs_len);
	p = ktls_ph_pha_put16(p, KTLS_PH_EXT_SIGNATURE_ALGORITHMS);
	p = ktls_ph_pha_put16(p, 2 + sigalgs_len);
	p = ktls_ph_pha_put16(p, sigalgs_len);
	memcpy(p, sigalgs, sigalgs_len);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_certreq_build);

/**
 * ktls_ph_cert_build() - write a Certificate message
 * @buf: where to write the message, header included
 * @size: room in @buf
 * @ctx: the certificate_request_context of the request answered
 * @ctx_len: its length, at most 255
 * @list: the contents of certificate_list (CertificateEntry values, without
 *	the list's 3-byte length), checked as ktls_ph_client_cert_parse()
 *	checks them; NULL or empty to decline
 * @list_len: its length
 *
 * Return: the bytes written, -EINVAL for bad arguments (a malformed
 * @list, a body over 2^24-1 bytes), -ENOSPC when @size is too small.
 */
int ktls_ph_cert_build(u8 *buf, size_t size, const u8 *ctx, u32 ctx_len,
		       const u8 *list, u32 list_len)
{
	const u8 *leaf;
	u32 leaf_len, body_len;
	u8 *p;

	if (ctx_len > KTLS_PH_PHA_MAX_CTX_LEN || (ctx_len && !ctx) ||
	    (list_len && !list) || list_len > KTLS_PH_PHA_MAX24 - 4 - ctx_len)
		return -EINVAL;
	if (ktls_ph_pha_cert_list(list, list_len, &leaf, &leaf_len) < 0)
		return -EINVAL;
	body_len = 1 + ctx_len + 3 + list_len;
	if (size < KTLS_PH_HS_HDR_LEN + body_len)
		return -ENOSPC;
	p = ktls_ph_pha_hdr(buf, KTLS_PH_HS_CERTIFICATE, body_len);
	*p++ = ctx_len;
	if (ctx_len)
		memcpy(p, ctx, ctx_len);
	p += ctx_len;
	p = ktls_ph_pha_put24(p, list_len);
	if (list_len)
		memcpy(p, list, list_len);
	return KTLS_PH_HS_HDR_LEN + body_len;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_cert_build);

/**
 * ktls_ph_cert_build_empty() - write an empty Certificate (declining)
 * @buf: where to write the message, header included
 * @size: room in @buf
 * @ctx: the certificate_request_context of the request declined
 * @ctx_len: its length, at most 255
 *
 * RFC 8446 4.4.2: a client without a suitable certificate sends a
 * Certificate with no certificates, then (without CertificateVerify)
 * Finished: 0b 00 00 LL, the context, then 00 00 00.
 *
 * Return: the bytes written (8 + @ctx_len), -EINVAL for bad arguments,
 * -ENOSPC when @size is too small.
 */
int ktls_ph_cert_build_empty(u8 *buf, size_t size, const u8 *ctx,
			     u32 ctx_len)
{
	return ktls_ph_cert_build(buf, size, ctx, ctx_len, NULL, 0);
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_cert_build_empty);

/**
 * ktls_ph_cert_verify_build() - write a CertificateVerify message
 * @buf: where to write the message, header included
 * @size: room in @buf
 * @scheme: SignatureScheme of the signature
 * @sig: the signature
 * @sig_len: its length, at most 65535
 *
 * Return: the bytes written, -EINVAL for bad arguments, -ENOSPC when
 * @size is too small.
 */
int ktls_ph_cert_verify_build(u8 *buf, size_t size, u16 scheme,
			      const u8 *sig, u32 sig_len)
{
	u32 len = KTLS_PH_HS_HDR_LEN + 4 + sig_len;
	u8 *p;

	if (sig_len > 0xffff || (sig_len && !sig))
		return -EINVAL;
	if (size < len)
		return -ENOSPC;
	p = ktls_ph_pha_hdr(buf, KTLS_PH_HS_CERTIFICATE_VERIFY, 4 + sig_len);
	p = ktls_ph_pha_put16(p, scheme);
	p = ktls_ph_pha_put16(p, sig_len);
	if (sig_len)
		memcpy(p, sig, sig_len);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_cert_verify_build);

/**
 * ktls_ph_finished_build() - write a Finished message
 * @buf: where to write the message, header included
 * @size: room in @buf
 * @verify_data: from ktls_ph_ks_verify_data()
 * @hash_len: its length: the suite's hash length, 32 or 48
 *
 * Return: the bytes written (4 + @hash_len), -EINVAL for bad arguments,
 * -ENOSPC when @size is too small.
 */
int ktls_ph_finished_build(u8 *buf, size_t size, const u8 *verify_data,
			   u32 hash_len)
{
	u8 *p;

	if (!verify_data || (hash_len != KTLS_PH_PHA_MIN_VERIFY_LEN &&
			     hash_len != KTLS_PH_PHA_MAX_VERIFY_LEN))
		return -EINVAL;
	if (size < KTLS_PH_HS_HDR_LEN + hash_len)
		return -ENOSPC;
	p = ktls_ph_pha_hdr(buf, KTLS_PH_HS_FINISHED, hash_len);
	memcpy(p, verify_data, hash_len);
	return KTLS_PH_HS_HDR_LEN + hash_len;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_finished_build);
