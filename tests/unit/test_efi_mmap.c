/* SOURCES: boot/efi_mmap.c core/boot_info.c lib/string.c */
#include "test_support.h"

#include <core/efi_mmap.h>
#include <lib/errno.h>
#include <string.h>

/* Firmware may use a larger stride than the descriptor: OVMF and AAVMF use 48. */
#define STRIDE		48
#define MAX_DESCS	16

static u8 map[MAX_DESCS * STRIDE] __attribute__((aligned(8)));
static size_t map_len;
static struct boot_info bi;

static void map_begin(void)
{
	memset(map, 0xa5, sizeof(map));
	map_len = 0;
}

static void map_add(u32 type, u64 base, u64 pages)
{
	struct efi_memory_desc d = { .type = type, .phys_start = base, .nr_pages = pages };

	memcpy(map + map_len, &d, sizeof(d));
	map_len += STRIDE;
}

/* A map like AAVMF's: RAM interrupted by runtime services and ACPI tables. */
static void build_firmware_like(void)
{
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x4000);
	map_add(EFI_BOOT_SERVICES_DATA, 0x44000000, 0x20);
	map_add(EFI_LOADER_CODE, 0x44020000, 0x10);
	map_add(EFI_ACPI_RECLAIM_MEMORY, 0x44030000, 0x10);
	map_add(EFI_LOADER_DATA, 0x44040000, 0x10);
	map_add(EFI_RUNTIME_SERVICES_CODE, 0x44050000, 0x10);
	map_add(EFI_RUNTIME_SERVICES_DATA, 0x44060000, 0x10);
	map_add(EFI_BOOT_SERVICES_CODE, 0x44070000, 0x10);
	map_add(EFI_RESERVED_MEMORY, 0x44080000, 0x10);
	map_add(EFI_MEMORY_MAPPED_IO, 0x9000000, 1);
	map_add(EFI_ACPI_MEMORY_NVS, 0x44090000, 0x10);
}

static void test_firmware_like_map(void **state)
{
	build_firmware_like();
	boot_info_init(&bi);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), 0);
	assert_true(bi.ram_from_efi);
	/* Adjacent free ranges merge; runtime, ACPI, reserved and MMIO split them. */
	assert_int_equal(bi.nr_ram, 3);
	assert_true(bi.ram[0].base == 0x40000000 && bi.ram[0].size == 0x4030000);
	assert_true(bi.ram[1].base == 0x44040000 && bi.ram[1].size == 0x10000);
	assert_true(bi.ram[2].base == 0x44070000 && bi.ram[2].size == 0x10000);
}

/* The map replaces whatever RAM another source listed before it. */
static void test_replaces_earlier_ram(void **state)
{
	build_firmware_like();
	boot_info_init(&bi);
	boot_info_add_ram(&bi, 0x44050000, 0x20000);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), 0);
	assert_int_equal(bi.nr_ram, 3);
	assert_true(bi.ram[1].base == 0x44040000);
}

static void test_bad_stride(void **state)
{
	build_firmware_like();
	boot_info_init(&bi);
	assert_int_equal(efi_mmap_parse(map, map_len, 0, &bi), -EINVAL);
	assert_int_equal(efi_mmap_parse(map, map_len, 32, &bi), -EINVAL);
	assert_int_equal(efi_mmap_parse(map, map_len, 44, &bi), -EINVAL);
	assert_int_equal(bi.nr_ram, 0);
}

static void test_lying_descriptors(void **state)
{
	/* Pages running past 2^64. */
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x4000);
	map_add(EFI_CONVENTIONAL_MEMORY, 0xfffffffffff00000ULL, 0x101);
	boot_info_init(&bi);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), -EINVAL);
	assert_int_equal(bi.nr_ram, 0);
	assert_false(bi.ram_from_efi);
	/* A page count whose byte size overflows 64 bits. */
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0x1000, 1ULL << 60);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), -EINVAL);
	/* Not page aligned. */
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0x40000800, 4);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), -EINVAL);
	/* The very last page of the address space is fine. */
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000ULL, 1);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), 0);
}

static void test_no_ram(void **state)
{
	map_begin();
	map_add(EFI_RUNTIME_SERVICES_DATA, 0x40000000, 0x10);
	map_add(EFI_CONVENTIONAL_MEMORY, 0x50000000, 0);
	boot_info_init(&bi);
	assert_int_equal(efi_mmap_parse(map, map_len, STRIDE, &bi), -ENOENT);
	assert_int_equal(efi_mmap_parse(map, 0, STRIDE, &bi), -ENOENT);
}

/* A trailing piece shorter than a descriptor is never read. */
static void test_partial_tail_ignored(void **state)
{
	map_begin();
	map_add(EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x10);
	map_add(EFI_CONVENTIONAL_MEMORY, 0x50000000, 0x10);
	boot_info_init(&bi);
	assert_int_equal(efi_mmap_parse(map, map_len - 8, STRIDE, &bi), 0);
	assert_int_equal(bi.nr_ram, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firmware_like_map),
		cmocka_unit_test(test_replaces_earlier_ram),
		cmocka_unit_test(test_bad_stride),
		cmocka_unit_test(test_lying_descriptors),
		cmocka_unit_test(test_no_ram),
		cmocka_unit_test(test_partial_tail_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
