/*
 * x86-vm-nested: an L1 guest that is a tiny hypervisor of its own. It
 * is offered SVM (nested-svm) and runs a table of VMRUNs: each VMRUN
 * consistency check violated alone must give the error #VMEXIT (EXITCODE
 * -1 in all 64 bits, no exit information, GIF clear, L1's registers and
 * RIP as they were), and a valid VMRUN right after must still work;
 * valid L2 guests then exit through CPUID, HLT, IO, MSR, VMMCALL, #UD
 * and INTR intercepts with the exit information checked, and the SVM
 * instructions fault where the APM says they do.
 *
 * L2 shares L1's page tables, GDT and IDT (L1 has no nested paging, so
 * L2's guest-physical space is L1's): its code is the small assembly
 * routines below, run on a stack of its own.
 */
#include <guest/guest.h>
#include <lib/string.h>
#include <guest/svm.h>
#include <guest/apic.h>

#define EXIT_UD		0x46
#define EXIT_INTR	0x60
#define EXIT_CPUID	0x72
#define EXIT_HLT	0x78
#define EXIT_IOIO	0x7b
#define EXIT_MSR	0x7c

#define V_INTR_MASKING	X86_BIT(24)
#define SVM_NP		X86_BIT(0)
#define SVM_LBRV	X86_BIT(1)
#define SVM_NRIPS	X86_BIT(3)
#define SVM_FLUSH_ASID	X86_BIT(6)
#define SVM_VGIF	X86_BIT(16)
#define EV_VALID	X86_BIT(31)
#define EV_INTR		(0u << 8)
#define EV_NMI		(2u << 8)
#define EV_EXCP		(3u << 8)

#define MSR_STAR	0xc0000081u
#define MSR_FS_BASE	0xc0000100u
#define MSR_KGS_BASE	0xc0000102u
#define ATTR_CODE32	0xc9b
#define X86_CR4_OSFXSR	X86_BIT(9)
#define SCRATCH_PORT	(COM1_PORT + 7)
#define IRQ_BASE	0x20
#define INJECT_VECTOR	0x40
#define L2_MAGIC	0x1234abcdULL
#define OUTSIDE_RAM	0x10000000ULL		/* the VM has 32 MiB */

/* GPRs in encoding order, as l1_vmrun() stores them after the #VMEXIT. */
enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI, R_8, R_9, R_10, R_11, R_12, R_13,
       R_14, R_15, NR_REGS };
#define PATTERN(i)	(0x5ec0000000000000ULL | ((u64)(i) << 8) | (i))

/*
 * l1_vmrun(vmcb, regs): VMRUN with every GPR but RAX and RSP set to
 * PATTERN(n), then every GPR as the #VMEXIT left it stored in regs[].
 * l1_vmrun_sti does STI right before, so VMRUN is in its shadow: the
 * CPU takes no interrupt between the two, and the #VMEXIT's GIF decides.
 */
u64 l1_vmrun(struct vmcb *v, u64 *regs);
u64 l1_vmrun_sti(struct vmcb *v, u64 *regs);
__asm__(
	".macro l1_vmrun_body sti\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	push %rsi\n"
	"	mov %rdi, %rax\n"
	"	movabs $0x5ec0000000000101, %rcx\n"
	"	movabs $0x5ec0000000000202, %rdx\n"
	"	movabs $0x5ec0000000000303, %rbx\n"
	"	movabs $0x5ec0000000000505, %rbp\n"
	"	movabs $0x5ec0000000000606, %rsi\n"
	"	movabs $0x5ec0000000000707, %rdi\n"
	"	movabs $0x5ec0000000000808, %r8\n"
	"	movabs $0x5ec0000000000909, %r9\n"
	"	movabs $0x5ec0000000000a0a, %r10\n"
	"	movabs $0x5ec0000000000b0b, %r11\n"
	"	movabs $0x5ec0000000000c0c, %r12\n"
	"	movabs $0x5ec0000000000d0d, %r13\n"
	"	movabs $0x5ec0000000000e0e, %r14\n"
	"	movabs $0x5ec0000000000f0f, %r15\n"
	"	.if \\sti\n"
	"	sti\n"
	"	.endif\n"
	"	vmrun %rax\n"
	"	xchg %rdi, (%rsp)\n"
	"	mov %rax, 0(%rdi); mov %rcx, 8(%rdi); mov %rdx, 16(%rdi); mov %rbx, 24(%rdi)\n"
	"	mov %rsp, 32(%rdi); mov %rbp, 40(%rdi); mov %rsi, 48(%rdi)\n"
	"	mov %r8, 64(%rdi); mov %r9, 72(%rdi); mov %r10, 80(%rdi); mov %r11, 88(%rdi)\n"
	"	mov %r12, 96(%rdi); mov %r13, 104(%rdi)\n"
	"	mov %r14, 112(%rdi); mov %r15, 120(%rdi)\n"
	"	pop %rax\n"
	"	mov %rax, 56(%rdi)\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	".endm\n"
	".text\n"
	".global l1_vmrun\n"
	"l1_vmrun: l1_vmrun_body 0\n"
	".global l1_vmrun_sti\n"
	"l1_vmrun_sti: l1_vmrun_body 1\n");

/* L2's code: each routine ends in VMMCALL, which every test intercepts. */
void l2_vmmcall(void), l2_cpuid(void), l2_cpuid_insn(void), l2_hlt(void), l2_io(void);
void l2_io_insn(void), l2_rdmsr_star(void), l2_rdtsc(void), l2_spin(void), l2_loop(void);
void l2_mmio(void), l2_vmmcall32(void);
__asm__(
	".text\n"
	"l2_vmmcall: movabs $0x1234abcd, %rbx\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_cpuid: mov $0x80000001, %eax; xor %ecx, %ecx\n"
	"l2_cpuid_insn: cpuid\n"
	"	vmmcall\n"
	"l2_hlt: hlt\n"
	"	vmmcall\n"
	"l2_io: mov $0x5a, %al; mov $0x3ff, %dx\n"
	"l2_io_insn: outb %al, %dx\n"
	"	xor %eax, %eax\n"
	"	inb %dx, %al\n"
	"	mov %rax, %rbx\n"
	"	vmmcall\n"
	"l2_rdmsr_star: mov $0xc0000081, %ecx\n"
	"	rdmsr\n"
	"	vmmcall\n"
	"l2_rdtsc: rdtsc\n"
	"	vmmcall\n"
	"l2_spin: mov $20000000, %ecx\n"
	"1:	pause\n"
	"	dec %ecx\n"
	"	jnz 1b\n"
	"	vmmcall\n"
	"l2_mmio: mov $0xfe000007, %edx\n"
	"	movb $0xa5, (%rdx)\n"
	"	xor %ebx, %ebx\n"
	"	movb (%rdx), %bl\n"
	"	vmmcall\n"
	"l2_loop: vmmcall\n"
	"	jmp l2_loop\n"
	".global l2_vmmcall, l2_cpuid, l2_cpuid_insn, l2_hlt, l2_io, l2_io_insn\n"
	".code32\n"
	"l2_vmmcall32: mov $0x1234abcd, %ebx\n"
	"	vmmcall\n"
	"	ud2\n"
	".code64\n"
	".global l2_rdmsr_star, l2_rdtsc, l2_spin, l2_loop, l2_mmio, l2_vmmcall32\n");

static struct vmcb *vmcb, *spare;
static u8 *iopm, *msrpm, *l2_stack, *hsave;
static u64 regs[NR_REGS];
static bool ran;		/* the last run()'s verdict, before ok() formats its message */

static u64 l1_phys_bits(void)
{
	return cpuid(0x80000008).eax & 0xff;
}

/* A valid 64-bit L2 on L1's tables and segments, with L1's IO and MSR maps. */
static void make_vmcb(struct vmcb *v, void (*entry)(void))
{
	svm_vmcb_init_flat64(v, (u64)(uintptr_t)entry, (u64)(uintptr_t)(l2_stack + PAGE_SIZE * 2));
	v->iopm = (u64)(uintptr_t)iopm;
	v->msrpm = (u64)(uintptr_t)msrpm;
	v->int_ctl = V_INTR_MASKING;
}

static u64 exit_code(const struct vmcb *v)
{
	return (u64)v->exit_code_hi << 32 | v->exit_code;
}

/* ---- the faults of the SVM instructions ---- */

#define SVM_INSN_VECTOR(insn, rax)						\
	({									\
		exception_clear();						\
		__asm__ __volatile__("1: " insn "\n2:\n" ASM_EXTABLE(1b, 2b)	\
				     : : "a"(rax) : "memory");			\
		last_exception()->vector;					\
	})

static void test_svm_offered(void)
{
	struct cpuid_regs r = cpuid(0x80000001), a;
	u64 v;

	ok(r.ecx & X86_BIT(2), "cpuid 0x80000001: SVM offered (nested-svm)");
	a = cpuid(0x8000000a);
	ok(a.eax == 1 && a.ebx >= 2 && a.edx == (SVM_NP | SVM_LBRV | SVM_NRIPS | SVM_FLUSH_ASID |
	   SVM_VGIF), "cpuid 0x8000000a: revision %u, %u ASIDs, features %#x (NP, LBRV, NRIPS, "
	   "flush-by-ASID, vGIF; no DecodeAssists under TCG)", a.eax, a.ebx, a.edx);
	ok(!(rdmsr(MSR_EFER) & EFER_SVME), "EFER.SVME reads clear at boot");
	ok(rdmsr_safe(MSR_VM_CR, &v) == NO_EXCEPTION && v == 0, "VM_CR reads 0 (SVM enabled)");
}

static void test_ud_without_svme(void)
{
	u64 pa = (u64)(uintptr_t)vmcb;

	ok(SVM_INSN_VECTOR("vmrun", pa) == UD_VECTOR, "VMRUN with EFER.SVME clear: #UD");
	ok(SVM_INSN_VECTOR("vmload", pa) == UD_VECTOR, "VMLOAD with EFER.SVME clear: #UD");
	ok(SVM_INSN_VECTOR("vmsave", pa) == UD_VECTOR, "VMSAVE with EFER.SVME clear: #UD");
	ok(SVM_INSN_VECTOR("stgi", pa) == UD_VECTOR, "STGI with EFER.SVME clear: #UD");
	ok(SVM_INSN_VECTOR("clgi", pa) == UD_VECTOR, "CLGI with EFER.SVME clear: #UD");
	ok(SVM_INSN_VECTOR("invlpga", pa) == UD_VECTOR, "INVLPGA with EFER.SVME clear: #UD");
}

static void test_enable_svm(void)
{
	u64 pa = (u64)(uintptr_t)hsave;

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	ok(rdmsr(MSR_EFER) & EFER_SVME, "EFER.SVME set by WRMSR reads back");
	ok(SVM_INSN_VECTOR("vmrun", (u64)(uintptr_t)vmcb) == GP_VECTOR,
	   "VMRUN before VM_HSAVE_PA is set: #GP");
	ok(wrmsr_safe(MSR_VM_HSAVE_PA, pa | 0x10) == GP_VECTOR, "VM_HSAVE_PA unaligned: #GP");
	ok(wrmsr_safe(MSR_VM_HSAVE_PA, OUTSIDE_RAM) == GP_VECTOR,
	   "VM_HSAVE_PA outside L1's RAM: #GP");
	ok(wrmsr_safe(MSR_VM_HSAVE_PA, pa) == NO_EXCEPTION && rdmsr(MSR_VM_HSAVE_PA) == pa,
	   "VM_HSAVE_PA set to a page of L1's RAM");
}

static void test_gp_bad_rax(void)
{
	u64 pa = (u64)(uintptr_t)vmcb;

	make_vmcb(vmcb, l2_vmmcall);
	ok(SVM_INSN_VECTOR("vmrun", pa + 8) == GP_VECTOR, "VMRUN, rAX not page aligned: #GP");
	ok(SVM_INSN_VECTOR("vmrun", OUTSIDE_RAM) == GP_VECTOR, "VMRUN, rAX outside RAM: #GP");
	ok(SVM_INSN_VECTOR("vmrun", 1ULL << 52) == GP_VECTOR,
	   "VMRUN, rAX beyond the physical address width: #GP");
	ok(SVM_INSN_VECTOR("vmload", pa + 0x800) == GP_VECTOR, "VMLOAD, rAX unaligned: #GP");
	ok(SVM_INSN_VECTOR("vmsave", OUTSIDE_RAM) == GP_VECTOR, "VMSAVE, rAX outside RAM: #GP");
	ok(vmcb->exit_code == 0, "no #VMEXIT was written for a faulting VMRUN");
}

/* ---- valid VMRUNs ---- */

/* Runs @v; true if L2's #VMEXIT has @code. */
static bool run(struct vmcb *v, u64 code)
{
	l1_vmrun(v, regs);
	return exit_code(v) == code;
}

static bool valid_vmrun_works(void)
{
	make_vmcb(spare, l2_vmmcall);
	return run(spare, EXIT_VMMCALL) && regs[R_BX] == L2_MAGIC &&
	       spare->rip == (u64)(uintptr_t)l2_vmmcall + 10;
}

static void test_vmmcall(void)
{
	make_vmcb(vmcb, l2_vmmcall);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && regs[R_BX] == L2_MAGIC,
	   "L2 VMMCALL reflected: EXITCODE %#llx, L2's RBX %#llx", exit_code(vmcb), regs[R_BX]);
	ok(vmcb->rip == (u64)(uintptr_t)l2_vmmcall + 10 && vmcb->info1 == 0 && vmcb->info2 == 0 &&
	   vmcb->intinfo == 0 && vmcb->next_rip == vmcb->rip + 3,
	   "VMMCALL exit: L2's RIP %#llx at the VMMCALL, next_rip after it, no exit information",
	   vmcb->rip);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->icpt2 = I2_VMRUN;
	vmcb->icpt_exc = X86_BIT(UD_VECTOR);
	ran = run(vmcb, EXIT_UD);
	ok(ran, "L2 VMMCALL not intercepted: #UD, reflected as %#llx",
	   exit_code(vmcb));
}

