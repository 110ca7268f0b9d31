// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ktls-phd ticket store (daemon/store.c), in a temporary
 * directory: peer keys, the file format (round trip, every truncation,
 * corruptions), atomic writes and modes, freshest selection, expiry,
 * the per-peer cap, pruning, unreadable files skipped with a warning.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/ktls_ph.h>

#include "tap.h"
#include "log.h"
#include "store.h"

/* A truncated ticket file planted in the store */
#define BAD_NAME	"9999999999999999-0000000000000000.ticket"

static char top[64] = "/tmp/test_store.XXXXXX";
static char path[PATH_MAX];

/* A ticket for @sni (or none) / @addr:@port received at @rx for @life s. */
static void mk(struct phd_stored_ticket *st, const char *sni,
	       const char *addr, unsigned int port, uint64_t rx,
	       uint32_t life, uint8_t fill)
{
	memset(st, 0, sizeof(*st));
	st->t.cipher_suite = 0x1301;
	st->t.lifetime = life;
	st->t.age_add = 0xdeadbeef;
	st->t.max_early_data = fill == 7 ? 16384 : 0;
	st->t.nonce_len = fill % 3;	/* 0, 1 or 2 bytes */
	memset(st->t.nonce, fill, st->t.nonce_len);
	st->t.ticket_len = 100 + fill;
	st->t.ticket = malloc(st->t.ticket_len);
	memset(st->t.ticket, fill, st->t.ticket_len);
	st->t.psk_len = 32;
	memset(st->t.psk, 0xa0 + fill, 32);
	st->t.received_ms = rx;
	st->t.peer_auth = KTLS_PH_PEER_AUTH_CERTIFICATE;
	snprintf(st->t.server_name, sizeof(st->t.server_name), "%s",
		 sni ? sni : "");
	st->peer.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(st->peer.family, addr, st->peer.addr);
	st->peer.port = (uint16_t)port;
}

static int same(const struct phd_stored_ticket *a,
		const struct phd_stored_ticket *b)
{
	const struct ktlsph_ticket *x = &a->t, *y = &b->t;

	return x->cipher_suite == y->cipher_suite &&
	       x->lifetime == y->lifetime && x->age_add == y->age_add &&
	       x->max_early_data == y->max_early_data &&
	       x->nonce_len == y->nonce_len &&
	       !memcmp(x->nonce, y->nonce, x->nonce_len) &&
	       x->ticket_len == y->ticket_len &&
	       !memcmp(x->ticket, y->ticket, x->ticket_len) &&
	       x->psk_len == y->psk_len && !memcmp(x->psk, y->psk, x->psk_len) &&
	       x->received_ms == y->received_ms &&
	       !strcmp(x->server_name, y->server_name) &&
	       x->peer_auth == y->peer_auth &&
	       a->peer.family == b->peer.family &&
	       !memcmp(a->peer.addr, b->peer.addr, 16) &&
	       a->peer.port == b->peer.port;
}

static const char *at(const char *rel)
{
	snprintf(path, sizeof(path), "%s/%s", top, rel);
	return path;
}

static int mode_of(const char *p)
{
	struct stat sb;

	return stat(p, &sb) ? -1 : (int)(sb.st_mode & 07777);
}

/* Number of entries of directory @p whose name contains @sub. */
static int count(const char *p, const char *sub)
{
	char cmd[PATH_MAX + 64];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c -F -e '%s'", p, sub);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void write_file(const char *p, const char *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len)
			perror("write");
		close(fd);
	}
}

/* Run @fn with stderr captured; return what it wrote (static buffer). */
static char captured[8192];
static int stderr_fd = -1;

static void capture_start(void)
{
	int fd = open(at("stderr.txt"), O_RDWR | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	stderr_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static const char *capture_end(void)
{
	ssize_t n;
	int fd;

	fflush(stderr);
	dup2(stderr_fd, 2);
	close(stderr_fd);
	fd = open(at("stderr.txt"), O_RDONLY);
	n = fd >= 0 ? read(fd, captured, sizeof(captured) - 1) : -1;
	captured[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(at("stderr.txt"));
	return captured;
}

static int rm_cb(const char *p, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void test_keys(void)
{
	struct phd_peer p = { 0 };
	char k[PHD_PEER_KEY_MAX], long_name[300];
	int ret;

	p.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", p.addr);
	p.port = 443;
	ok(!phd_peer_key("Example.COM", &p, k, sizeof(k)) &&
	   !strcmp(k, "example.com_443"), "key: server name, lower case (%s)",
	   k);
	ok(!phd_peer_key(NULL, &p, k, sizeof(k)) && !strcmp(k, "192.0.2.1_443"),
	   "key: IPv4 address (%s)", k);
	ok(!phd_peer_key("", &p, k, sizeof(k)) && !strcmp(k, "192.0.2.1_443"),
	   "key: empty server name means the address");
	p.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", p.addr);
	p.port = 8443;
	ok(!phd_peer_key(NULL, &p, k, sizeof(k)) &&
	   !strcmp(k, "[2001:db8::1]_8443"), "key: IPv6 address (%s)", k);
	ok(!phd_peer_key("..a/b*c", &p, k, sizeof(k)) &&
	   !strcmp(k, "_.a_b_c_8443"), "key: sanitized (%s)", k);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ret = phd_peer_key(long_name, &p, k, sizeof(k));
	ok(!ret && strlen(k) == 205, "key: long name cut to 200 bytes (%zu)",
	   strlen(k));
	p.family = 0;
	ok(phd_peer_key(NULL, &p, k, sizeof(k)) == -EINVAL,
	   "key: neither name nor address: -EINVAL");
	ok(phd_peer_key("x", &p, k, 4) == -EINVAL, "key: buffer too small");

	ok(phd_ticket_name_ok("0001-ab.ticket"), "name: *.ticket read");
	ok(!phd_ticket_name_ok(".tmp-0123456789abcdef"),
	   "name: temporary file not read");
	ok(!phd_ticket_name_ok(".x.ticket"), "name: hidden file not read");
	ok(!phd_ticket_name_ok("x.ticket.bad"), "name: *.bad not read");
	ok(!phd_ticket_name_ok(".ticket") && !phd_ticket_name_ok("ticket"),
	   "name: bare suffix not read");
}

static const char layout[] =
	"version=1\n"
	"received_ms=1763913600123\n"
	"lifetime=7200\n"
	"age_add=3735928559\n"
	"max_early_data=16384\n"
	"cipher_suite=0x1301\n"
	"peer_family=inet\n"
	"peer_addr=192.0.2.1\n"
	"peer_port=443\n"
	"server_name=example.com\n"
	"peer_auth=certificate\n"
	"nonce=07\n"
	"ticket=0707";

static void test_format(void)
{
	struct phd_stored_ticket a, b;
	char err[256], *text, *copy;
	size_t len, i;
	int ret, all = 1, crashed = 0;

	mk(&a, "example.com", "192.0.2.1", 443, 1763913600123ULL, 7200, 7);
	ret = phd_ticket_format(&a, &text, &len);
	ok(!ret && len == strlen(text), "format");
	ok(!strncmp(text, layout, strlen(layout)),
	   "format: the documented layout");
	ret = phd_ticket_parse(text, len, &b, err, sizeof(err));
	ok(!ret && same(&a, &b), "parse: round trip (%s)", ret ? err : "");
	phd_stored_ticket_clear(&b);
	ok(!b.t.ticket && b.t.psk[0] == 0, "clear: ticket freed, psk wiped");

	/* every truncation is rejected, none crashes */
	for (i = 0; i < len; i++) {
		copy = malloc(i + 1);
		memcpy(copy, text, i);
		if (!phd_ticket_parse(copy, i, &b, err, sizeof(err))) {
			all = 0;
			phd_stored_ticket_clear(&b);
		}
		free(copy);
	}
	ok(all, "parse: all %zu truncations rejected", len);
	ret = phd_ticket_parse(text, len - 1, &b, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "truncated"),
	   "parse: no final newline: truncated (%s)", err);

	/* byte corruptions: no crash, and a parsed result is consistent */
	for (i = 0; i < len; i++) {
		copy = malloc(len);
		memcpy(copy, text, len);
		copy[i] ^= (char)(i % 7 == 0 ? 0x20 : 0x01);
		if (!phd_ticket_parse(copy, len, &b, err, sizeof(err))) {
			if (b.t.psk_len != 32 || !b.t.ticket)
				crashed = 1;
			phd_stored_ticket_clear(&b);
		}
		free(copy);
	}
	ok(!crashed, "parse: %zu single-byte corruptions handled", len);
	free(text);

	ret = phd_ticket_parse("version=2\nwhatever\n", 19, &b, err,
			       sizeof(err));
	ok(ret == -EPROTONOSUPPORT && strstr(err, "version 2"),
	   "parse: other version: -EPROTONOSUPPORT (%s)", err);
	ret = phd_ticket_parse("", 0, &b, err, sizeof(err));
	ok(ret == -EINVAL, "parse: empty file (%s)", err);

	/* a PSK that is not the suite's hash length */
	a.t.cipher_suite = 0x1302;
	ok(phd_ticket_format(&a, &text, &len) == -EINVAL,
	   "format: refuses a 32-byte PSK for a SHA-384 suite");
	a.t.cipher_suite = 0x1301;
	a.t.lifetime = 604801;
	ok(phd_ticket_format(&a, &text, &len) == -EINVAL,
	   "format: refuses a lifetime above 7 days");
	a.t.lifetime = 7200;
	snprintf(a.t.server_name, sizeof(a.t.server_name), "bad\nname");
	ok(phd_ticket_format(&a, &text, &len) == -EINVAL,
	   "format: refuses a server name with a newline");
	phd_stored_ticket_clear(&a);

	mk(&a, NULL, "2001:db8::7", 853, 1000, 60, 1);
	ret = phd_ticket_format(&a, &text, &len);
	ok(!ret && strstr(text, "peer_family=inet6\npeer_addr=2001:db8::7\n") &&
	   strstr(text, "\nserver_name=\n"), "format: IPv6, no server name");
	ret = phd_ticket_parse(text, len, &b, err, sizeof(err));
	ok(!ret && same(&a, &b), "parse: IPv6 round trip");
	phd_stored_ticket_clear(&b);
	free(text);
	phd_stored_ticket_clear(&a);
}

struct walk_arg {
	int n;
	uint64_t last_rx;
	char last_peer[PHD_PEER_KEY_MAX];
	int ordered;
};

static int walk_cb(const struct phd_stored_ticket *st, void *arg)
{
	struct walk_arg *w = arg;

	if (w->n && !strcmp(w->last_peer, st->peer_key) &&
	    st->t.received_ms > w->last_rx)
		w->ordered = 0;
	if (w->n && strcmp(w->last_peer, st->peer_key) > 0)
		w->ordered = 0;
	w->n++;
	w->last_rx = st->t.received_ms;
	snprintf(w->last_peer, sizeof(w->last_peer), "%s", st->peer_key);
	return 0;
}

static void test_store(void)
{
	struct phd_stored_ticket a, b, got;
	struct phd_prune_result r;
	struct walk_arg w = { .ordered = 1 };
	struct phd_store s;
	struct phd_peer p;
	char err[512], dir[256], name[PATH_MAX], *text;
	const char *out;
	uint64_t now = phd_now_ms();
	size_t len;
	int ret, i, ok_all;

	snprintf(dir, sizeof(dir), "%s/state/tickets", top);
	ret = phd_store_open(&s, dir, 3, 0, err, sizeof(err));
	ok(ret == -ENOENT, "open without create: missing store -ENOENT (%s)",
	   err);
	err[0] = '\0';
	ret = phd_store_open(&s, dir, 3, 1, err, sizeof(err));
	ok(!ret, "open: creates the store and its parents (%s)", err);
	ok(mode_of(dir) == 0700 && mode_of(at("state")) == 0700,
	   "store directories mode 0700 (%o)", mode_of(dir));

	/* put, modes, no temporary file left, lookup */
	mk(&a, "example.com", "192.0.2.1", 443, now - 10000, 7200, 1);
	ret = phd_store_put(&s, &a, now, err, sizeof(err));
	ok(!ret && !strcmp(a.peer_key, "example.com_443") &&
	   phd_ticket_name_ok(a.name), "put: %s/%s", a.peer_key, a.name);
	snprintf(name, sizeof(name), "%s/example.com_443", dir);
	ok(mode_of(name) == 0700, "peer directory mode 0700");
	snprintf(name, sizeof(name), "%s/example.com_443/%s", dir, a.name);
	ok(mode_of(name) == 0600, "ticket file mode 0600 (%o)", mode_of(name));
	snprintf(name, sizeof(name), "%s/example.com_443", dir);
	ok(count(name, ".tmp-") == 0 && count(name, ".ticket") == 1,
	   "put: one ticket file, no temporary file");

	memset(&p, 0, sizeof(p));
	p.port = 443;
	ret = phd_store_lookup(&s, "EXAMPLE.com", &p, now, &got);
	ok(!ret && same(&a, &got) && !strcmp(got.peer_key, "example.com_443"),
	   "lookup by server name (any case) returns it");
	phd_stored_ticket_clear(&got);
	p.port = 444;
	ok(phd_store_lookup(&s, "example.com", &p, now, &got) == -ENOENT,
	   "lookup: other port: -ENOENT");
	p.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", p.addr);
	p.port = 443;
	ok(phd_store_lookup(&s, NULL, &p, now, &got) == -ENOENT,
	   "lookup by address does not return a ticket issued for a server name");

	/* freshest: 3 tickets, lookup returns the newest */
	mk(&b, "example.com", "192.0.2.1", 443, now - 5000, 7200, 2);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	mk(&b, "example.com", "192.0.2.1", 443, now - 20000, 7200, 3);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	memset(&p, 0, sizeof(p));
	p.port = 443;
	ret = phd_store_lookup(&s, "example.com", &p, now, &got);
	ok(!ret && got.t.received_ms == now - 5000 && got.t.ticket[0] == 2,
	   "lookup: the freshest of three");
	phd_stored_ticket_clear(&got);

	/* per-peer cap 3: two more puts evict the two oldest */
	mk(&b, "example.com", "192.0.2.1", 443, now - 1000, 7200, 4);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	mk(&b, "example.com", "192.0.2.1", 443, now - 500, 7200, 5);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	ok(count(name, ".ticket") == 3, "cap: max_per_peer 3 kept (%d)",
	   count(name, ".ticket"));
	w.ordered = 1;
	phd_store_walk(&s, walk_cb, &w);
	ok(w.n == 3 && w.ordered && w.last_rx == now - 5000,
	   "cap: the oldest evicted; walk freshest first (%d)", w.n);

	/* a temporary file with a fresher ticket is never read */
	mk(&b, "example.com", "192.0.2.1", 443, now - 1, 7200, 9);
	phd_ticket_format(&b, &text, &len);
	snprintf(name, sizeof(name), "%s/example.com_443/.tmp-0123456789abcdef",
		 dir);
	write_file(name, text, len);
	free(text);
	phd_stored_ticket_clear(&b);
	ret = phd_store_lookup(&s, "example.com", &p, now, &got);
	ok(!ret && got.t.ticket[0] == 5, "lookup ignores temporary files");
	phd_stored_ticket_clear(&got);

	/* an unreadable (truncated) fresher file: warning, older one used */
	mk(&b, "example.com", "192.0.2.1", 443, now - 2, 7200, 8);
	phd_ticket_format(&b, &text, &len);
	snprintf(name, sizeof(name), "%s/example.com_443/" BAD_NAME, dir);
	write_file(name, text, len / 2);
	free(text);
	phd_stored_ticket_clear(&b);
	capture_start();
	ret = phd_store_lookup(&s, "example.com", &p, now, &got);
	out = capture_end();
	ok(!ret && got.t.ticket[0] == 5,
	   "lookup skips a truncated file");
	ok(!!strstr(out, "warning: store: example.com_443/" BAD_NAME
		    ": unreadable ticket file, ignored"),
	   "with a warning naming it (%.*s)", (int)strcspn(out, "\n"), out);
	phd_stored_ticket_clear(&got);

	/* lookup removes expired tickets of the peer */
	capture_start();
	ret = phd_store_lookup(&s, "example.com", &p, now + 7200 * 1000, &got);
	capture_end();
	snprintf(name, sizeof(name), "%s/example.com_443", dir);
	ok(ret == -ENOENT && count(name, ".ticket") == 1,
	   "lookup after the lifetime: -ENOENT, expired files removed (%d left: the bad one)",
	   count(name, ".ticket"));

	/* an IPv6 peer without server name, and a key collision */
	mk(&b, NULL, "2001:db8::1", 8443, now, 60, 6);
	ret = phd_store_put(&s, &b, now, err, sizeof(err));
	ok(!ret && !strcmp(b.peer_key, "[2001:db8::1]_8443"), "put: IPv6 %s",
	   b.peer_key);
	memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", p.addr);
	p.port = 8443;
	ret = phd_store_lookup(&s, NULL, &p, now + 1000, &got);
	ok(!ret && same(&b, &got), "lookup by IPv6 address");
	phd_stored_ticket_clear(&got);
	phd_stored_ticket_clear(&b);
	mk(&b, "a_b", "192.0.2.9", 443, now, 60, 1);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	memset(&p, 0, sizeof(p));
	p.port = 443;
	ok(phd_store_lookup(&s, "a*b", &p, now, &got) == -ENOENT &&
	   !phd_store_lookup(&s, "a_b", &p, now, &got),
	   "same directory (a_b_443), but a*b does not get a_b's ticket");
	phd_stored_ticket_clear(&got);

	/* prune: expired, bad, stale temporary file, empty directory */
	mk(&b, "old.example", "192.0.2.3", 443, now - 120000, 60, 1);
	phd_store_put(&s, &b, now - 119000, err, sizeof(err));
	phd_stored_ticket_clear(&b);
	snprintf(name, sizeof(name), "%s/example.com_443/.tmp-0123456789abcdef",
		 dir);
	{
		struct timespec ts[2] = { { .tv_sec = 1 }, { .tv_sec = 1 } };

		utimensat(AT_FDCWD, name, ts, 0);
	}
	capture_start();
	ret = phd_store_prune(&s, now + 61000, &r);
	out = capture_end();
	ok(!ret && r.expired == 3 && r.bad == 1 && r.tmp == 1 &&
	   r.peers_removed == 3 && r.kept == 0,
	   "prune: expired %u bad %u tmp %u peers removed %u kept %u",
	   r.expired, r.bad, r.tmp, r.peers_removed, r.kept);
	ok(!!strstr(out, "renamed to " BAD_NAME ".bad"),
	   "prune: warns and renames the unreadable file");
	ok(count(dir, "_") == 1 &&
	   count(at("state/tickets/example.com_443"), ".bad") == 1,
	   "prune: only the directory holding the .bad file is left");

	/* prune evicts beyond a lowered cap */
	phd_store_close(&s);
	ret = phd_store_open(&s, dir, 5, 1, err, sizeof(err));
	for (i = 0, ok_all = 1; i < 5; i++) {
		mk(&b, "cap.example", "192.0.2.4", 443, now - 100 * i, 600, 1);
		ok_all &= !phd_store_put(&s, &b, now, err, sizeof(err));
		phd_stored_ticket_clear(&b);
	}
	s.max_per_peer = 2;
	ret = phd_store_prune(&s, now, &r);
	ok(ok_all && !ret && r.evicted == 3 && r.kept == 2,
	   "prune: cap lowered to 2 evicts 3 (%u), keeps 2 (%u)", r.evicted,
	   r.kept);
	memset(&p, 0, sizeof(p));
	p.port = 443;
	ret = phd_store_lookup(&s, "cap.example", &p, now, &got);
	ok(!ret && got.t.received_ms == now, "the freshest survived");
	ok(!phd_store_remove(&s, &got), "remove the ticket looked up");
	phd_stored_ticket_clear(&got);
	ret = phd_store_lookup(&s, "cap.example", &p, now, &got);
	ok(!ret && got.t.received_ms == now - 100,
	   "the next lookup returns the other one");
	phd_stored_ticket_clear(&got);
	snprintf(got.peer_key, sizeof(got.peer_key), "..");
	snprintf(got.name, sizeof(got.name), "x.ticket");
	ok(phd_store_remove(&s, &got) == -EINVAL,
	   "remove refuses a peer key that is not a peer directory");
	mk(&b, "cap.example", "192.0.2.4", 443, now, 600, 1);
	phd_store_put(&s, &b, now, err, sizeof(err));
	phd_stored_ticket_clear(&b);

	/* a file that is not a regular file, a foreign file */
	snprintf(name, sizeof(name), "%s/cap.example_443/link.ticket", dir);
	ok(!symlink("/etc/passwd", name), "symlink planted");
	capture_start();
	ret = phd_store_lookup(&s, "cap.example", &p, now, &got);
	out = capture_end();
	ok(!ret && strstr(out, "link.ticket: unreadable"),
	   "a symlink is not followed (%.*s)", (int)strcspn(out, "\n"), out);
	phd_stored_ticket_clear(&got);
	phd_store_close(&s);
	phd_stored_ticket_clear(&a);
}

int main(void)
{
	phd_log_init("test_store", PHD_LOG_WARN);
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);	/* the store must not depend on the umask */
	test_keys();
	test_format();
	test_store();
	nftw(top, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	printf("1..%d\n", passed + failed);
	return failed != 0;
}
