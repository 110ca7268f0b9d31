// SPDX-License-Identifier: GPL-2.0
/*
 * The ktls-phd ticket store: one file per ticket, one directory per peer.
 * Layout and file format: store.h. Used by the daemon and the ktls-ph CLI.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/ktls_ph.h>

#include <openssl/crypto.h>

#include "ktlsph.h"
#include "ktlsph_int.h"
#include "log.h"
#include "store.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* A temporary file older than this is left over from a crash. */
#define PHD_TMP_STALE_S	60

uint64_t phd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int phd_ticket_expired(const struct ktlsph_ticket *t, uint64_t now_ms)
{
	return t->received_ms + (uint64_t)t->lifetime * 1000 <= now_ms;
}

void phd_stored_ticket_clear(struct phd_stored_ticket *st)
{
	if (!st)
		return;
	ktlsph_ticket_clear(&st->t);
	OPENSSL_cleanse(st, sizeof(*st));
}

int phd_peer_format(const struct phd_peer *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (p->family == AF_INET && inet_ntop(AF_INET, p->addr, a, sizeof(a)))
		return snprintf(buf, len, "%s:%u", a, p->port);
	if (p->family == AF_INET6 &&
	    inet_ntop(AF_INET6, p->addr, a, sizeof(a)))
		return snprintf(buf, len, "[%s]:%u", a, p->port);
	return snprintf(buf, len, "?:%u", p->port);
}

