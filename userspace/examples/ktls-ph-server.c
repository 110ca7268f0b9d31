// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph-server: a small TLS 1.3 HTTP/1.0 server that hands every
 * connection to kTLS and ktls_ph right after the OpenSSL handshake and then
 * serves it with plain read()/write(). See print_usage() and
 * Documentation/libktlsph.md.
 */
#define _GNU_SOURCE	/* memmem() */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common.h"
#include "ktlsph.h"

#define PROG		"ktls-ph-server"
#define MAX_BYTES	((uint64_t)1 << 40)	/* largest /bytes/N */
#define IO_TIMEOUT	60		/* seconds without progress */
#define PHA_TIMEOUT	10000		/* ms, GET /pha */

struct opts {
	const char *cert;
	const char *key;
	const char *port;
	const char *bind;
	const char *ciphersuites;
	int once;
	int no_attach;
	int stats;
	uint64_t rekey_records;
	uint64_t rekey_bytes;
	int pha_timeout;
};

/* One connection after the handshake. */
struct conn {
	const struct opts *o;
	int fd;
	int attached;
	uint64_t cookie;
	char peer[INET6_ADDRSTRLEN + 8];
	char version[16];
	char cipher[64];
	char sni[256];
	/* request header, then any body bytes that came with it */
	char req[8192];
	size_t reqlen;
	size_t hdrlen;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --cert CERT --key KEY [options]\n"
		"\n"
		"TLS 1.3 server: OpenSSL handshake, then kTLS on the socket and ktls_ph\n"
		"attached to it; after that only plain read()/write(). Speaks HTTP/1.0\n"
		"like `openssl s_server -www`, one request per connection:\n"
		"\n"
		"  GET /                   200, a text page: protocol, cipher, ktls_ph\n"
		"                          state and counters\n"
		"  GET /stats              200, text/plain: the ktls_ph counters as\n"
		"                          key=value on one line\n"
		"  GET /keyupdate          send a KeyUpdate (ktls_ph key-update), then\n"
		"                          answer 200 under the new key\n"
		"  GET /keyupdate-request  the same with update_requested set\n"
		"  GET /bytes/N            200, Content-length: N, body: N bytes of the\n"
		"                          test pattern (byte i is (i*131 + i/251) & 0xff)\n"
		"  GET /echo               200 with no Content-length, then every byte the\n"
		"                          client sends after its request header (the\n"
		"                          blank line) is echoed back until the client's\n"
		"                          close_notify (or EOF); then the server closes\n"
		"  GET /pha                post-handshake client authentication: send a\n"
		"                          CertificateRequest (ktls_ph pha-request; the\n"
		"                          client must have offered post_handshake_auth,\n"
		"                          ktls-phd checks its answer), wait up to\n"
		"                          --pha-timeout for the verdict, then answer\n"
		"                          text/plain, one line:\n"
		"                            pha: verdict=V alert=A subject=S\n"
		"                          with 200 if V is ok, else 403 (S: the client\n"
		"                          certificate's subject, RFC 2253, or -); when\n"
		"                          the request fails: 403 (client did not offer\n"
		"                          it) or 500, \"pha: request failed: REASON\";\n"
		"                          the same line is logged on stderr, and when\n"
		"                          the connection ended first (a fatal alert)\n"
		"                          only logged, with \"(connection closed: ...)\"\n"
		"\n"
		"Anything else: 404; methods other than GET: 501. After the response the\n"
		"server sends close_notify and closes. The /keyupdate and /pha paths\n"
		"answer 503 with --no-attach.\n"
		"\n"
		"options:\n"
		"  --cert FILE          certificate chain (PEM)\n"
		"  --key FILE           private key (PEM)\n"
		"  --port PORT          port to listen on (default 4433; 0: any, printed)\n"
		"  --bind ADDR          address to listen on (default: all)\n"
		"  --ciphersuites LIST  TLS 1.3 suites to accept (OpenSSL syntax)\n"
		"  --rekey-bytes N      module sends KeyUpdates by itself every N bytes\n"
		"  --rekey-records N    ... or every N records\n"
		"  --once               serve one connection in the foreground, then exit\n"
		"                       with its status (0 OK, 1 failure)\n"
		"  --stats              log each connection's ktls_ph counters on stderr\n"
		"                       when it ends (after the client's close_notify)\n"
		"  --no-attach          configure kTLS but do not attach ktls_ph\n"
		"  --pha-timeout MS     GET /pha: wait this long for the verdict\n"
		"                       (default 10000)\n"
		"  -h, --help           this text\n"
		"\n"
		"Prints \"listening on port P\" on stdout when ready. Without --once a\n"
		"child process serves each connection.\n");
}

