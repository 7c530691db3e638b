/*
 * Application processors start here in real mode, at TRAMPOLINE_BASE,
 * after a STARTUP IPI, and climb to long mode on the boot page tables
 * (below 4 GiB, which a 32-bit CR3 load needs). This code is copied to
 * TRAMPOLINE_BASE, so every absolute address is computed from that base.
 */
#include <asm/boot.h>

#define T(x)	(TRAMPOLINE_BASE + ((x) - trampoline_start))

	.section .trampoline, "a"
	.code16
	.global trampoline_start
trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_ptr - trampoline_start
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $T(tramp32)

	.code32
tramp32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4
	mov	T(trampoline_params), %eax	/* params.cr3 */
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$(1 << 8), %eax
	wrmsr
	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	mov	%eax, %cr0
	ljmp	$0x18, $T(tramp64)

	.code64
tramp64:
	mov	T(trampoline_params) + 8, %rsp	/* params.stack_top */
	mov	T(trampoline_params) + 16, %rdi	/* params.percpu */
	mov	T(trampoline_params) + 24, %rax	/* params.entry */
	xor	%ebp, %ebp
	call	*%rax
1:	hlt
	jmp	1b

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
	.short	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)

	.balign 8
	.global trampoline_params
trampoline_params:
	.skip	32
	.global trampoline_end
trampoline_end:
