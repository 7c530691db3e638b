#ifndef ASM_SEMIHOST_H
#define ASM_SEMIHOST_H

#include <asm/exception.h>

#define SEMIHOST_SYS_EXIT		0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026
/* What a semihosting call returns when the debugger (QEMU) does not answer it. */
#define SEMIHOST_UNAVAILABLE		(~0ULL)

/* semihost.S: "hlt #0xf000" with w0 = @op and x1 = @arg. */
u64 arm64_semihost_call(u64 op, u64 arg);

/*
 * Without semihosting enabled, HLT is an undefined instruction at EL2.
 * The exception handler asks this first: true when the fault was our
 * semihosting call, which then returns SEMIHOST_UNAVAILABLE.
 */
bool semihost_fixup(struct arm64_regs *regs, unsigned int vector);

#endif
