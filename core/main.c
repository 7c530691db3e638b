#include <core/arch.h>
#include <core/config.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/selftest.h>
#include <core/smp.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/panic.h>

/* Both linker scripts define these around the whole loaded image. */
extern char __hv_image_start[], __hv_image_end[];

const struct boot_info *hv_boot_info;
static bool test_mode;

bool hv_test_mode(void)
{
	return test_mode;
}

static void print_boot_info(const struct boot_info *bi)
{
	u32 i;

	pr_info("loaded by %s at %#llx-%#llx\n", bi->loader[0] ? bi->loader : "an unnamed loader",
		(u64)(uintptr_t)__hv_image_start, (u64)(uintptr_t)__hv_image_end);
	pr_info("command line: \"%s\"\n", bi->cmdline);
	if (bi->ram_from_efi)
		pr_info("ram from the UEFI memory map\n");
	for (i = 0; i < bi->nr_ram; i++)
		pr_info("ram    %#014llx-%#014llx (%llu MiB)\n", bi->ram[i].base,
			bi->ram[i].base + bi->ram[i].size - 1, bi->ram[i].size >> 20);
	for (i = 0; i < bi->nr_modules; i++)
		pr_info("module %#014llx-%#014llx \"%s\"\n", bi->modules[i].base,
			bi->modules[i].base + bi->modules[i].size - 1, bi->modules[i].name);
	if (bi->dropped)
		pr_warn("%u boot entries did not fit the tables and were dropped\n", bi->dropped);
}

/*
 * The VM configuration: a boot module named "config" (GRUB's module2 on
 * x86), else the initrd (how QEMU and U-Boot pass one blob on arm64),
 * else the configuration built into the image.
 */
static void load_config(const struct boot_info *bi)
{
	const struct boot_module *m = boot_info_find_module(bi, "config");
	const void *blob;
	size_t size;

	if (!m)
		m = boot_info_find_module(bi, "initrd");
	/* A module meant as the configuration but named otherwise would be ignored in silence. */
	if (!m && bi->nr_modules)
		pr_warn("config: %u boot module%s but none named \"config\" (the first is \"%s\"): "
			"the built-in configuration runs\n", bi->nr_modules,
			bi->nr_modules == 1 ? " is loaded," : "s are loaded,", bi->modules[0].name);
	if (m) {
		blob = (const void *)(uintptr_t)m->base;
		size = (size_t)m->size;
		pr_info("configuration from boot module \"%s\" (%zu bytes)\n", m->name, size);
	} else {
		blob = config_builtin(&size);
		pr_info("built-in configuration (%zu bytes)\n", size);
	}
	config_load(blob, size, bi);
}

__noreturn void hv_main(struct boot_info *bi)
{
	struct page_alloc_stats st;
	int err;

	hv_boot_info = bi;
	test_mode = cmdline_has(bi->cmdline, "hv.test");
	printk("\n%s %s (%s): type-1 micro-hypervisor\n", HV_NAME, HV_VERSION, HV_ARCH);
	print_boot_info(bi);

	err = page_alloc_init(bi, (paddr_t)(uintptr_t)__hv_image_start,
			      (paddr_t)(uintptr_t)__hv_image_end);
	if (err)
		panic("page allocator: no usable RAM (%s)", errno_name(err));
	page_alloc_get_stats(&st);
	pr_info("memory: %zu MiB free for VMs and the hypervisor, %zu KiB of bitmap\n",
		st.free_pages >> (20 - 12), st.bitmap_bytes >> 10);

	pr_info("CPU 0 online (hw id %#llx)\n", this_cpu()->hw_id);
	percpu_mark_online(this_cpu());
	err = arch_init(bi);
	if (err)
		panic("platform bring-up failed (%s)", errno_name(err));
	pr_info("%u of %u CPUs online\n", cpus_online(), nr_cpus_possible);

	if (test_mode && selftest_wanted(bi))
		selftest_run(bi);

	load_config(bi);
	vmm_run_all();
}

__noreturn void hv_secondary_main(void)
{
	struct percpu *pc = this_cpu();

	pr_info("CPU %u online (hw id %#llx)\n", pc->cpu_id, pc->hw_id);
	percpu_mark_online(pc);
	cpu_idle_loop();
}