static void test_cpuid(void)
{
	make_vmcb(vmcb, l2_cpuid);
	vmcb->icpt1 = I1_CPUID;
	ran = run(vmcb, EXIT_CPUID);
	ok(ran && vmcb->rip == (u64)(uintptr_t)l2_cpuid_insn,
	   "L2 CPUID intercepted: EXITCODE %#llx at the CPUID", exit_code(vmcb));
	make_vmcb(vmcb, l2_cpuid);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_CX] == cpuid(0x80000001).ecx,
	   "L2 CPUID not intercepted: L0 answers (ECX %#llx), then VMMCALL", regs[R_CX]);
}

static void test_hlt(void)
{
	make_vmcb(vmcb, l2_hlt);
	vmcb->icpt1 = I1_HLT;
	ran = run(vmcb, EXIT_HLT);
	ok(ran && vmcb->rip == (u64)(uintptr_t)l2_hlt,
	   "L2 HLT intercepted: EXITCODE %#llx", exit_code(vmcb));
}

static void test_io(void)
{
	u64 want = ((u64)SCRATCH_PORT << 16) | X86_BIT(4);	/* OUT, 8-bit */

	make_vmcb(vmcb, l2_io);
	vmcb->icpt1 = I1_IOIO;
	iopm[SCRATCH_PORT / 8] |= 1 << (SCRATCH_PORT % 8);
	ran = run(vmcb, EXIT_IOIO);
	ok(ran && (vmcb->info1 & 0xffff0071) == want &&
	   vmcb->info2 == (u64)(uintptr_t)l2_io_insn + 1,
	   "L2 OUT to a port in L1's IOPM: EXITCODE %#llx, EXITINFO1 %#llx, EXITINFO2 %#llx",
	   exit_code(vmcb), vmcb->info1, vmcb->info2);
	iopm[SCRATCH_PORT / 8] &= ~(1 << (SCRATCH_PORT % 8));
	make_vmcb(vmcb, l2_io);
	vmcb->icpt1 = I1_IOIO;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (regs[R_BX] & 0xff) == 0x5a,
	   "L2 IO to a port L1's IOPM lets through reaches L1's UART (read back %#llx)",
	   regs[R_BX] & 0xff);
}

/* STAR is one of the MSRs L0 lets through: only the merged map makes it exit. */
static void test_msr(void)
{
	u32 bit = (MSR_STAR - 0xc0000000u) * 2;

	make_vmcb(vmcb, l2_rdmsr_star);
	vmcb->icpt1 = I1_MSR;
	msrpm[0x800 + bit / 8] |= 1 << (bit % 8);
	ran = run(vmcb, EXIT_MSR);
	ok(ran && vmcb->info1 == 0,
	   "L2 RDMSR of STAR in L1's MSRPM: EXITCODE %#llx, EXITINFO1 %llu", exit_code(vmcb),
	   vmcb->info1);
	msrpm[0x800 + bit / 8] &= ~(1 << (bit % 8));
	make_vmcb(vmcb, l2_rdmsr_star);
	vmcb->icpt1 = I1_MSR;
	run(vmcb, EXIT_VMMCALL);
	ok(exit_code(vmcb) == EXIT_VMMCALL,
	   "L2 RDMSR of STAR not in L1's MSRPM runs: EXITCODE %#llx", exit_code(vmcb));
}

/*
 * L2's guest-physical space is L1's: its MMIO access faults in L0's NPT
 * and is emulated by L0 through L2's own page tables, as L1's would be.
 */
static void test_mmio(void)
{
	make_vmcb(vmcb, l2_mmio);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (regs[R_BX] & 0xff) == 0xa5,
	   "L2 MMIO to L1's UART scratch register, emulated by L0 (read back %#llx)",
	   regs[R_BX] & 0xff);
}

static void test_tsc_offset(void)
{
	u64 before = rdtsc(), l2;

	make_vmcb(vmcb, l2_rdtsc);
	vmcb->tsc_offset = 1ULL << 50;
	run(vmcb, EXIT_VMMCALL);
	l2 = (regs[R_DX] << 32) | (u32)vmcb->rax;
	ok(l2 - before >= (1ULL << 50) && l2 - before < (1ULL << 50) + (1ULL << 40),
	   "L2's TSC is L1's plus VMCB12's TSC offset (%#llx ahead)", l2 - before);
}

static volatile unsigned int injected, ticks;

static void injected_handler(struct ex_regs *r)
{
	injected++;
}

/* The vector goes through L2's IDT, which is L1's: the handler runs as L2. */
static void test_eventinj(void)
{
	set_handler(INJECT_VECTOR, injected_handler);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->event_inj = INJECT_VECTOR | EV_INTR | EV_VALID;
	run(vmcb, EXIT_VMMCALL);
	ok(exit_code(vmcb) == EXIT_VMMCALL && injected == 1 && vmcb->event_inj == 0,
	   "EVENTINJ: vector %#x delivered in L2 (%u), then VMMCALL; EVENTINJ cleared",
	   INJECT_VECTOR, injected);
	set_handler(INJECT_VECTOR, NULL);
}

#define V_IRQ		X86_BIT(8)
#define V_IGN_TPR	X86_BIT(20)
#define V_PRIO_MAX	(0xfULL << 16)
#define V_VECTOR(v)	((u64)(v) << 32)
#define I1_VINTR	X86_BIT(4)
#define EXIT_VINTR	0x64

/*
 * V_IRQ: L1 asks for a virtual interrupt in L2; the CPU delivers it when
 * L2's IF allows, through L2's IDT, and clears V_IRQ, which the #VMEXIT
 * writes back. With VINTR intercepted, L1 gets the exit instead.
 */
static void test_virtual_interrupt(void)
{
	unsigned int before = injected;

	set_handler(INJECT_VECTOR, injected_handler);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->rflags = 0x202;
	vmcb->int_ctl |= V_IRQ | V_IGN_TPR | V_PRIO_MAX | V_VECTOR(INJECT_VECTOR);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && injected == before + 1 && !(vmcb->int_ctl & V_IRQ),
	   "V_IRQ: vector %#x taken by L2 (%u), V_IRQ clear in VMCB12 after the #VMEXIT",
	   INJECT_VECTOR, injected - before);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->rflags = 0x202;
	vmcb->icpt1 = I1_VINTR;
	vmcb->int_ctl |= V_IRQ | V_IGN_TPR | V_PRIO_MAX | V_VECTOR(INJECT_VECTOR);
	ran = run(vmcb, EXIT_VINTR);
	ok(ran && injected == before + 1, "V_IRQ with VINTR intercepted: EXITCODE %#llx",
	   exit_code(vmcb));
	set_handler(INJECT_VECTOR, NULL);
}

