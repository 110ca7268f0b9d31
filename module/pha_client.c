// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: post-handshake client authentication, client role (RFC 8446
 * 4.6.2, Documentation/pha.md). A CertificateRequest becomes a cert-request
 * event for the helper and a pending entry on the socket, matched by event
 * id, with its own request (hence context) and deadline. The helper's
 * answer is checked against the request and attached to the entry; the
 * socket's work item sends Certificate [+ CertificateVerify] + Finished
 * (ktls_ph_pha_answer()), or declines with an empty Certificate when the
 * answer is a decline, bad, or late, or when there is no helper.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tls.h>
#include <net/sock.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "hsmsg.h"
#include "pha.h"
#include "pha_int.h"
#include "pha_msg.h"
#include "sock.h"
/**
 * ktls_ph_pha_req_free() - wipe and free a client's pending request
 * @r: the request, off the pending list
 */
void ktls_ph_pha_req_free(struct ktls_ph_pha_req *r)
{
	kvfree_sensitive(r->cert, r->cert_len);
	kvfree_sensitive(r->cv, r->cv_len);
	kvfree_sensitive(r, struct_size(r, req, r->req_len));
}

/**
 * ktls_ph_pha_answer() - client role: send the answer to a request
 * @ph: the socket
 * @r: the request, taken off the pending list: answered, declined or
 *	expired (then declined)
 *
 * The Finished uses the current tx_secret, under tx_lock. A failed send
 * ends the connection with internal_error.
 */
void ktls_ph_pha_answer(struct ktls_ph_sock *ph, struct ktls_ph_pha_req *r)
{
	u32 hlen = ph->tx_ks.suite->hash_len;
	bool decline = !r->answered || r->decline;
	struct net *net = sock_net(ph->sk);
	u8 vd[KTLS_PH_MAX_HASH_LEN];
	u32 cert_len, cv_len = 0;
	size_t size, fin;
	const u8 *ctx;
	u8 ctx_len;
	u8 *buf;
	int err;

	ctx = ktls_ph_pha_ctx(r->req, &ctx_len);
	if (decline) {
		cert_len = 8 + ctx_len;
	} else {
		cert_len = r->cert_len;
		cv_len = r->cv_len;
	}
	size = (size_t)cert_len + cv_len + KTLS_PH_HS_HDR_LEN + hlen;
	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto fail;
	}
	if (decline) {
		ktls_ph_cert_build_empty(buf, cert_len, ctx, ctx_len);
	} else {
		memcpy(buf, r->cert, cert_len);
		if (cv_len)
			memcpy(buf + cert_len, r->cv, cv_len);
	}
	mutex_lock(&ph->tx_lock);
	err = -ESHUTDOWN;
	if (READ_ONCE(ph->attached) && !READ_ONCE(ph->fatal)) {
		/* the current tx_secret, whatever KeyUpdates happened */
		err = ktls_ph_pha_verify_data(ph, &ph->tx_ks, ph->tx_secret,
					      r->req, r->req_len, buf, cert_len,
					      cv_len ? buf + cert_len : NULL,
					      cv_len, vd);
		fin = cert_len + cv_len;
		if (!err)
			err = ktls_ph_finished_build(buf + fin, size - fin, vd,
						     hlen);
		if (err >= 0)
			err = ktls_ph_pha_send_locked(ph, buf, size);
	}
	mutex_unlock(&ph->tx_lock);
	memzero_explicit(vd, sizeof(vd));
	kvfree_sensitive(buf, size);
	if (err == -ESHUTDOWN)
		return;
	if (err)
		goto fail;
	if (!r->answered)
		ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_TIMEOUTS,
				   KTLS_PH_NS_PHA_TIMEOUTS);
	if (decline)
		ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_DECLINED,
				   KTLS_PH_NS_PHA_DECLINED);
	else
		ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_ANSWERED,
				   KTLS_PH_NS_PHA_ANSWERED);
	return;

fail:
	/* part of an answer may be out: the connection cannot go on */
	ktls_ph_net_inc(net, KTLS_PH_NS_PHA_SEND_ERRORS);
	if (READ_ONCE(ph->attached))
		ktls_ph_fatal(ph, KTLS_PH_ALERT_INTERNAL_ERROR, -EIO);
}

/**
 * ktls_ph_pha_rx_certreq() - client role: a CertificateRequest
 * @ph: the socket, rx_lock held
 * @m: the message
 *
 * Return: 0, or a negative errno after a fatal alert was sent.
 */
