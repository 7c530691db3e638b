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

/*
 * PE32+ (the PE/COFF "Microsoft Portable Executable" format) values for
 * the EFI header below.
 */
#define PE_MACHINE_ARM64	0xaa64
#define PE_OPT_MAGIC_PE32PLUS	0x020b
/* Executable, no line numbers, no debug information. */
#define PE_CHARACTERISTICS	0x0206
#define PE_SUBSYSTEM_EFI_APP	10
#define PE_FILE_ALIGN		0x200	/* linker/arm64.ld pads the file to it */
#define PE_SECTION_ALIGN	0x1000
#define PE_SCN_CODE		0x60000020	/* code, executable, readable */
#define PE_SCN_DATA		0xc0000040	/* initialised data, readable, writable */
/* Export, import, resource, exception, certificate and base relocation: all empty. */
#define PE_NR_DATA_DIRS		6

/*
 * The Image header doubles as an MS-DOS header, so the same file is an
 * arm64 Image (QEMU -kernel, U-Boot booti) and an EFI application (GRUB
 * `linux`, a firmware boot entry). code0's bytes read "MZ" as the DOS
 * magic; as an instruction (ccmp x18, #0, #0xd, pl) it only sets flags,
 * so the Image protocol's entry at offset 0 falls through to code1. res5
 * at offset 0x3c is the DOS header's pointer to the PE header.
 *
 * The image needs no PE relocations: efi_entry applies its own RELA ones
 * at whatever address the firmware loaded it, as head.S does for the
 * Image protocol. The header page holds no code the firmware runs (it may
 * map headers non-executable): .text starts on the next page.
 */
	.section .head.text, "ax"
func _start
	.inst	0xfa405a4d		/* code0: "MZ" */
	b	primary_entry		/* code1 */
	.quad	0			/* text_offset */
	.quad	__hv_image_size		/* image_size: what the loader keeps free, .bss too */
	.quad	IMAGE_FLAGS
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	pe_header - _start	/* res5: the PE header's offset */
endfunc _start

pe_header:
	.ascii	"PE\0\0"
	.short	PE_MACHINE_ARM64
	.short	(pe_sections_end - pe_sections) / 40
	.long	0			/* time stamp */
	.long	0			/* symbol table */
	.long	0			/* number of symbols */
	.short	pe_sections - pe_opt_header
	.short	PE_CHARACTERISTICS

pe_opt_header:
	.short	PE_OPT_MAGIC_PE32PLUS
	.byte	0, 0			/* linker version */
	.long	__pe_text_size		/* size of code */
	.long	__pe_data_file_size		/* size of initialised data */
	.long	0					/* size of uninitialised data */
	.long	efi_entry - _start			/* entry point */
	.long	__efi_text_start - _start			/* base of code */

	.quad	0			/* image base: any; efi_entry relocates */
	.long	PE_SECTION_ALIGN
	.long	PE_FILE_ALIGN
	.short	0, 0			/* OS version */
	.short	0, 0			/* image version */
	.short	0, 0			/* subsystem version */
	.long	0			/* Win32 version */
	.long	__hv_image_size		/* size of image, .bss included */
	.long	__efi_text_start - _start	/* size of headers */
	.long	0			/* checksum */
	.short	PE_SUBSYSTEM_EFI_APP
	.short	0			/* DLL characteristics */
	.quad	0, 0, 0, 0		/* stack and heap reserve and commit */
	.long	0			/* loader flags */
	.long	PE_NR_DATA_DIRS
	.rept	PE_NR_DATA_DIRS
	.quad	0
	.endr

/* The two sections are the image's two W^X halves: code, then data and .bss. */
pe_sections:
	.ascii	".text\0\0\0"
	.long	__pe_text_size	/* virtual size */
	.long	__efi_text_start - _start		/* virtual address */
	.long	__pe_text_size	/* size in the file */
	.long	__efi_text_start - _start		/* offset in the file */
	.long	0, 0				/* relocations, line numbers */
	.short	0, 0
	.long	PE_SCN_CODE

	.ascii	".data\0\0\0"
	.long	__pe_data_size
	.long	__text_end - _start
	.long	__pe_data_file_size
	.long	__text_end - _start
	.long	0, 0
	.short	0, 0
	.long	PE_SCN_DATA
pe_sections_end:

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

/*
 * The EFI application's entry (x0 = image handle, x1 = system table),
 * with the firmware's MMU, caches, stack and exception level. The stub
 * returns to the firmware only with an error; on success boot services
 * have exited and this CPU enters primary_entry as the Image protocol
 * requires: at EL2 (the stub checked), MMU and D-cache off, the image
 * cleaned to the point of coherency, x0 = the DTB.
 */
func efi_entry
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	adr_l	x20, _start
	bl	apply_relocations
	mov	x0, x19
	bl	efi_stub_main
	cbz	x0, efi_leave_firmware
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

efi_leave_firmware:
	msr	daifset, #0xf
	adr_l	x0, __hv_image_start
	adr_l	x1, __hv_image_end
	bl	arm64_dcache_clean_range
	/* The firmware ran with the I-cache on too: no instruction fetched under it stays. */
	mrs	x0, sctlr_el2
	mov	x1, #(SCTLR_M | SCTLR_C)
	orr	x1, x1, #SCTLR_I
	bic	x0, x0, x1
	msr	sctlr_el2, x0
	isb
	ic	iallu
	dsb	nsh
	isb
	adr_l	x0, efi_handoff
	ldr	x0, [x0, #EFI_HANDOFF_FDT]
	b	primary_entry
endfunc efi_entry

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