static void test_vmload_vmsave(void)
{
	u64 pa = (u64)(uintptr_t)spare, old = rdmsr(MSR_KGS_BASE);

	memset(spare, 0, sizeof(*spare));
	__asm__ __volatile__("vmsave %%rax" : : "a"(pa) : "memory");
	ok(spare->fs.base == rdmsr(MSR_FS_BASE) && spare->kernel_gs_base == old &&
	   spare->tr.sel == KERNEL_TSS, "VMSAVE stores FS, KernelGSBase and TR");
	spare->kernel_gs_base = 0x12345000;
	__asm__ __volatile__("vmload %%rax" : : "a"(pa) : "memory");
	ok(rdmsr(MSR_KGS_BASE) == 0x12345000, "VMLOAD loads KernelGSBase");
	wrmsr(MSR_KGS_BASE, old);
}

/* ---- interrupts and GIF ---- */

static void timer_irq(struct ex_regs *r)
{
	ticks++;
	pic_eoi(0);
}

static bool irq0_requested(void)
{
	outb(PIC_MASTER_CMD, PIC_READ_IRR);
	return inb(PIC_MASTER_CMD) & 1;
}

/* IRQ 0 pending at the 8259, with IF=0 so that nothing takes it yet. */
static bool arm_pending_irq(void)
{
	unsigned int spin;

	pit_one_shot(100);
	pic_unmask(0);
	for (spin = 0; spin < 10000000 && !irq0_requested(); spin++)
		cpu_pause();
	return irq0_requested();
}

static void test_gif(void)
{
	unsigned int before;
	bool pending;

	pic_init(IRQ_BASE);
	set_handler(IRQ_BASE, timer_irq);
	__asm__ __volatile__("clgi" ::: "memory");
	pending = arm_pending_irq();
	before = ticks;
	__asm__ __volatile__("sti; nop; nop; nop; cli" ::: "memory");
	ok(pending && ticks == before, "CLGI: a pending interrupt is held with IF=1");
	__asm__ __volatile__("sti; stgi; nop; cli" ::: "memory");
	ok(ticks == before + 1, "STGI: the held interrupt is delivered");
	pic_mask(0);
}

/* L1 intercepts INTR: L1's interrupt ends L2's run, and L1 takes it after STGI. */
static void test_intr_reflected(void)
{
	unsigned int before;

	make_vmcb(vmcb, l2_spin);
	vmcb->icpt1 = I1_INTR;
	before = ticks;
	pit_one_shot(2000);
	pic_unmask(0);
	l1_vmrun_sti(vmcb, regs);
	cli();
	ok(exit_code(vmcb) == EXIT_INTR && ticks == before,
	   "L1's interrupt in L2 with INTR intercepted: EXITCODE %#llx, held by GIF=0",
	   exit_code(vmcb));
	__asm__ __volatile__("sti; stgi; nop; cli" ::: "memory");
	ok(ticks == before + 1, "after STGI, L1 takes the interrupt");
	pic_mask(0);
}

/* ---- the features offered in CPUID 0x8000000a EDX ---- */

#define EXIT_NMI	0x61
#define I1_NMI		X86_BIT(1)
#define I1_IDTR_READ	X86_BIT(6)
#define I1_RDTSC	X86_BIT(14)
#define I1_PUSHF	X86_BIT(16)
#define I1_INTN		X86_BIT(21)
#define I1_PAUSE	X86_BIT(23)
#define I1_INVLPG	X86_BIT(25)
#define I1_INVLPGA	X86_BIT(26)
#define I2_VMLOAD	X86_BIT(2)
#define I2_VMSAVE	X86_BIT(3)
#define I2_STGI		X86_BIT(4)
#define I2_CLGI		X86_BIT(5)
#define I2_SKINIT	X86_BIT(6)
#define I2_WBINVD	X86_BIT(9)
#define V_GIF		X86_BIT(9)
#define V_GIF_ENABLE	X86_BIT(25)
#define LBR_CTL_ENABLE	X86_BIT(0)
#define MSR_DEBUGCTL	0x1d9u
#define MSR_LBR_FROM	0x1dbu
#define UNMAPPED_MSR	0x40000000u	/* outside the MSR map's ranges: always intercepted */

/*
 * NRIPS: each case is one intercepted instruction, with prefixes, whose
 * #VMEXIT must give next_rip exactly after it. The set-up before it
 * gives RAX a page-aligned stack address (VMLOAD/VMSAVE check it before
 * their intercept), ECX an MSR outside the map's ranges and DX the
 * scratch port.
 */
#define NRIP_CASE(name, ...)							\
	"nr_" #name "_start: mov $0x40000000, %ecx; mov $0x3ff, %edx\n"		\
	"	lea -64(%rsp), %rax; and $-4096, %rax\n"			\
	"nr_" #name ": .byte " #__VA_ARGS__ "\n"				\
	"nr_" #name "_end: vmmcall\n"						\
	"	ud2\n"
#define NRIP_SYMS(name)	void nr_##name##_start(void), nr_##name(void), nr_##name##_end(void)

NRIP_SYMS(cpuid); NRIP_SYMS(hlt); NRIP_SYMS(rdmsr); NRIP_SYMS(wrmsr); NRIP_SYMS(out);
NRIP_SYMS(vmmcall); NRIP_SYMS(vmload); NRIP_SYMS(vmsave); NRIP_SYMS(stgi); NRIP_SYMS(clgi);
NRIP_SYMS(invlpga); NRIP_SYMS(skinit); NRIP_SYMS(rdtsc); NRIP_SYMS(pause); NRIP_SYMS(invd);
NRIP_SYMS(wbinvd); NRIP_SYMS(invlpg); NRIP_SYMS(mov_cr3); NRIP_SYMS(mov_dr7); NRIP_SYMS(intn);
NRIP_SYMS(pushf); NRIP_SYMS(sidt);
__asm__(".text\n"
	NRIP_CASE(cpuid, 0x2e, 0x0f, 0xa2)
	NRIP_CASE(hlt, 0x3e, 0xf4)
	NRIP_CASE(rdmsr, 0x48, 0x0f, 0x32)
	NRIP_CASE(wrmsr, 0x2e, 0x0f, 0x30)
	NRIP_CASE(out, 0x3e, 0xee)
	NRIP_CASE(vmmcall, 0x2e, 0x0f, 0x01, 0xd9)
	NRIP_CASE(vmload, 0x2e, 0x0f, 0x01, 0xda)
	NRIP_CASE(vmsave, 0x2e, 0x0f, 0x01, 0xdb)
	NRIP_CASE(stgi, 0x2e, 0x0f, 0x01, 0xdc)
	NRIP_CASE(clgi, 0x2e, 0x0f, 0x01, 0xdd)
	NRIP_CASE(invlpga, 0x2e, 0x0f, 0x01, 0xdf)
	NRIP_CASE(skinit, 0x0f, 0x01, 0xde)
	NRIP_CASE(rdtsc, 0x2e, 0x0f, 0x31)
	NRIP_CASE(pause, 0x2e, 0xf3, 0x90)
	NRIP_CASE(wbinvd, 0x3e, 0x0f, 0x09)
	NRIP_CASE(invlpg, 0x2e, 0x0f, 0x01, 0x38)
	NRIP_CASE(mov_cr3, 0x41, 0x0f, 0x20, 0xd8)
	NRIP_CASE(mov_dr7, 0x0f, 0x21, 0xf8)
	NRIP_CASE(intn, 0x2e, 0xcd, 0x80)
	NRIP_CASE(pushf, 0x2e, 0x9c)
	NRIP_CASE(sidt, 0x2e, 0x0f, 0x01, 0x88, 0, 0, 0, 0)
	".global nr_cpuid_start\n");

