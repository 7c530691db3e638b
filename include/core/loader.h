#ifndef CORE_LOADER_H
#define CORE_LOADER_H

#include <core/boot.h>
#include <core/vcpu.h>
#include <core/vm.h>

/*
 * Guest images into guest RAM. The image comes from the configuration (a
 * boot module or the built-in default), so every header field is checked
 * against the image's size and every destination against the VM's RAM
 * before a byte is copied.
 */
enum image_format {
	IMAGE_FLAT,		/* raw bytes at load_addr, entry at entry or load_addr */
	IMAGE_ELF,		/* ELF32/ELF64 PT_LOAD segments at their physical addresses */
	IMAGE_MULTIBOOT,	/* x86 multiboot1 kernel: ELF or a.out-kludge header */
	IMAGE_LINUX,		/* arm64 Image: at 2 MiB + text_offset, x0 = DTB */
};

struct load_params {
	u32 format;
	const void *image;
	u64 size;
	u64 load_addr;		/* FLAT: where; LINUX: RAM base to place it above */
	u64 entry;		/* FLAT: entry point (0: load_addr) */
	const char *cmdline;	/* MULTIBOOT: the kernel command line */
	u64 fdt_addr;		/* where the caller put the guest's DTB (arm64: x0), or 0 */
	const void *initrd;	/* an initial RAM disk for a "linux" kernel, or NULL */
	u64 initrd_size;
	u32 arch;		/* enum config_arch; 0: the hypervisor's own */
};

/* Why the last load or check failed: a phrase, and the guest range for "outside RAM". */
struct loader_error {
	const char *why;
	u64 gpa, size;
};

#define MB1_HEADER_MAGIC	0x1badb002u
#define MB1_SEARCH_LIMIT	8192
#define MB1_BOOT_MAGIC_EAX	0x2badb002u

/* Fills @boot (entry, mode, registers); -EINVAL/-ENOEXEC/-EFAULT/-E2BIG on bad input. */
int loader_load(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot);
/*
 * A dry run of loader_load() for a VM whose RAM is @ram: the same checks,
 * nothing written (the configuration checker's way to judge an image).
 */
int loader_check(const struct load_params *p, const struct boot_range *ram, u32 nr_ram);
const struct loader_error *loader_last_error(void);
/* The format's name in configurations ("flat", "elf", "multiboot", "linux"), or -EINVAL. */
int loader_parse_format(const char *name, u32 *format);
/* Where the loaded image ends (page aligned): the caller puts boot data above it. */
u64 loader_image_end(void);

#endif
