/* SOURCES: boot/multiboot.c boot/efi_mmap.c core/boot_info.c lib/string.c */
#include "test_support.h"

#include <core/boot.h>
#include <lib/errno.h>
#include <string.h>

static struct boot_info bi;

/* ---- a multiboot2 information builder ---- */

static u8 mb2[4096] __attribute__((aligned(8)));
static u32 mb2_len;

static void mb2_begin(void)
{
	memset(mb2, 0, sizeof(mb2));
	mb2_len = 8;
}

static u8 *mb2_tag(u32 type, u32 size)
{
	u8 *t = mb2 + mb2_len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	mb2_len += (size + 7) & ~7u;
	return t;
}

static void mb2_string_tag(u32 type, const char *s)
{
	u8 *t = mb2_tag(type, 8 + (u32)strlen(s) + 1);

	memcpy(t + 8, s, strlen(s) + 1);
}

static void mb2_mmap(const u64 (*e)[3], unsigned int n)
{
	u8 *t = mb2_tag(6, 16 + 24 * n);
	u32 esz = 24, i;

	memcpy(t + 8, &esz, 4);
	for (i = 0; i < n; i++) {
		memcpy(t + 16 + 24 * i, &e[i][0], 8);
		memcpy(t + 24 + 24 * i, &e[i][1], 8);
		memcpy(t + 32 + 24 * i, &e[i][2], 4);
	}
}

static void mb2_module(u32 start, u32 end, const char *s)
{
	u8 *t = mb2_tag(3, 16 + (u32)strlen(s) + 1);

	memcpy(t + 8, &start, 4);
	memcpy(t + 12, &end, 4);
	memcpy(t + 16, s, strlen(s) + 1);
}

static void mb2_end(void)
{
	mb2_tag(0, 8);
	memcpy(mb2, &mb2_len, 4);
}

static const u64 good_mmap[][3] = {
	{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0x100000, 0x3fee0000, 1 },
	{ 0xfffc0000, 0x40000, 2 },
};

static void build_good_mb2(void)
{
	mb2_begin();
	mb2_string_tag(1, "hv.test=boot hv.cpus=4");
	mb2_string_tag(2, "GRUB 2.06");
	mb2_mmap(good_mmap, 4);
	mb2_module(0x500000, 0x501000, "config");
	mb2_module(0x600000, 0x600800, "/boot/guest.bin guest");
	{
		u8 *t = mb2_tag(14, 8 + 20);

		memcpy(t + 8, "RSD PTR ", 8);
	}
	mb2_end();
}

static void test_mb2_good(void **state)
{
	build_good_mb2();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), 0);
	assert_string_equal(bi.cmdline, "hv.test=boot hv.cpus=4");
	assert_string_equal(bi.loader, "GRUB 2.06");
	assert_int_equal(bi.nr_ram, 2);
	assert_true(bi.ram[1].base == 0x100000 && bi.ram[1].size == 0x3fee0000);
	assert_int_equal(bi.nr_modules, 2);
	assert_string_equal(bi.modules[0].name, "config");
	assert_string_equal(bi.modules[1].name, "guest");
	assert_true(bi.modules[1].size == 0x800);
	assert_int_equal(bi.acpi_rsdp_len, 20);
	assert_memory_equal(bi.acpi_rsdp, "RSD PTR ", 8);
}

static void test_mb2_truncated(void **state)
{
	u32 cut;

	build_good_mb2();
	/* Every shorter buffer than the info claims is refused. */
	for (cut = 0; cut < mb2_len; cut++) {
		boot_info_init(&bi);
		assert_true(mb2_parse(mb2, cut, &bi) < 0);
	}
	/* And an info whose total_size is cut before the end tag, too. */
	for (cut = 16; cut < mb2_len; cut += 8) {
		memcpy(mb2, &cut, 4);
		boot_info_init(&bi);
		assert_true(mb2_parse(mb2, sizeof(mb2), &bi) < 0);
	}
}

static void test_mb2_lying(void **state)
{
	u32 v;

	/* total_size beyond the cap */
	build_good_mb2();
	v = MB2_INFO_MAX + 8;
	memcpy(mb2, &v, 4);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);

	/* a tag whose size runs past the end */
	build_good_mb2();
	v = 5000;
	memcpy(mb2 + 12, &v, 4);
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);

	/* a tag smaller than its own header */
	build_good_mb2();
	v = 4;
	memcpy(mb2 + 12, &v, 4);
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);

	/* an mmap entry size that is too small */
	mb2_begin();
	mb2_mmap(good_mmap, 1);
	v = 8;
	memcpy(mb2 + 16, &v, 4);
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);

	/* a module that ends before it starts */
	mb2_begin();
	mb2_mmap(good_mmap, 3);
	mb2_module(0x2000, 0x1000, "x");
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);

	/* a RAM range that wraps around */
	{
		const u64 wrap[][3] = { { ~0ULL - 0xfff, 0x2000, 1 } };

		mb2_begin();
		mb2_mmap(wrap, 1);
		mb2_end();
		boot_info_init(&bi);
		assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);
	}

	/* no memory map at all */
	mb2_begin();
	mb2_string_tag(1, "x");
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -ENOENT);
}

