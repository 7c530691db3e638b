#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <lib/compiler.h>

/*
 * The C half of boot/arm64/head.S: arm64_early_setup() runs with the MMU
 * off and builds the EL2 map, arm64_boot_main() runs once it is on.
 */
void arm64_early_setup(u64 dtb);
__noreturn void arm64_boot_main(void);

#endif
