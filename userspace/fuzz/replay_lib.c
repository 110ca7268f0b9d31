// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_ph fuzzing: the replay drivers' shared part. See replay_lib.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay_lib.h"

static const struct replay_target *target;
static uint8_t *buf;
static unsigned long inputs, files;
static size_t total_bytes;
static uint64_t rng = 1;

uint32_t rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

uint8_t *put_random(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd(256);
	return p;
}

uint32_t gen_len(uint32_t max)
{
	uint32_t len;

	switch (rnd(8)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = max;
		break;
	case 2:
		len = rnd(max + 1);
		break;
	default:
		len = 1 + rnd(32);
		break;
	}
	return len < max ? len : max;
}

size_t gen_random_input(uint8_t *out)
{
	size_t len = rnd(rnd(8) ? 64 : 512);

	put_random(out, len);
	return len;
}

size_t put_trailing(uint8_t *out, size_t len)
{
	size_t n = 1 + rnd(4);

	put_random(out + len, n);
	return len + n;
}

static void run(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	/* An exact-size copy, so that reads past the input are caught */
	if (!copy) {
		perror(target->name);
		exit(1);
	}
	memcpy(copy, data, size);
	target->one_input(copy, size);
	free(copy);
	inputs++;
	total_bytes += size;
}

static int run_file(const char *path)
{
	size_t size;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", target->name, path,
			strerror(errno));
		return -1;
	}
	size = fread(buf, 1, target->max_input, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "%s: %s: read error or over %zu bytes\n",
			target->name, path, target->max_input);
		fclose(f);
		return -1;
	}
	fclose(f);
	run(buf, size);
	files++;
	return 0;
}

static int run_path(const char *path)
{
	char name[4096];
	struct dirent *de;
	struct stat st;
	int err = 0;
	DIR *dir;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s: %s\n", target->name, path,
			strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s: %s\n", target->name, path,
			strerror(errno));
		return -1;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s", path, de->d_name);
		if (!stat(name, &st) && S_ISREG(st.st_mode) && run_file(name))
			err = -1;
	}
	closedir(dir);
	return err;
}

int replay_main(const struct replay_target *t, int argc, char **argv)
{
	unsigned long runs = 0, seed = 1, i;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			runs = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n RUNS] [-s SEED] [FILE|DIR]...\n",
				t->name);
			return 2;
		}
	}
	target = t;
	/* One buffer for files and generated inputs: run() copies it */
	buf = calloc(1, t->max_input);
	if (!buf) {
		perror(t->name);
		return 1;
	}
	for (; optind < argc; optind++)
		if (run_path(argv[optind]))
			err = 1;
	rng = seed ? seed : 1;
	for (i = 0; i < runs; i++)
		run(buf, t->gen_input(buf));
	free(buf);

	printf("%s: %lu inputs (%lu files, %lu random, seed %lu), %zu bytes\n",
	       t->name, inputs, files, runs, seed, total_bytes);
	for (i = 0; i < t->nr_events; i++)
		printf("  %-40s %lu\n", t->event_names[i], t->events[i]);
	if (err)
		printf("%s: some files could not be read\n", t->name);
	else
		printf("%s: no invariant violated\n", t->name);
	return err;
}
