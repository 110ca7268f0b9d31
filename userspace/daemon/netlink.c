// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd: the generic netlink socket (see netlink.h). Messages are built
 * and parsed with libnl-genl-3; extended ACK messages from the kernel are
 * read in the error callback, as libktlsph does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ktls_ph.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include <openssl/crypto.h>

#include "ktlsph_int.h"
#include "event.h"
#include "log.h"
#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* A reply holds a ticket and its extensions, up to 64 KiB each. */
#define PHD_NL_MSG_BUF	(256 * 1024)
/* Room for any request the daemon sends: a whole pha nest and headers */
#define PHD_NL_REQ_SIZE	(65536 + 4096)
#define PHD_NL_RCVBUF	(1024 * 1024)
/* How long a request waits for the kernel's answer. */
#define PHD_NL_TIMEOUT_S 10

struct phd_req {
	uint32_t seq;
	int done;
	int error;		/* negative errno from the kernel */
	int replies;
	char msg[256];		/* extended ACK message */
	void (*reply)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
};

struct phd_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	int ready;		/* an event-ready notification arrived */
	int gone;		/* the family was unregistered */
	struct phd_req *req;	/* the request awaiting its answer */
	phd_event_cb late_cb;	/* for an event-pop reply after a timeout */
	void *late_arg;
	unsigned char *raw;	/* libnl's buffer of the last datagram */
	int rawlen;
};

/* libnl's recv hook has no argument: the daemon has one socket. */
static struct phd_nl *phd_nl_current;

/* A libnl error code as a negative errno. */
static int nlerr_to_errno(int e)
{
	switch (e < 0 ? -e : e) {
	case NLE_NOMEM:
		return -ENOMEM;	/* also ENOBUFS from recvmsg() */
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct phd_nl *nl = arg;
	struct phd_req *r = nl->req;

	(void)nla;
	if (!r || nlh->nlmsg_seq != r->seq) {
		log_debug("netlink: stray error %d (sequence %u)", e->error,
			  nlh->nlmsg_seq);
		return NL_SKIP;
	}
	r->done = 1;
	r->error = e->error < 0 ? e->error : -EPROTO;
	ktlsph_nlmsgerr_extack(e, r->msg, sizeof(r->msg));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct phd_nl *nl = arg;

	if (nl->req && nlmsg_hdr(msg)->nlmsg_seq == nl->req->seq) {
		nl->req->done = 1;
		return NL_STOP;
	}
	return NL_OK;
}

/* Replies and notifications share the socket: sort them out ourselves. */
static int seq_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Wipe the payload of @nlh in the received datagram and in libnl's copy. */
static void wipe_reply(struct phd_nl *nl, struct nlmsghdr *copy)
{
	struct nlmsghdr *h;
	int len = nl->rawlen;

	if (nl->raw) {
		/* Only the payload: libnl still walks the headers. */
		for (h = (struct nlmsghdr *)nl->raw; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len))
			if (h->nlmsg_seq == copy->nlmsg_seq &&
			    h->nlmsg_type == copy->nlmsg_type &&
			    h->nlmsg_len == copy->nlmsg_len)
				OPENSSL_cleanse(nlmsg_data(h), nlmsg_datalen(h));
	}
	OPENSSL_cleanse(nlmsg_data(copy), nlmsg_datalen(copy));
}

