// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-client: a TLS 1.3 client that hands its connection to kTLS and
 * ktls_ph right after the OpenSSL handshake, then does plain read()/write()
 * on the socket. See print_usage() and Documentation/libktlsph.md.
 */
#define _GNU_SOURCE	/* splice(), memfd_create() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common.h"
#include "ktlsph.h"
#include "ktlsph_ticket.h"

#define PROG	"ktls-ph-client"

struct opts {
	const char *ciphersuite;
	const char *sni;
	const char *cafile;
	int insecure;
	int have_send;
	uint64_t send;
	int have_expect;
	uint64_t expect;
	uint64_t ku_every;
	int request_peer;
	int no_attach;
	int splice;
	int sendfile;
	const char *get;
	int stats;
	uint64_t rekey_records;
	uint64_t rekey_bytes;
	const char *sess_in;
	int no_rms;
	int pha;
	int hold;
	const char *host;
	const char *port;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] HOST PORT\n"
		"\n"
		"TLS 1.3 handshake with OpenSSL, then kTLS on the socket and ktls_ph\n"
		"attached to it (which handles KeyUpdate in the kernel); after that\n"
		"only plain read()/write() on the socket.\n"
		"\n"
		"options:\n"
		"  --ciphersuite NAME    offer only this TLS 1.3 suite, e.g.\n"
		"                        TLS_AES_256_GCM_SHA384\n"
		"  --sni NAME            server name to send and verify (default: HOST\n"
		"                        unless it is an IP address)\n"
		"  --cafile FILE         verify the server against these CAs\n"
		"                        (default: the system's CAs)\n"
		"  --insecure            do not verify the server certificate\n"
		"  --get PATH            first send \"GET PATH HTTP/1.0\" and a blank\n"
		"                        line; the response status line and headers go\n"
		"                        to stderr, the body is the received data\n"
		"  --send N              send N bytes of the test pattern (byte i is\n"
		"                        (i*131 + i/251) & 0xff), then close_notify\n"
		"  --expect N            expect exactly N bytes of the test pattern until\n"
		"                        the peer closes; prints \"received N bytes,\n"
		"                        pattern OK\" or the first mismatch\n"
		"  --keyupdate-every N   send a KeyUpdate after every N bytes sent\n"
		"  --request-peer        KeyUpdates ask the peer to update too (alone:\n"
		"                        one KeyUpdate with request right after attach)\n"
		"  --rekey-bytes N       module sends KeyUpdates by itself every N bytes\n"
		"  --rekey-records N     ... or every N records\n"
		"  --stats               print the ktls_ph counters at the end (stderr)\n"
		"  --no-attach           configure kTLS but do not attach ktls_ph\n"
		"  --sess-in FILE        resume the TLS session in FILE (PEM \"SSL SESSION\n"
		"                        PARAMETERS\", as from openssl s_client -sess_out\n"
		"                        or a ticket ktls_ph stored); prints \"Reused,\n"
		"                        TLSv1.3, ...\" or \"New, TLSv1.3, ...\" on stderr\n"
		"  --no-resumption-secret  do not give ktls_ph the resumption master\n"
		"                        secret (the server's tickets then get no PSK)\n"
		"  --splice              receive data with splice() from the socket\n"
		"                        into a pipe (then read() from the pipe)\n"
		"  --sendfile            send data with sendfile() from a memfd\n"
		"  --pha                 offer post_handshake_auth\n"
		"                        (SSL_set_post_handshake_auth): the server may\n"
		"                        ask for a client certificate at any time after\n"
		"                        the handshake; ktls_ph and ktls-phd answer (or\n"
		"                        decline) while this program reads the socket\n"
		"  --hold                do not end the sending side at stdin EOF or\n"
		"                        after --send: keep reading (and the kernel able\n"
		"                        to answer the server's CertificateRequests and\n"
		"                        KeyUpdate requests) until the server closes,\n"
		"                        then answer its close_notify\n"
		"  -h, --help            this text\n"
		"\n"
		"N takes a k, M or G suffix (1024-based). Without --send and --expect,\n"
		"stdin is copied to the socket (stdin EOF sends close_notify and shuts\n"
		"the write side down) and the socket to stdout, until the server closes.\n"
		"With --send and/or --expect stdin is not read; what is received goes to\n"
		"stdout unless --expect is given. When the server ends first, its\n"
		"close_notify is answered with one.\n"
		"Against ktls-ph-server: --get /echo --send N --expect N round trip;\n"
		"--get /bytes/N --expect N download; --pha --hold --get /pha\n"
		"client authentication after the handshake.\n"
		"Exit status: 0 success, 1 failure.\n");
}

