// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-gnutls-client: a TLS 1.3 client that does its handshake with
 * GnuTLS, hands the connection to kTLS and ktls_ph with
 * ktlsph_gnutls_attach(), then copies stdin to the socket and the socket to
 * stdout with plain read()/write() until the connection ends. See
 * print_usage() and Documentation/libktlsph.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "common.h"
#include "ktlsph.h"
#include "ktlsph_gnutls.h"

#define PROG	"ktls-ph-gnutls-client"

struct opts {
	const char *ciphersuite;
	const char *sni;
	const char *cafile;
	int insecure;
	int echo_first;
	int stats;
	const char *host;
	const char *port;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] HOST PORT\n"
		"\n"
		"TLS 1.3 handshake with GnuTLS, then kTLS on the socket and ktls_ph\n"
		"attached to it (which handles KeyUpdate in the kernel); after that\n"
		"stdin is copied to the socket and the socket to stdout with plain\n"
		"read()/write(), until the server closes. Stdin EOF sends close_notify\n"
		"and shuts the write side down; the server's close_notify is answered.\n"
		"\n"
		"options:\n"
		"  --ciphersuite NAME  offer only this TLS 1.3 suite, e.g.\n"
		"                      TLS_AES_256_GCM_SHA384\n"
		"  --sni NAME          server name to send and verify (default: HOST\n"
		"                      unless it is an IP address)\n"
		"  --cafile FILE       verify the server against these CAs (PEM)\n"
		"                      (default: the system's CAs)\n"
		"  --insecure          do not verify the server certificate\n"
		"  --echo-first        before the hand-over, read the server's first\n"
		"                      data record with GnuTLS, write it to stdout and\n"
		"                      send it back with GnuTLS (kTLS then starts at\n"
		"                      later record sequence numbers)\n"
		"  --stats             print the ktls_ph counters at the end (stderr)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 success, 1 failure.\n");
}

enum {
	OPT_CIPHERSUITE = 256, OPT_SNI, OPT_CAFILE, OPT_INSECURE,
	OPT_ECHO_FIRST, OPT_STATS,
};

static const struct option longopts[] = {
	{ "ciphersuite", required_argument, NULL, OPT_CIPHERSUITE },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "echo-first", no_argument, NULL, OPT_ECHO_FIRST },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CIPHERSUITE:
			o->ciphersuite = optarg;
			break;
		case OPT_SNI:
			o->sni = optarg;
			break;
		case OPT_CAFILE:
			o->cafile = optarg;
			break;
		case OPT_INSECURE:
			o->insecure = 1;
			break;
		case OPT_ECHO_FIRST:
			o->echo_first = 1;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (argc - optind != 2) {
		print_usage(stderr);
		return -1;
	}
	o->host = argv[optind];
	o->port = argv[optind + 1];
	if (o->cafile && o->insecure) {
		fprintf(stderr, PROG ": --cafile and --insecure exclude each other\n");
		return -1;
	}
	if (o->ciphersuite && !ktlsph_suite_by_name(o->ciphersuite)) {
		fprintf(stderr,
			"%s: --ciphersuite %s: not a TLS 1.3 suite kTLS supports (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_SHA256)\n",
			PROG, o->ciphersuite);
		return -1;
	}
	return 0;
}

/* Sequence number of the next record GnuTLS would send or receive. */
static unsigned long long next_seq(gnutls_session_t s, int read)
{
	gnutls_datum_t mac_key, iv, key;
	unsigned char seq[8];
	unsigned long long v = 0;
	int i;

	if (gnutls_record_get_state(s, read, &mac_key, &iv, &key, seq) < 0)
		return ~0ULL;
	for (i = 0; i < 8; i++)
		v = v << 8 | seq[i];
	return v;
}