int ktls_ph_pha_rx_certreq(struct ktls_ph_sock *ph,
			   const struct ktls_ph_hs_msg *m)
{
	struct ktls_ph_pha *p = &ph->pha;
	struct net *net = sock_net(ph->sk);
	u32 len = KTLS_PH_HS_HDR_LEN + m->len;
	struct ktls_ph_event *ev = NULL;
	struct ktls_ph_pha_req *r;
	struct ktls_ph_certreq cr;
	int alert, err;

	if (ph->role != KTLS_PH_ROLE_CLIENT || !p->offered)
		return ktls_ph_pha_bad(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
	alert = ktls_ph_certreq_parse(m, &cr);
	if (alert)
		return ktls_ph_pha_bad(ph, alert);
	ktls_ph_sock_count(ph, KTLS_PH_SS_PHA_REQUESTS, KTLS_PH_NS_PHA_REQUESTS);
	r = kvzalloc(struct_size(r, req, len), ktls_ph_pha_gfp(ph->sk));
	if (!r)
		return ktls_ph_pha_bad(ph, -ENOMEM);
	r->req_len = len;
	r->req[0] = m->type;
	r->req[1] = m->len >> 16;
	r->req[2] = m->len >> 8;
	r->req[3] = m->len;
	memcpy(r->req + KTLS_PH_HS_HDR_LEN, m->body, m->len);
	r->deadline = ktls_ph_pha_deadline();

	if (ktls_ph_helper_present(net))
		ev = ktls_ph_event_new(ph, KTLS_PH_EVENT_TYPE_CERT_REQUEST,
				       (size_t)p->transcript_len + len);
	if (ev) {
		ev->pha.transcript = ev->data;
		ev->pha.transcript_len = p->transcript_len;
		memcpy(ev->data, p->transcript, p->transcript_len);
		ev->pha.request = ev->data + p->transcript_len;
		ev->pha.request_len = len;
		memcpy(ev->data + p->transcript_len, r->req, len);
		ev->id = ktls_ph_event_new_id();
		r->id = ev->id;
	} else {
		/* no helper to ask (or no memory for the event): decline */
		r->answered = true;
		r->decline = true;
		ktls_ph_net_inc(net, KTLS_PH_NS_PHA_NO_HELPER);
	}
	spin_lock_bh(&p->lock);
	list_add_tail(&r->node, &p->pending);
	spin_unlock_bh(&p->lock);
	if (ev) {
		err = ktls_ph_event_queue(net, ev);
		if (err) {
			spin_lock_bh(&p->lock);
			r->answered = true;
			r->decline = true;
			spin_unlock_bh(&p->lock);
			ktls_ph_net_inc(net, KTLS_PH_NS_PHA_NO_HELPER);
		}
	}
	ktls_ph_pha_kick(ph);
	return 0;
}

/* Client role: validate the helper's messages against the request. */
static int ktls_ph_pha_reply_check(struct ktls_ph_pha_req *r,
				   struct ktls_ph_pha_reply_arg *ra)
{
	const struct ktls_ph_pha_answer *a = ra->a;
	struct ktls_ph_hs_msg req, m;
	struct ktls_ph_client_cert cc;
	struct ktls_ph_cert_verify cv;
	struct ktls_ph_certreq cr;

	if (!a->cert || a->cert_len < KTLS_PH_HS_HDR_LEN) {
		NL_SET_ERR_MSG(ra->extack,
			       "a cert-request answer needs a certificate or decline");
		return -EINVAL;
	}
	req = ktls_ph_pha_msg(r->req, r->req_len);
	if (ktls_ph_certreq_parse(&req, &cr))
		return -EINVAL;	/* parsed at receipt: cannot happen */
	m = ktls_ph_pha_msg(ra->cert, a->cert_len);
	if (ktls_ph_hs_next(ra->cert, a->cert_len, &m) != a->cert_len ||
	    ktls_ph_client_cert_parse(&m, cr.ctx, cr.ctx_len, &cc)) {
		NL_SET_ERR_MSG(ra->extack,
			       "certificate is not a Certificate message answering the request (context)");
		return -EINVAL;
	}
	if (!cc.nr_certs) {
		if (a->cv) {
			NL_SET_ERR_MSG(ra->extack,
				       "certificate-verify with an empty certificate");
			return -EINVAL;
		}
		return 0;
	}
	if (!a->cv || a->cv_len < KTLS_PH_HS_HDR_LEN) {
		NL_SET_ERR_MSG(ra->extack,
			       "a certificate needs a certificate-verify");
		return -EINVAL;
	}
	m = ktls_ph_pha_msg(ra->cv, a->cv_len);
	if (ktls_ph_hs_next(ra->cv, a->cv_len, &m) != a->cv_len ||
	    ktls_ph_cert_verify_parse(&m, cr.sigalgs, cr.sigalgs_len, &cv)) {
		NL_SET_ERR_MSG(ra->extack,
			       "certificate-verify is not a CertificateVerify with a scheme the request offered");
		return -EINVAL;
	}
	return 0;
}

/**
 * ktls_ph_pha_reply_client() - hand a helper's answer to a pending request
 * @ph: a client socket, pha.lock held
 * @ra: the answer
 *
 * Return: 0; -ENOENT (not awaited) or -EINVAL (a bad answer: declined).
 */
int ktls_ph_pha_reply_client(struct ktls_ph_sock *ph,
			     struct ktls_ph_pha_reply_arg *ra)
{
	const struct ktls_ph_pha_answer *a = ra->a;
	struct ktls_ph_pha_req *r;
	int err = 0;

	list_for_each_entry(r, &ph->pha.pending, node)
		if (r->id == ra->id && !r->answered)
			goto found;
	return -ENOENT;
found:
	r->answered = true;
	if (!a->decline)
		err = ktls_ph_pha_reply_check(r, ra);
	if (a->decline || err) {
		r->decline = true;
	} else {
		r->cert = ra->cert;
		r->cert_len = a->cert_len;
		ra->cert = NULL;
		if (a->cv) {
			r->cv = ra->cv;
			r->cv_len = a->cv_len;
			ra->cv = NULL;
		}
	}
	ktls_ph_pha_kick_locked(ph);
	return err;
}
