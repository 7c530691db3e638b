#ifndef ASM_ASM_H
#define ASM_ASM_H

#ifdef __ASSEMBLY__

/* The address of @sym, PC-relative (+-4 GiB): right at any load address. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

.macro func name
	.globl	\name
	.hidden	\name
	.type	\name, %function
\name:
.endm

.macro endfunc name
	.size	\name, . - \name
.endm

#endif

#endif
