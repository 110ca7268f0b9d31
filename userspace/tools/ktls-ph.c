// SPDX-License-Identifier: GPL-2.0
/*
 * ktls-ph: inspect ktls_ph from the command line.
 *
 *   ktls-ph list    one line per attached socket (in this network
 *                   namespace): cookie, role, cipher suite and counters
 *
 * There is no key-update command: the ktls_ph netlink API names a socket by
 * a file descriptor of the calling process, so only the process owning the
 * socket can ask for a KeyUpdate (ktlsph_key_update()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ktlsph.h"

#define PROG	"ktls-ph"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " list\n"
		"\n"
		"  list   one line per socket ktls_ph is attached to:\n"
		"         cookie=N role=client|server suite=NAME rx_rekeys=N\n"
		"         tx_rekeys=N update_requested=N auto_rekeys=N\n"
		"         tx_records=N tx_bytes=N hs_records=N\n");
}

static int print_one(const struct ktlsph_stats *st, void *arg)
{
	char line[512];

	(void)arg;
	ktlsph_stats_format(st, line, sizeof(line));
	printf("%s\n", line);
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
