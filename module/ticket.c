// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph: NewSessionTickets (RFC 8446 4.6.1) received on attached sockets.
 * A client socket checks each ticket, derives its PSK from the resumption
 * master secret given at attach, and queues both, with what names the
 * connection, for the namespace's helper daemon (helper.c), which stores
 * tickets for resumption. The connection goes on whatever becomes of the
 * event; only a malformed ticket, or one sent to a server, ends it.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <net/sock.h>
#include <uapi/linux/ktls_ph.h>

#include "helper.h"
#include "hsmsg.h"
#include "nst.h"
#include "sock.h"
#include "ticket.h"

/* End the connection over a ticket ktls_ph_nst_parse() refused. */
static int ktls_ph_ticket_bad(struct ktls_ph_sock *ph, int alert)
{
	int err;

	switch (alert) {
	case KTLS_PH_ALERT_DECODE_ERROR:
		err = -EBADMSG;
		break;
	case KTLS_PH_ALERT_ILLEGAL_PARAMETER:
		err = -EPROTO;	/* as for a bad KeyUpdate value */
		break;
	default:
		alert = KTLS_PH_ALERT_INTERNAL_ERROR;
		err = -EIO;
		break;
	}
	ktls_ph_fatal(ph, alert, err);
	return err;
}

/* Queue @nst and its PSK for the helper; any failure only drops the event. */
static void ktls_ph_ticket_forward(struct ktls_ph_sock *ph,
				   const struct ktls_ph_nst *nst)
{
	const struct ktls_ph_suite *suite = ph->rx_ks.suite;
	struct net *net = sock_net(ph->sk);
	struct ktls_ph_event_ticket *t;
	struct ktls_ph_event *ev;
	u64 now_ms = div_u64(ktime_get_real_ns(), NSEC_PER_MSEC);

	if (!ktls_ph_helper_present(net)) {
		/* nobody to take it: do not even derive the PSK */
		ktls_ph_net_inc(net, KTLS_PH_NS_EVENTS_DROPPED_NO_HELPER);
		return;
	}
	ev = ktls_ph_event_new(ph, KTLS_PH_EVENT_TYPE_TICKET,
			       (size_t)nst->ticket_len + nst->ext_len);
	if (!ev) {
		ktls_ph_net_inc(net, KTLS_PH_NS_EVENTS_DROPPED_ERROR);
		return;
	}
	t = &ev->ticket;
	t->lifetime = nst->lifetime;
	t->age_add = nst->age_add;
	t->has_early_data = nst->has_early_data;
	t->max_early_data = nst->max_early_data;
	t->nonce_len = nst->nonce_len;
	memcpy(t->nonce, nst->nonce, nst->nonce_len);
	t->ticket = ev->data;
	t->ticket_len = nst->ticket_len;
	memcpy(ev->data, nst->ticket, nst->ticket_len);
	t->ext = ev->data + nst->ticket_len;
	t->ext_len = nst->ext_len;
	memcpy(ev->data + nst->ticket_len, nst->ext, nst->ext_len);
	t->received_ms = now_ms;
	/* rx_ks is this socket's receive-side context, serialised by rx_lock */
	t->psk_len = suite->hash_len;
	if (ktls_ph_ks_ticket_psk(&ph->rx_ks, ph->res_secret, suite->hash_len,
				  nst->nonce, nst->nonce_len, t->psk,
				  t->psk_len)) {
		ktls_ph_event_free(ev);	/* wipes whatever was derived */
		ktls_ph_net_inc(net, KTLS_PH_NS_EVENTS_DROPPED_ERROR);
		return;
	}
	if (!ktls_ph_event_queue(net, ev))
		ktls_ph_net_inc(net, KTLS_PH_NS_TICKETS_FORWARDED);
}

/**
 * ktls_ph_ticket_rx() - act on a NewSessionTicket
 * @ph: the socket, rx_lock held
 * @m: the message
 *
 * On a server socket a ticket is an unexpected_message; a ticket that does
 * not parse gets decode_error or illegal_parameter. A valid ticket is
 * counted and, when the socket has a resumption secret, queued with its
 * PSK for the namespace's helper; it never reaches the application.
 *
 * Return: 0, or a negative errno after a fatal alert was sent.
 */
int ktls_ph_ticket_rx(struct ktls_ph_sock *ph, const struct ktls_ph_hs_msg *m)
{
	struct ktls_ph_nst nst;
	int alert;

	lockdep_assert_held(&ph->rx_lock);
	if (ph->role != KTLS_PH_ROLE_CLIENT) {
		/* only servers send tickets */
		ktls_ph_fatal(ph, KTLS_PH_ALERT_UNEXPECTED_MESSAGE, -EPROTO);
		return -EPROTO;
	}
	alert = ktls_ph_nst_parse(m, &nst);
	if (alert)
		return ktls_ph_ticket_bad(ph, alert);
	ktls_ph_sock_count(ph, KTLS_PH_SS_TICKETS, KTLS_PH_NS_TICKETS);
	if (!ph->has_res_secret) {
		ktls_ph_net_inc(sock_net(ph->sk), KTLS_PH_NS_TICKETS_NO_SECRET);
		return 0;
	}
	ktls_ph_ticket_forward(ph, &nst);
	return 0;
}
