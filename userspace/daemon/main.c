// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd: the ktls_ph helper daemon of a network namespace.
 *
 * Registers with the ktls_ph module as the namespace's helper, pops the
 * events the module queues and handles them (handler.h):
 * NewSessionTickets received on attached client sockets, with the PSK the
 * module derived, go to the ticket store (store.h), from which `ktls-ph
 * ticket get` hands them to a TLS library for resumption; post-handshake
 * authentication events are answered with event-reply (pha.h: a client's
 * Certificate and CertificateVerify or a decline, a server's verdict on
 * the client's certificate). Runs in the foreground (systemd
 * Type=simple), logs to stderr. See ktls-phd(8), Documentation/ktls-phd.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "config.h"
#include "handler.h"
#include "log.h"
#include "netlink.h"
#include "pha.h"
#include "store.h"

#define PROG		"ktls-phd"
#ifndef PHD_VERSION
#define PHD_VERSION	"0.1"
#endif

/* Exit statuses (ktls-phd(8)). */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

struct phd {
	struct phd_config cfg;
	struct phd_store store;
	struct phd_nl *nl;
	struct phd_pha *pha;	/* the [pha] certificate, key, trust store */
	struct phd_handler h;
	uint64_t retry_at;	/* when to pop again after a failure, or 0 */
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [OPTIONS]\n"
		"\n"
		"The ktls_ph helper daemon: receives the TLS 1.3 session tickets the\n"
		"ktls_ph kernel module forwards (with their resumption PSK) and keeps\n"
		"them in a ticket store for `ktls-ph ticket get`; answers post-handshake\n"
		"authentication requests with the [pha] certificate and checks client\n"
		"certificates against the [pha] CAs.\n"
		"\n"
		"  -c, --config FILE     configuration file (default " PHD_DEFAULT_CONFIG ";\n"
		"                        a missing default file means built-in defaults)\n"
		"  -s, --store DIR       ticket store directory (overrides [store] directory;\n"
		"                        default " PHD_DEFAULT_STORE ")\n"
		"  -l, --log-level L     error, warn, info or debug (overrides [log] level)\n"
		"  -f, --foreground      accepted for compatibility: " PROG " always stays in\n"
		"                        the foreground and logs to stderr\n"
		"  -t, --check-config    check the configuration, print it and exit\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            this text\n"
		"\n"
		"Needs CAP_NET_ADMIN. Stops cleanly on SIGTERM or SIGINT; SIGUSR1 logs the\n"
		"counters. Exit status: 0 clean stop, 1 runtime error (e.g. another helper\n"
		"is registered, a [pha] file that cannot be loaded), 2 bad command line or\n"
		"configuration. See ktls-phd(8).\n");
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* libnl calls this with each event-pop reply. */
static void on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct phd *d = arg;

	phd_handle_event(&d->h, nlh);
}

/* Send the event-replies the handler queued (after each event-pop). */
static void send_replies(struct phd *d)
{
	struct phd_reply *r;
	char err[512];
	int ret;

	while ((r = phd_handler_next_reply(&d->h))) {
		ret = phd_nl_reply(d->nl, r, err, sizeof(err));
		phd_handler_replied(&d->h, r, ret, err);
		phd_reply_free(r);
	}
}

/* Retry a failed drain after this long (a lost event-ready is not resent). */
#define PHD_RETRY_MS	5000

/*
 * Pop until the queue is empty (ENOENT). Other errors stop the loop (they
 * would repeat at once); the main loop tries again PHD_RETRY_MS later. An
 * event-ready that arrived meanwhile means pop again.
 */
static void drain(struct phd *d)
{
	char err[512];
	unsigned int n = 0;
	int ret;

	do {
		for (;;) {
			ret = phd_nl_pop(d->nl, on_event, d, err,
					 sizeof(err));
			/* not from on_event: the pop's ACK is still to come */
			send_replies(d);
			if (ret)
				break;
			n++;
		}
		if (ret != -ENOENT) {
			log_err("%s%s", err, phd_nl_gone(d->nl) ? "" :
				"; popping again in 5 s");
			d->retry_at = mono_ms() + PHD_RETRY_MS;
			break;
		}
		d->retry_at = 0;
	} while (phd_nl_take_ready(d->nl));
	if (n)
		log_debug("popped %u event%s", n, n == 1 ? "" : "s");
}

