/* SOURCES: core/config_check.c core/config_schema.c core/config_channels.c core/config_platform.c core/config_passthrough.c core/loader.c tools/config_linux.c arch/x86/bzimage.c arch/x86/bzimage_header.c core/vmm/outcome.c core/boot_info.c lib/fdt.c lib/string.c lib/errno.c tests/unit/fdt_util.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fdt_util.h"

#include <string.h>

#include <core/config_check.h>
#include <core/console.h>
#include <core/loader.h>
#include <core/vm.h>
#include <lib/errno.h>

/*
 * The pieces of the strict configuration check that the tables of
 * mistakes (tests/config/mistakes-*.dts, run on the host and at boot)
 * do not isolate: the typo finder, the rows themselves, the loader's
 * dry run, the order and count of messages, and what a message may hold.
 */

/* The loaders' boot messages are never said in a dry run. */
int printk(const char *fmt, ...)
{
	return 0;
}

/* The checker's loads are dry runs: reaching guest memory is a bug. */
void *vm_gpa_to_hva(const struct vm *vm, u64 gpa, u64 len)
{
	fail_msg("a dry run asked for guest memory at %#llx", (unsigned long long)gpa);
	return NULL;
}

static char said[32][CONFIG_MSG_MAX];
static u32 nr_said;

static void capture(bool error, const char *msg)
{
	assert_true(error);
	assert_true(nr_said < 32);
	strcpy(said[nr_said++], msg);
}

static bool online_0_to_3(u32 cpu)
{
	return cpu < 4;
}

/* Checks every VM of @dts as the hypervisor does; returns the number of errors. */
static u32 check_dts(const char *dts, u32 arch)
{
	static struct config_check_run run;
	static struct boot_info bi;
	struct config_env env = { .arch = arch, .nr_cpus = 4, .cpu_online = online_0_to_3,
				  .bi = &bi, .report = capture };
	size_t size;
	u8 *blob = dtc_compile(dts, &size);
	struct fdt fdt;
	u32 errors;
	int node;

	boot_info_init(&bi);
	nr_said = 0;
	assert_int_equal(fdt_init(&fdt, blob, size), 0);
	config_check_start(&run, &env, &fdt);
	errors = config_check_root(&run);
	for (node = fdt_first_subnode(&fdt, fdt_root(&fdt)); node >= 0;
	     node = fdt_next_subnode(&fdt, node))
		errors += config_check_vm(&run, node);
	free(blob);
	assert_int_equal(errors, run.errors);
	assert_int_equal(errors, nr_said);
	return errors;
}

static void test_nearest(void **state)
{
	static const char *const vm[] = { "compatible", "cpus", "memory", "unknown-access",
					  "expect" };
	static const char *const kernel[] = { "format", "image", "module", "load-address",
					      "entry" };

	assert_string_equal(config_nearest("unknown-acess", vm, 5), "unknown-access");
	assert_string_equal(config_nearest("expects", vm, 5), "expect");
	assert_string_equal(config_nearest("load-adress", kernel, 5), "load-address");
	assert_string_equal(config_nearest("fromat", kernel, 5), "format");
	/* Nothing close: no suggestion rather than a wrong one. */
	assert_null(config_nearest("colour", vm, 5));
	assert_null(config_nearest("initrd", kernel, 5));
	assert_null(config_nearest("x", NULL, 0));
}

static void check_rows(const struct config_node_kind *k)
{
	u32 i, j;

	assert_non_null(k->doc);
	for (i = 0; i < k->nr_props; i++) {
		const struct config_prop *p = &k->props[i];

		if (!p->doc || !p->misuse || p->type >= CT_TYPE_COUNT || !(p->arch & CONFIG_ANY_ARCH))
			fail_msg("%s: row '%s' is incomplete", k->name, p->name);
		if (p->required && p->dflt)
			fail_msg("%s: '%s' is required and has a default", k->name, p->name);
		for (j = 0; j < i; j++)
			if (!strcmp(p->name, k->props[j].name))
				fail_msg("%s: two rows for '%s'", k->name, p->name);
	}
}

