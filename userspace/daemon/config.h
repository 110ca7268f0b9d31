/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls-phd configuration: an INI file (default /etc/ktls-phd.conf), see
 * ktls-phd.conf(5) and ktls-phd.conf.example.
 *
 *   [store]
 *   directory = /var/lib/ktls-phd/tickets
 *   max_per_peer = 8
 *   prune_interval = 60
 *   [log]
 *   level = info
 *   [pha]      (post-handshake authentication, see pha.h and handler.h)
 *   certificate = /etc/ktls-phd/client-chain.pem
 *   key = /etc/ktls-phd/client-key.pem
 *   decline = no
 *   decline_peer = host[:port]     (repeatable; first matching rule wins)
 *   allow_peer = host[:port]       (repeatable)
 *   ca_file = /etc/ssl/certs/ca-certificates.crt
 *   ca_dir = /etc/ssl/certs
 *   require_certificate = no
 */
#ifndef PHD_CONFIG_H
#define PHD_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#define PHD_DEFAULT_CONFIG	"/etc/ktls-phd.conf"
#define PHD_DEFAULT_STORE	"/var/lib/ktls-phd/tickets"
#define PHD_DEFAULT_MAX_PER_PEER 8
#define PHD_MAX_PER_PEER_LIMIT	1024
#define PHD_DEFAULT_PRUNE	60
#define PHD_PRUNE_LIMIT		86400

/* [pha]: post-handshake authentication (pha.h). */
#define PHD_PHA_MAX_RULES	64
#define PHD_PHA_HOST_MAX	253

/*
 * A peer rule: "allow_peer" or "decline_peer" = HOST[:PORT]. HOST is a
 * server name (compared without case), an IPv4 or IPv6 address (an IPv6
 * address with a port is written [ADDR]:PORT) or "*" (any peer); PORT 0
 * means any port.
 */
struct phd_pha_rule {
	char host[PHD_PHA_HOST_MAX + 1];
	unsigned int port;
	int allow;			/* 1: allow_peer, 0: decline_peer */
};

struct phd_pha_config {
	/* client role: answering a server's CertificateRequest */
	char certificate[PATH_MAX];	/* PEM chain, leaf first; "" none */
	char key[PATH_MAX];		/* PEM private key; "" none */
	int decline;			/* default when no rule matches */
	unsigned int nrules;
	struct phd_pha_rule rules[PHD_PHA_MAX_RULES];	/* file order */
	/* server role: checking a client's Certificate */
	char ca_file[PATH_MAX];		/* PEM CA certificates; "" none */
	char ca_dir[PATH_MAX];		/* c_rehash directory; "" none */
	int require_certificate;	/* empty Certificate: alert 116 */
};

struct phd_config {
	char store_dir[PATH_MAX];	/* absolute path */
	unsigned int max_per_peer;	/* 1 .. PHD_MAX_PER_PEER_LIMIT */
	unsigned int prune_interval;	/* seconds, 0: only at start */
	int log_level;			/* PHD_LOG_* */
	struct phd_pha_config pha;
};

void phd_config_defaults(struct phd_config *c);

/*
 * Parse the INI text of @f (named @name in messages) into @c, on top of
 * what @c holds. Returns 0, or -EINVAL with "NAME:LINE: what is wrong" in
 * @err (other keys of the file may already have been applied).
 */
int phd_config_parse(struct phd_config *c, FILE *f, const char *name,
		     char *err, size_t errlen);

/*
 * phd_config_parse() of the file @path. -ENOENT when it does not exist (the
 * caller decides whether that is an error), other -errno when it cannot be
 * read, with the reason in @err.
 */
int phd_config_load(struct phd_config *c, const char *path, char *err,
		    size_t errlen);

/*
 * Set one value as the file's "[section] key = value" would; for the
 * command line. Returns 0 or -EINVAL with the reason (without position) in
 * @err.
 */
int phd_config_set(struct phd_config *c, const char *section,
		   const char *key, const char *value, char *err,
		   size_t errlen);

/*
 * Parse a peer rule value "HOST[:PORT]" into @r (allow left alone).
 * Returns 0 or -EINVAL with the reason in @err.
 */
int phd_pha_rule_parse(struct phd_pha_rule *r, const char *value, char *err,
		       size_t errlen);

#endif /* PHD_CONFIG_H */
