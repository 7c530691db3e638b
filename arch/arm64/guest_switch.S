#include <asm/asm.h>
#include <asm/asm_offsets.h>

/*
 * The world switch. arm64_guest_enter() keeps the host's callee-saved
 * registers and the address of the guest's register block in a frame on
 * the host stack, loads every guest register and ERETs. An exception
 * from the guest comes to a lower-EL slot of vectors.S, which pushes the
 * guest's x0/x1 on that same stack (SP_EL2 is where the entry left it)
 * and jumps to arm64_guest_exit with the slot in x1: the guest's
 * registers and the syndrome go to the block, and arm64_guest_enter()
 * returns the slot to its caller. Everything else (EL1 state, timers,
 * stage-2) stays in the hardware across the switch; asm/guest.h says why.
 */

#define FRAME_SIZE	112
#define FRAME_REGS	96	/* struct arm64_guest_regs * */

/* u64 arm64_guest_enter(struct arm64_guest_regs *regs) */
func arm64_guest_enter
	stp	x29, x30, [sp, #-FRAME_SIZE]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #FRAME_REGS]

	ldp	x1, x2, [x0, #GUEST_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #GUEST_X(2)]
	ldp	x4, x5, [x0, #GUEST_X(4)]
	ldp	x6, x7, [x0, #GUEST_X(6)]
	ldp	x8, x9, [x0, #GUEST_X(8)]
	ldp	x10, x11, [x0, #GUEST_X(10)]
	ldp	x12, x13, [x0, #GUEST_X(12)]
	ldp	x14, x15, [x0, #GUEST_X(14)]
	ldp	x16, x17, [x0, #GUEST_X(16)]
	ldp	x18, x19, [x0, #GUEST_X(18)]
	ldp	x20, x21, [x0, #GUEST_X(20)]
	ldp	x22, x23, [x0, #GUEST_X(22)]
	ldp	x24, x25, [x0, #GUEST_X(24)]
	ldp	x26, x27, [x0, #GUEST_X(26)]
	ldp	x28, x29, [x0, #GUEST_X(28)]
	ldr	x30, [x0, #GUEST_X(30)]
	ldp	x0, x1, [x0, #GUEST_X(0)]
	eret
	/* Nothing after ERET runs, even speculatively. */
	dsb	nsh
	isb
endfunc arm64_guest_enter

/* x1 = vector slot; the guest's x0 and x1 at [sp], the entry's frame above them. */
func arm64_guest_exit
	ldr	x0, [sp, #16 + FRAME_REGS]
	stp	x2, x3, [x0, #GUEST_X(2)]
	stp	x4, x5, [x0, #GUEST_X(4)]
	stp	x6, x7, [x0, #GUEST_X(6)]
	stp	x8, x9, [x0, #GUEST_X(8)]
	stp	x10, x11, [x0, #GUEST_X(10)]
	stp	x12, x13, [x0, #GUEST_X(12)]
	stp	x14, x15, [x0, #GUEST_X(14)]
	stp	x16, x17, [x0, #GUEST_X(16)]
	stp	x18, x19, [x0, #GUEST_X(18)]
	stp	x20, x21, [x0, #GUEST_X(20)]
	stp	x22, x23, [x0, #GUEST_X(22)]
	stp	x24, x25, [x0, #GUEST_X(24)]
	stp	x26, x27, [x0, #GUEST_X(26)]
	stp	x28, x29, [x0, #GUEST_X(28)]
	str	x30, [x0, #GUEST_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #GUEST_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GUEST_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #GUEST_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #GUEST_HPFAR]

	mov	x0, x1
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #FRAME_SIZE
	ret
endfunc arm64_guest_exit

/*
 * The guest's FP/SIMD registers, copied only when another vCPU's are
 * loaded on this CPU (asm/guest.h). The caller has FP enabled at EL2
 * (CPTR_EL2.TFP clear).
 */
	.arch_extension fp
	.arch_extension simd

func arm64_fp_save
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #FP_FPSR
	stp	x1, x2, [x0]
	ret
endfunc arm64_fp_save

func arm64_fp_load
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x0, x0, #FP_FPSR
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
endfunc arm64_fp_load
