/* SOURCES: arch/x86/bzimage.c arch/x86/bzimage_header.c core/loader.c core/vm.c core/vcpu.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fake_arch.h"

#include <asm/bzimage.h>
#include <core/loader.h>
#include <lib/errno.h>

/*
 * The x86 boot protocol loader against crafted bzImages: a good one is
 * loaded and described in boot_params as the protocol says; each header
 * that lies, is truncated or asks for what we cannot honour is refused
 * with a reason that names the problem.
 */
#define RAM_SIZE	(64ULL << 20)
#define SETUP_SECTS	3
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE	0x3000
#define IMG_SIZE	(SETUP_SIZE + KERNEL_SIZE)
#define PREF		0x1000000ULL
#define INIT_SIZE	0x200000
#define BP		0x10000ULL

/* x86's own (arch/x86/vplat/boot_map.c does the same). */
int arch_load_linux(struct vm *v, const struct load_params *p, struct vcpu_boot *b)
{
	return loader_load_bzimage(v, p, b);
}

static struct vm *vm;
static u8 img[IMG_SIZE];
static u8 initrd[0x2345];
static struct vcpu_boot boot;

static void w8(u32 off, u8 v) { img[off] = v; }
static void w16(u32 off, u16 v) { memcpy(img + off, &v, 2); }
static void w32(u32 off, u32 v) { memcpy(img + off, &v, 4); }
static void w64(u32 off, u64 v) { memcpy(img + off, &v, 8); }

static u64 bp_get(u32 off, unsigned int n)
{
	u64 v = 0;

	assert_int_equal(vm_read_guest(vm, BP + off, &v, n), 0);
	return v;
}

/* What Debian's 6.1 kernel carries, scaled down. */
static void craft(void)
{
	u32 i;

	memset(img, 0, sizeof(img));
	w8(BZ_SETUP_SECTS, SETUP_SECTS);
	w32(BZ_SYSSIZE, KERNEL_SIZE / 16);
	w16(BZ_VID_MODE, 0xffff);
	w16(BZ_BOOT_FLAG, 0xaa55);
	w8(BZ_JUMP, 0xeb);
	w8(BZ_JUMP + 1, 0x6a);			/* the header ends at 0x26c */
	w32(BZ_HEADER, BZ_MAGIC);
	w16(BZ_VERSION, 0x020f);
	w8(BZ_LOADFLAGS, BZ_LOADED_HIGH);
	w32(BZ_INITRD_ADDR_MAX, 0x7fffffff);
	w32(BZ_KERNEL_ALIGNMENT, 0x200000);
	w8(BZ_RELOCATABLE, 1);
	w16(BZ_XLOADFLAGS, 0x7f);
	w32(BZ_CMDLINE_SIZE, 2047);
	w64(BZ_PREF_ADDRESS, PREF);
	w32(BZ_INIT_SIZE, INIT_SIZE);
	for (i = 0; i < KERNEL_SIZE; i++)
		img[SETUP_SIZE + i] = (u8)(i * 7 + 1);
	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = (u8)(i ^ 0x5a);
}

