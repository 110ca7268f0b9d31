// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ktls-phd's event decoding (daemon/event.c) and handling
 * (daemon/handler.c) with event-pop replies built here with libnl's
 * nla_put API, as the module builds them (module/netlink.c): every
 * attribute decoded, every required one missing, sizes and ranges out of
 * bounds, unknown types and attributes; then a sequence of good and bad
 * events through the handler into a temporary store (reject, log,
 * continue).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/ktls_ph.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "tap.h"
#include "event.h"
#include "handler.h"
#include "log.h"
#include "store.h"

#define FAMILY_ID	0x1c
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What to put in a message; the defaults make a valid IPv4 ticket. */
struct spec {
	int omit;		/* event attribute left out */
	int omit_t;		/* ticket attribute left out */
	int id_len;		/* 4 or 8 (NLA_UINT) */
	uint32_t type;
	uint32_t role;
	uint16_t suite;
	uint16_t family;
	int addr_len;
	const char *sni;	/* NULL: none */
	int sni_raw;		/* put without the NUL */
	uint32_t peer_auth;
	uint32_t lifetime;
	int nonce_len, ticket_len, psk_len, ext_len;
	int early;		/* put max-early-data */
	uint64_t received_ms;
	int bad_len_attr;	/* ticket attribute put with 3 bytes */
	int extra;		/* unknown attributes too */
	int no_ticket_nest;	/* the ticket attribute not a nest */
};

static void defaults(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->id_len = 8;
	s->type = KTLS_PH_EVENT_TYPE_TICKET;
	s->role = KTLS_PH_ROLE_CLIENT;
	s->suite = 0x1301;
	s->family = AF_INET;
	s->addr_len = 4;
	s->sni = "example.com";
	s->peer_auth = KTLS_PH_PEER_AUTH_CERTIFICATE;
	s->lifetime = 7200;
	s->nonce_len = 8;
	s->ticket_len = 192;
	s->psk_len = 32;
	s->ext_len = 8;
	s->early = 1;
	s->received_ms = phd_now_ms();
}

