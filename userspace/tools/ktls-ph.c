// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph: inspect and drive ktls_ph from the command line.
 *
 *   ktls-ph list                      one line per attached socket (in this
 *                                     network namespace): cookie, role,
 *                                     cipher suite and counters
 *   ktls-ph get PID FD                the same line for one socket
 *   ktls-ph key-update [--request-peer] PID FD
 *                                     send a KeyUpdate on it now
 *   ktls-ph detach PID FD             detach ktls_ph from it
 *   ktls-ph pha-request PID FD        ask the client of that server socket
 *                                     for a certificate (post-handshake
 *                                     authentication)
 *   ktls-ph ticket get [--store DIR] (--peer HOST:PORT |
 *                      --server-name NAME --port PORT) [--out FILE]
 *                      [--remove]
 *                                     the freshest valid ticket ktls-phd
 *                                     stored for a server, as the PEM
 *                                     "SSL SESSION PARAMETERS" that
 *                                     `openssl s_client -sess_in` reads
 *   ktls-ph ticket list [--store DIR] [--all]
 *                                     the stored tickets (no secrets)
 *
 * The ktls_ph netlink API names a socket by a file descriptor of the
 * calling process. To act on the socket another process owns (PID, its file
 * descriptor FD), ktls-ph takes a duplicate of that descriptor with
 * pidfd_open(2) + pidfd_getfd(2) (Linux 5.6 or later), which needs
 * PTRACE_MODE_ATTACH_REALCREDS over the process (root/CAP_SYS_PTRACE, or
 * the same user where ptrace is allowed), and passes its own duplicate to
 * libktlsph. The ticket commands read ktls-phd's ticket store (daemon/store.h)
 * and need no kernel module. See Documentation/ktls-ph.md and
 * Documentation/ktls-phd.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "ktlsph.h"
#include "ktlsph_ticket.h"
#include "config.h"
#include "log.h"
#include "store.h"

#define PROG	"ktls-ph"

/* Same numbers on every architecture but alpha (which has 544, 548). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " list\n"
		"       " PROG " get PID FD\n"
		"       " PROG " key-update [--request-peer] PID FD\n"
		"       " PROG " detach PID FD\n"
		"       " PROG " pha-request PID FD\n"
		"       " PROG " ticket get [--store DIR] (--peer HOST:PORT |\n"
		"                  --server-name NAME --port PORT) [--out FILE] [--remove]\n"
		"       " PROG " ticket list [--store DIR] [--all]\n"
		"\n"
		"  list        one line per socket ktls_ph is attached to (in this\n"
		"              network namespace):\n"
		"              cookie=N role=client|server suite=NAME rx_rekeys=N\n"
		"              tx_rekeys=N update_requested=N auto_rekeys=N\n"
		"              tx_records=N tx_bytes=N hs_records=N tickets=N\n"
		"              pha_requests=N pha_answered=N pha_declined=N\n"
		"              pha_timeouts=N pha_verdict=NAME pha_alert=N\n"
		"  get         the same line for the socket that is file descriptor\n"
		"              FD of process PID\n"
		"  key-update  send a TLS 1.3 KeyUpdate on that socket now;\n"
		"              --request-peer sets update_requested, asking the\n"
		"              peer to update its send key too\n"
		"  detach      stop ktls_ph on that socket (it goes on as plain\n"
		"              kTLS; the secrets are wiped)\n"
		"  pha-request send a CertificateRequest on that server socket\n"
		"              (post-handshake authentication; the client must have\n"
		"              offered post_handshake_auth, ktls-phd checks the\n"
		"              answer when the owner reads the socket); the outcome\n"
		"              shows as pha_verdict in get\n"
		"  ticket get  write the freshest valid ticket ktls-phd stored for\n"
		"              a server as PEM \"SSL SESSION PARAMETERS\" (for\n"
		"              openssl s_client -sess_in) to FILE or stdout;\n"
		"              HOST is a server name or an IP address ([v6]:port);\n"
		"              --remove deletes it from the store (use tickets once)\n"
		"  ticket list one line per stored valid ticket (--all: expired\n"
		"              ones too), no secrets\n"
		"              DIR defaults to " PHD_DEFAULT_STORE "\n"
		"\n"
		"PID FD: the socket's owner and its descriptor number there (see\n"
		"ls -l /proc/PID/fd). " PROG " duplicates it with pidfd_getfd(2),\n"
		"which needs ptrace access to PID: root (CAP_SYS_PTRACE), or the\n"
		"same user where ptrace is allowed. Exit status 0 on success, 1 on\n"
		"any error (the reason, with the kernel's message, on stderr), also\n"
		"when ticket get finds no valid ticket.\n");
}

static int print_one(const struct ktlsph_stats *st, void *arg)
{
	char line[512];

	(void)arg;
	ktlsph_stats_format(st, line, sizeof(line));
	printf("%s\n", line);
	return 0;
}

/* A decimal number in [min, INT_MAX], or -1. */
static int parse_num(const char *s, int min)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > INT_MAX)
		return -1;
	return (int)v;
}

