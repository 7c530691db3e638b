/* SOURCES: arch/x86/spcr.c lib/string.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/spcr.h>
#include <lib/errno.h>
#include <string.h>

/* Crafted SPCR tables: the fields the parser reads, the rest left zero. */
static u8 t[SPCR_MIN_LEN];

static void build(u8 iface, u8 space, u8 bits, u8 access, u64 base, u8 baud)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "SPCR", 4);
	t[36] = iface;
	t[40] = space;
	t[41] = bits;
	t[43] = access;
	memcpy(t + 44, &base, 8);
	t[58] = baud;
}

static void test_io_port_16550(void **state)
{
	struct uart_port p;

	build(0x00, 1, 8, 1, 0x2f8, 7);
	assert_int_equal(spcr_parse(t, sizeof(t), &p), 0);
	assert_int_equal(p.space, UART_SPACE_IO);
	assert_true(p.base == 0x2f8);
	assert_int_equal(p.reg_shift, 0);
	assert_int_equal(p.baud, 115200);
}

/* As server firmware describes an MMIO UART with 32-bit registers (type 0x12). */
static void test_mmio_dword_registers(void **state)
{
	struct uart_port p;

	build(0x12, 0, 32, 3, 0xfedc9000, 6);
	assert_int_equal(spcr_parse(t, sizeof(t), &p), 0);
	assert_int_equal(p.space, UART_SPACE_MMIO);
	assert_true(p.base == 0xfedc9000);
	assert_int_equal(p.reg_shift, 2);
	assert_int_equal(p.reg_width, 4);
	assert_int_equal(p.baud, 57600);
}

/* ACPI 1.0 tables leave the access size 0: the bit width decides. */
static void test_legacy_access_size(void **state)
{
	struct uart_port p;

	build(0x00, 0, 8, 0, 0xfe000000, 0);
	assert_int_equal(spcr_parse(t, sizeof(t), &p), 0);
	assert_int_equal(p.reg_width, 1);
	assert_int_equal(p.baud, 0);
}

static void test_not_a_16550(void **state)
{
	struct uart_port p = { .base = 0x1234 };

	build(0x03, 0, 32, 3, 0x9000000, 7);	/* a PL011 */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -ENODEV);
	assert_true(p.base == 0x1234);
	build(0x00, 1, 8, 1, 0, 7);		/* redirection off */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -ENODEV);
}

/* Tables that say impossible things are refused, never half used. */
static void test_lying_tables(void **state)
{
	struct uart_port p = { .base = 0x1234 };

	build(0x00, 1, 8, 1, 0x3f8, 7);
	assert_int_equal(spcr_parse(t, SPCR_MIN_LEN - 1, &p), -EINVAL);	/* too short */
	build(0x00, 1, 8, 1, 0xfffc, 7);					/* past port 0xffff */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x00, 1, 8, 1, 0x1003f8, 7);					/* "port" of 21 bits */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x00, 1, 32, 3, 0x3f8, 7);					/* 32-bit IO registers */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x00, 2, 8, 1, 0x3f8, 7);						/* PCI config space */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x12, 0, 16, 2, 0xfe000000, 7);					/* 16-bit registers */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x12, 0, 8, 1, 0xfffffffffffffffcULL, 7);				/* wraps */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x00, 1, 8, 1, 0x3f8, 5);						/* reserved baud code */
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	build(0x00, 1, 8, 1, 0x3f8, 200);
	assert_int_equal(spcr_parse(t, sizeof(t), &p), -EINVAL);
	assert_true(p.base == 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_port_16550),
		cmocka_unit_test(test_mmio_dword_registers),
		cmocka_unit_test(test_legacy_access_size),
		cmocka_unit_test(test_not_a_16550),
		cmocka_unit_test(test_lying_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
