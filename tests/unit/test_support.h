/*
 * The common preamble of the unit tests that exercise hypervisor code:
 * cmocka, the shared support (tests/unit/support.c, linked into every
 * test: panic() fails the test) and PANICS(), for code expected to panic.
 */
#ifndef TESTS_TEST_SUPPORT_H
#define TESTS_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <lib/panic.h>
#include "support.h"

/* Runs @stmt and reports whether it panicked. */
#define PANICS(stmt)							\
	({								\
		jmp_buf __jb;						\
		volatile bool __panicked = false;			\
		test_panic_jmp = &__jb;					\
		if (setjmp(__jb))					\
			__panicked = true;				\
		else							\
			stmt;						\
		test_panic_jmp = NULL;					\
		__panicked;						\
	})

#endif
