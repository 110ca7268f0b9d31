// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: what happens to the handshake records of an attached socket
 * (RFC 8446 4.6), KeyUpdate in both directions (4.6.3) through kTLS's own
 * rekey interface, and fatal alerts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/tls.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "hsmsg.h"
#include "pha_msg.h"
#include "sock.h"
#include "ticket.h"

/**
 * ktls_ph_crypto_info_fill() - kTLS crypto_info for a traffic secret
 * @ks: key schedule of the direction
 * @secret: its current traffic secret (the suite's hash length)
 * @ci: filled with version, cipher, key, salt and iv
 * @len: set to the size of the cipher's crypto_info
 *
 * The caller wipes @ci after use.
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_crypto_info_fill(struct ktls_ph_ks *ks, const u8 *secret,
			     union ktls_ph_crypto_info *ci, unsigned int *len)
{
	const struct ktls_ph_suite *suite = ks->suite;
	u8 key[KTLS_PH_MAX_KEY_LEN], iv[KTLS_PH_IV_LEN];
	int err;

	err = ktls_ph_ks_traffic_key_iv(ks, secret, suite->hash_len,
					key, suite->key_len, iv, sizeof(iv));
	if (err)
		return err;
	memset(ci, 0, sizeof(*ci));
	ci->info.version = TLS_1_3_VERSION;
	ci->info.cipher_type = suite->ktls_cipher;
	switch (suite->ktls_cipher) {
	case TLS_CIPHER_AES_GCM_128:
		memcpy(ci->gcm128.key, key, sizeof(ci->gcm128.key));
		memcpy(ci->gcm128.salt, iv, sizeof(ci->gcm128.salt));
		memcpy(ci->gcm128.iv, iv + 4, sizeof(ci->gcm128.iv));
		*len = sizeof(ci->gcm128);
		break;
	case TLS_CIPHER_AES_GCM_256:
		memcpy(ci->gcm256.key, key, sizeof(ci->gcm256.key));
		memcpy(ci->gcm256.salt, iv, sizeof(ci->gcm256.salt));
		memcpy(ci->gcm256.iv, iv + 4, sizeof(ci->gcm256.iv));
		*len = sizeof(ci->gcm256);
		break;
	case TLS_CIPHER_AES_CCM_128:
		memcpy(ci->ccm128.key, key, sizeof(ci->ccm128.key));
		memcpy(ci->ccm128.salt, iv, sizeof(ci->ccm128.salt));
		memcpy(ci->ccm128.iv, iv + 4, sizeof(ci->ccm128.iv));
		*len = sizeof(ci->ccm128);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		memcpy(ci->chacha.key, key, sizeof(ci->chacha.key));
		memcpy(ci->chacha.iv, iv, sizeof(ci->chacha.iv));
		*len = sizeof(ci->chacha);
		break;
	default:
		err = -EINVAL;
	}
	memzero_explicit(key, sizeof(key));
	memzero_explicit(iv, sizeof(iv));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_crypto_info_fill);

/*
 * Key and 12-byte TLS 1.3 IV (kTLS's salt followed by its iv) of a
 * crypto_info filled by ktls_ph_crypto_info_fill().
 */
static const u8 *ktls_ph_ci_key_iv(const union ktls_ph_crypto_info *ci,
				   u8 iv[KTLS_PH_IV_LEN])
{
	switch (ci->info.cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		memcpy(iv, ci->gcm128.salt, 4);
		memcpy(iv + 4, ci->gcm128.iv, 8);
		return ci->gcm128.key;
	case TLS_CIPHER_AES_GCM_256:
		memcpy(iv, ci->gcm256.salt, 4);
		memcpy(iv + 4, ci->gcm256.iv, 8);
		return ci->gcm256.key;
	case TLS_CIPHER_AES_CCM_128:
		memcpy(iv, ci->ccm128.salt, 4);
		memcpy(iv + 4, ci->ccm128.iv, 8);
		return ci->ccm128.key;
	default:
		memcpy(iv, ci->chacha.iv, KTLS_PH_IV_LEN);
		return ci->chacha.key;
	}
}

