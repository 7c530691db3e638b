/* SOURCES: arch/x86/bzimage_header.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the bzImage header checks: the image comes from a
 * configuration, so every header byte is hostile. The input is the image
 * two bytes of image length and bytes XORed over a valid header from
 * 0x1f1 on (random bytes alone would never pass the magic numbers); the
 * image sits in a buffer of its exact size, so ASan catches any read
 * past it. Besides that, it checks what the loader relies on when the
 * parser says yes: the protected-mode kernel lies inside the file right
 * after the setup, init_size covers it, the header copied into
 * boot_params ends inside both the file and boot_params' header area,
 * the alignment of a relocatable kernel is a power of two and the load
 * address honours it; and a refusal always comes with a reason.
 */
#include <asm/bzimage.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

#define TEMPLATE_SIZE	0x4000

static void put(u8 *t, u32 off, u64 v, unsigned int n)
{
	memcpy(t + off, &v, n);
}

/* A header as Debian's kernel has it, 3 setup sectors, the rest kernel. */
static void template(u8 *t)
{
	memset(t, 0x90, TEMPLATE_SIZE);
	put(t, BZ_SETUP_SECTS, 3, 1);
	put(t, BZ_SYSSIZE, (TEMPLATE_SIZE - 2048) / 16, 4);
	put(t, BZ_BOOT_FLAG, 0xaa55, 2);
	put(t, BZ_JUMP, 0x6aeb, 2);
	put(t, BZ_HEADER, BZ_MAGIC, 4);
	put(t, BZ_VERSION, 0x020f, 2);
	put(t, BZ_LOADFLAGS, BZ_LOADED_HIGH, 1);
	put(t, BZ_INITRD_ADDR_MAX, 0x7fffffff, 4);
	put(t, BZ_KERNEL_ALIGNMENT, 0x200000, 4);
	put(t, BZ_RELOCATABLE, 1, 1);
	put(t, BZ_XLOADFLAGS, 0x7f, 2);
	put(t, BZ_CMDLINE_SIZE, 2047, 4);
	put(t, BZ_PREF_ADDRESS, 0x1000000, 8);
	put(t, BZ_INIT_SIZE, 0x3f98000, 4);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t in_size)
{
	static u8 t[TEMPLATE_SIZE];
	size_t size, i;
	struct bzimage bz;
	const char *why = NULL;
	u8 *img;
	int err;

	if (in_size < 2)
		return 0;
	template(t);
	size = (data[0] | data[1] << 8) % (TEMPLATE_SIZE + 1);
	for (i = 2; i < in_size && BZ_SETUP_SECTS + i - 2 < TEMPLATE_SIZE; i++)
		t[BZ_SETUP_SECTS + i - 2] ^= data[i];
	img = malloc(size ? size : 1);
	memcpy(img, t, size);
	err = bzimage_parse(img, size, &bz, &why);
	if (err) {
		CHECK(err == -ENOEXEC && why && *why);
	} else {
		CHECK(bz.version >= BZ_MIN_VERSION);
		CHECK(bz.setup_size < size && bz.kernel == img + bz.setup_size);
		CHECK(bz.kernel_size == size - bz.setup_size && bz.kernel_size > 0);
		CHECK(bz.init_size >= bz.kernel_size);
		CHECK(bz.hdr_end >= BZ_HDR_MIN_END && bz.hdr_end <= BZ_HDR_END && bz.hdr_end <= size);
		if (bz.relocatable) {
			CHECK(bz.alignment >= 4096 && !(bz.alignment & (bz.alignment - 1)));
			CHECK(bzimage_load_address(&bz) % bz.alignment == 0);
			CHECK(bzimage_load_address(&bz) >= bz.pref_address ||
			      bzimage_load_address(&bz) == 0);
		} else {
			CHECK(bzimage_load_address(&bz) == bz.pref_address);
		}
	}
	free(img);
	return 0;
}