static void test_mb2_unterminated_strings(void **state)
{
	u8 *t;

	mb2_begin();
	t = mb2_tag(1, 8 + 5);
	memcpy(t + 8, "ABCDE", 5);	/* no NUL inside the tag */
	memset(t + 13, 'Z', 3);		/* padding that is not NUL either */
	mb2_mmap(good_mmap, 3);
	t = mb2_tag(3, 16 + 3);
	memcpy(t + 16, "abc", 3);
	memset(t + 19, 'Q', 5);
	t[8] = 0x00, t[9] = 0x10;
	t[12] = 0x00, t[13] = 0x20;
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), 0);
	assert_string_equal(bi.cmdline, "ABCDE");
	assert_string_equal(bi.modules[0].name, "abc");
}

/* ---- multiboot1: pointers into a fake physical memory ---- */

#define PHYS_SIZE 0x10000
static u8 phys[PHYS_SIZE];

static const void *phys_map(u64 pa, u64 len, void *ctx)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

static void put32(u64 pa, u32 v)
{
	memcpy(phys + pa, &v, 4);
}

static void put64(u64 pa, u64 v)
{
	memcpy(phys + pa, &v, 8);
}

#define INFO	0x100
#define MMAP	0x400
#define MODS	0x800
#define STRS	0xc00

static void build_good_mb1(void)
{
	memset(phys, 0, sizeof(phys));
	put32(INFO, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
	put32(INFO + 4, 639);
	put32(INFO + 8, 1023 * 1024);
	put32(INFO + 16, STRS);
	strcpy((char *)phys + STRS, "hv32.elf hv.test=boot");
	put32(INFO + 20, 1);
	put32(INFO + 24, MODS);
	put32(MODS, 0x200000);
	put32(MODS + 4, 0x280000);
	put32(MODS + 8, STRS + 0x100);
	strcpy((char *)phys + STRS + 0x100, "build/x86_64/guest.bin guest");
	put32(INFO + 44, 2 * 24);
	put32(INFO + 48, MMAP);
	put32(MMAP, 20);
	put64(MMAP + 4, 0);
	put64(MMAP + 12, 0x9fc00);
	put32(MMAP + 20, 1);
	put32(MMAP + 24, 20);
	put64(MMAP + 28, 0x100000);
	put64(MMAP + 36, 0x7fe0000);
	put32(MMAP + 44, 1);
	put32(INFO + 64, STRS + 0x200);
	strcpy((char *)phys + STRS + 0x200, "qemu");
}

static void test_mb1_good(void **state)
{
	build_good_mb1();
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), 0);
	assert_string_equal(bi.cmdline, "hv32.elf hv.test=boot");
	assert_string_equal(bi.loader, "qemu");
	assert_int_equal(bi.nr_ram, 2);
	assert_true(bi.ram[1].size == 0x7fe0000);
	assert_int_equal(bi.nr_modules, 1);
	assert_string_equal(bi.modules[0].name, "guest");
}

static void test_mb1_lying_pointers(void **state)
{
	build_good_mb1();
	assert_int_equal(mb1_parse(PHYS_SIZE - 8, phys_map, NULL, &bi), -EFAULT);

	build_good_mb1();
	put32(INFO + 16, PHYS_SIZE + 0x1000);	/* cmdline outside memory */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EFAULT);

	build_good_mb1();
	memset(phys + STRS, 'x', PHYS_SIZE - STRS);	/* no NUL anywhere */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EFAULT);

	build_good_mb1();
	put32(INFO + 44, 0xfffffff0);		/* mmap longer than memory */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EFAULT);

	build_good_mb1();
	put32(MMAP + 24, 0xffffffff);		/* entry size beyond the map */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EINVAL);

	build_good_mb1();
	put32(MMAP, 4);				/* entry size below its fields */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EINVAL);

	build_good_mb1();
	put32(INFO + 20, 100000);		/* absurd module count */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -E2BIG);

	build_good_mb1();
	put32(INFO + 24, PHYS_SIZE - 4);	/* module table past the end */
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -EFAULT);
}

