/*
 * Entry of every x86 test guest. A multiboot1 loader (QEMU's -kernel, the
 * hypervisor's VMM, GRUB) starts us in 32-bit protected mode with paging
 * off, %eax = 0x2badb002 and %ebx = the information structure; its
 * segments and GDT are ours to replace. We go to 64-bit mode on an
 * identity map of the first 4 GiB and call guest_start() in C.
 */
#include <guest/platform.h>
#include <guest/x86.h>

#define MB1_HEADER_MAGIC	0x1badb002
/* Page-aligned modules, and mem_lower/upper plus the memory map. */
#define MB1_HEADER_FLAGS	((1 << 0) | (1 << 1))

#define STACK_SIZE		16384
#define PTE_TABLE		(PTE_PRESENT | PTE_WRITE)
#define PDE_2M			(PTE_PRESENT | PTE_WRITE | PTE_LARGE)
/* PD entries from 3 GiB up: LAPIC, IOAPIC and PCI holes live there. */
#define FIRST_DEVICE_PDE	1536

/* Read by the loader from the first 8 KiB of the file (guest.ld puts it first). */
	.section .multiboot, "a"
	.balign 4
	.long	MB1_HEADER_MAGIC
	.long	MB1_HEADER_FLAGS
	.long	-(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	/* %ebp and %esi carry the magic and the info pointer until C. */
	mov	%eax, %ebp
	mov	%ebx, %esi

	/*
	 * The loader's GDT may already be overwritten (the spec says so):
	 * load ours before anything reloads a segment register.
	 */
	lgdt	gdt_ptr
	ljmp	$KERNEL_CS32, $1f
1:	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss

	/* Loaders zero .bss as the ELF headers ask; a VMM under test might not. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	mov	$stack_top, %esp

	push	%esi
	push	%ebp
	call	guest32_entry
	add	$8, %esp

	/* Without long mode there is nothing to run: say so in TAP and leave. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode

	/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
	movl	$(pdpt + PTE_TABLE), pml4
	mov	$(pd + PTE_TABLE), %eax
	xor	%ecx, %ecx
1:	mov	%eax, pdpt(, %ecx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jne	1b

	/* The high halves of the entries stay zero from the .bss clearing. */
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$PDE_2M, %eax
	cmp	$FIRST_DEVICE_PDE, %ecx
	jb	2f
	/* PCD|PWT selects PAT entry 3, uncacheable at reset. */
	or	$(PTE_PCD | PTE_PWT), %eax
2:	mov	%eax, pd(, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jne	1b

	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	/*
	 * A whole CR0 rather than OR-ing bits in: the loader's CD/NW are
	 * undefined, and tests (VMRUN's checks among them) want a known value.
	 */
	mov	$(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG), %eax
	mov	%eax, %cr0
	ljmp	$KERNEL_CS, $start64

no_long_mode:
	mov	$no_long_mode_msg, %esi
	mov	$COM1_PORT, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	mov	$GUEST_EXIT_BAIL, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
3:	hlt
	jmp	3b

	/* The default guest32_entry: nothing to do in 32-bit mode. */
	.weak	guest32_entry
	.type	guest32_entry, @function
guest32_entry:
	ret

	.code64
start64:
	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	/* The upper half of RSP is undefined after the switch to 64-bit mode. */
	mov	$stack_top, %rsp
	mov	%ebp, %edi
	mov	%esi, %esi
	xor	%ebp, %ebp
	call	guest_start
1:	cli
	hlt
	jmp	1b

	.section .rodata
no_long_mode_msg:
	.asciz	"Bail out! this CPU has no long mode\r\n"

	/*
	 * Writable: loading a selector sets its descriptor's accessed bit, and
	 * LTR marks the TSS busy. The TSS descriptor is filled in by C.
	 */
	.section .data
	.balign 16
	.global guest_gdt
guest_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* KERNEL_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* KERNEL_DS: flat data */
	.quad	0x00cf9a000000ffff	/* KERNEL_CS32: flat 32-bit code */
	.quad	0, 0			/* KERNEL_TSS */
gdt_end:
	.balign 8
gdt_ptr:
	.short	gdt_end - guest_gdt - 1
	.quad	guest_gdt

	.section .bss
	.balign 4096
pml4:
	.skip	4096
pdpt:
	.skip	4096
pd:
	.skip	4 * 4096
	.balign 16
stack:
	.skip	STACK_SIZE
stack_top:
