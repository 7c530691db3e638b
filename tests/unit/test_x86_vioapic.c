/* SOURCES: arch/x86/vplat/vioapic.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/apic_bus.h>
#include <asm/vioapic.h>
#include <lib/errno.h>
#include <string.h>

/*
 * The IOAPIC's registers, a test per row (ID, version, arbitration, the
 * redirection entries' two halves, the index, the window, the EOI
 * register), every offset and width of the page, and the pins: edge and
 * level, masking, polarity, Remote IRR and EOI, against an APIC bus that
 * records the messages and accepts them or not.
 */

static struct vioapic io;
static struct apic_msg sent[64];
static unsigned int nr_sent;
static int accept = 1;
static struct vm *bus_vm;

int apic_bus_deliver(struct vm *vm, const struct apic_msg *m)
{
	bus_vm = vm;
	assert_true(nr_sent < ARRAY_SIZE(sent));
	sent[nr_sent++] = *m;
	return accept;
}

static int setup(void **state)
{
	vioapic_init(&io, (struct vm *)&io);
	nr_sent = 0;
	accept = 1;
	return 0;
}

static void sel(u32 reg)
{
	assert_int_equal(vioapic_write(&io, VIOAPIC_REGSEL, 4, reg), 0);
}

static u32 rd(u32 reg)
{
	u64 v = 0xdead;

	sel(reg);
	assert_int_equal(vioapic_read(&io, VIOAPIC_WINDOW, 4, &v), 0);
	assert_true(v <= 0xffffffffULL);
	return (u32)v;
}

static void wr(u32 reg, u32 val)
{
	sel(reg);
	assert_int_equal(vioapic_write(&io, VIOAPIC_WINDOW, 4, val), 0);
}

static void set_rte(u32 pin, u64 rte)
{
	wr(0x10 + 2 * pin + 1, (u32)(rte >> 32));
	wr(0x10 + 2 * pin, (u32)rte);
}

static u64 get_rte(u32 pin)
{
	return rd(0x10 + 2 * pin) | (u64)rd(0x11 + 2 * pin) << 32;
}

/* ---- registers ---- */

static void test_reg_id(void **state)
{
	assert_int_equal(rd(0), VPLAT_IOAPIC_ID << 24);
	wr(0, 0xffffffff);
	assert_int_equal(rd(0), 0x0f000000);	/* only bits 27:24 */
	wr(0, 3 << 24);
	assert_int_equal(rd(0), 3 << 24);
}

static void test_reg_version(void **state)
{
	assert_int_equal(rd(1), 0x00170020);	/* 24 entries, version 0x20 */
	wr(1, 0);
	assert_int_equal(rd(1), 0x00170020);
}

static void test_reg_arbitration(void **state)
{
	assert_int_equal(rd(2), VPLAT_IOAPIC_ID << 24);
	wr(2, 0x05000000);
	assert_int_equal(rd(2), VPLAT_IOAPIC_ID << 24);
	wr(0, 5 << 24);
	assert_int_equal(rd(2), 5 << 24);
}

/* Every entry: masked at reset; the writable bits, no reserved or read-only ones. */
static void test_reg_redirection_rows(void **state)
{
	u32 pin;

	for (pin = 0; pin < VPLAT_IOAPIC_PINS; pin++)
		assert_true(get_rte(pin) == RTE_MASKED);
	for (pin = 0; pin < VPLAT_IOAPIC_PINS; pin++) {
		set_rte(pin, ~0ULL);
		/* Delivery status (12), Remote IRR (14), bits 55:17 are not the guest's. */
		assert_true(get_rte(pin) == (0xff000000000000ffULL | 0x7ULL << 8 | BIT(11) |
					     BIT(13) | BIT(15) | BIT(16)));
		set_rte(pin, (u64)pin << 56 | (0x30 + pin));
	}
	for (pin = 0; pin < VPLAT_IOAPIC_PINS; pin++)
		assert_true(get_rte(pin) == ((u64)pin << 56 | (0x30 + pin)));
}

