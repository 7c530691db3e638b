/* SOURCES: core/loader.c core/vm.c core/vcpu.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

#include <core/loader.h>
#include <lib/errno.h>

/* The arm64 Image stands for the arch's "linux" format here (arch/arm64/vm.c does the same). */
int arch_load_linux(struct vm *v, const struct load_params *p, struct vcpu_boot *b)
{
	return loader_load_arm64_image(v, p, b);
}

static struct vm *vm;
static u8 img[16384];
static struct vcpu_boot boot;

#define RAM_BASE	0
#define RAM_SIZE	(4 << 20)

static int setup(void **state)
{
	vm = vm_create("load");
	assert_int_equal(vm_add_ram(vm, RAM_BASE, RAM_SIZE), 0);
	assert_non_null(vm_add_vcpu(vm, 0));
	assert_int_equal(vm_finalize(vm), 0);
	memset(img, 0, sizeof(img));
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

static void w16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static void w32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void w64(u8 *p, u64 v) { memcpy(p, &v, 8); }

/* An ELF32 (EM_386) with one PT_LOAD: file bytes [0x1000, 0x1000 + filesz) at paddr. */
static void build_elf32(u32 paddr, u32 filesz, u32 memsz, u32 entry)
{
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 1;
	img[5] = 1;
	w16(img + 18, 3);
	w32(img + 24, entry);
	w32(img + 28, 52);
	w16(img + 42, 32);
	w16(img + 44, 1);
	w32(img + 52, 1);
	w32(img + 52 + 4, 0x1000);
	w32(img + 52 + 12, paddr);
	w32(img + 52 + 16, filesz);
	w32(img + 52 + 20, memsz);
	memset(img + 0x1000, 0xcc, filesz);
}

static void add_mb1_header(u32 off, u32 flags)
{
	w32(img + off, MB1_HEADER_MAGIC);
	w32(img + off + 4, flags);
	w32(img + off + 8, -(MB1_HEADER_MAGIC + flags));
}

static struct load_params params(u32 format, u64 size)
{
	return (struct load_params){ .format = format, .image = img, .size = size,
				     .cmdline = "test=1 verbose" };
}

static void test_multiboot_elf(void **state)
{
	struct load_params p = params(IMAGE_MULTIBOOT, 0x1000 + 0x800);
	u32 info[22], mmap[6];
	char cmd[32];
	u8 *ram = vm_gpa_to_hva(vm, 0x100000, 0x1000);

	build_elf32(0x100000, 0x800, 0x2000, 0x10000c);
	add_mb1_header(0x200, 0x3);
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_int_equal(boot.mode, VCPU_BOOT_X86_PROTECTED);
	assert_true(boot.entry == 0x10000c);
	assert_true(boot.args[0] == 0x2badb002);
	assert_int_equal(ram[0x7ff], 0xcc);
	assert_int_equal(ram[0x800], 0);	/* bss zeroed */
	assert_true(loader_image_end() == 0x102000);

	assert_int_equal(vm_read_guest(vm, boot.args[1], info, sizeof(info)), 0);
	assert_true(info[0] & (1 << 6));
	assert_int_equal(info[1], 640);
	assert_int_equal(info[2], (RAM_SIZE - (1 << 20)) >> 10);
	assert_int_equal(info[11], 24);
	assert_int_equal(vm_read_guest(vm, info[12], mmap, sizeof(mmap)), 0);
	assert_int_equal(mmap[0], 20);
	assert_int_equal(mmap[3], RAM_SIZE);
	assert_int_equal(mmap[5], 1);
	assert_int_equal(vm_read_guest(vm, info[4], cmd, 15), 0);
	assert_string_equal(cmd, "test=1 verbose");
}

/* The x86 platform's reservations (arch/x86/vplat/boot_map.c). */
static void reserve_pc(struct load_params *p)
{
	p->reserved[0] = (struct loader_mem_range){ 0x9fc00, 0xe0000 - 0x9fc00, LOADER_MEM_RESERVED };
	p->reserved[1] = (struct loader_mem_range){ 0xe0000, 0x10000, LOADER_MEM_ACPI };
	p->reserved[2] = (struct loader_mem_range){ 0xf0000, 0x10000, LOADER_MEM_RESERVED };
	p->nr_reserved = 3;
}

static const char mod0[] = "module zero", mod1[] = "one";

/*
 * Two modules page aligned above the image, each with its string; the map
 * is low RAM, the reserved BIOS area with the ACPI range in it, then RAM
 * from 1 MiB; mem_lower stops at the EBDA.
 */
static void test_multiboot_modules_and_map(void **state)
{
	struct load_params p = params(IMAGE_MULTIBOOT, 0x1000 + 0x800);
	static const u32 want[5][3] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x40400, 2 }, { 0xe0000, 0x10000, 3 },
		{ 0xf0000, 0x10000, 2 }, { 0x100000, RAM_SIZE - 0x100000, 1 },
	};
	u32 info[22], mods[8], i;
	u8 mmap[5 * 24];
	char s[32];

	build_elf32(0x100000, 0x800, 0x2000, 0x10000c);
	add_mb1_header(0x200, 0x3);
	reserve_pc(&p);
	p.modules[0] = (struct loader_module){ mod0, sizeof(mod0), "m0 arg" };
	p.modules[1] = (struct loader_module){ mod1, 3, "" };
	p.nr_modules = 2;
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_int_equal(vm_read_guest(vm, boot.args[1], info, sizeof(info)), 0);
	assert_true(info[0] & (1 << 3));
	assert_int_equal(info[1], 639);
	assert_int_equal(info[2], (RAM_SIZE - (1 << 20)) >> 10);
	assert_int_equal(info[5], 2);
	assert_int_equal(vm_read_guest(vm, info[6], mods, sizeof(mods)), 0);
	assert_int_equal(mods[0], 0x102000);
	assert_int_equal(mods[1], 0x102000 + sizeof(mod0));
	assert_int_equal(mods[4], 0x103000);
	assert_int_equal(mods[5], 0x103003);
	assert_int_equal(vm_read_guest(vm, mods[0], s, sizeof(mod0)), 0);
	assert_string_equal(s, mod0);
	assert_int_equal(vm_read_guest(vm, mods[2], s, 7), 0);
	assert_string_equal(s, "m0 arg");
	assert_int_equal(vm_read_guest(vm, mods[6], s, 1), 0);
	assert_int_equal(s[0], 0);
	assert_true(boot.args[1] >= 0x104000);
	assert_int_equal(info[11], sizeof(mmap));
	assert_int_equal(vm_read_guest(vm, info[12], mmap, sizeof(mmap)), 0);
	for (i = 0; i < 5; i++) {
		u64 base, len;
		u32 type;

		memcpy(&base, mmap + 24 * i + 4, 8);
		memcpy(&len, mmap + 24 * i + 12, 8);
		memcpy(&type, mmap + 24 * i + 20, 4);
		assert_true(base == want[i][0] && len == want[i][1] && type == want[i][2]);
	}
	/* A module that does not fit in RAM: the load fails, nothing is half-done silently. */
	p.modules[1].size = RAM_SIZE;
	assert_int_equal(loader_load(vm, &p, &boot), -EFAULT);
}

