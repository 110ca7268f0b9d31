/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph internals of the resumption master secret capture: the OpenSSL
 * provider in ktlsph_rms.c and the keylog callback in ktlsph_ossl.c that
 * takes what it recorded. Not installed, not for applications.
 */
#ifndef KTLSPH_TICKET_INT_H
#define KTLSPH_TICKET_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Called with the CLIENT_TRAFFIC_SECRET_0 OpenSSL just logged (@c_ap,
 * @len bytes) on the thread that ran the handshake step: if this thread's
 * TLS13-KDF of the ktlsph provider derived, from one master secret, both
 * the resumption master secret ("res master") and this very client
 * application traffic secret ("c ap traffic"), copy the former to @rms
 * (@len bytes) and return 0; otherwise -ENOENT. The thread's record is
 * wiped either way.
 */
int ktlsph_rms_take(const uint8_t *c_ap, size_t len, uint8_t *rms);

#endif /* KTLSPH_TICKET_INT_H */
