/*
 * Included once by each unit test that links hypervisor code calling
 * panic() or WARN_ON_ONCE(): a panic fails the running test instead of
 * stopping a CPU, and warnings are counted so tests can assert on them.
 */
#ifndef TESTS_TEST_SUPPORT_H
#define TESTS_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <lib/panic.h>

static unsigned int test_warnings;
/* A test that expects a panic sets this; panic() then jumps back to it. */
static jmp_buf *test_panic_jmp;

static inline void tests_vfail(const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fail_msg("panic: %s", msg);
	abort();
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	if (test_panic_jmp)
		longjmp(*test_panic_jmp, 1);
	va_start(ap, fmt);
	tests_vfail(fmt, ap);
	va_end(ap);
	abort();
}

void warn_once_report(const char *file, int line, const char *cond)
{
	test_warnings++;
	print_message("WARN_ON_ONCE at %s:%d: %s\n", file, line, cond);
}

/* Runs @stmt and reports whether it panicked. */
#define PANICS(stmt)							\
	({								\
		jmp_buf __jb;						\
		volatile bool __panicked = false;				\
		test_panic_jmp = &__jb;					\
		if (setjmp(__jb))					\
			__panicked = true;				\
		else							\
			stmt;						\
		test_panic_jmp = NULL;					\
		__panicked;						\
	})

#endif
