// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: post-handshake client authentication, server role (RFC 8446
 * 4.6.2, Documentation/pha.md). pha-request sends a CertificateRequest with
 * a fresh 32-byte context; the receive path takes the client's Certificate,
 * CertificateVerify and Finished in that order and nothing else in between,
 * checks the Finished with the client's current traffic secret, and queues
 * a client-cert event. The helper's verdict is kept for get, may end the
 * connection with its alert, and is announced by a pha-done multicast.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tls.h>
#include <net/sock.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "hsmsg.h"
#include "netlink.h"
#include "pha.h"
#include "pha_int.h"
#include "pha_msg.h"
#include "sock.h"
/* signature_algorithms of the requests a server socket sends */
static const u8 ktls_ph_pha_sigalgs[] = {
	0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x04,
	0x08, 0x05, 0x08, 0x06, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b,
};

/**
 * ktls_ph_pha_srv_work() - server role part of the socket's work
 * @ph: the socket
 *
 * Verdict timeouts, the helper's alerts, pha-done notifications.
 */
void ktls_ph_pha_srv_work(struct ktls_ph_sock *ph)
{
	struct ktls_ph_pha *p = &ph->pha;
	bool timeout = false, done;
	u32 verdict;
	u8 act, alert;

	spin_lock_bh(&p->lock);
	if (p->srv_state == KTLS_PH_PHA_SRV_WAIT_VERDICT &&
	    time_after_eq(jiffies, p->deadline)) {
		WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_IDLE);
		p->verdict = KTLS_PH_PHA_VERDICT_TIMEOUT;
		p->done = true;
		timeout = true;
	}
	done = p->done;
	act = p->act_alert;
	verdict = act ? p->act_verdict : p->verdict;
	alert = p->alert;
	p->done = false;
	p->act_alert = 0;
	spin_unlock_bh(&p->lock);
	if (timeout)
		ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_TIMEOUTS,
				   KTLS_PH_NS_PHA_TIMEOUTS);
	if (act) {
		/* the socket fails first: see ktls_ph_pha_verdict_locked() */
		if (READ_ONCE(ph->attached))
			ktls_ph_fatal(ph, act, -EACCES);
		spin_lock_bh(&p->lock);
		p->verdict = verdict;
		spin_unlock_bh(&p->lock);
	}
	if (done)
		ktls_ph_nl_pha_done(sock_net(ph->sk), ph->cookie, verdict,
				    alert);
}

static u32 ktls_ph_pha_alert_verdict(int alert)
{
	switch (alert) {
	case KTLS_PH_ALERT_UNEXPECTED_MESSAGE:
		return KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE;
	case KTLS_PH_ALERT_DECODE_ERROR:
		return KTLS_PH_PHA_VERDICT_DECODE_ERROR;
	case KTLS_PH_ALERT_ILLEGAL_PARAMETER:
		return KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER;
	case KTLS_PH_ALERT_DECRYPT_ERROR:
		return KTLS_PH_PHA_VERDICT_DECRYPT_ERROR;
	default:
		return KTLS_PH_PHA_VERDICT_ERROR;
	}
}

/*
 * Server role: the client's answer failed; a pending request gets the
 * verdict of @alert, announced by pha-done. rx_lock held.
 */
static int ktls_ph_pha_srv_fail(struct ktls_ph_sock *ph, int alert)
{
	struct ktls_ph_pha *p = &ph->pha;
	bool pending;
	int err;

	err = ktls_ph_pha_bad(ph, alert);
	spin_lock_bh(&p->lock);
	pending = p->srv_state != KTLS_PH_PHA_SRV_IDLE;
	if (pending) {
		WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_IDLE);
		p->verdict = ktls_ph_pha_alert_verdict(alert);
		p->alert = alert > 0 ? alert : KTLS_PH_ALERT_INTERNAL_ERROR;
		p->done = true;
		ktls_ph_pha_kick_locked(ph);
	}
	spin_unlock_bh(&p->lock);
	if (pending)
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_PHA_REJECTED);
	return err;
}

/* Keep a copy of a client message (with its header) in *@buf. */
static int ktls_ph_pha_keep(struct ktls_ph_sock *ph,
			    const struct ktls_ph_hs_msg *m, u8 **buf, u32 *len)
{
	u32 n = KTLS_PH_HS_HDR_LEN + m->len;
	u8 *b;

	b = kvmalloc(n, ktls_ph_pha_gfp(ph->sk));
	if (!b)
		return -ENOMEM;
	b[0] = m->type;
	b[1] = m->len >> 16;
	b[2] = m->len >> 8;
	b[3] = m->len;
	memcpy(b + KTLS_PH_HS_HDR_LEN, m->body, m->len);
	kvfree_sensitive(*buf, *len);
	*buf = b;
	*len = n;
	return 0;
}

