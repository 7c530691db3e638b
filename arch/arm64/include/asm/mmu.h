#ifndef ASM_MMU_H
#define ASM_MMU_H

#include <lib/types.h>

/*
 * The hypervisor's own EL2 stage-1 translation: an identity map (VA ==
 * PA) with 4 KiB granules and the largest blocks that fit. RAM is Normal
 * write-back, devices Device-nGnRE, and nothing else is mapped, so that a
 * stray pointer faults with a dump instead of reaching a random device.
 *
 * The tables are built in C before the MMU is turned on, on the boot CPU
 * alone (boot/arm64/setup.c says why), which is why mmu_early_map() takes
 * no lock and does no TLB maintenance: nothing walks the tables yet. They
 * do not change afterwards; a run-time mapping interface would need both.
 */
enum mmu_type {
	MMU_CODE,		/* read-only, executable */
	MMU_RODATA,		/* read-only */
	MMU_DATA,		/* read-write */
	MMU_DEVICE,		/* read-write, Device-nGnRE */
};

/* What head.S loads into the MMU registers, on every CPU. */
struct mmu_config {
	u64 mair;
	u64 tcr;
	u64 ttbr0;
	u64 sctlr;
};

extern struct mmu_config arm64_mmu_config;

int mmu_early_init(void);
/* @pa and @size are rounded out to pages; -EEXIST if any page is already mapped. */
int mmu_early_map(u64 pa, u64 size, enum mmu_type type);
/* Bits of physical (and so virtual) address the map covers. */
unsigned int mmu_pa_bits(void);

/* head.S */
void arm64_mmu_enable(const struct mmu_config *cfg);

#endif
