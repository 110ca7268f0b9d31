// SPDX-License-Identifier: GPL-2.0
/*
 * Decode a ktls_ph event (event-pop reply) and check every attribute the
 * daemon uses: size, range, presence. Attributes this version does not know
 * are ignored (a newer module may add some).
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

struct attr_rule {
	const char *name;	/* as in the YAML spec */
	enum kind kind;
	size_t min, max;	/* K_BINARY, K_STRING (without the NUL) */
	int required;		/* for a ticket event */
};

static const struct attr_rule event_rules[KTLS_PH_A_EVENT_MAX + 1] = {
	[KTLS_PH_A_EVENT_ID] = { "id", K_UINT, 0, 0, 1 },
	[KTLS_PH_A_EVENT_TYPE] = { "type", K_U32, 0, 0, 1 },
	[KTLS_PH_A_EVENT_COOKIE] = { "cookie", K_UINT, 0, 0, 0 },
	[KTLS_PH_A_EVENT_ROLE] = { "role", K_U32, 0, 0, 0 },
	[KTLS_PH_A_EVENT_CIPHER_SUITE] = { "cipher-suite", K_U16, 0, 0, 1 },
	[KTLS_PH_A_EVENT_FAMILY] = { "family", K_U16, 0, 0, 1 },
	[KTLS_PH_A_EVENT_PEER_ADDR] = { "peer-addr", K_BINARY, 4, 16, 1 },
	[KTLS_PH_A_EVENT_PEER_PORT] = { "peer-port", K_U16, 0, 0, 1 },
	[KTLS_PH_A_EVENT_SERVER_NAME] = { "server-name", K_STRING, 1, 255, 0 },
	[KTLS_PH_A_EVENT_PEER_AUTH] = { "peer-auth", K_U32, 0, 0, 0 },
	[KTLS_PH_A_EVENT_TICKET] = { "ticket", K_NEST, 0, 0, 1 },
};

static const struct attr_rule ticket_rules[KTLS_PH_A_TICKET_MAX + 1] = {
	[KTLS_PH_A_TICKET_LIFETIME] = { "ticket.lifetime", K_U32, 0, 0, 1 },
	[KTLS_PH_A_TICKET_AGE_ADD] = { "ticket.age-add", K_U32, 0, 0, 1 },
	[KTLS_PH_A_TICKET_NONCE] = { "ticket.nonce", K_BINARY, 0, 255, 1 },
	[KTLS_PH_A_TICKET_TICKET] = { "ticket.ticket", K_BINARY, 1, 65535, 1 },
	[KTLS_PH_A_TICKET_MAX_EARLY_DATA] = { "ticket.max-early-data", K_U32,
					      0, 0, 0 },
	[KTLS_PH_A_TICKET_EXTENSIONS] = { "ticket.extensions", K_BINARY, 0,
					  65535, 0 },
	[KTLS_PH_A_TICKET_PSK] = { "ticket.psk", K_BINARY, 32,
				   KTLS_PH_MAX_SECRET_LEN, 1 },
	[KTLS_PH_A_TICKET_RECEIVED_MS] = { "ticket.received-ms", K_UINT, 0, 0,
					   1 },
};

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

/* Check attribute @a (NULL: absent) against @r. */
static int check_attr(const struct nlattr *a, const struct attr_rule *r,
		      int need, char *err, size_t errlen)
{
	const char *s;
	int len;

	if (!a) {
		if (need && r->required)
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
		     int max, int need, char *err, size_t errlen)
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
	default:
		return "unknown";
	}
}

static int parse_ticket(struct nlattr *nest, struct phd_event *ev,
			char *err, size_t errlen)
{
	struct nlattr *tb[KTLS_PH_A_TICKET_MAX + 1];
	struct ktlsph_ticket *t = &ev->st.t;
	const struct ktlsph_suite *s;
	struct nlattr *a, *pos;
	int ret, rem;

	/* libnl ignores bytes that do not form an attribute: we do not */
	nla_for_each_nested(pos, nest, rem)
		;
	if (rem > 0 || nla_parse_nested(tb, KTLS_PH_A_TICKET_MAX, nest, NULL))
		return everr(err, errlen, "attribute ticket: malformed nest");
	ret = check_all(tb, ticket_rules, KTLS_PH_A_TICKET_MAX, 1, err,
			errlen);
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

int phd_event_parse(const struct nlmsghdr *nlh, struct phd_event *ev,
		    char *err, size_t errlen)
{
	struct nlattr *tb[KTLS_PH_A_EVENT_MAX + 1];
	struct phd_stored_ticket *st = &ev->st;
	const struct nlattr *a;
	const char *name;
	uint16_t family;
	int ret, len, i;

	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KTLS_PH_A_EVENT_MAX,
			  NULL))
		return everr(err, errlen, "malformed message");
	/* id and type first: they name the event in every message. */
	ret = check_attr(tb[KTLS_PH_A_EVENT_ID],
			 &event_rules[KTLS_PH_A_EVENT_ID], 1, err, errlen);
	if (ret)
		return ret;
	ev->id = get_uint(tb[KTLS_PH_A_EVENT_ID]);
	ret = check_attr(tb[KTLS_PH_A_EVENT_TYPE],
			 &event_rules[KTLS_PH_A_EVENT_TYPE], 1, err, errlen);
	if (ret)
		return ret;
	ev->type = nla_get_u32(tb[KTLS_PH_A_EVENT_TYPE]);
	if (ev->type != KTLS_PH_EVENT_TYPE_TICKET)
		return 0;

	ret = check_all(tb, event_rules, KTLS_PH_A_EVENT_MAX, 1, err, errlen);
	if (ret)
		return ret;
	if (tb[KTLS_PH_A_EVENT_COOKIE])
		ev->cookie = get_uint(tb[KTLS_PH_A_EVENT_COOKIE]);
	ev->role = KTLS_PH_ROLE_CLIENT;
	if (tb[KTLS_PH_A_EVENT_ROLE])
		ev->role = nla_get_u32(tb[KTLS_PH_A_EVENT_ROLE]);
	if (ev->role != KTLS_PH_ROLE_CLIENT)
		return everr(err, errlen,
			     "a ticket for a socket of role %u (only clients receive tickets)",
			     ev->role);

	st->t.cipher_suite = nla_get_u16(tb[KTLS_PH_A_EVENT_CIPHER_SUITE]);
	if (!ktlsph_suite_by_id(st->t.cipher_suite))
		return everr(err, errlen, "unknown cipher suite 0x%04x",
			     st->t.cipher_suite);

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
	return parse_ticket(tb[KTLS_PH_A_EVENT_TICKET], ev, err, errlen);
}

void phd_event_clear(struct phd_event *ev)
{
	phd_stored_ticket_clear(&ev->st);
	OPENSSL_cleanse(ev, sizeof(*ev));
}
