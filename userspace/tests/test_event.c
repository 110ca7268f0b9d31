// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ktls-phd's event decoding (daemon/event.c) and handling
 * (daemon/handler.c) with event-pop replies built here with libnl's
 * nla_put API, as the module builds them (module/netlink.c): every
 * attribute decoded, every required one missing, sizes and ranges out of
 * bounds, unknown types and attributes; then a sequence of good and bad
 * events through the handler into a temporary store (reject, log,
 * continue). Post-handshake authentication: cert-request and client-cert
 * events decoded and each malformed form rejected; the handler's answers
 * (phd_pha_decide()) with the test_cert.h certificate and key on a
 * synthetic transcript: the Certificate and CertificateVerify it signs,
 * then verified as a client-cert event; declines by policy and for lack of
 * a certificate or scheme; every verdict and its alert; the event-reply
 * message (phd_nl_reply_msg()) parsed back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <linux/ktls_ph.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "tap.h"
#include "test_cert.h"
#include "config.h"
#include "event.h"
#include "handler.h"
#include "log.h"
#include "netlink.h"
#include "pha.h"
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
	int no_peer;		/* no family, peer-addr, peer-port */
	int v4mapped;		/* peer-addr ::ffff:192.0.2.1 */
	/* the pha nest (pha events): NULL messages are left out */
	int pha;
	int no_pha_nest;	/* the pha attribute not a nest */
	const uint8_t *transcript, *request, *cert, *cv;
	size_t transcript_len, request_len, cert_len, cv_len;
};

/* The post-handshake authentication messages of the tests. */
static uint8_t hs[2048];	/* main handshake, ClientHello .. Finished */
static size_t hs_len;
static uint8_t req[256];	/* CertificateRequest offering P-256 */
static size_t req_len;
static uint8_t ctx[32];		/* its certificate_request_context */

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
	PUT(s->omit != KTLS_PH_A_EVENT_FAMILY && !s->no_peer,
	    nla_put_u16(m, KTLS_PH_A_EVENT_FAMILY, s->family));
	if (s->addr_len == 4)
		memcpy(buf, "\xc0\x00\x02\x01", 4);	/* 192.0.2.1 */
	else
		inet_pton(AF_INET6, s->v4mapped ? "::ffff:192.0.2.1" :
			  "2001:db8::1", buf);
	PUT(s->omit != KTLS_PH_A_EVENT_PEER_ADDR && !s->no_peer,
	    nla_put(m, KTLS_PH_A_EVENT_PEER_ADDR, s->addr_len, buf));
	PUT(s->omit != KTLS_PH_A_EVENT_PEER_PORT && !s->no_peer,
	    nla_put_u16(m, KTLS_PH_A_EVENT_PEER_PORT, htons(443)));
	if (s->sni && !s->sni_raw)
		PUT(1, nla_put_string(m, KTLS_PH_A_EVENT_SERVER_NAME, s->sni));
	else if (s->sni)
		PUT(1, nla_put(m, KTLS_PH_A_EVENT_SERVER_NAME,
			       (int)strlen(s->sni), s->sni));
	if (s->extra)
		PUT(1, nla_put_u32(m, KTLS_PH_A_EVENT_MAX + 5, 1));
	if (s->no_pha_nest)
		PUT(1, nla_put_u32(m, KTLS_PH_A_EVENT_PHA, 1));
	if (s->pha && !s->no_pha_nest && s->omit != KTLS_PH_A_EVENT_PHA) {
		nest = nla_nest_start(m, KTLS_PH_A_EVENT_PHA);
		PUT(s->transcript, nla_put(m, KTLS_PH_A_PHA_TRANSCRIPT,
					   (int)s->transcript_len,
					   s->transcript));
		PUT(s->request, nla_put(m, KTLS_PH_A_PHA_REQUEST,
					(int)s->request_len, s->request));
		PUT(s->cert, nla_put(m, KTLS_PH_A_PHA_CERTIFICATE,
				     (int)s->cert_len, s->cert));
		PUT(s->cv, nla_put(m, KTLS_PH_A_PHA_CERTIFICATE_VERIFY,
				   (int)s->cv_len, s->cv));
		if (s->extra)
			PUT(1, nla_put_u32(m, KTLS_PH_A_PHA_MAX + 3, 1));
		nla_nest_end(m, nest);
	}
	if (s->pha)
		goto done;
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
	s.omit = KTLS_PH_A_EVENT_TICKET;
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

