/* SOURCES: arch/x86/vplat/vpic.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/vpic.h>

/* The virtual 8259 pair's register logic, programmed the way Linux and BIOSes do it. */

static struct vpic pic;

/* Linux's init_8259A(): edge, cascade on IRQ 2, vectors 0x20/0x28, 8086 mode. */
static void linux_init(bool auto_eoi)
{
	vpic_reset(&pic);
	vpic_write(&pic, 0x21, 0xff);
	vpic_write(&pic, 0xa1, 0xff);
	vpic_write(&pic, 0x20, 0x11);
	vpic_write(&pic, 0x21, 0x20);
	vpic_write(&pic, 0x21, 0x04);
	vpic_write(&pic, 0x21, auto_eoi ? 0x03 : 0x01);
	vpic_write(&pic, 0xa0, 0x11);
	vpic_write(&pic, 0xa1, 0x28);
	vpic_write(&pic, 0xa1, 0x02);
	vpic_write(&pic, 0xa1, 0x01);
	vpic_write(&pic, 0x21, 0x00);
	vpic_write(&pic, 0xa1, 0x00);
}

static void pulse(u32 irq)
{
	vpic_set_irq(&pic, irq, true);
	vpic_set_irq(&pic, irq, false);
}

static void test_reset_masks_everything(void **state)
{
	vpic_reset(&pic);
	pulse(0);
	pulse(12);
	assert_false(vpic_pending(&pic));
	assert_int_equal(vpic_read(&pic, 0x21), 0xff);
	assert_int_equal(vpic_read(&pic, 0xa1), 0xff);
}

static void test_master_irq_ack_eoi(void **state)
{
	linux_init(false);
	assert_false(vpic_pending(&pic));
	pulse(0);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x20);
	/* In service now: a second request of IRQ 0 waits for the EOI. */
	assert_false(vpic_pending(&pic));
	pulse(0);
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0x20, 0x0b);		/* OCW3: read ISR */
	assert_int_equal(vpic_read(&pic, 0x20), 0x01);
	vpic_write(&pic, 0x20, 0x20);		/* non-specific EOI */
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x20);
	vpic_write(&pic, 0x20, 0x20);
	assert_false(vpic_pending(&pic));
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
}

static void test_slave_through_cascade(void **state)
{
	linux_init(false);
	pulse(12);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x2c);
	vpic_write(&pic, 0xa0, 0x0b);
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0xa0), BIT(4));
	assert_int_equal(vpic_read(&pic, 0x20), BIT(2));
	/* Both chips need their EOI before IRQ 2's line can interrupt again. */
	pulse(13);
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0xa0, 0x20);
	vpic_write(&pic, 0x20, 0x20);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x2d);
}

static void test_priority_nesting(void **state)
{
	linux_init(false);
	pulse(3);
	assert_int_equal(vpic_ack(&pic), 0x23);
	/* Lower priority than the one in service: held back. */
	pulse(5);
	assert_false(vpic_pending(&pic));
	/* Higher priority: nests. */
	pulse(1);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x21);
	vpic_write(&pic, 0x20, 0x20);		/* ends IRQ 1, the highest in service */
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0x20, 0x20);		/* ends IRQ 3 */
	assert_int_equal(vpic_ack(&pic), 0x25);
}

static void test_mask_and_unmask(void **state)
{
	linux_init(false);
	vpic_write(&pic, 0x21, 0x01);
	pulse(0);
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0x20, 0x0a);		/* OCW3: read IRR */
	assert_int_equal(vpic_read(&pic, 0x20), 0x01);
	vpic_write(&pic, 0x21, 0x00);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_read(&pic, 0x21), 0x00);
}

static void test_edge_needs_new_edge(void **state)
{
	linux_init(false);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_ack(&pic), 0x24);
	vpic_write(&pic, 0x20, 0x20);
	/* Still high, but no new edge: nothing. */
	vpic_set_irq(&pic, 4, true);
	assert_false(vpic_pending(&pic));
	vpic_set_irq(&pic, 4, false);
	vpic_set_irq(&pic, 4, true);
	assert_true(vpic_pending(&pic));
}

static void test_level_triggered(void **state)
{
	linux_init(false);
	vpic_write(&pic, 0x20, 0x19);		/* ICW1 with LTIM */
	vpic_write(&pic, 0x21, 0x20);
	vpic_write(&pic, 0x21, 0x04);
	vpic_write(&pic, 0x21, 0x01);
	vpic_write(&pic, 0x21, 0x00);
	vpic_set_irq(&pic, 4, true);
	assert_int_equal(vpic_ack(&pic), 0x24);
	vpic_write(&pic, 0x20, 0x20);
	/* The line is still high: requested again after the EOI. */
	assert_true(vpic_pending(&pic));
	vpic_set_irq(&pic, 4, false);
	assert_false(vpic_pending(&pic));
}

