/* SOURCES: boot/fdt_boot.c core/boot_info.c lib/fdt.c lib/printf.c tests/unit/fdt_util.c tests/unit/support.c lib/string.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <core/boot.h>
#include <lib/errno.h>
#include "fdt_util.h"
#include "support.h"

static struct boot_info bi;

static int parse_dts(const char *dts)
{
	size_t size;
	uint8_t *blob = dtc_compile(dts, &size);
	int err = fdt_boot_parse(blob, size, &bi);

	/* bi->fdt points into the blob; the tests compare it before freeing. */
	if (!err)
		assert_int_equal(bi.fdt_size, size);
	free(blob);
	return err;
}

static void test_qemu_virt(void **state)
{
	size_t size;
	uint8_t *blob = dtc_compile_file("tests/unit/data/qemu-virt-gicv3.dts", &size);

	assert_int_equal(fdt_boot_parse(blob, size, &bi), 0);
	assert_int_equal(bi.nr_ram, 1);
	assert_int_equal(bi.ram[0].base, 0x40000000);
	assert_int_equal(bi.ram[0].size, 0x40000000);
	assert_int_equal(bi.nr_reserved, 0);
	assert_string_equal(bi.cmdline, "hv.test=boot hv.cpus=4");
	assert_int_equal(bi.nr_modules, 1);
	assert_string_equal(bi.modules[0].name, "initrd");
	assert_int_equal(bi.modules[0].base, 0x48000000);
	assert_int_equal(bi.modules[0].size, 0x3039);
	assert_int_equal(bi.fdt, (u64)(uintptr_t)blob);
	assert_int_equal(bi.fdt_size, size);
	assert_string_equal(bi.loader, "a DTB loader (linux,dummy-virt)");
	assert_int_equal(bi.dropped, 0);
	free(blob);
}

static void test_memory_reserved_and_initrd(void **state)
{
	assert_int_equal(parse_dts(
		"/dts-v1/;\n"
		"/memreserve/ 0x80000000 0x10000;\n"
		"/memreserve/ 0x0 0x0;\n"
		"/ {\n"
		"	#address-cells = <2>; #size-cells = <2>;\n"
		"	chosen {\n"
		"		bootargs = \"console=hv hv.test=boot\";\n"
		"		u-boot,version = \"U-Boot 2023.01\";\n"
		"		linux,initrd-start = /bits/ 64 <0x100000000>;\n"
		"		linux,initrd-end = /bits/ 64 <0x100100000>;\n"
		"	};\n"
		/* Listed out of order and touching: boot_info sorts and merges them. */
		"	memory@100000000 { device_type = \"memory\";\n"
		"		reg = <0x1 0x0 0x0 0x40000000>, <0x0 0x90000000 0x0 0x0>; };\n"
		"	memory@80000000 { device_type = \"memory\";\n"
		"		reg = <0x0 0x80000000 0x0 0x80000000>; };\n"
		"	memory@200000000 { device_type = \"memory\"; status = \"disabled\";\n"
		"		reg = <0x2 0x0 0x0 0x1000>; };\n"
		"	memory@300000000 { device_type = \"memory\"; reg = <0x3 0x0 0x0>; };\n"
		"	sram@0 { reg = <0x0 0x0 0x0 0x1000>; };\n"
		"	reserved-memory {\n"
		"		#address-cells = <2>; #size-cells = <2>; ranges;\n"
		"		fw@90000000 { reg = <0x0 0x90000000 0x0 0x200000>; no-map; };\n"
		"		pool { size = <0x0 0x400000>; };\n"
		"		off@91000000 { reg = <0x0 0x91000000 0x0 0x1000>;\n"
		"			status = \"disabled\"; };\n"
		"	};\n"
		"};\n"), 0);
	assert_int_equal(bi.nr_ram, 1);
	assert_int_equal(bi.ram[0].base, 0x80000000);
	assert_int_equal(bi.ram[0].size, 0xc0000000);
	assert_int_equal(bi.nr_reserved, 2);
	assert_int_equal(bi.reserved[0].base, 0x80000000);
	assert_int_equal(bi.reserved[0].size, 0x10000);
	assert_int_equal(bi.reserved[1].base, 0x90000000);
	assert_int_equal(bi.reserved[1].size, 0x200000);
	assert_string_equal(bi.cmdline, "console=hv hv.test=boot");
	assert_int_equal(bi.nr_modules, 1);
	assert_int_equal(bi.modules[0].base, 0x100000000ULL);
	assert_int_equal(bi.modules[0].size, 0x100000);
	assert_string_equal(bi.loader, "U-Boot 2023.01");
}

