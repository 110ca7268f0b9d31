/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libktlsph internals: the little the OpenSSL glue (ktlsph_ossl.c) reads of
 * the ClientHello and ServerHello it sees in its message callback. Not
 * installed, not for applications (not part of ktlsph.h). Tested by
 * tests/test_ktlsph.c, fuzzed by fuzz/fuzz_hello.c.
 *
 * Both parsers take a whole handshake message, @msg of @len bytes with its
 * 4-byte header (type, 24-bit length), whose framing the caller checked;
 * they look at the body only, never read outside @msg .. @msg + @len, and
 * check no more than they need: the rest of the message is OpenSSL's.
 */
#ifndef KTLSPH_HELLO_H
#define KTLSPH_HELLO_H

#include <stddef.h>
#include <stdint.h>

/* The post_handshake_auth extension (RFC 8446 4.2.6) */
#define KTLSPH_HELLO_EXT_PHA	49

/*
 * Does the ClientHello @msg (@len bytes with its header) carry the
 * post_handshake_auth extension? 1, 0, or -1 if it does not parse.
 */
int ktlsph_hello_has_pha(const uint8_t *msg, size_t len);

/*
 * If the ServerHello @msg is a HelloRetryRequest (RFC 8446 4.1.3: its
 * random is SHA-256("HelloRetryRequest")), its cipher suite in *@suite:
 * 1; 0 for a ServerHello; -1 if it does not parse. *@suite is written only
 * when 1 is returned.
 */
int ktlsph_hello_is_hrr(const uint8_t *msg, size_t len, uint16_t *suite);

#endif /* KTLSPH_HELLO_H */
