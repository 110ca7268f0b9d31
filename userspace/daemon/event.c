// SPDX-License-Identifier: GPL-2.0
/*
 * Decode a ktls_ph event (event-pop reply) and check every attribute the
 * daemon uses: size, range, presence, the role the event type is for, the
 * framing of the post-handshake authentication messages. Attributes this
 * version does not know are ignored (a newer module may add some).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <linux/ktls_ph.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <openssl/crypto.h>

#include "ktlsph.h"
#include "event.h"

/* How an attribute's payload is checked. */
enum kind { K_U16, K_U32, K_UINT, K_BINARY, K_STRING, K_NEST };

/* For which event types an attribute is required. */
#define NEED_TICKET	0x1u
#define NEED_CR		0x2u
#define NEED_CC		0x4u
#define NEED_PHA	(NEED_CR | NEED_CC)
#define NEED_ALL	(NEED_TICKET | NEED_PHA)

struct attr_rule {
	const char *name;	/* as in the YAML spec */
	enum kind kind;
	size_t min, max;	/* K_BINARY, K_STRING (without the NUL) */
	unsigned int required;	/* NEED_* of the types that need it */
};

/*
 * family, peer-addr and peer-port: the module puts them when the socket
 * has a peer address; a ticket is stored by it, a pha event does without
 * (the peer rules then see the server name only).
 */
static const struct attr_rule event_rules[KTLS_PH_A_EVENT_MAX + 1] = {
	[KTLS_PH_A_EVENT_ID] = { "id", K_UINT, 0, 0, NEED_ALL },
	[KTLS_PH_A_EVENT_TYPE] = { "type", K_U32, 0, 0, NEED_ALL },
	[KTLS_PH_A_EVENT_COOKIE] = { "cookie", K_UINT, 0, 0, NEED_PHA },
	[KTLS_PH_A_EVENT_ROLE] = { "role", K_U32, 0, 0, NEED_PHA },
	[KTLS_PH_A_EVENT_CIPHER_SUITE] = { "cipher-suite", K_U16, 0, 0,
					   NEED_ALL },
	[KTLS_PH_A_EVENT_FAMILY] = { "family", K_U16, 0, 0, NEED_TICKET },
	[KTLS_PH_A_EVENT_PEER_ADDR] = { "peer-addr", K_BINARY, 4, 16,
					NEED_TICKET },
	[KTLS_PH_A_EVENT_PEER_PORT] = { "peer-port", K_U16, 0, 0, NEED_TICKET },
	[KTLS_PH_A_EVENT_SERVER_NAME] = { "server-name", K_STRING, 1, 255, 0 },
	[KTLS_PH_A_EVENT_PEER_AUTH] = { "peer-auth", K_U32, 0, 0, 0 },
	[KTLS_PH_A_EVENT_TICKET] = { "ticket", K_NEST, 0, 0, NEED_TICKET },
	[KTLS_PH_A_EVENT_PHA] = { "pha", K_NEST, 0, 0, NEED_PHA },
};

static const struct attr_rule ticket_rules[KTLS_PH_A_TICKET_MAX + 1] = {
	[KTLS_PH_A_TICKET_LIFETIME] = { "ticket.lifetime", K_U32, 0, 0,
					NEED_TICKET },
	[KTLS_PH_A_TICKET_AGE_ADD] = { "ticket.age-add", K_U32, 0, 0,
				       NEED_TICKET },
	[KTLS_PH_A_TICKET_NONCE] = { "ticket.nonce", K_BINARY, 0, 255,
				     NEED_TICKET },
	[KTLS_PH_A_TICKET_TICKET] = { "ticket.ticket", K_BINARY, 1, 65535,
				      NEED_TICKET },
	[KTLS_PH_A_TICKET_MAX_EARLY_DATA] = { "ticket.max-early-data", K_U32,
					      0, 0, 0 },
	[KTLS_PH_A_TICKET_EXTENSIONS] = { "ticket.extensions", K_BINARY, 0,
					  65535, 0 },
	[KTLS_PH_A_TICKET_PSK] = { "ticket.psk", K_BINARY, 32,
				   KTLS_PH_MAX_SECRET_LEN, NEED_TICKET },
	[KTLS_PH_A_TICKET_RECEIVED_MS] = { "ticket.received-ms", K_UINT, 0, 0,
					   NEED_TICKET },
};