enum {
	OPT_CIPHERSUITE = 256, OPT_SNI, OPT_CAFILE, OPT_INSECURE, OPT_GET,
	OPT_SEND, OPT_EXPECT, OPT_KU_EVERY, OPT_REQUEST_PEER, OPT_REKEY_BYTES,
	OPT_REKEY_RECORDS, OPT_STATS, OPT_NO_ATTACH, OPT_SPLICE, OPT_SENDFILE,
	OPT_SESS_IN, OPT_NO_RMS, OPT_PHA, OPT_HOLD,
};

static const struct option longopts[] = {
	{ "ciphersuite", required_argument, NULL, OPT_CIPHERSUITE },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "get", required_argument, NULL, OPT_GET },
	{ "send", required_argument, NULL, OPT_SEND },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "keyupdate-every", required_argument, NULL, OPT_KU_EVERY },
	{ "request-peer", no_argument, NULL, OPT_REQUEST_PEER },
	{ "rekey-bytes", required_argument, NULL, OPT_REKEY_BYTES },
	{ "rekey-records", required_argument, NULL, OPT_REKEY_RECORDS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "no-attach", no_argument, NULL, OPT_NO_ATTACH },
	{ "splice", no_argument, NULL, OPT_SPLICE },
	{ "sendfile", no_argument, NULL, OPT_SENDFILE },
	{ "sess-in", required_argument, NULL, OPT_SESS_IN },
	{ "no-resumption-secret", no_argument, NULL, OPT_NO_RMS },
	{ "pha", no_argument, NULL, OPT_PHA },
	{ "hold", no_argument, NULL, OPT_HOLD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int size_arg(const char *name, const char *s, uint64_t *out)
{
	if (parse_size(s, out)) {
		fprintf(stderr, PROG ": %s: invalid byte count '%s'\n", name, s);
		return -1;
	}
	return 0;
}

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
		case OPT_GET:
			o->get = optarg;
			break;
		case OPT_SEND:
			o->have_send = 1;
			if (size_arg("--send", optarg, &o->send))
				return -1;
			break;
		case OPT_EXPECT:
			o->have_expect = 1;
			if (size_arg("--expect", optarg, &o->expect))
				return -1;
			break;
		case OPT_KU_EVERY:
			if (size_arg("--keyupdate-every", optarg, &o->ku_every))
				return -1;
			if (!o->ku_every) {
				fprintf(stderr, PROG ": --keyupdate-every must be > 0\n");
				return -1;
			}
			break;
		case OPT_REQUEST_PEER:
			o->request_peer = 1;
			break;
		case OPT_REKEY_BYTES:
			if (size_arg("--rekey-bytes", optarg, &o->rekey_bytes))
				return -1;
			break;
		case OPT_REKEY_RECORDS:
			if (size_arg("--rekey-records", optarg,
				     &o->rekey_records))
				return -1;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_NO_ATTACH:
			o->no_attach = 1;
			break;
		case OPT_SPLICE:
			o->splice = 1;
			break;
		case OPT_SENDFILE:
			o->sendfile = 1;
			break;
		case OPT_SESS_IN:
			o->sess_in = optarg;
			break;
		case OPT_NO_RMS:
			o->no_rms = 1;
			break;
		case OPT_PHA:
			o->pha = 1;
			break;
		case OPT_HOLD:
			o->hold = 1;
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
	if (o->no_attach && (o->ku_every || o->request_peer || o->stats ||
			     o->rekey_bytes || o->rekey_records)) {
		fprintf(stderr,
			"%s: --keyupdate-every, --request-peer, --rekey-*, --stats need ktls_ph: not with --no-attach\n",
			PROG);
		return -1;
	}
	if (o->get && (strchr(o->get, ' ') || strchr(o->get, '\r') ||
		       strchr(o->get, '\n') || o->get[0] != '/')) {
		fprintf(stderr, PROG ": --get: invalid path '%s'\n", o->get);
		return -1;
	}
	return 0;
}

static void ssl_errors(const char *what)
{
	fprintf(stderr, PROG ": %s\n", what);
	ERR_print_errors_fp(stderr);
}

/* The session in PEM file @path, or NULL after a message. */
static SSL_SESSION *read_session(const char *path)
{
	SSL_SESSION *sess;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, PROG ": --sess-in %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	sess = PEM_read_SSL_SESSION(f, NULL, NULL, NULL);
	fclose(f);
	if (!sess)
		ssl_errors("--sess-in: no TLS session (PEM SSL SESSION PARAMETERS) in the file");
	return sess;
}

