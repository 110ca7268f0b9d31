// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd: one event from decoding to the store or to the answer (see
 * handler.h). Logs what identifies a ticket (peer, suite, lengths,
 * lifetime), never its bytes or PSK; for post-handshake authentication the
 * peer, the context length, the scheme, the verdict and the reasons, never
 * key material.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/ktls_ph.h>

#include "ktlsph.h"
#include "event.h"
#include "handler.h"
#include "log.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

void phd_handler_init(struct phd_handler *h, struct phd_store *store,
		      const struct phd_pha *pha,
		      const struct phd_pha_config *pc)
{
	memset(h, 0, sizeof(*h));
	h->store = store;
	h->pha = pha;
	h->pc = pc;
	h->tail = &h->replies;
}

void phd_reply_free(struct phd_reply *r)
{
	if (!r)
		return;
	phd_reply_clear(r);
	free(r);
}

void phd_handler_fini(struct phd_handler *h)
{
	struct phd_reply *r;

	while ((r = phd_handler_next_reply(h)))
		phd_reply_free(r);
}

struct phd_reply *phd_handler_next_reply(struct phd_handler *h)
{
	struct phd_reply *r = h->replies;

	if (r) {
		h->replies = r->next;
		if (!h->replies)
			h->tail = &h->replies;
		r->next = NULL;
	}
	return r;
}

/* Queue @r (a copy, taking its buffers); logs when out of memory. */
static void queue_reply(struct phd_handler *h, struct phd_reply *r)
{
	struct phd_reply *q = malloc(sizeof(*q));

	if (!q) {
		log_err("event %llu: out of memory: no event-reply (the kernel %s when its pha_timeout_ms is over)",
			(unsigned long long)r->id,
			r->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST ?
			"declines" : "reports a timeout");
		h->n.reply_errors++;
		phd_reply_clear(r);
		return;
	}
	*q = *r;
	q->next = NULL;
	memset(r, 0, sizeof(*r));
	*h->tail = q;
	h->tail = &q->next;
}

uint32_t phd_verdict_uapi(enum phd_pha_verdict v, uint8_t alert)
{
	switch (v) {
	case PHD_PHA_OK:
		return KTLS_PH_PHA_VERDICT_OK;
	case PHD_PHA_NO_CERTIFICATE:
		return alert == PHD_ALERT_CERTIFICATE_REQUIRED ?
		       KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED :
		       KTLS_PH_PHA_VERDICT_NO_CERTIFICATE;
	case PHD_PHA_BAD_CERTIFICATE:
		return KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE;
	case PHD_PHA_UNSUPPORTED_CERTIFICATE:
		return KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE;
	case PHD_PHA_DECRYPT_ERROR:
		return KTLS_PH_PHA_VERDICT_DECRYPT_ERROR;
	case PHD_PHA_ILLEGAL_PARAMETER:
		return KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER;
	case PHD_PHA_DECODE_ERROR:
		return KTLS_PH_PHA_VERDICT_DECODE_ERROR;
	case PHD_PHA_UNEXPECTED_MESSAGE:
		return KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE;
	}
	return KTLS_PH_PHA_VERDICT_ERROR;
}

const char *phd_verdict_uapi_name(uint32_t verdict)
{
	static const char *const names[] = {
		[KTLS_PH_PHA_VERDICT_NONE] = "none",
		[KTLS_PH_PHA_VERDICT_PENDING] = "pending",
		[KTLS_PH_PHA_VERDICT_OK] = "ok",
		[KTLS_PH_PHA_VERDICT_NO_CERTIFICATE] = "no-certificate",
		[KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE] = "bad-certificate",
		[KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE] =
			"unsupported-certificate",
		[KTLS_PH_PHA_VERDICT_DECRYPT_ERROR] = "decrypt-error",
		[KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER] = "illegal-parameter",
		[KTLS_PH_PHA_VERDICT_DECODE_ERROR] = "decode-error",
		[KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE] = "unexpected-message",
		[KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED] =
			"certificate-required",
		[KTLS_PH_PHA_VERDICT_TIMEOUT] = "timeout",
		[KTLS_PH_PHA_VERDICT_ERROR] = "error",
	};

	if (verdict < ARRAY_SIZE(names) && names[verdict])
		return names[verdict];
	return "unknown";
}

