/*
 * The bzImage's setup header, checked field by field against the file's
 * size before the loader (bzimage.c) copies a byte: the image comes from
 * the configuration and is not trusted (tests/fuzz/fuzz_x86_bzimage.c).
 */
#include <asm/bzimage.h>
#include <lib/errno.h>
#include <lib/string.h>

static u64 rd(const u8 *p, unsigned int n)
{
	u64 v = 0;

	memcpy(&v, p, n);
	return v;
}

#define REFUSE(msg) do { *why = (msg); return -ENOEXEC; } while (0)

static int parse_header(const u8 *img, u64 size, struct bzimage *bz, const char **why)
{
	u32 setup_sects;

	if (size < BZ_HDR_MIN_END)
		REFUSE("shorter than a boot protocol header");
	if (rd(img + BZ_BOOT_FLAG, 2) != BZ_BOOT_FLAG_MAGIC || rd(img + BZ_HEADER, 4) != BZ_MAGIC)
		REFUSE("no boot protocol header (boot_flag 0xaa55, \"HdrS\")");
	bz->version = (u16)rd(img + BZ_VERSION, 2);
	if (bz->version < BZ_MIN_VERSION)
		REFUSE("boot protocol older than 2.12 (no xloadflags)");
	/* The jump at 0x200 skips the header: its target is where the header ends. */
	bz->hdr_end = BZ_HEADER + img[BZ_JUMP + 1];
	if (img[BZ_JUMP] != 0xeb || bz->hdr_end < BZ_HDR_MIN_END)
		REFUSE("setup header too short for its protocol version");
	bz->hdr_end = MIN(bz->hdr_end, (u32)BZ_HDR_END);
	setup_sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;
	bz->setup_size = (setup_sects + 1) * 512;
	if (bz->setup_size >= size)
		REFUSE("the setup sectors cover the whole file");
	bz->kernel = img + bz->setup_size;
	bz->kernel_size = size - bz->setup_size;
	if (rd(img + BZ_SYSSIZE, 4) * 16 > bz->kernel_size)
		REFUSE("syssize says more than the file holds");
	return 0;
}

static int parse_placement(const u8 *img, struct bzimage *bz, const char **why)
{
	if (!(img[BZ_LOADFLAGS] & BZ_LOADED_HIGH))
		REFUSE("not a bzImage (LOADED_HIGH is clear)");
	if (!(rd(img + BZ_XLOADFLAGS, 2) & BZ_XLF_KERNEL_64))
		REFUSE("no 64-bit entry (XLF_KERNEL_64 is clear)");
	bz->relocatable = img[BZ_RELOCATABLE] != 0;
	bz->alignment = (u32)rd(img + BZ_KERNEL_ALIGNMENT, 4);
	if (bz->relocatable && (bz->alignment < 4096 || (bz->alignment & (bz->alignment - 1))))
		REFUSE("kernel_alignment is not a power of two of at least 4 KiB");
	bz->pref_address = rd(img + BZ_PREF_ADDRESS, 8);
	if (!bz->relocatable && (bz->pref_address & 4095))
		REFUSE("a fixed kernel at an address that is not page aligned");
	bz->init_size = (u32)rd(img + BZ_INIT_SIZE, 4);
	if (bz->init_size < bz->kernel_size)
		REFUSE("init_size is smaller than the kernel");
	bz->initrd_addr_max = (u32)rd(img + BZ_INITRD_ADDR_MAX, 4);
	bz->cmdline_size = (u32)rd(img + BZ_CMDLINE_SIZE, 4);
	return 0;
}

int bzimage_parse(const void *img, u64 size, struct bzimage *bz, const char **why)
{
	int err = parse_header(img, size, bz, why);

	return err ? err : parse_placement(img, bz, why);
}

u64 bzimage_load_address(const struct bzimage *bz)
{
	if (!bz->relocatable)
		return bz->pref_address;
	return ALIGN_UP(bz->pref_address ? bz->pref_address : 1ULL << 20, (u64)bz->alignment);
}

