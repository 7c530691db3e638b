#ifndef ASM_ASM_OFFSETS_H
#define ASM_ASM_OFFSETS_H

/*
 * Structure offsets and sizes that assembly uses. Each is checked against
 * the C layout with a STATIC_ASSERT next to the structure's user, so a
 * change on one side fails the build instead of corrupting a stack.
 */

#define ARM64_STACK_SIZE	16384

/* struct percpu (include/core/percpu.h) */
#define PERCPU_STACK_TOP	24

/* struct arm64_regs (asm/exception.h) */
#define REGS_X(n)		(8 * (n))
#define REGS_SP			248
#define REGS_ELR		256
#define REGS_SPSR		264
#define REGS_ESR		272
#define REGS_FAR		280
#define REGS_SIZE		288

/* struct mmu_config (asm/mmu.h) */
#define MMU_CFG_MAIR		0
#define MMU_CFG_TCR		8
#define MMU_CFG_TTBR0		16
#define MMU_CFG_SCTLR		24

/* struct arm64_guest_regs (asm/guest.h) */
#define GUEST_X(n)		(8 * (n))
#define GUEST_PC		248
#define GUEST_PSTATE		256
#define GUEST_ESR		264
#define GUEST_FAR		272
#define GUEST_HPFAR		280

/* struct efi_handoff (asm/boot.h) */
#define EFI_HANDOFF_FDT		0

/* struct arm64_fp_ctx (asm/guest.h) */
#define FP_FPSR			512

#endif
