/*
 * Two boot headers in one image: multiboot2 for GRUB (the path users
 * take) and multiboot1 for QEMU's -kernel (quick test runs). The entry
 * code tells them apart by the magic in %eax.
 */
#define MB1_MAGIC	0x1badb002
/* Page-align modules, and ask for the memory map. */
#define MB1_FLAGS	((1 << 0) | (1 << 1))

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0

	.section .multiboot, "a"

	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Module alignment tag: modules page aligned, like multiboot1's flag. */
	.balign 8
	.short	6
	.short	0
	.long	8
	/*
	 * Framebuffer tag, optional (flags bit 0): any mode the loader likes,
	 * so that the console also reaches a monitor; under UEFI, where there
	 * is no VGA text mode, it is the only display there is.
	 */
	.balign 8
	.short	5
	.short	1
	.long	20
	.long	0			/* width: no preference */
	.long	0			/* height */
	.long	0			/* depth */
	/* End tag. */
	.balign 8
	.short	0
	.short	0
	.long	8
mb2_header_end:

	.balign 4
mb1_header:
	.long	MB1_MAGIC
	.long	MB1_FLAGS
	.long	-(MB1_MAGIC + MB1_FLAGS)