enum {
	OPT_CERT = 256, OPT_KEY, OPT_PORT, OPT_BIND, OPT_CIPHERSUITES,
	OPT_REKEY_BYTES, OPT_REKEY_RECORDS, OPT_ONCE, OPT_NO_ATTACH, OPT_STATS,
	OPT_PHA_TIMEOUT,
};

static const struct option longopts[] = {
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "ciphersuites", required_argument, NULL, OPT_CIPHERSUITES },
	{ "rekey-bytes", required_argument, NULL, OPT_REKEY_BYTES },
	{ "rekey-records", required_argument, NULL, OPT_REKEY_RECORDS },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "no-attach", no_argument, NULL, OPT_NO_ATTACH },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "pha-timeout", required_argument, NULL, OPT_PHA_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->port = "4433";
	o->pha_timeout = PHA_TIMEOUT;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CERT:
			o->cert = optarg;
			break;
		case OPT_KEY:
			o->key = optarg;
			break;
		case OPT_PORT:
			o->port = optarg;
			break;
		case OPT_BIND:
			o->bind = optarg;
			break;
		case OPT_CIPHERSUITES:
			o->ciphersuites = optarg;
			break;
		case OPT_REKEY_BYTES:
		case OPT_REKEY_RECORDS:
			if (parse_size(optarg, c == OPT_REKEY_BYTES ?
					       &o->rekey_bytes :
					       &o->rekey_records)) {
				fprintf(stderr, PROG ": invalid count '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_ONCE:
			o->once = 1;
			break;
		case OPT_NO_ATTACH:
			o->no_attach = 1;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_PHA_TIMEOUT:
			if (parse_size(optarg, &v) || v > 3600000) {
				fprintf(stderr,
					PROG ": --pha-timeout: invalid milliseconds '%s'\n",
					optarg);
				return -1;
			}
			o->pha_timeout = (int)v;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->cert || !o->key) {
		print_usage(stderr);
		return -1;
	}
	if (o->no_attach && (o->rekey_bytes || o->rekey_records || o->stats)) {
		fprintf(stderr, PROG ": --rekey-*, --stats need ktls_ph: not with --no-attach\n");
		return -1;
	}
	return 0;
}

static int tcp_listen(const struct opts *o)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct addrinfo *res, *ai;
	int fd = -1, ret, one = 1, zero = 0, e = 0;
	unsigned int port;

	ret = getaddrinfo(o->bind, o->port, &hints, &res);
	if (ret) {
		fprintf(stderr, PROG ": %s port %s: %s\n",
			o->bind ? o->bind : "*", o->port, gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
				   sizeof(zero));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 16))
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, PROG ": listen on port %s: %s\n", o->port,
			strerror(e));
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen))
		port = 0;
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	printf("listening on port %u\n", port);
	fflush(stdout);
	return fd;
}

/* Certificate chain and private key from PEM files (SSL_CONF commands). */
static int load_cert_key(SSL_CTX *ctx, const struct opts *o)
{
	SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
	int ret = -1;

	if (!cctx)
		return -1;
	SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER |
			       SSL_CONF_FLAG_CERTIFICATE);
	SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
	if (SSL_CONF_cmd(cctx, "Certificate", o->cert) == 2 &&
	    SSL_CONF_cmd(cctx, "PrivateKey", o->key) == 2 &&
	    SSL_CONF_CTX_finish(cctx) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1)
		ret = 0;
	SSL_CONF_CTX_free(cctx);
	return ret;
}

