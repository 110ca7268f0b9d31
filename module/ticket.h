/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph: NewSessionTickets received on attached sockets.
 */
#ifndef _KTLS_PH_TICKET_H
#define _KTLS_PH_TICKET_H

struct ktls_ph_sock;
struct ktls_ph_hs_msg;

int ktls_ph_ticket_rx(struct ktls_ph_sock *ph, const struct ktls_ph_hs_msg *m);

#endif /* _KTLS_PH_TICKET_H */