/* A controller notification: is it our family going away? */
static void ctrl_notification(struct phd_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *id;

	if (g->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL))
		return;
	id = tb[CTRL_ATTR_FAMILY_ID];
	if (id && nla_len(id) == 2 && nla_get_u16(id) == nl->family) {
		log_debug("netlink: family \"%s\" (id %d) unregistered",
			  KTLS_PH_FAMILY_NAME, nl->family);
		nl->gone = 1;
	}
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct phd_nl *nl = arg;
	struct genlmsghdr *g;

	if (nlh->nlmsg_type == GENL_ID_CTRL && genlmsg_valid_hdr(nlh, 0)) {
		ctrl_notification(nl, nlh);
		return NL_OK;
	}
	if (nlh->nlmsg_type != nl->family ||
	    !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	g = nlmsg_data(nlh);
	if (g->cmd == KTLS_PH_CMD_EVENT_READY) {
		log_debug("netlink: event-ready");
		nl->ready = 1;
		return NL_OK;
	}
	if (!nl->req || nlh->nlmsg_seq != nl->req->seq) {
		log_debug("netlink: stray message, command %u, sequence %u",
			  g->cmd, nlh->nlmsg_seq);
		if (g->cmd == KTLS_PH_CMD_EVENT_POP && nl->late_cb) {
			/* the answer to a request that timed out */
			log_warn("netlink: an event arrived after its request timed out");
			nl->late_cb(nlh, nl->late_arg);
			wipe_reply(nl, nlh);
		}
		return NL_SKIP;
	}
	nl->req->replies++;
	if (nl->req->reply)
		nl->req->reply(nlh, nl->req->arg);
	if (g->cmd == KTLS_PH_CMD_EVENT_POP)
		wipe_reply(nl, nlh);
	return NL_OK;
}

static int recv_hook(struct nl_sock *sk, struct sockaddr_nl *nla,
		     unsigned char **buf, struct ucred **creds)
{
	struct phd_nl *nl = phd_nl_current;
	int n = nl_recv(sk, nla, buf, creds);

	if (nl) {
		nl->raw = n > 0 ? *buf : NULL;
		nl->rawlen = n > 0 ? n : 0;
	}
	return n;
}

struct phd_nl *phd_nl_open(char *err, size_t errlen)
{
	struct timeval tv = { .tv_sec = PHD_NL_TIMEOUT_S };
	struct phd_nl *nl;
	int ret, one = 1, fd, grp;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		fail(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		fail(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		fail(err, errlen, ret, "generic netlink connect: %s",
		     nl_geterror(ret));
		goto fail;
	}
	fd = nl_socket_get_fd(nl->sk);
	/* The kernel's reasons for failures (extended ACK messages). */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		log_debug("netlink: NETLINK_EXT_ACK: %s", strerror(errno));
	/* A request never waits forever for an answer. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl_socket_set_buffer_size(nl->sk, PHD_NL_RCVBUF, 0);
	nl_socket_set_msg_buf_size(nl->sk, PHD_NL_MSG_BUF);
	nl_socket_enable_msg_peek(nl->sk);

	nl->family = genl_ctrl_resolve(nl->sk, KTLS_PH_FAMILY_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND)
			fail(err, errlen, -ENOENT,
			     "generic netlink family \"%s\" not found: is the ktls_ph module loaded?",
			     KTLS_PH_FAMILY_NAME);
		else
			fail(err, errlen, nlerr_to_errno(nl->family),
			     "resolving generic netlink family \"%s\": %s",
			     KTLS_PH_FAMILY_NAME, nl_geterror(nl->family));
		goto fail;
	}
	/* Hear of the family's removal (module unload). */
	grp = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(nl->sk, grp) < 0)
		log_warn("netlink: cannot follow the generic netlink controller's notifications: the module's unloading will go unnoticed");
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, nl);
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_cb, nl);
	nl_cb_err(nl->cb, NL_CB_CUSTOM, err_cb, nl);
	nl_cb_overwrite_recv(nl->cb, recv_hook);
	phd_nl_current = nl;
	return nl;
fail:
	nl_cb_put(nl->cb);
	nl_socket_free(nl->sk);
	free(nl);
	return NULL;
}

void phd_nl_close(struct phd_nl *nl)
{
	if (!nl)
		return;
	if (phd_nl_current == nl)
		phd_nl_current = NULL;
	nl_cb_put(nl->cb);
	nl_socket_free(nl->sk);
	free(nl);
}