/* Server role: the client's Finished verified; ask the helper. */
static void ktls_ph_pha_srv_event(struct ktls_ph_sock *ph)
{
	struct ktls_ph_pha *p = &ph->pha;
	struct net *net = sock_net(ph->sk);
	struct ktls_ph_event *ev;
	size_t off;

	ev = ktls_ph_event_new(ph, KTLS_PH_EVENT_TYPE_CLIENT_CERT,
			       (size_t)p->transcript_len + p->req_len +
			       p->cert_len + (p->cv ? p->cv_len : 0));
	if (ev) {
		ev->pha.transcript = ev->data;
		ev->pha.transcript_len = p->transcript_len;
		memcpy(ev->data, p->transcript, p->transcript_len);
		off = p->transcript_len;
		ev->pha.request = ev->data + off;
		ev->pha.request_len = p->req_len;
		memcpy(ev->data + off, p->req, p->req_len);
		off += p->req_len;
		ev->pha.cert = ev->data + off;
		ev->pha.cert_len = p->cert_len;
		memcpy(ev->data + off, p->cert, p->cert_len);
		off += p->cert_len;
		if (p->cv) {
			ev->pha.cv = ev->data + off;
			ev->pha.cv_len = p->cv_len;
			memcpy(ev->data + off, p->cv, p->cv_len);
		}
		ev->id = ktls_ph_event_new_id();
	}
	spin_lock_bh(&p->lock);
	WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_WAIT_VERDICT);
	p->ev_id = ev ? ev->id : 0;
	/* no event, no verdict: a timeout at once */
	p->deadline = ev ? ktls_ph_pha_deadline() : jiffies;
	spin_unlock_bh(&p->lock);
	if (!ev || ktls_ph_event_queue(net, ev)) {
		ktls_ph_net_inc(net, KTLS_PH_NS_PHA_NO_HELPER);
		spin_lock_bh(&p->lock);
		if (p->srv_state == KTLS_PH_PHA_SRV_WAIT_VERDICT)
			p->deadline = jiffies;
		spin_unlock_bh(&p->lock);
	}
	ktls_ph_pha_kick(ph);
}

/**
 * ktls_ph_pha_rx_srv() - server role: the client's messages
 * @ph: the socket, rx_lock held
 * @m: the message
 *
 * Return: 0, or a negative errno after a fatal alert was sent.
 */
int ktls_ph_pha_rx_srv(struct ktls_ph_sock *ph, const struct ktls_ph_hs_msg *m)
{
	struct ktls_ph_pha *p = &ph->pha;
	u32 hlen = ph->rx_ks.suite->hash_len;
	u8 vd[KTLS_PH_MAX_HASH_LEN];
	struct ktls_ph_client_cert cc;
	struct ktls_ph_cert_verify cv;
	u32 state = READ_ONCE(p->srv_state);
	const u8 *ctx;
	u8 ctx_len;
	int alert;

	switch (m->type) {
	case KTLS_PH_HS_CERTIFICATE:
		if (state != KTLS_PH_PHA_SRV_WAIT_CERT)
			break;
		ctx = ktls_ph_pha_ctx(p->req, &ctx_len);
		alert = ktls_ph_client_cert_parse(m, ctx, ctx_len, &cc);
		if (alert)
			return ktls_ph_pha_srv_fail(ph, alert);
		if (ktls_ph_pha_keep(ph, m, &p->cert, &p->cert_len))
			return ktls_ph_pha_srv_fail(ph, -ENOMEM);
		kvfree_sensitive(p->cv, p->cv_len);
		p->cv = NULL;
		p->cv_len = 0;
		WRITE_ONCE(p->srv_state, cc.nr_certs ? KTLS_PH_PHA_SRV_WAIT_CV :
			   KTLS_PH_PHA_SRV_WAIT_FIN);
		return 0;
	case KTLS_PH_HS_CERTIFICATE_VERIFY:
		if (state != KTLS_PH_PHA_SRV_WAIT_CV)
			break;
		alert = ktls_ph_cert_verify_parse(m, ktls_ph_pha_sigalgs,
						  sizeof(ktls_ph_pha_sigalgs),
						  &cv);
		if (alert)
			return ktls_ph_pha_srv_fail(ph, alert);
		if (ktls_ph_pha_keep(ph, m, &p->cv, &p->cv_len))
			return ktls_ph_pha_srv_fail(ph, -ENOMEM);
		WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_WAIT_FIN);
		return 0;
	case KTLS_PH_HS_FINISHED:
		if (state != KTLS_PH_PHA_SRV_WAIT_FIN)
			break;
		if (ktls_ph_pha_verify_data(ph, &ph->rx_ks, ph->rx_secret,
					    p->req, p->req_len, p->cert,
					    p->cert_len, p->cv, p->cv_len, vd))
			return ktls_ph_pha_srv_fail(ph, -EIO);
		alert = ktls_ph_finished_parse(m, hlen, vd);
		memzero_explicit(vd, sizeof(vd));
		if (alert)
			return ktls_ph_pha_srv_fail(ph, alert);
		if (!p->cv)
			ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_DECLINED,
					   KTLS_PH_NS_PHA_DECLINED);
		ktls_ph_pha_srv_event(ph);
		return 0;
	}
	/* out of order, or without a request */
	return ktls_ph_pha_srv_fail(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
}