/*
 * The peer's address as the [pha] rules compare it (a v4-mapped IPv6
 * address as IPv4), or "" without one.
 */
static void peer_addr_string(const struct phd_peer *p, char *buf,
			     size_t len)
{
	const struct in6_addr *a6 = (const struct in6_addr *)p->addr;

	buf[0] = '\0';
	if (p->family == AF_INET)
		inet_ntop(AF_INET, p->addr, buf, (socklen_t)len);
	else if (p->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(a6))
		inet_ntop(AF_INET, p->addr + 12, buf, (socklen_t)len);
	else if (p->family == AF_INET6)
		inet_ntop(AF_INET6, p->addr, buf, (socklen_t)len);
}

/* "192.0.2.1:443 server name example.com", for the log. */
static void describe_peer(const struct phd_event *ev, char *buf, size_t len)
{
	char addr[64] = "unknown address";
	const char *sn = ev->st.t.server_name;

	if (ev->st.peer.family)
		phd_peer_format(&ev->st.peer, addr, sizeof(addr));
	snprintf(buf, len, "%s%s%s", addr, sn[0] ? " server name " : "", sn);
}

/* Verdict error (client-cert) or decline (cert-request), with a reason. */
static void decide_error(const struct phd_event *ev, struct phd_reply *r,
			 struct phd_decision *d, const char *what,
			 const char *why)
{
	phd_reply_clear(r);
	r->id = ev->id;
	r->cookie = ev->cookie;
	r->type = ev->type;
	if (ev->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST)
		r->decline = 1;
	else
		r->verdict = KTLS_PH_PHA_VERDICT_ERROR;
	d->outcome = PHD_OUT_ERROR;
	snprintf(d->reason, sizeof(d->reason), "%s%s%s", what,
		 why && why[0] ? ": " : "", why ? why : "");
}

/*
 * The event's CertificateRequest into @req, its context length into @d,
 * and the hash of the connection's cipher suite: the hash, or -1 after
 * decide_error() (with @unparsed if the request does not parse).
 */
static int parse_request(const struct phd_event *ev, struct phd_reply *r,
			 struct phd_decision *d, const char *unparsed,
			 struct phd_pha_request *req)
{
	const struct phd_event_pha *e = &ev->pha;
	char err[384];
	int hash;

	if (phd_pha_parse_request(e->buf + e->transcript_len, e->request_len,
				  req, err, sizeof(err))) {
		decide_error(ev, r, d, unparsed, err);
		return -1;
	}
	d->context_len = req->context_len;
	hash = phd_pha_hash_for_suite(ev->st.t.cipher_suite);
	if (hash < 0) {
		snprintf(err, sizeof(err), "0x%04x", ev->st.t.cipher_suite);
		decide_error(ev, r, d, "no TLS 1.3 hash for cipher suite", err);
		return -1;
	}
	return hash;
}

static void decide_cert_request(const struct phd_pha *p,
				const struct phd_pha_config *pc,
				const struct phd_event *ev,
				struct phd_reply *r, struct phd_decision *d)
{
	const struct phd_event_pha *e = &ev->pha;
	struct phd_pha_answer_in in = { 0 };
	struct phd_pha_answer ans;
	struct phd_pha_request req;
	char err[384], addr[INET6_ADDRSTRLEN];
	int hash, ret;

