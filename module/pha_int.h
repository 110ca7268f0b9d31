/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: what the files of post-handshake authentication (pha.c,
 * pha_client.c, pha_server.c) share; nothing for the rest of the module.
 */
#ifndef _KTLS_PH_PHA_INT_H
#define _KTLS_PH_PHA_INT_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/types.h>
#include <net/sock.h>

#include "hsmsg.h"
#include "pha.h"

struct ktls_ph_ks;
struct ktls_ph_sock;

/**
 * struct ktls_ph_pha_req - a CertificateRequest a client socket answers
 * @node: in the socket's pending list
 * @id: the cert-request event's id (0: no event)
 * @deadline: when it is declined unanswered (jiffies)
 * @answered: the helper answered (or the request is declined at once)
 * @decline: answer with an empty Certificate
 * @cert: the helper's Certificate (kvmalloc'd)
 * @cert_len: its length
 * @cv: the helper's CertificateVerify (kvmalloc'd, NULL: none)
 * @cv_len: its length
 * @req_len: length of @req
 * @req: the CertificateRequest, with its header
 */
struct ktls_ph_pha_req {
	struct list_head node;
	u64 id;
	unsigned long deadline;
	bool answered;
	bool decline;
	u8 *cert;
	u32 cert_len;
	u8 *cv;
	u32 cv_len;
	u32 req_len;
	u8 req[];
};

/**
 * struct ktls_ph_pha_reply_arg - what event-reply hands to the socket
 * @id: the event's id
 * @a: the answer
 * @cert: a copy of @a's certificate; the socket takes it (sets NULL)
 * @cv: a copy of @a's certificate-verify; likewise
 * @extack: receives a message naming the problem
 */
struct ktls_ph_pha_reply_arg {
	u64 id;
	const struct ktls_ph_pha_answer *a;
	u8 *cert;
	u8 *cv;
	struct netlink_ext_ack *extack;
};

/* Allocations of the receive path: the socket's own, never the reserves */
static inline gfp_t ktls_ph_pha_gfp(struct sock *sk)
{
	return (READ_ONCE(sk->sk_allocation) & ~__GFP_MEMALLOC) | __GFP_NOWARN;
}

static inline unsigned long ktls_ph_pha_deadline(void)
{
	return jiffies + msecs_to_jiffies(READ_ONCE(ktls_ph_pha_timeout_ms));
}

/* A request's certificate_request_context (the request parsed at receipt) */
static inline const u8 *ktls_ph_pha_ctx(const u8 *req, u8 *ctx_len)
{
	*ctx_len = req[KTLS_PH_HS_HDR_LEN];
	return req + KTLS_PH_HS_HDR_LEN + 1;
}

/* A whole message with its header, as ktls_ph_hs_next() describes it */
static inline struct ktls_ph_hs_msg ktls_ph_pha_msg(const u8 *buf, u32 len)
{
	struct ktls_ph_hs_msg m = {
		.type = buf[0],
		.body = buf + KTLS_PH_HS_HDR_LEN,
		.len = len - KTLS_PH_HS_HDR_LEN,
	};

	return m;
}

/* pha.c */
void ktls_ph_pha_kick_locked(struct ktls_ph_sock *ph);
void ktls_ph_pha_kick(struct ktls_ph_sock *ph);
int ktls_ph_pha_verify_data(struct ktls_ph_sock *ph, struct ktls_ph_ks *ks,
			    const u8 *secret, const u8 *req, u32 req_len,
			    const u8 *cert, u32 cert_len, const u8 *cv,
			    u32 cv_len, u8 *out);
int ktls_ph_pha_send_locked(struct ktls_ph_sock *ph, const u8 *buf,
			    size_t len);
int ktls_ph_pha_bad(struct ktls_ph_sock *ph, int alert);

/* pha_client.c */
void ktls_ph_pha_req_free(struct ktls_ph_pha_req *r);
void ktls_ph_pha_answer(struct ktls_ph_sock *ph, struct ktls_ph_pha_req *r);
int ktls_ph_pha_rx_certreq(struct ktls_ph_sock *ph,
			   const struct ktls_ph_hs_msg *m);
int ktls_ph_pha_reply_client(struct ktls_ph_sock *ph,
			     struct ktls_ph_pha_reply_arg *ra);

/* pha_server.c */
void ktls_ph_pha_srv_work(struct ktls_ph_sock *ph);
int ktls_ph_pha_rx_srv(struct ktls_ph_sock *ph,
		       const struct ktls_ph_hs_msg *m);
int ktls_ph_pha_reply_server(struct ktls_ph_sock *ph,
			     struct ktls_ph_pha_reply_arg *ra);

#endif /* _KTLS_PH_PHA_INT_H */