/*
 * Duplicate file descriptor @fd of process @pid into this process. Returns
 * the new descriptor, or -1 after printing why on stderr (prefixed @cmd).
 */
static int grab_fd(const char *cmd, int pid, int fd)
{
	char path[64], target[256];
	struct stat st;
	int pidfd, nfd, e;
	ssize_t n;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		e = errno;
		if (e == ESRCH)
			fprintf(stderr, PROG ": %s: no process with pid %d\n",
				cmd, pid);
		else if (e == ENOENT || e == EINVAL)	/* newer, older kernels */
			fprintf(stderr, PROG ": %s: pid %d: %s (%s)\n", cmd,
				pid, "a thread, not a process: give the process id",
				strerror(e));
		else
			fprintf(stderr, PROG ": %s: pidfd_open(%d): %s\n", cmd,
				pid, strerror(e));
		return -1;
	}
	nfd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	e = errno;
	close(pidfd);
	if (nfd < 0) {
		switch (e) {
		case EPERM:
			fprintf(stderr, PROG ": %s: pid %d fd %d: %s: %s\n", cmd,
				pid, fd, strerror(e),
				"pidfd_getfd(2) needs PTRACE_MODE_ATTACH_REALCREDS over the process (run as root, or as its user where ptrace is allowed, e.g. Yama ptrace_scope 0)");
			break;
		case EBADF:
			fprintf(stderr,
				PROG ": %s: pid %d has no file descriptor %d (%s)\n",
				cmd, pid, fd, strerror(e));
			break;
		case ESRCH:
			fprintf(stderr, PROG ": %s: pid %d is exiting (%s)\n",
				cmd, pid, strerror(e));
			break;
		default:
			fprintf(stderr, PROG ": %s: pid %d fd %d: pidfd_getfd: %s\n",
				cmd, pid, fd, strerror(e));
		}
		return -1;
	}
	if (fstat(nfd, &st)) {
		fprintf(stderr, PROG ": %s: pid %d fd %d: fstat: %s\n", cmd, pid,
			fd, strerror(errno));
		close(nfd);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", nfd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		fprintf(stderr, PROG ": %s: pid %d fd %d: %s (it is %s)\n", cmd,
			pid, fd, strerror(ENOTSOCK), n > 0 ? target : "?");
		close(nfd);
		return -1;
	}
	return nfd;
}

enum cmd { CMD_GET, CMD_KEY_UPDATE, CMD_DETACH, CMD_PHA_REQUEST };

/* get, key-update, detach, pha-request: @argv holds the arguments. */
static int sock_cmd(enum cmd cmd, const char *name, int argc, char **argv)
{
	struct ktlsph_stats st;
	char err[512], line[512];
	int request_peer = 0, npos = 0, i, pid, fd, nfd, ret;
	const char *pos[2];

	for (i = 0; i < argc; i++) {
		if (cmd == CMD_KEY_UPDATE && !strcmp(argv[i], "--request-peer")) {
			request_peer = 1;
			continue;
		}
		if (argv[i][0] == '-' || npos == 2) {
			fprintf(stderr, PROG ": %s: unexpected argument '%s'\n",
				name, argv[i]);
			print_usage(stderr);
			return 1;
		}
		pos[npos++] = argv[i];
	}
	if (npos != 2) {
		fprintf(stderr, PROG ": %s: needs PID and FD\n", name);
		print_usage(stderr);
		return 1;
	}
	pid = parse_num(pos[0], 1);
	fd = parse_num(pos[1], 0);
	if (pid < 0 || fd < 0) {
		fprintf(stderr, PROG ": %s: invalid %s '%s'\n", name,
			pid < 0 ? "PID" : "FD", pid < 0 ? pos[0] : pos[1]);
		return 1;
	}

	nfd = grab_fd(name, pid, fd);
	if (nfd < 0)
		return 1;
	switch (cmd) {
	case CMD_GET:
		ret = ktlsph_get(nfd, &st, err, sizeof(err));
		break;
	case CMD_KEY_UPDATE:
		ret = ktlsph_key_update(nfd, request_peer, err, sizeof(err));
		break;
	case CMD_PHA_REQUEST:
		ret = ktlsph_pha_request(nfd, err, sizeof(err));
		break;
	default:
		ret = ktlsph_detach(nfd, err, sizeof(err));
	}
	close(nfd);
	if (ret < 0) {
		fprintf(stderr, PROG ": %s: pid %d fd %d: %s (errno %d)\n", name,
			pid, fd, err, -ret);
		return 1;
	}
	if (cmd == CMD_GET) {
		ktlsph_stats_format(&st, line, sizeof(line));
		printf("%s\n", line);
	}
	return 0;
}