/* A RAM region that straddles a reserved range is cut around it; RAM beyond stays whole. */
static void test_memmap_cuts(void **state)
{
	struct loader_mem_range map[LOADER_MAX_MAP];
	struct load_params p = { 0 };
	struct vm *v = vm_create("map");
	u32 n;

	assert_int_equal(vm_add_ram(v, 0x80000, 0x100000), 0);
	assert_int_equal(vm_add_ram(v, 0x400000, 0x100000), 0);
	reserve_pc(&p);
	n = loader_memmap(v, &p, map);
	assert_int_equal(n, 6);
	assert_true(map[0].base == 0x80000 && map[0].size == 0x1fc00 && map[0].type == 1);
	assert_true(map[1].base == 0x9fc00 && map[1].type == 2);
	assert_true(map[2].base == 0xe0000 && map[2].type == 3);
	assert_true(map[4].base == 0x100000 && map[4].size == 0x80000 && map[4].type == 1);
	assert_true(map[5].base == 0x400000 && map[5].size == 0x100000);
	vm_destroy(v);
}

static void test_multiboot_aout_kludge(void **state)
{
	struct load_params p = params(IMAGE_MULTIBOOT, 0x3000);
	u8 *ram;

	memset(img, 0x5a, 0x3000);
	add_mb1_header(0x40, 0x10003);
	w32(img + 0x40 + 12, 0x200040);		/* header_addr */
	w32(img + 0x40 + 16, 0x200000);		/* load_addr */
	w32(img + 0x40 + 20, 0x202000);		/* load_end */
	w32(img + 0x40 + 24, 0x204000);		/* bss_end */
	w32(img + 0x40 + 28, 0x200100);		/* entry */
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_true(boot.entry == 0x200100);
	ram = vm_gpa_to_hva(vm, 0x200000, 0x4000);
	assert_int_equal(ram[0x1fff], 0x5a);
	assert_int_equal(ram[0x2000], 0);

	/* header_addr below load_addr */
	w32(img + 0x40 + 12, 0x100000);
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
}

