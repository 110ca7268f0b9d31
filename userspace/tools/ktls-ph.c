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
 *
 * The ktls_ph netlink API names a socket by a file descriptor of the
 * calling process. To act on the socket another process owns (PID, its file
 * descriptor FD), ktls-ph takes a duplicate of that descriptor with
 * pidfd_open(2) + pidfd_getfd(2) (Linux 5.6 or later), which needs
 * PTRACE_MODE_ATTACH_REALCREDS over the process (root/CAP_SYS_PTRACE, or
 * the same user where ptrace is allowed), and passes its own duplicate to
 * libktlsph. See Documentation/ktls-ph.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "ktlsph.h"

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
		"\n"
		"  list        one line per socket ktls_ph is attached to (in this\n"
		"              network namespace):\n"
		"              cookie=N role=client|server suite=NAME rx_rekeys=N\n"
		"              tx_rekeys=N update_requested=N auto_rekeys=N\n"
		"              tx_records=N tx_bytes=N hs_records=N\n"
		"  get         the same line for the socket that is file descriptor\n"
		"              FD of process PID\n"
		"  key-update  send a TLS 1.3 KeyUpdate on that socket now;\n"
		"              --request-peer sets update_requested, asking the\n"
		"              peer to update its send key too\n"
		"  detach      stop ktls_ph on that socket (it goes on as plain\n"
		"              kTLS; the secrets are wiped)\n"
		"\n"
		"PID FD: the socket's owner and its descriptor number there (see\n"
		"ls -l /proc/PID/fd). " PROG " duplicates it with pidfd_getfd(2),\n"
		"which needs ptrace access to PID: root (CAP_SYS_PTRACE), or the\n"
		"same user where ptrace is allowed. Exit status 0 on success, 1 on\n"
		"any error (the reason, with the kernel's message, on stderr).\n");
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

enum cmd { CMD_GET, CMD_KEY_UPDATE, CMD_DETACH };

/* get, key-update, detach: @argv holds the command's arguments. */
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