int phd_nl_fd(const struct phd_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int phd_nl_gone(const struct phd_nl *nl)
{
	return nl->gone;
}

int phd_nl_take_ready(struct phd_nl *nl)
{
	int r = nl->ready;

	nl->ready = 0;
	return r;
}

/* A new message of command @cmd. */
static struct nl_msg *new_msg(struct phd_nl *nl, uint8_t cmd)
{
	struct nl_msg *msg;

	/*
	 * Not nlmsg_alloc(): its default size, a page, does not hold an
	 * event-reply with a long certificate chain (a pha nest is up to
	 * 64 KiB).
	 */
	msg = nlmsg_alloc_size(PHD_NL_REQ_SIZE);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 cmd, KTLS_PH_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send @msg (command @name, freed here) and wait for its answer: the
 * replies go to @r->reply, the ACK or the error (with the kernel's
 * extended ACK message) ends the wait.
 */
static int request_msg(struct phd_nl *nl, struct nl_msg *msg,
		       const char *name, struct phd_req *r, char *err,
		       size_t errlen)
{
	int ret;

	ret = nl_send_auto(nl->sk, msg);
	r->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0)
		return fail(err, errlen, nlerr_to_errno(ret), "%s: send: %s",
			    name, nl_geterror(ret));
	nl->req = r;
	while (!r->done) {
		ret = nl_recvmsgs(nl->sk, nl->cb);
		if (ret < 0 && !r->done) {
			nl->req = NULL;
			if (ret == -NLE_AGAIN)
				return fail(err, errlen, -ETIMEDOUT,
					    "%s: no answer from the kernel in %d s",
					    name, PHD_NL_TIMEOUT_S);
			return fail(err, errlen, nlerr_to_errno(ret),
				    "%s: receive: %s", name,
				    nl_geterror(ret));
		}
	}
	nl->req = NULL;
	nl->raw = NULL;
	if (r->error)
		return fail(err, errlen, r->error, "%s: %s%s%s", name,
			    strerror(-r->error), r->msg[0] ? ": " : "",
			    r->msg);
	return 0;
}

static int family_gone(const char *name, char *err, size_t errlen)
{
	return fail(err, errlen, -ENODEV,
		    "%s: the generic netlink family \"%s\" is gone: the ktls_ph module was unloaded",
		    name, KTLS_PH_FAMILY_NAME);
}

/* Send command @cmd (no attributes) and wait for its answer. */
static int request(struct phd_nl *nl, uint8_t cmd, const char *name,
		   struct phd_req *r, char *err, size_t errlen)
{
	struct nl_msg *msg;

	if (nl->gone)
		return family_gone(name, err, errlen);
	msg = new_msg(nl, cmd);
	if (!msg)
		return fail(err, errlen, -ENOMEM, "%s: out of memory", name);
	return request_msg(nl, msg, name, r, err, errlen);
}

static uint64_t get_uint(const struct nlattr *a)
{
	uint64_t v64;
	uint32_t v32;

	if (a && nla_len(a) == sizeof(v64)) {
		memcpy(&v64, nla_data(a), sizeof(v64));
		return v64;
	}
	if (a && nla_len(a) == sizeof(v32)) {
		memcpy(&v32, nla_data(a), sizeof(v32));
		return v32;
	}
	return 0;
}

static void register_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KTLS_PH_A_HELPER_MAX + 1];
	struct phd_helper_info *info = arg;
	struct nlattr *a;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, KTLS_PH_A_HELPER_MAX,
			  NULL))
		return;
	a = tb[KTLS_PH_A_HELPER_QUEUE_LIMIT];
	if (a && nla_len(a) == 4)
		info->queue_limit = nla_get_u32(a);
	a = tb[KTLS_PH_A_HELPER_QUEUED];
	if (a && nla_len(a) == 4)
		info->queued = nla_get_u32(a);
	info->dropped = get_uint(tb[KTLS_PH_A_HELPER_DROPPED]);
}

int phd_nl_register(struct phd_nl *nl, struct phd_helper_info *info,
		    char *err, size_t errlen)
{
	struct phd_helper_info dummy;
	struct phd_req r = { 0 };

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	r.reply = register_reply;
	r.arg = info;
	return request(nl, KTLS_PH_CMD_HELPER_REGISTER, "helper-register", &r,
		       err, errlen);
}

int phd_nl_unregister(struct phd_nl *nl, char *err, size_t errlen)
{
	struct phd_req r = { 0 };

	return request(nl, KTLS_PH_CMD_HELPER_UNREGISTER, "helper-unregister",
		       &r, err, errlen);
}