/* Feed @s to the handler @h with stderr captured into @log. */
static void feed(struct phd_handler *h, const struct spec *s, char *log,
		 size_t loglen)
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
	phd_handle_event(h, nlmsg_hdr(m));
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
	struct phd_pha_config pc = { 0 };
	struct phd_handler h;
	struct phd_stored_ticket got;
	struct phd_store st;
	struct phd_peer p = { .port = 443 };
	struct phd_reply *r;
	struct spec s;
	char dir[64], err[256], log[2048];
	uint64_t now = phd_now_ms();

	snprintf(dir, sizeof(dir), "%s/tickets", top);
	ok(!phd_store_open(&st, dir, 8, 1, err, sizeof(err)),
	   "handler: store opened");
	phd_handler_init(&h, &st, NULL, &pc);

	defaults(&s);
	s.received_ms = now - 1000;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.stored == 1 && strstr(log, "ticket stored: example.com_443/") &&
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
	feed(&h, &s, log, sizeof(log));
	ok(h.n.rejected == 1 &&
	   strstr(log, "warning: event 4294967297: rejected: attribute ticket.nonce: 256 bytes"),
	   "handler: a bad event is logged and counted (%.*s)",
	   (int)strcspn(log, "\n"), log);

	defaults(&s);
	s.type = 7;
	s.omit = KTLS_PH_A_EVENT_TICKET;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.ignored == 1 &&
	   strstr(log, "type 7 (unknown) is not handled by this version, ignored"),
	   "handler: an unknown event type is logged and ignored");
	ok(!phd_handler_next_reply(&h), "handler: and not answered");

	/* a cert-request without its pha nest: rejected, declined anyway */
	defaults(&s);
	s.type = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	s.omit = KTLS_PH_A_EVENT_TICKET;
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.rejected == 2 && h.n.pha_errors == 1 &&
	   strstr(log, "event 4294967297: rejected: attribute pha missing") &&
	   strstr(log, "event 4294967297: cert-request: declining") &&
	   r && r->decline && r->id == 0x100000001ULL && r->cookie == 77 &&
	   !r->certificate && !phd_handler_next_reply(&h),
	   "handler: a malformed cert-request is declined (%.*s)",
	   (int)strcspn(log, "\n"), log);
	phd_reply_free(r);

	defaults(&s);
	s.received_ms = now - 7201 * 1000ULL;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.skipped == 1 && strstr(log, "has expired: not stored"),
	   "handler: an expired ticket is not stored");
	defaults(&s);
	s.lifetime = 0;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.skipped == 2, "handler: lifetime 0 is not stored");

	/* and it goes on: the next good one is stored and is the freshest */
	defaults(&s);
	s.received_ms = now;
	s.ticket_len = 33;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.events == 7 && h.n.stored == 2 && h.n.store_errors == 0,
	   "handler: continues after bad events (events %llu stored %llu)",
	   (unsigned long long)h.n.events, (unsigned long long)h.n.stored);
	ok(!phd_store_lookup(&st, "example.com", &p, now, &got) &&
	   got.t.ticket_len == 33 && got.t.psk[0] == 0x33,
	   "handler: the stored ticket is found by server name");
	phd_stored_ticket_clear(&got);

	phd_handler_fini(&h);
	phd_store_close(&st);
}

/* ------------------------------------------------------------------ */
/* post-handshake authentication */

static size_t put_msg(uint8_t *p, uint8_t type, const uint8_t *body,
		      size_t len)
{
	p[0] = type;
	p[1] = len >> 16;
	p[2] = len >> 8;
	p[3] = len;
	if (body)
		memcpy(p + 4, body, len);
	else
		memset(p + 4, type, len);
	return 4 + len;
}

/* A CertificateRequest with @ctx, offering @sa (none: no extension). */
static size_t make_request(uint8_t *m, const uint8_t *c, size_t clen,
			   const uint16_t *sa, size_t nsa)
{
	uint8_t b[256];
	size_t off = 0, i, ext;

	b[off++] = clen;
	if (clen)
		memcpy(b + off, c, clen);
	off += clen;
	ext = off;
	off += 2;
	if (nsa) {
		b[off++] = 0;
		b[off++] = 13;	/* signature_algorithms */
		b[off++] = 0;
		b[off++] = 2 + 2 * nsa;
		b[off++] = 0;
		b[off++] = 2 * nsa;
		for (i = 0; i < nsa; i++) {
			b[off++] = sa[i] >> 8;
			b[off++] = sa[i];
		}
	}
	b[ext] = 0;
	b[ext + 1] = off - ext - 2;
	return put_msg(m, 13, b, off);
}

static const uint16_t sa_default[] = { 0x0804, 0x0403, 0x0807 };

static void make_pha_messages(void)
{
	static const struct { uint8_t type; size_t len; } msgs[] = {
		{ 1, 200 }, { 2, 90 }, { 8, 10 }, { 11, 400 }, { 15, 72 },
		{ 20, 32 }, { 20, 32 },
	};
	size_t i;

	hs_len = 0;
	for (i = 0; i < ARRAY_SIZE(msgs); i++)
		hs_len += put_msg(hs + hs_len, msgs[i].type, NULL, msgs[i].len);
	RAND_bytes(ctx, sizeof(ctx));
	req_len = make_request(req, ctx, sizeof(ctx), sa_default,
			       ARRAY_SIZE(sa_default));
}

/* A cert-request (client) or client-cert (server) event. */
static void defaults_pha(struct spec *s, uint32_t type)
{
	defaults(s);
	s->type = type;
	s->role = type == KTLS_PH_EVENT_TYPE_CERT_REQUEST ?
		  KTLS_PH_ROLE_CLIENT : KTLS_PH_ROLE_SERVER;
	s->omit = KTLS_PH_A_EVENT_TICKET;
	s->pha = 1;
	s->transcript = hs;
	s->transcript_len = hs_len;
	s->request = req;
	s->request_len = req_len;
}

/* The client's answer to req (phd_pha_answer(), test_cert.h's key). */
static uint8_t *cc_cert, *cc_cv;
static size_t cc_cert_len, cc_cv_len;
/* [pha] of a client (test_cert.h) and of a server trusting test_cert.h */
static struct phd_pha_config client_pc, server_pc;
static struct phd_pha *client_pha, *server_pha, *empty_pha;

static void client_cert_spec(struct spec *s)
{
	defaults_pha(s, KTLS_PH_EVENT_TYPE_CLIENT_CERT);
	s->cert = cc_cert;
	s->cert_len = cc_cert_len;
	s->cv = cc_cv;
	s->cv_len = cc_cv_len;
}

static void write_file(const char *name, const char *text, char *path,
		       size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", top, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "writing %s failed\n", path);
		exit(2);
	}
}