static struct nl_msg *build(const struct spec *s)
{
	static uint8_t buf[65536];
	struct nl_msg *m = nlmsg_alloc_size(256 * 1024);
	struct nlattr *nest;
	int e = 0;

#define PUT(cond, expr)	do { if ((cond) && !e) e = (expr); } while (0)
	genlmsg_put(m, 1234, 7, FAMILY_ID, 0, 0, KTLS_PH_CMD_EVENT_POP, 1);
	memset(buf, 0x5a, sizeof(buf));
	if (s->id_len == 8)
		PUT(s->omit != KTLS_PH_A_EVENT_ID,
		    nla_put_u64(m, KTLS_PH_A_EVENT_ID, 0x100000001ULL));
	else
		PUT(s->omit != KTLS_PH_A_EVENT_ID,
		    nla_put_u32(m, KTLS_PH_A_EVENT_ID, 42));
	PUT(s->omit != KTLS_PH_A_EVENT_TYPE,
	    nla_put_u32(m, KTLS_PH_A_EVENT_TYPE, s->type));
	PUT(s->omit != KTLS_PH_A_EVENT_COOKIE,
	    nla_put_u32(m, KTLS_PH_A_EVENT_COOKIE, 77));
	PUT(s->omit != KTLS_PH_A_EVENT_ROLE,
	    nla_put_u32(m, KTLS_PH_A_EVENT_ROLE, s->role));
	PUT(s->omit != KTLS_PH_A_EVENT_CIPHER_SUITE,
	    nla_put_u16(m, KTLS_PH_A_EVENT_CIPHER_SUITE, s->suite));
	PUT(s->omit != KTLS_PH_A_EVENT_PEER_AUTH,
	    nla_put_u32(m, KTLS_PH_A_EVENT_PEER_AUTH, s->peer_auth));
	PUT(s->omit != KTLS_PH_A_EVENT_FAMILY,
	    nla_put_u16(m, KTLS_PH_A_EVENT_FAMILY, s->family));
	if (s->addr_len == 4)
		memcpy(buf, "\xc0\x00\x02\x01", 4);	/* 192.0.2.1 */
	else
		inet_pton(AF_INET6, "2001:db8::1", buf);
	PUT(s->omit != KTLS_PH_A_EVENT_PEER_ADDR,
	    nla_put(m, KTLS_PH_A_EVENT_PEER_ADDR, s->addr_len, buf));
	PUT(s->omit != KTLS_PH_A_EVENT_PEER_PORT,
	    nla_put_u16(m, KTLS_PH_A_EVENT_PEER_PORT, htons(443)));
	if (s->sni && !s->sni_raw)
		PUT(1, nla_put_string(m, KTLS_PH_A_EVENT_SERVER_NAME, s->sni));
	else if (s->sni)
		PUT(1, nla_put(m, KTLS_PH_A_EVENT_SERVER_NAME,
			       (int)strlen(s->sni), s->sni));
	if (s->extra)
		PUT(1, nla_put_u32(m, KTLS_PH_A_EVENT_MAX + 5, 1));
	if (s->no_ticket_nest) {
		PUT(1, nla_put_u32(m, KTLS_PH_A_EVENT_TICKET, 1));
		goto done;
	}
	if (s->omit == KTLS_PH_A_EVENT_TICKET)
		goto done;
	memset(buf, 0x5a, sizeof(buf));
	nest = nla_nest_start(m, KTLS_PH_A_EVENT_TICKET);
	PUT(s->omit_t != KTLS_PH_A_TICKET_LIFETIME,
	    s->bad_len_attr == KTLS_PH_A_TICKET_LIFETIME ?
	    nla_put(m, KTLS_PH_A_TICKET_LIFETIME, 3, buf) :
	    nla_put_u32(m, KTLS_PH_A_TICKET_LIFETIME, s->lifetime));
	PUT(s->omit_t != KTLS_PH_A_TICKET_AGE_ADD,
	    nla_put_u32(m, KTLS_PH_A_TICKET_AGE_ADD, 0xdeadbeef));
	memset(buf, 0x11, 256);
	PUT(s->omit_t != KTLS_PH_A_TICKET_NONCE,
	    nla_put(m, KTLS_PH_A_TICKET_NONCE, s->nonce_len, buf));
	memset(buf, 0x22, sizeof(buf));
	PUT(s->omit_t != KTLS_PH_A_TICKET_TICKET,
	    nla_put(m, KTLS_PH_A_TICKET_TICKET, s->ticket_len, buf));
	PUT(s->early, nla_put_u32(m, KTLS_PH_A_TICKET_MAX_EARLY_DATA, 16384));
	PUT(s->omit_t != KTLS_PH_A_TICKET_EXTENSIONS,
	    nla_put(m, KTLS_PH_A_TICKET_EXTENSIONS, s->ext_len, buf));
	memset(buf, 0x33, 64);
	PUT(s->omit_t != KTLS_PH_A_TICKET_PSK,
	    nla_put(m, KTLS_PH_A_TICKET_PSK, s->psk_len, buf));
	PUT(s->omit_t != KTLS_PH_A_TICKET_RECEIVED_MS,
	    s->bad_len_attr == KTLS_PH_A_TICKET_RECEIVED_MS ?
	    nla_put(m, KTLS_PH_A_TICKET_RECEIVED_MS, 3, buf) :
	    nla_put_u64(m, KTLS_PH_A_TICKET_RECEIVED_MS, s->received_ms));
	if (s->extra)
		PUT(1, nla_put_u32(m, KTLS_PH_A_TICKET_MAX + 3, 1));
	nla_nest_end(m, nest);
done:
	if (e) {
		fprintf(stderr, "building the message failed: %s\n",
			nl_geterror(e));
		exit(2);
	}
#undef PUT
	return m;
}

/* Parse @s's message; returns what phd_event_parse() returns. */
static int parse(const struct spec *s, struct phd_event *ev, char *err,
		 size_t errlen)
{
	struct nl_msg *m = build(s);
	int ret;

	err[0] = '\0';
	ret = phd_event_parse(nlmsg_hdr(m), ev, err, errlen);
	nlmsg_free(m);
	return ret;
}

/* @s must be rejected with a message containing @want. */
static void expect_rejected(const struct spec *s, const char *want)
{
	struct phd_event ev;
	char err[256];
	int ret = parse(s, &ev, err, sizeof(err));

	ok(ret == -EINVAL && strstr(err, want), "rejected: %s (%s)", want, err);
	phd_event_clear(&ev);
}

