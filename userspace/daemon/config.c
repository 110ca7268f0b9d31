// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd configuration file parser (see config.h, ktls-phd.conf(5)).
 *
 * The syntax is a strict INI subset: "[section]" lines, "key = value"
 * lines, and comment lines starting with '#' or ';'. Whitespace around
 * section names, keys and values is ignored; there is no quoting, no
 * continuation and no comment after a value. Unknown sections, unknown
 * keys, keys given twice and bad values are errors, reported as
 * "FILE:LINE: reason".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum phd_key {
	KEY_STORE_DIRECTORY,
	KEY_STORE_MAX_PER_PEER,
	KEY_STORE_PRUNE_INTERVAL,
	KEY_LOG_LEVEL,
	KEY_PHA_CERTIFICATE,
	KEY_PHA_KEY,
	KEY_PHA_DECLINE,
	KEY_PHA_ALLOW_PEER,
	KEY_PHA_DECLINE_PEER,
	KEY_PHA_CA_FILE,
	KEY_PHA_CA_DIR,
	KEY_PHA_REQUIRE_CERTIFICATE,
	KEY_NUM
};

static const struct {
	const char *section;
	const char *key;
	int multi;		/* may be given more than once */
} phd_keys[KEY_NUM] = {
	[KEY_STORE_DIRECTORY] = { "store", "directory" },
	[KEY_STORE_MAX_PER_PEER] = { "store", "max_per_peer" },
	[KEY_STORE_PRUNE_INTERVAL] = { "store", "prune_interval" },
	[KEY_LOG_LEVEL] = { "log", "level" },
	[KEY_PHA_CERTIFICATE] = { "pha", "certificate" },
	[KEY_PHA_KEY] = { "pha", "key" },
	[KEY_PHA_DECLINE] = { "pha", "decline" },
	[KEY_PHA_ALLOW_PEER] = { "pha", "allow_peer", 1 },
	[KEY_PHA_DECLINE_PEER] = { "pha", "decline_peer", 1 },
	[KEY_PHA_CA_FILE] = { "pha", "ca_file" },
	[KEY_PHA_CA_DIR] = { "pha", "ca_dir" },
	[KEY_PHA_REQUIRE_CERTIFICATE] = { "pha", "require_certificate" },
};

/* Sections this version knows. */
static const char *const phd_sections[] = { "store", "log", "pha" };

void phd_config_defaults(struct phd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->store_dir, sizeof(c->store_dir), "%s", PHD_DEFAULT_STORE);
	c->max_per_peer = PHD_DEFAULT_MAX_PER_PEER;
	c->prune_interval = PHD_DEFAULT_PRUNE;
	c->log_level = PHD_LOG_INFO;
}

static int seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal number in [min, max], nothing else. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* yes/no, true/false, on/off, 1/0 (case does not matter), or -1. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

static int set_path(char *dst, size_t size, const char *key,
		    const char *value, char *err, size_t errlen)
{
	if (value[0] != '/')
		return seterr(err, errlen,
			      "[pha] %s must be an absolute path, not '%s'",
			      key, value);
	if (strlen(value) >= size)
		return seterr(err, errlen, "[pha] %s is too long", key);
	snprintf(dst, size, "%s", value);
	return 0;
}

static int host_char_ok(int ch)
{
	return isalnum(ch) || ch == '.' || ch == '-' || ch == '_' ||
	       ch == ':';
}