static void setup_pha(void)
{
	struct phd_pha_answer_in in = { 0 };
	struct phd_pha_config none = { 0 };
	struct phd_pha_answer ans;
	char err[512];

	make_pha_messages();
	write_file("cert.pem", test_cert, client_pc.certificate,
		   sizeof(client_pc.certificate));
	write_file("key.pem", test_key, client_pc.key, sizeof(client_pc.key));
	snprintf(server_pc.ca_file, sizeof(server_pc.ca_file), "%s",
		 client_pc.certificate);
	client_pha = phd_pha_new(&client_pc, err, sizeof(err));
	server_pha = phd_pha_new(&server_pc, err, sizeof(err));
	empty_pha = phd_pha_new(&none, err, sizeof(err));
	if (!client_pha || !server_pha || !empty_pha) {
		fprintf(stderr, "phd_pha_new: %s\n", err);
		exit(2);
	}
	memcpy(hs + hs_len, req, req_len);
	in.transcript = hs;
	in.transcript_len = hs_len + req_len;
	in.hash = PHD_PHA_SHA256;
	in.context = ctx;
	in.context_len = sizeof(ctx);
	in.sigalgs = sa_default;
	in.n_sigalgs = ARRAY_SIZE(sa_default);
	if (phd_pha_answer(client_pha, &client_pc, &in, &ans, err,
			   sizeof(err)) || ans.declined) {
		fprintf(stderr, "phd_pha_answer: %s %s\n", err, ans.reason);
		exit(2);
	}
	cc_cert = ans.certificate;
	cc_cert_len = ans.certificate_len;
	cc_cv = ans.certificate_verify;
	cc_cv_len = ans.certificate_verify_len;
	/* the synthetic main handshake stays as it was */
	memset(hs + hs_len, 0, req_len);
}

static void expect_pha_rejected(const struct spec *s, const char *want)
{
	struct phd_event ev;
	char err[256];
	int ret = parse(s, &ev, err, sizeof(err));

	ok(ret == -EINVAL && strstr(err, want) && ev.type == s->type &&
	   (s->omit == KTLS_PH_A_EVENT_COOKIE || (ev.have_cookie &&
						   ev.cookie == 77)),
	   "pha: rejected: %s (%s)", want, err);
	phd_event_clear(&ev);
}