static SSL_CTX *make_ctx(const struct opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		goto err;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    (o->ciphersuites &&
	     !SSL_CTX_set_ciphersuites(ctx, o->ciphersuites)))
		goto err;
	if (load_cert_key(ctx, o)) {
		fprintf(stderr, PROG ": cannot use certificate %s with key %s\n",
			o->cert, o->key);
		goto err;
	}
	/*
	 * No NewSessionTickets: the handover to kTLS assumes no record was
	 * sent under the server's application key yet.
	 */
	if (!SSL_CTX_set_num_tickets(ctx, 0))
		goto err;
	if (ktlsph_ossl_capture(ctx))	/* also turns read-ahead off */
		goto err;
	return ctx;
err:
	fprintf(stderr, PROG ": setting up OpenSSL failed\n");
	ERR_print_errors_fp(stderr);
	SSL_CTX_free(ctx);
	return NULL;
}

__attribute__((format(printf, 2, 3)))
static void logc(const struct conn *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": [%d] %s: ", (int)getpid(), c->peer);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* The TLS handshake and handover. Returns 0 or -1. */
static int tls_accept(SSL_CTX *ctx, struct conn *c)
{
	struct ktlsph_attach_args opt = { 0 };
	const char *sni;
	char err[512];
	SSL *ssl;
	int ret = -1, r, pha = 0;

	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, c->fd)) {
		logc(c, "SSL_new failed");
		goto out;
	}
	r = SSL_accept(ssl);
	if (r != 1) {
		logc(c, "TLS handshake failed");
		ERR_print_errors_fp(stderr);
		goto out;
	}
	snprintf(c->version, sizeof(c->version), "%s", SSL_get_version(ssl));
	snprintf(c->cipher, sizeof(c->cipher), "%s", SSL_get_cipher_name(ssl));
	sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	snprintf(c->sni, sizeof(c->sni), "%s", sni ? sni : "");
	logc(c, "handshake done: %s %s%s%s", c->version, c->cipher,
	     sni ? ", server name " : "", sni ? sni : "");

	/* whether the client offered post_handshake_auth (GET /pha) */
	ktlsph_ossl_transcript(ssl, NULL, 0, &pha);
	opt.rekey_bytes = c->o->rekey_bytes;
	opt.rekey_records = c->o->rekey_records;
	r = ktlsph_ossl_attach_ex(ssl, c->fd, KTLSPH_ROLE_SERVER, &opt,
				  !c->o->no_attach, &c->cookie, err,
				  sizeof(err));
	if (r) {
		logc(c, "%s failed: %s (errno %d)",
		     c->o->no_attach ? "kTLS setup" : "kTLS setup/ktls_ph attach",
		     err, -r);
		goto out;
	}
	c->attached = !c->o->no_attach;
	if (err[0])	/* a note: attached without the transcript */
		logc(c, "%s", err);
	if (c->attached)
		logc(c, "kTLS on, ktls_ph attached (cookie %llu)%s",
		     ULL(c->cookie), pha ?
		     ", the client offered post_handshake_auth" : "");
	else
		logc(c, "kTLS on (ktls_ph not attached)");
	ret = 0;
out:
	SSL_free(ssl);	/* sends nothing */
	return ret;
}

/*
 * Receive application data. Returns the byte count, 0 at the end of the
 * client's stream (close_notify or EOF), -1 on error.
 */
static ssize_t conn_recv(struct conn *c, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;
	int type;

	for (;;) {
		n = ktlsph_recv(c->fd, buf, len, &type);
		if (n < 0) {
			logc(c, "receive: %s", strerror(-n));
			return -1;
		}
		if (n == 0 || type == KTLSPH_RT_APPDATA)
			return n;
		if (type == KTLSPH_RT_ALERT && n >= 2 && p[1] == 0)
			return 0;	/* close_notify */
		if (type == KTLSPH_RT_ALERT) {
			logc(c, "received TLS alert %u/%u", p[0],
			     n >= 2 ? p[1] : 0);
			return -1;
		}
		if (type == KTLSPH_RT_HANDSHAKE && p[0] != 24) {
			logc(c, "ignoring post-handshake message type %u",
			     p[0]);
			continue;
		}
		logc(c, "received record type %d%s: cannot handle it", type,
		     type == KTLSPH_RT_HANDSHAKE ? " (KeyUpdate)" : "");
		return -1;
	}
}

