// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ktls-phd's configuration parser (daemon/config.c): the
 * defaults, every key, the command line setter, and errors with file:line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "config.h"
#include "log.h"

/* Parse @text as file "test.conf" on top of the defaults. */
static int parse(const char *text, struct phd_config *c, char *err,
		 size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	phd_config_defaults(c);
	err[0] = '\0';
	if (!f)
		return -ENOMEM;
	ret = phd_config_parse(c, f, "test.conf", err, errlen);
	fclose(f);
	return ret;
}

/* @text must fail with a message containing @want. */
static void bad(const char *text, const char *want)
{
	struct phd_config c;
	char err[512];
	int ret = parse(text, &c, err, sizeof(err));

	ok(ret == -EINVAL && strstr(err, want), "rejected: \"%s\" (%s)", want,
	   err);
}

int main(void)
{
	struct phd_config c;
	char err[512], path[] = "/tmp/test_config.XXXXXX";
	FILE *f;
	int fd, ret;

	phd_log_init("test_config", PHD_LOG_ERR);

	phd_config_defaults(&c);
	ok(!strcmp(c.store_dir, "/var/lib/ktls-phd/tickets") &&
	   c.max_per_peer == 8 && c.prune_interval == 60 &&
	   c.log_level == PHD_LOG_INFO, "defaults");

	ret = parse("", &c, err, sizeof(err));
	ok(!ret && c.max_per_peer == 8, "empty file: defaults");

	ret = parse("# ktls-phd\n"
		    "; another comment\n"
		    "\n"
		    "[store]\n"
		    "directory = /srv/tickets/\n"
		    "  max_per_peer=3\t\t\n"
		    "prune_interval\t=\t0\r\n"
		    "[ log ]\n"
		    "level = DEBUG\n"
		    "[pha]\n", &c, err, sizeof(err));
	ok(!ret, "full file parses (%s)", err);
	ok(!strcmp(c.store_dir, "/srv/tickets"),
	   "directory, trailing slash dropped (%s)", c.store_dir);
	ok(c.max_per_peer == 3, "max_per_peer");
	ok(c.prune_interval == 0, "prune_interval 0, CRLF line end");
	ok(c.log_level == PHD_LOG_DEBUG, "level, case-insensitive");

	ret = parse("[log]\nlevel = warn\n[log]\n", &c, err, sizeof(err));
	ok(!ret && c.log_level == PHD_LOG_WARN, "level warn, section twice");
	ret = parse("[log]\nlevel=error\n", &c, err, sizeof(err));
	ok(!ret && c.log_level == PHD_LOG_ERR, "level error");
	ret = parse("[store]\ndirectory=/\n", &c, err, sizeof(err));
	ok(!ret && !strcmp(c.store_dir, "/"), "directory / kept");
	ret = parse("[store]\nmax_per_peer=1024\nprune_interval=86400\n", &c,
		    err, sizeof(err));
	ok(!ret && c.max_per_peer == 1024 && c.prune_interval == 86400,
	   "upper limits accepted");

	/* errors name the file and the line */
	bad("[store]\nmax_per_peer = 0\n",
	    "test.conf:2: [store] max_per_peer must be a number from 1 to 1024, not '0'");
	bad("[store]\nmax_per_peer = 1025\n", "test.conf:2:");
	bad("[store]\nmax_per_peer = -1\n", "not '-1'");
	bad("[store]\nmax_per_peer = 8x\n", "not '8x'");
	bad("[store]\nmax_per_peer = 99999999999999999999\n", "test.conf:2:");
	bad("\n\n[store]\nprune_interval = 86401\n",
	    "test.conf:4: [store] prune_interval must be a number of seconds");
	bad("[store]\ndirectory = relative/path\n",
	    "test.conf:2: [store] directory must be an absolute path");
	bad("[log]\nlevel = loud\n",
	    "test.conf:2: [log] level must be error, warn, info or debug, not 'loud'");
	bad("[store]\nsize = 3\n", "test.conf:2: unknown key 'size' in [store]");
	bad("[pha]\nkey = etc/key.pem\n",
	    "test.conf:2: [pha] key must be an absolute path");
	bad("[stor]\n", "test.conf:1: unknown section [stor]");
	bad("[store\n", "test.conf:1: expected ']'");
	bad("level = info\n", "test.conf:1: key 'level' outside a section");
	bad("[log]\nlevel\n", "test.conf:2: expected 'key = value' or '[section]'");
	bad("[log]\n= info\n", "test.conf:2: missing key before '='");
	bad("[log]\nlevel =\n", "test.conf:2: empty value for 'level'");
	bad("[log]\nlevel = info\n\n[log]\nlevel = debug\n",
	    "test.conf:5: 'level' given twice in [log] (first on line 2)");
	bad("[log]\nlevel = info # loud\n", "test.conf:2: [log] level must be");
	{
		static const char nul[] = "[log]\nlev\0el = info\n";
		FILE *m = fmemopen((void *)nul, sizeof(nul) - 1, "r");

		phd_config_defaults(&c);
		ret = m ? phd_config_parse(&c, m, "test.conf", err,
					   sizeof(err)) : -ENOMEM;
		if (m)
			fclose(m);
		ok(ret == -EINVAL && strstr(err, "test.conf:2: NUL byte"),
		   "rejected: a NUL byte (%s)", err);
	}

	/* the command line setter */
	phd_config_defaults(&c);
	ok(!phd_config_set(&c, "store", "directory", "/x", err, sizeof(err)) &&
	   !strcmp(c.store_dir, "/x"), "set directory");
	ok(phd_config_set(&c, "log", "level", "x", err, sizeof(err)) == -EINVAL &&
	   strstr(err, "not 'x'") && !strchr(err, ':'),
	   "set: error without a position (%s)", err);

	/* files */
	phd_config_defaults(&c);
	ret = phd_config_load(&c, "/nonexistent/ktls-phd.conf", err,
			      sizeof(err));
	ok(ret == -ENOENT && strstr(err, "/nonexistent/ktls-phd.conf"),
	   "missing file: -ENOENT (%s)", err);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		fputs("[store]\nmax_per_peer = 2\n[log]\nlevel = bogus\n", f);
		fclose(f);
	}
	ret = phd_config_load(&c, path, err, sizeof(err));
	ok(ret == -EINVAL && !strncmp(err, path, strlen(path)) &&
	   strstr(err, ":4: [log] level"), "file error names path:line (%s)",
	   err);
	ok(c.max_per_peer == 2, "keys before the error were applied");
	unlink(path);

	printf("1..%d\n", passed + failed);
	return failed != 0;
}