static void test_decode_pha(void)
{
	static const uint8_t bad_req[] = { 1, 0, 0, 1, 0 };
	const uint32_t cr = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	uint8_t longer[1024];
	const uint32_t cc = KTLS_PH_EVENT_TYPE_CLIENT_CERT;
	struct phd_event ev;
	struct spec s;
	char err[256], want[80];
	size_t i;
	int ret;

	defaults_pha(&s, cr);
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && ev.type == cr && ev.role == KTLS_PH_ROLE_CLIENT &&
	   ev.have_cookie && ev.cookie == 77 && ev.id == 0x100000001ULL,
	   "pha: cert-request decoded (%s)", err);
	ok(ev.pha.transcript_len == hs_len && ev.pha.request_len == req_len &&
	   !memcmp(ev.pha.buf, hs, hs_len) &&
	   !memcmp(ev.pha.buf + hs_len, req, req_len) &&
	   !ev.pha.certificate && !ev.pha.certificate_verify,
	   "pha: transcript || request in one buffer");
	ok(ev.st.t.cipher_suite == 0x1301 && ev.st.peer.family == AF_INET &&
	   ev.st.peer.port == 443 &&
	   !strcmp(ev.st.t.server_name, "example.com"),
	   "pha: suite, peer and server name");
	ok(!strcmp(phd_event_type_name(ev.type), "cert-request") &&
	   !strcmp(phd_event_type_name(cc), "client-cert"),
	   "pha: type names");
	phd_event_clear(&ev);

	client_cert_spec(&s);
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && ev.type == cc && ev.role == KTLS_PH_ROLE_SERVER &&
	   ev.pha.certificate_len == cc_cert_len &&
	   !memcmp(ev.pha.certificate, cc_cert, cc_cert_len) &&
	   ev.pha.certificate_verify_len == cc_cv_len &&
	   !memcmp(ev.pha.certificate_verify, cc_cv, cc_cv_len),
	   "pha: client-cert decoded (%s)", err);
	phd_event_clear(&ev);

	client_cert_spec(&s);
	s.cv = NULL;
	s.no_peer = 1;
	s.extra = 1;
	s.sni = NULL;
	ret = parse(&s, &ev, err, sizeof(err));
	ok(!ret && !ev.pha.certificate_verify && ev.st.peer.family == 0 &&
	   !ev.st.t.server_name[0],
	   "pha: client-cert without certificate-verify, peer, server name; unknown attributes ignored (%s)",
	   err);
	phd_event_clear(&ev);

	/* every required attribute missing */
	{
		static const struct { int attr; const char *name; } req_ev[] = {
			{ KTLS_PH_A_EVENT_COOKIE, "cookie" },
			{ KTLS_PH_A_EVENT_ROLE, "role" },
			{ KTLS_PH_A_EVENT_CIPHER_SUITE, "cipher-suite" },
			{ KTLS_PH_A_EVENT_PHA, "pha" },
		};

		for (i = 0; i < ARRAY_SIZE(req_ev); i++) {
			defaults_pha(&s, i % 2 ? cc : cr);
			if (s.type == cc)
				client_cert_spec(&s);
			s.omit = req_ev[i].attr;
			snprintf(want, sizeof(want), "attribute %s missing",
				 req_ev[i].name);
			expect_pha_rejected(&s, want);
		}
	}
	defaults_pha(&s, cr);
	s.transcript = NULL;
	expect_pha_rejected(&s, "attribute pha.transcript missing");
	client_cert_spec(&s);
	s.request = NULL;
	expect_pha_rejected(&s, "attribute pha.request missing");
	client_cert_spec(&s);
	s.cert = NULL;
	expect_pha_rejected(&s, "attribute pha.certificate missing");
	defaults_pha(&s, cr);
	s.omit = KTLS_PH_A_EVENT_PEER_PORT;
	expect_pha_rejected(&s,
			    "family, peer-addr and peer-port go together: peer-port missing");

	/* roles */
	defaults_pha(&s, cr);
	s.role = KTLS_PH_ROLE_SERVER;
	expect_pha_rejected(&s,
			    "a cert-request for a socket of role 1 (server): only client sockets");
	client_cert_spec(&s);
	s.role = KTLS_PH_ROLE_CLIENT;
	expect_pha_rejected(&s,
			    "a client-cert for a socket of role 0 (client): only server sockets");
	client_cert_spec(&s);
	s.role = 9;
	expect_pha_rejected(&s, "role 9 (unknown)");

	/* the messages */
	defaults_pha(&s, cr);
	s.transcript_len = hs_len - 1;
	expect_pha_rejected(&s,
			    "attribute pha.transcript: truncated handshake message at offset");
	defaults_pha(&s, cr);
	s.transcript_len = hs_len - 72;
	expect_pha_rejected(&s,
			    "attribute pha.transcript: the last message is of type 15, not a Finished");
	defaults_pha(&s, cr);
	s.transcript_len = 3;
	expect_pha_rejected(&s, "attribute pha.transcript: 3 bytes, expected 4 to 65535");
	defaults_pha(&s, cr);
	s.request = bad_req;
	s.request_len = sizeof(bad_req);
	expect_pha_rejected(&s,
			    "attribute pha.request: handshake message type 1, expected 13 (CertificateRequest)");
	defaults_pha(&s, cr);
	s.request_len = req_len - 1;
	snprintf(want, sizeof(want),
		 "attribute pha.request: %zu bytes for a CertificateRequest of %zu bytes",
		 req_len - 1, req_len);
	expect_pha_rejected(&s, want);
	client_cert_spec(&s);
	s.cert = req;
	s.cert_len = req_len;
	expect_pha_rejected(&s,
			    "attribute pha.certificate: handshake message type 13, expected 11 (Certificate)");
	client_cert_spec(&s);
	s.cv = cc_cert;
	s.cv_len = cc_cert_len;
	expect_pha_rejected(&s,
			    "attribute pha.certificate-verify: handshake message type 11, expected 15 (CertificateVerify)");
	client_cert_spec(&s);
	memcpy(longer, cc_cv, cc_cv_len);
	longer[cc_cv_len] = 0;
	s.cv = longer;
	s.cv_len = cc_cv_len + 1;
	expect_pha_rejected(&s, "attribute pha.certificate-verify: ");
	defaults_pha(&s, cr);
	s.cert = cc_cert;
	s.cert_len = cc_cert_len;
	expect_pha_rejected(&s, "attribute pha.certificate in a cert-request event");
	defaults_pha(&s, cr);
	s.cv = cc_cv;
	s.cv_len = cc_cv_len;
	expect_pha_rejected(&s, "attribute pha.certificate-verify in a cert-request event");
	defaults_pha(&s, cr);
	s.no_pha_nest = 1;
	expect_pha_rejected(&s, "attribute pha: malformed nest");
	defaults_pha(&s, cr);
	s.suite = 0x1305;
	expect_pha_rejected(&s, "unknown cipher suite 0x1305");
}

/* Decode @s and decide the answer. */
static void decide_ev(const struct spec *s, const struct phd_pha *p,
		      const struct phd_pha_config *pc, struct phd_reply *r,
		      struct phd_decision *d)
{
	struct phd_event ev;
	char err[256];

	if (parse(s, &ev, err, sizeof(err))) {
		fprintf(stderr, "the event does not decode: %s\n", err);
		exit(2);
	}
	phd_pha_decide(p, pc, &ev, r, d);
	phd_event_clear(&ev);
}

/* Decide the client-cert event carrying @r's answer. */
static void verify_answer(const struct phd_reply *a, uint16_t suite,
			  const struct phd_pha *p,
			  const struct phd_pha_config *pc, struct phd_reply *r,
			  struct phd_decision *d)
{
	struct spec s;

	client_cert_spec(&s);
	s.suite = suite;
	s.cert = a->certificate;
	s.cert_len = a->certificate_len;
	s.cv = a->certificate_verify;
	s.cv_len = a->certificate_verify_len;
	decide_ev(&s, p, pc, r, d);
}

static int rule(struct phd_pha_config *pc, int allow, const char *v)
{
	struct phd_pha_rule *r = &pc->rules[pc->nrules++];

	r->allow = allow;
	return phd_pha_rule_parse(r, v, NULL, 0);
}