/* --echo-first: one data record in and back out through GnuTLS. */
static int echo_first(gnutls_session_t s)
{
	char buf[IO_CHUNK];
	ssize_t n, m;

	do {	/* GnuTLS returns EAGAIN after each ticket it takes */
		n = gnutls_record_recv(s, buf, sizeof(buf));
	} while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n <= 0) {
		fprintf(stderr, PROG ": --echo-first: %s\n",
			n ? gnutls_strerror(n) : "connection closed");
		return -1;
	}
	fwrite(buf, 1, n, stdout);
	fflush(stdout);
	do {
		m = gnutls_record_send(s, buf, n);
	} while (m == GNUTLS_E_AGAIN || m == GNUTLS_E_INTERRUPTED);
	if (m != n) {
		fprintf(stderr, PROG ": --echo-first: sending: %s\n",
			m < 0 ? gnutls_strerror(m) : "short write");
		return -1;
	}
	return 0;
}

static void verify_error(gnutls_session_t s)
{
	gnutls_datum_t out = { NULL, 0 };
	unsigned int status = gnutls_session_get_verify_cert_status(s);

	if (!gnutls_certificate_verification_status_print(status,
							  GNUTLS_CRT_X509,
							  &out, 0))
		fprintf(stderr, PROG ": certificate verification: %s\n",
			out.data);
	gnutls_free(out.data);
}

/* Handshake on fd. Returns 0 with kTLS set up and ktls_ph attached. */
static int tls_setup(const struct opts *o, int fd)
{
	const struct ktlsph_suite *suite = ktlsph_suite_by_name(o->ciphersuite);
	const char *name = o->sni;
	struct ktlsph_attach_args opt = { 0 };
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	char prio[128], err[512], *desc;
	uint64_t cookie = 0;
	int ret = -1, r;

	if (!name && !host_is_ip(o->host))
		name = o->host;
	/* TLS 1.3 only; with --ciphersuite, only its AEAD */
	snprintf(prio, sizeof(prio), "NORMAL:-VERS-ALL:+VERS-TLS1.3%s%s",
		 suite ? ":-CIPHER-ALL:+" : "",
		 suite ? gnutls_cipher_get_name(ktlsph_gnutls_cipher(suite->id)) :
			 "");
	r = gnutls_certificate_allocate_credentials(&cred);
	if (!r && o->cafile) {
		r = gnutls_certificate_set_x509_trust_file(cred, o->cafile,
							   GNUTLS_X509_FMT_PEM);
		r = r > 0 ? 0 : r ? r : GNUTLS_E_FILE_ERROR;
	} else if (!r && !o->insecure) {
		r = gnutls_certificate_set_x509_system_trust(cred);
		r = r < 0 ? r : 0;
	}
	if (!r)
		r = gnutls_init(&s, GNUTLS_CLIENT);
	if (!r)
		r = gnutls_priority_set_direct(s, prio, NULL);
	if (!r)
		r = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	if (!r && name)
		r = gnutls_server_name_set(s, GNUTLS_NAME_DNS, name,
					   strlen(name));
	if (r) {
		fprintf(stderr, PROG ": setting up GnuTLS (%s): %s\n", prio,
			gnutls_strerror(r));
		goto out;
	}
	if (!o->insecure)	/* GnuTLS checks an IP address as such */
		gnutls_session_set_verify_cert(s, name ? name : o->host, 0);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);

	/* Keep the traffic secrets: before the handshake. */
	if (ktlsph_gnutls_capture(s)) {
		fprintf(stderr, PROG ": ktlsph_gnutls_capture failed\n");
		goto out;
	}
	do {
		r = gnutls_handshake(s);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		fprintf(stderr, PROG ": TLS handshake failed: %s\n",
			gnutls_strerror(r));
		if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
			verify_error(s);
		goto out;
	}
	desc = gnutls_session_get_desc(s);
	fprintf(stderr, PROG ": handshake done: %s%s%s\n", desc,
		name ? ", server name " : "", name ? name : "");
	gnutls_free(desc);
	if (o->echo_first && echo_first(s))
		goto out;

	fprintf(stderr,
		PROG ": handing over at record sequence numbers: send %llu, receive %llu\n",
		next_seq(s, 0), next_seq(s, 1));
	/* GnuTLS does not return a client's SNI name: pass it along */
	opt.server_name = name;
	/*
	 * Nor the resumption master secret (Documentation/libktlsph.md):
	 * ktls_ph consumes the server's tickets without a PSK for them.
	 */
	fprintf(stderr,
		"%s: resumption master secret: none (GnuTLS does not give it out; the server's tickets get no PSK)\n",
		PROG);
	r = ktlsph_gnutls_attach_ex(s, fd, KTLSPH_ROLE_CLIENT, &opt, 1,
				    &cookie, err, sizeof(err));
	if (r) {
		fprintf(stderr,
			PROG ": kTLS setup/ktls_ph attach failed: %s (errno %d)\n",
			err, -r);
		goto out;
	}
	fprintf(stderr, PROG ": kTLS on, ktls_ph attached (cookie %llu)\n",
		ULL(cookie));
	ret = 0;
