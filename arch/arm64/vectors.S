#include <asm/asm.h>
#include <asm/asm_offsets.h>

/*
 * EL2's exception vectors. Every slot saves the whole register file in a
 * struct arm64_regs on the current stack and calls
 * arm64_handle_exception(regs, slot); if that returns, ELR and SPSR are
 * reloaded from the frame (a handler may have moved ELR past the
 * instruction) and the registers restored before ERET. Exceptions from
 * a guest leave through the world switch instead.
 */

.macro ventry slot
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X(0)]
	mov	x1, #\slot
	b	exception_entry
.endm

/*
 * From a lower EL, only a guest can be running: its x0/x1 go on the
 * stack the world switch left (guest_switch.S), the slot in x1.
 */
.macro vguest slot
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\slot
	b	arm64_guest_exit
.endm

	.text
	.balign	0x800
func arm64_vectors
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	vguest	8
	vguest	9
	vguest	10
	vguest	11
	vguest	12
	vguest	13
	vguest	14
	vguest	15
endfunc arm64_vectors

exception_entry:
	stp	x2, x3, [sp, #REGS_X(2)]
	stp	x4, x5, [sp, #REGS_X(4)]
	stp	x6, x7, [sp, #REGS_X(6)]
	stp	x8, x9, [sp, #REGS_X(8)]
	stp	x10, x11, [sp, #REGS_X(10)]
	stp	x12, x13, [sp, #REGS_X(12)]
	stp	x14, x15, [sp, #REGS_X(14)]
	stp	x16, x17, [sp, #REGS_X(16)]
	stp	x18, x19, [sp, #REGS_X(18)]
	stp	x20, x21, [sp, #REGS_X(20)]
	stp	x22, x23, [sp, #REGS_X(22)]
	stp	x24, x25, [sp, #REGS_X(24)]
	stp	x26, x27, [sp, #REGS_X(26)]
	stp	x28, x29, [sp, #REGS_X(28)]
	add	x2, sp, #REGS_SIZE
	stp	x30, x2, [sp, #REGS_X(30)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #REGS_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #REGS_ESR]

	mov	x0, sp
	bl	arm64_handle_exception

	ldp	x2, x3, [sp, #REGS_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #REGS_X(0)]
	ldp	x2, x3, [sp, #REGS_X(2)]
	ldp	x4, x5, [sp, #REGS_X(4)]
	ldp	x6, x7, [sp, #REGS_X(6)]
	ldp	x8, x9, [sp, #REGS_X(8)]
	ldp	x10, x11, [sp, #REGS_X(10)]
	ldp	x12, x13, [sp, #REGS_X(12)]
	ldp	x14, x15, [sp, #REGS_X(14)]
	ldp	x16, x17, [sp, #REGS_X(16)]
	ldp	x18, x19, [sp, #REGS_X(18)]
	ldp	x20, x21, [sp, #REGS_X(20)]
	ldp	x22, x23, [sp, #REGS_X(22)]
	ldp	x24, x25, [sp, #REGS_X(24)]
	ldp	x26, x27, [sp, #REGS_X(26)]
	ldp	x28, x29, [sp, #REGS_X(28)]
	ldr	x30, [sp, #REGS_X(30)]
	add	sp, sp, #REGS_SIZE
	eret