int phd_peer_key(const char *server_name, const struct phd_peer *peer,
		 char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], name[201];
	size_t i;
	int n;

	if (server_name && server_name[0]) {
		for (i = 0; server_name[i] && i < sizeof(name) - 1; i++) {
			unsigned char c = tolower((unsigned char)server_name[i]);

			if (!(isdigit(c) || (c >= 'a' && c <= 'z') ||
			      c == '-' || (c == '.' && i > 0)))
				c = '_';
			name[i] = (char)c;
		}
		name[i] = '\0';
		n = snprintf(buf, len, "%s_%u", name, peer->port);
	} else if (peer->family == AF_INET &&
		   inet_ntop(AF_INET, peer->addr, a, sizeof(a))) {
		n = snprintf(buf, len, "%s_%u", a, peer->port);
	} else if (peer->family == AF_INET6 &&
		   inet_ntop(AF_INET6, peer->addr, a, sizeof(a))) {
		n = snprintf(buf, len, "[%s]_%u", a, peer->port);
	} else {
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

int phd_ticket_name_ok(const char *name)
{
	size_t n = strlen(name), sl = strlen(PHD_TICKET_SUFFIX);

	return name[0] != '.' && n > sl &&
	       !strcmp(name + n - sl, PHD_TICKET_SUFFIX);
}

/* ---- the file format ------------------------------------------------ */

static const char *const peer_auth_names[] = {
	[KTLS_PH_PEER_AUTH_UNKNOWN] = "unknown",
	[KTLS_PH_PEER_AUTH_CERTIFICATE] = "certificate",
	[KTLS_PH_PEER_AUTH_PSK] = "psk",
};

const char *phd_peer_auth_name(int peer_auth)
{
	if (peer_auth < 0 || (size_t)peer_auth >= ARRAY_SIZE(peer_auth_names))
		return "?";
	return peer_auth_names[peer_auth];
}

/* The keys of a version 1 file, in their order. */
enum {
	F_VERSION, F_RECEIVED, F_LIFETIME, F_AGE_ADD, F_MAX_EARLY,
	F_SUITE, F_FAMILY, F_ADDR, F_PORT, F_SNI, F_AUTH, F_NONCE, F_TICKET,
	F_PSK, F_NUM
};

static const char *const field_names[F_NUM] = {
	"version", "received_ms", "lifetime", "age_add", "max_early_data",
	"cipher_suite", "peer_family", "peer_addr", "peer_port",
	"server_name", "peer_auth", "nonce", "ticket", "psk",
};

static void hex_put(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Decode @len hex digits into @out (room for @max bytes): byte count or -1. */
static ssize_t hex_get(const char *s, size_t len, uint8_t *out, size_t max)
{
	size_t i;
	int hi, lo;

	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}

/* Whether a stored ticket's fields are within what the protocol allows. */
static const char *ticket_check(const struct phd_stored_ticket *st)
{
	const struct ktlsph_ticket *t = &st->t;
	const struct ktlsph_suite *s = ktlsph_suite_by_id(t->cipher_suite);

	if (!s)
		return "unknown cipher suite";
	if (t->psk_len != s->hash_len)
		return "psk length does not match the cipher suite";
	if (!t->ticket || !t->ticket_len || t->ticket_len > 65535)
		return "ticket length out of range";
	if (t->nonce_len > sizeof(t->nonce))
		return "nonce too long";
	if (t->lifetime > PHD_MAX_LIFETIME)
		return "lifetime above 7 days";
	if (st->peer.family != AF_INET && st->peer.family != AF_INET6)
		return "unknown address family";
	if (t->peer_auth < 0 || (size_t)t->peer_auth >= ARRAY_SIZE(peer_auth_names))
		return "unknown peer_auth";
	if (!memchr(t->server_name, '\0', sizeof(t->server_name)))
		return "server name not terminated";
	return NULL;
}

int phd_ticket_format(const struct phd_stored_ticket *st, char **out,
		      size_t *outlen)
{
	const struct ktlsph_ticket *t = &st->t;
	char addr[INET6_ADDRSTRLEN], *buf, *p;
	size_t cap;
	const char *c;
	int n;

	if (ticket_check(st) ||
	    !inet_ntop(st->peer.family, st->peer.addr, addr, sizeof(addr)))
		return -EINVAL;
	for (c = t->server_name; *c; c++)
		if (*c < 0x21 || *c > 0x7e)
			return -EINVAL;
	cap = 1024 + 2 * (t->nonce_len + t->ticket_len + t->psk_len) +
	      strlen(t->server_name);
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	n = snprintf(buf, cap,
		     "version=%d\nreceived_ms=%llu\nlifetime=%u\nage_add=%u\nmax_early_data=%u\ncipher_suite=0x%04x\npeer_family=%s\npeer_addr=%s\npeer_port=%u\nserver_name=%s\npeer_auth=%s\nnonce=",
		     PHD_STORE_VERSION,
		     (unsigned long long)t->received_ms, t->lifetime,
		     t->age_add, t->max_early_data, t->cipher_suite,
		     st->peer.family == AF_INET ? "inet" : "inet6", addr,
		     st->peer.port, t->server_name,
		     peer_auth_names[t->peer_auth]);
	if (n < 0 || (size_t)n >= cap - 2 * (t->nonce_len + t->ticket_len +
					    t->psk_len) - 16) {
		free(buf);
		return -EINVAL;
	}
	p = buf + n;
	hex_put(p, t->nonce, t->nonce_len);
	p += 2 * t->nonce_len;
	p += sprintf(p, "\nticket=");
	hex_put(p, t->ticket, t->ticket_len);
	p += 2 * t->ticket_len;
	p += sprintf(p, "\npsk=");
	hex_put(p, t->psk, t->psk_len);
	p += 2 * t->psk_len;
	*p++ = '\n';
	*p = '\0';
	*out = buf;
	*outlen = (size_t)(p - buf);
	return 0;
}

static int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* One "key=value" field of a ticket file. */
static int parse_field(struct phd_stored_ticket *st, int f, const char *v,
		       size_t len)
{
	struct ktlsph_ticket *t = &st->t;
	char tmp[INET6_ADDRSTRLEN];
	const struct ktlsph_suite *s;
	uint64_t u;
	ssize_t n;
	size_t i;

	switch (f) {
	case F_RECEIVED:
		return parse_u64(v, len, UINT64_MAX / 2, &t->received_ms);
	case F_LIFETIME:
		if (parse_u64(v, len, PHD_MAX_LIFETIME, &u))
			return -1;
		t->lifetime = (uint32_t)u;
		return 0;
	case F_AGE_ADD:
		if (parse_u64(v, len, UINT32_MAX, &u))
			return -1;
		t->age_add = (uint32_t)u;
		return 0;
	case F_MAX_EARLY:
		if (parse_u64(v, len, UINT32_MAX, &u))
			return -1;
		t->max_early_data = (uint32_t)u;
		return 0;
	case F_SUITE:
		if (len != 6 || strncmp(v, "0x", 2) ||
		    hex_get(v + 2, 4, (uint8_t *)tmp, 2) != 2)
			return -1;
		t->cipher_suite = (uint16_t)((uint8_t)tmp[0] << 8 |
					     (uint8_t)tmp[1]);
		s = ktlsph_suite_by_id(t->cipher_suite);
		return s ? 0 : -1;
	case F_FAMILY:
		if (len == 4 && !strncmp(v, "inet", 4))
			st->peer.family = AF_INET;
		else if (len == 5 && !strncmp(v, "inet6", 5))
			st->peer.family = AF_INET6;
		else
			return -1;
		return 0;
	case F_ADDR:
		if (len >= sizeof(tmp))
			return -1;
		memcpy(tmp, v, len);
		tmp[len] = '\0';
		return inet_pton(st->peer.family, tmp, st->peer.addr) == 1 ?
		       0 : -1;
	case F_PORT:
		if (parse_u64(v, len, 65535, &u))
			return -1;
		st->peer.port = (uint16_t)u;
		return 0;
	case F_SNI:
		if (len >= sizeof(t->server_name))
			return -1;
		for (i = 0; i < len; i++)
			if (v[i] < 0x21 || v[i] > 0x7e)
				return -1;
		memcpy(t->server_name, v, len);
		t->server_name[len] = '\0';
		return 0;
	case F_AUTH:
		for (i = 0; i < ARRAY_SIZE(peer_auth_names); i++)
			if (strlen(peer_auth_names[i]) == len &&
			    !strncmp(v, peer_auth_names[i], len)) {
				t->peer_auth = (int)i;
				return 0;
			}
		return -1;
	case F_NONCE:
		n = hex_get(v, len, t->nonce, sizeof(t->nonce));
		if (n < 0)
			return -1;
		t->nonce_len = (size_t)n;
		return 0;
	case F_TICKET:
		if (!len || len > 2 * 65535)
			return -1;
		t->ticket = malloc(len / 2 + 1);
		if (!t->ticket)
			return -2;
		n = hex_get(v, len, t->ticket, 65535);
		if (n <= 0)
			return -1;
		t->ticket_len = (size_t)n;
		return 0;
	case F_PSK:
		n = hex_get(v, len, t->psk, sizeof(t->psk));
		if (n <= 0)
			return -1;
		t->psk_len = (size_t)n;
		return 0;
	}
	return -1;
}

int phd_ticket_parse(const char *text, size_t len,
		     struct phd_stored_ticket *st, char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *nl, *eq;
	const char *why;
	uint64_t version;
	int f, r;

	memset(st, 0, sizeof(*st));
	for (f = 0; f < F_NUM; f++) {
		if (p == end) {
			r = fail(err, errlen, -EINVAL,
				 "'%s' missing (file truncated?)",
				 field_names[f]);
			goto bad;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			r = fail(err, errlen, -EINVAL,
				 "line %d ('%s') has no end (file truncated?)",
				 f + 1, field_names[f]);
			goto bad;
		}
		eq = memchr(p, '=', (size_t)(nl - p));
		if (!eq || (size_t)(eq - p) != strlen(field_names[f]) ||
		    strncmp(p, field_names[f], (size_t)(eq - p))) {
			r = fail(err, errlen, -EINVAL,
				 "line %d: expected '%s='", f + 1,
				 field_names[f]);
			goto bad;
		}
		if (f == F_VERSION) {
			if (parse_u64(eq + 1, (size_t)(nl - eq - 1), 1000000,
				      &version)) {
				r = fail(err, errlen, -EINVAL,
					 "line 1: bad version");
				goto bad;
			}
			if (version != PHD_STORE_VERSION) {
				r = fail(err, errlen, -EPROTONOSUPPORT,
					 "format version %llu (this program reads %d)",
					 (unsigned long long)version,
					 PHD_STORE_VERSION);
				goto bad;
			}
			p = nl + 1;
			continue;
		}
		r = parse_field(st, f, eq + 1, (size_t)(nl - eq - 1));
		if (r == -2) {
			r = fail(err, errlen, -ENOMEM, "out of memory");
			goto bad;
		}
		if (r) {
			r = fail(err, errlen, -EINVAL, "line %d: bad %s",
				 f + 1, field_names[f]);
			goto bad;
		}
		p = nl + 1;
	}
	if (p != end) {
		r = fail(err, errlen, -EINVAL, "data after the last field");
		goto bad;
	}
	why = ticket_check(st);
	if (why) {
		r = fail(err, errlen, -EINVAL, "%s", why);
		goto bad;
	}
	return 0;
bad:
	phd_stored_ticket_clear(st);
	return r;
}

/* ---- files ---------------------------------------------------------- */

/* Read and parse ticket file @name of directory @dfd. */
static int read_ticket(int dfd, const char *name,
		       struct phd_stored_ticket *st, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, -errno, "%s", strerror(errno));
	if (fstat(fd, &sb)) {
		ret = fail(err, errlen, -errno, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		ret = fail(err, errlen, -EINVAL, "not a regular file");
		goto out;
	}
	if (sb.st_size > PHD_MAX_FILE) {
		ret = fail(err, errlen, -EINVAL, "too large (%lld bytes)",
			   (long long)sb.st_size);
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		ret = fail(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = fail(err, errlen, -errno, "read: %s",
				   strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	ret = phd_ticket_parse(buf, got, st, err, errlen);
	if (!ret)
		snprintf(st->name, sizeof(st->name), "%s", name);
out:
	if (buf) {
		OPENSSL_cleanse(buf, (size_t)sb.st_size);
		free(buf);
	}
	close(fd);
	return ret;
}

/* What a scan of one peer directory found about one ticket file. */
struct entry {
	char name[PHD_NAME_MAX];
	uint64_t received_ms;
	int expired;
};

static int entry_cmp_fresh(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->received_ms != y->received_ms)
		return x->received_ms > y->received_ms ? -1 : 1;
	return strcmp(y->name, x->name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sorted names of the entries of @dfd that @want accepts (NULL: any). On
 * failure *@names is NULL and *@count 0, so free_names() is always safe.
 */
static int list_dir(int dfd, int (*want)(const char *name), char ***names,
		    size_t *count)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	DIR *d;
	int fd;

	*names = NULL;
	*count = 0;
	fd = dup(dfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (want && !want(de->d_name))
			continue;
		if (!want && (!strcmp(de->d_name, ".") ||
			      !strcmp(de->d_name, "..")))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*names = v;
	*count = n;
	return 0;
nomem:
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	return -ENOMEM;
}

static void free_names(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

static int is_peer_dir_name(const char *name)
{
	return name[0] != '.';
}

/*
 * Scan the tickets of peer directory @pfd (@key in messages): remove
 * expired ones, and, with @quarantine, rename unreadable ones to *.bad,
 * else warn about them. Fills @list with the valid ones, freshest first.
 */
static int scan_peer(int pfd, const char *key, uint64_t now_ms,
		     int quarantine, struct entry **list, size_t *count,
		     struct phd_prune_result *r)
{
	struct phd_stored_ticket st;
	char **names, err[256], bad[PHD_NAME_MAX + 8];
	struct entry *v;
	size_t n, i, k = 0;
	int ret;

	ret = list_dir(pfd, phd_ticket_name_ok, &names, &n);
	if (ret)
		return ret;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		free_names(names, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ret = read_ticket(pfd, names[i], &st, err, sizeof(err));
		if (ret == -ENOENT)
			continue;	/* removed meanwhile */
		if (ret) {
			if (quarantine && strlen(names[i]) < PHD_NAME_MAX) {
				snprintf(bad, sizeof(bad), "%s%s", names[i],
					 PHD_BAD_SUFFIX);
				log_warn("store: %s/%s: unreadable ticket file (%s): renamed to %s",
					 key, names[i], err, bad);
				renameat(pfd, names[i], pfd, bad);
				if (r)
					r->bad++;
			} else {
				log_warn("store: %s/%s: unreadable ticket file, ignored: %s",
					 key, names[i], err);
			}
			continue;
		}
		if (phd_ticket_expired(&st.t, now_ms)) {
			if (!unlinkat(pfd, names[i], 0)) {
				log_debug("store: %s/%s: expired, removed", key,
					  names[i]);
				if (r)
					r->expired++;
			}
			phd_stored_ticket_clear(&st);
			continue;
		}
		snprintf(v[k].name, sizeof(v[k].name), "%s", names[i]);
		v[k].received_ms = st.t.received_ms;
		k++;
		phd_stored_ticket_clear(&st);
	}
	free_names(names, n);
	if (k > 1)
		qsort(v, k, sizeof(*v), entry_cmp_fresh);
	*list = v;
	*count = k;
	return 0;
}

/* Remove the oldest tickets beyond @max from a freshest-first @list. */
static unsigned int evict(int pfd, const char *key, struct entry *list,
			  size_t count, unsigned int max)
{
	unsigned int removed = 0;
	size_t i;

	for (i = max; i < count; i++) {
		if (!unlinkat(pfd, list[i].name, 0)) {
			log_debug("store: %s/%s: over max_per_peer %u, removed",
				  key, list[i].name, max);
			removed++;
		}
	}
	return removed;
}

static int open_dir_at(int dfd, const char *name)
{
	return openat(dfd, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int fsync_dir(int dfd)
{
	return fsync(dfd) ? -errno : 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0700) && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int phd_store_open(struct phd_store *s, const char *dir,
		   unsigned int max_per_peer, int create, char *err,
		   size_t errlen)
{
	struct stat sb;
	int ret;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	s->max_per_peer = max_per_peer ? max_per_peer : 1;
	if (strlen(dir) >= sizeof(s->dir))
		return fail(err, errlen, -ENAMETOOLONG, "%s: path too long",
			    dir);
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	if (create) {
		ret = mkdir_p(dir);
		if (ret)
			return fail(err, errlen, ret, "creating %s: %s", dir,
				    strerror(-ret));
	}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return fail(err, errlen, -errno, "%s: %s", dir,
			    strerror(errno));
	if (create && !fstat(s->dirfd, &sb) && (sb.st_mode & 077))
		log_warn("store: %s is accessible to group or others (mode %04o): tickets hold secrets, consider chmod 0700",
			 dir, (unsigned int)(sb.st_mode & 07777));
	return 0;
}

void phd_store_close(struct phd_store *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int random_hex(char *out, size_t bytes)
{
	uint8_t r[16];

	if (bytes > sizeof(r) ||
	    getrandom(r, bytes, 0) != (ssize_t)bytes)
		return -EIO;
	hex_put(out, r, bytes);
	return 0;
}

/* Write @text to a new file @name of @pfd atomically. */
static int write_atomic(int pfd, const char *name, const char *text,
			size_t len)
{
	char tmp[PHD_NAME_MAX];
	int fd, ret;

	memcpy(tmp, PHD_TMP_PREFIX, sizeof(PHD_TMP_PREFIX));
	if (random_hex(tmp + strlen(tmp), 8))
		return -EIO;
	fd = openat(pfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	ret = fchmod(fd, 0600) ? -errno : 0;
	if (!ret)
		ret = write_all(fd, text, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(pfd, tmp, pfd, name))
		ret = -errno;
	if (ret) {
		unlinkat(pfd, tmp, 0);
		return ret;
	}
	return fsync_dir(pfd);
}

int phd_store_put(struct phd_store *s, struct phd_stored_ticket *st,
		  uint64_t now_ms, char *err, size_t errlen)
{
	struct entry *list = NULL;
	size_t count = 0, len;
	char rnd[17];
	char *text;
	int pfd = -1, ret, tries;

	ret = phd_peer_key(st->t.server_name, &st->peer, st->peer_key,
			   sizeof(st->peer_key));
	if (ret)
		return fail(err, errlen, ret, "no server name and no address");
	ret = phd_ticket_format(st, &text, &len);
	if (ret)
		return fail(err, errlen, ret, "%s",
			    ret == -ENOMEM ? "out of memory" :
			    "a field is out of range");
	if (random_hex(rnd, 8)) {
		ret = fail(err, errlen, -EIO, "getrandom failed");
		goto out;
	}
	snprintf(st->name, sizeof(st->name), "%016llu-%s" PHD_TICKET_SUFFIX,
		 (unsigned long long)st->t.received_ms, rnd);

	/* A concurrent prune may remove an empty peer directory: retry. */
	for (tries = 0; tries < 2; tries++) {
		if (mkdirat(s->dirfd, st->peer_key, 0700) && errno != EEXIST) {
			ret = fail(err, errlen, -errno, "mkdir %s/%s: %s",
				   s->dir, st->peer_key, strerror(errno));
			goto out;
		}
		if (pfd >= 0)
			close(pfd);
		pfd = open_dir_at(s->dirfd, st->peer_key);
		if (pfd < 0) {
			ret = fail(err, errlen, -errno, "%s/%s: %s", s->dir,
				   st->peer_key, strerror(errno));
			goto out;
		}
		ret = write_atomic(pfd, st->name, text, len);
		if (ret != -ENOENT)
			break;
	}
	if (ret) {
		fail(err, errlen, ret, "writing %s/%s/%s: %s", s->dir,
		     st->peer_key, st->name, strerror(-ret));
		goto out;
	}
	if (!scan_peer(pfd, st->peer_key, now_ms, 0, &list, &count, NULL))
		evict(pfd, st->peer_key, list, count, s->max_per_peer);
	free(list);
out:
	OPENSSL_cleanse(text, len);
	free(text);
	if (pfd >= 0)
		close(pfd);
	return ret;
}

/* Whether stored ticket @st is one for (@server_name, @peer). */
static int ticket_matches(const struct phd_stored_ticket *st,
			  const char *server_name, const struct phd_peer *peer)
{
	if (st->peer.port != peer->port)
		return 0;
	if (server_name && server_name[0])
		return !strcasecmp(st->t.server_name, server_name);
	if (st->t.server_name[0] || st->peer.family != peer->family)
		return 0;
	return !memcmp(st->peer.addr, peer->addr,
		       peer->family == AF_INET ? 4 : 16);
}

int phd_store_lookup(struct phd_store *s, const char *server_name,
		     const struct phd_peer *peer, uint64_t now_ms,
		     struct phd_stored_ticket *out)
{
	struct phd_stored_ticket st;
	char key[PHD_PEER_KEY_MAX], err[256];
	struct entry *list = NULL;
	size_t count = 0, i;
	int pfd, ret, found = 0;

	memset(out, 0, sizeof(*out));
	if (phd_peer_key(server_name, peer, key, sizeof(key)))
		return -EINVAL;
	pfd = open_dir_at(s->dirfd, key);
	if (pfd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	ret = scan_peer(pfd, key, now_ms, 0, &list, &count, NULL);
	if (ret)
		goto out;
	/* Freshest first; a file may vanish or not match (a key collision). */
	for (i = 0; i < count && !found; i++) {
		if (read_ticket(pfd, list[i].name, &st, err, sizeof(err)))
			continue;
		if (!phd_ticket_expired(&st.t, now_ms) &&
		    ticket_matches(&st, server_name, peer)) {
			*out = st;
			snprintf(out->peer_key, sizeof(out->peer_key), "%s",
				 key);
			found = 1;
		} else {
			phd_stored_ticket_clear(&st);
		}
	}
	ret = found ? 0 : -ENOENT;
out:
	free(list);
	close(pfd);
	return ret;
}

int phd_store_remove(struct phd_store *s, const struct phd_stored_ticket *st)
{
	int pfd, ret = 0;

	if (!phd_ticket_name_ok(st->name) || !is_peer_dir_name(st->peer_key))
		return -EINVAL;
	pfd = open_dir_at(s->dirfd, st->peer_key);
	if (pfd < 0)
		return -errno;
	if (unlinkat(pfd, st->name, 0))
		ret = -errno;
	else
		ret = fsync_dir(pfd);
	close(pfd);
	return ret;
}

/* Remove temporary files of @pfd older than PHD_TMP_STALE_S. */
static unsigned int remove_stale_tmp(int pfd, const char *key)
{
	unsigned int removed = 0;
	struct stat sb;
	char **names;
	size_t n, i;
	time_t now = time(NULL);

	if (list_dir(pfd, NULL, &names, &n))
		return 0;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], PHD_TMP_PREFIX, strlen(PHD_TMP_PREFIX)))
			continue;
		if (fstatat(pfd, names[i], &sb, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(sb.st_mode) ||
		    now - sb.st_mtime < PHD_TMP_STALE_S)
			continue;
		if (!unlinkat(pfd, names[i], 0)) {
			log_debug("store: %s/%s: stale temporary file removed",
				  key, names[i]);
			removed++;
		}
	}
	free_names(names, n);
	return removed;
}

int phd_store_prune(struct phd_store *s, uint64_t now_ms,
		    struct phd_prune_result *r)
{
	struct phd_prune_result dummy;
	struct entry *list;
	char **peers;
	size_t np, i, count;
	int pfd, ret;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	ret = list_dir(s->dirfd, is_peer_dir_name, &peers, &np);
	if (ret)
		return ret;
	for (i = 0; i < np; i++) {
		pfd = open_dir_at(s->dirfd, peers[i]);
		if (pfd < 0)
			continue;	/* not a directory: not ours */
		r->tmp += remove_stale_tmp(pfd, peers[i]);
		if (!scan_peer(pfd, peers[i], now_ms, 1, &list, &count, r)) {
			r->evicted += evict(pfd, peers[i], list, count,
					    s->max_per_peer);
			r->kept += count < s->max_per_peer ? count :
				   s->max_per_peer;
			free(list);
		}
		close(pfd);
		if (!unlinkat(s->dirfd, peers[i], AT_REMOVEDIR)) {
			log_debug("store: %s: empty, removed", peers[i]);
			r->peers_removed++;
		}
	}
	free_names(peers, np);
	return 0;
}

int phd_store_walk(struct phd_store *s, phd_store_walk_cb cb, void *arg)
{
	struct phd_stored_ticket st;
	struct entry *v = NULL, *nv;
	char **peers, **names, err[256];
	size_t np, n, i, j, k, cap;
	int pfd, ret = 0;

	ret = list_dir(s->dirfd, is_peer_dir_name, &peers, &np);
	if (ret)
		return ret;
	for (i = 0; i < np && !ret; i++) {
		pfd = open_dir_at(s->dirfd, peers[i]);
		if (pfd < 0)
			continue;
		if (list_dir(pfd, phd_ticket_name_ok, &names, &n)) {
			close(pfd);
			continue;
		}
		/* Order by freshness: the received time of each file. */
		cap = n ? n : 1;
		nv = realloc(v, cap * sizeof(*v));
		if (!nv) {
			free_names(names, n);
			close(pfd);
			ret = -ENOMEM;
			break;
		}
		v = nv;
		for (j = 0, k = 0; j < n; j++) {
			ret = read_ticket(pfd, names[j], &st, err, sizeof(err));
			if (ret) {
				if (ret != -ENOENT)
					log_warn("store: %s/%s: unreadable ticket file, ignored: %s",
						 peers[i], names[j], err);
				ret = 0;
				continue;
			}
			snprintf(v[k].name, sizeof(v[k].name), "%s", names[j]);
			v[k].received_ms = st.t.received_ms;
			k++;
			phd_stored_ticket_clear(&st);
		}
		free_names(names, n);
		if (k > 1)
			qsort(v, k, sizeof(*v), entry_cmp_fresh);
		for (j = 0; j < k && !ret; j++) {
			if (read_ticket(pfd, v[j].name, &st, err, sizeof(err)))
				continue;
			snprintf(st.peer_key, sizeof(st.peer_key), "%s",
				 peers[i]);
			ret = cb(&st, arg);
			phd_stored_ticket_clear(&st);
		}
		close(pfd);
	}
	free(v);
	free_names(peers, np);
	return ret;
}
