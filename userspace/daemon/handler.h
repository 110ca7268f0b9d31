/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktls-phd does with one event: decode (event.h), check, then store a
 * ticket (store.h), or decide the answer to a post-handshake
 * authentication event (pha.h) and queue it for sending; log, count.
 * Apart from main.c so that the unit tests can feed it messages.
 */
#ifndef PHD_HANDLER_H
#define PHD_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "pha.h"
#include "store.h"

struct nlmsghdr;

struct phd_counters {
	uint64_t events;	/* popped */
	uint64_t stored;	/* tickets written to the store */
	uint64_t rejected;	/* malformed events */
	uint64_t ignored;	/* event types this version does not handle */
	uint64_t skipped;	/* tickets with nothing left of their lifetime */
	uint64_t store_errors;	/* tickets that could not be written */
	/*
	 * Post-handshake authentication. answered + declined + the errors of
	 * cert-requests: cert-request events; verified + no_certificate +
	 * refused + the errors of client-certs: client-cert events. A
	 * malformed one counts in rejected and pha_errors.
	 */
	uint64_t answered;	/* Certificate + CertificateVerify sent */
	uint64_t declined;	/* declined by policy or configuration */
	uint64_t verified;	/* client certificates: verdict ok */
	uint64_t no_certificate;	/* the client declined */
	uint64_t refused;	/* client certificates refused (with an alert) */
	uint64_t pha_errors;	/* could not decide: declined / verdict error */
	uint64_t reply_errors;	/* event-reply failed (also ENOENT: too late) */
};

struct phd_handler {
	struct phd_store *store;
	const struct phd_pha *pha;		/* NULL: nothing configured */
	const struct phd_pha_config *pc;
	struct phd_counters n;
	/* event-replies to send (phd_handler_next_reply()), oldest first */
	struct phd_reply *replies, **tail;
};

/* Set up @h (counters zero, no reply queued). */
void phd_handler_init(struct phd_handler *h, struct phd_store *store,
		      const struct phd_pha *pha,
		      const struct phd_pha_config *pc);

/* Free the replies still queued. */
void phd_handler_fini(struct phd_handler *h);

/*
 * Handle the event-pop reply @nlh: a ticket goes to the store; a
 * cert-request or client-cert gets its answer decided and queued (also a
 * malformed one whose id and cookie were read: decline, or verdict error,
 * so that no request waits for the kernel's timeout); a malformed event is
 * logged and counted, never fatal. Secrets are never logged. Called from
 * the netlink receive callback: it sends nothing itself.
 */
void phd_handle_event(struct phd_handler *h, const struct nlmsghdr *nlh);

/* The oldest queued reply (the caller sends it, then phd_reply_free()). */
struct phd_reply *phd_handler_next_reply(struct phd_handler *h);
void phd_reply_free(struct phd_reply *r);

/*
 * Log and count how sending @r went: @ret from phd_nl_reply(), @err its
 * message.
 */
void phd_handler_replied(struct phd_handler *h, const struct phd_reply *r,
			 int ret, const char *err);

/* Log @n at info level. */
void phd_log_counters(const struct phd_counters *n);

/* What phd_pha_decide() decided, for the log and the counters. */
enum phd_outcome {
	PHD_OUT_ANSWERED,	/* cert-request: Certificate + CertificateVerify */
	PHD_OUT_DECLINED,	/* cert-request: policy or configuration */
	PHD_OUT_VERIFIED,	/* client-cert: verdict ok */
	PHD_OUT_NO_CERT,	/* client-cert: the client declined */
	PHD_OUT_REFUSED,	/* client-cert: another verdict */
	PHD_OUT_ERROR,		/* could not decide: decline / verdict error */
};

struct phd_decision {
	enum phd_outcome outcome;
	size_t context_len;	/* certificate_request_context */
	uint16_t scheme;	/* of the CertificateVerify, 0 if none */
	char peer[400];		/* "192.0.2.1:443 server name example.com" */
	char subject[256];	/* client-cert: the client's leaf */
	char reason[512];	/* why declined / refused / error; a warning */
};

/*
 * Decide the answer to the decoded cert-request or client-cert event @ev
 * with the [pha] material @p (may be NULL) and settings @pc: @r gets the
 * event-reply (its buffers are @r's: phd_reply_clear()), @d what to log.
 * cert-request: phd_pha_parse_request(), phd_pha_answer() over transcript
 * || request with the suite's hash, the peer for the rules; declined (or an
 * error) -> @r->decline. client-cert: phd_pha_verify() with the request's
 * context and signature_algorithms -> @r->verdict (phd_verdict_uapi()) and
 * @r->alert; a check that could not run -> verdict error, alert 0.
 * Never fails: an event of another type gets a verdict error (with
 * PHD_OUT_ERROR).
 */
void phd_pha_decide(const struct phd_pha *p, const struct phd_pha_config *pc,
		    const struct phd_event *ev, struct phd_reply *r,
		    struct phd_decision *d);

/*
 * enum phd_pha_verdict -> enum ktls_ph_pha_verdict: no_certificate with the
 * certificate_required alert (116) is KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED.
 */
uint32_t phd_verdict_uapi(enum phd_pha_verdict v, uint8_t alert);

/* "ok", "certificate-required", ... (the spec's names), or "unknown". */
const char *phd_verdict_uapi_name(uint32_t verdict);

#endif /* PHD_HANDLER_H */