/* GRUB on UEFI gives tag 17 next to tag 6: the UEFI map wins, whatever the order. */
static void test_mb2_efi_mmap(void **state)
{
	static const u64 efi[][2] = {	/* type, base; 16 pages each */
		{ 7, 0x100000 }, { 5, 0x110000 }, { 4, 0x120000 },
	};
	u32 hdr[2] = { 48, 1 }, i;
	u8 *t;

	mb2_begin();
	t = mb2_tag(17, 16 + 48 * 3);
	memcpy(t + 8, hdr, 8);
	for (i = 0; i < 3; i++) {
		u64 pages = 16;
		u32 type = (u32)efi[i][0];

		memcpy(t + 16 + 48 * i, &type, 4);
		memcpy(t + 16 + 48 * i + 8, &efi[i][1], 8);
		memcpy(t + 16 + 48 * i + 24, &pages, 8);
	}
	mb2_mmap(good_mmap, 4);
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), 0);
	assert_true(bi.ram_from_efi);
	assert_int_equal(bi.nr_ram, 2);
	assert_true(bi.ram[0].base == 0x100000 && bi.ram[0].size == 0x10000);
	assert_true(bi.ram[1].base == 0x120000 && bi.ram[1].size == 0x10000);

	/* A stride the tag cannot hold is refused, not read past. */
	hdr[0] = 16;
	memcpy(t + 8, hdr, 4);
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);
	/* A tag too short for its own header, too. */
	mb2_begin();
	mb2_tag(17, 12);
	mb2_mmap(good_mmap, 4);
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), -EINVAL);
}

static void mb2_fb(u64 addr, u32 pitch, u32 w, u32 h, u8 bpp, u8 type, const u8 *fields)
{
	u8 *t = mb2_tag(8, 38);

	memcpy(t + 8, &addr, 8);
	memcpy(t + 16, &pitch, 4);
	memcpy(t + 20, &w, 4);
	memcpy(t + 24, &h, 4);
	t[28] = bpp;
	t[29] = type;
	memcpy(t + 32, fields, 6);
}

static int parse_fb(u64 addr, u32 pitch, u32 w, u32 h, u8 bpp, u8 type, const u8 *fields)
{
	mb2_begin();
	mb2_mmap(good_mmap, 4);
	mb2_fb(addr, pitch, w, h, bpp, type, fields);
	mb2_end();
	boot_info_init(&bi);
	assert_int_equal(mb2_parse(mb2, sizeof(mb2), &bi), 0);
	return bi.fb.kind;
}

/* Tag 8 as GRUB writes it; a framebuffer whose numbers do not add up is not used. */
static void test_mb2_framebuffer(void **state)
{
	static const u8 xrgb[6] = { 16, 8, 8, 8, 0, 8 }, bad[6] = { 28, 8, 8, 8, 0, 8 };
	static const u8 none[6] = { 0 };

	assert_int_equal(parse_fb(0xfd000000, 4096, 1024, 768, 32, 1, xrgb), BOOT_FB_RGB);
	assert_true(bi.fb.addr == 0xfd000000 && bi.fb.pitch == 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.blue_size, 8);
	assert_int_equal(parse_fb(0xb8000, 160, 80, 25, 16, 2, none), BOOT_FB_EGA_TEXT);
	/* Lines shorter than their pixels, a field past the pixel, no size, wrapping, indexed. */
	assert_int_equal(parse_fb(0xfd000000, 4000, 1024, 768, 32, 1, xrgb), BOOT_FB_NONE);
	assert_int_equal(parse_fb(0xfd000000, 4096, 1024, 768, 32, 1, bad), BOOT_FB_NONE);
	assert_int_equal(parse_fb(0xfd000000, 4096, 0, 768, 32, 1, xrgb), BOOT_FB_NONE);
	assert_int_equal(parse_fb(0xffffffffffff0000ULL, 4096, 1024, 768, 32, 1, xrgb),
			 BOOT_FB_NONE);
	assert_int_equal(parse_fb(0xfd000000, 1024, 1024, 768, 8, 0, none), BOOT_FB_NONE);
	assert_int_equal(parse_fb(0xfd000000, 4096, 1024, 768, 12, 1, xrgb), BOOT_FB_NONE);
}

static void test_mb1_fallback_meminfo(void **state)
{
	build_good_mb1();
	put32(INFO, 1 << 0);
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), 0);
	assert_int_equal(bi.nr_ram, 2);
	assert_true(bi.ram[0].size == 639 * 1024);
	assert_true(bi.ram[1].base == 0x100000);
	put32(INFO, 0);
	boot_info_init(&bi);
	assert_int_equal(mb1_parse(INFO, phys_map, NULL, &bi), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mb2_good),
		cmocka_unit_test(test_mb2_truncated),
		cmocka_unit_test(test_mb2_lying),
		cmocka_unit_test(test_mb2_unterminated_strings),
		cmocka_unit_test(test_mb2_efi_mmap),
		cmocka_unit_test(test_mb2_framebuffer),
		cmocka_unit_test(test_mb1_good),
		cmocka_unit_test(test_mb1_lying_pointers),
		cmocka_unit_test(test_mb1_fallback_meminfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
