/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ktls-phd ticket store, shared by the daemon (which writes it) and the
 * ktls-ph CLI (which reads it). See Documentation/ktls-phd.md.
 *
 *   DIR/                       mode 0700
 *     PEER-KEY/                mode 0700, one per peer: "example.com_443",
 *                              "192.0.2.1_443", "[2001:db8::1]_443"
 *       RECEIVED-RANDOM.ticket mode 0600, one per ticket (text, below)
 *       .tmp-RANDOM            a ticket being written (never read)
 *       NAME.ticket.bad        a file prune could not read (kept, ignored)
 *
 * A ticket file is "key=value" lines, binary fields in lower-case hex, in
 * this order, each exactly once, every line ending in '\n':
 *
 *   version=1
 *   received_ms=1763913600000       CLOCK_REALTIME milliseconds
 *   lifetime=7200                   seconds
 *   age_add=3735928559
 *   max_early_data=0
 *   cipher_suite=0x1301
 *   peer_family=inet                inet | inet6
 *   peer_addr=192.0.2.1
 *   peer_port=443
 *   server_name=example.com         empty when the connection had none
 *   peer_auth=certificate           unknown | certificate | psk
 *   nonce=00                        0 to 255 bytes (may be empty)
 *   ticket=...                      1 to 65535 bytes
 *   psk=...                         the suite's hash length (32 or 48)
 *
 * Files are written atomically (temporary file, fsync, rename, fsync of the
 * directory). A ticket is valid while received_ms + lifetime * 1000 > now.
 */
#ifndef PHD_STORE_H
#define PHD_STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "ktlsph_ticket.h"

#define PHD_STORE_VERSION	1
#define PHD_TICKET_SUFFIX	".ticket"
#define PHD_TMP_PREFIX		".tmp-"
#define PHD_BAD_SUFFIX		".bad"
/* RFC 8446 4.6.1: servers MUST NOT use a lifetime above 7 days. */
#define PHD_MAX_LIFETIME	604800
/* Longest ticket file: a 65535-byte ticket in hex, and the rest. */
#define PHD_MAX_FILE		(192 * 1024)
#define PHD_PEER_KEY_MAX	256
#define PHD_NAME_MAX		64

/* The peer's address: @family AF_INET (4 bytes of @addr) or AF_INET6. */
struct phd_peer {
	int family;
	uint8_t addr[16];	/* network byte order */
	uint16_t port;		/* host byte order */
};

/* One ticket as stored: the ticket and the peer it came from. */
struct phd_stored_ticket {
	struct ktlsph_ticket t;
	struct phd_peer peer;
	char peer_key[PHD_PEER_KEY_MAX];	/* set by lookup/walk */
	char name[PHD_NAME_MAX];		/* set by put/lookup/walk */
};

struct phd_store {
	int dirfd;
	unsigned int max_per_peer;
	char dir[PATH_MAX];
};

/* What one phd_store_prune() did. */
struct phd_prune_result {
	unsigned int kept;		/* valid tickets left */
	unsigned int expired;		/* removed: lifetime over */
	unsigned int evicted;		/* removed: over max_per_peer */
	unsigned int bad;		/* unreadable, renamed to *.bad */
	unsigned int tmp;		/* stale temporary files removed */
	unsigned int peers_removed;	/* empty peer directories removed */
};

uint64_t phd_now_ms(void);

/* "unknown", "certificate", "psk" (enum ktls_ph_peer_auth), or "?". */
const char *phd_peer_auth_name(int peer_auth);

/* Whether @t's lifetime is over at @now_ms. */
int phd_ticket_expired(const struct ktlsph_ticket *t, uint64_t now_ms);

/* Free the ticket bytes and wipe the PSK (ktlsph_ticket_clear()). */
void phd_stored_ticket_clear(struct phd_stored_ticket *st);

/*
 * "192.0.2.1:443" or "[2001:db8::1]:443" into @buf. Returns what snprintf
 * returns.
 */