static const char *const event_names[] = {
	[KTLS_PH_A_EVENT_ID] = "id",
	[KTLS_PH_A_EVENT_TYPE] = "type",
	[KTLS_PH_A_EVENT_CIPHER_SUITE] = "cipher-suite",
	[KTLS_PH_A_EVENT_FAMILY] = "family",
	[KTLS_PH_A_EVENT_PEER_ADDR] = "peer-addr",
	[KTLS_PH_A_EVENT_PEER_PORT] = "peer-port",
	[KTLS_PH_A_EVENT_TICKET] = "ticket",
};

static const char *const ticket_names[] = {
	[KTLS_PH_A_TICKET_LIFETIME] = "ticket.lifetime",
	[KTLS_PH_A_TICKET_AGE_ADD] = "ticket.age-add",
	[KTLS_PH_A_TICKET_NONCE] = "ticket.nonce",
	[KTLS_PH_A_TICKET_TICKET] = "ticket.ticket",
	[KTLS_PH_A_TICKET_PSK] = "ticket.psk",
	[KTLS_PH_A_TICKET_RECEIVED_MS] = "ticket.received-ms",
};

static void test_decode(void)
{
	struct phd_event ev;
	struct ktlsph_ticket *t = &ev.st.t;
	struct spec s;
	char err[256], want[64];
	size_t i;
	int ret, psk_ok;

	defaults(&s);
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret, "valid IPv4 ticket event (%s)", err);
	ok(ev.id == 0x100000001ULL && ev.type == KTLS_PH_EVENT_TYPE_TICKET &&
	   ev.cookie == 77 && ev.role == KTLS_PH_ROLE_CLIENT,
	   "id (64-bit), type, cookie (32-bit uint), role");
	ok(ev.st.peer.family == AF_INET &&
	   !memcmp(ev.st.peer.addr, "\xc0\x00\x02\x01", 4) &&
	   ev.st.peer.port == 443, "peer 192.0.2.1, port big-endian 443 (%u)",
	   ev.st.peer.port);
	ok(!strcmp(t->server_name, "example.com") &&
	   t->peer_auth == KTLS_PH_PEER_AUTH_CERTIFICATE &&
	   t->cipher_suite == 0x1301, "server name, peer-auth, suite");
	ok(t->lifetime == 7200 && t->age_add == 0xdeadbeef &&
	   t->max_early_data == 16384 && t->received_ms == s.received_ms,
	   "lifetime, age-add, max-early-data, received-ms");
	ok(t->nonce_len == 8 && t->nonce[7] == 0x11 && t->ticket_len == 192 &&
	   t->ticket[191] == 0x22 && ev.extensions_len == 8,
	   "nonce, ticket, extensions length");
	ok(t->psk_len == 32 && t->psk[31] == 0x33, "psk");
	phd_event_clear(&ev);
	for (i = 0, psk_ok = 1; i < sizeof(ev); i++)
		psk_ok &= ((uint8_t *)&ev)[i] == 0;
	ok(psk_ok, "clear wipes the event");

	defaults(&s);
	s.id_len = 4;
	s.family = AF_INET6;
	s.addr_len = 16;
	s.sni = NULL;
	s.early = 0;
	s.suite = 0x1302;
	s.psk_len = 48;
	s.nonce_len = 0;
	s.ext_len = 0;
	s.omit = KTLS_PH_A_EVENT_COOKIE;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && ev.id == 42 && ev.cookie == 0 &&
	   ev.st.peer.family == AF_INET6 && !t->server_name[0] &&
	   !t->max_early_data && t->psk_len == 48 && t->nonce_len == 0,
	   "IPv6, SHA-384, 32-bit id, no server name/cookie/early data, empty nonce (%s)",
	   err);
	phd_event_clear(&ev);

	defaults(&s);
	s.sni_raw = 1;
	s.extra = 1;
	s.omit = KTLS_PH_A_EVENT_ROLE;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && !strcmp(t->server_name, "example.com") &&
	   ev.role == KTLS_PH_ROLE_CLIENT,
	   "server name without NUL, unknown attributes ignored, no role (%s)",
	   err);
	phd_event_clear(&ev);

	defaults(&s);
	s.ticket_len = 60000;
	s.ext_len = 0;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && t->ticket_len == 60000, "a 60000-byte ticket (%s)", err);
	phd_event_clear(&ev);

	/* other types: only id and type, no error */
	defaults(&s);
	s.type = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	s.omit = KTLS_PH_A_EVENT_TICKET;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && ev.type == KTLS_PH_EVENT_TYPE_CERT_REQUEST &&
	   !strcmp(phd_event_type_name(ev.type), "cert-request"),
	   "cert-request: decoded as an event to ignore");
	phd_event_clear(&ev);
	s.type = 99;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && ev.type == 99 &&
	   !strcmp(phd_event_type_name(ev.type), "unknown"),
	   "type 99: decoded as an event to ignore");
	phd_event_clear(&ev);

	/* every required attribute missing */
	for (i = 1; i < ARRAY_SIZE(event_names); i++) {
		if (!event_names[i])
			continue;
		defaults(&s);
		s.omit = (int)i;
		snprintf(want, sizeof(want), "attribute %s missing",
			 event_names[i]);
		expect_rejected(&s, want);
	}
	for (i = 1; i < ARRAY_SIZE(ticket_names); i++) {
		if (!ticket_names[i])
			continue;
		defaults(&s);
		s.omit_t = (int)i;
		snprintf(want, sizeof(want), "attribute %s missing",
			 ticket_names[i]);
		expect_rejected(&s, want);
	}
	defaults(&s);
	s.omit = KTLS_PH_A_EVENT_TYPE;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(ret == -EINVAL && ev.id == 0x100000001ULL,
	   "the id is known even when the rest is rejected");
	phd_event_clear(&ev);

	/* sizes and ranges */
	defaults(&s);
	s.nonce_len = 256;
	expect_rejected(&s, "attribute ticket.nonce: 256 bytes, expected 0 to 255");
	defaults(&s);
	s.ticket_len = 0;
	expect_rejected(&s, "attribute ticket.ticket: 0 bytes, expected 1 to 65535");
	defaults(&s);
	s.psk_len = 49;
	expect_rejected(&s, "attribute ticket.psk: 49 bytes, expected 32 to 48");
	defaults(&s);
	s.psk_len = 48;
	expect_rejected(&s, "attribute ticket.psk: 48 bytes, TLS_AES_128_GCM_SHA256 needs 32");
	defaults(&s);
	s.bad_len_attr = KTLS_PH_A_TICKET_LIFETIME;
	expect_rejected(&s, "attribute ticket.lifetime: 3 bytes, expected 4");
	defaults(&s);
	s.bad_len_attr = KTLS_PH_A_TICKET_RECEIVED_MS;
	expect_rejected(&s, "attribute ticket.received-ms: 3 bytes, expected 4 or 8");
	defaults(&s);
	s.addr_len = 5;
	expect_rejected(&s, "address family 2 with a 5-byte peer-addr");
	defaults(&s);
	s.addr_len = 16;
	expect_rejected(&s, "address family 2 with a 16-byte peer-addr");
	defaults(&s);
	s.family = 99;
	expect_rejected(&s, "address family 99");
	defaults(&s);
	s.addr_len = 17;
	expect_rejected(&s, "attribute peer-addr: 17 bytes, expected 4 to 16");
	{
		char name[300];

		memset(name, 'a', 256);
		name[256] = '\0';
		defaults(&s);
		s.sni = name;
		expect_rejected(&s, "attribute server-name: 256 bytes, expected 1 to 255");
	}
	defaults(&s);
	s.sni = "bad\nname";
	expect_rejected(&s, "attribute server-name: byte 0x0a at 3");
	defaults(&s);
	s.sni = "";
	expect_rejected(&s, "attribute server-name: 0 bytes");
	defaults(&s);
	s.suite = 0x1305;
	expect_rejected(&s, "unknown cipher suite 0x1305");
	defaults(&s);
	s.role = KTLS_PH_ROLE_SERVER;
	expect_rejected(&s, "only clients receive tickets");
	defaults(&s);
	s.lifetime = 604801;
	expect_rejected(&s, "ticket lifetime 604801 s is above 7 days");
	defaults(&s);
	s.peer_auth = 3;
	expect_rejected(&s, "unknown peer-auth 3");
	defaults(&s);
	s.no_ticket_nest = 1;
	expect_rejected(&s, "attribute ticket: malformed nest");

	{
		struct nl_msg *m = nlmsg_alloc();

		nlmsg_put(m, 1, 1, FAMILY_ID, 0, 0);	/* no genl header */
		ret = phd_event_parse(nlmsg_hdr(m), &ev, err, sizeof(err));
		ok(ret == -EINVAL && strstr(err, "malformed message"),
		   "rejected: a message shorter than the genl header (%s)", err);
		phd_event_clear(&ev);
		nlmsg_free(m);
	}
}