static int conn_send(struct conn *c, const void *buf, size_t len)
{
	int ret = send_all(c->fd, buf, len);

	if (ret)
		logc(c, "send: %s", strerror(-ret));
	return ret;
}

__attribute__((format(printf, 2, 3)))
static int conn_printf(struct conn *c, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	return conn_send(c, buf, n);
}

static int simple(struct conn *c, const char *status, const char *body)
{
	return conn_printf(c,
			   "HTTP/1.0 %s\r\nContent-type: text/plain\r\n\r\n%s",
			   status, body);
}

static void stats_line(struct conn *c, char *buf, size_t len)
{
	struct ktlsph_stats st;
	char err[256];
	int ret;

	if (!c->attached) {
		snprintf(buf, len, "ktls_ph not attached");
		return;
	}
	ret = ktlsph_get(c->fd, &st, err, sizeof(err));
	if (ret) {
		snprintf(buf, len, "ktls_ph get failed: %s", err);
		return;
	}
	ktlsph_stats_format(&st, buf, len);
}

static int page_root(struct conn *c)
{
	char stats[512];

	stats_line(c, stats, sizeof(stats));
	return conn_printf(c,
			   "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n"
			   "<HTML><BODY BGCOLOR=\"#ffffff\">\n<pre>\n\n"
			   "Protocol version: %s\n"
			   "Cipher is %s\n"
			   "Server name: %s\n"
			   "kTLS: on\n"
			   "ktls_ph: %s\n"
			   "%s\n"
			   "</pre></BODY></HTML>\r\n\r\n",
			   c->version, c->cipher, c->sni[0] ? c->sni : "(none)",
			   c->attached ? "attached" : "not attached", stats);
}

static int page_stats(struct conn *c)
{
	char stats[512];

	if (!c->attached)
		return simple(c, "503 ktls_ph not attached",
			      "ktls_ph not attached\n");
	stats_line(c, stats, sizeof(stats));
	return conn_printf(c,
			   "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n%s\n",
			   stats);
}

static int page_keyupdate(struct conn *c, int request_peer)
{
	char err[512], stats[512];
	int ret;

	if (!c->attached)
		return simple(c, "503 ktls_ph not attached",
			      "ktls_ph not attached\n");
	ret = ktlsph_key_update(c->fd, request_peer, err, sizeof(err));
	if (ret) {
		logc(c, "KeyUpdate failed: %s", err);
		return conn_printf(c,
				   "HTTP/1.0 500 KeyUpdate failed\r\nContent-type: text/plain\r\n\r\nKeyUpdate failed: %s\n",
				   err);
	}
	stats_line(c, stats, sizeof(stats));
	return conn_printf(c,
			   "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nKeyUpdate sent (request_peer=%d)\n%s\n",
			   request_peer, stats);
}

/* The subject of the DER certificate @der (RFC 2253), or "-". */
static void cert_subject(const uint8_t *der, size_t len, char *buf,
			 size_t buflen)
{
	const unsigned char *p = der;
	X509 *x = NULL;
	BIO *bio;
	int n;

	snprintf(buf, buflen, "-");
	if (der && len)
		x = d2i_X509(NULL, &p, (long)len);
	if (!x)
		return;
	bio = BIO_new(BIO_s_mem());
	if (bio && X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
				      XN_FLAG_RFC2253) >= 0) {
		n = BIO_read(bio, buf, (int)buflen - 1);
		buf[n > 0 ? n : 0] = '\0';
		if (n <= 0)
			snprintf(buf, buflen, "-");
	}
	BIO_free(bio);
	X509_free(x);
}

/*
 * GET /pha: authenticate the client now (post-handshake authentication,
 * RFC 8446 4.6.2), then report the verdict.
 */
