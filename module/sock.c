// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: attaching to a kTLS socket. ktls_ph installs a per-socket copy of
 * the proto kTLS put in sk->sk_prot, with hooks on recvmsg (handshake records
 * are consumed before the application's read sees them), sendmsg (KeyUpdates
 * go out between application records, never inside one), setsockopt (the
 * keys belong to ktls_ph while attached) and close (state is torn down).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/tls.h>
#include <linux/uio.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <net/tls_prot.h>
#include <uapi/linux/ktls_ph.h>

#include "hsmsg.h"
#include "sock.h"

static LIST_HEAD(ktls_ph_socks);
static DEFINE_SPINLOCK(ktls_ph_socks_lock);
static atomic64_t ktls_ph_next_id = ATOMIC64_INIT(0);

static int ktls_ph_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags);

static struct ktls_ph_sock *ktls_ph_sk(struct sock *sk)
{
	return container_of(READ_ONCE(sk->sk_prot), struct ktls_ph_sock, prot);
}

static bool ktls_ph_is_ours(const struct sock *sk)
{
	return READ_ONCE(sk->sk_prot)->recvmsg == ktls_ph_recvmsg;
}

/**
 * ktls_ph_sock_get() - ktls_ph state of a socket, if attached
 * @sk: the socket
 *
 * Return: the state, or NULL. Valid while the caller holds a reference on
 * the socket's file (the state lives until close).
 */
struct ktls_ph_sock *ktls_ph_sock_get(struct sock *sk)
{
	struct ktls_ph_sock *ph;

	if (!ktls_ph_is_ours(sk))
		return NULL;
	ph = ktls_ph_sk(sk);
	return READ_ONCE(ph->attached) ? ph : NULL;
}

/* Read the type of the next record without consuming it. */
static int ktls_ph_peek_type(struct ktls_ph_sock *ph, int flags)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(size_t));
	struct msghdr m = {};
	struct cmsghdr *c;
	struct kvec iov;
	u8 byte;
	int ret;

	iov.iov_base = &byte;
	iov.iov_len = 1;
	iov_iter_kvec(&m.msg_iter, ITER_DEST, &iov, 1, 1);
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	ret = ph->ktls_prot->recvmsg(ph->sk, &m, 1,
				     MSG_PEEK | (flags & MSG_DONTWAIT));
	if (ret <= 0)
		return ret;
	c = (struct cmsghdr *)cbuf;
	if (m.msg_controllen == sizeof(cbuf) || c->cmsg_level != SOL_TLS ||
	    c->cmsg_type != TLS_GET_RECORD_TYPE)
		return -EIO;
	return *(u8 *)CMSG_DATA(c);
}

/* Consume the handshake record at the head of the queue and act on it. */
static int ktls_ph_take_handshake(struct ktls_ph_sock *ph)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(size_t));
	struct msghdr m = {};
	struct kvec iov;
	u8 *rec;
	int ret;

	rec = kmalloc(TLS_MAX_PAYLOAD_SIZE, GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	iov.iov_base = rec;
	iov.iov_len = TLS_MAX_PAYLOAD_SIZE;
	iov_iter_kvec(&m.msg_iter, ITER_DEST, &iov, 1, iov.iov_len);
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	ret = ph->ktls_prot->recvmsg(ph->sk, &m, iov.iov_len,
				     MSG_DONTWAIT);
	if (ret >= 0) {
		atomic64_inc(&ph->stats[KTLS_PH_SS_HS_RECORDS]);
		ret = ktls_ph_rx_record(ph, rec, ret);
	}
	kfree_sensitive(rec);
	return ret;
}