static void test_decide_cert_request(void)
{
	static const uint16_t ed_only[] = { 0x0807 };
	struct phd_pha_config pc;
	struct phd_decision d, d2;
	struct phd_reply r, r2;
	uint8_t other[256];
	struct spec s;

	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	decide_ev(&s, client_pha, &client_pc, &r, &d);
	ok(d.outcome == PHD_OUT_ANSWERED && !r.decline && r.certificate &&
	   r.certificate_verify && r.id == 0x100000001ULL && r.cookie == 77 &&
	   r.type == KTLS_PH_EVENT_TYPE_CERT_REQUEST,
	   "decide: cert-request answered (%s)", d.reason);
	ok(d.scheme == 0x0403 && d.context_len == 32 &&
	   !strcmp(d.peer, "192.0.2.1:443 server name example.com"),
	   "decide: the first offered scheme the P-256 key fits, context, peer (%s)",
	   d.peer);
	ok(r.certificate_len == cc_cert_len &&
	   !memcmp(r.certificate, cc_cert, cc_cert_len),
	   "decide: the Certificate is phd_pha_answer()'s over transcript || request");
	verify_answer(&r, 0x1301, server_pha, &server_pc, &r2, &d2);
	ok(d2.outcome == PHD_OUT_VERIFIED &&
	   r2.verdict == KTLS_PH_PHA_VERDICT_OK && r2.alert == 0 &&
	   !strcmp(d2.subject, "CN=test") && d2.scheme == 0x0403,
	   "decide: and its CertificateVerify verifies as a client-cert (%s %s)",
	   phd_verdict_uapi_name(r2.verdict), d2.reason);
	phd_reply_clear(&r2);
	verify_answer(&r, 0x1302, server_pha, &server_pc, &r2, &d2);
	ok(r2.verdict == KTLS_PH_PHA_VERDICT_DECRYPT_ERROR && r2.alert == 51,
	   "decide: checked with SHA-384 it does not (%s)", d2.reason);
	phd_reply_clear(&r2);
	phd_reply_clear(&r);

	/* SHA-384 both ways */
	s.suite = 0x1302;
	decide_ev(&s, client_pha, &client_pc, &r, &d);
	verify_answer(&r, 0x1302, server_pha, &server_pc, &r2, &d2);
	ok(d.outcome == PHD_OUT_ANSWERED &&
	   r2.verdict == KTLS_PH_PHA_VERDICT_OK,
	   "decide: TLS_AES_256_GCM_SHA384: answered and verified (%s)",
	   d2.reason);
	phd_reply_clear(&r2);
	phd_reply_clear(&r);

	/* declines */
	pc = client_pc;
	pc.decline = 1;
	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED && r.decline && !r.certificate &&
	   !r.certificate_verify &&
	   strstr(d.reason, "decline = yes and no allow_peer rule matches"),
	   "decide: decline = yes declines (%s)", d.reason);
	phd_reply_clear(&r);
	rule(&pc, 1, "EXAMPLE.com:443");
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_ANSWERED,
	   "decide: allow_peer by server name answers");
	phd_reply_clear(&r);

	pc = client_pc;
	rule(&pc, 0, "192.0.2.1");
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED && r.decline &&
	   strstr(d.reason, "decline_peer rule 1 (192.0.2.1) matches"),
	   "decide: decline_peer by address (%s)", d.reason);
	phd_reply_clear(&r);
	s.addr_len = 16;
	s.family = AF_INET6;
	s.v4mapped = 1;
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED,
	   "decide: a v4-mapped IPv6 peer matches the IPv4 rule (%s)",
	   d.peer);
	phd_reply_clear(&r);
	s.no_peer = 1;
	s.sni = NULL;
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_ANSWERED &&
	   !strcmp(d.peer, "unknown address"),
	   "decide: no peer address: the address rule does not match");
	phd_reply_clear(&r);
	pc = client_pc;
	rule(&pc, 0, "[2001:db8::1]:443");
	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	s.addr_len = 16;
	s.family = AF_INET6;
	decide_ev(&s, client_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED,
	   "decide: decline_peer by IPv6 address and port (%s)", d.reason);
	phd_reply_clear(&r);

	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	decide_ev(&s, empty_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED && r.decline &&
	   strstr(d.reason, "no [pha] certificate and key configured"),
	   "decide: no certificate configured: declined (%s)", d.reason);
	phd_reply_clear(&r);
	decide_ev(&s, NULL, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED && r.decline,
	   "decide: no [pha] at all: declined");
	phd_reply_clear(&r);

	s.request = other;
	s.request_len = make_request(other, ctx, 32, ed_only, 1);
	decide_ev(&s, client_pha, &client_pc, &r, &d);
	ok(d.outcome == PHD_OUT_DECLINED && r.decline &&
	   strstr(d.reason, "none of the 1 offered signature schemes fits the EC key"),
	   "decide: no offered scheme fits the key: declined (%s)", d.reason);
	phd_reply_clear(&r);

	s.request_len = make_request(other, ctx, 32, NULL, 0);
	decide_ev(&s, client_pha, &client_pc, &r, &d);
	ok(d.outcome == PHD_OUT_ERROR && r.decline &&
	   strstr(d.reason, "the CertificateRequest does not parse: ") &&
	   strstr(d.reason, "CertificateRequest without signature_algorithms"),
	   "decide: a request that does not parse: declined as an error (%s)",
	   d.reason);
	phd_reply_clear(&r);

	s.request_len = make_request(other, NULL, 0, sa_default, 3);
	decide_ev(&s, client_pha, &client_pc, &r, &d);
	ok(d.outcome == PHD_OUT_ANSWERED && d.context_len == 0 &&
	   r.certificate[4] == 0,
	   "decide: an empty context is echoed");
	phd_reply_clear(&r);
}

