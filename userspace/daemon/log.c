// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-phd logging to stderr (see log.h). systemd sets JOURNAL_STREAM to
 * "DEVICE:INODE" of the stream it connected to stdout/stderr; when that is
 * our stderr, journald reads a leading "<N>" as the syslog priority of the
 * line (sd-daemon(3)) and adds the time and the program name itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "log.h"

static const char *log_prog = "ktls-phd";
static int log_level = PHD_LOG_INFO;
static int log_journal;

static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(2, &st))
		return 0;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

void phd_log_init(const char *prog, int level)
{
	if (prog)
		log_prog = prog;
	log_level = level;
	log_journal = stderr_is_journal();
}

void phd_log_set_level(int level)
{
	log_level = level;
}

int phd_log_get_level(void)
{
	return log_level;
}

int phd_log_level_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "error") || !strcasecmp(s, "err"))
		return PHD_LOG_ERR;
	if (!strcasecmp(s, "warn") || !strcasecmp(s, "warning"))
		return PHD_LOG_WARN;
	if (!strcasecmp(s, "info"))
		return PHD_LOG_INFO;
	if (!strcasecmp(s, "debug"))
		return PHD_LOG_DEBUG;
	return -1;
}

const char *phd_log_level_name(int level)
{
	switch (level) {
	case PHD_LOG_ERR:
		return "error";
	case PHD_LOG_WARN:
		return "warn";
	case PHD_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void phd_log(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int e = errno;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* stderr is unbuffered: glibc writes each fprintf() in one go. */
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", level, buf);
	else if (level == PHD_LOG_INFO)
		fprintf(stderr, "%s: %s\n", log_prog, buf);
	else
		fprintf(stderr, "%s: %s: %s\n", log_prog,
			level == PHD_LOG_ERR ? "error" :
			level == PHD_LOG_WARN ? "warning" : "debug", buf);
	errno = e;
}
