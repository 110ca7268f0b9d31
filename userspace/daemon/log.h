/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls-phd logging: one line per message on stderr, filtered by level.
 * Under systemd (JOURNAL_STREAM names our stderr) each line starts with a
 * syslog priority prefix ("<6>") that journald turns into the entry's
 * priority; otherwise lines read "PROG: LEVEL: message".
 *
 * Never pass secrets (PSKs, ticket bytes) to these functions: log lengths.
 */
#ifndef PHD_LOG_H
#define PHD_LOG_H

/* The levels are syslog priorities (LOG_ERR, LOG_WARNING, ...). */
#define PHD_LOG_ERR	3
#define PHD_LOG_WARN	4
#define PHD_LOG_INFO	6
#define PHD_LOG_DEBUG	7

/*
 * Set the program name and the level (messages above it are dropped), and
 * detect whether stderr is connected to the journal.
 */
void phd_log_init(const char *prog, int level);
void phd_log_set_level(int level);
int phd_log_get_level(void);

/* "error", "warn" (or "warning"), "info", "debug" -> level, or -1. */
int phd_log_level_parse(const char *s);
const char *phd_log_level_name(int level);

void phd_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	phd_log(PHD_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	phd_log(PHD_LOG_WARN, __VA_ARGS__)
#define log_info(...)	phd_log(PHD_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	phd_log(PHD_LOG_DEBUG, __VA_ARGS__)

#endif /* PHD_LOG_H */