/* kTLS's receive side may read on: as tls_finish_key_update() does */
static void ktls_ph_rx_resume(struct sock *sk)
{
	struct tls_sw_context_rx *rx = tls_sw_ctx_rx(tls_get_ctx(sk));

	WRITE_ONCE(rx->key_update_pending, false);
	/* wake pollers: kTLS hid EPOLLIN while the update was pending */
	rx->saved_data_ready(sk);
}

/*
 * Switch kTLS's key of one direction to the current secret's key and iv,
 * with the record sequence starting again at 0.
 *
 * This is the key change kTLS's own rekey makes (setsockopt(TLS_TX/TLS_RX)
 * on a TLS 1.3 socket: tls_set_sw_offload() with new crypto_info), under
 * the same lock (the socket lock), on the structures of <net/tls.h>. Going
 * through that setsockopt instead would end in kTLS's update_sk_prot(),
 * which puts kTLS's proto and proto_ops back on the socket: until ktls_ph
 * re-installed its own, a read() or write() on another thread would bypass
 * ktls_ph (a read meeting the next KeyUpdate failed with EIO). Attach only
 * accepts software kTLS (TLS_SW) in both directions, so aead_send and
 * aead_recv are kTLS's software AEADs; the caller serialises key changes of
 * the direction (tx_lock or rx_lock).
 */
static int ktls_ph_install_key(struct ktls_ph_sock *ph, bool tx)
{
	struct ktls_ph_ks *ks = tx ? &ph->tx_ks : &ph->rx_ks;
	union ktls_ph_crypto_info ci;
	struct cipher_context *cctx;
	union tls_crypto_context *cur;
	struct tls_context *ctx;
	struct crypto_aead *aead;
	struct sock *sk = ph->sk;
	u8 iv[KTLS_PH_IV_LEN];
	const u8 *key;
	unsigned int len;
	int err;

	err = ktls_ph_crypto_info_fill(ks, tx ? ph->tx_secret : ph->rx_secret,
				       &ci, &len);
	if (err)
		return err;
	key = ktls_ph_ci_key_iv(&ci, iv);

	lock_sock(sk);
	ctx = tls_get_ctx(sk);
	if (tx) {
		aead = tls_sw_ctx_tx(ctx)->aead_send;
		cctx = &ctx->tx;
		cur = &ctx->crypto_send;
	} else {
		aead = tls_sw_ctx_rx(ctx)->aead_recv;
		cctx = &ctx->rx;
		cur = &ctx->crypto_recv;
	}
	/* the only step that can fail: nothing changed if it does */
	err = crypto_aead_setkey(aead, key, ks->suite->key_len);
	if (!err) {
		memcpy(cctx->iv, iv, KTLS_PH_IV_LEN);
		memset(cctx->rec_seq, 0, sizeof(cctx->rec_seq));
		/* what getsockopt(SOL_TLS) reports, as after kTLS's rekey */
		memcpy(cur, &ci, len);
		SNMP_INC_STATS(sock_net(sk)->mib.tls_statistics,
			       tx ? LINUX_MIB_TLSTXREKEYOK :
				    LINUX_MIB_TLSRXREKEYOK);
		if (!tx)
			ktls_ph_rx_resume(sk);
	} else {
		SNMP_INC_STATS(sock_net(sk)->mib.tls_statistics,
			       tx ? LINUX_MIB_TLSTXREKEYERROR :
				    LINUX_MIB_TLSRXREKEYERROR);
	}
	release_sock(sk);
	memzero_explicit(&ci, sizeof(ci));
	memzero_explicit(iv, sizeof(iv));
	return err;
}

/**
 * ktls_ph_rx_rearm() - let kTLS read on after a KeyUpdate's first fragment
 * @ph: the socket, rx_lock held, with a partial KeyUpdate in @ph->hs
 *
 * kTLS stops decrypting after any handshake record that starts with the
 * KeyUpdate type, even when the record holds only the first fragment of
 * the message (RFC 8446 5.1 allows fragmenting it, as long as it ends its
 * record). The rest of the message is under the current key: let kTLS go
 * on with it unchanged.
 */