struct nrip_case {
	const char *what;
	void (*start)(void), (*insn)(void), (*end)(void);
	u32 icpt_cr, icpt_dr, icpt1, icpt2;
	u32 code;
};

#define NRIP_ROW(name, what, cr, dr, i1, i2, code) \
	{ what, nr_##name##_start, nr_##name, nr_##name##_end, cr, dr, i1, i2, code }

static const struct nrip_case nrip_cases[] = {
	NRIP_ROW(cpuid, "CS CPUID", 0, 0, I1_CPUID, 0, EXIT_CPUID),
	NRIP_ROW(hlt, "DS HLT", 0, 0, I1_HLT, 0, EXIT_HLT),
	NRIP_ROW(rdmsr, "REX.W RDMSR", 0, 0, I1_MSR, 0, EXIT_MSR),
	NRIP_ROW(wrmsr, "CS WRMSR", 0, 0, I1_MSR, 0, EXIT_MSR),
	NRIP_ROW(out, "DS OUT", 0, 0, I1_IOIO, 0, EXIT_IOIO),
	NRIP_ROW(vmmcall, "CS VMMCALL", 0, 0, 0, 0, EXIT_VMMCALL),
	NRIP_ROW(vmload, "CS VMLOAD", 0, 0, 0, I2_VMLOAD, 0x82),
	NRIP_ROW(vmsave, "CS VMSAVE", 0, 0, 0, I2_VMSAVE, 0x83),
	NRIP_ROW(stgi, "CS STGI", 0, 0, 0, I2_STGI, 0x84),
	NRIP_ROW(clgi, "CS CLGI", 0, 0, 0, I2_CLGI, 0x85),
	NRIP_ROW(invlpga, "CS INVLPGA", 0, 0, I1_INVLPGA, 0, 0x7a),
	NRIP_ROW(skinit, "SKINIT", 0, 0, 0, I2_SKINIT, 0x86),
	NRIP_ROW(rdtsc, "CS RDTSC", 0, 0, I1_RDTSC, 0, 0x6e),
	NRIP_ROW(pause, "CS PAUSE", 0, 0, I1_PAUSE, 0, 0x77),
	NRIP_ROW(wbinvd, "DS WBINVD", 0, 0, 0, I2_WBINVD, 0x89),
	NRIP_ROW(invlpg, "CS INVLPG", 0, 0, I1_INVLPG, 0, 0x79),
	NRIP_ROW(mov_cr3, "MOV CR3 to R8 (REX.B)", X86_BIT(3), 0, 0, 0, 0x03),
	NRIP_ROW(mov_dr7, "MOV DR7 to RAX", 0, X86_BIT(7), 0, 0, 0x27),
	NRIP_ROW(intn, "CS INT 0x80", 0, 0, I1_INTN, 0, 0x75),
	NRIP_ROW(pushf, "CS PUSHF", 0, 0, I1_PUSHF, 0, 0x70),
	NRIP_ROW(sidt, "CS SIDT with disp32", 0, 0, I1_IDTR_READ, 0, 0x66),
};

static void test_next_rip(const struct nrip_case *n)
{
	u64 insn = (u64)(uintptr_t)n->insn, end = (u64)(uintptr_t)n->end;

	make_vmcb(vmcb, n->start);
	vmcb->icpt_cr = n->icpt_cr;
	vmcb->icpt_dr = n->icpt_dr;
	vmcb->icpt1 = n->icpt1;
	vmcb->icpt2 |= n->icpt2;
	iopm[SCRATCH_PORT / 8] |= 1 << (SCRATCH_PORT % 8);
	ran = run(vmcb, n->code);
	iopm[SCRATCH_PORT / 8] &= ~(1 << (SCRATCH_PORT % 8));
	ok(ran && vmcb->rip == insn && vmcb->next_rip == end &&
	   (n->code != EXIT_IOIO || vmcb->info2 == end),
	   "NRIPS: %s: EXITCODE %#llx, RIP +%lld, next_rip +%lld (want %#x, +0, +%llu)", n->what,
	   exit_code(vmcb), (long long)(vmcb->rip - insn), (long long)(vmcb->next_rip - insn),
	   n->code, end - insn);
}

/* Exits that save no nRIP: INTR (and every exit from an event), next_rip 0. */
static void test_next_rip_zero(void)
{
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->icpt_exc = X86_BIT(UD_VECTOR);
	vmcb->icpt2 = I2_VMRUN;
	ran = run(vmcb, EXIT_UD);
	ok(ran && vmcb->next_rip == 0, "NRIPS: #UD exception exit: next_rip %#llx (0)",
	   vmcb->next_rip);
}

/* L2: CLGI, STI, two NOPs (L1's V_IRQ is held), the count, STGI, NOP, VMMCALL. */
void l2_vgif(void), l2_clgi_exit(void), l2_gif_toggle(void);
__asm__(".text\n"
	"l2_vgif: clgi\n"
	"	sti; nop; nop\n"
	"	mov injected(%rip), %ebx\n"
	"	stgi\n"
	"	nop\n"
	"	vmmcall\n"
	"l2_clgi_exit: clgi\n"
	"	vmmcall\n"
	"l2_gif_toggle: clgi; stgi\n"
	"	vmmcall\n"
	".global l2_vgif, l2_clgi_exit, l2_gif_toggle\n");

static void test_vgif(void)
{
	unsigned int before = injected;

	set_handler(INJECT_VECTOR, injected_handler);
	make_vmcb(vmcb, l2_vgif);
	vmcb->int_ctl |= V_GIF_ENABLE | V_GIF | V_IRQ | V_IGN_TPR | V_PRIO_MAX |
			 V_VECTOR(INJECT_VECTOR);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_BX] == before && injected == before + 1 && (vmcb->int_ctl & V_GIF) &&
	   !(vmcb->int_ctl & V_IRQ),
	   "vGIF: L2's CLGI holds L1's V_IRQ (count %u, want %u), its STGI delivers it (%u)",
	   (u32)regs[R_BX], before, injected - before);
	make_vmcb(vmcb, l2_clgi_exit);
	vmcb->int_ctl |= V_GIF_ENABLE | V_GIF;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && !(vmcb->int_ctl & V_GIF), "vGIF: L2's CLGI leaves V_GIF clear in VMCB12 (%#llx)",
	   vmcb->int_ctl);
	make_vmcb(vmcb, l2_clgi_exit);
	vmcb->int_ctl |= V_GIF_ENABLE | V_GIF;
	vmcb->icpt2 |= I2_CLGI;
	ran = run(vmcb, 0x85);
	ok(ran && (vmcb->int_ctl & V_GIF), "vGIF: CLGI intercepted by L1 is reflected (%#llx)",
	   exit_code(vmcb));
	set_handler(INJECT_VECTOR, NULL);
}