/**
 * ktls_ph_pha_rx_unexpected() - a record interrupted the client's answer
 * @ph: the socket, rx_lock held, ktls_ph_pha_rx_busy()
 *
 * Return: -EPROTO, after the unexpected_message alert was sent.
 */
int ktls_ph_pha_rx_unexpected(struct ktls_ph_sock *ph)
{
	lockdep_assert_held(&ph->rx_lock);
	return ktls_ph_pha_srv_fail(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
}

/**
 * ktls_ph_pha_request() - server role: send a CertificateRequest
 * @ph: an attached socket
 * @extack: receives a message naming the problem on error
 *
 * Return: 0; -EOPNOTSUPP (a client socket, or post_handshake_auth not
 * offered), -ENOTCONN (no helper), -EBUSY (one pending), or the errno of a
 * failed send (the connection then ends with internal_error).
 */
int ktls_ph_pha_request(struct ktls_ph_sock *ph,
			struct netlink_ext_ack *extack)
{
	size_t size = KTLS_PH_HS_HDR_LEN + 1 + KTLS_PH_PHA_SRV_CTX_LEN + 8 +
		sizeof(ktls_ph_pha_sigalgs);
	struct ktls_ph_pha *p = &ph->pha;
	u8 ctx[KTLS_PH_PHA_SRV_CTX_LEN];
	u8 *req, *old_req, *old_cert;
	u32 old_req_len, old_cert_len;
	int n, err;

	if (ph->role != KTLS_PH_ROLE_SERVER) {
		NL_SET_ERR_MSG(extack,
			       "pha-request is for server sockets; this one is a client");
		return -EOPNOTSUPP;
	}
	if (!p->offered) {
		NL_SET_ERR_MSG(extack,
			       "the client did not offer post_handshake_auth");
		return -EOPNOTSUPP;
	}
	if (!ktls_ph_helper_present(sock_net(ph->sk))) {
		NL_SET_ERR_MSG(extack,
			       "no helper registered in this network namespace to check the client's certificate");
		return -ENOTCONN;
	}
	req = kvmalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	get_random_bytes(ctx, sizeof(ctx));
	n = ktls_ph_certreq_build(req, size, ctx, sizeof(ctx),
				  ktls_ph_pha_sigalgs,
				  sizeof(ktls_ph_pha_sigalgs));
	if (n < 0) {
		kvfree(req);
		return n;
	}
	spin_lock_bh(&p->lock);
	if (p->srv_state != KTLS_PH_PHA_SRV_IDLE || p->closing) {
		spin_unlock_bh(&p->lock);
		kvfree(req);
		NL_SET_ERR_MSG(extack,
			       "a post-handshake authentication is already pending on this socket");
		return -EBUSY;
	}
	old_req = p->req;
	old_req_len = p->req_len;
	old_cert = p->cert;
	old_cert_len = p->cert_len;
	p->req = req;
	p->req_len = n;
	p->cert = NULL;
	p->cert_len = 0;
	p->peer_cert = NULL;
	p->peer_cert_len = 0;
	p->verdict = KTLS_PH_PHA_VERDICT_PENDING;
	p->alert = 0;
	p->act_verdict = KTLS_PH_PHA_VERDICT_NONE;
	WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_WAIT_CERT);
	spin_unlock_bh(&p->lock);
	kvfree_sensitive(old_req, old_req_len);
	kvfree_sensitive(old_cert, old_cert_len);

	mutex_lock(&ph->tx_lock);
	err = READ_ONCE(ph->fatal);
	if (!err)
		err = ktls_ph_pha_send_locked(ph, req, n);
	mutex_unlock(&ph->tx_lock);
	if (err) {
		spin_lock_bh(&p->lock);
		if (p->srv_state == KTLS_PH_PHA_SRV_WAIT_CERT) {
			WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_IDLE);
			p->verdict = KTLS_PH_PHA_VERDICT_ERROR;
		}
		spin_unlock_bh(&p->lock);
		if (err != -ESHUTDOWN && !READ_ONCE(ph->fatal)) {
			ktls_ph_net_inc(sock_net(ph->sk),
					KTLS_PH_NS_PHA_SEND_ERRORS);
			ktls_ph_fatal(ph, KTLS_PH_ALERT_INTERNAL_ERROR, -EIO);
		}
		NL_SET_ERR_MSG(extack, "sending the CertificateRequest failed");
		return err;
	}
	ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_REQUESTS, KTLS_PH_NS_PHA_REQUESTS);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_pha_request);

