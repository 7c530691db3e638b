#ifndef ASM_EXCEPTION_H
#define ASM_EXCEPTION_H

#include <lib/types.h>
#include <asm/esr.h>

/* What vectors.S saves on the stack for every exception taken to EL2. */
struct arm64_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

/* The vector slot an exception came through, in VBAR_EL2 order. */
enum arm64_vector {
	VEC_CUR_SP0_SYNC, VEC_CUR_SP0_IRQ, VEC_CUR_SP0_FIQ, VEC_CUR_SP0_SERROR,
	VEC_CUR_SPX_SYNC, VEC_CUR_SPX_IRQ, VEC_CUR_SPX_FIQ, VEC_CUR_SPX_SERROR,
	VEC_LOW64_SYNC, VEC_LOW64_IRQ, VEC_LOW64_FIQ, VEC_LOW64_SERROR,
	VEC_LOW32_SYNC, VEC_LOW32_IRQ, VEC_LOW32_FIQ, VEC_LOW32_SERROR,
	VEC_COUNT
};

extern char arm64_vectors[];

/* Called by vectors.S; returns only when the exception was handled. */
void arm64_handle_exception(struct arm64_regs *regs, unsigned int vector);

#endif