void ktls_ph_rx_rearm(struct ktls_ph_sock *ph)
{
	lock_sock(ph->sk);
	ktls_ph_rx_resume(ph->sk);
	release_sock(ph->sk);
}

/**
 * ktls_ph_send_raw() - send bytes as records of one type through kTLS
 * @ph: the socket, tx_lock held
 * @type: TLS record type
 * @data: the bytes (kTLS splits them into records)
 * @len: their length
 * @flags: MSG_DONTWAIT or 0
 *
 * Return: the bytes sent (possibly fewer than @len), or a negative errno.
 */
int ktls_ph_send_raw(struct ktls_ph_sock *ph, u8 type, const void *data,
		     size_t len, int flags)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(size_t)) = {};
	struct msghdr m = { .msg_flags = flags };
	struct cmsghdr *c = (struct cmsghdr *)cbuf;
	struct kvec iov = { .iov_base = (void *)data, .iov_len = len };

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(sizeof(u8));
	*(u8 *)CMSG_DATA(c) = type;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	iov_iter_kvec(&m.msg_iter, ITER_SOURCE, &iov, 1, len);
	return ph->ktls_prot->sendmsg(ph->sk, &m, len);
}

/* Send one record of @type through kTLS (under the current send key). */
static int ktls_ph_send_record(struct ktls_ph_sock *ph, u8 type,
			       const void *data, size_t len, int flags)
{
	int ret = ktls_ph_send_raw(ph, type, data, len, flags);

	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EIO;
}

/**
 * ktls_ph_fatal() - end the connection with a fatal alert
 * @ph: the socket
 * @alert: RFC 8446 AlertDescription
 * @err: errno the application's calls get from now on
 */
void ktls_ph_fatal(struct ktls_ph_sock *ph, u8 alert, int err)
{
	u8 msg[2] = { 2 /* fatal */, alert };
	struct sock *sk = ph->sk;

	struct net *net = sock_net(sk);
	int ret;

	if (cmpxchg(&ph->fatal, 0, err))
		return;
	switch (alert) {
	case KTLS_PH_ALERT_UNEXPECTED_MESSAGE:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_UNEXPECTED_MESSAGE);
		break;
	case KTLS_PH_ALERT_DECODE_ERROR:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_DECODE_ERROR);
		break;
	case KTLS_PH_ALERT_ILLEGAL_PARAMETER:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_ILLEGAL_PARAMETER);
		break;
	case KTLS_PH_ALERT_BAD_CERTIFICATE:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_BAD_CERTIFICATE);
		break;
	case KTLS_PH_ALERT_UNSUPPORTED_CERTIFICATE:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_UNSUPPORTED_CERTIFICATE);
		break;
	case KTLS_PH_ALERT_DECRYPT_ERROR:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_DECRYPT_ERROR);
		break;
	case KTLS_PH_ALERT_CERTIFICATE_REQUIRED:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_CERTIFICATE_REQUIRED);
		break;
	case KTLS_PH_ALERT_INTERNAL_ERROR:
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_INTERNAL_ERROR);
		break;
	default:
		/* a helper's verdict may name any alert */
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_OTHER);
		break;
	}
	mutex_lock(&ph->tx_lock);
	ret = ktls_ph_send_record(ph, TLS_RECORD_TYPE_ALERT, msg, sizeof(msg),
				  MSG_DONTWAIT);
	mutex_unlock(&ph->tx_lock);
	if (ret)
		ktls_ph_net_inc(net, KTLS_PH_NS_ALERT_SEND_ERRORS);
	if (sk->sk_socket)
		kernel_sock_shutdown(sk->sk_socket, SHUT_WR);
	/* poll() and epoll report EPOLLERR; the next call gets @err */
	WRITE_ONCE(sk->sk_err, -err);
	sk_error_report(sk);
	pr_debug("socket %llu: fatal alert %u sent\n", ph->cookie, alert);
}