	hash = parse_request(ev, r, d, "the CertificateRequest does not parse",
			     &req);
	if (hash < 0)
		return;
	peer_addr_string(&ev->st.peer, addr, sizeof(addr));
	in.transcript = e->buf;
	in.transcript_len = e->transcript_len + e->request_len;
	in.hash = (enum phd_pha_hash)hash;
	in.context = req.context;
	in.context_len = req.context_len;
	in.sigalgs = req.sigalgs;
	in.n_sigalgs = req.n_sigalgs;
	in.sigalgs_cert = req.n_sigalgs_cert ? req.sigalgs_cert : NULL;
	in.n_sigalgs_cert = req.n_sigalgs_cert;
	in.server_name = ev->st.t.server_name;
	in.peer_addr = addr[0] ? addr : NULL;
	in.peer_port = ev->st.peer.family ? ev->st.peer.port : 0;
	ret = phd_pha_answer(p, pc, &in, &ans, err, sizeof(err));
	if (ret) {
		phd_pha_answer_clear(&ans);
		decide_error(ev, r, d, "answering failed", err);
		return;
	}
	snprintf(d->reason, sizeof(d->reason), "%s", ans.reason);
	if (ans.declined) {
		phd_pha_answer_clear(&ans);
		r->decline = 1;
		d->outcome = PHD_OUT_DECLINED;
		return;
	}
	r->certificate = ans.certificate;
	r->certificate_len = ans.certificate_len;
	r->certificate_verify = ans.certificate_verify;
	r->certificate_verify_len = ans.certificate_verify_len;
	ans.certificate = NULL;
	ans.certificate_verify = NULL;
	d->scheme = ans.scheme;
	phd_pha_answer_clear(&ans);
	if (phd_reply_nest_len(r) > PHD_REPLY_NEST_MAX) {
		snprintf(err, sizeof(err),
			 "the Certificate (%zu bytes) and CertificateVerify (%zu bytes) do not fit in one event-reply (%d bytes in all): use a shorter [pha] certificate chain",
			 r->certificate_len, r->certificate_verify_len,
			 PHD_REPLY_NEST_MAX);
		decide_error(ev, r, d, "cannot answer", err);
		return;
	}
	d->outcome = PHD_OUT_ANSWERED;
}

static void decide_client_cert(const struct phd_pha *p,
			       const struct phd_pha_config *pc,
			       const struct phd_event *ev,
			       struct phd_reply *r, struct phd_decision *d)
{
	const struct phd_event_pha *e = &ev->pha;
	struct phd_pha_verify_in in = { 0 };
	struct phd_pha_request req;
	struct phd_pha_result res;
	char err[384];
	int hash, ret;

	hash = parse_request(ev, r, d, "our CertificateRequest does not parse",
			     &req);
	if (hash < 0)
		return;
	in.transcript = e->buf;
	in.transcript_len = e->transcript_len + e->request_len;
	in.hash = (enum phd_pha_hash)hash;
	in.context = req.context;
	in.context_len = req.context_len;
	in.sigalgs = req.sigalgs;
	in.n_sigalgs = req.n_sigalgs;
	in.certificate = e->certificate;
	in.certificate_len = e->certificate_len;
	in.certificate_verify = e->certificate_verify;
	in.certificate_verify_len = e->certificate_verify_len;
	ret = phd_pha_verify(p, pc, &in, &res);
	snprintf(d->subject, sizeof(d->subject), "%s", res.subject);
	d->scheme = res.scheme;
	if (ret < 0) {
		snprintf(err, sizeof(err), "%s%s%s", strerror(-ret),
			 res.reason[0] ? ": " : "", res.reason);
		phd_pha_result_clear(&res);
		decide_error(ev, r, d, "the check could not run", err);
		return;
	}
	r->verdict = phd_verdict_uapi(res.verdict, res.alert);
	r->alert = res.alert;
	snprintf(d->reason, sizeof(d->reason), "%s", res.reason);
	d->outcome = res.verdict == PHD_PHA_OK ? PHD_OUT_VERIFIED :
		     res.verdict == PHD_PHA_NO_CERTIFICATE ? PHD_OUT_NO_CERT :
		     PHD_OUT_REFUSED;
	phd_pha_result_clear(&res);
}

void phd_pha_decide(const struct phd_pha *p, const struct phd_pha_config *pc,
		    const struct phd_event *ev, struct phd_reply *r,
		    struct phd_decision *d)
{
	static const struct phd_pha_config none;

