#ifndef ASM_BZIMAGE_H
#define ASM_BZIMAGE_H

#include <lib/compiler.h>

/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst), the
 * 64-bit entry only. We take protocol 2.12 and later: 2.12 added
 * xloadflags, whose XLF_KERNEL_64 is the only way to know the 64-bit
 * entry at +0x200 exists. (acpi_rsdp_addr is read from 2.14 on; older
 * kernels find the RSDP by scanning the BIOS area, where it also is.)
 */
#define BZ_MIN_VERSION		0x020c

/* Offsets in the image file; the same in boot_params ("zero page"). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_SYSSIZE		0x1f4
#define BZ_VID_MODE		0x1fa
#define BZ_BOOT_FLAG		0x1fe
#define BZ_JUMP			0x200
#define BZ_HEADER		0x202
#define BZ_VERSION		0x206
#define BZ_TYPE_OF_LOADER	0x210
#define BZ_LOADFLAGS		0x211
#define BZ_RAMDISK_IMAGE	0x218
#define BZ_RAMDISK_SIZE		0x21c
#define BZ_CMD_LINE_PTR		0x228
#define BZ_INITRD_ADDR_MAX	0x22c
#define BZ_KERNEL_ALIGNMENT	0x230
#define BZ_RELOCATABLE		0x234
#define BZ_XLOADFLAGS		0x236
#define BZ_CMDLINE_SIZE		0x238
#define BZ_HW_SUBARCH		0x23c
#define BZ_SETUP_DATA		0x250
#define BZ_PREF_ADDRESS		0x258
#define BZ_INIT_SIZE		0x260
/* The setup header ends here in boot_params whatever the image claims. */
#define BZ_HDR_END		0x290
/* What a 2.12 header must reach: init_size's last byte. */
#define BZ_HDR_MIN_END		0x264

/* boot_params fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128
#define BP_SIZE			4096

#define BZ_MAGIC		0x53726448u	/* "HdrS" */
#define BZ_BOOT_FLAG_MAGIC	0xaa55
#define BZ_LOADED_HIGH		BIT(0)
#define BZ_XLF_KERNEL_64	BIT(0)
#define BZ_ENTRY64_OFFSET	0x200
#define BZ_LOADER_UNDEFINED	0xff

/* What the header says, every size checked against the file. */
struct bzimage {
	u16 version;
	u32 setup_size;		/* the real-mode part: (setup_sects + 1) * 512 */
	u32 hdr_end;		/* where the image's setup header ends, <= BZ_HDR_END */
	const u8 *kernel;	/* the protected-mode kernel: the bytes after the setup */
	u64 kernel_size;
	u64 pref_address;
	u32 alignment;
	bool relocatable;
	u32 init_size;		/* bytes the kernel needs from its load address */
	u32 initrd_addr_max;	/* highest byte the initrd may use */
	u32 cmdline_size;	/* longest command line, without the NUL */
};

/*
 * Checks @img as a bzImage we can start; 0, or -ENOEXEC with *@why
 * naming the first check that failed.
 */
int bzimage_parse(const void *img, u64 size, struct bzimage *bz, const char **why);

/*
 * Where a relocatable kernel goes: pref_address rounded up to its
 * alignment; a fixed one: pref_address itself.
 */
u64 bzimage_load_address(const struct bzimage *bz);

#endif
