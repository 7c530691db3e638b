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
	IMAGE_LINUX,		/* the arch's Linux protocol: arm64 Image, x86 bzImage */
};

/* Ranges of the memory map a guest is handed (multiboot mmap, e820): e820's types. */
enum loader_mem_type {
	LOADER_MEM_RAM = 1,
	LOADER_MEM_RESERVED = 2,
	LOADER_MEM_ACPI = 3,
};

struct loader_mem_range {
	u64 base;
	u64 size;
	u32 type;
};

/* A multiboot1 module: its bytes and the command line the kernel sees for it. */
struct loader_module {
	const void *data;
	u64 size;
	const char *cmdline;
};

#define LOADER_MAX_MODULES	8
#define LOADER_MAX_RESERVED	4
/* RAM regions cut around the reserved ranges, and those ranges. */
#define LOADER_MAX_MAP		(VM_MAX_REGIONS * (LOADER_MAX_RESERVED + 1) + LOADER_MAX_RESERVED)

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
	struct loader_module modules[LOADER_MAX_MODULES];	/* MULTIBOOT */
	u32 nr_modules;
	/*
	 * Filled by arch_vm_prepare_boot(): what the platform keeps out of
	 * the RAM it hands over (x86: the BIOS area and the ACPI tables), in
	 * ascending order and disjoint; and the RSDP's address (0: none).
	 */
	struct loader_mem_range reserved[LOADER_MAX_RESERVED];
	u32 nr_reserved;
	u64 acpi_rsdp;
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

/*
 * The guest's memory map in ascending order: the VM's RAM regions minus
 * @p's reserved ranges, and those ranges. Returns the number of entries.
 */
u32 loader_memmap(const struct vm *vm, const struct load_params *p,
		  struct loader_mem_range out[LOADER_MAX_MAP]);

/*
 * What the format loaders, the arch ones too (arch_load_linux()), use for
 * every byte they put in the guest, so that loader_check() runs them
 * unchanged without RAM: in a dry run nothing is written, and a range
 * outside the RAM fails all the same (-EFAULT, recorded for the message).
 */
/* Copies @filesz bytes to guest @gpa and zeroes up to @memsz; -EFAULT outside RAM. */
int loader_place(struct vm *vm, u64 gpa, const void *src, u64 filesz, u64 memsz);
int loader_write(struct vm *vm, u64 gpa, const void *src, u64 len);
/* Whether [gpa, gpa+len) is all in one RAM region (no error recorded). */
bool loader_ram_covers(struct vm *vm, u64 gpa, u64 len);
/* The end of the RAM region holding @gpa, or 0. */
u64 loader_ram_end(const struct vm *vm, u64 gpa);
/* Records why the load fails (a phrase for "cannot be loaded as ...: WHY"); returns @err. */
int loader_fail(int err, const char *why);
/* True inside loader_check(): what a real load would print is not said. */
bool loader_dry_run(void);

/* The arm64 Image protocol: at 2 MiB + text_offset above load_addr, x0 = the DTB. */
int loader_load_arm64_image(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot);

/* The x86 boot protocol (arch/x86/bzimage.c): a bzImage at its preferred address. */
int loader_load_bzimage(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot);

/*
 * The "linux" format: the architecture's own protocol (arch/arm64: the
 * Image above; arch/x86: the bzImage). The host's checker, which judges
 * both architectures, picks by load_params.arch (tools/config_linux.c).
 */
int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot);

#endif