/* Handshake on fd. Returns 0 with kTLS set up (and attached), or -1. */
static int tls_setup(const struct opts *o, int fd)
{
	struct ktlsph_attach_args opt = { 0 };
	const char *name = o->sni;
	uint8_t rms[KTLSPH_MAX_SECRET];
	SSL_SESSION *sess = NULL;
	char err[512];
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	uint64_t cookie = 0;
	int ret = -1, r;

	/*
	 * ktlsph_ossl_ctx_new(): OpenSSL records the resumption master
	 * secret for ktls_ph (and ktlsph_ossl_capture() is done).
	 */
	ctx = o->no_rms ? SSL_CTX_new(TLS_client_method()) :
			  ktlsph_ossl_ctx_new(TLS_client_method());
	if (!ctx) {
		ssl_errors("creating the SSL_CTX failed");
		return -1;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    (o->ciphersuite && !SSL_CTX_set_ciphersuites(ctx, o->ciphersuite))) {
		ssl_errors("configuring TLS 1.3 failed");
		goto out;
	}
	if (o->insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (o->cafile)
			r = SSL_CTX_load_verify_locations(ctx, o->cafile, NULL);
		else
			r = SSL_CTX_set_default_verify_paths(ctx);
		if (!r) {
			ssl_errors("loading the CA certificates failed");
			goto out;
		}
	}
	/* Keep the traffic secrets, read_ahead off. */
	if (ktlsph_ossl_capture(ctx)) {
		fprintf(stderr, PROG ": ktlsph_ossl_capture failed\n");
		goto out;
	}

	if (o->sess_in) {
		sess = read_session(o->sess_in);
		if (!sess)
			goto out;
	}

	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) ||
	    (sess && !SSL_set_session(ssl, sess))) {
		ssl_errors("SSL_new failed");
		goto out;
	}
	if (!name && !host_is_ip(o->host))
		name = o->host;
	/* as s_client: the session's server name for an address */
	if (!name && sess)
		name = SSL_SESSION_get0_hostname(sess);
	if (o->pha) {
		/* the post_handshake_auth extension in the ClientHello */
		SSL_set_post_handshake_auth(ssl, 1);
		fprintf(stderr, PROG ": offering post_handshake_auth\n");
	}
	if (name && !SSL_set_tlsext_host_name(ssl, name)) {
		ssl_errors("setting the server name failed");
		goto out;
	}
	if (!o->insecure) {
		if (name)
			r = SSL_set1_host(ssl, name);
		else
			r = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
							  o->host);
		if (!r) {
			ssl_errors("setting the name to verify failed");
			goto out;
		}
	}

	r = SSL_connect(ssl);
	if (r != 1) {
		fprintf(stderr, PROG ": TLS handshake failed");
		if (SSL_get_verify_result(ssl) != X509_V_OK)
			fprintf(stderr, ": certificate verification: %s",
				X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		fprintf(stderr, "\n");
		ERR_print_errors_fp(stderr);
		goto out;
	}
	fprintf(stderr, PROG ": handshake done: %s %s%s%s\n",
		SSL_get_version(ssl), SSL_get_cipher_name(ssl),
		name ? ", server name " : "", name ? name : "");
	/* the line s_client prints */
	fprintf(stderr, PROG ": %s, %s, Cipher is %s\n",
		SSL_session_reused(ssl) ? "Reused" : "New",
		SSL_get_version(ssl), SSL_get_cipher_name(ssl));
	r = ktlsph_ossl_resumption_secret(ssl, rms, sizeof(rms));
	OPENSSL_cleanse(rms, sizeof(rms));
	if (!o->no_attach)
		fprintf(stderr,
			PROG ": resumption master secret: %s\n",
			r > 0 ? "given to ktls_ph (the server's tickets get PSKs)" :
			"none (the server's tickets get no PSK)");

	if (o->pha && !o->no_attach) {
		r = ktlsph_ossl_transcript(ssl, NULL, 0, NULL);
		if (r > 0)
			fprintf(stderr,
				PROG ": handshake transcript: %d bytes\n", r);
	}
	opt.rekey_bytes = o->rekey_bytes;
	opt.rekey_records = o->rekey_records;
	r = ktlsph_ossl_attach_ex(ssl, fd, KTLSPH_ROLE_CLIENT, &opt,
				  !o->no_attach, &cookie, err, sizeof(err));
	if (r) {
		fprintf(stderr, PROG ": %s failed: %s (errno %d)\n",
			o->no_attach ? "kTLS setup" : "kTLS setup/ktls_ph attach",
			err, -r);
		goto out;
	}
	if (o->no_attach)
		fprintf(stderr, PROG ": kTLS on (ktls_ph not attached)\n");
	else
		fprintf(stderr,
			PROG ": kTLS on, ktls_ph attached (cookie %llu)\n",
			ULL(cookie));
	if (err[0])	/* a note: attached without post-handshake auth */
		fprintf(stderr, PROG ": %s\n", err);
	ret = 0;
out:
	/* SSL_free() sends nothing: from here on the socket is kTLS's. */
	SSL_free(ssl);
	SSL_SESSION_free(sess);
	SSL_CTX_free(ctx);
	return ret;
}