static void test_reg_beyond_the_table(void **state)
{
	static const u32 absent[] = { 3, 0x0f, 0x10 + 2 * VPLAT_IOAPIC_PINS, 0x41, 0x80, 0xff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(absent); i++) {
		wr(absent[i], 0xffffffff);
		assert_int_equal(rd(absent[i]), 0);
	}
	assert_int_equal(rd(0), VPLAT_IOAPIC_ID << 24);
}

/* The index register keeps its low byte, at any width; reads give it back. */
static void test_reg_index(void **state)
{
	u64 v;

	assert_int_equal(vioapic_write(&io, 0, 1, 0x11), 0);
	assert_int_equal(vioapic_read(&io, 0, 4, &v), 0);
	assert_true(v == 0x11);
	assert_int_equal(vioapic_write(&io, 0, 4, 0x1234501), 0);
	assert_int_equal(vioapic_read(&io, 0, 1, &v), 0);
	assert_true(v == 0x01);
	assert_int_equal(vioapic_read(&io, 0x10, 4, &v), 0);
	assert_true(v == 0x00170020);
}

/* Every offset of the page with every width: only the three registers answer. */
static void test_every_offset_and_width(void **state)
{
	static const u32 widths[] = { 1, 2, 4, 8 };
	u64 off, v;
	unsigned int w;

	set_rte(5, 0x41);
	for (off = 0; off < VIOAPIC_MMIO_SIZE; off++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			bool window = off == VIOAPIC_WINDOW && widths[w] == 4;

			sel(0x1a);
			assert_int_equal(vioapic_read(&io, off, widths[w], &v), 0);
			if (window)
				assert_true(v == 0x41);
			else if (off == 0)
				assert_true(v == 0x1a);
			else
				assert_true(v == 0);
			if (off == 0 || window || (off == VIOAPIC_EOI && widths[w] == 4))
				continue;
			assert_int_equal(vioapic_write(&io, off, widths[w], ~0ULL), 0);
		}
	}
	assert_true(get_rte(5) == 0x41);
	assert_int_equal(rd(0), VPLAT_IOAPIC_ID << 24);
	assert_int_equal(nr_sent, 0);
}

/* ---- pins ---- */

static void test_edge_rising_only_unmasked(void **state)
{
	set_rte(4, 0x0300000000000034ULL);			/* fixed, physical, to APIC 3 */
	assert_int_equal(vioapic_set_line(&io, 4, true), 0);
	assert_int_equal(nr_sent, 1);
	assert_ptr_equal(bus_vm, &io);
	assert_int_equal(sent[0].vector, 0x34);
	assert_int_equal(sent[0].dest, 3);
	assert_int_equal(sent[0].delivery, APIC_DELIVERY_FIXED);
	assert_false(sent[0].logical);
	assert_false(sent[0].level);
	assert_int_equal(sent[0].shorthand, APIC_SHORTHAND_NONE);
	vioapic_set_line(&io, 4, true);				/* no edge */
	assert_int_equal(nr_sent, 1);
	vioapic_set_line(&io, 4, false);
	assert_int_equal(nr_sent, 1);
	set_rte(4, RTE_MASKED | 0x34);
	vioapic_set_line(&io, 4, true);				/* an edge seen masked is lost */
	vioapic_set_line(&io, 4, false);
	set_rte(4, 0x34);
	assert_int_equal(nr_sent, 1);
	assert_false(get_rte(4) & RTE_REMOTE_IRR);		/* edges never set it */
	assert_int_equal(vioapic_set_line(&io, VPLAT_IOAPIC_PINS, true), -EINVAL);
}

static void test_delivery_fields(void **state)
{
	set_rte(7, 0x0f00000000000000ULL | RTE_DEST_LOGICAL | 1ULL << RTE_DELIVERY_SHIFT | 0x51);
	vioapic_set_line(&io, 7, true);
	assert_int_equal(nr_sent, 1);
	assert_true(sent[0].logical);
	assert_int_equal(sent[0].delivery, APIC_DELIVERY_LOWEST);
	assert_int_equal(sent[0].dest, 0x0f);
	vioapic_set_line(&io, 7, false);
	set_rte(7, 4ULL << RTE_DELIVERY_SHIFT);			/* NMI */
	vioapic_set_line(&io, 7, true);
	assert_int_equal(sent[1].delivery, APIC_DELIVERY_NMI);
	vioapic_set_line(&io, 7, false);
	set_rte(7, 3ULL << RTE_DELIVERY_SHIFT | 0x51);		/* reserved: nothing goes out */
	vioapic_set_line(&io, 7, true);
	vioapic_set_line(&io, 7, false);
	set_rte(7, 6ULL << RTE_DELIVERY_SHIFT | RTE_LEVEL | 0x51);
	vioapic_set_line(&io, 7, true);
	assert_int_equal(nr_sent, 2);
	assert_false(get_rte(7) & RTE_REMOTE_IRR);
}

static void test_level_remote_irr_and_eoi(void **state)
{
	set_rte(9, RTE_LEVEL | 0x49);
	vioapic_set_line(&io, 9, true);
	assert_int_equal(nr_sent, 1);
	assert_true(sent[0].level && sent[0].assert);
	assert_true(get_rte(9) & RTE_REMOTE_IRR);
	/* Remote IRR is read-only: a write of the entry keeps it. */
	set_rte(9, RTE_LEVEL | 0x49);
	assert_true(get_rte(9) & RTE_REMOTE_IRR);
	vioapic_set_line(&io, 9, true);
	assert_int_equal(nr_sent, 1);				/* in service: no second message */
	vioapic_eoi_vector(&io, 0x48);				/* another vector: nothing */
	assert_true(get_rte(9) & RTE_REMOTE_IRR);
	vioapic_eoi_vector(&io, 0x49);				/* still asserted: again */
	assert_int_equal(nr_sent, 2);
	assert_true(get_rte(9) & RTE_REMOTE_IRR);
	vioapic_set_line(&io, 9, false);
	vioapic_eoi_vector(&io, 0x49);				/* deasserted: done */
	assert_int_equal(nr_sent, 2);
	assert_false(get_rte(9) & RTE_REMOTE_IRR);
}

/*
 * The EOI listener (passthrough): told the pins whose Remote IRR the EOI
 * cleared, before they are looked at again, so a line it lowers there
 * sends nothing more; a line it leaves high sends again. Through the EOI
 * register too.
 */
static u32 notified, notify_calls;
static bool notify_lowers;

static void eoi_listener(struct vm *vm, u32 pins)
{
	assert_ptr_equal(vm, &io);
	notified |= pins;
	notify_calls++;
	if (notify_lowers && (pins & BIT(11)))
		vioapic_set_line(&io, 11, false);
}

static void test_eoi_notify(void **state)
{
	notified = notify_calls = 0;
	notify_lowers = true;
	io.eoi_notify = eoi_listener;
	set_rte(11, RTE_LEVEL | 0x51);
	set_rte(12, RTE_LEVEL | 0x51);
	set_rte(13, 0x51);					/* edge: no Remote IRR */
	vioapic_set_line(&io, 11, true);
	vioapic_set_line(&io, 12, true);
	vioapic_set_line(&io, 13, true);
	assert_int_equal(nr_sent, 3);
	vioapic_eoi_vector(&io, 0x50);				/* another vector: nobody told */
	assert_int_equal(notify_calls, 0);
	vioapic_eoi_vector(&io, 0x51);
	assert_int_equal(notify_calls, 1);
	assert_int_equal(notified, BIT(11) | BIT(12));
	/* 11 was lowered by the listener: not sent again; 12 still high: sent again. */
	assert_int_equal(nr_sent, 4);
	assert_int_equal(sent[3].vector, 0x51);
	assert_false(get_rte(11) & RTE_REMOTE_IRR);
	assert_true(get_rte(12) & RTE_REMOTE_IRR);
	notify_lowers = false;
	notified = 0;
	assert_int_equal(vioapic_write(&io, VIOAPIC_EOI, 4, 0x51), 0);
	assert_int_equal(notified, BIT(12));
	io.eoi_notify = NULL;
}

