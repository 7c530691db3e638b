#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <core/boot.h>
#include <lib/compiler.h>

/*
 * The C half of boot/arm64/head.S: arm64_early_setup() runs with the MMU
 * off and builds the EL2 map, arm64_boot_main() runs once it is on.
 */
void arm64_early_setup(u64 dtb);
__noreturn void arm64_boot_main(void);

/*
 * What boot/arm64/efi_stub.c hands to the normal entry when the image was
 * started as an EFI application; all zero when it was not (the plain Image
 * protocol). It lives in .data, which head.S does not clear.
 */
struct efi_handoff {
	u64 fdt, fdt_size;
	/* The UEFI memory map as GetMemoryMap() gave it just before ExitBootServices(). */
	u64 mmap, mmap_size, mmap_desc_size;
	char cmdline[BOOT_CMDLINE_MAX];
};

extern struct efi_handoff efi_handoff;

struct efi_system_table;
u64 efi_stub_main(void *image, struct efi_system_table *st);

#endif