struct io {
	const struct opts *o;
	int fd;
	/* sending */
	uint8_t txbuf[IO_CHUNK];
	size_t txoff, txlen;	/* unsent bytes in txbuf */
	uint64_t sent;
	uint64_t ku_next;	/* send a KeyUpdate when sent reaches this */
	uint64_t key_updates;
	int src_done;		/* nothing more to send */
	int half_closed;
	int sent_close_notify;
	/* receiving */
	uint8_t rxbuf[IO_CHUNK];
	uint64_t received;
	int rx_done;
	int got_close_notify;
	int failed;
	int pipe[2];		/* --splice */
	int memfd;		/* --sendfile */
	/* --get response header */
	int in_header;
	char hdr[8192];
	size_t hdrlen;
};

static int key_update(struct io *io)
{
	char err[512];
	int ret;

	ret = ktlsph_key_update(io->fd, io->o->request_peer, err, sizeof(err));
	if (ret) {
		fprintf(stderr, PROG ": KeyUpdate failed: %s (errno %d)\n",
			err, -ret);
		return -1;
	}
	io->key_updates++;
	return 0;
}

/* Refill txbuf from the pattern or stdin; never across a KeyUpdate point. */
static void refill(struct io *io, int stdin_ready)
{
	size_t room = sizeof(io->txbuf);
	ssize_t n;

	if (io->txlen || io->src_done)
		return;
	if (io->o->ku_every && io->ku_next - io->sent < room)
		room = io->ku_next - io->sent;
	io->txoff = 0;
	if (io->o->have_send) {
		if (io->o->send - io->sent < room)
			room = io->o->send - io->sent;
		pattern_fill(io->txbuf, io->sent, room);
		io->txlen = room;
		if (!room)
			io->src_done = 1;
		return;
	}
	if (io->o->have_expect) {
		io->src_done = 1;	/* nothing to send */
		return;
	}
	if (!stdin_ready)
		return;
	n = read(0, io->txbuf, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0)
		fprintf(stderr, PROG ": reading stdin: %s\n", strerror(errno));
	if (n <= 0)
		io->src_done = 1;
	else
		io->txlen = n;
}

/* --sendfile: the unsent bytes through a memfd and sendfile() */
static ssize_t send_file(struct io *io)
{
	off_t off = 0;

	if (pwrite(io->memfd, io->txbuf + io->txoff, io->txlen, 0) !=
	    (ssize_t)io->txlen)
		return -1;
	return sendfile(io->fd, io->memfd, &off, io->txlen);
}

static int do_send(struct io *io)
{
	ssize_t n;

	while (io->txlen) {
		if (io->o->sendfile)
			n = send_file(io);
		else
			n = send(io->fd, io->txbuf + io->txoff, io->txlen,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			fprintf(stderr, PROG ": send: %s\n", strerror(errno));
			return -1;
		}
		io->txoff += n;
		io->txlen -= n;
		io->sent += n;
		if (io->o->ku_every && io->sent >= io->ku_next) {
			if (key_update(io))
				return -1;
			io->ku_next += io->o->ku_every;
		}
	}
	return 0;
}

/* Received application data (after the --get header). */
static int sink(struct io *io, const uint8_t *buf, size_t len)
{
	size_t bad;

	if (!io->o->have_expect) {
		if (fwrite(buf, 1, len, stdout) != len) {
			fprintf(stderr, PROG ": writing stdout failed\n");
			return -1;
		}
		fflush(stdout);
		io->received += len;
		return 0;
	}
	if (io->received + len > io->o->expect) {
		fprintf(stderr,
			PROG ": received more than the %llu bytes expected\n",
			ULL(io->o->expect));
		return -1;
	}
	bad = pattern_check(buf, io->received, len);
	if (bad < len) {
		printf("pattern mismatch at offset %llu: got 0x%02x, expected 0x%02x\n",
		       ULL(io->received + bad), buf[bad],
		       pattern_byte(io->received + bad));
		return -1;
	}
	io->received += len;
	return 0;
}