/* ---- ticket get / ticket list: ktls-phd's ticket store ------------- */

/*
 * --peer HOST:PORT: an IPv4 address, "[IPv6]" or a server name, then the
 * port. Fills @peer (address and port) or @name (server name).
 */
static int parse_peer(const char *arg, struct phd_peer *peer, char *name,
		      size_t namelen)
{
	const char *colon, *host = arg, *port;
	char buf[256];
	size_t hlen;
	int p;

	if (arg[0] == '[') {
		colon = strstr(arg, "]:");
		if (!colon)
			return -1;
		host = arg + 1;
		hlen = (size_t)(colon - host);
		port = colon + 2;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - arg);
		port = colon + 1;
	}
	p = parse_num(port, 1);
	if (!hlen || hlen >= sizeof(buf) || p < 0 || p > 65535)
		return -1;
	memcpy(buf, host, hlen);
	buf[hlen] = '\0';
	memset(peer, 0, sizeof(*peer));
	peer->port = (uint16_t)p;
	name[0] = '\0';
	if (inet_pton(AF_INET, buf, peer->addr) == 1) {
		peer->family = AF_INET;
	} else if (inet_pton(AF_INET6, buf, peer->addr) == 1) {
		peer->family = AF_INET6;
	} else {
		if (arg[0] == '[' || strchr(buf, ':') || hlen >= namelen)
			return -1;
		snprintf(name, namelen, "%s", buf);
	}
	return 0;
}

static int open_store(const char *cmd, const char *dir, struct phd_store *s)
{
	char err[PATH_MAX + 128];
	int ret;

	/* lookups never evict: max_per_peer does not matter */
	ret = phd_store_open(s, dir, 0, 0, err, sizeof(err));
	if (ret) {
		fprintf(stderr, PROG ": ticket %s: store %s%s\n", cmd, err,
			ret == -EACCES ?
			" (the store is readable by its owner only: run as root)" :
			"");
		return -1;
	}
	return 0;
}

static int ticket_get(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "peer", required_argument, NULL, 'p' },
		{ "server-name", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'P' },
		{ "out", required_argument, NULL, 'o' },
		{ "remove", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = PHD_DEFAULT_STORE, *peer_arg = NULL, *name_arg = NULL;
	const char *port_arg = NULL, *out = NULL;
	char name[256], where[320], paddr[64];
	struct phd_stored_ticket st;
	struct phd_peer peer;
	struct phd_store s;
	FILE *f = stdout;
	int c, port, fd, ret, remove = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			dir = optarg;
			break;
		case 'p':
			peer_arg = optarg;
			break;
		case 'n':
			name_arg = optarg;
			break;
		case 'P':
			port_arg = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			remove = 1;
			break;
		default:
			fprintf(stderr,
				PROG ": ticket get: unknown option or missing value: '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": ticket get: unexpected argument '%s'\n",
			argv[optind]);
		return 1;
	}
	memset(&peer, 0, sizeof(peer));
	if (peer_arg && !name_arg && !port_arg) {
		if (parse_peer(peer_arg, &peer, name, sizeof(name))) {
			fprintf(stderr,
				"%s: ticket get: --peer wants HOST:PORT (a server name or IPv4 address, or [IPv6]:PORT), not '%s'\n",
				PROG, peer_arg);
			return 1;
		}
	} else if (!peer_arg && name_arg && port_arg) {
		port = parse_num(port_arg, 1);
		if (port < 0 || port > 65535 || !name_arg[0] ||
		    strlen(name_arg) >= sizeof(name)) {
			fprintf(stderr, PROG ": ticket get: invalid %s\n",
				port < 0 || port > 65535 ? "--port" :
				"--server-name");
			return 1;
		}
		snprintf(name, sizeof(name), "%s", name_arg);
		peer.port = (uint16_t)port;
	} else {
		fprintf(stderr,
			"%s: ticket get: give --peer HOST:PORT, or --server-name NAME and --port PORT\n",
			PROG);
		return 1;
	}
	if (name[0]) {
		snprintf(where, sizeof(where), "server name %s port %u", name,
			 peer.port);
	} else {
		phd_peer_format(&peer, paddr, sizeof(paddr));
		snprintf(where, sizeof(where), "%s (no server name)", paddr);
	}

	if (open_store("get", dir, &s))
		return 1;
	ret = phd_store_lookup(&s, name, &peer, phd_now_ms(), &st);
	if (ret == -ENOENT) {
		phd_store_close(&s);
		fprintf(stderr, PROG ": ticket get: no valid ticket for %s in %s\n",
			where, dir);
		return 1;
	}
	if (ret) {
		phd_store_close(&s);
		fprintf(stderr, PROG ": ticket get: %s: %s\n", dir,
			strerror(-ret));
		return 1;
	}
	if (out) {
		/* it holds the PSK: private, whatever the umask */
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		f = fd >= 0 && !fchmod(fd, 0600) ? fdopen(fd, "w") : NULL;
		if (!f) {
			fprintf(stderr, PROG ": ticket get: %s: %s\n", out,
				strerror(errno));
			if (fd >= 0)
				close(fd);
			phd_stored_ticket_clear(&st);
			phd_store_close(&s);
			return 1;
		}
	}
	ret = ktlsph_ticket_write_pem(&st.t, f);
	if (out && fclose(f) && !ret)
		ret = -EIO;
	else if (!out && fflush(f) && !ret)
		ret = -EIO;
	if (ret) {
		fprintf(stderr, PROG ": ticket get: writing the session%s%s: %s\n",
			out ? " to " : "", out ? out : "", strerror(-ret));
	} else if (remove) {
		ret = phd_store_remove(&s, &st);
		if (ret)
			fprintf(stderr, PROG ": ticket get: removing %s/%s/%s: %s\n",
				dir, st.peer_key, st.name, strerror(-ret));
	}
	phd_stored_ticket_clear(&st);
	phd_store_close(&s);
	return ret ? 1 : 0;
}