/* L2: DEBUGCTL into RBX, LastBranchFromIP into RSI, then DEBUGCTL = 4. */
void l2_lbr(void);
__asm__(".text\n"
	"l2_lbr: mov $0x1d9, %ecx; rdmsr; mov %rax, %rbx\n"
	"	mov $0x1db, %ecx; rdmsr; mov %rax, %rsi\n"
	"	mov $0x1d9, %ecx; mov $4, %eax; xor %edx, %edx; wrmsr\n"
	"	vmmcall\n"
	".global l2_lbr\n");

static void test_lbr_virtualization(void)
{
	wrmsr(MSR_DEBUGCTL, 2);
	make_vmcb(vmcb, l2_lbr);
	vmcb->virt_ext = LBR_CTL_ENABLE;
	vmcb->dbgctl = 1;
	vmcb->br_from = 0x1234;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && regs[R_BX] == 1 && regs[R_SI] == 0x1234 && vmcb->dbgctl == 4 &&
	   rdmsr(MSR_DEBUGCTL) == 2 && vmcb->br_from == 0x1234,
	   "LBR virtualization: L2 reads VMCB12's DEBUGCTL %#llx and LBR %#llx, its write goes to "
	   "VMCB12 (%#llx), L1's stays (%#llx)", regs[R_BX], regs[R_SI], vmcb->dbgctl,
	   rdmsr(MSR_DEBUGCTL));
	make_vmcb(vmcb, l2_lbr);
	vmcb->dbgctl = 1;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && regs[R_BX] == 2 && rdmsr(MSR_DEBUGCTL) == 4 && vmcb->dbgctl == 1,
	   "without LBR_CTL_ENABLE L2 shares L1's DEBUGCTL (read %#llx, L1's now %#llx)",
	   regs[R_BX], rdmsr(MSR_DEBUGCTL));
	ok(rdmsr_safe(MSR_LBR_FROM, &(u64){ 0 }) == NO_EXCEPTION &&
	   wrmsr_safe(MSR_LBR_FROM, 0) == GP_VECTOR, "LastBranchFromIP: readable, WRMSR #GP");
	wrmsr(MSR_DEBUGCTL, 0);
}

/* L2: VMLOAD from the page in RAX, KernelGSBase into RBX; VMSAVE to the page in RAX. */
void l2_vmload(void), l2_vmsave(void), l2_skinit(void);
__asm__(".text\n"
	"l2_vmload: vmload %rax\n"
	"	mov $0xc0000102, %ecx; rdmsr; mov %rax, %rbx\n"
	"	vmmcall\n"
	"l2_vmsave: vmsave %rax\n"
	"	vmmcall\n"
	"l2_skinit: skinit\n"
	"	vmmcall\n"
	".global l2_vmload, l2_vmsave, l2_skinit\n");

/* The SVM instructions of L2 that L1 does not intercept act as the CPU's do for L2. */
static void test_svm_insns_in_l2(void)
{
	u64 kgs = rdmsr(MSR_KGS_BASE), pa = (u64)(uintptr_t)spare;

	__asm__ __volatile__("vmsave %%rax" : : "a"(pa) : "memory");
	spare->kernel_gs_base = 0x5a5a000;
	make_vmcb(vmcb, l2_vmload);
	vmcb->rax = pa;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_BX] == 0x5a5a000 && rdmsr(MSR_KGS_BASE) == 0x5a5a000,
	   "L2's VMLOAD not intercepted: loads L2's KernelGSBase (%#llx) from L1's page",
	   regs[R_BX]);
	wrmsr(MSR_KGS_BASE, kgs);
	memset(spare, 0, sizeof(*spare));
	make_vmcb(vmcb, l2_vmsave);
	vmcb->rax = pa;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && spare->kernel_gs_base == kgs && spare->tr.sel == KERNEL_TSS,
	   "L2's VMSAVE not intercepted: stores L2's state into L1's page");
	make_vmcb(vmcb, l2_gif_toggle);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran, "L2's CLGI and STGI not intercepted, no vGIF: they run (EXITCODE %#llx)",
	   exit_code(vmcb));
	make_vmcb(vmcb, nr_invlpga_start);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran, "L2's INVLPGA not intercepted: it runs (EXITCODE %#llx)", exit_code(vmcb));
	make_vmcb(vmcb, l2_skinit);
	vmcb->icpt_exc = X86_BIT(UD_VECTOR);
	ran = run(vmcb, EXIT_UD);
	ok(ran, "L2's SKINIT not intercepted: #UD (EXITCODE %#llx)", exit_code(vmcb));
}

/* TLB_CONTROL 3 and 7 (flush-by-ASID offered): accepted. */
static void test_flush_by_asid(void)
{
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->tlb_control = 3;
	ran = run(vmcb, EXIT_VMMCALL);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->tlb_control = 7;
	ok(ran && run(vmcb, EXIT_VMMCALL), "TLB_CONTROL 3 and 7: VMRUN runs L2");
}

/* The maps in the last pages below 2^MAXPHYADDR: a whole map that fits is legal. */
static void test_maps_at_the_top(void)
{
	u64 top = 1ULL << l1_phys_bits();

	make_vmcb(vmcb, l2_vmmcall);
	vmcb->iopm = top - 0x3000;
	vmcb->msrpm = top - 0x2000;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran, "IOPM at 2^%llu - 12 KiB and MSRPM at 2^%llu - 8 KiB: VMRUN runs L2",
	   l1_phys_bits(), l1_phys_bits());
}

/* The host save area: L0 keeps L1's state itself, and never writes the page. */
static void test_hsave_untouched(void)
{
	unsigned int i;
	bool same = true;

	memset(hsave, 0xa5, PAGE_SIZE);
	make_vmcb(vmcb, l2_vmmcall);
	ran = run(vmcb, EXIT_VMMCALL);
	for (i = 0; i < PAGE_SIZE; i++)
		same &= hsave[i] == 0xa5;
	ok(ran && same, "VM_HSAVE_PA's page is left as L1 wrote it across VMRUN and #VMEXIT");
}

/* L2: 2M PAUSEs with IF=0 (the interrupt comes), STI, 100 more, the tick count, VMMCALL. */
void l2_sti_late(void);
__asm__(".text\n"
	"l2_sti_late: mov $2000000, %ecx\n"
	"1:	pause\n"
	"	dec %ecx\n"
	"	jnz 1b\n"
	"	sti\n"
	"	mov $100, %ecx\n"
	"2:	pause\n"
	"	dec %ecx\n"
	"	jnz 2b\n"
	"	mov ticks(%rip), %ebx\n"
	"	vmmcall\n"
	".global l2_sti_late\n");

/*
 * An interrupt of L1's that arrives while L2 runs with IF=0, without
 * V_INTR_MASKING (L2's IF masks it): L0 opens the window, so it comes
 * right after L2's STI (into L2, or as L1's INTR exit), not at L2's next
 * exit.
 */
