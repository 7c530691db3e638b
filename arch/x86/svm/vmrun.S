/*
 * The world switch: void svm_vmrun(u64 *gprs, paddr_t vmcb, paddr_t host_state)
 *
 * On #VMEXIT the CPU restores RAX, RSP, RIP and the host save area's
 * state only: every other GPR holds the guest's value, and FS, GS, TR,
 * LDTR, KernelGSBase and the syscall MSRs hold the guest's (VMLOAD put
 * them there). So: the host's callee-saved GPRs on the stack, the guest's
 * GPRs from and back to @gprs, and the host's segment state VMLOADed from
 * @host_state before anything can use %gs (per-CPU data).
 *
 * GIF and IF. CLGI first: from here until STGI no interrupt, NMI or SMI
 * is taken, so nothing runs on the guest's GS base between the VMLOADs.
 * STI under GIF=0 admits nothing yet, but VMRUN saves RFLAGS.IF=1 as the
 * host's, and with V_INTR_MASKING that host IF is what lets a physical
 * interrupt end guest mode (#VMEXIT(INTR)) while the guest runs with its
 * own IF as it likes. #VMEXIT clears GIF and restores IF=1; STGI then
 * takes the pending interrupt or NMI that caused the exit (its handler
 * EOIs it) in the one-instruction window before CLI, so that it is not
 * pending at the next VMRUN, which would exit again at once.
 */
#define GPR_RCX	(1 * 8)
#define GPR_RDX	(2 * 8)
#define GPR_RBX	(3 * 8)
#define GPR_RBP	(5 * 8)
#define GPR_RSI	(6 * 8)
#define GPR_RDI	(7 * 8)
#define GPR_R8	(8 * 8)
#define GPR_R9	(9 * 8)
#define GPR_R10	(10 * 8)
#define GPR_R11	(11 * 8)
#define GPR_R12	(12 * 8)
#define GPR_R13	(13 * 8)
#define GPR_R14	(14 * 8)
#define GPR_R15	(15 * 8)

	.text
	.global svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* host_state */
	push	%rdi			/* gprs */

	mov	%rsi, %rax		/* VMRUN, VMLOAD, VMSAVE take the VMCB in RAX */
	mov	GPR_RCX(%rdi), %rcx
	mov	GPR_RDX(%rdi), %rdx
	mov	GPR_RBX(%rdi), %rbx
	mov	GPR_RBP(%rdi), %rbp
	mov	GPR_RSI(%rdi), %rsi
	mov	GPR_R8(%rdi), %r8
	mov	GPR_R9(%rdi), %r9
	mov	GPR_R10(%rdi), %r10
	mov	GPR_R11(%rdi), %r11
	mov	GPR_R12(%rdi), %r12
	mov	GPR_R13(%rdi), %r13
	mov	GPR_R14(%rdi), %r14
	mov	GPR_R15(%rdi), %r15
	mov	GPR_RDI(%rdi), %rdi

	clgi
	sti
	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	/* RAX is the VMCB again, RSP ours; the rest is the guest's. */
	push	%rdi
	mov	8(%rsp), %rdi		/* gprs */
	mov	%rcx, GPR_RCX(%rdi)
	mov	%rdx, GPR_RDX(%rdi)
	mov	%rbx, GPR_RBX(%rdi)
	mov	%rbp, GPR_RBP(%rdi)
	mov	%rsi, GPR_RSI(%rdi)
	mov	%r8, GPR_R8(%rdi)
	mov	%r9, GPR_R9(%rdi)
	mov	%r10, GPR_R10(%rdi)
	mov	%r11, GPR_R11(%rdi)
	mov	%r12, GPR_R12(%rdi)
	mov	%r13, GPR_R13(%rdi)
	mov	%r14, GPR_R14(%rdi)
	mov	%r15, GPR_R15(%rdi)
	popq	GPR_RDI(%rdi)
	add	$8, %rsp

	pop	%rax			/* host_state */
	vmload	%rax
	stgi
	nop
	cli

	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size svm_vmrun, . - svm_vmrun
