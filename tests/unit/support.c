#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/panic.h>
#include "support.h"

unsigned int support_warnings;
jmp_buf *test_panic_jmp;

/*
 * A panic in code under test is a failed test, never a crash of the test
 * binary: cmocka's fail_msg() ends the current test and goes on.
 */
void panic(const char *fmt, ...)
{
	va_list ap;

	/* A test that provoked the panic on purpose (PANICS()) gets control back. */
	if (test_panic_jmp)
		longjmp(*test_panic_jmp, 1);
	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fail_msg("the code under test panicked");
	abort();
}

void warn_once_report(const char *file, int line, const char *cond)
{
	support_warnings++;
	print_message("warning at %s:%d: %s\n", file, line, cond);
}

void *exact_copy(const void *src, size_t size)
{
	void *p = malloc(size ? size : 1);

	assert_non_null(p);
	memcpy(p, src, size);
	return p;
}

void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