	memset(r, 0, sizeof(*r));
	memset(d, 0, sizeof(*d));
	if (!pc)
		pc = &none;
	r->id = ev->id;
	r->cookie = ev->cookie;
	r->type = ev->type;
	describe_peer(ev, d->peer, sizeof(d->peer));
	if (!ev->pha.buf) {
		decide_error(ev, r, d, "no transcript and request", NULL);
		return;
	}
	if (ev->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST)
		decide_cert_request(p, pc, ev, r, d);
	else if (ev->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT)
		decide_client_cert(p, pc, ev, r, d);
	else
		decide_error(ev, r, d, "not a post-handshake authentication event",
			     NULL);
}

/* Log the decision on @ev and count it. */
static void log_decision(struct phd_handler *h, const struct phd_event *ev,
			 const struct phd_reply *r,
			 const struct phd_decision *d)
{
	unsigned long long id = ev->id;
	const char *type = phd_event_type_name(ev->type);

	switch (d->outcome) {
	case PHD_OUT_ANSWERED:
		h->n.answered++;
		log_info("event %llu: cert-request from %s: answered with scheme %s (0x%04x), context %zu bytes, Certificate %zu bytes, CertificateVerify %zu bytes, socket cookie %llu%s%s",
			 id, d->peer, phd_pha_scheme_name(d->scheme), d->scheme,
			 d->context_len, r->certificate_len,
			 r->certificate_verify_len,
			 (unsigned long long)ev->cookie,
			 d->reason[0] ? "; warning: " : "", d->reason);
		break;
	case PHD_OUT_DECLINED:
		h->n.declined++;
		log_info("event %llu: cert-request from %s: declined: %s; context %zu bytes, socket cookie %llu",
			 id, d->peer, d->reason, d->context_len,
			 (unsigned long long)ev->cookie);
		break;
	case PHD_OUT_VERIFIED:
		h->n.verified++;
		log_info("event %llu: client-cert from %s: verdict ok, subject %s, scheme %s (0x%04x), context %zu bytes, socket cookie %llu",
			 id, d->peer, d->subject,
			 phd_pha_scheme_name(d->scheme), d->scheme,
			 d->context_len, (unsigned long long)ev->cookie);
		break;
	case PHD_OUT_NO_CERT:
	case PHD_OUT_REFUSED:
		if (d->outcome == PHD_OUT_NO_CERT)
			h->n.no_certificate++;
		else
			h->n.refused++;
		log_info("event %llu: client-cert from %s: verdict %s, alert %u%s%s: %s; context %zu bytes, socket cookie %llu",
			 id, d->peer, phd_verdict_uapi_name(r->verdict),
			 r->alert, d->subject[0] ? ", subject " : "",
			 d->subject, d->reason, d->context_len,
			 (unsigned long long)ev->cookie);
		break;
	case PHD_OUT_ERROR:
		h->n.pha_errors++;
		log_warn("event %llu: %s from %s: %s: %s; socket cookie %llu",
			 id, type, d->peer, d->reason,
			 r->decline ? "declining" : "verdict error, alert 0",
			 (unsigned long long)ev->cookie);
		break;
	}
}

/* A malformed pha event whose id and cookie are known: answer anyway. */
static void answer_rejected(struct phd_handler *h, const struct phd_event *ev)
{
	struct phd_reply r = { 0 };

	h->n.pha_errors++;
	r.id = ev->id;
	r.cookie = ev->cookie;
	r.type = ev->type;
	if (ev->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST)
		r.decline = 1;
	else
		r.verdict = KTLS_PH_PHA_VERDICT_ERROR;
	log_warn("event %llu: %s: %s", (unsigned long long)ev->id,
		 phd_event_type_name(ev->type),
		 r.decline ? "declining" : "verdict error, alert 0");
	queue_reply(h, &r);
}

static void handle_pha(struct phd_handler *h, const struct phd_event *ev)
{
	struct phd_decision d;
	struct phd_reply r;

	phd_pha_decide(h->pha, h->pc, ev, &r, &d);
	log_decision(h, ev, &r, &d);
	queue_reply(h, &r);
}

