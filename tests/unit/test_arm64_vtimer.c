/* SOURCES: lib/errno.c */
/* CFLAGS: -Iarch/arm64/include */
#include "test_support.h"

#include <asm/vtimer_deadline.h>

/* The WFI deadline of the virtual timer, from CNTV_CVAL, CNTVOFF and CNTFRQ. */

static void test_plain_conversion(void **state)
{
	assert_int_equal(vtimer_deadline_ns(62500000, 0, 62500000), 1000000000ULL);
	assert_int_equal(vtimer_deadline_ns(1, 0, 62500000), 16);
	assert_int_equal(vtimer_deadline_ns(100, 24900, 25000000), 1000000);
	assert_int_equal(vtimer_deadline_ns(5, 0, 0), 0);
}

/* cval + cntvoff past 2^64 is far in the future, not near zero. */
static void test_sum_saturates(void **state)
{
	assert_true(vtimer_deadline_ns(~0ULL - 10, 100, 62500000) == VTIMER_NEVER);
	assert_true(vtimer_deadline_ns(~0ULL, 1, 1000000000) == VTIMER_NEVER);
}

/* Ticks whose ns do not fit in 64 bits saturate instead of wrapping small. */
static void test_product_saturates(void **state)
{
	assert_true(vtimer_deadline_ns(~0ULL - 1000, 0, 62500000) == VTIMER_NEVER);
	assert_true(vtimer_deadline_ns(1ULL << 62, 0, 1000000000) != VTIMER_NEVER);
	assert_true(vtimer_deadline_ns(1ULL << 62, 0, 1000) == VTIMER_NEVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_conversion),
		cmocka_unit_test(test_sum_saturates),
		cmocka_unit_test(test_product_saturates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