/* Collect the --get response header; pass what follows it to sink(). */
static int on_header(struct io *io, const uint8_t *buf, size_t len)
{
	size_t take = sizeof(io->hdr) - 1 - io->hdrlen;
	char *end;
	size_t used;

	if (take > len)
		take = len;
	memcpy(io->hdr + io->hdrlen, buf, take);
	io->hdrlen += take;
	io->hdr[io->hdrlen] = '\0';
	end = strstr(io->hdr, "\r\n\r\n");
	if (!end) {
		if (io->hdrlen == sizeof(io->hdr) - 1) {
			fprintf(stderr, PROG ": response header too long\n");
			return -1;
		}
		return 0;
	}
	end += 4;
	used = (size_t)(end - io->hdr) - (io->hdrlen - take);
	fprintf(stderr, "%.*s", (int)(end - io->hdr), io->hdr);
	io->in_header = 0;
	if (strncmp(io->hdr, "HTTP/1.", 7) || strncmp(io->hdr + 8, " 200", 4)) {
		fprintf(stderr, PROG ": the server did not answer 200\n");
		if (io->o->have_expect)
			return -1;
	}
	return used < len ? sink(io, buf + used, len - used) : 0;
}

/*
 * --splice: data from the socket into a pipe, then into rxbuf. kTLS
 * splices data records only; anything else (the peer's close_notify)
 * makes splice() fail with EINVAL and is read with recvmsg().
 */
static ssize_t splice_recv(struct io *io, int *type)
{
	ssize_t n, got = 0, r;

	n = splice(io->fd, NULL, io->pipe[1], NULL, sizeof(io->rxbuf),
		   SPLICE_F_NONBLOCK);
	if (n < 0 && errno == EINVAL) {
		n = ktlsph_recv(io->fd, io->rxbuf, sizeof(io->rxbuf), type);
		if (n > 0 && *type != KTLSPH_RT_ALERT) {
			/* with ktls_ph attached, only an alert stops splice */
			fprintf(stderr,
				PROG ": splice() failed (EINVAL) before a record of type %d\n",
				*type);
			return -EPROTO;
		}
		return n;
	}
	if (n < 0)
		return -errno;
	while (got < n) {
		r = read(io->pipe[0], io->rxbuf + got, n - got);
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += r;
	}
	*type = KTLSPH_RT_APPDATA;
	return n;
}

static int do_recv(struct io *io)
{
	ssize_t n;
	int type;

	for (;;) {
		n = io->o->splice ? splice_recv(io, &type) :
			ktlsph_recv(io->fd, io->rxbuf, sizeof(io->rxbuf), &type);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return 0;
		if (n < 0) {
			fprintf(stderr, PROG ": receive: %s\n", strerror(-n));
			if (n == -EKEYEXPIRED)
				fprintf(stderr,
					"%s: (the peer changed its key: without ktls_ph nothing follows it)\n",
					PROG);
			return -1;
		}
		if (n == 0) {
			if (!io->got_close_notify)
				fprintf(stderr,
					PROG ": peer closed the connection without close_notify\n");
			io->rx_done = 1;
			return 0;
		}
		if (type == KTLSPH_RT_ALERT) {
			if (n >= 2 && io->rxbuf[1] == 0) {
				io->got_close_notify = 1;
				io->rx_done = 1;
				return 0;
			}
			fprintf(stderr,
				PROG ": received TLS alert level %u description %u\n",
				io->rxbuf[0], n >= 2 ? io->rxbuf[1] : 0);
			return -1;
		}
		if (type == KTLSPH_RT_HANDSHAKE) {
			/* only seen without ktls_ph, which consumes them */
			if (io->rxbuf[0] == 24) {
				fprintf(stderr,
					"%s: peer sent a KeyUpdate: ktls_ph is not attached, cannot follow it\n",
					PROG);
				return -1;
			}
			fprintf(stderr,
				PROG ": ignoring a post-handshake message (type %u)\n",
				io->rxbuf[0]);
			continue;
		}
		if (type != KTLSPH_RT_APPDATA) {
			fprintf(stderr, PROG ": unexpected record type %d\n",
				type);
			return -1;
		}
		if (io->in_header ? on_header(io, io->rxbuf, n) :
				    sink(io, io->rxbuf, n))
			return -1;
	}
}