static void test_decide_client_cert(void)
{
	uint8_t bad[2048], empty[64];
	struct phd_pha_config pc;
	struct phd_decision d;
	struct phd_reply r;
	struct spec s;
	size_t n;

	client_cert_spec(&s);
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_VERIFIED &&
	   r.verdict == KTLS_PH_PHA_VERDICT_OK && r.alert == 0 &&
	   r.type == KTLS_PH_EVENT_TYPE_CLIENT_CERT && !r.decline &&
	   !r.certificate && !strcmp(d.subject, "CN=test"),
	   "decide: client-cert verified: ok, subject %s", d.subject);
	phd_reply_clear(&r);

	memcpy(bad, cc_cv, cc_cv_len);
	bad[cc_cv_len - 1] ^= 1;
	s.cv = bad;
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_REFUSED &&
	   r.verdict == KTLS_PH_PHA_VERDICT_DECRYPT_ERROR && r.alert == 51 &&
	   strstr(d.reason, "does not verify"),
	   "decide: a bad signature: decrypt-error, alert 51 (%s)", d.reason);
	phd_reply_clear(&r);

	client_cert_spec(&s);
	decide_ev(&s, empty_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_REFUSED &&
	   r.verdict == KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE && r.alert == 42,
	   "decide: no trust anchor: bad-certificate, alert 42 (%s)", d.reason);
	phd_reply_clear(&r);
	decide_ev(&s, NULL, &server_pc, &r, &d);
	ok(r.verdict == KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE && r.alert == 42,
	   "decide: no [pha] at all: bad-certificate");
	phd_reply_clear(&r);

	s.cv = NULL;
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(r.verdict == KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE &&
	   r.alert == 10,
	   "decide: a certificate without CertificateVerify: unexpected-message, alert 10");
	phd_reply_clear(&r);

	client_cert_spec(&s);
	memcpy(bad, cc_cert, cc_cert_len);
	bad[5] ^= 1;	/* the context's first byte */
	s.cert = bad;
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(r.verdict == KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER &&
	   r.alert == 47,
	   "decide: another context: illegal-parameter, alert 47 (%s)",
	   d.reason);
	phd_reply_clear(&r);

	client_cert_spec(&s);
	n = put_msg(bad, 15, (const uint8_t *)"\x04\x03\x00\x09\x01", 5);
	s.cv = bad;
	s.cv_len = n;
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(r.verdict == KTLS_PH_PHA_VERDICT_DECODE_ERROR && r.alert == 50,
	   "decide: a truncated CertificateVerify: decode-error, alert 50 (%s)",
	   d.reason);
	phd_reply_clear(&r);

	/* the client declined: empty Certificate with our context */
	empty[0] = 32;
	memcpy(empty + 1, ctx, 32);
	memset(empty + 33, 0, 3);
	client_cert_spec(&s);
	s.cert = bad;
	s.cert_len = put_msg(bad, 11, empty, 36);
	s.cv = NULL;
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_NO_CERT &&
	   r.verdict == KTLS_PH_PHA_VERDICT_NO_CERTIFICATE && r.alert == 0,
	   "decide: empty Certificate: no-certificate, no alert (%s)",
	   d.reason);
	phd_reply_clear(&r);
	pc = server_pc;
	pc.require_certificate = 1;
	decide_ev(&s, server_pha, &pc, &r, &d);
	ok(d.outcome == PHD_OUT_NO_CERT &&
	   r.verdict == KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED &&
	   r.alert == 116,
	   "decide: empty Certificate with require_certificate: certificate-required, alert 116");
	phd_reply_clear(&r);

	client_cert_spec(&s);
	s.request = bad;
	s.request_len = make_request(bad, ctx, 32, NULL, 0);
	decide_ev(&s, server_pha, &server_pc, &r, &d);
	ok(d.outcome == PHD_OUT_ERROR &&
	   r.verdict == KTLS_PH_PHA_VERDICT_ERROR && r.alert == 0 &&
	   strstr(d.reason, "our CertificateRequest does not parse"),
	   "decide: our request does not parse: verdict error, alert 0 (%s)",
	   d.reason);
	phd_reply_clear(&r);

	/* the mapping to the UAPI */
	ok(phd_verdict_uapi(PHD_PHA_OK, 0) == KTLS_PH_PHA_VERDICT_OK &&
	   phd_verdict_uapi(PHD_PHA_NO_CERTIFICATE, 0) ==
	   KTLS_PH_PHA_VERDICT_NO_CERTIFICATE &&
	   phd_verdict_uapi(PHD_PHA_NO_CERTIFICATE, 116) ==
	   KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED &&
	   phd_verdict_uapi(PHD_PHA_BAD_CERTIFICATE, 42) ==
	   KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE &&
	   phd_verdict_uapi(PHD_PHA_UNSUPPORTED_CERTIFICATE, 43) ==
	   KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE &&
	   phd_verdict_uapi(PHD_PHA_DECRYPT_ERROR, 51) ==
	   KTLS_PH_PHA_VERDICT_DECRYPT_ERROR &&
	   phd_verdict_uapi(PHD_PHA_ILLEGAL_PARAMETER, 47) ==
	   KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER &&
	   phd_verdict_uapi(PHD_PHA_DECODE_ERROR, 50) ==
	   KTLS_PH_PHA_VERDICT_DECODE_ERROR &&
	   phd_verdict_uapi(PHD_PHA_UNEXPECTED_MESSAGE, 10) ==
	   KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE &&
	   phd_verdict_uapi((enum phd_pha_verdict)99, 0) ==
	   KTLS_PH_PHA_VERDICT_ERROR,
	   "decide: every verdict maps to the UAPI's");
	ok(!strcmp(phd_verdict_uapi_name(KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED),
		   "certificate-required") &&
	   !strcmp(phd_verdict_uapi_name(99), "unknown"),
	   "decide: verdict names");
}

