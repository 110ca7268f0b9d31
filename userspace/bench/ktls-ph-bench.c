// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-bench: ktls_ph benchmarks over loopback TCP, in one process.
 *
 *   tput   bulk throughput, both directions at once (two writer/reader
 *          thread pairs on one connection): plain kTLS, kTLS with ktls_ph
 *          attached on both ends, and attached with an automatic KeyUpdate
 *          every --rekey-bytes bytes sent by each end
 *   rekey  the receiver's cost of one KeyUpdate: ktls_ph in the kernel vs
 *          the 6.14 way in userspace (recvmsg with a cmsg, HKDF in
 *          userspace, setsockopt TLS_RX)
 *   pha    the latency of one post-handshake client authentication:
 *          ktls_ph on both ends with ktls-phd vs OpenSSL in userspace
 *          (bench/pha.c)
 *   mem    kernel memory ktls_ph adds per attached socket (/proc/meminfo),
 *          plain and with pha-offered and a handshake transcript
 *
 * No handshake: both ends get made-up traffic secrets (client tx = server
 * rx and the other way round). Timings are printed, never judged; the data
 * (compared byte for byte) and the ktls_ph counters are checked, and a
 * mismatch ends the program with exit status 1. tests/bench/run.sh runs it
 * in the VM; Documentation/testing.md explains the figures.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/tls.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#if __has_include("x86intrin.h")
#include <x86intrin.h>
#define HAVE_RDTSC
#endif

#include "ktlsph.h"
#include "tls13kdf.h"
#include "pha.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

#define PAT_PERIOD	65521	/* prime: a misplaced chunk does not match */
#define IO_MAX		65536	/* largest read or write */
#define MIB		(1024.0 * 1024.0)

enum tput_mode { T_PLAIN, T_ATTACHED, T_REKEY, T_NUM };
static const char * const tput_name[T_NUM] = {
	"plain", "attached", "attached+rekey",
};

/* rekey runs: receiver kind x with or without KeyUpdates */
enum rekey_run { R_PH_BASE, R_PH_KU, R_US_BASE, R_US_KU, R_USL_KU, R_NUM };
static const char * const rekey_name[R_NUM] = {
	"ktls_ph, data only", "ktls_ph, KeyUpdates",
	"userspace, data only", "userspace, KeyUpdates",
	"lean userspace, KeyUpdates",
};

/* the same in mark: lines */
static const char * const rekey_key[R_NUM] = {
	"ph-base", "ph-ku", "us-base", "us-ku", "lean-ku",
};

static struct {
	const char *suite;
	int tput, rekey, pha, mem;
	unsigned int mib;	/* per direction and tput run */
	unsigned int write;	/* tput write size */
	unsigned int dirs;	/* 1: client to server only; 2: both */
	unsigned int rounds;
	unsigned int tput_modes;	/* bit (1 << enum tput_mode) */
	uint64_t rekey_bytes;
	unsigned int updates;	/* KeyUpdates per rekey run */
	unsigned int rekey_rounds;
	unsigned int sockets;	/* connections of the mem test */
	struct pha_opts pha_o;	/* the pha test; its transcript also mem's */
	int marks;		/* print mark: lines for run.sh */
} opt = {
	.suite = "TLS_AES_128_GCM_SHA256",
	.tput = 1, .rekey = 1, .pha = 1, .mem = 1,
	.mib = 16, .write = 16384, .dirs = 2, .rounds = 15,
	.tput_modes = 7,
	.rekey_bytes = 65536,
	.updates = 2000, .rekey_rounds = 7,
	.sockets = 200,
	.pha_o = { .rounds = 7, .iters = 10, .transcript = 4096 },
};

/* the summary line's figures (NAN: not measured) */
static struct {
	double tput[T_NUM];
	double ratio[3];	/* per-round medians, as tput_test() */
	double ph_us, user_us, lean_us, mem_bytes, mem_pha_bytes;
	struct pha_res pha;
} res = {
	.tput = { NAN, NAN, NAN }, .ratio = { NAN, NAN, NAN },
	.ph_us = NAN, .user_us = NAN,
	.lean_us = NAN, .mem_bytes = NAN, .mem_pha_bytes = NAN,
	.pha = { NAN, NAN, NAN, NAN },
};

const struct ktlsph_suite *suite;
uint8_t secret_c[KTLSPH_MAX_SECRET];	/* client's traffic secret */
uint8_t secret_s[KTLSPH_MAX_SECRET];	/* server's */
static int lfd;
static struct sockaddr_in laddr;
static uint8_t pat[PAT_PERIOD + IO_MAX];

/* Print the error (and strerror(@err) if not 0) and exit 1. */
void die(int err, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "ktls-ph-bench: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fprintf(stderr, "\n");
	printf("bench: FAILED\n");
	exit(1);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Timing. The test kernel's clocksource under TCG is sometimes
 * refined-jiffies (4 ms steps: the TSC could not be calibrated at boot), so
 * on x86 the benchmark reads the TSC itself (QEMU TCG passes the host's
 * through) and calibrates it against CLOCK_MONOTONIC once.
 */
#ifdef HAVE_RDTSC
#define TICKS_NAME	"the TSC"
static uint64_t ticks(void)
{
	return __rdtsc();
}
#else
#define TICKS_NAME	"CLOCK_MONOTONIC"
static uint64_t ticks(void)
{
	return mono_ns();
}
#endif

static double ns_per_tick = 1.0;

/* CLOCK_MONOTONIC right after it next changes */
static uint64_t mono_edge(void)
{
	uint64_t m = mono_ns(), n;

	while ((n = mono_ns()) == m)
		;
	return n;
}

/* Ticks per ns against CLOCK_MONOTONIC, over one second. */
static double calibrate(void)
{
	uint64_t m0, m1, t0, t1;

	m0 = mono_edge();
	t0 = ticks();
	while (mono_ns() - m0 < 1000000000ull)
		;
	m1 = mono_edge();
	t1 = ticks();
	return (double)(t1 - t0) / (m1 - m0);
}

/*
 * @hz non-zero: the TSC rate measured on the host (QEMU TCG's TSC is the
 * host's), used instead of the calibration against the guest's clock,
 * which can lag under TCG.
 */
static void clock_init(unsigned long long hz)
{
	char cs[64] = "?";
	double ghz;
	FILE *f;

	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f) {
		if (fscanf(f, "%63s", cs) != 1)
			snprintf(cs, sizeof(cs), "?");
		fclose(f);
	}
	ghz = calibrate();
	fprintf(stdout,
		"bench: clock: kernel clocksource %s; timing with %s, %.4f GHz against CLOCK_MONOTONIC",
		cs, TICKS_NAME, ghz);
	if (hz) {
		printf(", using the host's %.4f GHz", hz / 1e9);
		ghz = hz / 1e9;
	}
	printf("\n");
	ns_per_tick = 1 / ghz;
}

uint64_t now_ns(void)
{
	return ticks() * ns_per_tick;
}

/*
 * With --marks: "mark: start|end SUITE WHAT..." for tests/bench/run.sh,
 * which samples the QEMU process's CPU time when it sees the line, then
 * 100 ms of idle guest so that a sample taken a little late still falls
 * between the measured parts. An idle guest costs QEMU about 5% of a CPU:
 * each measured interval includes about 5 ms of it, which cancels out in
 * ratios and differences.
 */
void host_mark(int end, const char *fmt, ...)
{
	va_list ap;

	if (!opt.marks)
		return;
	printf("mark: %s %s ", end ? "end" : "start", suite->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	usleep(100000);
}

/* The guest's CPU time so far (/proc/stat, USER_HZ ticks). */
struct cpustat {
	long long idle, total;
};

static void cpustat_read(struct cpustat *c)
{
	long long v[8] = {};
	FILE *f = fopen("/proc/stat", "r");
	int i;

	memset(c, 0, sizeof(*c));
	if (!f)
		return;
	if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		c->idle = v[3] + v[4];
		for (i = 0; i < 8; i++)
			c->total += v[i];
	}
	fclose(f);
}

/* Idle share of the guest between @a and @b, in percent. */
static double idle_pct(const struct cpustat *a, const struct cpustat *b)
{
	long long t = b->total - a->total;

	return t > 0 ? 100.0 * (b->idle - a->idle) / t : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(const double *v, unsigned int n)
{
	double s[64];

	if (n > 64)
		n = 64;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void pat_init(void)
{
	uint32_t x = 2463534242u;
	unsigned int i;

	for (i = 0; i < PAT_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		pat[i] = x >> 24;
	}
	for (; i < sizeof(pat); i++)
		pat[i] = pat[i - PAT_PERIOD];
}

static void listen_init(void)
{
	socklen_t len = sizeof(laddr);
	int one = 1;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die(errno, "socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&laddr, 0, sizeof(laddr));
	laddr.sin_family = AF_INET;
	laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&laddr, sizeof(laddr)) ||
	    listen(lfd, 1024) ||
	    getsockname(lfd, (struct sockaddr *)&laddr, &len))
		die(errno, "listen on 127.0.0.1");
}

static void set_buf(int fd, int opt_force, int opt_plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, opt_plain, &size, sizeof(size));
}

/*
 * Connect, with TCP_NODELAY on both ends and kTLS configured from the
 * made-up secrets. @bufsz non-zero: fixed socket buffers (the rekey test
 * queues a whole batch of records before reading).
 */
void conn_open(struct conn *k, int bufsz)
{
	char err[256];
	int ret;

	tcp_open(k, bufsz);
	ret = ktlsph_ktls_setup(k->c, suite->id, secret_c, secret_s,
				suite->hash_len, 0, 0, err, sizeof(err));
	if (!ret)
		ret = ktlsph_ktls_setup(k->s, suite->id, secret_s, secret_c,
					suite->hash_len, 0, 0, err,
					sizeof(err));
	if (ret)
		die(0, "kTLS setup: %s", err);
}

/* The loopback connection of conn_open() without kTLS. */
void tcp_open(struct conn *k, int bufsz)
{
	int one = 1;

	k->c = socket(AF_INET, SOCK_STREAM, 0);
	if (k->c < 0)
		die(errno, "socket");
	if (connect(k->c, (struct sockaddr *)&laddr, sizeof(laddr)))
		die(errno, "connect");
	k->s = accept(lfd, NULL, NULL);
	if (k->s < 0)
		die(errno, "accept");
	setsockopt(k->c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(k->s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bufsz) {
		set_buf(k->c, SO_SNDBUFFORCE, SO_SNDBUF, bufsz);
		set_buf(k->s, SO_RCVBUFFORCE, SO_RCVBUF, bufsz);
	}
}

void conn_close(struct conn *k)
{
	close(k->c);
	close(k->s);
}

/*
 * Attach ktls_ph to one end (@server: the server end); @tlen non-zero:
 * with pha-offered and the transcript @t of @tlen bytes.
 */
void ph_attach_pha(struct conn *k, int server, uint64_t rekey_bytes,
		   const uint8_t *t, size_t tlen)
{
	struct ktlsph_attach_args a = {
		.role = server ? KTLSPH_ROLE_SERVER : KTLSPH_ROLE_CLIENT,
		.suite = suite->id,
		.tx_secret = server ? secret_s : secret_c,
		.rx_secret = server ? secret_c : secret_s,
		.secret_len = suite->hash_len,
		.rekey_bytes = rekey_bytes,
		.pha_offered = !!tlen,
		.transcript = tlen ? t : NULL,
		.transcript_len = tlen,
	};
	char err[256];

	if (ktlsph_attach(server ? k->s : k->c, &a, NULL, err, sizeof(err)))
		die(0, "ktls_ph attach failed: %s", err);
}

static void ph_attach(struct conn *k, int server, uint64_t rekey_bytes)
{
	ph_attach_pha(k, server, rekey_bytes, NULL, 0);
}

void get_stats(int fd, struct ktlsph_stats *st)
{
	char err[256];

	if (ktlsph_get(fd, st, err, sizeof(err)))
		die(0, "ktlsph_get: %s", err);
}

/* Nothing more must be readable: the stream ended where expected. */
static void check_drained(int fd, const char *what)
{
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);

	if (n >= 0 || errno != EAGAIN)
		die(0, "%s: unexpected data or error after the stream: %zd (%s)",
		    what, n, n < 0 ? strerror(errno) : "data");
}

