/*
 * Interrupt and exception entry: one stub per vector pushes a zero where
 * the CPU pushes no error code, so that every frame has the layout of
 * struct ex_regs, then the vector, and joins the common path. Also the
 * catch_exception() trampoline, which needs control of the stack.
 */
#define HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.pushsection .rodata
	.balign	8
	.global	isr_stub_table
isr_stub_table:
	.popsection

	.text
	.set	vec, 0
	.rept	256
	.balign	16
1:	.if	!HAS_ERROR_CODE(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	/* A table of the stubs' addresses, so that their size is free. */
	.pushsection .rodata
	.quad	1b
	.popsection
	.set	vec, vec + 1
	.endr

/*
 * The CPU aligned RSP to 16 before pushing its five words; with the error
 * code, the vector and fifteen registers the frame is 176 bytes, so RSP is
 * aligned again at the call, as the ABI wants.
 */
isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%rsp, %rdi
	cld
	call	exception_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	add	$16, %rsp
	iretq

/*
 * int catch_call(struct catch_ctx *ctx, void (*fn)(void *), void *arg)
 *
 * Calls fn(arg) and returns 0. If fn faults, the dispatcher resumes at
 * catch_resume with RSP and RFLAGS from ctx and RAX = 1, which unwinds
 * fn's frames and returns 1 from here, like longjmp(). Only the
 * callee-saved registers need saving: everything else is dead at a call.
 */
	.global catch_call
	.global catch_resume
catch_call:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* Six pushes on the return address: realign to 16 for the call. */
	sub	$8, %rsp
	mov	%rsp, 0(%rdi)		/* ctx->rsp */
	pushfq
	popq	8(%rdi)			/* ctx->rflags */
	mov	%rsi, %rax
	mov	%rdx, %rdi
	call	*%rax
	xor	%eax, %eax
catch_resume:
	add	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