static void handle_ticket(struct phd_handler *h, struct phd_event *ev)
{
	struct ktlsph_ticket *t = &ev->st.t;
	const struct ktlsph_suite *s;
	uint64_t now = phd_now_ms();
	unsigned long long id = ev->id;
	char err[512], peer[64];

	s = ktlsph_suite_by_id(t->cipher_suite);
	phd_peer_format(&ev->st.peer, peer, sizeof(peer));
	if (phd_ticket_expired(t, now)) {
		log_info("event %llu: ticket from %s%s%s with lifetime %u s has expired: not stored",
			 id, peer, t->server_name[0] ? " server name " : "",
			 t->server_name, t->lifetime);
		h->n.skipped++;
		return;
	}
	if (phd_store_put(h->store, &ev->st, now, err, sizeof(err))) {
		log_err("event %llu: storing the ticket from %s failed: %s", id,
			peer, err);
		h->n.store_errors++;
		return;
	}
	h->n.stored++;
	log_info("ticket stored: %s/%s: peer %s%s%s, %s, lifetime %u s, ticket %zu bytes, nonce %zu bytes, extensions %zu bytes, max_early_data %u, socket cookie %llu, event %llu",
		 ev->st.peer_key, ev->st.name, peer,
		 t->server_name[0] ? " server name " : "", t->server_name,
		 s ? s->name : "?", t->lifetime, t->ticket_len, t->nonce_len,
		 ev->extensions_len, t->max_early_data,
		 (unsigned long long)ev->cookie, id);
}

void phd_handle_event(struct phd_handler *h, const struct nlmsghdr *nlh)
{
	struct phd_event ev;
	char err[512];
	int pha;

	h->n.events++;
	if (phd_event_parse(nlh, &ev, err, sizeof(err))) {
		log_warn("event %llu: rejected: %s", (unsigned long long)ev.id,
			 err);
		h->n.rejected++;
		pha = ev.type == KTLS_PH_EVENT_TYPE_CERT_REQUEST ||
		      ev.type == KTLS_PH_EVENT_TYPE_CLIENT_CERT;
		if (pha && ev.have_cookie)
			answer_rejected(h, &ev);
		goto out;
	}
	switch (ev.type) {
	case KTLS_PH_EVENT_TYPE_TICKET:
		handle_ticket(h, &ev);
		break;
	case KTLS_PH_EVENT_TYPE_CERT_REQUEST:
	case KTLS_PH_EVENT_TYPE_CLIENT_CERT:
		handle_pha(h, &ev);
		break;
	default:
		log_warn("event %llu: type %u (%s) is not handled by this version, ignored",
			 (unsigned long long)ev.id, ev.type,
			 phd_event_type_name(ev.type));
		h->n.ignored++;
		break;
	}
out:
	phd_event_clear(&ev);
}

void phd_handler_replied(struct phd_handler *h, const struct phd_reply *r,
			 int ret, const char *err)
{
	unsigned long long id = r->id;

	if (!ret) {
		log_debug("event %llu: event-reply sent (%s)", id,
			  r->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT ?
			  phd_verdict_uapi_name(r->verdict) :
			  r->decline ? "decline" : "certificate");
		return;
	}
	h->n.reply_errors++;
	if (ret == -ENOENT)
		log_warn("event %llu: %s: the kernel no longer awaits this answer (timed out, already answered or the socket closed)",
			 id, err);
	else if (ret == -EINVAL && r->type == KTLS_PH_EVENT_TYPE_CERT_REQUEST)
		log_err("event %llu: %s (the kernel declines the request)", id,
			err);
	else
		log_err("event %llu: %s", id, err);
}

void phd_log_counters(const struct phd_counters *n)
{
	log_info("counters: events=%llu stored=%llu rejected=%llu ignored=%llu skipped=%llu store_errors=%llu answered=%llu declined=%llu verified=%llu no_certificate=%llu refused=%llu pha_errors=%llu reply_errors=%llu",
		 (unsigned long long)n->events, (unsigned long long)n->stored,
		 (unsigned long long)n->rejected,
		 (unsigned long long)n->ignored,
		 (unsigned long long)n->skipped,
		 (unsigned long long)n->store_errors,
		 (unsigned long long)n->answered,
		 (unsigned long long)n->declined,
		 (unsigned long long)n->verified,
		 (unsigned long long)n->no_certificate,
		 (unsigned long long)n->refused,
		 (unsigned long long)n->pha_errors,
		 (unsigned long long)n->reply_errors);
}
