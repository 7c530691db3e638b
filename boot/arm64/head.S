#include <asm/asm.h>
#include <asm/asm_offsets.h>
#include <asm/console.h>
#include <asm/sysreg.h>

/*
 * Entry from the loader: the arm64 Linux Image protocol at EL2, MMU and
 * D-cache off, x0 = the DTB's physical address.
 *
 * The image is linked at address 0 and position independent: code
 * reaches everything PC-relative, and the absolute pointers stored in
 * data are listed in .rela.dyn as R_AARCH64_RELATIVE entries, fixed up
 * below before any C runs. Any 4 KiB-aligned load address therefore works
 * (the page tables in .bss need that alignment, nothing needs more); the
 * protocol's 2 MiB alignment is a loader's promise we do not rely on.
 */

/* Little endian (bit 0 clear), 4 KiB pages (bits 2:1 = 1), placeable anywhere (bit 3). */
#define IMAGE_FLAGS		((1 << 1) | (1 << 3))
#define R_AARCH64_RELATIVE	1027
#define PL011_FR		0x18
#define PL011_FR_TXFF_BIT	5

	.section .head.text, "ax"
func _start
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	__hv_image_size		/* image_size: what the loader keeps free, .bss too */
	.quad	IMAGE_FLAGS
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */
endfunc _start

	.text
primary_entry:
	mov	x19, x0
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #CURRENT_EL_EL2
	b.ne	not_at_el2
	msr	spsel, #1
	ldr	x1, =SCTLR_EL2_BOOT
	msr	sctlr_el2, x1
	isb

	adr	x20, _start
	tst	x20, #0xfff
	b.ne	misaligned
	bl	apply_relocations
	bl	clear_bss

	adr_l	x1, arm64_cpu_stacks
	add	sp, x1, #ARM64_STACK_SIZE
	adr_l	x1, percpu_data
	msr	tpidr_el2, x1
	bl	set_el2_state

	mov	x0, x19
	bl	arm64_early_setup

	/*
	 * Everything written so far went straight to memory (MMU off). The
	 * image's lines may still sit in the caches from before the loader's
	 * clean, and would hide those writes once the caches are on: drop
	 * them. The image's bounds are page aligned, so no line is shared.
	 */
	adr_l	x0, __hv_image_start
	adr_l	x1, __hv_image_end
	bl	arm64_dcache_inval_range
	adr_l	x0, arm64_mmu_config
	bl	arm64_mmu_enable
	bl	arm64_boot_main
	b	halt

/*
 * x0 = the percpu of this CPU (PSCI CPU_ON's context). Until its MMU is
 * on this CPU writes no memory: its stores would bypass the caches the
 * other CPUs are using. What it reads here (its percpu, the MMU values)
 * was cleaned to memory by the CPU that started it.
 */
func secondary_entry
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #CURRENT_EL_EL2
	b.ne	halt
	msr	spsel, #1
	ldr	x1, =SCTLR_EL2_BOOT
	msr	sctlr_el2, x1
	isb
	msr	tpidr_el2, x0
	ldr	x1, [x0, #PERCPU_STACK_TOP]
	mov	sp, x1
	bl	set_el2_state
	adr_l	x0, arm64_mmu_config
	bl	arm64_mmu_enable
	bl	arm64_secondary_main
	b	halt
endfunc secondary_entry

/* x20 = load address (= link offset, as the image is linked at 0). */
apply_relocations:
	adr_l	x9, __rela_start
	adr_l	x10, __rela_end
1:	cmp	x9, x10
	b.hs	2f
	ldp	x11, x12, [x9], #16	/* r_offset, r_info */
	ldr	x13, [x9], #8		/* r_addend */
	cbz	x12, 1b			/* R_AARCH64_NONE: a slot the linker left unused */
	cmp	x12, #R_AARCH64_RELATIVE
	b.ne	bad_relocation
	add	x13, x13, x20
	str	x13, [x20, x11]
	b	1b
2:	ret

clear_bss:
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	ret

/* The EL2 state every CPU needs before it can take an exception or touch the MMU. */
set_el2_state:
	adr_l	x1, arm64_vectors
	msr	vbar_el2, x1
	ldr	x1, =HCR_EL2_HOST
	msr	hcr_el2, x1
	ldr	x1, =CPTR_EL2_HOST
	msr	cptr_el2, x1
	isb
	ret

/*
 * x0 = struct mmu_config. Stale TLB entries from the firmware must go
 * before the MMU uses the new tables, and instructions fetched with the
 * I-cache off must not be mixed with stale cached ones afterwards.
 */
func arm64_mmu_enable
	ldr	x1, [x0, #MMU_CFG_MAIR]
	msr	mair_el2, x1
	ldr	x1, [x0, #MMU_CFG_TCR]
	msr	tcr_el2, x1
	ldr	x1, [x0, #MMU_CFG_TTBR0]
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	nsh
	isb
	ldr	x1, [x0, #MMU_CFG_SCTLR]
	msr	sctlr_el2, x1
	isb
	ic	iallu
	dsb	nsh
	isb
	ret
endfunc arm64_mmu_enable

/*
 * adr, not adr_l: adrp works in 4 KiB pages and is wrong by the
 * misalignment when the image is loaded off a page boundary, which is
 * one of the failures reported here. The messages therefore sit in .text,
 * within adr's +-1 MiB.
 */
not_at_el2:
	adr	x0, msg_not_el2
	b	early_fail
misaligned:
	adr	x0, msg_misaligned
	b	early_fail
bad_relocation:
	adr	x0, msg_bad_relocation
	b	early_fail

/*
 * Nothing is known about the machine yet (no DTB parsed): QEMU virt's
 * PL011 is the only place to say why we stop.
 */
early_fail:
	mov	x1, #EARLY_UART_BASE
1:	ldrb	w2, [x0], #1
	cbz	w2, halt
2:	ldr	w3, [x1, #PL011_FR]
	tbnz	w3, #PL011_FR_TXFF_BIT, 2b
	str	w2, [x1]
	b	1b

halt:
	wfe
	b	halt

	.ltorg

msg_not_el2:
	.ascii	"\r\nmicrohv: not entered at EL2 "
	.asciz	"(QEMU needs -machine virtualization=on); stopped\r\n"
msg_misaligned:
	.asciz	"\r\nmicrohv: loaded at an address that is not 4 KiB aligned; stopped\r\n"
msg_bad_relocation:
	.ascii	"\r\nmicrohv: image has a relocation "
	.asciz	"other than R_AARCH64_RELATIVE; stopped\r\n"
