/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls-phd's generic netlink socket (libnl-genl-3).
 *
 * One socket does everything: the kernel announces events (event-ready)
 * to the port that sent helper-register and lets only that port pop and
 * answer, so register, event-pop, event-reply, unregister and the
 * notifications share it. Replies
 * are matched to requests by sequence number; event-ready notifications
 * (sequence 0) may arrive while a reply is awaited and are only noted.
 * The socket also listens to the generic netlink controller's
 * notifications, to notice when the family goes away (module unloaded).
 */
#ifndef PHD_NETLINK_H
#define PHD_NETLINK_H

#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;
struct nl_msg;
struct phd_nl;
struct phd_reply;

/* The helper-register reply. */
struct phd_helper_info {
	uint32_t queue_limit;
	uint32_t queued;
	uint64_t dropped;
};

/* Called with each event-pop reply; returns nothing the socket needs. */
typedef void (*phd_event_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Connect, enable extended ACKs, resolve the "ktls-ph" family. Returns the
 * socket or NULL with the reason in @err (e.g. the module is not loaded).
 */
struct phd_nl *phd_nl_open(char *err, size_t errlen);
void phd_nl_close(struct phd_nl *nl);

/* The socket's file descriptor, to poll for event-ready notifications. */
int phd_nl_fd(const struct phd_nl *nl);

/*
 * helper-register / helper-unregister. Returns 0 or -errno with the reason
 * in @err: strerror and the kernel's extended ACK message, e.g. "Device or
 * resource busy: a helper is already registered ...".
 */
int phd_nl_register(struct phd_nl *nl, struct phd_helper_info *info,
		    char *err, size_t errlen);
int phd_nl_unregister(struct phd_nl *nl, char *err, size_t errlen);

/*
 * event-pop: take one event; @cb is called with the reply, whose payload
 * (holding the PSK) is wiped afterwards. Returns 0 (one event handled),
 * -ENOENT (the queue is empty) or another -errno with the reason in @err.
 */
int phd_nl_pop(struct phd_nl *nl, phd_event_cb cb, void *arg, char *err,
	       size_t errlen);

/*
 * event-reply: answer the event @r->id of socket @r->cookie (a
 * cert-request: decline, or Certificate + CertificateVerify; a
 * client-cert: verdict and alert). Returns 0 (the kernel took it), or
 * -errno with the reason in @err: -ENOENT when the event is no longer
 * awaited (timed out, socket closed), -EINVAL when the kernel refused the
 * answer, with its extended ACK message (a cert-request is then declined
 * by the kernel).
 */
int phd_nl_reply(struct phd_nl *nl, const struct phd_reply *r, char *err,
		 size_t errlen);

/*
 * The event-reply message phd_nl_reply() sends, for generic netlink family
 * @family, in *@out (nlmsg_free() it). Attributes: id and cookie (8
 * bytes each), the pha nest with decline (also when a cert-request reply
 * has no certificate), certificate and certificate-verify, or verdict
 * (u32) and alert (u8). Returns 0, -EMSGSIZE (the nest would exceed
 * PHD_REPLY_NEST_MAX) or -ENOMEM, with the reason in @err. For the tests.
 */
int phd_nl_reply_msg(int family, const struct phd_reply *r,
		     struct nl_msg **out, char *err, size_t errlen);

/*
 * Read what is waiting on the socket (call when it is readable). Returns 1
 * when events need popping: an event-ready arrived, or the receive failed
 * (ENOBUFS: notifications were lost), with the reason in @err; 0 when
 * nothing needs doing.
 */
int phd_nl_receive(struct phd_nl *nl, char *err, size_t errlen);

/*
 * Whether the "ktls-ph" family went away (the module was unloaded): the
 * registration went with it, nothing more will come on this socket.
 */
int phd_nl_gone(const struct phd_nl *nl);

/*
 * Whether an event-ready arrived while a request waited for its reply
 * (cleared by the call): then pop again after the queue looked empty.
 */
int phd_nl_take_ready(struct phd_nl *nl);

#endif /* PHD_NETLINK_H */
