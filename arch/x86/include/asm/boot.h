#ifndef ASM_BOOT_H
#define ASM_BOOT_H

/* Shared by the assembly entry code and C. */
#define BOOT_CS			0x08
#define BOOT_DS			0x10
#define BOOT_STACK_SIZE		16384

/* The AP start-up code runs from this real-mode-addressable page. */
#define TRAMPOLINE_BASE		0x8000

#ifndef __ASSEMBLY__
#include <lib/types.h>

extern u64 boot_pml4[512];

/* Filled in by the boot CPU before each AP is started. */
struct trampoline_params {
	u32 cr3;
	u32 pad;
	u64 stack_top;
	u64 percpu;
	u64 entry;
};
#endif

#endif
