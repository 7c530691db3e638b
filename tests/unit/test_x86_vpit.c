/* SOURCES: arch/x86/vplat/vpit.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/vpit.h>
#include <lib/errno.h>

/* The virtual 8254's counting, on a clock the test moves by hand. */

#define MS		1000000ULL
#define TICK_NS(n)	(((n) * 1000000000ULL + VPIT_HZ - 1) / VPIT_HZ)
/* Half-way into tick n, away from the rounding at tick boundaries. */
#define MID(n)		(TICK_NS(n) + 400)

static struct vpit pit;

static void program(u32 ch, u8 mode, u16 count, u64 now)
{
	vpit_write(&pit, 3, (u8)(ch << 6 | 3 << 4 | mode << 1), now);
	vpit_write(&pit, ch, (u8)count, now);
	vpit_write(&pit, ch, (u8)(count >> 8), now);
}

static u16 read_count(u32 ch, u64 now)
{
	u8 lo = vpit_read(&pit, ch, now);

	return (u16)(lo | vpit_read(&pit, ch, now) << 8);
}

static void test_rate_generator_irq_period(void **state)
{
	u64 t0 = 5 * MS;

	vpit_reset(&pit);
	assert_int_equal(vpit_next_irq(&pit, 0), 0);
	program(0, 2, 1193, t0);		/* Linux's 1000 Hz tick */
	assert_int_equal(vpit_next_irq(&pit, t0), t0 + TICK_NS(1193));
	/* Just past an edge, the next one is a period later. */
	assert_int_equal(vpit_next_irq(&pit, t0 + TICK_NS(1193)), t0 + TICK_NS(2 * 1193));
	/* Far later: the next period boundary, no backlog. */
	assert_int_equal(vpit_next_irq(&pit, t0 + 1000 * MS), t0 + TICK_NS(1193ULL * 1001));
}

static void test_mode0_one_shot(void **state)
{
	vpit_reset(&pit);
	program(0, 0, 100, 0);
	assert_false(vpit_out(&pit, 0, 0));
	assert_int_equal(vpit_next_irq(&pit, 0), TICK_NS(100));
	assert_false(vpit_out(&pit, 0, TICK_NS(99)));
	assert_true(vpit_out(&pit, 0, TICK_NS(100)));
	/* Once: no further edge. */
	assert_int_equal(vpit_next_irq(&pit, TICK_NS(100)), 0);
	/* The count wraps and keeps going down. */
	assert_int_equal(vpit_count(&pit, 0, TICK_NS(101)), 0xffff);
}

static void test_mode0_output_low_from_control_word(void **state)
{
	vpit_reset(&pit);
	assert_true(vpit_out(&pit, 0, 0));
	vpit_write(&pit, 3, 0x30, 0);
	assert_false(vpit_out(&pit, 0, 0));
	assert_int_equal(vpit_next_irq(&pit, 0), 0);
}

static void test_live_count_and_latch(void **state)
{
	vpit_reset(&pit);
	program(0, 2, 10000, 0);
	assert_int_equal(read_count(0, TICK_NS(1000)), 9000);
	vpit_write(&pit, 3, 0x00, TICK_NS(2000));	/* latch counter 0 */
	/* The latched value, however late it is read. */
	assert_int_equal(read_count(0, TICK_NS(5000)), 8000);
	assert_int_equal(read_count(0, TICK_NS(5000)), 5000);
}

static void test_second_latch_ignored(void **state)
{
	vpit_reset(&pit);
	program(0, 2, 10000, 0);
	vpit_write(&pit, 3, 0x00, TICK_NS(100));
	vpit_write(&pit, 3, 0x00, TICK_NS(200));
	assert_int_equal(read_count(0, TICK_NS(300)), 9900);
}

static void test_lsb_msb_only_access(void **state)
{
	vpit_reset(&pit);
	vpit_write(&pit, 3, 0x14, 0);		/* counter 0, LSB only, mode 2 */
	vpit_write(&pit, 0, 200, 0);
	assert_int_equal(vpit_read(&pit, 0, TICK_NS(50)), 150);
	vpit_write(&pit, 3, 0x24, 0);		/* MSB only */
	vpit_write(&pit, 0, 0x02, 0);
	assert_int_equal(vpit_count(&pit, 0, 0), 0x200);
	assert_int_equal(vpit_read(&pit, 0, TICK_NS(0x100)), 0x01);
}

static void test_zero_count_is_65536(void **state)
{
	vpit_reset(&pit);
	program(0, 2, 0, 0);
	assert_int_equal(vpit_next_irq(&pit, 0), TICK_NS(65536));
}

static void test_square_wave(void **state)
{
	vpit_reset(&pit);
	program(0, 3, 1000, 0);
	assert_true(vpit_out(&pit, 0, TICK_NS(100)));
	assert_false(vpit_out(&pit, 0, TICK_NS(600)));
	assert_true(vpit_out(&pit, 0, TICK_NS(1100)));
	assert_int_equal(vpit_next_irq(&pit, TICK_NS(600)), TICK_NS(1000));
}

