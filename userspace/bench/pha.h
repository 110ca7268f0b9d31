/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls-ph-bench: what bench/pha.c (post-handshake authentication) shares
 * with bench/ktls-ph-bench.c.
 */
#ifndef KTLS_PH_BENCH_PHA_H
#define KTLS_PH_BENCH_PHA_H

#include <stddef.h>
#include <stdint.h>

#include "ktlsph.h"

/* A loopback TCP connection: client end c, server end s. */
struct conn {
	int c, s;
};

/* ktls-ph-bench.c */
extern const struct ktlsph_suite *suite;
extern uint8_t secret_c[KTLSPH_MAX_SECRET];
extern uint8_t secret_s[KTLSPH_MAX_SECRET];

/* Print the error (and strerror(@err) if not 0), "bench: FAILED", exit 1. */
void die(int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* The benchmark's clock (the TSC on x86), in ns. */
uint64_t now_ns(void);
/* With --marks: a "mark:" line for the host's CPU sampler, 100 ms idle. */
void host_mark(int end, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Median of @n (at most 64) values. */
double median(const double *v, unsigned int n);
/* A loopback TCP connection (TCP_NODELAY on both ends), no kTLS. */
void tcp_open(struct conn *k, int bufsz);
/* The same with kTLS on both ends from the made-up secrets. */
void conn_open(struct conn *k, int bufsz);
void conn_close(struct conn *k);
void ph_attach_pha(struct conn *k, int server, uint64_t rekey_bytes,
		   const uint8_t *t, size_t tlen);
void get_stats(int fd, struct ktlsph_stats *st);

/* pha.c */

/* where the PKI is and how much to measure */
struct pha_opts {
	const char *pki;	/* client-chain.pem, client.key, root.pem */
	unsigned int rounds;	/* each mode once per round */
	unsigned int iters;	/* authentications per mode and round */
	size_t transcript;	/* bytes of the made-up transcript */
	int helper_pid;		/* ktls-phd's, for its CPU time (0: unknown) */
};

/* the medians pha_test() found, in us (NAN: not measured) */
struct pha_res {
	double ph_us, wait_us, ossl_us;
	double crypto_us;	/* the public-key work alone */
};

/*
 * A structurally valid main-handshake transcript of exactly @len bytes
 * (ClientHello ... client Finished, whole messages): malloc'd.
 */
uint8_t *pha_transcript(size_t len);

/*
 * The latency of one server-initiated post-handshake authentication:
 * ktls_ph on both ends with ktls-phd (waiting for the verdict on the
 * pha-done multicast, and with ktlsph_pha_wait()) vs OpenSSL in userspace.
 */
void pha_test(const struct pha_opts *o, struct pha_res *r);

#endif /* KTLS_PH_BENCH_PHA_H */
