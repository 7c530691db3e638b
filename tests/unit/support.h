#ifndef TESTS_UNIT_SUPPORT_H
#define TESTS_UNIT_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Helpers shared by the unit tests: a hypervisor panic() that fails the
 * running cmocka test, and blobs copied into buffers of exactly their
 * size, so that AddressSanitizer reports the first byte read past them.
 */
void *exact_copy(const void *src, size_t size);
void put_be32(void *p, uint32_t v);
uint32_t get_be32(const void *p);

/* Set by warn_once_report(); a test that expects a warning checks it. */
extern unsigned int support_warnings;

/* While set, panic() longjmps here instead of failing the test. */
#include <setjmp.h>
extern jmp_buf *test_panic_jmp;

#endif