static void test_intr_window_in_l2(void)
{
	unsigned int before = ticks;

	make_vmcb(vmcb, l2_sti_late);
	vmcb->int_ctl = 0;
	vmcb->rflags = 0x2;
	pit_one_shot(200);
	pic_unmask(0);
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_BX] == before + 1,
	   "L1's interrupt, not intercepted: L2 takes it after its STI (ticks %u, want %u)",
	   (u32)regs[R_BX], before + 1);
	make_vmcb(vmcb, l2_sti_late);
	vmcb->int_ctl = 0;
	vmcb->rflags = 0x2;
	vmcb->icpt1 = I1_INTR;
	before = ticks;
	pit_one_shot(200);
	ran = run(vmcb, EXIT_INTR);
	ok(ran && ticks == before && vmcb->rip != (u64)(uintptr_t)l2_sti_late + 0x1c,
	   "L1's interrupt, intercepted: #VMEXIT(INTR) after L2's STI (EXITCODE %#llx)",
	   exit_code(vmcb));
	__asm__ __volatile__("sti; stgi; nop; cli" ::: "memory");
	pic_mask(0);
}

static volatile unsigned int nmis;

static void nmi_handler(struct ex_regs *r)
{
	nmis++;
}

/* An NMI pending at VMRUN (sent with GIF clear): L1's NMI exit, or L2's NMI. */
static void test_nmi_in_l2(void)
{
	unsigned int before = nmis;

	set_handler(NMI_VECTOR, nmi_handler);
	apic_enable();
	__asm__ __volatile__("clgi" ::: "memory");
	apic_icr(0, APIC_DM_NMI | APIC_SH_SELF);
	make_vmcb(vmcb, l2_vmmcall);
	vmcb->icpt1 = I1_NMI;
	ran = run(vmcb, EXIT_NMI);
	ok(ran && nmis == before, "NMI intercepted by L1: #VMEXIT(NMI), held by GIF=0 (%#llx)",
	   exit_code(vmcb));
	__asm__ __volatile__("stgi; nop" ::: "memory");
	ok(nmis == before + 1, "after STGI, L1 takes the NMI");
	__asm__ __volatile__("clgi" ::: "memory");
	apic_icr(0, APIC_DM_NMI | APIC_SH_SELF);
	make_vmcb(vmcb, l2_vmmcall);
	ran = run(vmcb, EXIT_VMMCALL);
	__asm__ __volatile__("stgi" ::: "memory");
	ok(ran && nmis == before + 2, "NMI not intercepted: L2 takes it, then VMMCALL (%u)",
	   nmis - before);
	apic_write(APIC_SVR, 0xff);
	set_handler(NMI_VECTOR, NULL);
}

/* ---- the consistency checks ---- */

struct bad_vmrun {
	const char *what;
	void (*spoil)(struct vmcb *v);
};

static void efer_svme_clear(struct vmcb *v) { v->efer &= ~EFER_SVME; }
static void cr0_nw_without_cd(struct vmcb *v) { v->cr0 = (v->cr0 & ~X86_CR0_CD) | X86_CR0_NW; }
static void cr0_high(struct vmcb *v) { v->cr0 |= 1ULL << 32; }
static void dr6_high(struct vmcb *v) { v->dr6 |= 1ULL << 40; }
static void dr7_high(struct vmcb *v) { v->dr7 |= 1ULL << 63; }
static void cr3_long_mbz(struct vmcb *v) { v->cr3 |= 1ULL << 51; }
static void cr4_reserved(struct vmcb *v) { v->cr4 |= X86_BIT(15); }
static void cr4_la57(struct vmcb *v) { v->cr4 |= X86_BIT(12); }
static void efer_reserved(struct vmcb *v) { v->efer |= X86_BIT(2); }
static void lme_pg_no_pae(struct vmcb *v) { v->cr4 &= ~X86_CR4_PAE; }
static void lme_pg_no_pe(struct vmcb *v) { v->cr0 &= ~X86_CR0_PE; }
static void cs_l_and_d(struct vmcb *v) { v->cs.attrib |= 0x400; }
static void no_vmrun_icpt(struct vmcb *v) { v->icpt2 &= ~I2_VMRUN; }
static void asid_zero(struct vmcb *v) { v->asid = 0; }
static void evt_type1(struct vmcb *v) { v->event_inj = EV_VALID | (1u << 8) | 32; }
static void evt_type5(struct vmcb *v) { v->event_inj = EV_VALID | (5u << 8) | 32; }
static void evt_exc_nmi(struct vmcb *v) { v->event_inj = EV_VALID | EV_EXCP | 2; }
static void evt_exc_32(struct vmcb *v) { v->event_inj = EV_VALID | EV_EXCP | 32; }
static void evt_exc_15(struct vmcb *v) { v->event_inj = EV_VALID | EV_EXCP | 15; }
static void evt_exc_31(struct vmcb *v) { v->event_inj = EV_VALID | EV_EXCP | 31; }
static void np_ncr3_mbz(struct vmcb *v) { v->nested_ctl = 1; v->ncr3 = 1ULL << l1_phys_bits(); }
static void np_gpat_type3(struct vmcb *v) { v->nested_ctl = 1; v->ncr3 = read_cr3(); v->g_pat = 3; }
static void sev_enable(struct vmcb *v) { v->nested_ctl = 2; }
static void tlb_ctl_5(struct vmcb *v) { v->tlb_control = 5; }
static void tlb_ctl_2(struct vmcb *v) { v->tlb_control = 2; }

static void iopm_end_beyond(struct vmcb *v)
{
	v->iopm = (1ULL << l1_phys_bits()) - 0x2000;
}

static void iopm_base_beyond(struct vmcb *v)
{
	v->iopm = 1ULL << l1_phys_bits();
}

static void msrpm_end_beyond(struct vmcb *v)
{
	v->msrpm = (1ULL << l1_phys_bits()) - 0x1000;
}

static void iopm_last_page(struct vmcb *v)
{
	v->iopm = (1ULL << l1_phys_bits()) - 0x1000;
}

static void iopm_wraps(struct vmcb *v)
{
	v->iopm = ~0ULL - 0xfff;
}

static void msrpm_wraps(struct vmcb *v)
{
	v->msrpm = ~0ULL - 0x1fff;
}

/* 32-bit protected mode without paging: CR3 is a 32-bit register. */
static void legacy_cr3_high(struct vmcb *v)
{
	v->efer = EFER_SVME;
	v->cr0 = X86_CR0_PE | X86_CR0_ET;
	v->cr4 = 0;
	v->cs.attrib = ATTR_CODE32;
	v->cr3 = 1ULL << 32;
}

static u64 *bad_pdpt, *pae_pd;

/* 32-bit protected mode, paging off; then legacy PAE paging on valid tables. */
static void test_legacy_modes(void)
{
	unsigned int i;

	make_vmcb(vmcb, l2_vmmcall32);
	legacy_cr3_high(vmcb);
	vmcb->cr3 = 0;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_BX] == L2_MAGIC && vmcb->cs.attrib == ATTR_CODE32,
	   "L2 in 32-bit protected mode without paging: EXITCODE %#llx", exit_code(vmcb));
	for (i = 0; i < 512; i++)
		pae_pd[i] = ((u64)i << 21) | 0x83;		/* P, RW, 2 MiB */
	memset(bad_pdpt, 0, 32);
	bad_pdpt[0] = (u64)(uintptr_t)pae_pd | 1;
	make_vmcb(vmcb, l2_vmmcall32);
	legacy_cr3_high(vmcb);
	vmcb->cr0 |= X86_CR0_PG;
	vmcb->cr4 = X86_CR4_PAE;
	vmcb->cr3 = (u64)(uintptr_t)bad_pdpt;
	ran = run(vmcb, EXIT_VMMCALL);
	ok(ran && (u32)regs[R_BX] == L2_MAGIC,
	   "L2 with legacy PAE paging on valid PDPTEs: EXITCODE %#llx", exit_code(vmcb));
}