static void test_narrow_cells(void **state)
{
	assert_int_equal(parse_dts(
		"/dts-v1/;\n"
		"/ {\n"
		"	#address-cells = <1>; #size-cells = <1>;\n"
		"	compatible = \"acme,tiny\";\n"
		"	memory@0 { device_type = \"memory\";\n"
		"		reg = <0x0 0x1000000 0x2000000 0x1000000>; };\n"
		"};\n"), 0);
	assert_int_equal(bi.nr_ram, 2);
	assert_int_equal(bi.ram[1].base, 0x2000000);
	assert_string_equal(bi.loader, "a DTB loader (acme,tiny)");
	assert_string_equal(bi.cmdline, "");
}

/* Odd content is skipped one entry at a time; the rest still counts. */
static void test_odd_content_is_skipped(void **state)
{
	assert_int_equal(parse_dts(
		"/dts-v1/;\n"
		"/ {\n"
		"	#address-cells = <2>; #size-cells = <2>;\n"
		"	chosen {\n"
		"		bootargs = [68 76 2e 74];\n"
		"		linux,initrd-start = <0x2000>;\n"
		"		linux,initrd-end = <0x1000>;\n"
		"	};\n"
		"	memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0>; };\n"
		"	memory@1 { device_type = \"memory\";\n"
		"		reg = <0xffffffff 0xfffff000 0x0 0x2000>; };\n"
		"	memory@2 { device_type = [6d 65 6d]; reg = <0x0 0x0 0x0 0x1000>; };\n"
		"	memory@3 { device_type = \"memory\"; #address-cells = <1>;\n"
		"		reg = <0x0 0x10000 0x0 0x10000>; };\n"
		"	bus { #address-cells = <3>;\n"
		"		memory@4 { device_type = \"memory\"; reg = <0 0 0 0 0>; }; };\n"
		"};\n"), 0);
	assert_int_equal(bi.nr_ram, 1);
	assert_int_equal(bi.ram[0].base, 0x10000);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.nr_modules, 0);
}

static void test_full_tables_are_counted(void **state)
{
	char dts[16384];
	int n = 0, i;

	n += snprintf(dts + n, sizeof(dts) - n,
		      "/dts-v1/;\n/ {\n#address-cells = <2>; #size-cells = <2>;\n"
		      "memory@0 { device_type = \"memory\"; reg = ");
	/* Disjoint ranges, one more than the table holds. */
	for (i = 0; i <= BOOT_MAX_RAM; i++)
		n += snprintf(dts + n, sizeof(dts) - n, "%s<0x%x 0x0 0x0 0x1000>",
			      i ? ", " : "", i + 1);
	snprintf(dts + n, sizeof(dts) - n, "; };\n};\n");
	assert_int_equal(parse_dts(dts), 0);
	assert_int_equal(bi.nr_ram, BOOT_MAX_RAM);
	assert_int_equal(bi.dropped, 1);
}

static void test_malformed_blob_is_an_error(void **state)
{
	size_t size;
	uint8_t *blob = dtc_compile_file("tests/unit/data/qemu-virt-gicv3.dts", &size);
	uint8_t *copy;

	assert_int_equal(fdt_boot_parse(blob, size - 1, &bi), -EOVERFLOW);
	assert_int_equal(bi.nr_ram, 0);
	assert_int_equal(bi.fdt, 0);

	copy = exact_copy(blob, size);
	put_be32(copy + HDR_SIZE_STRINGS, get_be32(copy + HDR_SIZE_STRINGS) - 8);
	assert_int_equal(fdt_boot_parse(copy, size, &bi), -EBADMSG);
	assert_int_equal(bi.nr_ram, 0);
	assert_string_equal(bi.cmdline, "");

	put_be32(copy, 0x12345678);
	assert_int_equal(fdt_boot_parse(copy, size, &bi), -ENOEXEC);
	free(copy);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt),
		cmocka_unit_test(test_memory_reserved_and_initrd),
		cmocka_unit_test(test_narrow_cells),
		cmocka_unit_test(test_odd_content_is_skipped),
		cmocka_unit_test(test_full_tables_are_counted),
		cmocka_unit_test(test_malformed_blob_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