/* Parse an event-reply message back. */
static void test_reply_msg(void)
{
	struct nlattr *tb[KTLS_PH_A_EVENT_MAX + 1], *pt[KTLS_PH_A_PHA_MAX + 1];
	struct phd_reply r = { 0 };
	struct nl_msg *m;
	struct genlmsghdr *g;
	char err[256];
	int ret;

	r.id = 0x100000001ULL;
	r.cookie = 77;
	r.type = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	r.certificate = cc_cert;
	r.certificate_len = cc_cert_len;
	r.certificate_verify = cc_cv;
	r.certificate_verify_len = cc_cv_len;
	ret = phd_nl_reply_msg(FAMILY_ID, &r, &m, err, sizeof(err));
	ok(!ret, "reply: certificate message built (%s)", ret ? err : "");
	if (ret)
		return;
	g = nlmsg_data(nlmsg_hdr(m));
	ok(nlmsg_hdr(m)->nlmsg_type == FAMILY_ID &&
	   g->cmd == KTLS_PH_CMD_EVENT_REPLY &&
	   !genlmsg_parse(nlmsg_hdr(m), 0, tb, KTLS_PH_A_EVENT_MAX, NULL) &&
	   tb[KTLS_PH_A_EVENT_ID] && nla_len(tb[KTLS_PH_A_EVENT_ID]) == 8 &&
	   nla_get_u64(tb[KTLS_PH_A_EVENT_ID]) == 0x100000001ULL &&
	   tb[KTLS_PH_A_EVENT_COOKIE] &&
	   nla_get_u64(tb[KTLS_PH_A_EVENT_COOKIE]) == 77 &&
	   tb[KTLS_PH_A_EVENT_PHA] &&
	   !nla_parse_nested(pt, KTLS_PH_A_PHA_MAX, tb[KTLS_PH_A_EVENT_PHA],
			     NULL) &&
	   pt[KTLS_PH_A_PHA_CERTIFICATE] &&
	   (size_t)nla_len(pt[KTLS_PH_A_PHA_CERTIFICATE]) == cc_cert_len &&
	   !memcmp(nla_data(pt[KTLS_PH_A_PHA_CERTIFICATE]), cc_cert,
		   cc_cert_len) &&
	   pt[KTLS_PH_A_PHA_CERTIFICATE_VERIFY] &&
	   (size_t)nla_len(pt[KTLS_PH_A_PHA_CERTIFICATE_VERIFY]) == cc_cv_len &&
	   !pt[KTLS_PH_A_PHA_DECLINE] && !pt[KTLS_PH_A_PHA_VERDICT],
	   "reply: event-reply, id and cookie (8 bytes), certificate and certificate-verify");
	nlmsg_free(m);

	r.decline = 1;
	ret = phd_nl_reply_msg(FAMILY_ID, &r, &m, err, sizeof(err));
	ok(!ret && !genlmsg_parse(nlmsg_hdr(m), 0, tb, KTLS_PH_A_EVENT_MAX,
				  NULL) &&
	   !nla_parse_nested(pt, KTLS_PH_A_PHA_MAX, tb[KTLS_PH_A_EVENT_PHA],
			     NULL) &&
	   pt[KTLS_PH_A_PHA_DECLINE] && !nla_len(pt[KTLS_PH_A_PHA_DECLINE]) &&
	   !pt[KTLS_PH_A_PHA_CERTIFICATE],
	   "reply: decline is the flag alone");
	if (!ret)
		nlmsg_free(m);

	memset(&r, 0, sizeof(r));
	r.id = 5;
	r.cookie = 6;
	r.type = KTLS_PH_EVENT_TYPE_CLIENT_CERT;
	r.verdict = KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED;
	r.alert = 116;
	ret = phd_nl_reply_msg(FAMILY_ID, &r, &m, err, sizeof(err));
	ok(!ret && !genlmsg_parse(nlmsg_hdr(m), 0, tb, KTLS_PH_A_EVENT_MAX,
				  NULL) &&
	   !nla_parse_nested(pt, KTLS_PH_A_PHA_MAX, tb[KTLS_PH_A_EVENT_PHA],
			     NULL) &&
	   pt[KTLS_PH_A_PHA_VERDICT] && nla_len(pt[KTLS_PH_A_PHA_VERDICT]) == 4 &&
	   nla_get_u32(pt[KTLS_PH_A_PHA_VERDICT]) ==
	   KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED &&
	   pt[KTLS_PH_A_PHA_ALERT] && nla_len(pt[KTLS_PH_A_PHA_ALERT]) == 1 &&
	   nla_get_u8(pt[KTLS_PH_A_PHA_ALERT]) == 116 &&
	   !pt[KTLS_PH_A_PHA_DECLINE],
	   "reply: verdict (u32) and alert (u8)");
	if (!ret)
		nlmsg_free(m);

	memset(&r, 0, sizeof(r));
	r.type = KTLS_PH_EVENT_TYPE_CERT_REQUEST;
	r.certificate = malloc(65000);
	r.certificate_len = 65000;
	r.certificate_verify = malloc(600);
	r.certificate_verify_len = 600;
	ok(phd_reply_nest_len(&r) == 4 + 4 + 65000 + 4 + 600 &&
	   phd_nl_reply_msg(FAMILY_ID, &r, &m, err, sizeof(err)) == -EMSGSIZE &&
	   strstr(err, "the pha nest would be 65612 bytes, at most 65535 fit"),
	   "reply: a nest over 65535 bytes is refused (%s)", err);
	phd_reply_clear(&r);
}