/*
 * The pha nest of an event-pop reply; decline, verdict and alert belong
 * to event-reply and are ignored here. Each message has at least its
 * 4-byte header.
 */
static const struct attr_rule pha_rules[KTLS_PH_A_PHA_MAX + 1] = {
	[KTLS_PH_A_PHA_TRANSCRIPT] = { "pha.transcript", K_BINARY, 4, 65535,
				       NEED_PHA },
	[KTLS_PH_A_PHA_REQUEST] = { "pha.request", K_BINARY, 4, 65535,
				    NEED_PHA },
	[KTLS_PH_A_PHA_CERTIFICATE] = { "pha.certificate", K_BINARY, 4, 65535,
					NEED_CC },
	[KTLS_PH_A_PHA_CERTIFICATE_VERIFY] = { "pha.certificate-verify",
					       K_BINARY, 4, 65535, 0 },
};

/* Handshake message types (RFC 8446 4). */
#define HS_CERTIFICATE		11
#define HS_CERTIFICATE_REQUEST	13
#define HS_CERTIFICATE_VERIFY	15
#define HS_FINISHED		20

/* NEED_* of event type @type (one this version handles). */
static unsigned int need_of(uint32_t type)
{
	switch (type) {
	case KTLS_PH_EVENT_TYPE_TICKET:
		return NEED_TICKET;
	case KTLS_PH_EVENT_TYPE_CERT_REQUEST:
		return NEED_CR;
	case KTLS_PH_EVENT_TYPE_CLIENT_CERT:
		return NEED_CC;
	}
	return 0;
}

static int everr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int everr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Check attribute @a (NULL: absent) against @r; @need: NEED_* of the
 * event's type.
 */
static int check_attr(const struct nlattr *a, const struct attr_rule *r,
		      unsigned int need, char *err, size_t errlen)
{
	const char *s;
	int len;

	if (!a) {
		if (need & r->required)
			return everr(err, errlen, "attribute %s missing",
				     r->name);
		return 0;
	}
	len = nla_len(a);
	switch (r->kind) {
	case K_U16:
		if (len != 2)
			return everr(err, errlen,
				     "attribute %s: %d bytes, expected 2",
				     r->name, len);
		break;
	case K_U32:
		if (len != 4)
			return everr(err, errlen,
				     "attribute %s: %d bytes, expected 4",
				     r->name, len);
		break;
	case K_UINT:
		if (len != 4 && len != 8)
			return everr(err, errlen,
				     "attribute %s: %d bytes, expected 4 or 8",
				     r->name, len);
		break;
	case K_BINARY:
		if ((size_t)len < r->min || (size_t)len > r->max)
			return everr(err, errlen,
				     "attribute %s: %d bytes, expected %zu to %zu",
				     r->name, len, r->min, r->max);
		break;
	case K_STRING:
		s = nla_data(a);
		/* the kernel's nla_put_string() includes the NUL */
		if (len > 0 && s[len - 1] == '\0')
			len--;
		if ((size_t)len < r->min || (size_t)len > r->max)
			return everr(err, errlen,
				     "attribute %s: %d bytes, expected %zu to %zu",
				     r->name, len, r->min, r->max);
		break;
	case K_NEST:
		break;
	}
	return 0;
}