static int ktls_ph_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sk);
	size_t want = len;
	int copied = 0;
	int ret;

	if (!READ_ONCE(ph->attached) || (flags & MSG_ERRQUEUE))
		return ph->ktls_prot->recvmsg(sk, msg, len, flags);

	ret = mutex_lock_interruptible(&ph->rx_lock);
	if (ret)
		return ret;
	while (want) {
		ret = READ_ONCE(ph->fatal);
		if (ret)
			break;
		ret = ktls_ph_peek_type(ph, flags);
		if (ret <= 0)
			break;
		if (ret == TLS_RECORD_TYPE_HANDSHAKE) {
			ret = ktls_ph_take_handshake(ph);
			if (ret)
				break;
			continue;
		}
		if (ret == TLS_RECORD_TYPE_DATA && ph->hs_len) {
			/* RFC 8446 5.1: no interleaving inside a message */
			ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE,
				      -EPROTO);
			ret = -EPROTO;
			break;
		}
		if (ret != TLS_RECORD_TYPE_DATA && copied)
			break;	/* the alert is the next read's */
		ret = ph->ktls_prot->recvmsg(sk, msg, want, flags);
		if (ret <= 0)
			break;
		copied += ret;
		want -= ret;
		/* Only MSG_WAITALL reads on across a handshake record. */
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK))
			break;
	}
	mutex_unlock(&ph->rx_lock);
	if (copied && (ret >= 0 || ret == -EAGAIN || ret == -EINTR ||
		       ret == -ERESTARTSYS))
		return copied;
	return copied ? copied : ret;
}

static bool ktls_ph_rekey_due(const struct ktls_ph_sock *ph)
{
	return ph->tx_records >= ph->rekey_records ||
	       (ph->rekey_bytes && ph->tx_bytes >= ph->rekey_bytes);
}

static int ktls_ph_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sk);
	int ret;

	if (!READ_ONCE(ph->attached))
		return ph->ktls_prot->sendmsg(sk, msg, size);

	ret = mutex_lock_interruptible(&ph->tx_lock);
	if (ret)
		return ret;
	ret = READ_ONCE(ph->fatal);
	if (!ret && (ph->tx_update || ktls_ph_rekey_due(ph))) {
		if (!ph->tx_update)
			atomic64_inc(&ph->stats[KTLS_PH_SS_AUTO_REKEYS]);
		ret = ktls_ph_tx_key_update_locked(ph, false,
						   msg->msg_flags & MSG_DONTWAIT);
	}
	if (!ret) {
		ret = ph->ktls_prot->sendmsg(sk, msg, size);
		if (ret > 0) {
			ph->tx_bytes += ret;
			ph->tx_records += DIV_ROUND_UP(ret, TLS_MAX_PAYLOAD_SIZE);
		}
	}
	mutex_unlock(&ph->tx_lock);
	return ret;
}

static int ktls_ph_setsockopt(struct sock *sk, int level, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sk);
	int ret;

	if (level == SOL_TLS && (optname == TLS_TX || optname == TLS_RX) &&
	    READ_ONCE(ph->attached))
		return -EBUSY;	/* ktls_ph owns the keys while attached */
	ret = ph->ktls_prot->setsockopt(sk, level, optname, optval, optlen);
	/* kTLS re-installs its own proto on a key change: keep ours */
	if (level == SOL_TLS && READ_ONCE(sk->sk_prot) == ph->ktls_prot)
		WRITE_ONCE(sk->sk_prot, &ph->prot);
	return ret;
}

static void ktls_ph_wipe(struct ktls_ph_sock *ph)
{
	ktls_ph_ks_free(&ph->rx_ks);
	ktls_ph_ks_free(&ph->tx_ks);
	memzero_explicit(ph->rx_secret, sizeof(ph->rx_secret));
	memzero_explicit(ph->tx_secret, sizeof(ph->tx_secret));
	kfree_sensitive(ph->hs_buf);
	ph->hs_buf = NULL;
	ph->hs_len = 0;
}

/* Stop acting on the socket: hooks pass through from now on. */
static void ktls_ph_stop(struct ktls_ph_sock *ph)
{
	WRITE_ONCE(ph->attached, false);
	cancel_delayed_work_sync(&ph->tx_work);
	mutex_lock(&ph->rx_lock);
	mutex_lock(&ph->tx_lock);
	ktls_ph_wipe(ph);
	mutex_unlock(&ph->tx_lock);
	mutex_unlock(&ph->rx_lock);
	spin_lock_bh(&ktls_ph_socks_lock);
	list_del_init(&ph->node);
	spin_unlock_bh(&ktls_ph_socks_lock);
}

static void ktls_ph_free_rcu(struct rcu_head *rcu)
{
	struct ktls_ph_sock *ph = container_of(rcu, struct ktls_ph_sock, rcu);

	kfree_sensitive(ph);
	module_put(THIS_MODULE);
}

static void ktls_ph_close(struct sock *sk, long timeout)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sk);
	struct proto *kp = ph->ktls_prot;

	if (READ_ONCE(ph->attached))
		ktls_ph_stop(ph);
	lock_sock(sk);
	WRITE_ONCE(sk->sk_prot, kp);
	release_sock(sk);
	kp->close(sk, timeout);
	/* softirq paths may still hold the old sk_prot pointer */
	call_rcu(&ph->rcu, ktls_ph_free_rcu);
}

static int ktls_ph_check(struct sock *sk, const struct ktls_ph_attach_args *a,
			 const struct ktls_ph_suite **suitep,
			 struct netlink_ext_ack *extack)
{
	const struct ktls_ph_suite *suite;
	struct tls_context *ctx;

	if (sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM) {
		NL_SET_ERR_MSG(extack, "socket is not a TCP socket");
		return -EPROTONOSUPPORT;
	}
	if (sk->sk_state != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "TCP connection is not established");
		return -ENOTCONN;
	}
	if (ktls_ph_is_ours(sk)) {
		NL_SET_ERR_MSG(extack, "socket is already attached to ktls_ph");
		return -EEXIST;
	}
	if (!inet_csk(sk)->icsk_ulp_ops ||
	    strcmp(inet_csk(sk)->icsk_ulp_ops->name, "tls")) {
		NL_SET_ERR_MSG(extack, "kTLS is not set up on the socket (TCP_ULP \"tls\")");
		return -ENOPROTOOPT;
	}
	ctx = tls_get_ctx(sk);
	if (ctx->tx_conf != TLS_SW || ctx->rx_conf != TLS_SW) {
		NL_SET_ERR_MSG(extack,
			       "kTLS must be configured in software for both TLS_TX and TLS_RX");
		return ctx->tx_conf == TLS_BASE || ctx->rx_conf == TLS_BASE ?
			-ENOPROTOOPT : -EOPNOTSUPP;
	}
	if (ctx->crypto_send.info.version != TLS_1_3_VERSION ||
	    ctx->crypto_recv.info.version != TLS_1_3_VERSION) {
		NL_SET_ERR_MSG(extack, "kTLS is not TLS 1.3 (TLS 1.2 is not supported)");
		return -EPROTONOSUPPORT;
	}
	suite = ktls_ph_suite_by_id(a->suite_id);
	if (!suite) {
		NL_SET_ERR_MSG(extack, "unknown TLS 1.3 cipher suite");
		return -EINVAL;
	}
	if (ctx->crypto_send.info.cipher_type != suite->ktls_cipher ||
	    ctx->crypto_recv.info.cipher_type != suite->ktls_cipher) {
		NL_SET_ERR_MSG(extack,
			       "cipher suite does not match kTLS's configured cipher");
		return -EINVAL;
	}
	if (a->secret_len != suite->hash_len) {
		NL_SET_ERR_MSG(extack,
			       "secret length is not the cipher suite's hash length");
		return -EINVAL;
	}
	if (a->role != KTLS_PH_ROLE_CLIENT && a->role != KTLS_PH_ROLE_SERVER) {
		NL_SET_ERR_MSG(extack, "role must be client or server");
		return -EINVAL;
	}
	*suitep = suite;
	return 0;
}

/* Default send-key lifetime: RFC 8446 5.5 and its AEAD analysis allow about
 * 2^24.5 full records for AES-GCM; stay well below for every cipher.
 */
#define KTLS_PH_DEFAULT_REKEY_RECORDS	BIT_ULL(23)

/**
 * ktls_ph_sock_attach() - attach ktls_ph to a kTLS TLS 1.3 socket
 * @sk: established TCP socket with kTLS TX and RX configured
 * @a: role, suite, current secrets, limits
 * @cookie: receives ktls_ph's identifier of the socket
 * @extack: receives a message naming the problem on error
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_sock_attach(struct sock *sk, const struct ktls_ph_attach_args *a,
			u64 *cookie, struct netlink_ext_ack *extack)
{
	const struct ktls_ph_suite *suite;
	struct ktls_ph_sock *ph;
	int err;

	ph = kzalloc(sizeof(*ph), GFP_KERNEL);
	if (!ph)
		return -ENOMEM;
	mutex_init(&ph->rx_lock);
	mutex_init(&ph->tx_lock);
	INIT_DELAYED_WORK(&ph->tx_work, ktls_ph_tx_work);
	INIT_LIST_HEAD(&ph->node);
	ph->sk = sk;
	ph->role = a->role;
	ph->rekey_records = a->rekey_records ?: KTLS_PH_DEFAULT_REKEY_RECORDS;
	ph->rekey_bytes = a->rekey_bytes;

	lock_sock(sk);
	err = ktls_ph_check(sk, a, &suite, extack);
	if (err)
		goto out_unlock;
	err = ktls_ph_ks_init(&ph->rx_ks, suite->id);
	if (!err)
		err = ktls_ph_ks_init(&ph->tx_ks, suite->id);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot set up the key schedule (kernel crypto API)");
		goto out_unlock;
	}
	memcpy(ph->rx_secret, a->rx_secret, a->secret_len);
	memcpy(ph->tx_secret, a->tx_secret, a->secret_len);
	if (!try_module_get(THIS_MODULE)) {
		err = -ENODEV;
		goto out_unlock;
	}
	ph->ktls_prot = sk->sk_prot;
	ph->prot = *sk->sk_prot;
	ph->prot.recvmsg = ktls_ph_recvmsg;
	ph->prot.sendmsg = ktls_ph_sendmsg;
	ph->prot.setsockopt = ktls_ph_setsockopt;
	ph->prot.close = ktls_ph_close;
	ph->cookie = atomic64_inc_return(&ktls_ph_next_id);
	*cookie = ph->cookie;
	ph->attached = true;
	spin_lock_bh(&ktls_ph_socks_lock);
	list_add_tail(&ph->node, &ktls_ph_socks);
	spin_unlock_bh(&ktls_ph_socks_lock);
	WRITE_ONCE(sk->sk_prot, &ph->prot);
	release_sock(sk);
	return 0;

out_unlock:
	release_sock(sk);
	ktls_ph_wipe(ph);
	kfree(ph);
	return err;
}

/**
 * ktls_ph_sock_detach() - stop handling a socket, wipe its secrets
 * @sk: an attached socket
 * @extack: receives a message naming the problem on error
 *
 * The socket goes on as a plain kTLS socket. The hooks stay installed (and
 * pass every call through) until the socket is closed.
 *
 * Return: 0, or -ENOENT when the socket is not attached.
 */
int ktls_ph_sock_detach(struct sock *sk, struct netlink_ext_ack *extack)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(sk);

	if (!ph) {
		NL_SET_ERR_MSG(extack, "socket is not attached to ktls_ph");
		return -ENOENT;
	}
	ktls_ph_stop(ph);
	return 0;
}

/**
 * ktls_ph_sock_key_update() - send a KeyUpdate now
 * @sk: an attached socket
 * @request_peer: ask the peer to update its send key too
 * @extack: receives a message naming the problem on error
 *
 * Return: 0 or a negative errno.
 */
int ktls_ph_sock_key_update(struct sock *sk, bool request_peer,
			    struct netlink_ext_ack *extack)
{
	struct ktls_ph_sock *ph = ktls_ph_sock_get(sk);
	int err;

	if (!ph) {
		NL_SET_ERR_MSG(extack, "socket is not attached to ktls_ph");
		return -ENOENT;
	}
	err = mutex_lock_interruptible(&ph->tx_lock);
	if (err)
		return err;
	err = READ_ONCE(ph->fatal);
	if (!err)
		err = ktls_ph_tx_key_update_locked(ph, request_peer, 0);
	mutex_unlock(&ph->tx_lock);
	if (err)
		NL_SET_ERR_MSG(extack, "sending the KeyUpdate failed");
	return err;
}

/**
 * ktls_ph_sock_for_each() - call @fn for each attached socket of @net
 * @net: network namespace
 * @skip: number of sockets to skip (dump resumption)
 * @fn: callback; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Runs under a spinlock: @fn must not sleep.
 *
 * Return: the number of sockets @fn accepted (returned 0 for), plus @skip.
 */
int ktls_ph_sock_for_each(struct net *net, int skip,
			  int (*fn)(struct ktls_ph_sock *ph, void *arg),
			  void *arg)
{
	struct ktls_ph_sock *ph;
	int i = 0;

	spin_lock_bh(&ktls_ph_socks_lock);
	list_for_each_entry(ph, &ktls_ph_socks, node) {
		if (!net_eq(sock_net(ph->sk), net))
			continue;
		if (i++ < skip)
			continue;
		if (fn(ph, arg)) {
			i--;
			break;
		}
	}
	spin_unlock_bh(&ktls_ph_socks_lock);
	return i;
}
