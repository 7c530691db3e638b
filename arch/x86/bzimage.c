/*
 * The Linux x86 boot protocol: a bzImage from the configuration checked
 * field by field (it is untrusted input: every size is compared with the
 * file before a byte is copied), loaded, and started at its 64-bit entry
 * with a boot_params built here (asm/bzimage.h).
 */
#include <asm/bzimage.h>
#include <asm/vplat_layout.h>
#include <core/console.h>
#include <core/loader.h>
#include <lib/errno.h>
#include <lib/string.h>

/* Low RAM of the guest for what the kernel copies out at once. */
#define BOOT_PARAMS_GPA		0x10000ULL
#define CMDLINE_GPA		0x11000ULL
#define CMDLINE_MAX		4095
/*
 * svm_vmcb_boot() keeps the 64-bit boot page tables in the last 24 KiB of
 * the lowest RAM region; the initrd stays 1 MiB below a region's end so
 * that it cannot overwrite them before the kernel has its own.
 */
#define INITRD_TOP_GAP		(1ULL << 20)

static void wr(u8 *p, u64 v, unsigned int n)
{
	memcpy(p, &v, n);
}

/*
 * Every refusal and every byte goes through the loader (loader_fail(),
 * loader_place(), loader_write()): the configuration checker runs this
 * code as a dry run, without RAM, and says the same reason.
 */
#define REFUSE(msg) return loader_fail(-ENOEXEC, msg)

/*
 * The initrd as high as the kernel allows (below initrd_addr_max, in the
 * kernel's RAM region, above the kernel's init_size), page aligned, as
 * the protocol recommends: the kernel's early allocations grow upwards
 * from its end and then cannot run into it.
 */
static int place_initrd(struct vm *vm, const struct load_params *p, const struct bzimage *bz,
			u64 kernel_end, u64 *at)
{
	u64 top = MIN((u64)bz->initrd_addr_max + 1, loader_ram_end(vm, kernel_end - 1));

	*at = 0;
	if (!p->initrd || !p->initrd_size)
		return 0;
	if (top < INITRD_TOP_GAP || top - INITRD_TOP_GAP < kernel_end ||
	    top - INITRD_TOP_GAP - kernel_end < p->initrd_size)
		REFUSE("the initrd does not fit between the kernel and initrd_addr_max");
	*at = ALIGN_DOWN(top - INITRD_TOP_GAP - p->initrd_size, 4096ULL);
	return loader_place(vm, *at, p->initrd, p->initrd_size, p->initrd_size);
}

static void put_e820(struct vm *vm, const struct load_params *p, u8 *bp)
{
	struct loader_mem_range map[LOADER_MAX_MAP];
	u32 i, n = MIN(loader_memmap(vm, p, map), (u32)BP_E820_MAX);

	bp[BP_E820_ENTRIES] = (u8)n;
	for (i = 0; i < n; i++) {
		u8 *e = bp + BP_E820_TABLE + 20 * i;

		wr(e, map[i].base, 8);
		wr(e + 8, map[i].size, 8);
		wr(e + 16, map[i].type, 4);
	}
}

/*
 * boot_params: zeroed, the image's setup header copied in, then what the
 * loader owns. setup_data and hardware_subarch are the loader's too: an
 * image that carried values there would send the kernel to follow them.
 * Built here and written whole (loads run one at a time, at boot).
 */
static int build_boot_params(struct vm *vm, const struct load_params *p, const u8 *img,
			     const struct bzimage *bz, u64 initrd)
{
	static u8 bp[BP_SIZE];

	memset(bp, 0, BP_SIZE);
	memcpy(bp + BZ_SETUP_SECTS, img + BZ_SETUP_SECTS, bz->hdr_end - BZ_SETUP_SECTS);
	bp[BZ_TYPE_OF_LOADER] = BZ_LOADER_UNDEFINED;
	wr(bp + BZ_SETUP_DATA, 0, 8);
	wr(bp + BZ_HW_SUBARCH, 0, 4);
	wr(bp + BZ_CMD_LINE_PTR, (u32)CMDLINE_GPA, 4);
	wr(bp + BP_EXT_CMD_LINE_PTR, CMDLINE_GPA >> 32, 4);
	wr(bp + BZ_RAMDISK_IMAGE, (u32)initrd, 4);
	wr(bp + BP_EXT_RAMDISK_IMAGE, initrd >> 32, 4);
	wr(bp + BZ_RAMDISK_SIZE, initrd ? (u32)p->initrd_size : 0, 4);
	wr(bp + BP_EXT_RAMDISK_SIZE, initrd ? p->initrd_size >> 32 : 0, 4);
	wr(bp + BP_ACPI_RSDP_ADDR, p->acpi_rsdp, 8);
	put_e820(vm, p, bp);
	return loader_write(vm, BOOT_PARAMS_GPA, bp, BP_SIZE);
}

static int put_cmdline(struct vm *vm, const struct load_params *p, const struct bzimage *bz)
{
	const char *s = p->cmdline ? p->cmdline : "";
	u64 len = strnlen(s, CMDLINE_MAX + 1);

	if (len > MIN(bz->cmdline_size, (u32)CMDLINE_MAX))
		REFUSE("the command line is longer than the kernel's cmdline_size");
	if (loader_write(vm, CMDLINE_GPA, s, len) || loader_write(vm, CMDLINE_GPA + len, "", 1))
		return -EFAULT;
	return 0;
}

static int load_kernel(struct vm *vm, const struct load_params *p, const struct bzimage *bz,
		       u64 *load)
{
	*load = bzimage_load_address(bz);
	if (*load < VPLAT_BIOS_END)
		REFUSE("the kernel's load address is below 1 MiB");
	if (!loader_ram_covers(vm, *load, bz->init_size))
		REFUSE("the kernel's init_size does not fit in RAM at its load address");
	if (!loader_ram_covers(vm, 0, CMDLINE_GPA + CMDLINE_MAX + 1))
		REFUSE("no RAM from 0 for boot_params and the command line");
	return loader_place(vm, *load, bz->kernel, bz->kernel_size, bz->init_size);
}

int loader_load_bzimage(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	const char *why = NULL;
	struct bzimage bz;
	u64 load, initrd;
	int err = bzimage_parse(p->image, p->size, &bz, &why);

	if (err)
		loader_fail(err, why);
	else
		err = load_kernel(vm, p, &bz, &load);
	if (!err)
		err = put_cmdline(vm, p, &bz);
	if (!err)
		err = place_initrd(vm, p, &bz, load + bz.init_size, &initrd);
	if (!err)
		err = build_boot_params(vm, p, p->image, &bz, initrd);
	if (loader_dry_run())
		return err;
	if (err && loader_last_error()->why)
		pr_err("vm %s: bzImage refused: %s\n", vm->name, loader_last_error()->why);
	if (err)
		return err;
	pr_info("vm %s: Linux boot protocol %u.%02u, kernel at %#llx (init_size %#x)%s\n",
		vm->name, bz.version >> 8, bz.version & 0xff, load, bz.init_size,
		initrd ? ", initrd" : "");
	*boot = (struct vcpu_boot){
		.mode = VCPU_BOOT_X86_LONG,
		.entry = load + BZ_ENTRY64_OFFSET,
		.args = { 0, 0, BOOT_PARAMS_GPA, 0 },
	};
	return 0;
}