static int page_pha(struct conn *c)
{
	struct ktlsph_pha_result res;
	char err[512], subject[512];
	int ret;

	if (!c->attached)
		return simple(c, "503 ktls_ph not attached",
			      "ktls_ph not attached\n");
	ret = ktlsph_pha_request(c->fd, err, sizeof(err));
	if (ret) {
		logc(c, "pha: request failed: %s", err);
		return conn_printf(c,
				   "HTTP/1.0 %s\r\nContent-type: text/plain\r\n\r\npha: request failed: %s\n",
				   ret == -EOPNOTSUPP ? "403 forbidden" :
				   "500 pha-request failed", err);
	}
	logc(c, "pha: CertificateRequest sent, waiting up to %d ms",
	     c->o->pha_timeout);
	ret = ktlsph_pha_wait(c->fd, c->o->pha_timeout, &res, err,
			      sizeof(err));
	cert_subject(res.peer_cert, res.peer_cert_len, subject,
		     sizeof(subject));
	if (ret && ret != -ETIMEDOUT && ret != -EAGAIN) {
		/* the connection ended first (a fatal alert, or the client) */
		logc(c, "pha: verdict=%s alert=%u subject=%s (connection closed: %s)",
		     ktlsph_pha_verdict_name(res.verdict), res.alert, subject,
		     err);
		ktlsph_pha_result_free(&res);
		return -1;
	}
	if (ret)
		logc(c, "pha: %s", err);
	logc(c, "pha: verdict=%s alert=%u subject=%s",
	     ktlsph_pha_verdict_name(res.verdict), res.alert, subject);
	if (res.alert) {
		/* ktls_ph ended the connection with a fatal alert */
		logc(c, "pha: connection closed by the alert");
		ktlsph_pha_result_free(&res);
		return -1;
	}
	ret = conn_printf(c,
			  "HTTP/1.0 %s\r\nContent-type: text/plain\r\n\r\npha: verdict=%s alert=%u subject=%s\n",
			  res.verdict == KTLSPH_PHA_OK ? "200 ok" :
			  "403 forbidden",
			  ktlsph_pha_verdict_name(res.verdict), res.alert,
			  subject);
	ktlsph_pha_result_free(&res);
	return ret;
}

static int page_bytes(struct conn *c, const char *arg)
{
	uint8_t buf[IO_CHUNK];
	uint64_t n, off;
	size_t len;
	char *end;

	if (*arg < '0' || *arg > '9')
		return simple(c, "404 not found", "bad byte count\n");
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno || *end || n > MAX_BYTES)
		return simple(c, "404 not found", "bad byte count\n");
	if (conn_printf(c,
			"HTTP/1.0 200 ok\r\nContent-type: application/octet-stream\r\n"
			"Content-length: %llu\r\n\r\n", ULL(n)))
		return -1;
	for (off = 0; off < n; off += len) {
		len = n - off < sizeof(buf) ? n - off : sizeof(buf);
		pattern_fill(buf, off, len);
		if (conn_send(c, buf, len))
			return -1;
	}
	return 0;
}

static int page_echo(struct conn *c)
{
	uint8_t buf[IO_CHUNK];
	uint64_t total;
	ssize_t n;

	if (conn_printf(c,
			"HTTP/1.0 200 ok\r\nContent-type: application/octet-stream\r\n\r\n"))
		return -1;
	/* bytes that came with the request header */
	total = c->reqlen - c->hdrlen;
	if (total && conn_send(c, c->req + c->hdrlen, total))
		return -1;
	for (;;) {
		n = conn_recv(c, buf, sizeof(buf));
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (conn_send(c, buf, n))
			return -1;
		total += n;
	}
	logc(c, "echoed %llu bytes", ULL(total));
	return 0;
}

/*
 * Read the request header into c->req (NUL-terminated after the bytes
 * received, which may include the start of a body). Returns 0, or -1
 * (logged).
 */
