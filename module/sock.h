/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: per-socket state of an attached kTLS socket.
 */
#ifndef _KTLS_PH_SOCK_H
#define _KTLS_PH_SOCK_H

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/tls.h>
#include <net/ktls_ph.h>
#include <net/sock.h>

#include "hsmsg.h"
#include "keysched.h"
#include "pha.h"
#include "stats.h"

/* Counters of one socket; the netlink GET reply reports them */
enum ktls_ph_sock_stat {
	KTLS_PH_SS_RX_REKEYS,
	KTLS_PH_SS_TX_REKEYS,
	KTLS_PH_SS_UPDATE_REQUESTED,
	KTLS_PH_SS_AUTO_REKEYS,
	KTLS_PH_SS_HS_RECORDS,
	KTLS_PH_SS_TICKETS,
	KTLS_PH_SS_PHA_REQUESTS,
	KTLS_PH_SS_PHA_ANSWERED,
	KTLS_PH_SS_PHA_DECLINED,
	KTLS_PH_SS_PHA_TIMEOUTS,
	KTLS_PH_SS_NUM
};

/**
 * struct ktls_ph_sock - ktls_ph's state for one attached socket
 * @prot: copy of kTLS's proto with ktls_ph's hooks, installed as sk_prot
 * @ktls_prot: the proto kTLS installed, called for the real work
 * @ops: copy of kTLS's proto_ops with ktls_ph's splice_read
 * @ktls_ops: the proto_ops kTLS installed (NULL without a struct socket)
 * @sk: the socket
 * @rcu: frees the state after close
 * @node: in the list of attached sockets
 * @hnode: in the table of sockets with ktls_ph's hooks, by socket
 * @attached: false once detached (the hooks then only pass calls through)
 * @cookie: socket cookie, names the socket in netlink replies
 * @role: client or server
 * @rx_lock: serialises readers, handshake processing and receive rekeys
 * @rx_ks: key schedule for the peer's secrets
 * @rx_secret: the peer's current application traffic secret
 * @hs: reassembly of a handshake message split across records
 * @rx_work: processes handshake records a read_sock() reader stopped at
 * @rx_work_pending: @rx_work is queued; read_sock() readers wait for it
 * @res_secret: resumption_master_secret given at attach, for ticket PSKs
 *	(client sockets only); used under @rx_lock with @rx_ks
 * @has_res_secret: @res_secret was given
 * @peer_auth: how the peer authenticated (enum ktls_ph_peer_auth), from attach
 * @server_name: server name given at attach, NUL-terminated ("": none)
 * @tx_lock: serialises writers and send rekeys
 * @tx_ks: key schedule for this side's secrets
 * @tx_secret: this side's current application traffic secret
 * @tx_work: sends a KeyUpdate the peer asked for, without waiting for a write
 * @tx_update: a KeyUpdate must go out before the next application record
 * @tx_records: records sent under the current send key (estimate)
 * @tx_bytes: plaintext bytes sent under the current send key
 * @rekey_records: automatic KeyUpdate threshold (records)
 * @rekey_bytes: automatic KeyUpdate threshold (bytes), 0 = none
 * @pha: post-handshake authentication (pha.c)
 * @fatal: errno of a fatal protocol error; the socket then only fails
 * @stats: counters, enum ktls_ph_sock_stat
 */
struct ktls_ph_sock {
	struct proto prot;
	struct proto *ktls_prot;
	struct proto_ops ops;
	const struct proto_ops *ktls_ops;
	struct sock *sk;
	struct rcu_head rcu;
	struct list_head node;
	struct hlist_node hnode;
	bool attached;
	u64 cookie;
	u32 role;

	struct mutex rx_lock;	/* readers, handshake records, RX keys */
	struct ktls_ph_ks rx_ks;
	u8 rx_secret[KTLS_PH_MAX_HASH_LEN];
	struct ktls_ph_hs_reasm hs;
	struct work_struct rx_work;
	bool rx_work_pending;
	u8 res_secret[KTLS_PH_MAX_HASH_LEN];
	bool has_res_secret;
	u32 peer_auth;
	char server_name[KTLS_PH_SERVER_NAME_MAX + 1];

	struct mutex tx_lock;	/* writers and TX keys */
	struct ktls_ph_ks tx_ks;
	u8 tx_secret[KTLS_PH_MAX_HASH_LEN];
	struct delayed_work tx_work;
	bool tx_update;
	u64 tx_records;
	u64 tx_bytes;
	u64 rekey_records;
	u64 rekey_bytes;

	struct ktls_ph_pha pha;

	int fatal;
	atomic64_t stats[KTLS_PH_SS_NUM];
};

/* Count an event on the socket and in its network namespace. */
static inline void ktls_ph_sock_count(struct ktls_ph_sock *ph,
				      enum ktls_ph_sock_stat ss,
				      enum ktls_ph_net_stat ns)
{
	atomic64_inc(&ph->stats[ss]);
	ktls_ph_net_inc(sock_net(ph->sk), ns);
}

struct ktls_ph_sock *ktls_ph_sock_get(struct sock *sk);
int ktls_ph_sock_for_each(struct net *net, int skip,
			  int (*fn)(struct ktls_ph_sock *ph, void *arg),
			  void *arg);
int ktls_ph_sock_by_cookie(struct net *net, u64 cookie,
			   int (*fn)(struct ktls_ph_sock *ph, void *arg),
			   void *arg);

/* Module parameters: limits for sockets attached without their own */
extern unsigned long ktls_ph_rekey_records;
extern unsigned long ktls_ph_rekey_bytes;

/* kTLS's crypto_info for any TLS 1.3 cipher it supports */
union ktls_ph_crypto_info {
	struct tls_crypto_info info;
	struct tls12_crypto_info_aes_gcm_128 gcm128;
	struct tls12_crypto_info_aes_gcm_256 gcm256;
	struct tls12_crypto_info_aes_ccm_128 ccm128;
	struct tls12_crypto_info_chacha20_poly1305 chacha;
};

/* keyupdate.c */
int ktls_ph_crypto_info_fill(struct ktls_ph_ks *ks, const u8 *secret,
			     union ktls_ph_crypto_info *ci, unsigned int *len);
int ktls_ph_rx_record(struct ktls_ph_sock *ph, const u8 *rec, size_t len);
int ktls_ph_tx_key_update_locked(struct ktls_ph_sock *ph, bool request_peer,
				 int msg_flags);
void ktls_ph_tx_work(struct work_struct *work);
void ktls_ph_rx_rearm(struct ktls_ph_sock *ph);
void ktls_ph_fatal(struct ktls_ph_sock *ph, u8 alert, int err);
int ktls_ph_send_raw(struct ktls_ph_sock *ph, u8 type, const void *data,
		     size_t len, int flags);

#endif /* _KTLS_PH_SOCK_H */