struct list_arg {
	uint64_t now;
	int all;
};

static int print_ticket(const struct phd_stored_ticket *st, void *arg)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(st->t.cipher_suite);
	const struct list_arg *la = arg;
	uint64_t age = 0, end, left = 0;
	char addr[64];

	end = st->t.received_ms + (uint64_t)st->t.lifetime * 1000;
	if (la->now > st->t.received_ms)
		age = (la->now - st->t.received_ms) / 1000;
	if (end > la->now)
		left = (end - la->now) / 1000;
	else if (!la->all)
		return 0;
	phd_peer_format(&st->peer, addr, sizeof(addr));
	printf("peer=%s server_name=%s addr=%s suite=%s", st->peer_key,
	       st->t.server_name[0] ? st->t.server_name : "-", addr,
	       s ? s->name : "?");
	printf(" age=%llus lifetime=%us left=%s%llus", (unsigned long long)age,
	       st->t.lifetime, end > la->now ? "" : "expired,",
	       (unsigned long long)left);
	printf(" ticket_len=%zu max_early_data=%u peer_auth=%s file=%s\n",
	       st->t.ticket_len, st->t.max_early_data,
	       phd_peer_auth_name(st->t.peer_auth), st->name);
	return 0;
}

static int ticket_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_arg la = { .now = phd_now_ms() };
	const char *dir = PHD_DEFAULT_STORE;
	struct phd_store s;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			dir = optarg;
			break;
		case 'a':
			la.all = 1;
			break;
		default:
			fprintf(stderr,
				PROG ": ticket list: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": ticket list: unexpected argument '%s'\n",
			argv[optind]);
		return 1;
	}
	if (open_store("list", dir, &s))
		return 1;
	ret = phd_store_walk(&s, print_ticket, &la);
	phd_store_close(&s);
	if (ret) {
		fprintf(stderr, PROG ": ticket list: %s: %s\n", dir,
			strerror(-ret));
		return 1;
	}
	return 0;
}

static int ticket_cmd(int argc, char **argv)
{
	phd_log_init(PROG, PHD_LOG_WARN);
	opterr = 0;
	if (argc >= 1 && !strcmp(argv[0], "get"))
		return ticket_get(argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "list"))
		return ticket_list(argc, argv);
	fprintf(stderr, PROG ": ticket: expected get or list\n");
	print_usage(stderr);
	return 1;
}

int main(int argc, char **argv)
{
	char err[512];
	int ret;

	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		print_usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "get"))
		return sock_cmd(CMD_GET, argv[1], argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "key-update"))
		return sock_cmd(CMD_KEY_UPDATE, argv[1], argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "detach"))
		return sock_cmd(CMD_DETACH, argv[1], argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "pha-request"))
		return sock_cmd(CMD_PHA_REQUEST, argv[1], argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "ticket"))
		return ticket_cmd(argc - 2, argv + 2);
	if (argc != 2 || strcmp(argv[1], "list")) {
		print_usage(stderr);
		return 1;
	}
	ret = ktlsph_dump(print_one, NULL, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, PROG ": list: %s (errno %d)\n", err, -ret);
		return 1;
	}
	return 0;
}
