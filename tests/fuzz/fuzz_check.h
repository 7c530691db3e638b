#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/*
 * An invariant of a fuzz target: abort() is what libFuzzer records as a
 * crash with the input that caused it, so a broken invariant is kept and
 * reported like an out-of-bounds read would be.
 */
#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "invariant failed: %s (line %d)\n",	\
				#cond, __LINE__);				\
			abort();						\
		}								\
	} while (0)

#endif
