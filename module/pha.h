/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: post-handshake client authentication (RFC 8446 4.6.2) on
 * attached sockets, both roles (Documentation/pha.md).
 */
#ifndef _KTLS_PH_PHA_H
#define _KTLS_PH_PHA_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct crypto_shash;
struct net;
struct netlink_ext_ack;
struct ktls_ph_sock;
struct ktls_ph_hs_msg;

/* Length of the certificate_request_context of the requests a server sends */
#define KTLS_PH_PHA_SRV_CTX_LEN	32

/* Where a server socket is in the authentication it asked for */
enum ktls_ph_pha_srv_state {
	KTLS_PH_PHA_SRV_IDLE,		/* nothing asked, or decided */
	KTLS_PH_PHA_SRV_WAIT_CERT,	/* CertificateRequest sent */
	KTLS_PH_PHA_SRV_WAIT_CV,	/* Certificate in, CertificateVerify next */
	KTLS_PH_PHA_SRV_WAIT_FIN,	/* Finished next */
	KTLS_PH_PHA_SRV_WAIT_VERDICT,	/* client-cert event queued */
};

/**
 * struct ktls_ph_pha - post-handshake authentication state of a socket
 * @offered: the client offered post_handshake_auth (given at attach)
 * @transcript: the main handshake's messages (kvmalloc'd, only when offered)
 * @transcript_len: its length
 * @hash: the suite's hash, for transcript hashes (only when offered)
 * @lock: protects @pending, @closing, @srv_state, @ev_id, @deadline,
 *	@verdict, @alert, @peer_cert, @done, @act_alert and @act_verdict
 * @closing: close or detach is tearing the socket down: no work scheduling
 * @pending: client role: requests awaiting their answer, oldest first
 * @work: answers requests, acts on verdicts and timeouts
 * @srv_state: server role: enum ktls_ph_pha_srv_state
 * @req: server role: the CertificateRequest sent (with its header)
 * @req_len: its length
 * @cert: server role: the client's Certificate, as received
 * @cert_len: its length
 * @cv: server role: the client's CertificateVerify (NULL: none)
 * @cv_len: its length
 * @ev_id: server role: the client-cert event awaiting a verdict
 * @deadline: server role: when that verdict is late (jiffies)
 * @verdict: server role: enum ktls_ph_pha_verdict of the last request
 * @alert: the alert sent because of it (0: none)
 * @peer_cert: the client's leaf certificate once the helper accepted it
 * @peer_cert_len: its length
 * @done: a pha-done notification is to be sent by @work
 * @act_alert: @work sends this fatal alert (0: none)
 * @act_verdict: the verdict that goes with @act_alert: readers see it once
 *	the socket failed (ktls_ph_pha_verdict_locked()), and @work then
 *	stores it in @verdict
 *
 * @req, @cert and @cv are written by pha-request (before the request goes
 * out) and by the receive path (rx_lock), and read by the receive path;
 * @srv_state tells which one owns them.
 */
struct ktls_ph_pha {
	bool offered;
	u8 *transcript;
	u32 transcript_len;
	struct crypto_shash *hash;

	spinlock_t lock;	/* see above */
	bool closing;
	struct list_head pending;
	struct delayed_work work;

	u32 srv_state;
	u8 *req;
	u32 req_len;
	u8 *cert;
	u32 cert_len;
	u8 *cv;
	u32 cv_len;
	u64 ev_id;
	unsigned long deadline;
	u32 verdict;
	u8 alert;
	u8 *peer_cert;
	u32 peer_cert_len;
	bool done;
	u8 act_alert;
	u32 act_verdict;
};

/**
 * struct ktls_ph_pha_answer - a helper's event-reply
 * @cert: the Certificate (client role; NULL with @decline)
 * @cert_len: its length
 * @cv: the CertificateVerify (client role; NULL: none)
 * @cv_len: its length
 * @decline: client role: decline
 * @has_verdict: server role: @verdict was given
 * @verdict: server role: enum ktls_ph_pha_verdict
 * @alert: server role: the alert to end the connection with (0: none)
 */
struct ktls_ph_pha_answer {
	const u8 *cert;
	u32 cert_len;
	const u8 *cv;
	u32 cv_len;
	bool decline;
	bool has_verdict;
	u32 verdict;
	u8 alert;
};

extern unsigned int ktls_ph_pha_timeout_ms;

int ktls_ph_pha_check_transcript(const u8 *t, size_t len,
				 struct netlink_ext_ack *extack);
int ktls_ph_pha_init(struct ktls_ph_sock *ph, bool offered,
		     const u8 *transcript, size_t transcript_len);
void ktls_ph_pha_stop(struct ktls_ph_sock *ph);
void ktls_ph_pha_wipe(struct ktls_ph_sock *ph);
void ktls_ph_pha_work(struct work_struct *work);

int ktls_ph_pha_rx_msg(struct ktls_ph_sock *ph, const struct ktls_ph_hs_msg *m);
bool ktls_ph_pha_rx_busy(struct ktls_ph_sock *ph);
int ktls_ph_pha_rx_unexpected(struct ktls_ph_sock *ph);
int ktls_ph_pha_request(struct ktls_ph_sock *ph,
			struct netlink_ext_ack *extack);
u32 ktls_ph_pha_verdict_locked(struct ktls_ph_sock *ph, u8 *alert);
int ktls_ph_pha_reply(struct net *net, u32 portid, u64 id, u64 cookie,
		      const struct ktls_ph_pha_answer *a,
		      struct netlink_ext_ack *extack);

#endif /* _KTLS_PH_PHA_H */
