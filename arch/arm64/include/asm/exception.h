#ifndef ASM_EXCEPTION_H
#define ASM_EXCEPTION_H

#include <lib/types.h>

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

#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			(1ULL << 25)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)

#define EC_UNKNOWN		0x00
#define EC_IABT_LOW		0x20
#define EC_IABT_CUR		0x21
#define EC_DABT_LOW		0x24
#define EC_DABT_CUR		0x25
#define EC_BRK			0x3c

extern char arm64_vectors[];

/* Called by vectors.S; returns only when the exception was handled. */
void arm64_handle_exception(struct arm64_regs *regs, unsigned int vector);

#endif
