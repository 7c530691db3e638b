/* SOURCES: arch/x86/console_opts.c core/boot_info.c lib/string.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/console_opts.h>
#include <lib/errno.h>
#include <string.h>

/* uart_baud_valid() lives with the driver (arch/x86/uart.c), which needs port IO. */
bool uart_baud_valid(u32 baud)
{
	return baud <= UART_BAUD_MAX && (!baud || UART_BAUD_MAX % baud == 0);
}

static struct console_choice c;

static void test_default(void **state)
{
	console_parse_cmdline("hv.test=boot", &c);
	assert_false(c.explicit);
	assert_true(c.serial && c.fb);
	assert_true(c.port.base == 0x3f8 && c.port.space == UART_SPACE_IO);
	assert_int_equal(c.port.baud, 115200);
	assert_null(c.bad_option);
}

static void test_com2(void **state)
{
	console_parse_cmdline("console=com2", &c);
	assert_true(c.explicit && c.serial);
	assert_false(c.fb);
	assert_true(c.port.base == 0x2f8);
	console_parse_cmdline("console=fb,com4 com4=9600,8n1", &c);
	assert_true(c.fb && c.serial);
	assert_true(c.port.base == 0x2e8);
	assert_int_equal(c.port.baud, 9600);
	assert_null(c.bad_option);
}

static void test_mmio_port(void **state)
{
	console_parse_cmdline("console=com1 com1=115200,8n1,0xfedc9000,2", &c);
	assert_int_equal(c.port.space, UART_SPACE_MMIO);
	assert_true(c.port.base == 0xfedc9000);
	assert_int_equal(c.port.reg_shift, 2);
	assert_int_equal(c.port.reg_width, 4);
	console_parse_cmdline("console=com1 com1=auto,,0x2e8", &c);
	assert_int_equal(c.port.space, UART_SPACE_IO);
	assert_true(c.port.base == 0x2e8);
	assert_int_equal(c.port.baud, 0);
	assert_null(c.bad_option);
}

static void test_none(void **state)
{
	console_parse_cmdline("console=none", &c);
	assert_true(c.explicit);
	assert_false(c.serial || c.fb);
	assert_null(c.bad_option);
}

/* A bad option is named and left out; the port keeps its defaults. */
static void test_bad_options(void **state)
{
	static const char *const bad[] = {
		"console=com2 com2=115201", "console=com2 com2=230400", "console=com2 com2=x",
		"console=com2 com2=9600,7e1", "console=com2 com2=9600,8n1,0x2f8,2",
		"console=com2 com2=9600,8n1,0,0", "console=com2 com2=1,2,3,4,5",
		"console=com2 com2=9600,8n1,0xfe000000,3",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		console_parse_cmdline(bad[i], &c);
		assert_string_equal(c.bad_option, "com2");
		assert_true(c.port.base == 0x2f8 && c.port.space == UART_SPACE_IO);
		assert_int_equal(c.port.baud, 115200);
	}
	console_parse_cmdline("console=ttyS0", &c);
	assert_string_equal(c.bad_option, "console");
	console_parse_cmdline("com1=7", &c);
	assert_string_equal(c.bad_option, "com1");
}

/* Every option has its documentation row. */
static void test_table(void **state)
{
	unsigned int i;

	assert_int_equal(nr_console_options, 5);
	for (i = 0; i < nr_console_options; i++)
		assert_true(console_options[i].name && console_options[i].syntax &&
			    console_options[i].help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_com2),
		cmocka_unit_test(test_mmio_port),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