static int read_request(struct conn *c)
{
	char *end;
	ssize_t n;

	for (;;) {
		c->req[c->reqlen] = '\0';
		end = memmem(c->req, c->reqlen, "\r\n\r\n", 4);
		if (end) {
			c->hdrlen = end + 4 - c->req;
			if (memchr(c->req, '\0', c->hdrlen)) {
				logc(c, "NUL byte in the request header");
				return -1;
			}
			return 0;
		}
		if (c->reqlen == sizeof(c->req) - 1) {
			logc(c, "request header too long");
			return -1;
		}
		n = conn_recv(c, c->req + c->reqlen,
			      sizeof(c->req) - 1 - c->reqlen);
		if (n <= 0) {
			if (n == 0)
				logc(c, "connection closed before a full request");
			return -1;
		}
		c->reqlen += n;
	}
}

static int serve(struct conn *c)
{
	char method[16], path[1024];
	int ret;

	if (read_request(c))
		return -1;
	if (sscanf(c->req, "%15s %1023s", method, path) != 2) {
		logc(c, "malformed request");
		simple(c, "400 bad request", "bad request\n");
		return -1;
	}
	logc(c, "%s %s", method, path);
	if (strcmp(method, "GET"))
		return simple(c, "501 not implemented", "only GET\n");
	if (!strcmp(path, "/"))
		ret = page_root(c);
	else if (!strcmp(path, "/stats"))
		ret = page_stats(c);
	else if (!strcmp(path, "/keyupdate"))
		ret = page_keyupdate(c, 0);
	else if (!strcmp(path, "/keyupdate-request"))
		ret = page_keyupdate(c, 1);
	else if (!strncmp(path, "/bytes/", 7))
		ret = page_bytes(c, path + 7);
	else if (!strcmp(path, "/echo"))
		ret = page_echo(c);
	else if (!strcmp(path, "/pha"))
		ret = page_pha(c);
	else
		ret = simple(c, "404 not found", "not found\n");
	return ret;
}

/*
 * The orderly end: close_notify, then wait (a little) for the client's end
 * of the stream so that closing does not reset the connection while the
 * response is still in flight.
 */
static void finish(struct conn *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	struct timeval tv = { .tv_sec = 2 };
	uint8_t buf[IO_CHUNK];
	ssize_t n;
	int type;

	close_notify(c->fd);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (poll(&pfd, 1, 2000) > 0) {
		n = ktlsph_recv(c->fd, buf, sizeof(buf), &type);
		if (n <= 0 || type == KTLSPH_RT_ALERT)
			break;
	}
}

static int handle(SSL_CTX *ctx, const struct opts *o, int fd,
		  const struct sockaddr_storage *ss)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT };
	char addr[INET6_ADDRSTRLEN] = "?";
	struct conn *c;
	unsigned int port = 0;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return 1;
	}
	c->o = o;
	c->fd = fd;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		port = ntohs(s6->sin6_port);
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		port = ntohs(s4->sin_port);
	}
	snprintf(c->peer, sizeof(c->peer), "%s:%u", addr, port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	ret = tls_accept(ctx, c) ? 1 : 0;
	if (!ret) {
		ret = serve(c) ? 1 : 0;
		finish(c);
		if (o->stats) {
			char stats[512];

			stats_line(c, stats, sizeof(stats));
			logc(c, "stats: %s", stats);
		}
	}
	close(fd);
	logc(c, "closed (%s)", ret ? "failed" : "ok");
	free(c);
	return ret;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct opts o;
	SSL_CTX *ctx;
	int lfd, fd, ret;
	pid_t pid;

	if (parse_args(argc, argv, &o))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	/* children are reaped automatically */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);

	ctx = make_ctx(&o);
	if (!ctx)
		return 1;
	lfd = tcp_listen(&o);
	if (lfd < 0) {
		SSL_CTX_free(ctx);
		return 1;
	}
	for (;;) {
		sslen = sizeof(ss);
		fd = accept(lfd, (struct sockaddr *)&ss, &sslen);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
			ret = 1;
			break;
		}
		if (o.once) {
			close(lfd);
			lfd = -1;
			ret = handle(ctx, &o, fd, &ss);
			break;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
			close(fd);
			continue;
		}
		if (pid == 0) {
			close(lfd);
			ret = handle(ctx, &o, fd, &ss);
			SSL_CTX_free(ctx);
			_exit(ret);
		}
		close(fd);
	}
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);
	return ret;
}
