/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: what the replay drivers (replay.c, replay_nst.c, replay_pha.c,
 * replay_hello.c) share:
 * running a target on files, directories and generated inputs without
 * libFuzzer, the pseudo-random generator, the summary, and the generators'
 * building blocks.
 */
#ifndef _KTLS_PH_FUZZ_REPLAY_LIB_H
#define _KTLS_PH_FUZZ_REPLAY_LIB_H

#include <stddef.h>
#include <stdint.h>

struct replay_target {
	/* Program name, for messages and the summary: "fuzz-replay" */
	const char *name;
	int (*one_input)(const uint8_t *data, size_t size);
	/* One generated input into @out (max_input bytes), its length */
	size_t (*gen_input)(uint8_t *out);
	/* The largest input: generated, or read from a file */
	size_t max_input;
	/* What the target saw, printed after the run */
	const unsigned long *events;
	const char * const *event_names;
	size_t nr_events;
};

/* xorshift64*: the same inputs for the same seed everywhere */
uint32_t rnd32(void);

/* A number below @below */
static inline uint32_t rnd(uint32_t below)
{
	return rnd32() % below;
}

/* Big-endian @v at @p: the end of what was written */
static inline uint8_t *put16(uint8_t *p, uint32_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static inline uint8_t *put24(uint8_t *p, uint32_t v)
{
	*p++ = v >> 16;
	return put16(p, v);
}

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, v >> 16);
	return put16(p, v);
}

/* @n random bytes at @p: their end */
uint8_t *put_random(uint8_t *p, size_t n);

/* A length of some size class, up to @max: 0, @max, any, or 1 to 32 */
uint32_t gen_len(uint32_t max);

/* An input of random bytes into @out, mostly under 64, else under 512 */
size_t gen_random_input(uint8_t *out);

/* 1 to 4 random bytes after the @len bytes at @out: the new length */
size_t put_trailing(uint8_t *out, size_t len);

/*
 * Parses [-n RUNS] [-s SEED] [FILE|DIR]..., runs @t on each FILE, each
 * regular file in each DIR, then RUNS generated inputs, and prints the
 * summary: 0, 1 if some file could not be read, 2 on a usage error.
 */
int replay_main(const struct replay_target *t, int argc, char **argv);

#endif /* _KTLS_PH_FUZZ_REPLAY_LIB_H */