/* Every row is complete, and no node kind names a property twice. */
static void test_rows_well_formed(void **state)
{
	u32 i, j;

	check_rows(&config_root_kind);
	check_rows(&config_vm_kind);
	check_rows(&config_kernel_kind);
	check_rows(&config_devices_kind);
	for (i = 0; i < config_nr_device_kinds; i++) {
		const struct config_node_kind *k = &config_device_kinds[i];

		check_rows(k);
		/* A kind that places itself (passthrough) has no fixed size. */
		assert_true(k->size > 0 || k->check_node);
		assert_true(k->io_port_ok || k->mmio_ok);
		for (j = 0; j < i; j++)
			assert_string_not_equal(k->name, config_device_kinds[j].name);
	}
}

static const struct boot_range ram[] = { { 0x0, 0x2000 }, { 0x100000, 0x1000 } };

/* The dry run refuses exactly what does not fit, and says where. */
static void test_loader_check_flat(void **state)
{
	static const u8 img[4] = { 0xf4, 0xf4, 0xf4, 0xf4 };
	struct load_params p = { .format = IMAGE_FLAT, .image = img, .size = 4 };

	p.load_addr = 0x1ffc;
	assert_int_equal(loader_check(&p, ram, 2), 0);
	assert_true(loader_image_end() == 0x2000);
	p.load_addr = 0x100ffc;
	assert_int_equal(loader_check(&p, ram, 2), 0);
	p.load_addr = 0x1ffe;
	assert_int_equal(loader_check(&p, ram, 2), -EFAULT);
	assert_true(loader_last_error()->gpa == 0x1ffe && loader_last_error()->size == 4);
	assert_string_equal(loader_last_error()->why, "outside the VM's RAM");
	/* Near the top of the address space a range wraps: never "inside". */
	p.load_addr = ~0ULL - 1;
	assert_int_equal(loader_check(&p, ram, 2), -EFAULT);
}

/* An ELF64 of @machine with one PT_LOAD of 4 bytes at 0x1000. */
static void make_elf(u8 *e, u16 machine)
{
	memset(e, 0, 128);
	memcpy(e, "\x7f" "ELF", 4);
	e[4] = 2;		/* ELFCLASS64 */
	e[5] = 1;		/* little-endian */
	memcpy(e + 18, &machine, 2);
	*(u64 *)(e + 24) = 0x1000;	/* e_entry */
	*(u64 *)(e + 32) = 64;		/* e_phoff */
	*(u16 *)(e + 54) = 56;		/* e_phentsize */
	*(u16 *)(e + 56) = 1;		/* e_phnum */
	*(u32 *)(e + 64) = 1;		/* PT_LOAD */
	*(u64 *)(e + 64 + 8) = 120;	/* p_offset */
	*(u64 *)(e + 64 + 24) = 0x1000;	/* p_paddr */
	*(u64 *)(e + 64 + 32) = 4;	/* p_filesz */
	*(u64 *)(e + 64 + 40) = 4;	/* p_memsz */
}

/* The machine an ELF must be for follows the checked architecture, not the host's. */
static void test_loader_check_elf_arch(void **state)
{
	u8 elf[128];
	struct load_params p = { .format = IMAGE_ELF, .image = elf, .size = sizeof(elf) };

	make_elf(elf, 183);	/* EM_AARCH64 */
	p.arch = CONFIG_ARM64;
	assert_int_equal(loader_check(&p, ram, 2), 0);
	p.arch = CONFIG_X86_64;
	assert_int_equal(loader_check(&p, ram, 2), -ENOEXEC);
	assert_string_equal(loader_last_error()->why,
			    "an ELF file for another machine than x86");
	make_elf(elf, 62);	/* EM_X86_64 */
	assert_int_equal(loader_check(&p, ram, 2), 0);
	p.arch = CONFIG_ARM64;
	assert_int_equal(loader_check(&p, ram, 2), -ENOEXEC);
}