/*
 * Throughput.
 */

struct flow {
	int wfd, rfd;
	size_t bytes;
	size_t phase;		/* where in the pattern the stream starts */
	uint64_t rekey_bytes;	/* the writer's automatic KeyUpdate limit */
	uint64_t expect_rekeys;	/* KeyUpdates its ktls_ph must have sent */
	uint64_t writes;
	pthread_barrier_t *go;
	char err[160];
};

static void flow_fail(struct flow *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void flow_fail(struct flow *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	/* wake the other threads of the connection */
	shutdown(f->wfd, SHUT_RDWR);
	shutdown(f->rfd, SHUT_RDWR);
}

static void *writer(void *arg)
{
	struct flow *f = arg;
	uint64_t acc = 0;
	size_t off = 0, len;
	ssize_t n;

	pthread_barrier_wait(f->go);
	while (off < f->bytes) {
		len = f->bytes - off < opt.write ? f->bytes - off : opt.write;
		/* ktls_ph's rule: a KeyUpdate before the write once due */
		if (f->rekey_bytes && acc >= f->rekey_bytes) {
			f->expect_rekeys++;
			acc = 0;
		}
		n = write(f->wfd, pat + (f->phase + off) % PAT_PERIOD, len);
		if (n <= 0) {
			flow_fail(f, "write at offset %zu: %s", off,
				  n ? strerror(errno) : "returned 0");
			break;
		}
		f->writes++;
		acc += n;
		off += n;
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct flow *f = arg;
	size_t off = 0, len, i;
	const uint8_t *want;
	uint8_t *buf;
	ssize_t n;

	buf = malloc(IO_MAX);
	if (!buf) {
		flow_fail(f, "out of memory");
		return NULL;
	}
	pthread_barrier_wait(f->go);
	while (off < f->bytes) {
		len = f->bytes - off < IO_MAX ? f->bytes - off : IO_MAX;
		n = read(f->rfd, buf, len);
		if (n <= 0) {
			flow_fail(f, "read at offset %zu of %zu: %s", off,
				  f->bytes, n ? strerror(errno) : "EOF");
			break;
		}
		want = pat + (f->phase + off) % PAT_PERIOD;
		if (memcmp(buf, want, n)) {
			for (i = 0; buf[i] == want[i]; i++)
				;
			flow_fail(f, "data mismatch at offset %zu: got 0x%02x, expected 0x%02x",
				  off + i, buf[i], want[i]);
			break;
		}
		off += n;
	}
	free(buf);
	return NULL;
}

/* Both ends' counters, for a failure report. */
static void print_stats(struct conn *k)
{
	struct ktlsph_stats st;
	char line[512];
	int i;

	for (i = 0; i < 2; i++) {
		if (ktlsph_get(i ? k->s : k->c, &st, NULL, 0))
			continue;
		ktlsph_stats_format(&st, line, sizeof(line));
		printf("bench: %s: %s\n", i ? "server" : "client", line);
	}
}

/* Check both ends' counters against what the writers expect. */
static void tput_check(struct conn *k, struct flow *f, int mode, char *line,
		       size_t len)
{
	struct ktlsph_stats c, s;
	uint64_t c2s = f[0].expect_rekeys;
	uint64_t s2c = opt.dirs == 2 ? f[1].expect_rekeys : 0;

	get_stats(k->c, &c);
	get_stats(k->s, &s);
	if (c.tx_rekeys != c2s || c.auto_rekeys != c2s ||
	    s.rx_rekeys != c2s || s.hs_records != c2s ||
	    s.tx_rekeys != s2c || s.auto_rekeys != s2c ||
	    c.rx_rekeys != s2c || c.hs_records != s2c ||
	    c.update_requested || s.update_requested)
		die(0,
		    "%s: counters wrong: expected client tx_rekeys=auto_rekeys=server rx_rekeys=hs_records=%llu and server tx_rekeys=auto_rekeys=client rx_rekeys=hs_records=%llu; client: tx_rekeys=%llu auto_rekeys=%llu rx_rekeys=%llu hs_records=%llu update_requested=%llu; server: tx_rekeys=%llu auto_rekeys=%llu rx_rekeys=%llu hs_records=%llu update_requested=%llu",
		    tput_name[mode], (unsigned long long)c2s,
		    (unsigned long long)s2c,
		    (unsigned long long)c.tx_rekeys,
		    (unsigned long long)c.auto_rekeys,
		    (unsigned long long)c.rx_rekeys,
		    (unsigned long long)c.hs_records,
		    (unsigned long long)c.update_requested,
		    (unsigned long long)s.tx_rekeys,
		    (unsigned long long)s.auto_rekeys,
		    (unsigned long long)s.rx_rekeys,
		    (unsigned long long)s.hs_records,
		    (unsigned long long)s.update_requested);
	snprintf(line, len,
		 ", KeyUpdates client->server %llu, server->client %llu (counters ok)",
		 (unsigned long long)c2s, (unsigned long long)s2c);
}

/* One throughput run; returns MiB/s (all directions together). */
static double tput_run(int mode, size_t bytes, int round)
{
	struct cpustat ca, cb;
	pthread_t th[4];
	pthread_barrier_t go;
	struct flow f[2];
	struct conn k;
	char extra[160] = "";
	unsigned int i, n = opt.dirs;
	uint64_t t0, t1;
	double secs, rate;

	conn_open(&k, 0);
	if (mode != T_PLAIN) {
		uint64_t rb = mode == T_REKEY ? opt.rekey_bytes : 0;

		ph_attach(&k, 0, rb);
		ph_attach(&k, 1, rb);
	}
	memset(f, 0, sizeof(f));
	pthread_barrier_init(&go, NULL, 2 * n + 1);
	for (i = 0; i < n; i++) {
		f[i].wfd = i ? k.s : k.c;
		f[i].rfd = i ? k.c : k.s;
		f[i].bytes = bytes;
		f[i].phase = i * 7919;
		f[i].rekey_bytes = mode == T_REKEY ? opt.rekey_bytes : 0;
		f[i].go = &go;
		if (pthread_create(&th[2 * i], NULL, writer, &f[i]) ||
		    pthread_create(&th[2 * i + 1], NULL, reader, &f[i]))
			die(0, "pthread_create failed");
	}
	if (round >= 0)
		host_mark(0, "tput %d %s %zu", round + 1, tput_name[mode], n * bytes);
	cpustat_read(&ca);
	pthread_barrier_wait(&go);
	t0 = now_ns();
	for (i = 0; i < 2 * n; i++)
		pthread_join(th[i], NULL);
	t1 = now_ns();
	cpustat_read(&cb);
	if (round >= 0)
		host_mark(1, "tput %d %s %zu", round + 1, tput_name[mode], n * bytes);
	pthread_barrier_destroy(&go);
	for (i = 0; i < n; i++) {
		if (!f[i].err[0])
			continue;
		if (mode != T_PLAIN)
			print_stats(&k);
		die(0, "%s, %s: %s", tput_name[mode],
		    i ? "server->client" : "client->server", f[i].err);
	}
	check_drained(k.s, "server");
	check_drained(k.c, "client");
	if (mode != T_PLAIN)
		tput_check(&k, f, mode, extra, sizeof(extra));
	conn_close(&k);
	secs = (t1 - t0) / 1e9;
	rate = n * bytes / MIB / secs;
	if (round >= 0)
		printf("  %-15s %4.0f MiB in %6.2f s: %7.2f MiB/s, guest idle %.0f%%%s\n",
		       tput_name[mode], n * bytes / MIB, secs, rate,
		       idle_pct(&ca, &cb), extra);
	return rate;
}

/* "median M (min A, max B)" of @n values */
static void print_spread(const char *what, const double *v, unsigned int n)
{
	double lo = v[0], hi = v[0];
	unsigned int i;

	for (i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	printf("result: %-38s %.3f (min %.3f, max %.3f)\n", what,
	       median(v, n), lo, hi);
}

static void tput_test(void)
{
	double r[T_NUM][64], ratio[3][64];
	size_t bytes = (size_t)opt.mib << 20;
	unsigned int round, i;
	int mode;

	printf("bench: throughput: %s, %u MiB each way per run, %u-byte writes, %s, %u rounds\n",
	       suite->name, opt.mib, opt.write,
	       opt.dirs == 2 ? "both directions at once" : "client to server",
	       opt.rounds);
	printf("bench: attached+rekey: a KeyUpdate every %llu bytes sent by each end\n",
	       (unsigned long long)opt.rekey_bytes);
	tput_run(T_PLAIN, bytes / 4, -1);	/* warm-up, not counted */
	for (round = 0; round < opt.rounds; round++) {
		printf(" round %u\n", round + 1);
		/* rotate the order: no mode always runs first */
		for (i = 0; i < T_NUM; i++) {
			mode = (round + i) % T_NUM;
			if (opt.tput_modes & (1 << mode))
				r[mode][round] = tput_run(mode, bytes, round);
			else
				r[mode][round] = NAN;
		}
		ratio[0][round] = r[T_ATTACHED][round] / r[T_PLAIN][round];
		ratio[1][round] = r[T_REKEY][round] / r[T_ATTACHED][round];
		ratio[2][round] = r[T_REKEY][round] / r[T_PLAIN][round];
	}
	for (mode = 0; mode < T_NUM; mode++) {
		res.tput[mode] = median(r[mode], opt.rounds);
		printf("result: tput %-15s median %8.2f MiB/s\n",
		       tput_name[mode], res.tput[mode]);
	}
	/* ratios of runs next to each other in time: least hit by drift */
	print_spread("ratio attached/plain, per round", ratio[0],
		     opt.rounds);
	print_spread("ratio attached+rekey/attached, per round", ratio[1],
		     opt.rounds);
	print_spread("ratio attached+rekey/plain, per round", ratio[2],
		     opt.rounds);
	for (i = 0; i < 3; i++)
		res.ratio[i] = median(ratio[i], opt.rounds);
	fprintf(stdout,
		"result: ratios of the medians: attached/plain %.3f, attached+rekey/attached %.3f, attached+rekey/plain %.3f\n",
		res.tput[T_ATTACHED] / res.tput[T_PLAIN],
		res.tput[T_REKEY] / res.tput[T_ATTACHED],
		res.tput[T_REKEY] / res.tput[T_PLAIN]);
}

/*
 * Rekey cost.
 */

static const uint8_t key_update[5] = { 24, 0, 0, 1, 0 };

/* Send one record of @type (kTLS's TLS_SET_RECORD_TYPE cmsg). */
static void send_record(int fd, uint8_t type, const void *p, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint8_t))];
		struct cmsghdr align;
	} cb;
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cb.buf, .msg_controllen = sizeof(cb.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	ssize_t n;

	memset(&cb, 0, sizeof(cb));
	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(sizeof(uint8_t));
	*CMSG_DATA(c) = type;
	n = sendmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		die(0, "socket buffers full: lower --updates");
	if (n != (ssize_t)len)
		die(0, "sendmsg(record type %u): %zd: %s", type, n,
		    n < 0 ? strerror(errno) : "short");
}