int phd_pha_rule_parse(struct phd_pha_rule *r, const char *value, char *err,
		       size_t errlen)
{
	const char *host = value, *port = NULL, *colon, *end;
	unsigned int p = 0;
	size_t len, i;

	if (value[0] == '[') {
		/* [IPv6]:port or [IPv6] */
		end = strchr(value, ']');
		if (!end || end == value + 1 ||
		    (end[1] && (end[1] != ':' || !end[2])))
			return seterr(err, errlen,
				      "peer '%s' is not HOST[:PORT] or [IPV6]:PORT",
				      value);
		host = value + 1;
		len = (size_t)(end - host);
		if (end[1])
			port = end + 2;
	} else {
		colon = strchr(value, ':');
		/* one colon: HOST:PORT; more: a bare IPv6 address */
		if (colon && !strchr(colon + 1, ':')) {
			len = (size_t)(colon - value);
			port = colon + 1;
		} else {
			len = strlen(value);
		}
	}
	if (!len || len > PHD_PHA_HOST_MAX)
		return seterr(err, errlen, "peer '%s': bad host length", value);
	if (!(len == 1 && host[0] == '*')) {
		for (i = 0; i < len; i++)
			if (!host_char_ok((unsigned char)host[i]))
				return seterr(err, errlen,
					      "peer '%s': bad character in host name or address",
					      value);
		if (value[0] == '[' && !memchr(host, ':', len))
			return seterr(err, errlen,
				      "peer '%s': brackets are for IPv6 addresses",
				      value);
	}
	if (port && parse_uint(port, 1, 65535, &p))
		return seterr(err, errlen,
			      "peer '%s': port must be a number from 1 to 65535",
			      value);
	memcpy(r->host, host, len);
	r->host[len] = '\0';
	r->port = p;
	return 0;
}

static int add_rule(struct phd_pha_config *pc, int allow, const char *key,
		    const char *value, char *err, size_t errlen)
{
	struct phd_pha_rule r;
	char msg[320];

	if (pc->nrules >= PHD_PHA_MAX_RULES)
		return seterr(err, errlen,
			      "[pha] too many allow_peer/decline_peer rules (at most %d)",
			      PHD_PHA_MAX_RULES);
	if (phd_pha_rule_parse(&r, value, msg, sizeof(msg)))
		return seterr(err, errlen, "[pha] %s: %s", key, msg);
	r.allow = allow;
	pc->rules[pc->nrules++] = r;
	return 0;
}

static int find_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(phd_keys); i++)
		if (!strcmp(phd_keys[i].section, section) &&
		    !strcmp(phd_keys[i].key, key))
			return (int)i;
	return -1;
}

static int set_key(struct phd_config *c, int k, const char *value,
		   char *err, size_t errlen)
{
	size_t len;
	int level;

	switch (k) {
	case KEY_STORE_DIRECTORY:
		len = strlen(value);
		if (value[0] != '/')
			return seterr(err, errlen,
				      "[store] directory must be an absolute path, not '%s'",
				      value);
		while (len > 1 && value[len - 1] == '/')
			len--;
		if (len >= sizeof(c->store_dir))
			return seterr(err, errlen,
				      "[store] directory is too long");
		memcpy(c->store_dir, value, len);
		c->store_dir[len] = '\0';
		return 0;
	case KEY_STORE_MAX_PER_PEER:
		if (parse_uint(value, 1, PHD_MAX_PER_PEER_LIMIT,
			       &c->max_per_peer))
			return seterr(err, errlen,
				      "[store] max_per_peer must be a number from 1 to %d, not '%s'",
				      PHD_MAX_PER_PEER_LIMIT, value);
		return 0;
	case KEY_STORE_PRUNE_INTERVAL:
		if (parse_uint(value, 0, PHD_PRUNE_LIMIT, &c->prune_interval))
			return seterr(err, errlen,
				      "[store] prune_interval must be a number of seconds from 0 to %d, not '%s'",
				      PHD_PRUNE_LIMIT, value);
		return 0;
	case KEY_LOG_LEVEL:
		level = phd_log_level_parse(value);
		if (level < 0)
			return seterr(err, errlen,
				      "[log] level must be error, warn, info or debug, not '%s'",
				      value);
		c->log_level = level;
		return 0;
	case KEY_PHA_CERTIFICATE:
		return set_path(c->pha.certificate, sizeof(c->pha.certificate),
				"certificate", value, err, errlen);
	case KEY_PHA_KEY:
		return set_path(c->pha.key, sizeof(c->pha.key), "key", value,
				err, errlen);
	case KEY_PHA_CA_FILE:
		return set_path(c->pha.ca_file, sizeof(c->pha.ca_file),
				"ca_file", value, err, errlen);
	case KEY_PHA_CA_DIR:
		return set_path(c->pha.ca_dir, sizeof(c->pha.ca_dir), "ca_dir",
				value, err, errlen);
	case KEY_PHA_DECLINE:
	case KEY_PHA_REQUIRE_CERTIFICATE:
		level = parse_bool(value);
		if (level < 0)
			return seterr(err, errlen,
				      "[pha] %s must be yes or no, not '%s'",
				      phd_keys[k].key, value);
		if (k == KEY_PHA_DECLINE)
			c->pha.decline = level;
		else
			c->pha.require_certificate = level;
		return 0;
	case KEY_PHA_ALLOW_PEER:
		return add_rule(&c->pha, 1, "allow_peer", value, err, errlen);
	case KEY_PHA_DECLINE_PEER:
		return add_rule(&c->pha, 0, "decline_peer", value, err, errlen);
	}
	return seterr(err, errlen, "internal error: key %d", k);
}