static void test_multiboot_refusals(void **state)
{
	struct load_params p = params(IMAGE_MULTIBOOT, 0x1800);

	build_elf32(0x100000, 0x800, 0x800, 0x100000);
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);	/* no header */
	add_mb1_header(0x200, 0x3 | (1 << 5));
	assert_int_equal(loader_load(vm, &p, &boot), -EOPNOTSUPP);
	add_mb1_header(0x2000, 0x3);	/* beyond the first 8 KiB: not found */
	assert_int_equal(loader_load(vm, &p, &boot), -EOPNOTSUPP);
	img[0x204]++;			/* bad checksum on the first one */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
}

static void test_elf_lies(void **state)
{
	struct load_params p = params(IMAGE_ELF, 0x1800);

	build_elf32(0x100000, 0x800, 0x800, 0x100000);
	assert_int_equal(loader_load(vm, &p, &boot), 0);

	build_elf32(RAM_SIZE - 0x400, 0x800, 0x800, 0);		/* past the end of RAM */
	assert_int_equal(loader_load(vm, &p, &boot), -EFAULT);
	build_elf32(0x100000, 0x800, 0x400, 0);			/* filesz > memsz */
	assert_int_equal(loader_load(vm, &p, &boot), -EINVAL);
	build_elf32(0x100000, 0x900, 0x900, 0);			/* file bytes past the image */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	build_elf32(0x100000, 0x800, 0x800, 0);
	w32(img + 28, 0x17f0);					/* phdrs past the end */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	build_elf32(0x100000, 0x800, 0x800, 0);
	w16(img + 44, 1000);					/* absurd phnum */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	build_elf32(0x100000, 0x800, 0x800, 0);
	w16(img + 18, 40);					/* ARM: wrong machine */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	build_elf32(0xfffff000u, 0x800, 0x2000, 0);		/* wraps past 4 GiB */
	assert_int_equal(loader_load(vm, &p, &boot), -EFAULT);
	p.size = 20;						/* truncated header */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
}

static void test_elf64_long_mode(void **state)
{
	struct load_params p = params(IMAGE_ELF, 0x1100);

	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2;
	img[5] = 1;
	w16(img + 18, 62);
	w64(img + 24, 0x100010);
	w64(img + 32, 64);
	w16(img + 54, 56);
	w16(img + 56, 1);
	w32(img + 64, 1);
	w64(img + 64 + 8, 0x1000);
	w64(img + 64 + 24, 0x100000);
	w64(img + 64 + 32, 0x100);
	w64(img + 64 + 40, 0x100);
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_int_equal(boot.mode, VCPU_BOOT_X86_LONG);
	assert_true(boot.entry == 0x100010);
}

static void test_flat_and_linux(void **state)
{
	struct load_params p = params(IMAGE_FLAT, 0x100);

	p.load_addr = 0x300000;
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_true(boot.entry == 0x300000);
	p.load_addr = RAM_SIZE - 0x80;
	assert_int_equal(loader_load(vm, &p, &boot), -EFAULT);

	p = params(IMAGE_LINUX, 0x1000);
	w64(img + 8, 0x80000);
	w64(img + 16, 0x3000);
	w32(img + 56, 0x644d5241);
	p.load_addr = 0x1000;
	p.fdt_addr = 0x3f0000;
	assert_int_equal(loader_load(vm, &p, &boot), 0);
	assert_true(boot.entry == 0x280000);
	assert_true(boot.args[0] == 0x3f0000);
	w64(img + 16, 0x10);		/* image_size smaller than the file */
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	w64(img + 16, 0);
	w32(img + 56, 0);
	assert_int_equal(loader_load(vm, &p, &boot), -ENOEXEC);
	p.size = 0;
	assert_int_equal(loader_load(vm, &p, &boot), -EINVAL);
}

static void test_format_names(void **state)
{
	u32 f;

	assert_int_equal(loader_parse_format("multiboot", &f), 0);
	assert_int_equal(f, IMAGE_MULTIBOOT);
	assert_int_equal(loader_parse_format("bzimage", &f), -EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_multiboot_elf), T(test_multiboot_aout_kludge), T(test_multiboot_refusals),
		T(test_elf_lies), T(test_elf64_long_mode), T(test_flat_and_linux),
		T(test_format_names), T(test_multiboot_modules_and_map), T(test_memmap_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