/* What the handler logs (test_handler_pha()). */
static const char *const want_log[] = {
	"event 4294967297: cert-request from 192.0.2.1:443 server name example.com: answered with scheme ecdsa_secp256r1_sha256 (0x0403), context 32 bytes, Certificate ",
	"event 4294967297: cert-request from 192.0.2.1:443 server name example.com: declined: [pha] decline = yes and no allow_peer rule matches; context 32 bytes, socket cookie 77",
	"event 4294967297: client-cert from 192.0.2.1:443 server name example.com: verdict ok, subject CN=test, scheme ecdsa_secp256r1_sha256 (0x0403), context 32 bytes, socket cookie 77",
	"client-cert from 192.0.2.1:443 server name example.com: verdict decrypt-error, alert 51, subject CN=test: CertificateVerify signature (ecdsa_secp256r1_sha256) does not verify",
	"warning: event 4294967297: event-reply (verdict): No such file or directory: no such event: the kernel no longer awaits this answer",
	"counters: events=5 stored=0 rejected=1 ignored=0 skipped=0 store_errors=0 answered=1 declined=1 verified=1 no_certificate=0 refused=1 pha_errors=0 reply_errors=1",
};

/* The handler with pha events: answers queued, logged, counted. */
static void test_handler_pha(void)
{
	struct phd_pha_config pc = client_pc;
	struct phd_handler h;
	struct phd_reply *r;
	struct spec s;
	char log[4096];
	uint8_t bad[2048];

	phd_handler_init(&h, NULL, client_pha, &pc);
	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.answered == 1 && r && r->certificate && !r->decline &&
	   strstr(log, want_log[0]) &&
	   strstr(log, ", socket cookie 77"),
	   "handler: cert-request answered and logged (%.*s)",
	   (int)strcspn(log, "\n"), log);
	ok(!strstr(log, "PRIVATE") && !strstr(log, "BEGIN"),
	   "handler: no key material in the log");
	phd_reply_free(r);

	pc.decline = 1;
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.declined == 1 && r && r->decline &&
	   strstr(log, want_log[1]),
	   "handler: cert-request declined and logged (%.*s)",
	   (int)strcspn(log, "\n"), log);
	phd_reply_free(r);

	/* a malformed one without cookie cannot be answered */
	defaults_pha(&s, KTLS_PH_EVENT_TYPE_CERT_REQUEST);
	s.omit = KTLS_PH_A_EVENT_COOKIE;
	feed(&h, &s, log, sizeof(log));
	ok(h.n.rejected == 1 && !phd_handler_next_reply(&h) &&
	   strstr(log, "rejected: attribute cookie missing"),
	   "handler: a cert-request without cookie: rejected, no answer");

	/* server role */
	h.pha = server_pha;
	h.pc = &server_pc;
	client_cert_spec(&s);
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.verified == 1 && r && r->verdict == KTLS_PH_PHA_VERDICT_OK &&
	   r->alert == 0 &&
	   strstr(log, want_log[2]),
	   "handler: client-cert verified and logged (%.*s)",
	   (int)strcspn(log, "\n"), log);
	phd_reply_free(r);

	memcpy(bad, cc_cv, cc_cv_len);
	bad[cc_cv_len - 1] ^= 1;
	s.cv = bad;
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.refused == 1 && r &&
	   r->verdict == KTLS_PH_PHA_VERDICT_DECRYPT_ERROR && r->alert == 51 &&
	   strstr(log, want_log[3]),
	   "handler: client-cert refused and logged (%.*s)",
	   (int)strcspn(log, "\n"), log);

	/* the kernel's answer to the reply */
	{
		char path[64];
		int fd, saved;
		ssize_t got;

		snprintf(path, sizeof(path), "%s/log", top);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		fflush(stderr);
		saved = dup(2);
		dup2(fd, 2);
		phd_handler_replied(&h, r, 0, "");
		phd_handler_replied(&h, r, -ENOENT,
				    "event-reply (verdict): No such file or directory: no such event");
		phd_log_counters(&h.n);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		got = pread(fd, log, sizeof(log) - 1, 0);
		log[got > 0 ? got : 0] = '\0';
		close(fd);
		unlink(path);
	}
	ok(h.n.reply_errors == 1 &&
	   strstr(log, want_log[4]),
	   "handler: a reply the kernel no longer awaits is logged and counted");
	ok(!!strstr(log, want_log[5]),
	   "handler: the counters");
	phd_reply_free(r);

	/* a client-cert for a client socket: rejected, verdict error */
	client_cert_spec(&s);
	s.role = KTLS_PH_ROLE_CLIENT;
	feed(&h, &s, log, sizeof(log));
	r = phd_handler_next_reply(&h);
	ok(h.n.rejected == 2 && h.n.pha_errors == 1 && r &&
	   r->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT &&
	   r->verdict == KTLS_PH_PHA_VERDICT_ERROR && r->alert == 0 &&
	   strstr(log, "client-cert: verdict error, alert 0"),
	   "handler: a malformed client-cert gets verdict error (%.*s)",
	   (int)strcspn(log, "\n"), log);
	phd_reply_free(r);
	phd_handler_fini(&h);
}

int main(void)
{
	char cmd[128];

	phd_log_init("test_event", PHD_LOG_INFO);
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	setup_pha();
	test_decode();
	test_handler();
	test_decode_pha();
	test_decide_cert_request();
	test_decide_client_cert();
	test_reply_msg();
	test_handler_pha();
	phd_pha_free(client_pha);
	phd_pha_free(server_pha);
	phd_pha_free(empty_pha);
	free(cc_cert);
	free(cc_cv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd))
		ok(0, "cleanup");
	printf("1..%d\n", passed + failed);
	return failed != 0;
}
