/* SOURCES: arch/arm64/console.c core/config_platform.c core/boot_info.c arch/arm64/dt.c lib/fdt.c tests/unit/fdt_util.c lib/string.c */
/* CFLAGS: -Iarch/arm64/include */
#include "test_support.h"

#include <asm/console.h>
#include <asm/ns16550.h>
#include <asm/pl011.h>
#include <lib/errno.h>
#include <stdlib.h>
#include <string.h>
#include "fdt_util.h"

/* The drivers touch hardware: the probe logic is what is tested here. */
void pl011_write(uintptr_t base, const char *s, size_t n) {}
void ns16550_write(uintptr_t base, u8 reg_shift, u8 reg_width, const char *s, size_t n) {}
int pl011_getc(uintptr_t base) { return -1; }
int ns16550_getc(uintptr_t base, u8 reg_shift, u8 reg_width) { return -1; }

static struct console_uart u;

static int find(const char *dts)
{
	size_t size;
	uint8_t *blob = dtc_compile(dts, &size);
	struct fdt f;
	int err;

	assert_int_equal(fdt_init(&f, blob, size), 0);
	memset(&u, 0xa5, sizeof(u));
	err = console_find(&f, &u);
	free(blob);
	return err;
}

#define DTS_HEAD "/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; "
#define PL011 "pl011@9000000 { compatible = \"arm,pl011\", \"arm,primecell\"; " \
	      "reg = <0 0x9000000 0 0x1000>; }; "

static void test_pl011_without_stdout_path(void **state)
{
	assert_int_equal(find(DTS_HEAD PL011 "};"), 0);
	assert_int_equal(u.kind, CONSOLE_PL011);
	assert_true(u.base == 0x9000000 && u.size == PL011_SIZE);
}

/* A board's DesignWare UART named by alias, with 32-bit registers 4 bytes apart. */
static void test_dw_apb_uart_by_alias(void **state)
{
	assert_int_equal(find(DTS_HEAD PL011
		"aliases { serial1 = \"/soc/serial@fe201000\"; }; "
		"chosen { stdout-path = \"serial1:115200n8\"; }; "
		"soc { #address-cells = <1>; #size-cells = <1>; ranges; "
		"serial@fe201000 { compatible = \"snps,dw-apb-uart\"; reg = <0xfe201000 0x100>; "
		"reg-shift = <2>; reg-io-width = <4>; }; }; };"), 0);
	assert_int_equal(u.kind, CONSOLE_NS16550);
	assert_true(u.base == 0xfe201000 && u.size == 0x100);
	assert_int_equal(u.reg_shift, 2);
	assert_int_equal(u.reg_width, 4);
}

static void test_ns16550a_by_path(void **state)
{
	assert_int_equal(find(DTS_HEAD PL011
		"chosen { stdout-path = \"/uart@10000000\"; }; "
		"uart@10000000 { compatible = \"ns16550a\"; reg = <0 0x10000000 0 0x8>; }; };"), 0);
	assert_int_equal(u.kind, CONSOLE_NS16550);
	assert_true(u.base == 0x10000000);
	assert_int_equal(u.reg_shift, 0);
	assert_int_equal(u.reg_width, 1);
}

/* stdout-path at something we do not drive, or disabled: the PL011 instead. */
static void test_fallbacks(void **state)
{
	assert_int_equal(find(DTS_HEAD PL011
		"chosen { stdout-path = \"/fb@0\"; }; fb@0 { compatible = \"simple-framebuffer\"; "
		"reg = <0 0 0 0x1000>; }; };"), 0);
	assert_int_equal(u.kind, CONSOLE_PL011);
	assert_int_equal(find(DTS_HEAD PL011
		"chosen { stdout-path = \"/uart@10000000\"; }; uart@10000000 { "
		"compatible = \"ns16550a\"; reg = <0 0x10000000 0 8>; status = \"disabled\"; }; };"),
		0);
	assert_int_equal(u.kind, CONSOLE_PL011);
	assert_int_equal(find(DTS_HEAD "};"), -ENOENT);
}

/* A 16550 whose registers cannot fit its window, or of an unknown width, is refused. */
static void test_bad_16550(void **state)
{
	assert_int_equal(find(DTS_HEAD "chosen { stdout-path = \"/u@1\"; }; u@1 { "
		"compatible = \"ns16550a\"; reg = <0 0x1000 0 8>; reg-shift = <2>; }; };"), -EINVAL);
	assert_int_equal(find(DTS_HEAD "chosen { stdout-path = \"/u@1\"; }; u@1 { "
		"compatible = \"ns16550a\"; reg = <0 0x1000 0 0x100>; reg-io-width = <2>; }; };"),
		-EINVAL);
	assert_int_equal(find(DTS_HEAD "chosen { stdout-path = \"/u@1\"; }; u@1 { "
		"compatible = \"ns16550a\"; reg = <0 0x1000 0 0x100>; reg-shift = [02]; }; };"),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pl011_without_stdout_path),
		cmocka_unit_test(test_dw_apb_uart_by_alias),
		cmocka_unit_test(test_ns16550a_by_path),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_bad_16550),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