static int run_io(const struct opts *o, int fd)
{
	struct io *io;
	struct pollfd pfd[2];
	int nfds, ret = 1, stdin_idx, r;
	char req[1024];
	int len;

	io = calloc(1, sizeof(*io));
	if (!io) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	io->o = o;
	io->fd = fd;
	io->ku_next = o->ku_every;
	io->pipe[0] = -1;
	io->pipe[1] = -1;
	io->memfd = -1;
	if (o->sendfile)
		io->memfd = memfd_create(PROG, 0);
	if ((o->splice && pipe(io->pipe)) || (o->sendfile && io->memfd < 0)) {
		fprintf(stderr, PROG ": pipe/memfd: %s\n", strerror(errno));
		goto out;
	}

	if (o->request_peer && !o->ku_every && key_update(io))
		goto out;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		fprintf(stderr, PROG ": fcntl: %s\n", strerror(errno));
		goto out;
	}
	if (o->get) {
		len = snprintf(req, sizeof(req),
			       "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", o->get,
			       o->sni ? o->sni : o->host);
		if (len < 0 || (size_t)len >= sizeof(req)) {
			fprintf(stderr, PROG ": request too long\n");
			goto out;
		}
		r = send_all(fd, req, len);
		if (r) {
			fprintf(stderr, PROG ": sending the request: %s\n",
				strerror(-r));
			goto out;
		}
		io->in_header = 1;
	}

	while (!io->rx_done) {
		refill(io, 0);
		if (io->src_done && !io->txlen && !io->half_closed) {
			if (!o->hold && (o->have_send || !o->have_expect)) {
				close_notify(fd);
				io->sent_close_notify = 1;
			}
			io->half_closed = 1;
		}
		nfds = 0;
		stdin_idx = -1;
		pfd[nfds].fd = fd;
		pfd[nfds].events = POLLIN | (io->txlen ? POLLOUT : 0);
		nfds++;
		if (!o->have_send && !o->have_expect && !io->src_done &&
		    !io->txlen) {
			stdin_idx = nfds;
			pfd[nfds].fd = 0;
			pfd[nfds].events = POLLIN;
			nfds++;
		}
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			goto out;
		}
		if (stdin_idx >= 0 && pfd[stdin_idx].revents)
			refill(io, 1);
		if (io->txlen && (pfd[0].revents & (POLLOUT | POLLERR)) &&
		    do_send(io))
			goto out;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    do_recv(io))
			goto out;
	}

	/*
	 * The server ended first: answer its close_notify with ours. A
	 * KeyUpdate ktls_ph still owes the server (its update_requested)
	 * goes out before it.
	 */
	if (io->got_close_notify && !io->sent_close_notify) {
		close_notify(fd);
		io->sent_close_notify = 1;
	}
	ret = 0;
	if (o->have_send && io->sent < o->send) {
		fprintf(stderr,
			PROG ": peer closed after %llu of %llu bytes sent\n",
			ULL(io->sent), ULL(o->send));
		ret = 1;
	}
	if (o->have_send)
		fprintf(stderr,
			PROG ": sent %llu bytes, %llu KeyUpdates\n",
			ULL(io->sent), ULL(io->key_updates));
	if (o->get && io->in_header) {
		fprintf(stderr, PROG ": connection closed in the response header\n");
		ret = 1;
	}
	if (o->have_expect) {
		if (io->received == o->expect) {
			printf("received %llu bytes, pattern OK\n",
			       ULL(io->received));
		} else {
			printf("received %llu of %llu bytes expected\n",
			       ULL(io->received), ULL(o->expect));
			ret = 1;
		}
	}
out:
	if (o->stats) {
		struct ktlsph_stats st;
		char err[512], line[512];

		r = ktlsph_get(fd, &st, err, sizeof(err));
		if (r) {
			fprintf(stderr, PROG ": ktls_ph get failed: %s\n", err);
			ret = 1;
		} else {
			ktlsph_stats_format(&st, line, sizeof(line));
			fprintf(stderr, PROG ": stats: %s\n", line);
		}
	}
	if (io->pipe[0] >= 0) {
		close(io->pipe[0]);
		close(io->pipe[1]);
	}
	if (io->memfd >= 0)
		close(io->memfd);
	free(io);
	return ret;
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
	ret = run_io(&o, fd);
	close(fd);
	return ret;
}