out:
	/* gnutls_deinit() sends nothing: from here on the socket is kTLS's. */
	if (s) {
		ktlsph_gnutls_forget(s);
		gnutls_deinit(s);
	}
	if (cred)
		gnutls_certificate_free_credentials(cred);
	return ret;
}

/* One received record: to stdout. Returns 1 at the end, -1 on errors. */
static int on_record(const char *buf, ssize_t n, int type, int *got_cn)
{
	if (n == -EAGAIN)
		return 0;
	if (n < 0) {
		fprintf(stderr, PROG ": receive: %s\n", strerror(-n));
		return -1;
	}
	if (n == 0) {
		fprintf(stderr,
			PROG ": peer closed the connection without close_notify\n");
		return 1;
	}
	if (type == KTLSPH_RT_ALERT) {
		if (n >= 2 && buf[1] == 0) {
			*got_cn = 1;
			return 1;
		}
		fprintf(stderr, PROG ": received TLS alert %u/%u\n",
			(unsigned char)buf[0], n >= 2 ? (unsigned char)buf[1] : 0);
		return -1;
	}
	if (type != KTLSPH_RT_APPDATA) {
		/* ktls_ph consumes the handshake records */
		fprintf(stderr, PROG ": unexpected record type %d\n", type);
		return -1;
	}
	if (fwrite(buf, 1, n, stdout) != (size_t)n || fflush(stdout)) {
		fprintf(stderr, PROG ": writing stdout failed\n");
		return -1;
	}
	return 0;
}

/* stdin to fd, fd to stdout, with plain system calls only. */
static int run_io(int fd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = 0, .events = POLLIN },
	};
	int stdin_open = 1, got_cn = 0, type = 0, r;
	char buf[IO_CHUNK];
	ssize_t n;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		fprintf(stderr, PROG ": fcntl: %s\n", strerror(errno));
		return -1;
	}
	for (;;) {
		if (poll(pfd, stdin_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return -1;
		}
		if (stdin_open && pfd[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n > 0) {
				r = send_all(fd, buf, n);
				if (r) {
					fprintf(stderr, PROG ": send: %s\n",
						strerror(-r));
					return -1;
				}
			} else if (n == 0 || errno != EINTR) {
				/* our end: close_notify, shut down */
				close_notify(fd);
				stdin_open = 0;
			}
		}
		if (pfd[0].revents) {
			n = ktlsph_recv(fd, buf, sizeof(buf), &type);
			r = on_record(buf, n, type, &got_cn);
			if (r < 0)
				return -1;
			if (r)
				break;
		}
	}
	/* The server ended first: answer its close_notify. */
	if (got_cn && stdin_open)
		close_notify(fd);
	return 0;
}

static void print_stats(int fd)
{
	struct ktlsph_stats st;
	char err[512], line[512];

	if (ktlsph_get(fd, &st, err, sizeof(err))) {
		fprintf(stderr, PROG ": ktls_ph get failed: %s\n", err);
		return;
	}
	ktlsph_stats_format(&st, line, sizeof(line));
	fprintf(stderr, PROG ": stats: %s\n", line);
}

int main(int argc, char **argv)
{
	struct opts o;
	int fd, ret;

	if (parse_args(argc, argv, &o))
		return 1;
	signal(SIGPIPE, SIG_IGN);

	fd = tcp_connect_to(PROG, o.host, o.port);
	if (fd < 0)
		return 1;
	if (tls_setup(&o, fd)) {
		close(fd);
		return 1;
	}
	ret = run_io(fd) ? 1 : 0;
	if (o.stats)
		print_stats(fd);
	close(fd);
	return ret;
}