int phd_peer_format(const struct phd_peer *p, char *buf, size_t len);

/*
 * The directory name of a peer: the server name (lower case, every byte
 * but [a-z0-9.-] replaced by '_', a leading '.' too, at most 200 bytes)
 * when @server_name is not empty, else the address ("192.0.2.1",
 * "[2001:db8::1]"); then '_' and the port. Returns 0, or -EINVAL when
 * there is neither a name nor an address.
 */
int phd_peer_key(const char *server_name, const struct phd_peer *peer,
		 char *buf, size_t len);

/* Whether @name is a ticket file name lookups read ("*.ticket", no '.'). */
int phd_ticket_name_ok(const char *name);

/*
 * The text of a ticket file (format above) in a malloc'd buffer (*@out,
 * *@outlen bytes, NUL-terminated). It holds the PSK: the caller wipes and
 * frees it. Returns 0, -EINVAL (a field out of range) or -ENOMEM.
 */
int phd_ticket_format(const struct phd_stored_ticket *st, char **out,
		      size_t *outlen);

/*
 * Parse a ticket file's text (@len bytes) into @st (zeroed first; free with
 * phd_stored_ticket_clear()). Returns 0, -EPROTONOSUPPORT (another format
 * version) or -EINVAL, with the reason in @err.
 */
int phd_ticket_parse(const char *text, size_t len,
		     struct phd_stored_ticket *st, char *err, size_t errlen);

/*
 * Open the store at @dir. With @create, the directory is created (mode
 * 0700, parents too) if missing, and a warning is logged when an existing
 * one is accessible to group or others. Returns 0 or -errno with the
 * reason in @err.
 */
int phd_store_open(struct phd_store *s, const char *dir,
		   unsigned int max_per_peer, int create, char *err,
		   size_t errlen);
void phd_store_close(struct phd_store *s);

/*
 * Store @st (its ticket, peer and t.server_name) atomically under its peer
 * key, then remove that peer's expired tickets and the oldest ones beyond
 * max_per_peer. The file name is written to @st->name, the peer key to
 * @st->peer_key. Returns 0 or -errno with the reason in @err.
 */
int phd_store_put(struct phd_store *s, struct phd_stored_ticket *st,
		  uint64_t now_ms, char *err, size_t errlen);

/*
 * The freshest valid ticket for a peer into @out: by server name and
 * port when @server_name is not empty (the address is then not compared),
 * else by address and port among tickets stored without a server name.
 * Expired tickets of that peer are removed on the way (as far as
 * permissions allow); unreadable files are skipped with a warning.
 * Returns 0, -ENOENT (none) or another -errno.
 */
int phd_store_lookup(struct phd_store *s, const char *server_name,
		     const struct phd_peer *peer, uint64_t now_ms,
		     struct phd_stored_ticket *out);

/*
 * Remove the file of @st (as filled by phd_store_lookup() or the walk):
 * for clients that use each ticket once (RFC 8446 appendix C.4). Returns
 * 0 or -errno.
 */
int phd_store_remove(struct phd_store *s, const struct phd_stored_ticket *st);

/*
 * Remove expired tickets, tickets beyond max_per_peer (oldest first) and
 * stale temporary files (older than a minute); rename unreadable files to
 * NAME.bad with a warning; remove empty peer directories. @r may be NULL.
 * Returns 0 or -errno (the store directory could not be read).
 */
int phd_store_prune(struct phd_store *s, uint64_t now_ms,
		    struct phd_prune_result *r);

/*
 * Call @cb for every readable ticket of the store (expired ones too: see
 * phd_ticket_expired()), peer by peer in name order, each peer's tickets
 * freshest first. Unreadable files are skipped with a warning. A non-zero
 * return of @cb stops the walk and is returned. Returns 0 or -errno.
 */
typedef int (*phd_store_walk_cb)(const struct phd_stored_ticket *st,
				 void *arg);
int phd_store_walk(struct phd_store *s, phd_store_walk_cb cb, void *arg);

#endif /* PHD_STORE_H */