static char top[32] = "/tmp/test_event.XXXXXX";

/* Feed @s to the handler with stderr captured into @log. */
static void feed(struct phd_store *st, struct phd_counters *n,
		 const struct spec *s, char *log, size_t loglen)
{
	struct nl_msg *m = build(s);
	char path[64];
	ssize_t got;
	int fd, saved;

	snprintf(path, sizeof(path), "%s/log", top);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	phd_handle_event(st, n, nlmsg_hdr(m));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	got = pread(fd, log, loglen - 1, 0);
	log[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	nlmsg_free(m);
}

static void test_handler(void)
{
	struct phd_counters n = { 0 };
	struct phd_stored_ticket got;
	struct phd_store st;
	struct phd_peer p = { .port = 443 };
	struct spec s;
	char dir[64], err[256], log[2048], cmd[128];
	uint64_t now = phd_now_ms();

	if (!mkdtemp(top)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/tickets", top);
	ok(!phd_store_open(&st, dir, 8, 1, err, sizeof(err)),
	   "handler: store opened");

	defaults(&s);
	s.received_ms = now - 1000;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.stored == 1 && strstr(log, "ticket stored: example.com_443/") &&
	   strstr(log, "peer 192.0.2.1:443 server name example.com, TLS_AES_128_GCM_SHA256, ") &&
	   strstr(log, ", lifetime 7200 s, ticket 192 bytes, nonce 8 bytes, ") &&
	   strstr(log, ", extensions 8 bytes, max_early_data 16384, ") &&
	   strstr(log, ", socket cookie 77, event 4294967297"),
	   "handler: a ticket stored and logged (%.*s)",
	   (int)strcspn(log, "\n"), log);
	ok(!strstr(log, "3333") && !strstr(log, "2222"),
	   "handler: no PSK or ticket bytes in the log");

	defaults(&s);
	s.nonce_len = 256;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.rejected == 1 &&
	   strstr(log, "warning: event 4294967297: rejected: attribute ticket.nonce: 256 bytes"),
	   "handler: a bad event is logged and counted (%.*s)",
	   (int)strcspn(log, "\n"), log);

	defaults(&s);
	s.type = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	s.omit = KTLS_PH_A_EVENT_TICKET;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.ignored == 1 &&
	   strstr(log, "type 1 (cert-request) is not handled by this version, ignored"),
	   "handler: a cert-request is logged and ignored");

	defaults(&s);
	s.received_ms = now - 7201 * 1000ULL;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.skipped == 1 && strstr(log, "has expired: not stored"),
	   "handler: an expired ticket is not stored");
	defaults(&s);
	s.lifetime = 0;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.skipped == 2, "handler: lifetime 0 is not stored");

	/* and it goes on: the next good one is stored and is the freshest */
	defaults(&s);
	s.received_ms = now;
	s.ticket_len = 33;
	feed(&st, &n, &s, log, sizeof(log));
	ok(n.events == 6 && n.stored == 2 && n.store_errors == 0,
	   "handler: continues after bad events (events %llu stored %llu)",
	   (unsigned long long)n.events, (unsigned long long)n.stored);
	ok(!phd_store_lookup(&st, "example.com", &p, now, &got) &&
	   got.t.ticket_len == 33 && got.t.psk[0] == 0x33,
	   "handler: the stored ticket is found by server name");
	phd_stored_ticket_clear(&got);

	phd_store_close(&st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd))
		ok(0, "cleanup");
}

int main(void)
{
	phd_log_init("test_event", PHD_LOG_INFO);
	test_decode();
	test_handler();
	printf("1..%d\n", passed + failed);
	return failed != 0;
}
