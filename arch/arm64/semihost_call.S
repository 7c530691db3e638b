#include <asm/asm.h>

/*
 * u64 arm64_semihost_call(u64 op, u64 arg): the A64 semihosting trap.
 * The handler for the undefined-instruction fault it raises when nobody
 * services semihosting recognises it by this exact address.
 */
	.text
func arm64_semihost_call
	.globl	arm64_semihost_insn
	.hidden	arm64_semihost_insn
arm64_semihost_insn:
	hlt	#0xf000
	ret
endfunc arm64_semihost_call