static void test_auto_eoi(void **state)
{
	linux_init(true);
	pulse(0);
	assert_int_equal(vpic_ack(&pic), 0x20);
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
	pulse(0);
	assert_true(vpic_pending(&pic));
}

static void test_auto_eoi_slave_keeps_cascade(void **state)
{
	linux_init(true);
	vpic_write(&pic, 0xa0, 0x11);
	vpic_write(&pic, 0xa1, 0x28);
	vpic_write(&pic, 0xa1, 0x02);
	vpic_write(&pic, 0xa1, 0x03);
	vpic_write(&pic, 0xa1, 0x00);
	pulse(9);
	pulse(10);
	assert_int_equal(vpic_ack(&pic), 0x29);
	/* The slave still has IRQ 10: the master must see it as a new request. */
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x2a);
}

static void test_specific_eoi_and_rotation(void **state)
{
	linux_init(false);
	pulse(2 + 0);		/* IRQ 2 of the master itself: the cascade line */
	pulse(6);
	assert_int_equal(vpic_ack(&pic), 0x28 | 7);	/* nothing on the slave: spurious 15 */
	vpic_write(&pic, 0x20, 0x62);		/* specific EOI of IRQ 2 */
	assert_int_equal(vpic_ack(&pic), 0x26);
	vpic_write(&pic, 0x20, 0xa0);		/* rotating non-specific EOI: 6 lowest */
	pulse(6);
	pulse(7);
	/* After rotation IRQ 7 is the highest priority. */
	assert_int_equal(vpic_ack(&pic), 0x27);
	vpic_write(&pic, 0x20, 0xc4);		/* set priority: 4 lowest, 5 highest */
	vpic_write(&pic, 0x20, 0x20);
	pulse(5);
	assert_int_equal(vpic_ack(&pic), 0x25);
}

static void test_spurious_when_nothing(void **state)
{
	linux_init(false);
	assert_int_equal(vpic_ack(&pic), 0x27);
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
}

static void test_poll(void **state)
{
	linux_init(false);
	vpic_write(&pic, 0x21, 0xff);
	pulse(5);
	vpic_write(&pic, 0x21, 0x00);
	vpic_write(&pic, 0x20, 0x0c);		/* OCW3 poll */
	assert_int_equal(vpic_read(&pic, 0x20), 0x85);
	/* The poll was the acknowledge. */
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0x20, 0x0c);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
}

static void test_special_mask_mode(void **state)
{
	linux_init(false);
	pulse(1);
	assert_int_equal(vpic_ack(&pic), 0x21);
	pulse(4);
	assert_false(vpic_pending(&pic));
	/* The handler masks itself in special mask mode: lower IRQs get in. */
	vpic_write(&pic, 0x21, 0x02);
	vpic_write(&pic, 0x20, 0x68);		/* OCW3 ESMM|SMM */
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x24);
	vpic_write(&pic, 0x20, 0x48);		/* leave special mask mode */
}

static void test_no_interrupt_while_initializing(void **state)
{
	linux_init(false);
	vpic_write(&pic, 0x20, 0x11);
	pulse(0);
	assert_false(vpic_pending(&pic));
	vpic_write(&pic, 0x21, 0x40);
	vpic_write(&pic, 0x21, 0x04);
	vpic_write(&pic, 0x21, 0x01);
	pulse(0);
	assert_true(vpic_pending(&pic));
	assert_int_equal(vpic_ack(&pic), 0x40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_masks_everything),
		cmocka_unit_test(test_master_irq_ack_eoi),
		cmocka_unit_test(test_slave_through_cascade),
		cmocka_unit_test(test_priority_nesting),
		cmocka_unit_test(test_mask_and_unmask),
		cmocka_unit_test(test_edge_needs_new_edge),
		cmocka_unit_test(test_level_triggered),
		cmocka_unit_test(test_auto_eoi),
		cmocka_unit_test(test_auto_eoi_slave_keeps_cascade),
		cmocka_unit_test(test_specific_eoi_and_rotation),
		cmocka_unit_test(test_spurious_when_nothing),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_special_mask_mode),
		cmocka_unit_test(test_no_interrupt_while_initializing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