static void sweep(struct phd *d)
{
	struct phd_prune_result r;
	int ret;

	ret = phd_store_prune(&d->store, phd_now_ms(), &r);
	if (ret) {
		log_err("store: pruning %s: %s", d->store.dir, strerror(-ret));
		return;
	}
	if (r.expired || r.evicted || r.bad || r.tmp || r.peers_removed)
		log_info("store: pruned %u expired, %u over max_per_peer, %u unreadable, %u stale temporary files, %u empty peer directories; %u tickets kept",
			 r.expired, r.evicted, r.bad, r.tmp, r.peers_removed,
			 r.kept);
	else
		log_debug("store: prune: %u tickets kept", r.kept);
}

static void print_config(const struct phd_config *c, const char *path,
			 int loaded)
{
	const struct phd_pha_rule *r;
	unsigned int i;
	int v6;

	printf("# %s: %s\n", path, loaded ? "read" : "not found, defaults");
	printf("[store]\ndirectory = %s\nmax_per_peer = %u\nprune_interval = %u\n",
	       c->store_dir, c->max_per_peer, c->prune_interval);
	printf("[log]\nlevel = %s\n", phd_log_level_name(c->log_level));
	printf("[pha]\n");
	if (c->pha.certificate[0])
		printf("certificate = %s\nkey = %s\n", c->pha.certificate,
		       c->pha.key);
	printf("decline = %s\n", c->pha.decline ? "yes" : "no");
	for (i = 0; i < c->pha.nrules; i++) {
		r = &c->pha.rules[i];
		v6 = !!strchr(r->host, ':');
		if (r->port)
			printf("%s = %s%s%s:%u\n",
			       r->allow ? "allow_peer" : "decline_peer",
			       v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
		else
			printf("%s = %s\n",
			       r->allow ? "allow_peer" : "decline_peer", r->host);
	}
	if (c->pha.ca_file[0])
		printf("ca_file = %s\n", c->pha.ca_file);
	if (c->pha.ca_dir[0])
		printf("ca_dir = %s\n", c->pha.ca_dir);
	printf("require_certificate = %s\n",
	       c->pha.require_certificate ? "yes" : "no");
}

/* What post-handshake authentication will do, at start. */
static void log_pha_config(const struct phd_pha_config *pc)
{
	if (pc->certificate[0])
		log_info("post-handshake authentication, client role: answering with %s (key %s); %u peer rules, otherwise %s",
			 pc->certificate, pc->key, pc->nrules,
			 pc->decline ? "decline" : "answer");
	else
		log_info("post-handshake authentication, client role: no [pha] certificate, every CertificateRequest is declined");
	if (pc->ca_file[0] || pc->ca_dir[0])
		log_info("post-handshake authentication, server role: client certificates checked against%s%s%s%s; require_certificate %s",
			 pc->ca_file[0] ? " " : "", pc->ca_file,
			 pc->ca_dir[0] ? " " : "", pc->ca_dir,
			 pc->require_certificate ? "yes" : "no");
	else
		log_info("post-handshake authentication, server role: no [pha] ca_file or ca_dir, every client certificate is refused (bad_certificate)");
}

/*
 * The main loop, until SIGTERM/SIGINT (returns 0), the module's unloading
 * (1) or an error (-1).
 */
static int run(struct phd *d, int sfd)
{
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	uint64_t next_prune, due, now;
	char err[512];
	int timeout, ret;

	next_prune = mono_ms() + (uint64_t)d->cfg.prune_interval * 1000;
	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = phd_nl_fd(d->nl);
	pfd[1].events = POLLIN;
	for (;;) {
		if (phd_nl_gone(d->nl)) {
			log_err("the ktls_ph module was unloaded (generic netlink family \"ktls-ph\" gone): exiting");
			return 1;
		}
		now = mono_ms();
		due = UINT64_MAX;
		if (d->cfg.prune_interval)
			due = next_prune;
		if (d->retry_at && d->retry_at < due)
			due = d->retry_at;
		timeout = -1;
		if (due != UINT64_MAX)
			timeout = due <= now ? 0 :
				  due - now > INT_MAX ? INT_MAX :
				  (int)(due - now);
		ret = poll(pfd, 2, timeout);
		if (ret < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return -1;
		}
		if (ret > 0 && (pfd[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				log_info("%s: stopping",
					 strsignal((int)si.ssi_signo));
				return 0;
			}
			if (si.ssi_signo == SIGUSR1)
				phd_log_counters(&d->h.n);
			else if (si.ssi_signo == SIGHUP)
				log_info("SIGHUP: the configuration is read at start only: restart ktls-phd to apply changes");
		}
		if (ret > 0 && pfd[1].revents) {
			err[0] = '\0';
			if (phd_nl_receive(d->nl, err, sizeof(err))) {
				if (err[0])
					log_warn("netlink: %s; popping events",
						 err);
				if (!phd_nl_gone(d->nl))
					drain(d);
			}
			/* a late event-pop reply may have been handled */
			send_replies(d);
		}
		if (d->retry_at && mono_ms() >= d->retry_at &&
		    !phd_nl_gone(d->nl))
			drain(d);
		if (d->cfg.prune_interval && mono_ms() >= next_prune) {
			sweep(d);
			next_prune = mono_ms() +
				     (uint64_t)d->cfg.prune_interval * 1000;
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "store", required_argument, NULL, 's' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = PHD_DEFAULT_CONFIG, *store = NULL, *level = NULL;
	struct phd_helper_info info;
	struct phd d = { 0 };
	int explicit = 0, check = 0, loaded, c, ret, sfd, status;
	char err[512];
	sigset_t set;

	phd_log_init(PROG, PHD_LOG_INFO);
	while ((c = getopt_long(argc, argv, "c:s:l:ftVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			explicit = 1;
			break;
		case 's':
			store = optarg;
			break;
		case 'l':
			level = optarg;
			break;
		case 'f':
			break;
		case 't':
			check = 1;
			break;
		case 'V':
			printf(PROG " " PHD_VERSION "\n");
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind]);
		print_usage(stderr);
		return EXIT_USAGE;
	}

	phd_config_defaults(&d.cfg);
	ret = phd_config_load(&d.cfg, config, err, sizeof(err));
	loaded = !ret;
	if (ret && (ret != -ENOENT || explicit)) {
		log_err("%s", err);
		return EXIT_USAGE;
	}
	if (store && phd_config_set(&d.cfg, "store", "directory", store, err,
				    sizeof(err))) {
		log_err("--store: %s", err);
		return EXIT_USAGE;
	}
	if (level && phd_config_set(&d.cfg, "log", "level", level, err,
				    sizeof(err))) {
		log_err("--log-level: %s", err);
		return EXIT_USAGE;
	}
	phd_log_set_level(d.cfg.log_level);
	/* the files [pha] names: a certificate, key or CA that cannot be used */
	d.pha = phd_pha_new(&d.cfg.pha, err, sizeof(err));
	if (!d.pha) {
		log_err("%s%s", strncmp(err, "[pha]", 5) ? "[pha] " : "", err);
		return EXIT_RUNTIME;
	}
	if (check) {
		print_config(&d.cfg, config, loaded);
		phd_pha_free(d.pha);
		return 0;
	}
	if (!loaded)
		log_debug("%s not found: built-in defaults", config);

	phd_handler_init(&d.h, &d.store, d.pha, &d.cfg.pha);
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		log_err("sigprocmask: %s", strerror(errno));
		phd_pha_free(d.pha);
		return EXIT_RUNTIME;
	}
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		phd_pha_free(d.pha);
		return EXIT_RUNTIME;
	}

	if (phd_store_open(&d.store, d.cfg.store_dir, d.cfg.max_per_peer, 1,
			   err, sizeof(err))) {
		log_err("store: %s", err);
		close(sfd);
		phd_pha_free(d.pha);
		return EXIT_RUNTIME;
	}
	sweep(&d);

	d.nl = phd_nl_open(err, sizeof(err));
	if (!d.nl) {
		log_err("%s", err);
		status = EXIT_RUNTIME;
		goto out;
	}
	ret = phd_nl_register(d.nl, &info, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		if (ret == -EBUSY)
			log_err("another helper is registered in this network namespace: stop it first");
		else if (ret == -EPERM)
			log_err("registering needs CAP_NET_ADMIN");
		status = EXIT_RUNTIME;
		goto out;
	}
	log_info("registered as the ktls_ph helper (queue limit %u, %u events queued, %llu dropped so far); store %s, max_per_peer %u, prune_interval %u s",
		 info.queue_limit, info.queued,
		 (unsigned long long)info.dropped, d.cfg.store_dir,
		 d.cfg.max_per_peer, d.cfg.prune_interval);
	log_pha_config(&d.cfg.pha);

	drain(&d);
	ret = run(&d, sfd);
	status = ret ? EXIT_RUNTIME : 0;

	/* unloading the module took the registration with it */
	if (ret != 1) {
		if (phd_nl_unregister(d.nl, err, sizeof(err))) {
			log_err("%s", err);
			status = EXIT_RUNTIME;
		} else {
			log_info("unregistered");
		}
	}
	phd_log_counters(&d.h.n);
out:
	phd_handler_fini(&d.h);
	phd_nl_close(d.nl);
	phd_store_close(&d.store);
	phd_pha_free(d.pha);
	close(sfd);
	return status;
}