/**
 * ktls_ph_tx_key_update_locked() - send a KeyUpdate and switch the send key
 * @ph: the socket, tx_lock held
 * @request_peer: set update_requested
 * @msg_flags: MSG_DONTWAIT or 0
 *
 * The KeyUpdate goes out under the old key, every later record under the
 * new one (RFC 8446 4.6.3). Writers hold tx_lock, so no application record
 * can slip in between.
 *
 * Return: 0 or a negative errno (-EAGAIN: nothing sent, try again).
 */
int ktls_ph_tx_key_update_locked(struct ktls_ph_sock *ph, bool request_peer,
				 int msg_flags)
{
	u8 ku[5] = { KTLS_PH_HS_KEY_UPDATE, 0, 0, 1, request_peer };
	const struct ktls_ph_suite *suite = ph->tx_ks.suite;
	int err;

	lockdep_assert_held(&ph->tx_lock);
	err = ktls_ph_send_record(ph, TLS_RECORD_TYPE_HANDSHAKE, ku, sizeof(ku),
				  msg_flags);
	if (err) {
		/* -EAGAIN: nothing sent, the caller tries again */
		if (err != -EAGAIN)
			ktls_ph_net_inc(sock_net(ph->sk),
					KTLS_PH_NS_KU_SEND_ERRORS);
		return err;
	}
	err = ktls_ph_ks_next_secret(&ph->tx_ks, ph->tx_secret, suite->hash_len,
				     ph->tx_secret, suite->hash_len);
	if (!err)
		err = ktls_ph_install_key(ph, true);
	if (err) {
		/* The peer has switched keys: there is no way back. */
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_REKEY_ERRORS);
		mutex_unlock(&ph->tx_lock);
		ktls_ph_fatal(ph, KTLS_PH_ALERT_INTERNAL_ERROR, -EIO);
		mutex_lock(&ph->tx_lock);
		return -EIO;
	}
	ph->tx_update = false;
	ph->tx_records = 0;
	ph->tx_bytes = 0;
	ktls_ph_sock_count(ph, KTLS_PH_SS_TX_REKEYS, KTLS_PH_NS_TX_REKEYS);
	return 0;
}

/* Answer the peer's update_requested without waiting for a write. */
void ktls_ph_tx_work(struct work_struct *work)
{
	struct ktls_ph_sock *ph = container_of(to_delayed_work(work),
					       struct ktls_ph_sock, tx_work);
	int err = 0;

	mutex_lock(&ph->tx_lock);
	if (ph->tx_update && READ_ONCE(ph->attached) && !READ_ONCE(ph->fatal))
		err = ktls_ph_tx_key_update_locked(ph, false, MSG_DONTWAIT);
	mutex_unlock(&ph->tx_lock);
	if (err == -EAGAIN)	/* send buffer full: try again shortly */
		schedule_delayed_work(&ph->tx_work, msecs_to_jiffies(20));
}

/*
 * Answer update_requested. When no writer is busy, from the reader's own
 * context, at once (no work item latency). Otherwise, or when the send
 * buffer is full, the work item (or the next write) sends it.
 */
static void ktls_ph_answer_update(struct ktls_ph_sock *ph)
{
	int err = 0;

	if (!mutex_trylock(&ph->tx_lock)) {
		mutex_lock(&ph->tx_lock);
		ph->tx_update = true;
		mutex_unlock(&ph->tx_lock);
		schedule_delayed_work(&ph->tx_work, 0);
		return;
	}
	ph->tx_update = true;
	if (!READ_ONCE(ph->fatal))
		err = ktls_ph_tx_key_update_locked(ph, false, MSG_DONTWAIT);
	mutex_unlock(&ph->tx_lock);
	if (err == -EAGAIN)
		schedule_delayed_work(&ph->tx_work, msecs_to_jiffies(20));
}

