/*
 * 32-bit protected-mode entry from a multiboot loader (paging off,
 * %eax = magic, %ebx = info) to 64-bit C. Builds an identity map of the
 * first 4 GiB with 2 MiB pages, which covers the image, the loader's
 * information and the local APIC; arch/x86/paging.c replaces it with the
 * final map once the memory map is known.
 */
#include <asm/boot.h>

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define PTE_P_RW	0x3
#define PDE_2M		0x83

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	mov	%eax, %ebp
	mov	%ebx, %esi

	/* The loader zeroes .bss from the ELF headers, but do not rely on it. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	mov	$(boot_stack + BOOT_STACK_SIZE), %esp

	/* Long mode is the one CPU feature we cannot even report without. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode

	/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
	mov	$boot_pdpt, %eax
	or	$PTE_P_RW, %eax
	mov	%eax, boot_pml4

	mov	$boot_pd, %eax
	or	$PTE_P_RW, %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pdpt(, %ecx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jne	1b

	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$PDE_2M, %eax
	mov	%eax, boot_pd(, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jne	1b

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP | CR0_PE), %eax
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$BOOT_CS, $start64

no_long_mode:
	/* COM1 at its reset defaults is enough for one line. */
	mov	$no_lm_msg, %esi
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b

	.code64
start64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$(boot_stack + BOOT_STACK_SIZE), %rsp
	mov	%ebp, %edi
	mov	%esi, %esi
	xor	%ebp, %ebp
	call	x86_boot_main
1:	hlt
	jmp	1b

	.section .rodata
no_lm_msg:
	.asciz	"microhv: this CPU has no long mode\r\n"

	.balign 8
	.global boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data */
boot_gdt_end:
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.section .bss
	.balign 4096
	.global boot_pml4
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
	.balign 16
	.global boot_stack
boot_stack:
	.skip	BOOT_STACK_SIZE