/*
 * The next traffic secret (RFC 8446 7.2) into @secret, and its key and iv
 * into @ci (record sequence number 0), with tls13kdf.h and
 * ktlsph_crypto_info(): OpenSSL's TLS13-KDF, fetched for each derivation.
 */
static void next_secret(uint8_t *secret, struct ktlsph_crypto_info *ci)
{
	uint8_t next[KTLSPH_MAX_SECRET];

	if (ktls_ph_u_expand_label(suite->hash, secret, suite->hash_len,
				   "traffic upd", NULL, 0, next,
				   suite->hash_len) ||
	    ktlsph_crypto_info(suite->id, next, suite->hash_len, 0, ci))
		die(0, "userspace HKDF failed");
	memcpy(secret, next, suite->hash_len);
	OPENSSL_cleanse(next, sizeof(next));
}

/* HMAC with the suite's hash, fetched once: the lean userspace variant */
static struct evp_mac_ctx_st *hmac_ctx;

/*
 * HKDF-Expand-Label(secret, label, "", len) for len <= the hash length:
 * one HMAC over HkdfLabel || 0x01 (RFC 8446 7.1, RFC 5869 2.3).
 */
static void lean_expand_label(const uint8_t *secret, const char *label,
			      uint8_t *out, size_t len)
{
	uint8_t info[2 + 1 + 6 + 16 + 1 + 1], md[EVP_MAX_MD_SIZE];
	size_t ll = strlen(label), n = 0, mdlen;

	if (ll > 16)
		die(0, "label too long");
	info[n++] = len >> 8;
	info[n++] = len;
	info[n++] = 6 + ll;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;		/* empty context */
	info[n++] = 1;		/* T(1) */
	if (!EVP_MAC_init(hmac_ctx, secret, suite->hash_len, NULL) ||
	    !EVP_MAC_update(hmac_ctx, info, n) ||
	    !EVP_MAC_final(hmac_ctx, md, &mdlen, sizeof(md)))
		die(0, "HMAC failed");
	memcpy(out, md, len);
	OPENSSL_cleanse(md, sizeof(md));
}

/* next_secret() with lean_expand_label() and crypto_info built here */
static void lean_next_secret(uint8_t *secret, struct ktlsph_crypto_info *ci)
{
	uint8_t key[KTLSPH_MAX_KEY], iv[KTLSPH_IV_LEN], *p = ci->buf;
	struct tls_crypto_info hdr = {
		.version = TLS_1_3_VERSION,
		.cipher_type = suite->ktls_cipher,
	};
	uint8_t next[KTLSPH_MAX_SECRET];

	lean_expand_label(secret, "traffic upd", next, suite->hash_len);
	memcpy(secret, next, suite->hash_len);
	lean_expand_label(secret, "key", key, suite->key_len);
	lean_expand_label(secret, "iv", iv, sizeof(iv));
	/* info, iv minus salt, key, salt, rec_seq 0 (as ktlsph_crypto_info) */
	memset(ci, 0, sizeof(*ci));
	memcpy(p, &hdr, sizeof(hdr));
	p += sizeof(hdr);
	memcpy(p, iv + suite->salt_len, sizeof(iv) - suite->salt_len);
	p += sizeof(iv) - suite->salt_len;
	memcpy(p, key, suite->key_len);
	p += suite->key_len;
	memcpy(p, iv, suite->salt_len);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	OPENSSL_cleanse(next, sizeof(next));
}

/* Set up the lean variant and check it against next_secret(). */
static void lean_init(void)
{
	OSSL_PARAM params[2];
	struct ktlsph_crypto_info ci1, ci2;
	uint8_t s1[KTLSPH_MAX_SECRET], s2[KTLSPH_MAX_SECRET];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	int i;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)suite->hash, 0);
	params[1] = OSSL_PARAM_construct_end();
	hmac_ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	if (!hmac_ctx || !EVP_MAC_CTX_set_params(hmac_ctx, params))
		die(0, "cannot set up HMAC-%s", suite->hash);
	memcpy(s1, secret_c, sizeof(s1));
	memcpy(s2, secret_c, sizeof(s2));
	for (i = 0; i < 3; i++) {
		next_secret(s1, &ci1);
		lean_next_secret(s2, &ci2);
		if (memcmp(s1, s2, suite->hash_len) ||
		    memcmp(ci1.buf, ci2.buf, suite->info_len))
			die(0, "lean HKDF differs from tls13kdf.h");
	}
}

/* which userspace key derivation */
enum kdf { KDF_TLS13KDF, KDF_LEAN };

/* Switch a raw kTLS socket's key of one direction to the next secret. */
static void rekey_raw(int fd, int optname, uint8_t *secret, enum kdf kdf)
{
	struct ktlsph_crypto_info ci;

	if (kdf == KDF_LEAN)
		lean_next_secret(secret, &ci);
	else
		next_secret(secret, &ci);
	if (setsockopt(fd, SOL_TLS, optname, ci.buf, suite->info_len))
		die(0, "setsockopt(SOL_TLS, %s): %s",
		    optname == TLS_TX ? "TLS_TX" : "TLS_RX", strerror(errno));
	OPENSSL_cleanse(&ci, sizeof(ci));
}

static uint8_t data_byte(unsigned int i)
{
	return pat[i % PAT_PERIOD];
}

/* Receive one iteration's (KeyUpdate and) data byte as a 6.14 app does. */
static void recv_userspace(int fd, int ku, unsigned int i, uint8_t *secret,
			   enum kdf kdf)
{
	uint8_t b[8];
	ssize_t n;
	int type;

	if (ku) {
		n = ktlsph_recv(fd, b, sizeof(b), &type);
		if (n != sizeof(key_update) || type != KTLSPH_RT_HANDSHAKE ||
		    memcmp(b, key_update, n))
			die(0,
			    "userspace receiver, iteration %u: expected a KeyUpdate record, got %zd bytes of type %d",
			    i, n, type);
		rekey_raw(fd, TLS_RX, secret, kdf);
	}
	/* one byte: a data-only run must not merge records either */
	n = ktlsph_recv(fd, b, 1, &type);
	if (n != 1 || type != KTLSPH_RT_APPDATA || b[0] != data_byte(i))
		die(0,
		    "userspace receiver, iteration %u: expected data byte 0x%02x, got %zd bytes of type %d (0x%02x)",
		    i, data_byte(i), n, type, n > 0 ? b[0] : 0);
}

/*
 * One rekey run of @k iterations: the sender, a raw kTLS end, queues @k
 * times (with KeyUpdates: a KeyUpdate record, then switches its TX key)
 * a 1-byte data record; then the receiver's reading of all of it is timed
 * (@round < 0: a warm-up, no marks). Returns the receiver's time in ns.
 */
static uint64_t rekey_one(int run, unsigned int k, int round)
{
	int ku = run != R_PH_BASE && run != R_US_BASE;
	int ph = run == R_PH_BASE || run == R_PH_KU;
	enum kdf kdf = run == R_USL_KU ? KDF_LEAN : KDF_TLS13KDF;
	uint8_t txs[KTLSPH_MAX_SECRET], rxs[KTLSPH_MAX_SECRET], b;
	struct ktlsph_stats st;
	uint64_t t0, t1;
	struct conn c;
	unsigned int i;

	conn_open(&c, 16 << 20);
	if (ph)
		ph_attach(&c, 1, 0);
	memcpy(txs, secret_c, sizeof(txs));
	memcpy(rxs, secret_c, sizeof(rxs));
	for (i = 0; i < k; i++) {
		if (ku) {
			send_record(c.c, KTLSPH_RT_HANDSHAKE, key_update,
				    sizeof(key_update));
			rekey_raw(c.c, TLS_TX, txs, KDF_LEAN);
		}
		b = data_byte(i);
		send_record(c.c, KTLSPH_RT_APPDATA, &b, 1);
	}
	usleep(20000);	/* loopback delivery, outside the timing */
	if (round >= 0)
		host_mark(0, "rekey %d %s %u", round + 1, rekey_key[run], k);
	t0 = now_ns();
	for (i = 0; i < k; i++) {
		if (!ph) {
			recv_userspace(c.s, ku, i, rxs, kdf);
			continue;
		}
		if (read(c.s, &b, 1) != 1 || b != data_byte(i))
			die(errno, "ktls_ph receiver, iteration %u: read failed or wrong byte",
			    i);
	}
	t1 = now_ns();
	if (round >= 0)
		host_mark(1, "rekey %d %s %u", round + 1, rekey_key[run], k);
	check_drained(c.s, "rekey receiver");
	if (ph) {
		get_stats(c.s, &st);
		if (st.rx_rekeys != (ku ? k : 0) ||
		    st.hs_records != (ku ? k : 0) || st.tx_rekeys)
			die(0,
			    "%s: counters wrong: rx_rekeys=%llu hs_records=%llu tx_rekeys=%llu, expected %u %u 0",
			    rekey_name[run],
			    (unsigned long long)st.rx_rekeys,
			    (unsigned long long)st.hs_records,
			    (unsigned long long)st.tx_rekeys, ku ? k : 0,
			    ku ? k : 0);
	}
	OPENSSL_cleanse(txs, sizeof(txs));
	OPENSSL_cleanse(rxs, sizeof(rxs));
	conn_close(&c);
	return t1 - t0;
}

/* Userspace key derivation alone, per rekey, in microseconds. */
static double hkdf_us(unsigned int k, enum kdf kdf, int round)
{
	const char *name = kdf == KDF_LEAN ? "lean" : "tls13kdf";
	uint8_t s[KTLSPH_MAX_SECRET];
	struct ktlsph_crypto_info ci;
	unsigned int i;
	uint64_t t0;

	memcpy(s, secret_c, sizeof(s));
	host_mark(0, "hkdf %d %s %u", round + 1, name, k);
	t0 = now_ns();
	for (i = 0; i < k; i++) {
		if (kdf == KDF_LEAN)
			lean_next_secret(s, &ci);
		else
			next_secret(s, &ci);
	}
	t0 = now_ns() - t0;
	host_mark(1, "hkdf %d %s %u", round + 1, name, k);
	OPENSSL_cleanse(&ci, sizeof(ci));
	OPENSSL_cleanse(s, sizeof(s));
	return t0 / 1e3 / k;
}

static void rekey_test(void)
{
	double us[R_NUM][64], ph[64], usr[64], usl[64], hk[64], hkl[64];
	double m[R_NUM], mph, musr, musl;
	unsigned int round, i;
	int run;

	fprintf(stdout,
		"bench: rekey cost: %s, %u iterations per run, %u rounds; receiver time per iteration\n",
		suite->name, opt.updates, opt.rekey_rounds);
	lean_init();
	rekey_one(R_US_KU, 100, -1);	/* warm-up */
	for (round = 0; round < opt.rekey_rounds; round++) {
		for (i = 0; i < R_NUM; i++) {
			run = (round + i) % R_NUM;
			us[run][round] = rekey_one(run, opt.updates, round) /
					 1e3 / opt.updates;
		}
		hk[round] = hkdf_us(opt.updates, KDF_TLS13KDF, round);
		hkl[round] = hkdf_us(opt.updates, KDF_LEAN, round);
		ph[round] = us[R_PH_KU][round] - us[R_PH_BASE][round];
		usr[round] = us[R_US_KU][round] - us[R_US_BASE][round];
		usl[round] = us[R_USL_KU][round] - us[R_US_BASE][round];
		fprintf(stdout,
			"  round %u: per KeyUpdate: ktls_ph %.1f - %.1f = %.1f us; userspace %.1f - %.1f = %.1f us (its HKDF alone %.1f us); lean userspace %.1f - %.1f = %.1f us (its HKDF alone %.1f us)\n",
			round + 1, us[R_PH_KU][round], us[R_PH_BASE][round],
			ph[round], us[R_US_KU][round], us[R_US_BASE][round],
			usr[round], hk[round], us[R_USL_KU][round],
			us[R_US_BASE][round], usl[round], hkl[round]);
	}
	for (run = 0; run < R_NUM; run++) {
		m[run] = median(us[run], opt.rekey_rounds);
		printf("result: rekey %-28s median %7.1f us per iteration\n",
		       rekey_name[run], m[run]);
	}
	mph = median(ph, opt.rekey_rounds);
	musr = median(usr, opt.rekey_rounds);
	musl = median(usl, opt.rekey_rounds);
	res.ph_us = mph;
	res.user_us = musr;
	res.lean_us = musl;
	fprintf(stdout,
		"result: rekey cost ktls_ph          %7.1f us per KeyUpdate (iteration with KeyUpdate minus data only)\n",
		mph);
	fprintf(stdout,
		"result: rekey cost userspace        %7.1f us per KeyUpdate (tls13kdf.h; its HKDF alone %.1f us)\n",
		musr, median(hk, opt.rekey_rounds));
	fprintf(stdout,
		"result: rekey cost lean userspace   %7.1f us per KeyUpdate (HMAC fetched once; its HKDF alone %.1f us)\n",
		musl, median(hkl, opt.rekey_rounds));
	fprintf(stdout,
		"result: ratio rekey ktls_ph/userspace       %.3f (whole iterations: %.3f)\n",
		mph / musr, m[R_PH_KU] / m[R_US_KU]);
	fprintf(stdout,
		"result: ratio rekey ktls_ph/lean userspace  %.3f (whole iterations: %.3f)\n",
		mph / musl, m[R_PH_KU] / m[R_USL_KU]);
}

/*
 * Memory.
 */

struct meminfo {
	long slab, sunreclaim, memfree;
};

static void meminfo_read(struct meminfo *mi)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v;

	if (!f)
		die(errno, "/proc/meminfo");
	memset(mi, 0, sizeof(*mi));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld", &v) == 1)
			mi->slab = v;
		else if (sscanf(line, "SUnreclaim: %ld", &v) == 1)
			mi->sunreclaim = v;
		else if (sscanf(line, "MemFree: %ld", &v) == 1)
			mi->memfree = v;
	}
	fclose(f);
}

static int count_cb(const struct ktlsph_stats *st, void *arg)
{
	(void)st;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * One memory run: opt.sockets connections, ktls_ph attached to both ends
 * (@tlen non-zero: with pha-offered and the transcript @t). Returns the
 * Slab growth per attached socket in bytes.
 */
static double mem_run(const uint8_t *t, size_t tlen)
{
	struct meminfo a, b, c;
	unsigned int i, n = opt.sockets, seen = 0;
	double socks = 2.0 * n;
	struct conn *k;
	char err[256];
	int ret;

	k = calloc(n, sizeof(*k));
	if (!k)
		die(0, "out of memory");
	for (i = 0; i < n; i++)
		conn_open(&k[i], 0);
	/* the netlink path once, so that its caches exist before */
	ktlsph_dump(count_cb, &seen, err, sizeof(err));
	sleep(2);
	meminfo_read(&a);
	for (i = 0; i < n; i++) {
		ph_attach_pha(&k[i], 0, 0, t, tlen);
		ph_attach_pha(&k[i], 1, 0, t, tlen);
	}
	sleep(2);
	meminfo_read(&b);
	seen = 0;
	ret = ktlsph_dump(count_cb, &seen, err, sizeof(err));
	if (ret < 0 || seen != 2 * n)
		die(0, "dump: %u attached sockets, expected %u (%s)", seen, 2 * n,
		    ret < 0 ? err : "ok");
	for (i = 0; i < n; i++)
		conn_close(&k[i]);
	free(k);
	sleep(3);	/* RCU frees the state after close */
	meminfo_read(&c);
	fprintf(stdout,
		"  %s: Slab %ld -> %ld kB, SUnreclaim %ld -> %ld kB, MemFree %ld -> %ld kB; after closing all: Slab %ld kB\n",
		tlen ? "pha-offered" : "plain", a.slab, b.slab, a.sunreclaim,
		b.sunreclaim, a.memfree, b.memfree, c.slab);
	fprintf(stdout,
		"result: memory per attached socket%s: Slab %+.0f bytes (SUnreclaim %+.0f bytes)\n",
		tlen ? ", pha-offered" : "", (b.slab - a.slab) * 1024.0 / socks,
		(b.sunreclaim - a.sunreclaim) * 1024.0 / socks);
	return (b.slab - a.slab) * 1024.0 / socks;
}

static void mem_test(void)
{
	uint8_t *t = pha_transcript(opt.pha_o.transcript);

	fprintf(stdout,
		"bench: memory: %u loopback connections with kTLS, ktls_ph attached to both ends (%u sockets); plain, then with pha-offered and a %zu-byte transcript\n",
		opt.sockets, 2 * opt.sockets, opt.pha_o.transcript);
	res.mem_bytes = mem_run(NULL, 0);
	res.mem_pha_bytes = mem_run(t, opt.pha_o.transcript);
	fprintf(stdout,
		"result: memory per socket pha-offered/plain %.2f (%+.0f bytes)\n",
		res.mem_pha_bytes / res.mem_bytes,
		res.mem_pha_bytes - res.mem_bytes);
	free(t);
}

/* One field of the summary line: "-" when not measured. */
static void field(const char *fmt, double v)
{
	if (isnan(v))
		printf(" -");
	else
		printf(fmt, v);
}

static double ratio(double a, double b)
{
	return isnan(a) || isnan(b) || b == 0 ? NAN : a / b;
}

/*
 * One machine-readable line for tests/bench/run.sh: suite, the three
 * median throughputs (MiB/s), the medians of the per-round ratios
 * attached/plain, rekey/attached, rekey/plain,
 * the per-KeyUpdate costs (us) of ktls_ph and userspace and their ratio,
 * the same for lean userspace, bytes per socket. A second one for the
 * post-handshake authentication: suite, the median latencies (us) of
 * ktls_ph (pha-done, ktlsph_pha_wait()) and OpenSSL, the ratio
 * ktls_ph/OpenSSL, the public-key work alone (us), bytes per socket with
 * pha-offered and its ratio to plain attach.
 */
static void summary(void)
{
	printf("table: %s", suite->name);
	field(" %.2f", res.tput[T_PLAIN]);
	field(" %.2f", res.tput[T_ATTACHED]);
	field(" %.2f", res.tput[T_REKEY]);
	field(" %.3f", res.ratio[0]);
	field(" %.3f", res.ratio[1]);
	field(" %.3f", res.ratio[2]);
	field(" %.1f", res.ph_us);
	field(" %.1f", res.user_us);
	field(" %.3f", ratio(res.ph_us, res.user_us));
	field(" %.1f", res.lean_us);
	field(" %.3f", ratio(res.ph_us, res.lean_us));
	field(" %.0f", res.mem_bytes);
	printf("\n");
	printf("table-pha: %s", suite->name);
	field(" %.1f", res.pha.ph_us);
	field(" %.1f", res.pha.wait_us);
	field(" %.1f", res.pha.ossl_us);
	field(" %.3f", ratio(res.pha.ph_us, res.pha.ossl_us));
	field(" %.1f", res.pha.crypto_us);
	field(" %.0f", res.mem_pha_bytes);
	field(" %.2f", ratio(res.mem_pha_bytes, res.mem_bytes));
	printf("\n");
}

static unsigned long long num(const char *s, const char *name)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die(0, "%s: not a number: %s", name, s);
	switch (*end) {
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	}
	if (*end)
		die(0, "%s: not a number: %s", name, s);
	return v;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: ktls-ph-bench [--suite NAME] [--tests tput,rekey,pha,mem]\n"
		"         [--mib N] [--write N] [--dirs 1|2] [--rounds N]\n"
		"         [--tput-modes plain,attached,rekey]\n"
		"         [--rekey-bytes N] [--updates N] [--rekey-rounds N]\n"
		"         [--pha-pki DIR] [--pha-rounds N] [--pha-iters N]\n"
		"         [--pha-transcript N] [--pha-helper-pid PID]\n"
		"         [--sockets N] [--tsc-hz N] [--marks]\n"
		"       ktls-ph-bench --print-tsc-hz\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long tsc_hz = 0;
	unsigned int left = 0;
	const char *o, *v;
	int i, ret, print_hz = 0;
	char err[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* a failed write reports EPIPE */
	for (i = 1; i < argc; i++) {
		o = argv[i];
		if (!strcmp(o, "--print-tsc-hz")) {
			print_hz = 1;
			continue;
		}
		if (!strcmp(o, "--marks")) {
			opt.marks = 1;
			continue;
		}
		if (i + 1 >= argc)
			print_usage();
		v = argv[++i];
		if (!strcmp(o, "--suite")) {
			opt.suite = v;
		} else if (!strcmp(o, "--tests")) {
			opt.tput = !!strstr(v, "tput");
			opt.rekey = !!strstr(v, "rekey");
			opt.pha = !!strstr(v, "pha");
			opt.mem = !!strstr(v, "mem");
		} else if (!strcmp(o, "--mib")) {
			opt.mib = num(v, o);
		} else if (!strcmp(o, "--write")) {
			opt.write = num(v, o);
		} else if (!strcmp(o, "--dirs")) {
			opt.dirs = num(v, o);
		} else if (!strcmp(o, "--tput-modes")) {
			opt.tput_modes = (!!strstr(v, "plain") << T_PLAIN) |
					 (!!strstr(v, "attached") << T_ATTACHED) |
					 (!!strstr(v, "rekey") << T_REKEY);
		} else if (!strcmp(o, "--rounds")) {
			opt.rounds = num(v, o);
		} else if (!strcmp(o, "--rekey-bytes")) {
			opt.rekey_bytes = num(v, o);
		} else if (!strcmp(o, "--updates")) {
			opt.updates = num(v, o);
		} else if (!strcmp(o, "--rekey-rounds")) {
			opt.rekey_rounds = num(v, o);
		} else if (!strcmp(o, "--pha-pki")) {
			opt.pha_o.pki = v;
		} else if (!strcmp(o, "--pha-rounds")) {
			opt.pha_o.rounds = num(v, o);
		} else if (!strcmp(o, "--pha-iters")) {
			opt.pha_o.iters = num(v, o);
		} else if (!strcmp(o, "--pha-transcript")) {
			opt.pha_o.transcript = num(v, o);
		} else if (!strcmp(o, "--pha-helper-pid")) {
			opt.pha_o.helper_pid = num(v, o);
		} else if (!strcmp(o, "--sockets")) {
			opt.sockets = num(v, o);
		} else if (!strcmp(o, "--tsc-hz")) {
			tsc_hz = num(v, o);
		} else {
			print_usage();
		}
	}
	suite = ktlsph_suite_by_name(opt.suite);
	if (!suite)
		die(0, "unknown or unsupported suite %s", opt.suite);
	if (!opt.mib || !opt.write || opt.write > IO_MAX ||
	    (opt.dirs != 1 && opt.dirs != 2) || !opt.rounds ||
	    opt.rounds > 64 || !opt.rekey_rounds || opt.rekey_rounds > 64 ||
	    !opt.updates || !opt.sockets)
		die(0, "option out of range");
	memset(secret_c, 0xc1, sizeof(secret_c));
	memset(secret_s, 0x5e, sizeof(secret_s));
	pat_init();
	if (print_hz) {
		printf("%.0f\n", calibrate() * 1e9);
		return 0;
	}
	listen_init();
	clock_init(tsc_hz);
	if (opt.tput)
		tput_test();
	if (opt.rekey)
		rekey_test();
	if (opt.pha)
		pha_test(&opt.pha_o, &res.pha);
	if (opt.mem)
		mem_test();
	/* closing detaches: nothing of ours may be left attached */
	ret = ktlsph_dump(count_cb, &left, err, sizeof(err));
	if (ret < 0 || left)
		die(0, "%u sockets still attached after closing all (%s)", left,
		    ret < 0 ? err : "dump ok");
	summary();
	printf("bench: done\n");
	return 0;
}