static int ktls_ph_rx_key_update(struct ktls_ph_sock *ph,
				 const struct ktls_ph_hs_msg *m, bool last)
{
	const struct ktls_ph_suite *suite = ph->rx_ks.suite;
	int req, err;

	err = ktls_ph_keyupdate_parse(m, &req);
	if (err == -EBADMSG) {
		ktls_ph_fatal(ph, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG);
		return -EBADMSG;
	}
	if (err) {
		ktls_ph_fatal(ph, KTLS_PH_ALERT_ILLEGAL_PARAMETER, -EPROTO);
		return -EPROTO;
	}
	if (!last) {
		/* RFC 8446 5.1: a key change ends its record */
		ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO);
		return -EPROTO;
	}
	err = ktls_ph_ks_next_secret(&ph->rx_ks, ph->rx_secret, suite->hash_len,
				     ph->rx_secret, suite->hash_len);
	if (!err)
		err = ktls_ph_install_key(ph, false);
	if (err) {
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_REKEY_ERRORS);
		ktls_ph_fatal(ph, KTLS_PH_ALERT_INTERNAL_ERROR, -EIO);
		return -EIO;
	}
	ktls_ph_sock_count(ph, KTLS_PH_SS_RX_REKEYS, KTLS_PH_NS_RX_REKEYS);
	if (req) {
		ktls_ph_sock_count(ph, KTLS_PH_SS_UPDATE_REQUESTED,
				   KTLS_PH_NS_UPDATE_REQUESTED);
		ktls_ph_answer_update(ph);
	}
	return 0;
}

static int ktls_ph_rx_msg(struct ktls_ph_sock *ph,
			  const struct ktls_ph_hs_msg *m, bool last)
{
	/* RFC 8446 4.6.2: the client's answer comes without interruption */
	if (ktls_ph_pha_rx_busy(ph))
		return ktls_ph_pha_rx_msg(ph, m);
	switch (m->type) {
	case KTLS_PH_HS_KEY_UPDATE:
		return ktls_ph_rx_key_update(ph, m, last);
	case KTLS_PH_HS_NEW_SESSION_TICKET:
		return ktls_ph_ticket_rx(ph, m);
	case KTLS_PH_HS_CERTIFICATE_REQUEST:
	case KTLS_PH_HS_CERTIFICATE:
	case KTLS_PH_HS_CERTIFICATE_VERIFY:
	case KTLS_PH_HS_FINISHED:
		return ktls_ph_pha_rx_msg(ph, m);
	}
	/* anything else */
	ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO);
	return -EPROTO;
}

static int ktls_ph_rx_msg_fn(void *arg, const struct ktls_ph_hs_msg *m,
			     bool last)
{
	return ktls_ph_rx_msg(arg, m, last);
}

/**
 * ktls_ph_rx_record() - act on one decrypted handshake record
 * @ph: the socket, rx_lock held
 * @rec: the record's plaintext
 * @len: its length
 *
 * Return: 0, or a negative errno after a fatal alert was sent.
 */
int ktls_ph_rx_record(struct ktls_ph_sock *ph, const u8 *rec, size_t len)
{
	int err;

	lockdep_assert_held(&ph->rx_lock);
	err = ktls_ph_hs_feed(&ph->hs, rec, len, ktls_ph_rx_msg_fn, ph);
	switch (err) {
	case 0:
		return 0;
	case -ENODATA:
		/* RFC 8446 5.1: no zero-length handshake fragments */
		ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO);
		return -EPROTO;
	case -EBADMSG:
		/* declared length over the limit (or a bad KeyUpdate) */
		ktls_ph_fatal(ph, KTLS_PH_ALERT_DECODE_ERROR, -EBADMSG);
		return -EBADMSG;
	case -ENOMEM:
		ktls_ph_fatal(ph, KTLS_PH_ALERT_INTERNAL_ERROR, -ENOMEM);
		return -ENOMEM;
	default:
		return err;	/* ktls_ph_rx_msg() sent the alert */
	}
}