/* "linux" is each architecture's own protocol, chosen by the checked VM's architecture. */
static void test_loader_check_linux_arch(void **state)
{
	static u8 img[0x400];
	struct load_params p = { .format = IMAGE_LINUX, .image = img, .size = sizeof(img) };

	p.arch = CONFIG_X86_64;
	assert_int_equal(loader_check(&p, ram, 2), -ENOEXEC);
	assert_string_equal(loader_last_error()->why,
			    "no boot protocol header (boot_flag 0xaa55, \"HdrS\")");
	p.arch = CONFIG_ARM64;
	assert_int_equal(loader_check(&p, ram, 2), -ENOEXEC);
	assert_string_equal(loader_last_error()->why,
			    "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
}

/*
 * A multiboot kernel's modules go through the dry run as well: one that
 * does not fit above the image is refused with its range.
 */
static void test_loader_check_multiboot_modules(void **state)
{
	static u8 img[64], mod[0x800];
	struct load_params p = { .format = IMAGE_MULTIBOOT, .image = img, .size = sizeof(img),
				 .arch = CONFIG_X86_64, .cmdline = "" };
	u32 hdr[8] = { 0x1badb002, 1u << 16, 0, 0x1000, 0x1000, 0, 0, 0x1000 };

	hdr[2] = -(hdr[0] + hdr[1]);
	memcpy(img, hdr, sizeof(hdr));
	p.modules[0] = (struct loader_module){ mod, sizeof(mod), "m" };
	p.nr_modules = 1;
	assert_int_equal(loader_check(&p, ram, 2), -EFAULT);
	assert_true(loader_last_error()->gpa == 0x2000 &&
		    loader_last_error()->size == sizeof(mod));
	/* Without it, the multiboot information above the image is the first that does not fit. */
	p.nr_modules = 0;
	assert_int_equal(loader_check(&p, ram, 2), -EFAULT);
	assert_true(loader_last_error()->gpa >= 0x2000 && loader_last_error()->gpa < 0x3000);
}

/* A device on a port of the x86 platform would never be reached. */
static void test_platform_ports(void **state)
{
	assert_int_equal(check_dts("/dts-v1/; / { a { compatible = \"microhv,vm\"; cpus = <1>;"
				   " memory = <0x0 0x0 0x0 0x10000>; kernel { format = \"flat\";"
				   " image = [f4]; load-address = <0x1000>; }; devices {"
				   " rtc { compatible = \"microhv,debug-exit\";"
				   " io-port = <0x6e>; };"
				   " }; }; };", CONFIG_X86_64), 1);
	assert_string_equal(said[0], "vm a: /a/devices/rtc: property 'io-port' puts device "
			    "'/a/devices/rtc' at 0x6e-0x71, which overlaps the CMOS RTC at "
			    "0x70-0x71 (every x86 VM has it)");
}

#define GOOD_KERNEL "kernel { format = \"flat\"; image = [f4]; load-address = <0x1000>; };"

/* Every mistake of a VM, in file order: properties, then subnodes in turn. */
static void test_every_error_in_order(void **state)
{
	u32 n = check_dts("/dts-v1/; / { v {"
			  "  compatible = \"microhv,vm\"; cpus = <7>; mmeory = <0>;"
			  "  kernel { format = \"elf\"; entry = <1>; image = [00]; };"
			  "  devices { x { compatible = \"ns16550a\"; }; };"
			  "}; };", CONFIG_X86_64);

	assert_int_equal(n, 5);
	assert_string_equal(said[0], "vm v: /v: property 'cpus' lists CPU 7, which is not "
			    "online (CPUs 0-3 are)");
	assert_string_equal(said[1], "vm v: /v: unknown property 'mmeory' (did you mean "
			    "'memory'?)");
	assert_string_equal(said[2], "vm v: /v: property 'memory' is missing");
	assert_string_equal(said[3], "vm v: /v/kernel: property 'entry' is for format \"flat\" "
			    "only; a \"elf\" image gives its own entry");
	assert_string_equal(said[4], "vm v: /v/devices/x: needs 'io-port' or 'reg'");
}

/* A good VM says nothing; the same VM twice clashes on its CPU only. */
static void test_good_and_cpu_clash(void **state)
{
	assert_int_equal(check_dts("/dts-v1/; / { a { compatible = \"microhv,vm\"; cpus = <1>;"
				   " memory = <0x0 0x0 0x0 0x10000>; " GOOD_KERNEL "}; };",
				   CONFIG_X86_64), 0);
	assert_int_equal(check_dts("/dts-v1/; / {"
				   " a { compatible = \"microhv,vm\"; cpus = <1>;"
				   "     memory = <0x0 0x0 0x0 0x10000>; " GOOD_KERNEL "};"
				   " b@2 { compatible = \"microhv,vm\"; cpus = <1>;"
				   "     memory = <0x0 0x0 0x0 0x10000>; " GOOD_KERNEL "}; };",
				   CONFIG_X86_64), 1);
	assert_string_equal(said[0], "vm b: /b@2: property 'cpus' lists CPU 1, which VM 'a' "
			    "already has");
}

#define PT_VM(name, cpu, extra, devs)						\
	" " name " { compatible = \"microhv,vm\"; cpus = <" cpu ">; " extra			\
	" memory = <0x0 0x0 0x0 0x10000>; " GOOD_KERNEL " devices { " devs " }; };"

/*
 * Passthrough: a DMA-capable device accepted once the VM says so; a host
 * window the hypervisor claimed refused; an SPI given by a device and by
 * 'passthrough-spis' clashes across VMs, the same INTID in both forms.
 */
static void test_passthrough(void **state)
{
	assert_int_equal(check_dts("/dts-v1/; / {" PT_VM("a", "1", "passthrough-dma-unsafe;",
				   "nic { compatible = \"microhv,passthrough\"; dma-capable;"
				   " reg = <0x0 0xd0000000 0x1000>; io-ports = <0x2f8 8>;"
				   " interrupts = <3 11>; guest-interrupts = <4 20>; };") "};",
				   CONFIG_X86_64), 0);
	assert_int_equal(config_host_claim(true, 0x3f8, 8, CONFIG_HOST_CONSOLE), 0);
	assert_int_equal(check_dts("/dts-v1/; / {" PT_VM("a", "1", "",
				   "c { compatible = \"microhv,passthrough\"; io-ports = <0x3fc 1>;"
				   " guest-interrupts = <24>; };") "};", CONFIG_X86_64), 2);
	assert_string_equal(said[0], "vm a: /a/devices/c: property 'io-ports' gives ports "
			    "0x3fc-0x3fc, which overlaps the hypervisor's console UART at "
			    "0x3f8-0x3ff (the hypervisor drives it)");
	assert_string_equal(said[1], "vm a: /a/devices/c: property 'guest-interrupts' lists 1 "
			    "lines for 0 in 'interrupts'; give one each");
	assert_int_equal(check_dts("/dts-v1/; / {" PT_VM("a", "1", "",
				   "rtc { compatible = \"microhv,passthrough\"; interrupts = <3>; };")
				   PT_VM("b", "2", "passthrough-spis = <35>;", "") "};", CONFIG_ARM64),
			 3);
	/* (Each VM's 64 KiB of RAM is too small for an arm64 guest's DTB: one error each.) */
	assert_string_equal(said[1], "vm b: /b: property 'passthrough-spis' lists INTID 35, "
			    "which VM 'a' already has");
}

/* Text from the blob cannot forge a line of the boot log. */
static void test_no_control_characters(void **state)
{
	assert_int_equal(check_dts("/dts-v1/; / { v { compatible = \"microhv,vm\\nhv: all VMs\";"
				   " cpus = <1>; memory = <0x0 0x0 0x0 0x10000>; " GOOD_KERNEL
				   "}; };", CONFIG_X86_64), 1);
	assert_null(strchr(said[0], '\n'));
	assert_non_null(strstr(said[0], "\"microhv,vm?hv: all VMs\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_rows_well_formed),
		cmocka_unit_test(test_loader_check_flat),
		cmocka_unit_test(test_loader_check_elf_arch),
		cmocka_unit_test(test_loader_check_linux_arch),
		cmocka_unit_test(test_loader_check_multiboot_modules),
		cmocka_unit_test(test_platform_ports),
		cmocka_unit_test(test_every_error_in_order),
		cmocka_unit_test(test_good_and_cpu_clash),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_no_control_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
