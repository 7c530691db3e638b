/* SOURCES: core/boot_info.c lib/string.c */
#include "test_support.h"

#include <core/boot.h>
#include <lib/errno.h>
#include <string.h>

static struct boot_info bi;

static void test_ram_sorted_and_merged(void **state)
{
	boot_info_init(&bi);
	assert_int_equal(boot_info_add_ram(&bi, 0x300000, 0x100000), 0);
	assert_int_equal(boot_info_add_ram(&bi, 0x100000, 0x100000), 0);
	assert_int_equal(boot_info_add_ram(&bi, 0x800000, 0x1000), 0);
	assert_int_equal(bi.nr_ram, 3);
	assert_true(bi.ram[0].base == 0x100000 && bi.ram[1].base == 0x300000);
	/* Touching the first and overlapping the second: all three become one. */
	assert_int_equal(boot_info_add_ram(&bi, 0x200000, 0x180000), 0);
	assert_int_equal(bi.nr_ram, 2);
	assert_true(bi.ram[0].base == 0x100000 && bi.ram[0].size == 0x300000);
	assert_true(bi.ram[1].base == 0x800000);
	assert_true(boot_info_ram_total(&bi) == 0x301000);
}

static void test_bad_ranges_and_overflow(void **state)
{
	unsigned int i;

	boot_info_init(&bi);
	assert_int_equal(boot_info_add_ram(&bi, 0x1000, 0), -EINVAL);
	assert_int_equal(boot_info_add_ram(&bi, ~0ULL - 0xff, 0x200), -EINVAL);
	assert_int_equal(boot_info_add_ram(&bi, ~0ULL - 0xff, 0x100), 0);
	assert_int_equal(boot_info_add_reserved(&bi, 5, 0), -EINVAL);
	for (i = 0; i < BOOT_MAX_RAM - 1; i++)
		assert_int_equal(boot_info_add_ram(&bi, (u64)i * 0x10000, 0x1000), 0);
	assert_int_equal(boot_info_add_ram(&bi, 0x7000000000ULL, 0x1000), -ENOSPC);
	assert_int_equal(bi.dropped, 1);
	for (i = 0; i < BOOT_MAX_MODULES; i++)
		assert_int_equal(boot_info_add_module(&bi, 0x1000, 1, "m", 1), 0);
	assert_int_equal(boot_info_add_module(&bi, 0x1000, 1, "m", 1), -ENOSPC);
	assert_int_equal(bi.dropped, 2);
}

static void test_module_names(void **state)
{
	char longname[200];

	boot_info_init(&bi);
	memset(longname, 'n', sizeof(longname));
	assert_int_equal(boot_info_add_module(&bi, 0x1000, 1, longname, sizeof(longname)), 0);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
	assert_int_equal(boot_info_add_module(&bi, 0x2000, 1, "config\0junk", 11), 0);
	assert_non_null(boot_info_find_module(&bi, "config"));
	assert_null(boot_info_find_module(&bi, "conf"));
}

static void test_cmdline(void **state)
{
	const char *cl = "console=ttyS0 hv.test=boot  hv.cpus=4 quiet hv.testx=1";
	char buf[8];

	assert_int_equal(cmdline_get(cl, "hv.test", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "boot");
	assert_int_equal(cmdline_get(cl, "hv.cpus", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "4");
	assert_int_equal(cmdline_get(cl, "quiet", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cmdline_get(cl, "hv", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cmdline_get(cl, "ttyS0", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cmdline_get(cl, "console", buf, 3), 5);
	assert_string_equal(buf, "tt");
	assert_true(cmdline_has(cl, "hv.testx"));
	assert_false(cmdline_has("", "x"));
	boot_info_init(&bi);
	boot_info_set_cmdline(&bi, "abc", 2);
	assert_string_equal(bi.cmdline, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ram_sorted_and_merged),
		cmocka_unit_test(test_bad_ranges_and_overflow),
		cmocka_unit_test(test_module_names),
		cmocka_unit_test(test_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
