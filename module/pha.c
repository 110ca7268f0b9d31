// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: post-handshake client authentication (RFC 8446 4.6.2) on
 * attached sockets (Documentation/pha.md).
 *
 * This file holds what both roles share: the transcript given at attach,
 * the module parameter pha_timeout_ms, transcript hashes and Finished
 * values, the one-piece send of handshake messages, the socket's work item,
 * the dispatch of received messages and of the helper's event-reply. The
 * client role is in pha_client.c, the server role in pha_server.c.
 *
 * Locking: pha.lock (a spinlock, process context only) protects the pending
 * list and the server's state and verdict; it nests inside the list lock
 * of sock.c (event-reply finds the socket under it). Sending happens in
 * the work item under tx_lock; the receive path runs under rx_lock. Close
 * and detach set pha.closing under pha.lock (no work is scheduled after
 * that), cancel the work synchronously, then free the entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
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

#define KTLS_PH_PHA_TIMEOUT_DEFAULT	10000
#define KTLS_PH_PHA_TIMEOUT_MIN		10
#define KTLS_PH_PHA_TIMEOUT_MAX		600000
/* how long an answer may wait for room in the send buffer */
#define KTLS_PH_PHA_SEND_WAIT_MS	5000
#define KTLS_PH_PHA_SEND_RETRY_MS	20

static int ktls_ph_pha_timeout_set(const char *val,
				   const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, KTLS_PH_PHA_TIMEOUT_MIN,
				     KTLS_PH_PHA_TIMEOUT_MAX);
}

static const struct kernel_param_ops ktls_ph_pha_timeout_ops = {
	.set = ktls_ph_pha_timeout_set,
	.get = param_get_uint,
};

unsigned int ktls_ph_pha_timeout_ms = KTLS_PH_PHA_TIMEOUT_DEFAULT;
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_pha_timeout_ms);
module_param_cb(pha_timeout_ms, &ktls_ph_pha_timeout_ops,
		&ktls_ph_pha_timeout_ms, 0644);
MODULE_PARM_DESC(pha_timeout_ms,
		 "milliseconds the helper has to answer a CertificateRequest or give a verdict (10 to 600000, default 10000)");

/**
 * ktls_ph_pha_check_transcript() - check a transcript given at attach
 * @t: the transcript
 * @len: its length
 * @extack: receives a message naming the problem
 *
 * Return: 0 when @t is whole handshake messages, from a ClientHello (or
 * the message_hash that replaces it after a HelloRetryRequest) to a
 * Finished; -EINVAL otherwise.
 */
int ktls_ph_pha_check_transcript(const u8 *t, size_t len,
				 struct netlink_ext_ack *extack)
{
	struct ktls_ph_hs_msg m = {};
	size_t off = 0;
	int n;

