/* SOURCES: core/ratelimit.c */
#include "test_support.h"

#include <string.h>
#include <core/arch.h>
#include <core/console.h>

/*
 * The rate limit of guest-caused messages on a clock the test moves:
 * a burst gets through, the rest of the window is suppressed, and the
 * next window's first message reports how many were.
 */
static u64 now;
static char last[256];
static unsigned int printed;

u64 arch_time_ns(void)
{
	return now;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	printed++;
	return n;
}

static unsigned int allowed(struct ratelimit *rl, unsigned int tries)
{
	unsigned int n = 0;

	while (tries--)
		n += ratelimit_allow(rl, "test");
	return n;
}

static void test_burst_then_silence(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT;

	now = 1000;
	printed = 0;
	assert_int_equal(allowed(&rl, 100), RATELIMIT_BURST);
	assert_int_equal(printed, 0);
	now += RATELIMIT_WINDOW_NS - 1;
	assert_int_equal(allowed(&rl, 5), 0);
	assert_int_equal(rl.suppressed, 100 - RATELIMIT_BURST + 5);
}

static void test_next_window_reports_suppressed(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT;

	now = 5;
	printed = 0;
	allowed(&rl, RATELIMIT_BURST + 7);
	now += RATELIMIT_WINDOW_NS;
	assert_true(ratelimit_allow(&rl, "nested VMRUN"));
	assert_int_equal(printed, 1);
	assert_string_equal(last, "hv: nested VMRUN: 7 messages suppressed\n");
	assert_int_equal(allowed(&rl, 100), RATELIMIT_BURST - 1);
}

/* A clock at 0 or one that wrapped a window must not stall the limit for ever. */
static void test_first_window_at_time_zero(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT;

	now = 0;
	assert_int_equal(allowed(&rl, RATELIMIT_BURST + 1), RATELIMIT_BURST);
	now = RATELIMIT_WINDOW_NS;
	assert_true(ratelimit_allow(&rl, "test"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_silence),
		cmocka_unit_test(test_next_window_reports_suppressed),
		cmocka_unit_test(test_first_window_at_time_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
