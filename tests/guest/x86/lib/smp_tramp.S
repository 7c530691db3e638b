/*
 * The application processors' way in: a SIPI with vector 0x08 starts an
 * AP in real mode at 0x0800:0000. smp.c copies this blob to
 * SMP_TRAMPOLINE and fills in its data words (CR3, the stack, the 64-bit
 * entry) before each start; the blob takes the CPU through 32-bit
 * protected mode to the library's 64-bit mode on the BSP's page tables
 * and GDT, then calls smp_ap_entry() on its own stack.
 */
#include <guest/apic.h>
#include <guest/x86.h>

#define AT(label)	(SMP_TRAMPOLINE + ((label) - smp_trampoline))

	.section .rodata
	.balign	16
	.global	smp_trampoline, smp_trampoline_end
	.global	smp_tramp_cr3, smp_tramp_stack, smp_tramp_entry
	.code16
smp_trampoline:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	/* DS-relative: CS's base is the trampoline's page. */
	lgdtl	(tramp_gdt_ptr - smp_trampoline)
	/* INIT leaves CD and NW set: caching on, protection on. */
	mov	$(X86_CR0_PE | X86_CR0_ET), %eax
	mov	%eax, %cr0
	ljmpl	$KERNEL_CS32, $AT(1f)

	.code32
1:	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	AT(smp_tramp_cr3), %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	$(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG), %eax
	mov	%eax, %cr0
	ljmp	$KERNEL_CS, $AT(2f)

	.code64
2:	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	AT(smp_tramp_stack), %rsp
	mov	AT(smp_tramp_entry), %rax
	call	*%rax
3:	pause
	jmp	3b

	.balign	8
tramp_gdt_ptr:
	.short	6 * 8 - 1		/* the four descriptors and the 16-byte TSS of crt0.S */
	.long	guest_gdt
	.balign	8
smp_tramp_cr3:
	.quad	0
smp_tramp_stack:
	.quad	0
smp_tramp_entry:
	.quad	0
smp_trampoline_end:
