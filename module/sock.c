// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: attaching to a kTLS socket. ktls_ph installs a per-socket copy of
 * the proto kTLS put in sk->sk_prot, with hooks on recvmsg (handshake records
 * are consumed before the application's read sees them), sendmsg (KeyUpdates
 * go out between application records, never inside one), setsockopt (the
 * keys belong to ktls_ph while attached) and close (state is torn down).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/splice.h>
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

/* Every socket ktls_ph ever attached to, until it is closed (RCU) */
static DEFINE_HASHTABLE(ktls_ph_by_sk, 8);

static struct ktls_ph_sock *ktls_ph_lookup(const struct sock *sk)
{
	struct ktls_ph_sock *ph;

	rcu_read_lock();
	hash_for_each_possible_rcu(ktls_ph_by_sk, ph, hnode, (unsigned long)sk)
		if (ph->sk == sk)
			break;
	rcu_read_unlock();
	return ph;
}

/*
 * The state of a socket whose hook is running. Usually sk_prot is ktls_ph's
 * copy inside it; but after detach, an application's own kTLS rekey
 * (setsockopt(TLS_TX/TLS_RX), refused while attached) briefly puts kTLS's
 * proto back (update_sk_prot()) until ktls_ph_setsockopt() restores the
 * hooks, so check before trusting container_of(). Valid while the caller
 * holds the socket (the state lives until close).
 */
static struct ktls_ph_sock *ktls_ph_sk(struct sock *sk)
{
	struct proto *p = READ_ONCE(sk->sk_prot);

	if (likely(p->recvmsg == ktls_ph_recvmsg))
		return container_of(p, struct ktls_ph_sock, prot);
	return ktls_ph_lookup(sk);
}

static bool ktls_ph_is_ours(const struct sock *sk)
{
	return ktls_ph_lookup(sk);
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

	ph = ktls_ph_lookup(sk);
	return ph && READ_ONCE(ph->attached) ? ph : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_sock_get);

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
		ktls_ph_sock_count(ph, KTLS_PH_SS_HS_RECORDS,
				   KTLS_PH_NS_HS_RECORDS);
		ret = ktls_ph_rx_record(ph, rec, ret);
	}
	kfree_sensitive(rec);
	return ret;
}

/*
 * Act on the handshake records at the head of the receive queue, until the
 * next record is something else. rx_lock held.
 *
 * Return: the type of the next record (> 0), 0 at end of stream, or a
 * negative errno (-EAGAIN when nothing is queued and @flags has
 * MSG_DONTWAIT).
 */
static int ktls_ph_rx_drain(struct ktls_ph_sock *ph, int flags)
{
	int ret;

	for (;;) {
		ret = READ_ONCE(ph->fatal);
		if (ret)
			return ret;
		ret = ktls_ph_peek_type(ph, flags);
		if (ret == -EKEYEXPIRED && ph->hs.len &&
		    ph->hs.buf[0] == KTLS_PH_HS_KEY_UPDATE) {
			ktls_ph_rx_rearm(ph);
			continue;
		}
		if (ret <= 0)
			return ret;
		if (ret == TLS_RECORD_TYPE_HANDSHAKE) {
			ret = ktls_ph_take_handshake(ph);
			if (ret)
				return ret;
			continue;
		}
		if (ret == TLS_RECORD_TYPE_DATA && ktls_ph_pha_rx_busy(ph))
			/* 4.6.2: the client's answer comes in one piece */
			return ktls_ph_pha_rx_unexpected(ph);
		if (ret == TLS_RECORD_TYPE_DATA && ph->hs.len) {
			/* RFC 8446 5.1: no interleaving inside a message */
			ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE,
				      -EPROTO);
			return -EPROTO;
		}
		return ret;
	}
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
		ret = ktls_ph_rx_drain(ph, flags);
		if (ret <= 0)
			break;
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

/*
 * splice() from the socket: kTLS splices data records only (a handshake
 * record fails the call with EINVAL), so handshake records are processed
 * first. kTLS splices from one record per call.
 */
static ssize_t ktls_ph_splice_read(struct socket *sock, loff_t *ppos,
				   struct pipe_inode_info *pipe, size_t len,
				   unsigned int flags)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sock->sk);
	ssize_t ret;

	if (!READ_ONCE(ph->attached))
		return ph->ktls_ops->splice_read(sock, ppos, pipe, len, flags);
	ret = mutex_lock_interruptible(&ph->rx_lock);
	if (ret)
		return ret;
	ret = ktls_ph_rx_drain(ph, flags & SPLICE_F_NONBLOCK ? MSG_DONTWAIT : 0);
	if (ret > 0)
		ret = ph->ktls_ops->splice_read(sock, ppos, pipe, len, flags);
	mutex_unlock(&ph->rx_lock);
	return ret;
}

/* Is the record kTLS put back at the head of its queue a handshake one? */
static bool ktls_ph_rx_list_hs(struct sock *sk)
{
	struct tls_sw_context_rx *ctx = tls_sw_ctx_rx(tls_get_ctx(sk));
	struct sk_buff *skb = skb_peek(&ctx->rx_list);

	return skb && ((struct sk_skb_cb *)skb->cb)->tls.control ==
		TLS_RECORD_TYPE_HANDSHAKE;
}

/*
 * read_sock(), the interface of in-kernel readers (NVMe-TCP, for example),
 * called with the socket lock held. kTLS's read_sock stops at a handshake
 * record (EINVAL when it read nothing), and sending an alert or rekeying
 * takes the socket lock: the record is left to rx_work, which processes it
 * once the reader releases the lock and then calls sk_data_ready so the
 * reader comes back. Meanwhile the reader gets what it read, or EAGAIN.
 */
static int ktls_ph_read_sock(struct sock *sk, read_descriptor_t *desc,
			     sk_read_actor_t actor)
{
	struct ktls_ph_sock *ph = ktls_ph_sk(sk);
	int ret;

	if (!READ_ONCE(ph->attached))
		return ph->ktls_ops->read_sock(sk, desc, actor);
	ret = READ_ONCE(ph->fatal);
	if (ret)
		return ret;
	if (READ_ONCE(ph->rx_work_pending))
		return -EAGAIN;
	ret = ph->ktls_ops->read_sock(sk, desc, actor);
	if ((ret >= 0 || ret == -EINVAL || ret == -EKEYEXPIRED) &&
	    (ret == -EKEYEXPIRED || ktls_ph_rx_list_hs(sk))) {
		WRITE_ONCE(ph->rx_work_pending, true);
		schedule_work(&ph->rx_work);
		if (ret <= 0)
			ret = -EAGAIN;
	}
	return ret;
}

/* Handshake records a read_sock() reader left: see ktls_ph_read_sock() */
static void ktls_ph_rx_work(struct work_struct *work)
{
	struct ktls_ph_sock *ph = container_of(work, struct ktls_ph_sock,
					       rx_work);
	struct sock *sk = ph->sk;

	mutex_lock(&ph->rx_lock);
	if (READ_ONCE(ph->attached))
		ktls_ph_rx_drain(ph, MSG_DONTWAIT);
	WRITE_ONCE(ph->rx_work_pending, false);
	mutex_unlock(&ph->rx_lock);
	/* under the socket lock, kTLS's own data_ready only queues work */
	lock_sock(sk);
	sk->sk_data_ready(sk);
	release_sock(sk);
}

/*
 * Put ktls_ph's hooks back after kTLS's setsockopt(SOL_TLS): a key change
 * re-installs kTLS's own proto and proto_ops (update_sk_prot()). While
 * attached, ktls_ph changes keys without that path (ktls_ph_install_key()).
 */
static void ktls_ph_hooks_restore(struct ktls_ph_sock *ph)
{
	struct socket *sock = ph->sk->sk_socket;

	if (READ_ONCE(ph->sk->sk_prot) == ph->ktls_prot)
		WRITE_ONCE(ph->sk->sk_prot, &ph->prot);
	if (sock && ph->ktls_ops && READ_ONCE(sock->ops) == ph->ktls_ops)
		WRITE_ONCE(sock->ops, &ph->ops);
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
			ktls_ph_sock_count(ph, KTLS_PH_SS_AUTO_REKEYS,
					   KTLS_PH_NS_AUTO_REKEYS);
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
	if (level == SOL_TLS)
		ktls_ph_hooks_restore(ph);
	return ret;
}

static void ktls_ph_wipe(struct ktls_ph_sock *ph)
{
	ktls_ph_ks_free(&ph->rx_ks);
	ktls_ph_ks_free(&ph->tx_ks);
	memzero_explicit(ph->rx_secret, sizeof(ph->rx_secret));
	memzero_explicit(ph->tx_secret, sizeof(ph->tx_secret));
	memzero_explicit(ph->res_secret, sizeof(ph->res_secret));
	ph->has_res_secret = false;
	kfree_sensitive(ph->hs.buf);
	ph->hs.buf = NULL;
	ph->hs.len = 0;
	ktls_ph_pha_wipe(ph);
}

/* Stop acting on the socket: hooks pass through from now on. */
static void ktls_ph_stop(struct ktls_ph_sock *ph)
{
	WRITE_ONCE(ph->attached, false);
	ktls_ph_pha_stop(ph);
	cancel_delayed_work_sync(&ph->tx_work);
	cancel_work_sync(&ph->rx_work);
	mutex_lock(&ph->rx_lock);
	mutex_lock(&ph->tx_lock);
	ktls_ph_wipe(ph);
	mutex_unlock(&ph->tx_lock);
	mutex_unlock(&ph->rx_lock);
	spin_lock_bh(&ktls_ph_socks_lock);
	list_del_init(&ph->node);
	spin_unlock_bh(&ktls_ph_socks_lock);
	ktls_ph_net_add(sock_net(ph->sk), KTLS_PH_NS_ACTIVE, -1);
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

	if (READ_ONCE(ph->attached)) {
		ktls_ph_net_inc(sock_net(sk), KTLS_PH_NS_CLOSE);
		ktls_ph_stop(ph);
	}
	lock_sock(sk);
	WRITE_ONCE(sk->sk_prot, kp);
	if (sk->sk_socket && ph->ktls_ops)
		WRITE_ONCE(sk->sk_socket->ops, ph->ktls_ops);
	release_sock(sk);
	kp->close(sk, timeout);
	spin_lock_bh(&ktls_ph_socks_lock);
	hash_del_rcu(&ph->hnode);
	spin_unlock_bh(&ktls_ph_socks_lock);
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
	if (ktls_ph_sock_get(sk)) {
		NL_SET_ERR_MSG(extack, "socket is already attached to ktls_ph");
		return -EEXIST;
	}
	if (ktls_ph_is_ours(sk)) {
		NL_SET_ERR_MSG(extack,
			       "socket was detached from ktls_ph; attaching it again is not supported");
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
	if (a->resumption_secret_len != (a->resumption_secret ?
					 suite->hash_len : 0)) {
		NL_SET_ERR_MSG(extack,
			       "resumption-secret length does not match the cipher suite's hash");
		return -EINVAL;
	}
	if (a->server_name &&
	    strnlen(a->server_name, KTLS_PH_SERVER_NAME_MAX + 1) >
	    KTLS_PH_SERVER_NAME_MAX) {
		NL_SET_ERR_MSG(extack, "server-name is longer than 255 bytes");
		return -EINVAL;
	}
	if (a->pha_offered && !a->transcript) {
		NL_SET_ERR_MSG(extack,
			       "pha-offered needs the handshake transcript");
		return -EINVAL;
	}
	if (a->transcript &&
	    ktls_ph_pha_check_transcript(a->transcript, a->transcript_len,
					 extack))
		return -EINVAL;
	if (a->peer_auth > KTLS_PH_PEER_AUTH_PSK) {
		NL_SET_ERR_MSG(extack,
			       "peer-auth must be unknown, certificate or psk");
		return -EINVAL;
	}
	*suitep = suite;
	return 0;
}

/* Default send-key lifetime: RFC 8446 5.5 and its AEAD analysis allow about
 * 2^24.5 full records for AES-GCM; stay well below for every cipher.
 */
#define KTLS_PH_DEFAULT_REKEY_RECORDS	BIT_ULL(23)

unsigned long ktls_ph_rekey_records = KTLS_PH_DEFAULT_REKEY_RECORDS;
module_param_named(rekey_records, ktls_ph_rekey_records, ulong, 0644);
MODULE_PARM_DESC(rekey_records,
		 "records per send key before an automatic KeyUpdate, for sockets attached without a limit (default 2^23; 0 = the default)");
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_rekey_records);

unsigned long ktls_ph_rekey_bytes;
module_param_named(rekey_bytes, ktls_ph_rekey_bytes, ulong, 0644);
MODULE_PARM_DESC(rekey_bytes,
		 "plaintext bytes per send key before an automatic KeyUpdate, for sockets attached without a limit (default 0: none)");
EXPORT_SYMBOL_IF_KUNIT(ktls_ph_rekey_bytes);

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
	INIT_WORK(&ph->rx_work, ktls_ph_rx_work);
	INIT_LIST_HEAD(&ph->node);
	spin_lock_init(&ph->pha.lock);
	INIT_LIST_HEAD(&ph->pha.pending);
	INIT_DELAYED_WORK(&ph->pha.work, ktls_ph_pha_work);
	ph->sk = sk;
	ph->role = a->role;
	ph->rekey_records = a->rekey_records ?:
		READ_ONCE(ktls_ph_rekey_records) ?: KTLS_PH_DEFAULT_REKEY_RECORDS;
	ph->rekey_bytes = a->rekey_bytes ?: READ_ONCE(ktls_ph_rekey_bytes);

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
	err = ktls_ph_pha_init(ph, a->pha_offered, a->transcript,
			       a->transcript_len);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "cannot set up post-handshake authentication (memory or kernel crypto API)");
		goto out_unlock;
	}
	memcpy(ph->rx_secret, a->rx_secret, a->secret_len);
	memcpy(ph->tx_secret, a->tx_secret, a->secret_len);
	/* servers receive no tickets: their resumption secret is not kept */
	if (a->resumption_secret && a->role == KTLS_PH_ROLE_CLIENT) {
		memcpy(ph->res_secret, a->resumption_secret,
		       a->resumption_secret_len);
		ph->has_res_secret = true;
	}
	if (a->server_name)
		strscpy(ph->server_name, a->server_name);
	ph->peer_auth = a->peer_auth;
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
	if (sk->sk_socket) {
		ph->ktls_ops = sk->sk_socket->ops;
		ph->ops = *ph->ktls_ops;
		ph->ops.splice_read = ktls_ph_splice_read;
		if (ph->ktls_ops->read_sock)
			ph->ops.read_sock = ktls_ph_read_sock;
	}
	ph->cookie = atomic64_inc_return(&ktls_ph_next_id);
	*cookie = ph->cookie;
	ph->attached = true;
	spin_lock_bh(&ktls_ph_socks_lock);
	list_add_tail(&ph->node, &ktls_ph_socks);
	hash_add_rcu(ktls_ph_by_sk, &ph->hnode, (unsigned long)sk);
	spin_unlock_bh(&ktls_ph_socks_lock);
	ktls_ph_net_inc(sock_net(sk), KTLS_PH_NS_ATTACH);
	ktls_ph_net_inc(sock_net(sk), KTLS_PH_NS_ACTIVE);
	WRITE_ONCE(sk->sk_prot, &ph->prot);
	if (sk->sk_socket)
		WRITE_ONCE(sk->sk_socket->ops, &ph->ops);
	release_sock(sk);
	return 0;

out_unlock:
	release_sock(sk);
	ktls_ph_net_inc(sock_net(sk), KTLS_PH_NS_ATTACH_ERRORS);
	ktls_ph_wipe(ph);
	kfree(ph);
	return err;
}
EXPORT_SYMBOL_GPL(ktls_ph_sock_attach);

/**
 * ktls_ph_sock_detach() - stop handling a socket, wipe its secrets
 * @sk: an attached socket
 * @extack: receives a message naming the problem on error
 *
 * The socket goes on as a plain kTLS socket. The hooks stay installed (and
 * pass every call through) until the socket is closed.
 *
 * Context: process context; the caller must not hold the socket lock.
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
	ktls_ph_net_inc(sock_net(sk), KTLS_PH_NS_DETACH);
	ktls_ph_stop(ph);
	return 0;
}
EXPORT_SYMBOL_GPL(ktls_ph_sock_detach);

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
EXPORT_SYMBOL_GPL(ktls_ph_sock_key_update);

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

/**
 * ktls_ph_sock_by_cookie() - call @fn for the attached socket @cookie
 * @net: network namespace the socket must be in
 * @cookie: ktls_ph's identifier of the socket
 * @fn: callback, under the list's spinlock: must not sleep. The socket's
 *	state stays valid while it runs (close and detach take it off the
 *	list under the same lock, and the state is freed after an RCU grace
 *	period)
 * @arg: passed to @fn
 *
 * Return: what @fn returned, or -ENOENT when no such socket is attached.
 */
int ktls_ph_sock_by_cookie(struct net *net, u64 cookie,
			   int (*fn)(struct ktls_ph_sock *ph, void *arg),
			   void *arg)
{
	struct ktls_ph_sock *ph;
	int ret = -ENOENT;

	spin_lock_bh(&ktls_ph_socks_lock);
	list_for_each_entry(ph, &ktls_ph_socks, node) {
		if (ph->cookie == cookie && net_eq(sock_net(ph->sk), net) &&
		    READ_ONCE(ph->attached)) {
			ret = fn(ph, arg);
			break;
		}
	}
	spin_unlock_bh(&ktls_ph_socks_lock);
	return ret;
}