int phd_nl_pop(struct phd_nl *nl, phd_event_cb cb, void *arg, char *err,
	       size_t errlen)
{
	struct phd_req r = { 0 };
	int ret;

	r.reply = cb;
	r.arg = arg;
	nl->late_cb = cb;
	nl->late_arg = arg;
	ret = request(nl, KTLS_PH_CMD_EVENT_POP, "event-pop", &r, err,
		      errlen);
	if (!ret && !r.replies)
		return fail(err, errlen, -EPROTO,
			    "event-pop: acknowledged without an event");
	return ret;
}

int phd_nl_receive(struct phd_nl *nl, char *err, size_t errlen)
{
	int ret;

	ret = nl_recvmsgs(nl->sk, nl->cb);
	nl->raw = NULL;
	if (ret < 0 && ret != -NLE_AGAIN) {
		fail(err, errlen, nlerr_to_errno(ret), "%s%s",
		     nl_geterror(ret),
		     ret == -NLE_NOMEM ?
		     " (ENOBUFS: the socket overflowed, notifications may be lost)" :
		     "");
		return 1;
	}
	return phd_nl_take_ready(nl);
}

int phd_nl_reply_msg(int family, const struct phd_reply *rp,
		     struct nl_msg **out, char *err, size_t errlen)
{
	size_t nest_len = phd_reply_nest_len(rp);
	struct nlattr *nest;
	struct nl_msg *msg;
	int e;

	*out = NULL;
	if (nest_len > PHD_REPLY_NEST_MAX)
		return fail(err, errlen, -EMSGSIZE,
			    "the pha nest would be %zu bytes, at most %d fit",
			    nest_len, PHD_REPLY_NEST_MAX);
	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 2 * 12 +
			       nest_len + 64);
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 KTLS_PH_CMD_EVENT_REPLY,
				 KTLS_PH_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	/* NLA_UINT: 8 bytes are always accepted */
	e = nla_put_u64(msg, KTLS_PH_A_EVENT_ID, rp->id);
	if (!e)
		e = nla_put_u64(msg, KTLS_PH_A_EVENT_COOKIE, rp->cookie);
	nest = e ? NULL : nla_nest_start(msg, KTLS_PH_A_EVENT_PHA);
	if (!nest)
		goto fail;
	if (rp->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT) {
		e = nla_put_u32(msg, KTLS_PH_A_PHA_VERDICT, rp->verdict);
		if (!e)
			e = nla_put_u8(msg, KTLS_PH_A_PHA_ALERT, rp->alert);
	} else if (rp->decline || !rp->certificate ||
		   !rp->certificate_verify) {
		/* nothing to send: declining is the only answer */
		e = nla_put_flag(msg, KTLS_PH_A_PHA_DECLINE);
	} else {
		e = nla_put(msg, KTLS_PH_A_PHA_CERTIFICATE,
			    (int)rp->certificate_len, rp->certificate);
		if (!e)
			e = nla_put(msg, KTLS_PH_A_PHA_CERTIFICATE_VERIFY,
				    (int)rp->certificate_verify_len,
				    rp->certificate_verify);
	}
	if (e || nla_nest_end(msg, nest) < 0)
		goto fail;
	*out = msg;
	return 0;
fail:
	nlmsg_free(msg);
	return fail(err, errlen, -EMSGSIZE, "building the message failed");
}

int phd_nl_reply(struct phd_nl *nl, const struct phd_reply *rp, char *err,
		 size_t errlen)
{
	struct phd_req r = { 0 };
	struct nl_msg *msg;
	char name[64], e[256];
	int ret;

	snprintf(name, sizeof(name), "event-reply (%s)",
		 rp->type == KTLS_PH_EVENT_TYPE_CLIENT_CERT ? "verdict" :
		 rp->decline ? "decline" : "certificate");
	if (nl->gone)
		return family_gone(name, err, errlen);
	ret = phd_nl_reply_msg(nl->family, rp, &msg, e, sizeof(e));
	if (ret)
		return fail(err, errlen, ret, "%s: %s", name, e);
	return request_msg(nl, msg, name, &r, err, errlen);
}