static int setup(void **state)
{
	vm = vm_create("bz");
	assert_int_equal(vm_add_ram(vm, 0, RAM_SIZE), 0);
	assert_non_null(vm_add_vcpu(vm, 0));
	craft();
	fake_console_len = 0;
	fake_console[0] = 0;
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

static struct load_params params(void)
{
	struct load_params p = {
		.format = IMAGE_LINUX, .image = img, .size = IMG_SIZE,
		.cmdline = "console=ttyS0 quiet", .initrd = initrd, .initrd_size = sizeof(initrd),
		.acpi_rsdp = 0xe0000,
	};

	p.reserved[0] = (struct loader_mem_range){ 0x9fc00, 0x60400, LOADER_MEM_RESERVED };
	p.nr_reserved = 1;
	return p;
}

static void test_loads_as_the_protocol_says(void **state)
{
	struct load_params p = params();
	u64 rd, rd_size, e820[3][3];
	char cmd[32];
	u32 i;

	w64(BZ_SETUP_DATA, 0x123456);		/* the image's own value is never followed */
	assert_int_equal(loader_load_bzimage(vm, &p, &boot), 0);
	assert_int_equal(boot.mode, VCPU_BOOT_X86_LONG);
	assert_true(boot.entry == PREF + 0x200);
	assert_true(boot.args[2] == BP);
	assert_memory_equal(vm_gpa_to_hva(vm, PREF, KERNEL_SIZE), img + SETUP_SIZE, KERNEL_SIZE);
	assert_int_equal(*(u8 *)vm_gpa_to_hva(vm, PREF + INIT_SIZE - 1, 1), 0);

	assert_int_equal(bp_get(BZ_TYPE_OF_LOADER, 1), 0xff);
	assert_int_equal(bp_get(BZ_VERSION, 2), 0x020f);	/* the header is copied */
	assert_int_equal(bp_get(BZ_VID_MODE, 2), 0xffff);
	assert_int_equal(bp_get(BZ_SETUP_DATA, 8), 0);
	assert_int_equal(bp_get(BP_ACPI_RSDP_ADDR, 8), 0xe0000);
	assert_int_equal(vm_read_guest(vm, bp_get(BZ_CMD_LINE_PTR, 4), cmd, 20), 0);
	assert_string_equal(cmd, "console=ttyS0 quiet");
	assert_int_equal(bp_get(BP_EXT_CMD_LINE_PTR, 4), 0);

	rd = bp_get(BZ_RAMDISK_IMAGE, 4) | bp_get(BP_EXT_RAMDISK_IMAGE, 4) << 32;
	rd_size = bp_get(BZ_RAMDISK_SIZE, 4);
	assert_int_equal(rd_size, sizeof(initrd));
	assert_int_equal(rd % 4096, 0);
	assert_true(rd >= PREF + INIT_SIZE && rd + rd_size <= RAM_SIZE);
	/* As high as allowed: the last MiB stays for the boot page tables. */
	assert_true(rd + rd_size > RAM_SIZE - (1 << 20) - 4096);
	assert_memory_equal(vm_gpa_to_hva(vm, rd, rd_size), initrd, sizeof(initrd));

	assert_int_equal(bp_get(BP_E820_ENTRIES, 1), 3);
	for (i = 0; i < 3; i++) {
		e820[i][0] = bp_get(BP_E820_TABLE + 20 * i, 8);
		e820[i][1] = bp_get(BP_E820_TABLE + 20 * i + 8, 8);
		e820[i][2] = bp_get(BP_E820_TABLE + 20 * i + 16, 4);
	}
	assert_true(e820[0][0] == 0 && e820[0][1] == 0x9fc00 && e820[0][2] == 1);
	assert_true(e820[1][0] == 0x9fc00 && e820[1][1] == 0x60400 && e820[1][2] == 2);
	assert_true(e820[2][0] == 0x100000 && e820[2][1] == RAM_SIZE - 0x100000 &&
		    e820[2][2] == 1);
	assert_non_null(strstr(fake_console, "vm bz: Linux boot protocol 2.15, kernel at 0x1000000"));
}

static void test_no_initrd(void **state)
{
	struct load_params p = params();

	p.initrd = NULL;
	p.initrd_size = 0;
	assert_int_equal(loader_load_bzimage(vm, &p, &boot), 0);
	assert_int_equal(bp_get(BZ_RAMDISK_IMAGE, 4), 0);
	assert_int_equal(bp_get(BZ_RAMDISK_SIZE, 4), 0);
}

/* A relocatable kernel whose preferred address is not aligned goes to the next boundary. */
static void test_alignment_rounds_up(void **state)
{
	struct load_params p = params();

	w64(BZ_PREF_ADDRESS, PREF + 0x1000);
	assert_int_equal(loader_load_bzimage(vm, &p, &boot), 0);
	assert_true(boot.entry == PREF + 0x200000 + 0x200);
	/* A fixed kernel goes exactly where it says. */
	w8(BZ_RELOCATABLE, 0);
	assert_int_equal(loader_load_bzimage(vm, &p, &boot), 0);
	assert_true(boot.entry == PREF + 0x1000 + 0x200);
}

static void expect_refused(struct load_params *p, const char *why)
{
	fake_console_len = 0;
	fake_console[0] = 0;
	if (loader_load_bzimage(vm, p, &boot) >= 0)
		fail_msg("loaded; expected a refusal: \"%s\"", why);
	if (!strstr(fake_console, "vm bz: bzImage refused: ") || !strstr(fake_console, why))
		fail_msg("expected \"%s\", the console says \"%s\"", why, fake_console);
}

#define REFUSE_WITH(stmt, why) do { craft(); p = params(); stmt; expect_refused(&p, why); } while (0)

static void test_refusals(void **state)
{
	struct load_params p;
	static char longline[3000];

	memset(longline, 'x', sizeof(longline) - 1);
	REFUSE_WITH(p.size = 0x263, "shorter than a boot protocol header");
	REFUSE_WITH(w32(BZ_HEADER, 0x12345678), "no boot protocol header");
	REFUSE_WITH(w16(BZ_BOOT_FLAG, 0), "no boot protocol header");
	REFUSE_WITH(w16(BZ_VERSION, 0x020b), "older than 2.12");
	REFUSE_WITH(w8(BZ_JUMP + 1, 0x50), "setup header too short");
	REFUSE_WITH(w8(BZ_SETUP_SECTS, 200), "the setup sectors cover the whole file");
	REFUSE_WITH(w32(BZ_SYSSIZE, KERNEL_SIZE / 16 + 1), "syssize says more");
	REFUSE_WITH(w8(BZ_LOADFLAGS, 0), "LOADED_HIGH is clear");
	REFUSE_WITH(w16(BZ_XLOADFLAGS, 0x7e), "XLF_KERNEL_64 is clear");
	REFUSE_WITH(w32(BZ_KERNEL_ALIGNMENT, 0x300000), "not a power of two");
	REFUSE_WITH(w32(BZ_KERNEL_ALIGNMENT, 0x800), "not a power of two");
	REFUSE_WITH((w8(BZ_RELOCATABLE, 0), w64(BZ_PREF_ADDRESS, PREF + 1)), "not page aligned");
	REFUSE_WITH(w32(BZ_INIT_SIZE, KERNEL_SIZE - 1), "init_size is smaller than the kernel");
	REFUSE_WITH(w32(BZ_INIT_SIZE, RAM_SIZE), "init_size does not fit in RAM");
	REFUSE_WITH((w8(BZ_RELOCATABLE, 0), w64(BZ_PREF_ADDRESS, 0x80000)), "below 1 MiB");
	REFUSE_WITH(w64(BZ_PREF_ADDRESS, 1ULL << 62), "does not fit in RAM");
	REFUSE_WITH(p.cmdline = longline, "longer than the kernel's cmdline_size");
	REFUSE_WITH(w32(BZ_CMDLINE_SIZE, 5), "longer than the kernel's cmdline_size");
	REFUSE_WITH(p.initrd_size = RAM_SIZE, "the initrd does not fit");
	REFUSE_WITH(w32(BZ_INITRD_ADDR_MAX, PREF + INIT_SIZE), "the initrd does not fit");
}

static void test_ram_not_from_zero(void **state)
{
	struct vm *high = vm_create("bz");
	struct load_params p = params();

	assert_int_equal(vm_add_ram(high, 1 << 20, RAM_SIZE), 0);
	fake_console_len = 0;
	assert_true(loader_load_bzimage(high, &p, &boot) < 0);
	assert_non_null(strstr(fake_console, "no RAM from 0 for boot_params"));
	vm_destroy(high);
}

/* Every truncation of a good image is refused or loads; none reads past the file. */
static void test_every_truncation(void **state)
{
	struct bzimage bz;
	const char *why;
	u64 n;

	for (n = 0; n <= IMG_SIZE; n++) {
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, img, n);
		if (bzimage_parse(copy, n, &bz, &why) == 0)
			assert_true(bz.kernel + bz.kernel_size == copy + n);
		free(copy);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_loads_as_the_protocol_says), T(test_no_initrd), T(test_alignment_rounds_up),
		T(test_refusals), T(test_ram_not_from_zero), T(test_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
