#ifndef ASM_SYSREG_TRAP_H
#define ASM_SYSREG_TRAP_H

#include <asm/esr.h>

/* The trapped system registers the hypervisor emulates (sysreg_trap.c), by encoding. */
#define SYSREG_ICC_SGI1R_EL1		SYSREG_KEY(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R_EL1		SYSREG_KEY(3, 0, 12, 11, 6)
#define SYSREG_ICC_SGI0R_EL1		SYSREG_KEY(3, 0, 12, 11, 7)
#define SYSREG_CNTP_TVAL_EL0		SYSREG_KEY(3, 3, 14, 2, 0)
#define SYSREG_CNTP_CTL_EL0		SYSREG_KEY(3, 3, 14, 2, 1)
#define SYSREG_CNTP_CVAL_EL0		SYSREG_KEY(3, 3, 14, 2, 2)
#define SYSREG_CPACR_EL1		SYSREG_KEY(3, 0, 1, 0, 2)

struct arm64_vcpu;

/* True if the trap of @esr can be answered with the list registers still loaded. */
bool arm64_sysreg_in_place(u64 esr);
/* 0: done, the caller moves the PC on; 1: UNDEF for the guest; < 0: emulation failed. */
int arm64_sysreg_access(struct arm64_vcpu *av, u64 esr);
/* The fields of ID register (3, 0, 0, @crm, @op2) the guest reads as zero. */
u64 arm64_id_hidden_mask(u8 crm, u8 op2);

#endif
