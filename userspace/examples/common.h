/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ktls_ph example programs.
 */
#ifndef KTLSPH_EXAMPLES_COMMON_H
#define KTLSPH_EXAMPLES_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktlsph.h"

/* printf() helper: print a uint64_t with %llu and ULL(x) */
#define ULL(x)	((unsigned long long)(x))

/* Chunk size of the example I/O loops: one full TLS record. */
#define IO_CHUNK	16384

/*
 * The deterministic test pattern both examples use: byte i of a stream is
 * (i * 131 + i / 251) & 0xff.
 */
static inline uint8_t pattern_byte(uint64_t i)
{
	return (uint8_t)((i * 131 + i / 251) & 0xff);
}

/* Fill buf with the pattern bytes [off, off + len). */
void pattern_fill(uint8_t *buf, uint64_t off, size_t len);

/*
 * Check buf against the pattern bytes [off, off + len). Returns the index in
 * buf of the first mismatch, or len if all match.
 */
size_t pattern_check(const uint8_t *buf, uint64_t off, size_t len);

/*
 * Parse a byte count: decimal digits with an optional k, M or G suffix
 * (powers of 1024). Returns 0, or -1 if @s is not one.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * Write all of buf to socket fd (blocking or not: waits with poll() on
 * EAGAIN). Returns 0 or -errno.
 */
int send_all(int fd, const void *buf, size_t len);

/* Send close_notify and shut the write side down; errors are ignored. */
void close_notify(int fd);

/* Name of a cipher suite value, or "unknown". */
const char *suite_name(uint16_t id);

/* Is @s an IPv4 or IPv6 address literal (no SNI, verify as an address)? */
int host_is_ip(const char *s);

/*
 * A TCP socket connected to @host @port (the first address of getaddrinfo()
 * that answers), or -1 after a message prefixed with @prog on stderr.
 */
int tcp_connect_to(const char *prog, const char *host, const char *port);

#endif