/**
 * ktls_ph_pha_verdict_locked() - the verdict and alert a reader sees
 * @ph: a server socket, pha.lock held
 * @alert: receives the alert sent because of the verdict (0: none)
 *
 * A verdict that ends the connection shows as soon as the socket failed
 * (ktls_ph_fatal() marks it before it sends the alert): not before, so
 * that an application acting on the verdict cannot get a record out ahead
 * of the alert (its sends fail from then on), and not later, so that an
 * application whose read failed finds the verdict.
 *
 * Return: enum ktls_ph_pha_verdict
 */
u32 ktls_ph_pha_verdict_locked(struct ktls_ph_sock *ph, u8 *alert)
{
	struct ktls_ph_pha *p = &ph->pha;

	lockdep_assert_held(&p->lock);
	if (p->verdict == KTLS_PH_PHA_VERDICT_PENDING) {
		if (p->act_verdict && READ_ONCE(ph->fatal)) {
			*alert = p->alert;
			return p->act_verdict;
		}
		*alert = 0;
		return p->verdict;
	}
	*alert = p->alert;
	return p->verdict;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_pha_verdict_locked);

/**
 * ktls_ph_pha_reply_server() - store a helper's verdict
 * @ph: a server socket, pha.lock held
 * @ra: the answer
 *
 * Return: 0; -ENOENT (not awaited) or -EINVAL (no usable verdict).
 */
int ktls_ph_pha_reply_server(struct ktls_ph_sock *ph,
			     struct ktls_ph_pha_reply_arg *ra)
{
	const struct ktls_ph_pha_answer *a = ra->a;
	struct ktls_ph_pha *p = &ph->pha;
	struct ktls_ph_client_cert cc;
	struct ktls_ph_hs_msg m;
	const u8 *ctx;
	u8 ctx_len;

	if (p->srv_state != KTLS_PH_PHA_SRV_WAIT_VERDICT || p->ev_id != ra->id)
		return -ENOENT;
	if (!a->has_verdict || a->verdict <= KTLS_PH_PHA_VERDICT_PENDING) {
		NL_SET_ERR_MSG(ra->extack,
			       "a client-cert answer needs a verdict other than none or pending");
		return -EINVAL;
	}
	WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_IDLE);
	/* with an alert, the verdict shows once the socket failed */
	if (a->alert)
		p->act_verdict = a->verdict;
	else
		p->verdict = a->verdict;
	p->alert = a->alert;
	p->act_alert = a->alert;
	p->done = true;
	if (a->verdict == KTLS_PH_PHA_VERDICT_OK && p->cert) {
		ctx = ktls_ph_pha_ctx(p->req, &ctx_len);
		m = ktls_ph_pha_msg(p->cert, p->cert_len);
		if (!ktls_ph_client_cert_parse(&m, ctx, ctx_len, &cc) &&
		    cc.nr_certs) {
			p->peer_cert = (u8 *)cc.leaf;
			p->peer_cert_len = cc.leaf_len;
		}
	}
	if (a->verdict == KTLS_PH_PHA_VERDICT_OK) {
		ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_ANSWERED,
				   KTLS_PH_NS_PHA_ANSWERED);
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_PHA_VERIFIED);
	} else {
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_PHA_REJECTED);
	}
	ktls_ph_pha_kick_locked(ph);
	return 0;
}