int phd_config_set(struct phd_config *c, const char *section,
		   const char *key, const char *value, char *err,
		   size_t errlen)
{
	int k = find_key(section, key);

	if (k < 0)
		return seterr(err, errlen, "unknown key '%s' in [%s]", key,
			      section);
	return set_key(c, k, value, err, errlen);
}

/* Strip leading and trailing white space in place. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int known_section(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(phd_sections); i++)
		if (!strcmp(phd_sections[i], s))
			return 1;
	return 0;
}

int phd_config_parse(struct phd_config *c, FILE *f, const char *name,
		     char *err, size_t errlen)
{
	char section[32] = "", msg[384], *line = NULL, *s, *eq, *key, *value;
	unsigned int seen[KEY_NUM] = { 0 };
	unsigned int lineno = 0;
	size_t cap = 0;
	ssize_t n;
	int k, ret = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			ret = seterr(err, errlen, "%s:%u: NUL byte in line",
				     name, lineno);
			break;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			n = strlen(s);
			if (s[n - 1] != ']') {
				ret = seterr(err, errlen,
					     "%s:%u: expected ']' at the end of the section line",
					     name, lineno);
				break;
			}
			s[n - 1] = '\0';
			s = trim(s + 1);
			if (!known_section(s)) {
				ret = seterr(err, errlen,
					     "%s:%u: unknown section [%s] (known: [store], [log], [pha])",
					     name, lineno, s);
				break;
			}
			snprintf(section, sizeof(section), "%s", s);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			ret = seterr(err, errlen,
				     "%s:%u: expected 'key = value' or '[section]'",
				     name, lineno);
			break;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (!*key) {
			ret = seterr(err, errlen, "%s:%u: missing key before '='",
				     name, lineno);
			break;
		}
		if (!section[0]) {
			ret = seterr(err, errlen,
				     "%s:%u: key '%s' outside a section (put it under [store] or [log])",
				     name, lineno, key);
			break;
		}
		if (!*value) {
			ret = seterr(err, errlen, "%s:%u: empty value for '%s'",
				     name, lineno, key);
			break;
		}
		k = find_key(section, key);
		if (k >= 0 && seen[k] && !phd_keys[k].multi) {
			ret = seterr(err, errlen,
				     "%s:%u: '%s' given twice in [%s] (first on line %u)",
				     name, lineno, key, section, seen[k]);
			break;
		}
		if (phd_config_set(c, section, key, value, msg, sizeof(msg))) {
			ret = seterr(err, errlen, "%s:%u: %s", name, lineno, msg);
			break;
		}
		seen[k] = lineno;
	}
	if (!ret && ferror(f))
		ret = seterr(err, errlen, "%s: read error", name);
	free(line);
	return ret;
}

int phd_config_load(struct phd_config *c, const char *path, char *err,
		    size_t errlen)
{
	FILE *f;
	int ret, e;

	f = fopen(path, "re");
	if (!f) {
		e = errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	ret = phd_config_parse(c, f, path, err, errlen);
	fclose(f);
	return ret;
}