	if (!len || len > KTLS_PH_MAX_TRANSCRIPT_LEN) {
		NL_SET_ERR_MSG_FMT(extack,
				   "transcript must be 1 to %u bytes long",
				   KTLS_PH_MAX_TRANSCRIPT_LEN);
		return -EINVAL;
	}
	if (t[0] != 1 && t[0] != 254) {
		NL_SET_ERR_MSG(extack,
			       "transcript does not start with a ClientHello (or message_hash)");
		return -EINVAL;
	}
	while (off < len) {
		n = ktls_ph_hs_next(t + off, len - off, &m);
		if (n <= 0) {
			NL_SET_ERR_MSG(extack,
				       "transcript is not a sequence of whole handshake messages");
			return -EINVAL;
		}
		off += n;
	}
	if (m.type != KTLS_PH_HS_FINISHED) {
		NL_SET_ERR_MSG(extack,
			       "transcript does not end with a Finished message");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_pha_check_transcript);

/**
 * ktls_ph_pha_init() - set up post-handshake authentication at attach
 * @ph: the socket being attached (its key schedules set up)
 * @offered: the client offered post_handshake_auth
 * @transcript: the checked transcript (may be NULL without @offered)
 * @transcript_len: its length
 *
 * Nothing is kept without @offered. ktls_ph_pha_wipe() undoes it.
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_pha_init(struct ktls_ph_sock *ph, bool offered,
		     const u8 *transcript, size_t transcript_len)
{
	struct ktls_ph_pha *p = &ph->pha;
	struct crypto_shash *hash;

	if (!offered)
		return 0;
	hash = crypto_alloc_shash(ph->tx_ks.suite->hash_len == 48 ?
				  "sha384" : "sha256", 0, 0);
	if (IS_ERR(hash))
		return PTR_ERR(hash);
	p->hash = hash;
	p->transcript = kvmemdup(transcript, transcript_len, GFP_KERNEL);
	if (!p->transcript)
		return -ENOMEM;
	p->transcript_len = transcript_len;
	p->offered = true;
	return 0;
}

/**
 * ktls_ph_pha_stop() - stop the work of a socket being closed or detached
 * @ph: the socket, no longer attached
 *
 * Nothing schedules the work afterwards (an event-reply racing with the
 * close finds the socket closing).
 */
void ktls_ph_pha_stop(struct ktls_ph_sock *ph)
{
	spin_lock_bh(&ph->pha.lock);
	ph->pha.closing = true;
	spin_unlock_bh(&ph->pha.lock);
	cancel_delayed_work_sync(&ph->pha.work);
}

/**
 * ktls_ph_pha_wipe() - wipe and free a socket's authentication state
 * @ph: the socket, its work stopped (ktls_ph_pha_stop()) or never started
 */
void ktls_ph_pha_wipe(struct ktls_ph_sock *ph)
{
	struct ktls_ph_pha *p = &ph->pha;
	struct ktls_ph_pha_req *r, *tmp;
	LIST_HEAD(list);
	u8 *req, *cert, *cv;
	u32 req_len, cert_len, cv_len;

	spin_lock_bh(&p->lock);
	list_splice_init(&p->pending, &list);
	req = p->req;
	req_len = p->req_len;
	cert = p->cert;
	cert_len = p->cert_len;
	cv = p->cv;
	cv_len = p->cv_len;
	p->req = NULL;
	p->cert = NULL;
	p->cv = NULL;
	p->peer_cert = NULL;
	p->peer_cert_len = 0;
	WRITE_ONCE(p->srv_state, KTLS_PH_PHA_SRV_IDLE);
	spin_unlock_bh(&p->lock);
	list_for_each_entry_safe(r, tmp, &list, node)
		ktls_ph_pha_req_free(r);
	kvfree_sensitive(req, req_len);
	kvfree_sensitive(cert, cert_len);
	kvfree_sensitive(cv, cv_len);
	kvfree_sensitive(p->transcript, p->transcript_len);
	p->transcript = NULL;
	p->transcript_len = 0;
	crypto_free_shash(p->hash);
	p->hash = NULL;
	p->offered = false;
}

/**
 * ktls_ph_pha_kick_locked() - schedule the work for what is due first
 * @ph: the socket, pha.lock held
 *
 * An answered request, a deadline, a verdict to act on; nothing once the
 * socket is closing.
 */
void ktls_ph_pha_kick_locked(struct ktls_ph_sock *ph)
{
	struct ktls_ph_pha *p = &ph->pha;
	unsigned long now = jiffies, when = 0;
	struct ktls_ph_pha_req *r;
	bool any = false;

	lockdep_assert_held(&p->lock);
	if (p->closing)
		return;
	list_for_each_entry(r, &p->pending, node) {
		unsigned long t = r->answered ? now : r->deadline;

		if (!any || time_before(t, when))
			when = t;
		any = true;
	}
	if (p->done || p->act_alert) {
		when = now;
		any = true;
	}
	if (p->srv_state == KTLS_PH_PHA_SRV_WAIT_VERDICT &&
	    (!any || time_before(p->deadline, when))) {
		when = p->deadline;
		any = true;
	}
	/* long: sending an answer may wait for send room (up to 5 s) */
	if (any)
		mod_delayed_work(system_long_wq, &p->work,
				 time_after(when, now) ? when - now : 0);
}

/**
 * ktls_ph_pha_kick() - ktls_ph_pha_kick_locked() taking pha.lock
 * @ph: the socket
 */
void ktls_ph_pha_kick(struct ktls_ph_sock *ph)
{
	spin_lock_bh(&ph->pha.lock);
	ktls_ph_pha_kick_locked(ph);
	spin_unlock_bh(&ph->pha.lock);
}

/* Hash(transcript || @n messages) into @out (the suite's hash length). */
static int ktls_ph_pha_thash(struct ktls_ph_sock *ph, const u8 *const *msgs,
			     const u32 *lens, int n, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, ph->pha.hash);
	int i, err;

	desc->tfm = ph->pha.hash;
	err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, ph->pha.transcript,
					  ph->pha.transcript_len);
	for (i = 0; !err && i < n; i++)
		if (msgs[i])
			err = crypto_shash_update(desc, msgs[i], lens[i]);
	if (!err)
		err = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return err;
}

