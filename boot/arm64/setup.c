#include <core/arch.h>
#include <core/boot.h>
#include <core/console.h>
#include <core/efi_mmap.h>
#include <core/hv.h>
#include <core/page_alloc.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <asm/boot.h>
#include <asm/console.h>
#include <asm/dt.h>
#include <asm/gic.h>
#include <asm/mmu.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/time.h>

/* The arm64 boot protocol caps the DTB at 2 MiB. */
#define FDT_BOOT_MAX		(2u << 20)

/* linker/arm64.ld: each boundary is page aligned. */
extern char __hv_image_start[], __text_end[], __rodata_end[], __hv_image_end[];

struct fdt arm64_fdt;
static struct boot_info boot_info;

/*
 * The first thing that went wrong before the console could say so;
 * arm64_boot_main() reports it once the MMU is on.
 */
static int early_err;
static const char *early_what;

static void early_fail(int err, const char *what)
{
	if (!early_err) {
		early_err = err;
		early_what = what;
	}
}

/*
 * An absolute pointer stored in data: only head.S's relocation pass
 * makes it equal to the address the code computes PC-relative. The boot
 * path dereferences few such pointers, so without this check a broken
 * relocation (a linker change, an image moved after entry) would show up
 * much later as a wild pointer.
 */
static char *const relocated_image_start = __hv_image_start;

static bool relocations_applied(void)
{
	return *(char *const volatile *)&relocated_image_start == __hv_image_start;
}

static u64 addr_of(const char *sym)
{
	return (u64)(uintptr_t)sym;
}

static bool in_ram(const struct boot_info *bi, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < bi->nr_ram; i++)
		if (range_within(base, size, bi->ram[i].base, bi->ram[i].size))
			return true;
	return false;
}

/*
 * Started through the EFI stub: the UEFI memory map, not the DTB's
 * /memory nodes, says what RAM is free (the firmware's runtime services
 * and reserved ranges are not), and GRUB passed the command line as the
 * image's load options, not in /chosen.
 */
static int apply_efi_handoff(struct boot_info *bi)
{
	const struct efi_handoff *h = &efi_handoff;
	int err;

	err = efi_mmap_parse((const void *)(uintptr_t)h->mmap, h->mmap_size, h->mmap_desc_size,
			     bi);
	if (err)
		return err;
	if (h->cmdline[0])
		boot_info_set_cmdline(bi, h->cmdline, sizeof(h->cmdline));
	strlcpy(bi->loader, "UEFI, through the EFI stub", sizeof(bi->loader));
	return 0;
}

/*
 * The DTB must lie in the RAM it describes: that RAM is all the MMU will
 * map, and the page allocator keeps bi->fdt out of its way only there.
 */
static void parse_dtb(u64 dtb)
{
	const void *blob = (const void *)(uintptr_t)dtb;
	u64 img = addr_of(__hv_image_start);
	int err;

	if (!dtb || !IS_ALIGNED(dtb, 8)) {
		early_fail(-EINVAL, "x0 holds no DTB address (or a misaligned one)");
		return;
	}
	err = fdt_init(&arm64_fdt, blob, FDT_BOOT_MAX);
	if (!err)
		err = fdt_boot_parse(blob, arm64_fdt.size, &boot_info);
	if (err)
		early_fail(err, "the DTB passed in x0 is not usable");
	else if (efi_handoff.mmap && apply_efi_handoff(&boot_info))
		early_fail(-EINVAL, "the UEFI memory map is malformed or names no RAM");
	else if (!in_ram(&boot_info, dtb, arm64_fdt.size))
		early_fail(-EFAULT, "the DTB lies outside the RAM it describes");
	else if (ranges_overlap(dtb, arm64_fdt.size, img, addr_of(__hv_image_end) - img))
		early_fail(-EFAULT, "the DTB overlaps the hypervisor image");
	if (early_err) {
		memset(&arm64_fdt, 0, sizeof(arm64_fdt));
		boot_info_init(&boot_info);
	}
}

/* Text read-only and executable, read-only data, then writable data: W^X from the start. */
static void map_image(void)
{
	u64 start = addr_of(__hv_image_start), text = addr_of(__text_end);
	u64 ro = addr_of(__rodata_end), end = addr_of(__hv_image_end);

	if (mmu_early_map(start, text - start, MMU_CODE) ||
	    mmu_early_map(text, ro - text, MMU_RODATA) ||
	    mmu_early_map(ro, end - ro, MMU_DATA))
		early_fail(-ENOMEM, "cannot map the hypervisor image");
}

static void map_ram_part(u64 lo, u64 hi)
{
	if (lo < hi && mmu_early_map(lo, hi - lo, MMU_DATA))
		early_fail(-ENOMEM,
			   "cannot map RAM (page-table pool too small or a RAM range too high)");
}

/* Every RAM range, whole pages only, around the image, which map_image() mapped already. */
static void map_ram(const struct boot_info *bi)
{
	u64 img = addr_of(__hv_image_start), img_end = addr_of(__hv_image_end);
	u32 i;

	for (i = 0; i < bi->nr_ram; i++) {
		u64 lo = ALIGN_UP(bi->ram[i].base, PAGE_SIZE);
		u64 hi = ALIGN_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);

		map_ram_part(lo, MIN(hi, img));
		map_ram_part(MAX(lo, img_end), hi);
	}
}

static void map_gic(void)
{
	const struct gic_region *r;
	unsigned int i, n;

	r = gic_mmio_regions(&n);
	for (i = 0; i < n; i++)
		if (mmu_early_map(r[i].base, r[i].size, MMU_DEVICE))
			early_fail(-EEXIST,
				   "cannot map the GIC (overlaps RAM or beyond the PA size)");
}

/*
 * Runs on the boot CPU with the MMU and data cache off, before any other
 * CPU exists. The whole EL2 map is built here, in C, because what to map
 * (RAM, the console, the GIC) is only known from the DTB: building the
 * final tables once before the MMU is on needs neither break-before-make
 * nor TLB maintenance, which a minimal map from assembly patched later
 * would. The price is that this path must not take a spinlock (exclusive
 * accesses need cacheable memory, and memory is Device-nGnRnE with the
 * MMU off) and so must not print: errors wait in early_err.
 */
void arm64_early_setup(u64 dtb)
{
	u64 uart, uart_size;

	if (!relocations_applied())
		early_fail(-ENOEXEC, "the image's relocations were not applied");
	parse_dtb(dtb);
	console_probe(arm64_fdt.blob ? &arm64_fdt : NULL, &uart, &uart_size);
	mmu_early_init();
	map_image();
	map_ram(&boot_info);
	if (mmu_early_map(uart, uart_size, MMU_DEVICE))
		console_disable();
	if (arm64_fdt.blob && !gic_probe(&arm64_fdt))
		map_gic();
}

/* First C with the MMU on; head.S has already pointed TPIDR_EL2 at percpu_data[0]. */
__noreturn void arm64_boot_main(void)
{
	int err;

	arm64_percpu_init(0, this_cpu_mpidr());
	if (early_err) {
		/* errno_name()'s table holds relocated pointers: not usable if that failed. */
		printk("\n%s: cannot boot: %s (%s)\n", HV_NAME, early_what,
		       relocations_applied() ? errno_name(early_err) : "ENOEXEC");
		arch_cpu_stop();
	}
	err = arm64_time_init(&arm64_fdt);
	if (err) {
		printk("\n%s: cannot boot: no counter frequency (%s)\n", HV_NAME, errno_name(err));
		arch_cpu_stop();
	}
	hv_main(&boot_info);
}