/* Legacy PAE paging: VMRUN loads the PDPTEs, and a reserved bit in one fails it. */
static void pae_pdpte_reserved(struct vmcb *v)
{
	legacy_cr3_high(v);
	v->cr0 |= X86_CR0_PG;
	v->cr4 = X86_CR4_PAE;
	bad_pdpt[0] = 0x1000 | 1;
	bad_pdpt[1] = 0x2000 | 1 | X86_BIT(1);
	v->cr3 = (u64)(uintptr_t)bad_pdpt;
}

static const struct bad_vmrun bad_vmruns[] = {
	{ "EFER.SVME clear", efer_svme_clear },
	{ "CR0.CD=0 with CR0.NW=1", cr0_nw_without_cd },
	{ "CR0[63:32] set", cr0_high },
	{ "DR6[63:32] set", dr6_high },
	{ "DR7[63:32] set", dr7_high },
	{ "CR3 MBZ bit (long mode, bit 51)", cr3_long_mbz },
	{ "CR3 MBZ bit (legacy mode, bit 32)", legacy_cr3_high },
	{ "CR4 reserved bit 15", cr4_reserved },
	{ "CR4.LA57, not offered", cr4_la57 },
	{ "EFER reserved bit 2", efer_reserved },
	{ "EFER.LME and CR0.PG without CR4.PAE", lme_pg_no_pae },
	{ "EFER.LME and CR0.PG without CR0.PE", lme_pg_no_pe },
	{ "long mode with CS.L and CS.D", cs_l_and_d },
	{ "VMRUN intercept clear", no_vmrun_icpt },
	{ "ASID 0", asid_zero },
	{ "IOPM ending beyond the physical address width", iopm_end_beyond },
	{ "IOPM base beyond the physical address width", iopm_base_beyond },
	{ "MSRPM ending beyond the physical address width", msrpm_end_beyond },
	{ "IOPM in the last page below 2^MAXPHYADDR", iopm_last_page },
	{ "IOPM base wrapping past 2^64", iopm_wraps },
	{ "MSRPM base wrapping past 2^64", msrpm_wraps },
	{ "EVENTINJ type 1 (reserved)", evt_type1 },
	{ "EVENTINJ type 5 (reserved)", evt_type5 },
	{ "EVENTINJ exception with vector 2", evt_exc_nmi },
	{ "EVENTINJ exception with vector 32", evt_exc_32 },
	{ "EVENTINJ exception with reserved vector 15", evt_exc_15 },
	{ "EVENTINJ exception with reserved vector 31", evt_exc_31 },
	{ "NP_ENABLE with an N_CR3 bit at the physical address width", np_ncr3_mbz },
	{ "NP_ENABLE with G_PAT type 3 (reserved)", np_gpat_type3 },
	{ "SEV, not offered", sev_enable },
	{ "TLB_CONTROL 5 (reserved)", tlb_ctl_5 },
	{ "TLB_CONTROL 2 (reserved)", tlb_ctl_2 },
	{ "legacy PAE with a reserved PDPTE bit", pae_pdpte_reserved },
};

static bool regs_kept(void)
{
	unsigned int i;

	for (i = 1; i < NR_REGS; i++)
		if (i != R_SP && regs[i] != PATTERN(i))
			return false;
	return regs[R_AX] == (u64)(uintptr_t)vmcb;
}

static void test_bad_vmrun(const struct bad_vmrun *b)
{
	u64 save_rip;

	make_vmcb(vmcb, l2_vmmcall);
	b->spoil(vmcb);
	save_rip = vmcb->rip;
	vmcb->info1 = vmcb->info2 = 0x5a5a;
	l1_vmrun(vmcb, regs);
	ok(vmcb->exit_code == 0xffffffffu && vmcb->exit_code_hi == 0xffffffffu &&
	   vmcb->info1 == 0 && vmcb->info2 == 0 && vmcb->rip == save_rip && regs_kept() &&
	   valid_vmrun_works(),
	   "%s: EXITCODE %#llx, EXITINFO %#llx/%#llx, L1's registers kept; a valid VMRUN "
	   "after it runs", b->what, exit_code(vmcb), vmcb->info1, vmcb->info2);
}

/*
 * GIF after the error #VMEXIT: STI;VMRUN with an interrupt pending. Had
 * GIF stayed set, the interrupt would come right after the VMRUN.
 */
static void test_error_clears_gif(void)
{
	unsigned int before;
	bool pending;

	pending = arm_pending_irq();
	make_vmcb(vmcb, l2_vmmcall);
	asid_zero(vmcb);
	before = ticks;
	l1_vmrun_sti(vmcb, regs);
	__asm__ __volatile__("nop; nop; nop" ::: "memory");
	cli();
	ok(pending && exit_code(vmcb) == ~0ULL && ticks == before,
	   "the error #VMEXIT clears GIF: the pending interrupt is held (IF=1)");
	__asm__ __volatile__("sti; stgi; nop; cli" ::: "memory");
	ok(ticks == before + 1, "and comes at STGI");
	pic_mask(0);
}

int guest_main(const struct mb_info *mbi)
{
	unsigned int i;

	if (!hv_present())
		bail_out("this guest tests the micro-hypervisor's nested SVM and needs it");
	vmcb = alloc_page();
	spare = alloc_page();
	hsave = alloc_page();
	bad_pdpt = alloc_page();
	pae_pd = alloc_page();
	iopm = alloc_pages(3);
	msrpm = alloc_pages(2);
	l2_stack = alloc_pages(2);
	test_svm_offered();
	test_ud_without_svme();
	test_enable_svm();
	test_gp_bad_rax();
	for (i = 0; i < ARRAY_SIZE(bad_vmruns); i++)
		test_bad_vmrun(&bad_vmruns[i]);
	test_vmmcall();
	test_legacy_modes();
	test_cpuid();
	test_hlt();
	test_io();
	test_msr();
	test_mmio();
	test_tsc_offset();
	test_eventinj();
	test_virtual_interrupt();
	test_vmload_vmsave();
	test_gif();
	test_error_clears_gif();
	test_intr_reflected();
	for (i = 0; i < ARRAY_SIZE(nrip_cases); i++)
		test_next_rip(&nrip_cases[i]);
	test_next_rip_zero();
	test_vgif();
	test_lbr_virtualization();
	test_svm_insns_in_l2();
	test_flush_by_asid();
	test_maps_at_the_top();
	test_hsave_untouched();
	test_intr_window_in_l2();
	test_nmi_in_l2();
	return tap_done();
}