/**
 * ktls_ph_pha_verify_data() - Finished verify_data of a client's answer
 * @ph: the socket (its transcript and hash)
 * @ks: key schedule of the direction (tx_ks under tx_lock, rx_ks under
 *	rx_lock)
 * @secret: the current client application traffic secret
 * @req: the CertificateRequest, with its header
 * @req_len: its length
 * @cert: the Certificate
 * @cert_len: its length
 * @cv: the CertificateVerify (NULL: none)
 * @cv_len: its length
 * @out: the verify_data (the suite's hash length)
 *
 * HMAC(finished_key(@secret), Hash(transcript || @req || @cert [|| @cv])).
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_pha_verify_data(struct ktls_ph_sock *ph, struct ktls_ph_ks *ks,
			    const u8 *secret, const u8 *req, u32 req_len,
			    const u8 *cert, u32 cert_len, const u8 *cv,
			    u32 cv_len, u8 *out)
{
	const u8 *msgs[3] = { req, cert, cv };
	u32 lens[3] = { req_len, cert_len, cv_len };
	u32 hlen = ks->suite->hash_len;
	u8 th[KTLS_PH_MAX_HASH_LEN];
	int err;

	err = ktls_ph_pha_thash(ph, msgs, lens, 3, th);
	if (!err)
		err = ktls_ph_ks_verify_data(ks, secret, hlen, th, hlen, out,
					     hlen);
	memzero_explicit(th, sizeof(th));
	return err;
}

/**
 * ktls_ph_pha_send_locked() - send handshake messages in one go
 * @ph: the socket, tx_lock held (no application record can come between)
 * @buf: the messages
 * @len: their length
 *
 * Waits for room in the send buffer (sleeping, at most 5 seconds), and
 * stops when the socket is detached or failed.
 *
 * Return: 0; -ESHUTDOWN (detached), the socket's fatal errno, -ETIMEDOUT
 * or kTLS's errno (part of @buf may be out).
 */
int ktls_ph_pha_send_locked(struct ktls_ph_sock *ph, const u8 *buf,
			    size_t len)
{
	unsigned long end = jiffies + msecs_to_jiffies(KTLS_PH_PHA_SEND_WAIT_MS);
	size_t off = 0;
	int ret;

	lockdep_assert_held(&ph->tx_lock);
	while (off < len) {
		if (!READ_ONCE(ph->attached))
			return -ESHUTDOWN;
		ret = READ_ONCE(ph->fatal);
		if (ret)
			return ret;
		ret = ktls_ph_send_raw(ph, TLS_RECORD_TYPE_HANDSHAKE, buf + off,
				       len - off, MSG_DONTWAIT);
		if (ret > 0) {
			off += ret;
			ph->tx_bytes += ret;
			ph->tx_records += DIV_ROUND_UP(ret, TLS_MAX_PAYLOAD_SIZE);
			continue;
		}
		if (ret && ret != -EAGAIN)
			return ret;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		msleep(KTLS_PH_PHA_SEND_RETRY_MS);
	}
	return 0;
}

/**
 * ktls_ph_pha_work() - the socket's authentication work item
 * @work: pha.work of the socket
 *
 * Answers requests the helper answered or that expired, and acts on the
 * server role's verdicts and timeouts.
 */
void ktls_ph_pha_work(struct work_struct *work)
{
	struct ktls_ph_sock *ph = container_of(to_delayed_work(work),
					       struct ktls_ph_sock, pha.work);
	struct ktls_ph_pha *p = &ph->pha;
	struct ktls_ph_pha_req *r, *it;

	for (;;) {
		r = NULL;
		spin_lock_bh(&p->lock);
		list_for_each_entry(it, &p->pending, node) {
			if (it->answered || time_after_eq(jiffies, it->deadline)) {
				r = it;
				list_del(&r->node);
				break;
			}
		}
		spin_unlock_bh(&p->lock);
		if (!r)
			break;
		ktls_ph_pha_answer(ph, r);
		ktls_ph_pha_req_free(r);
	}
	ktls_ph_pha_srv_work(ph);
	ktls_ph_pha_kick(ph);
}

/**
 * ktls_ph_pha_bad() - end the connection over a bad message
 * @ph: the socket
 * @alert: the parser's alert, or a negative errno (internal_error)
 *
 * Return: the errno the application gets from now on.
 */
int ktls_ph_pha_bad(struct ktls_ph_sock *ph, int alert)
{
	int err = alert == KTLS_PH_ALERT_DECODE_ERROR ? -EBADMSG : -EPROTO;

	if (alert <= 0) {
		alert = KTLS_PH_ALERT_INTERNAL_ERROR;
		err = -EIO;
	}
	ktls_ph_fatal(ph, alert, err);
	return err;
}

/**
 * ktls_ph_pha_rx_msg() - act on a post-handshake authentication message
 * @ph: the socket, rx_lock held
 * @m: a CertificateRequest, Certificate, CertificateVerify or Finished, or
 *	any message while ktls_ph_pha_rx_busy()
 *
 * Return: 0, or a negative errno after a fatal alert was sent.
 */
int ktls_ph_pha_rx_msg(struct ktls_ph_sock *ph, const struct ktls_ph_hs_msg *m)
{
	lockdep_assert_held(&ph->rx_lock);
	if (m->type == KTLS_PH_HS_CERTIFICATE_REQUEST &&
	    !ktls_ph_pha_rx_busy(ph))
		return ktls_ph_pha_rx_certreq(ph, m);
	if (ph->role != KTLS_PH_ROLE_SERVER)
		return ktls_ph_pha_bad(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE);
	return ktls_ph_pha_rx_srv(ph, m);
}

/**
 * ktls_ph_pha_rx_busy() - is the client in the middle of its answer
 * @ph: the socket
 *
 * Return: true on a server socket that received the client's Certificate
 * but not yet its Finished: any other record now is an unexpected_message.
 */
bool ktls_ph_pha_rx_busy(struct ktls_ph_sock *ph)
{
	u32 s = READ_ONCE(ph->pha.srv_state);

	return s == KTLS_PH_PHA_SRV_WAIT_CV || s == KTLS_PH_PHA_SRV_WAIT_FIN;
}

/* Under the socket list's lock: the socket stays valid. */
static int ktls_ph_pha_reply_one(struct ktls_ph_sock *ph, void *arg)
{
	struct ktls_ph_pha_reply_arg *ra = arg;
	int err = -ENOENT;

	spin_lock_bh(&ph->pha.lock);
	if (!ph->pha.closing) {
		if (ph->role == KTLS_PH_ROLE_CLIENT)
			err = ktls_ph_pha_reply_client(ph, ra);
		else
			err = ktls_ph_pha_reply_server(ph, ra);
	}
	spin_unlock_bh(&ph->pha.lock);
	return err;
}

/**
 * ktls_ph_pha_reply() - the helper answers a cert-request or client-cert
 * @net: the namespace
 * @portid: netlink port id of the caller; must be the registered helper's
 * @id: the event's id
 * @cookie: the socket's cookie
 * @a: the answer
 * @extack: receives a message naming the problem on error
 *
 * A client-role answer that does not fit the request declines it (and
 * fails with -EINVAL).
 *
 * Return: 0; -EPERM (not the helper), -ENOENT (not awaited: answered,
 * timed out, socket closed), -EINVAL (a bad answer), -ENOMEM.
 */
int ktls_ph_pha_reply(struct net *net, u32 portid, u64 id, u64 cookie,
		      const struct ktls_ph_pha_answer *a,
		      struct netlink_ext_ack *extack)
{
	struct ktls_ph_pha_reply_arg ra = { .id = id, .a = a,
					    .extack = extack };
	int err;

	err = ktls_ph_helper_check(net, portid, extack);
	if (err)
		return err;
	if (!a->decline && a->cert) {
		ra.cert = kvmemdup(a->cert, a->cert_len, GFP_KERNEL);
		if (!ra.cert)
			return -ENOMEM;
	}
	if (!a->decline && a->cv) {
		ra.cv = kvmemdup(a->cv, a->cv_len, GFP_KERNEL);
		if (!ra.cv) {
			kvfree_sensitive(ra.cert, a->cert_len);
			return -ENOMEM;
		}
	}
	err = ktls_ph_sock_by_cookie(net, cookie, ktls_ph_pha_reply_one, &ra);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_FMT(extack,
				   "event %llu of socket %llu is not awaiting an answer (answered, timed out or closed)",
				   id, cookie);
	else if (err == -EINVAL)
		ktls_ph_net_inc(net, KTLS_PH_NS_PHA_BAD_REPLIES);
	kvfree_sensitive(ra.cert, a->cert_len);
	kvfree_sensitive(ra.cv, a->cv_len);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_pha_reply);
