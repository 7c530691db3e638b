#ifndef ASM_SYSREG_H
#define ASM_SYSREG_H

/*
 * System register fields the hypervisor programs, with the values it
 * runs with. EL2 is used in its non-VHE form (HCR_EL2.E2H = 0): one
 * translation regime, TTBR0_EL2 only.
 */

#define CURRENT_EL_EL2		(2 << 2)

/* SCTLR_EL2 (E2H = 0): bits that are RES1 in that form. */
#define SCTLR_EL2_RES1		((1 << 4) | (1 << 5) | (1 << 11) | (1 << 16) | (1 << 18) | \
				 (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29))
#define SCTLR_M			(1 << 0)
#define SCTLR_C			(1 << 2)
#define SCTLR_SA		(1 << 3)
#define SCTLR_I			(1 << 12)
#define SCTLR_WXN		(1 << 19)
/* MMU, caches and alignment checks off, little endian: what the boot protocol promises. */
#define SCTLR_EL2_BOOT		(SCTLR_EL2_RES1 | SCTLR_SA)
/* Writable memory is never executable (WXN), whatever a descriptor says. */
#define SCTLR_EL2_RUN		(SCTLR_EL2_BOOT | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_WXN)

/*
 * HCR_EL2 while no guest runs: EL1 is AArch64, and physical IRQ, FIQ and
 * SError are routed to EL2, so that an SGI is a WFI wake-up event at EL2
 * (masked by PSTATE alone) rather than an interrupt meant for EL1.
 */
#define HCR_FMO			(1 << 3)
#define HCR_IMO			(1 << 4)
#define HCR_AMO			(1 << 5)
#define HCR_RW			(1 << 31)
#define HCR_EL2_HOST		(HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)

/*
 * CPTR_EL2 (E2H = 0): trap FP/SIMD and SVE at EL2 and below. The
 * hypervisor is built with -mgeneral-regs-only; a stray FP instruction
 * must fault with a register dump, not silently use a guest's registers.
 */
#define CPTR_EL2_RES1		(0xff | (1 << 9) | (3 << 12))
#define CPTR_TZ			(1 << 8)
#define CPTR_TFP		(1 << 10)
#define CPTR_EL2_HOST		(CPTR_EL2_RES1 | CPTR_TZ | CPTR_TFP)

/* TCR_EL2 (E2H = 0). */
#define TCR_EL2_RES1		((1 << 31) | (1 << 23))
#define TCR_T0SZ(bits)		(64 - (bits))
#define TCR_IRGN0_WBWA		(1 << 8)
#define TCR_ORGN0_WBWA		(1 << 10)
#define TCR_SH0_INNER		(3 << 12)
#define TCR_TG0_4K		(0 << 14)
#define TCR_PS_SHIFT		16

/* MAIR_EL2 attribute indexes used in descriptors. */
#define MT_DEVICE_nGnRE		0
#define MT_NORMAL		1
#define MT_NORMAL_NC		2
#define MAIR_EL2_VALUE		((0x04ULL << (8 * MT_DEVICE_nGnRE)) | \
				 (0xffULL << (8 * MT_NORMAL)) | \
				 (0x44ULL << (8 * MT_NORMAL_NC)))

/* MPIDR affinity fields: Aff3 in [39:32], Aff2..Aff0 in [23:0]. */
#define MPIDR_AFF_MASK		0xff00ffffffULL

#define ID_AA64MMFR0_PARANGE_MASK	0xf

#ifndef __ASSEMBLY__

#include <lib/types.h>

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* @r may be a name the assembler knows or a macro for an S3_x_Cn_Cm_y encoding. */
#define read_sysreg(r) ({						\
	u64 __v;							\
	__asm__ __volatile__("mrs %0, " __stringify(r) : "=r"(__v));	\
	__v;								\
})

#define write_sysreg(v, r)						\
	__asm__ __volatile__("msr " __stringify(r) ", %x0" : : "rZ"((u64)(v)))

#define isb()		__asm__ __volatile__("isb" ::: "memory")
#define dsb(opt)	__asm__ __volatile__("dsb " #opt ::: "memory")

static inline u64 this_cpu_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

static inline bool mmu_is_on(void)
{
	return read_sysreg(sctlr_el2) & SCTLR_M;
}

#endif

#endif