static int check_all(struct nlattr **tb, const struct attr_rule *rules,
		     int max, unsigned int need, char *err, size_t errlen)
{
	int i, ret;

	for (i = 1; i <= max; i++) {
		if (!rules[i].name)
			continue;
		ret = check_attr(tb[i], &rules[i], need, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* NLA_UINT: 4 or 8 bytes (checked before). */
static uint64_t get_uint(const struct nlattr *a)
{
	uint64_t v64;
	uint32_t v32;

	if (nla_len(a) == sizeof(v64)) {
		memcpy(&v64, nla_data(a), sizeof(v64));
		return v64;
	}
	memcpy(&v32, nla_data(a), sizeof(v32));
	return v32;
}

const char *phd_event_type_name(uint32_t type)
{
	switch (type) {
	case KTLS_PH_EVENT_TYPE_TICKET:
		return "ticket";
	case KTLS_PH_EVENT_TYPE_CERT_REQUEST:
		return "cert-request";
	case KTLS_PH_EVENT_TYPE_CLIENT_CERT:
		return "client-cert";
	default:
		return "unknown";
	}
}

/* nla_parse_nested(), and no stray bytes after the last attribute. */
static int parse_nest(struct nlattr **tb, int max, struct nlattr *nest)
{
	struct nlattr *pos;
	int rem;

	/* libnl ignores bytes that do not form an attribute: we do not */
	nla_for_each_nested(pos, nest, rem)
		;
	if (rem > 0 || nla_parse_nested(tb, max, nest, NULL))
		return -EINVAL;
	return 0;
}

static int parse_ticket(struct nlattr *nest, struct phd_event *ev,
			char *err, size_t errlen)
{
	struct nlattr *tb[KTLS_PH_A_TICKET_MAX + 1];
	struct ktlsph_ticket *t = &ev->st.t;
	const struct ktlsph_suite *s;
	struct nlattr *a;
	int ret;

	if (parse_nest(tb, KTLS_PH_A_TICKET_MAX, nest))
		return everr(err, errlen, "attribute ticket: malformed nest");
	ret = check_all(tb, ticket_rules, KTLS_PH_A_TICKET_MAX, NEED_TICKET,
			err, errlen);
	if (ret)
		return ret;

	t->lifetime = nla_get_u32(tb[KTLS_PH_A_TICKET_LIFETIME]);
	if (t->lifetime > PHD_MAX_LIFETIME)
		return everr(err, errlen,
			     "ticket lifetime %u s is above 7 days (RFC 8446 4.6.1)",
			     t->lifetime);
	t->age_add = nla_get_u32(tb[KTLS_PH_A_TICKET_AGE_ADD]);
	a = tb[KTLS_PH_A_TICKET_MAX_EARLY_DATA];
	t->max_early_data = a ? nla_get_u32(a) : 0;
	a = tb[KTLS_PH_A_TICKET_EXTENSIONS];
	ev->extensions_len = a ? (size_t)nla_len(a) : 0;
	t->received_ms = get_uint(tb[KTLS_PH_A_TICKET_RECEIVED_MS]);

	a = tb[KTLS_PH_A_TICKET_NONCE];
	t->nonce_len = (size_t)nla_len(a);
	memcpy(t->nonce, nla_data(a), t->nonce_len);

	a = tb[KTLS_PH_A_TICKET_PSK];
	s = ktlsph_suite_by_id(t->cipher_suite);
	if ((size_t)nla_len(a) != s->hash_len)
		return everr(err, errlen,
			     "attribute ticket.psk: %d bytes, %s needs %zu",
			     nla_len(a), s->name, s->hash_len);
	t->psk_len = (size_t)nla_len(a);
	memcpy(t->psk, nla_data(a), t->psk_len);

	a = tb[KTLS_PH_A_TICKET_TICKET];
	t->ticket = malloc((size_t)nla_len(a));
	if (!t->ticket)
		return everr(err, errlen, "out of memory");
	t->ticket_len = (size_t)nla_len(a);
	memcpy(t->ticket, nla_data(a), t->ticket_len);
	return 0;
}

/* Length of the handshake message at @p (@len >= 4): header + body. */
static size_t hs_msg_len(const uint8_t *p)
{
	return 4 + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
}

/* @a must be exactly one whole handshake message of type @type. */
static int check_msg(const struct nlattr *a, uint8_t type, const char *name,
		     const char *what, char *err, size_t errlen)
{
	const uint8_t *p = nla_data(a);
	size_t len = (size_t)nla_len(a);

	if (p[0] != type)
		return everr(err, errlen,
			     "attribute %s: handshake message type %u, expected %u (%s)",
			     name, p[0], type, what);
	if (hs_msg_len(p) != len)
		return everr(err, errlen,
			     "attribute %s: %zu bytes for a %s of %zu bytes with its header",
			     name, len, what, hs_msg_len(p));
	return 0;
}

/* Whole handshake messages, the last one a Finished. */
static int check_transcript(const struct nlattr *a, char *err, size_t errlen)
{
	const uint8_t *p = nla_data(a);
	size_t len = (size_t)nla_len(a), off = 0, n;
	uint8_t last = 0;

	while (off < len) {
		if (len - off < 4 || hs_msg_len(p + off) > len - off)
			return everr(err, errlen,
				     "attribute pha.transcript: truncated handshake message at offset %zu of %zu",
				     off, len);
		n = hs_msg_len(p + off);
		last = p[off];
		off += n;
	}
	if (last != HS_FINISHED)
		return everr(err, errlen,
			     "attribute pha.transcript: the last message is of type %u, not a Finished (20)",
			     last);
	return 0;
}

static uint8_t *dup_attr(const struct nlattr *a, size_t *len)
{
	uint8_t *p = malloc((size_t)nla_len(a));

	if (p) {
		memcpy(p, nla_data(a), (size_t)nla_len(a));
		*len = (size_t)nla_len(a);
	}
	return p;
}

static int parse_pha(struct nlattr *nest, struct phd_event *ev,
		     char *err, size_t errlen)
{
	struct nlattr *tb[KTLS_PH_A_PHA_MAX + 1];
	struct phd_event_pha *pha = &ev->pha;
	unsigned int need = need_of(ev->type);
	const struct nlattr *t, *r, *c, *cv;
	int ret;

	if (parse_nest(tb, KTLS_PH_A_PHA_MAX, nest))
		return everr(err, errlen, "attribute pha: malformed nest");
	ret = check_all(tb, pha_rules, KTLS_PH_A_PHA_MAX, need, err, errlen);
	if (ret)
		return ret;
	t = tb[KTLS_PH_A_PHA_TRANSCRIPT];
	r = tb[KTLS_PH_A_PHA_REQUEST];
	c = tb[KTLS_PH_A_PHA_CERTIFICATE];
	cv = tb[KTLS_PH_A_PHA_CERTIFICATE_VERIFY];
	if (ev->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST && (c || cv))
		return everr(err, errlen,
			     "attribute %s in a cert-request event (the client's answer is the helper's to build)",
			     c ? "pha.certificate" : "pha.certificate-verify");
	ret = check_transcript(t, err, errlen);
	if (!ret)
		ret = check_msg(r, HS_CERTIFICATE_REQUEST, "pha.request",
				"CertificateRequest", err, errlen);
	if (!ret && c)
		ret = check_msg(c, HS_CERTIFICATE, "pha.certificate",
				"Certificate", err, errlen);
	if (!ret && cv)
		ret = check_msg(cv, HS_CERTIFICATE_VERIFY,
				"pha.certificate-verify", "CertificateVerify",
				err, errlen);
	if (ret)
		return ret;

	pha->transcript_len = (size_t)nla_len(t);
	pha->request_len = (size_t)nla_len(r);
	pha->buf = malloc(pha->transcript_len + pha->request_len);
	if (!pha->buf)
		return everr(err, errlen, "out of memory");
	memcpy(pha->buf, nla_data(t), pha->transcript_len);
	memcpy(pha->buf + pha->transcript_len, nla_data(r), pha->request_len);
	if (c) {
		pha->certificate = dup_attr(c, &pha->certificate_len);
		if (!pha->certificate)
			return everr(err, errlen, "out of memory");
	}
	if (cv) {
		pha->certificate_verify = dup_attr(cv,
						   &pha->certificate_verify_len);
		if (!pha->certificate_verify)
			return everr(err, errlen, "out of memory");
	}
	return 0;
}

/* family, peer-addr, peer-port: all three or (pha events) none. */
static int parse_peer(struct nlattr **tb, struct phd_event *ev, char *err,
		      size_t errlen)
{
	struct phd_stored_ticket *st = &ev->st;
	const struct nlattr *a;
	uint16_t family;
	int len;

	if (!tb[KTLS_PH_A_EVENT_FAMILY] && !tb[KTLS_PH_A_EVENT_PEER_ADDR] &&
	    !tb[KTLS_PH_A_EVENT_PEER_PORT])
		return 0;	/* a pha event (a ticket needs them) */
	if (!tb[KTLS_PH_A_EVENT_FAMILY] || !tb[KTLS_PH_A_EVENT_PEER_ADDR] ||
	    !tb[KTLS_PH_A_EVENT_PEER_PORT])
		return everr(err, errlen,
			     "attributes family, peer-addr and peer-port go together: %s missing",
			     !tb[KTLS_PH_A_EVENT_FAMILY] ? "family" :
			     !tb[KTLS_PH_A_EVENT_PEER_ADDR] ? "peer-addr" :
			     "peer-port");
	family = nla_get_u16(tb[KTLS_PH_A_EVENT_FAMILY]);
	a = tb[KTLS_PH_A_EVENT_PEER_ADDR];
	len = nla_len(a);
	if (family == AF_INET && len == 4)
		st->peer.family = AF_INET;
	else if (family == AF_INET6 && len == 16)
		st->peer.family = AF_INET6;
	else
		return everr(err, errlen,
			     "address family %u with a %d-byte peer-addr",
			     family, len);
	memcpy(st->peer.addr, nla_data(a), (size_t)len);
	/* big-endian on the wire (byte-order: big-endian in the spec) */
	st->peer.port = ntohs(nla_get_u16(tb[KTLS_PH_A_EVENT_PEER_PORT]));
	return 0;
}

static const char *role_name(uint32_t role)
{
	switch (role) {
	case KTLS_PH_ROLE_CLIENT:
		return "client";
	case KTLS_PH_ROLE_SERVER:
		return "server";
	}
	return "unknown";
}

/* The socket's role must be the one the event type is for. */
static int check_role(const struct phd_event *ev, char *err, size_t errlen)
{
	switch (ev->type) {
	case KTLS_PH_EVENT_TYPE_TICKET:
		if (ev->role != KTLS_PH_ROLE_CLIENT)
			return everr(err, errlen,
				     "a ticket for a socket of role %u (only clients receive tickets)",
				     ev->role);
		break;
	case KTLS_PH_EVENT_TYPE_CERT_REQUEST:
		if (ev->role != KTLS_PH_ROLE_CLIENT)
			return everr(err, errlen,
				     "a cert-request for a socket of role %u (%s): only client sockets are asked for a certificate",
				     ev->role, role_name(ev->role));
		break;
	case KTLS_PH_EVENT_TYPE_CLIENT_CERT:
		if (ev->role != KTLS_PH_ROLE_SERVER)
			return everr(err, errlen,
				     "a client-cert for a socket of role %u (%s): only server sockets check client certificates",
				     ev->role, role_name(ev->role));
		break;
	}
	return 0;
}

int phd_event_parse(const struct nlmsghdr *nlh, struct phd_event *ev,
		    char *err, size_t errlen)
{
	struct nlattr *tb[KTLS_PH_A_EVENT_MAX + 1];
	struct phd_stored_ticket *st = &ev->st;
	const struct nlattr *a;
	const char *name;
	unsigned int need;
	int ret, len, i;

	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KTLS_PH_A_EVENT_MAX,
			  NULL))
		return everr(err, errlen, "malformed message");
	/* id, type and cookie first: they name the event, even a bad one. */
	ret = check_attr(tb[KTLS_PH_A_EVENT_ID],
			 &event_rules[KTLS_PH_A_EVENT_ID], NEED_ALL, err,
			 errlen);
	if (ret)
		return ret;
	ev->id = get_uint(tb[KTLS_PH_A_EVENT_ID]);
	ret = check_attr(tb[KTLS_PH_A_EVENT_TYPE],
			 &event_rules[KTLS_PH_A_EVENT_TYPE], NEED_ALL, err,
			 errlen);
	if (ret)
		return ret;
	ev->type = nla_get_u32(tb[KTLS_PH_A_EVENT_TYPE]);
	need = need_of(ev->type);
	if (!need)
		return 0;
	a = tb[KTLS_PH_A_EVENT_COOKIE];
	if (a && !check_attr(a, &event_rules[KTLS_PH_A_EVENT_COOKIE], need,
			     NULL, 0)) {
		ev->cookie = get_uint(a);
		ev->have_cookie = 1;
	}

	ret = check_all(tb, event_rules, KTLS_PH_A_EVENT_MAX, need, err,
			errlen);
	if (ret)
		return ret;
	ev->role = KTLS_PH_ROLE_CLIENT;
	if (tb[KTLS_PH_A_EVENT_ROLE])
		ev->role = nla_get_u32(tb[KTLS_PH_A_EVENT_ROLE]);
	ret = check_role(ev, err, errlen);
	if (ret)
		return ret;

	st->t.cipher_suite = nla_get_u16(tb[KTLS_PH_A_EVENT_CIPHER_SUITE]);
	if (!ktlsph_suite_by_id(st->t.cipher_suite))
		return everr(err, errlen, "unknown cipher suite 0x%04x",
			     st->t.cipher_suite);

	ret = parse_peer(tb, ev, err, errlen);
	if (ret)
		return ret;

	a = tb[KTLS_PH_A_EVENT_SERVER_NAME];
	if (a) {
		name = nla_data(a);
		len = nla_len(a);
		if (name[len - 1] == '\0')
			len--;
		for (i = 0; i < len; i++)
			if (name[i] < 0x21 || name[i] > 0x7e)
				return everr(err, errlen,
					     "attribute server-name: byte 0x%02x at %d is not a printable ASCII character",
					     (unsigned char)name[i], i);
		memcpy(st->t.server_name, name, (size_t)len);
		st->t.server_name[len] = '\0';
	}
	st->t.peer_auth = KTLS_PH_PEER_AUTH_UNKNOWN;
	if (tb[KTLS_PH_A_EVENT_PEER_AUTH]) {
		uint32_t pa = nla_get_u32(tb[KTLS_PH_A_EVENT_PEER_AUTH]);

		if (pa > KTLS_PH_PEER_AUTH_PSK)
			return everr(err, errlen, "unknown peer-auth %u", pa);
		st->t.peer_auth = (int)pa;
	}
	if (ev->type == KTLS_PH_EVENT_TYPE_TICKET)
		return parse_ticket(tb[KTLS_PH_A_EVENT_TICKET], ev, err, errlen);
	return parse_pha(tb[KTLS_PH_A_EVENT_PHA], ev, err, errlen);
}

void phd_event_clear(struct phd_event *ev)
{
	phd_stored_ticket_clear(&ev->st);
	free(ev->pha.buf);
	free(ev->pha.certificate);
	free(ev->pha.certificate_verify);
	OPENSSL_cleanse(ev, sizeof(*ev));
}

size_t phd_reply_nest_len(const struct phd_reply *r)
{
	size_t n = NLA_HDRLEN;

	if (r->certificate)
		n += NLA_HDRLEN + NLA_ALIGN(r->certificate_len);
	if (r->certificate_verify)
		n += NLA_HDRLEN + NLA_ALIGN(r->certificate_verify_len);
	if (r->decline)
		n += NLA_HDRLEN;
	if (r->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT)
		n += NLA_HDRLEN + 4 + NLA_HDRLEN + NLA_ALIGN(1);
	return n;
}

void phd_reply_clear(struct phd_reply *r)
{
	free(r->certificate);
	free(r->certificate_verify);
	memset(r, 0, sizeof(*r));
}
