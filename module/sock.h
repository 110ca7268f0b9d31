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
#include <net/sock.h>

#include "keysched.h"

/* Counters of one socket; the netlink GET reply reports them */
enum ktls_ph_sock_stat {
	KTLS_PH_SS_RX_REKEYS,
	KTLS_PH_SS_TX_REKEYS,
	KTLS_PH_SS_UPDATE_REQUESTED,
	KTLS_PH_SS_AUTO_REKEYS,
	KTLS_PH_SS_HS_RECORDS,
	KTLS_PH_SS_NUM
};

/**
 * struct ktls_ph_attach_args - what ATTACH hands the kernel
 * @role: KTLS_PH_ROLE_CLIENT or KTLS_PH_ROLE_SERVER
 * @suite_id: IANA TLS 1.3 cipher suite
 * @tx_secret: this side's current application traffic secret
 * @rx_secret: the peer's current application traffic secret
 * @secret_len: length of both secrets (the suite's hash length)
 * @rekey_records: records per send key before an automatic KeyUpdate, 0 = default
 * @rekey_bytes: plaintext bytes per send key before an automatic KeyUpdate, 0 = none
 */
struct ktls_ph_attach_args {
	u32 role;
	u16 suite_id;
	const u8 *tx_secret;
	const u8 *rx_secret;
	size_t secret_len;
	u64 rekey_records;
	u64 rekey_bytes;
};

/**
 * struct ktls_ph_sock - ktls_ph's state for one attached socket
 * @prot: copy of kTLS's proto with ktls_ph's hooks, installed as sk_prot
 * @ktls_prot: the proto kTLS installed, called for the real work
 * @sk: the socket
 * @rcu: frees the state after close
 * @node: in the per-netns list of attached sockets
 * @attached: false once detached (the hooks then only pass calls through)
 * @cookie: socket cookie, names the socket in netlink replies
 * @role: client or server
 * @rx_lock: serialises readers, handshake processing and receive rekeys
 * @rx_ks: key schedule for the peer's secrets
 * @rx_secret: the peer's current application traffic secret
 * @hs_buf: reassembly of a handshake message split across records
 * @hs_len: bytes in @hs_buf
 * @tx_lock: serialises writers and send rekeys
 * @tx_ks: key schedule for this side's secrets
 * @tx_secret: this side's current application traffic secret
 * @tx_work: sends a KeyUpdate the peer asked for, without waiting for a write
 * @tx_update: a KeyUpdate must go out before the next application record
 * @tx_records: records sent under the current send key (estimate)
 * @tx_bytes: plaintext bytes sent under the current send key
 * @rekey_records: automatic KeyUpdate threshold (records)
 * @rekey_bytes: automatic KeyUpdate threshold (bytes), 0 = none
 * @fatal: errno of a fatal protocol error; the socket then only fails
 * @stats: counters, enum ktls_ph_sock_stat
 */
struct ktls_ph_sock {
	struct proto prot;
	struct proto *ktls_prot;
	struct sock *sk;
	struct rcu_head rcu;
	struct list_head node;
	bool attached;
	u64 cookie;
	u32 role;

	struct mutex rx_lock;	/* readers, handshake records, RX keys */
	struct ktls_ph_ks rx_ks;
	u8 rx_secret[KTLS_PH_MAX_HASH_LEN];
	u8 *hs_buf;
	u32 hs_len;

	struct mutex tx_lock;	/* writers and TX keys */
	struct ktls_ph_ks tx_ks;
	u8 tx_secret[KTLS_PH_MAX_HASH_LEN];
	struct delayed_work tx_work;
	bool tx_update;
	u64 tx_records;
	u64 tx_bytes;
	u64 rekey_records;
	u64 rekey_bytes;

	int fatal;
	atomic64_t stats[KTLS_PH_SS_NUM];
};

int ktls_ph_sock_attach(struct sock *sk, const struct ktls_ph_attach_args *a,
			u64 *cookie, struct netlink_ext_ack *extack);
int ktls_ph_sock_detach(struct sock *sk, struct netlink_ext_ack *extack);
struct ktls_ph_sock *ktls_ph_sock_get(struct sock *sk);
int ktls_ph_sock_key_update(struct sock *sk, bool request_peer,
			    struct netlink_ext_ack *extack);
int ktls_ph_sock_for_each(struct net *net, int skip,
			  int (*fn)(struct ktls_ph_sock *ph, void *arg),
			  void *arg);

/* keyupdate.c */
int ktls_ph_rx_record(struct ktls_ph_sock *ph, const u8 *rec, size_t len);
int ktls_ph_tx_key_update_locked(struct ktls_ph_sock *ph, bool request_peer,
				 int msg_flags);
void ktls_ph_tx_work(struct work_struct *work);
int ktls_ph_install_key(struct ktls_ph_sock *ph, bool tx);
void ktls_ph_fatal(struct ktls_ph_sock *ph, u8 alert, int err);

#endif /* _KTLS_PH_SOCK_H */