/* Version 0x20's EOI register does what a broadcast EOI does. */
static void test_eoi_register(void **state)
{
	set_rte(10, RTE_LEVEL | 0x61);
	vioapic_set_line(&io, 10, true);
	assert_int_equal(vioapic_write(&io, VIOAPIC_EOI, 2, 0x61), 0);	/* not a dword */
	assert_true(get_rte(10) & RTE_REMOTE_IRR);
	vioapic_set_line(&io, 10, false);
	assert_int_equal(vioapic_write(&io, VIOAPIC_EOI, 4, 0x61), 0);
	assert_false(get_rte(10) & RTE_REMOTE_IRR);
	assert_int_equal(nr_sent, 1);
}

static void test_level_masked_then_unmasked(void **state)
{
	set_rte(11, RTE_LEVEL | RTE_MASKED | 0x62);
	vioapic_set_line(&io, 11, true);
	assert_int_equal(nr_sent, 0);
	assert_false(get_rte(11) & RTE_REMOTE_IRR);
	set_rte(11, RTE_LEVEL | 0x62);				/* unmasked while asserted: sends */
	assert_int_equal(nr_sent, 1);
	assert_true(get_rte(11) & RTE_REMOTE_IRR);
	/* Switching to edge clears Remote IRR (Linux's way to unstick an entry). */
	set_rte(11, 0x62);
	assert_false(get_rte(11) & RTE_REMOTE_IRR);
}

/* Nobody accepted the message: Remote IRR does not stay set, the next EOI is not waited for. */
static void test_level_not_accepted(void **state)
{
	accept = 0;
	set_rte(12, RTE_LEVEL | 0x63);
	vioapic_set_line(&io, 12, true);
	assert_int_equal(nr_sent, 1);
	assert_false(get_rte(12) & RTE_REMOTE_IRR);
	accept = 1;
	set_rte(12, RTE_LEVEL | 0x63);				/* still asserted: sends again */
	assert_int_equal(nr_sent, 2);
	assert_true(get_rte(12) & RTE_REMOTE_IRR);
}

/* An active-low pin is asserted while its line is low. */
static void test_polarity(void **state)
{
	set_rte(13, RTE_ACTIVE_LOW | 0x70);
	vioapic_set_line(&io, 13, true);
	assert_int_equal(nr_sent, 0);
	vioapic_set_line(&io, 13, false);			/* falling line: rising assert */
	assert_int_equal(nr_sent, 1);
	set_rte(14, RTE_ACTIVE_LOW | RTE_LEVEL | 0x71);		/* line low: asserted at once */
	assert_int_equal(nr_sent, 2);
	assert_int_equal(sent[1].vector, 0x71);
	vioapic_set_line(&io, 14, true);
	vioapic_eoi_vector(&io, 0x71);
	assert_int_equal(nr_sent, 2);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reg_id),
		T(test_reg_version),
		T(test_reg_arbitration),
		T(test_reg_redirection_rows),
		T(test_reg_beyond_the_table),
		T(test_reg_index),
		T(test_every_offset_and_width),
		T(test_edge_rising_only_unmasked),
		T(test_delivery_fields),
		T(test_level_remote_irr_and_eoi),
		T(test_eoi_register),
		T(test_eoi_notify),
		T(test_level_masked_then_unmasked),
		T(test_level_not_accepted),
		T(test_polarity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