static void test_mode4_strobe(void **state)
{
	vpit_reset(&pit);
	program(0, 4, 50, 0);
	assert_true(vpit_out(&pit, 0, TICK_NS(49)));
	assert_false(vpit_out(&pit, 0, TICK_NS(50)));
	assert_int_equal(vpit_next_irq(&pit, 0), TICK_NS(51));
	assert_int_equal(vpit_next_irq(&pit, TICK_NS(51)), 0);
}

static void test_read_back_status(void **state)
{
	vpit_reset(&pit);
	program(2, 0, 300, 0);
	vpit_set_gate(&pit, 2, true, 0);
	/* Read-back: latch status and count of counter 2. */
	vpit_write(&pit, 3, 0xc8, TICK_NS(10));
	assert_int_equal(vpit_read(&pit, 2, TICK_NS(20)), 0x30);	/* OUT 0, LSB/MSB, mode 0 */
	assert_int_equal(read_count(2, TICK_NS(20)), 290);
}

/* How Linux and our own hypervisor calibrate the TSC: counter 2, mode 0, gated by port 0x61. */
static void test_channel2_gate(void **state)
{
	vpit_reset(&pit);
	program(2, 0, 1000, 0);
	/* The gate is low: the count does not move. */
	assert_int_equal(vpit_count(&pit, 2, TICK_NS(500)), 1000);
	assert_false(vpit_out(&pit, 2, TICK_NS(5000)));
	vpit_set_gate(&pit, 2, true, TICK_NS(500));
	assert_false(vpit_out(&pit, 2, TICK_NS(1498)));
	assert_true(vpit_out(&pit, 2, TICK_NS(1501)));
	/* Mode 0 pauses while the gate is low, and resumes. */
	program(2, 0, 1000, TICK_NS(2000));
	vpit_set_gate(&pit, 2, false, MID(2400));
	assert_int_equal(vpit_count(&pit, 2, MID(9000)), 600);
	vpit_set_gate(&pit, 2, true, MID(10000));
	assert_int_equal(vpit_count(&pit, 2, MID(10100)), 500);
}

static void test_mode1_triggered_by_gate(void **state)
{
	vpit_reset(&pit);
	program(2, 1, 100, 0);
	assert_true(vpit_out(&pit, 2, TICK_NS(500)));
	vpit_set_gate(&pit, 2, true, TICK_NS(1000));
	assert_false(vpit_out(&pit, 2, TICK_NS(1050)));
	assert_true(vpit_out(&pit, 2, TICK_NS(1101)));
}

static void test_bcd_refused(void **state)
{
	vpit_reset(&pit);
	program(0, 2, 1000, 0);
	assert_int_equal(vpit_write(&pit, 3, 0x35, 0), -EOPNOTSUPP);
	/* Ignored: counter 0 keeps running as before. */
	assert_int_equal(vpit_next_irq(&pit, 0), TICK_NS(1000));
	assert_int_equal(vpit_write(&pit, 4, 0, 0), -EINVAL);
	assert_int_equal(vpit_read(&pit, 3, 0), 0xff);
}

static void test_mode_aliases(void **state)
{
	vpit_reset(&pit);
	vpit_write(&pit, 3, 0x3c, 0);		/* mode 6 = mode 2 */
	vpit_write(&pit, 0, 100, 0);
	vpit_write(&pit, 0, 0, 0);
	assert_int_equal(vpit_next_irq(&pit, TICK_NS(150)), TICK_NS(200));
}

static void test_large_times_do_not_overflow(void **state)
{
	u64 t0 = 86400ULL * 1000 * MS;	/* a day of uptime */

	vpit_reset(&pit);
	program(0, 2, 1193, t0);
	assert_int_equal(vpit_next_irq(&pit, t0), t0 + TICK_NS(1193));
	assert_int_equal(read_count(0, t0 + TICK_NS(193)), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_generator_irq_period),
		cmocka_unit_test(test_mode0_one_shot),
		cmocka_unit_test(test_mode0_output_low_from_control_word),
		cmocka_unit_test(test_live_count_and_latch),
		cmocka_unit_test(test_second_latch_ignored),
		cmocka_unit_test(test_lsb_msb_only_access),
		cmocka_unit_test(test_zero_count_is_65536),
		cmocka_unit_test(test_square_wave),
		cmocka_unit_test(test_mode4_strobe),
		cmocka_unit_test(test_read_back_status),
		cmocka_unit_test(test_channel2_gate),
		cmocka_unit_test(test_mode1_triggered_by_gate),
		cmocka_unit_test(test_bcd_refused),
		cmocka_unit_test(test_mode_aliases),
		cmocka_unit_test(test_large_times_do_not_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
