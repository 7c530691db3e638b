/*
 * Exit round trips, measured by the guest with RDTSC. Under QEMU's
 * -icount shift=0 one TSC tick is one instruction the emulated CPU ran,
 * the guest's and the hypervisor's alike: the figures count the
 * instructions of each exit path, the same on every run (a regression
 * figure, not a real cycle cost). Each path runs ITERS times in a loop;
 * the loop's own cost (measured empty) is taken off.
 *
 * Prints "# bench NAME CYCLES" lines for the bench-arch target. In a VM
 * with x86-bench-floor, the "cpuid" line is the floor: the same CPUID,
 * answered by the bare VMRUN/#VMEXIT loop (arch/x86/svm/exit.c).
 *
 * In a VM offered SVM (nested-svm), "nested-vmmcall" is the nested round
 * trip: L2 runs VMMCALL, L1 (this guest) intercepts it, moves L2's RIP
 * on and runs VMRUN again; against "hypercall", the plain L1 -> L0 one.
 * Where nested paging is offered too, "nested-npt-vmmcall" is the same
 * with NP on (L1's nested table maps its first GiB 1:1 in 2 MiB pages),
 * and "nested-npf" the nested #NPF round trip: L2 loads from an L2 GPA
 * L1's table does not map, L0 walks L1's table and reflects the #NPF,
 * L1 runs VMRUN again at the load.
 *
 * The local APIC (a second vCPU, started with INIT-SIPI): "ipi" is the
 * round trip vCPU 0 -> vCPU 1 -> vCPU 0, each side asleep in HLT until
 * its IPI arrives; "timer" is from a TSC deadline to its handler's first
 * instruction; "eoi" an xAPIC EOI write; "apic-read-mmio" and
 * "apic-read-msr" the same register (TPR) read through the xAPIC page
 * and through its x2APIC MSR.
 *
 * Passthrough (configs/bench.dts gives this VM COM2 and the HPET's page):
 * "io-pt" is COM2's scratch register written, "mmio-pt" the HPET's
 * capabilities read, both reaching the device without an exit; against
 * "io-vmm" and "mmio-vmm", the same kinds of access through the VMM.
 */
#include <guest/apic.h>
#include <guest/guest.h>
#include <guest/svm.h>
#include <lib/string.h>

#define ITERS		4000
#define BENCH_LEAF	0x4000ffffu
#define NOWHERE		0xfe800000ULL

#define MEASURE(body)							\
	({								\
		u64 t0_, t1_;						\
		unsigned int i_;					\
		t0_ = rdtsc();						\
		for (i_ = 0; i_ < ITERS; i_++) {			\
			body;						\
		}							\
		t1_ = rdtsc();						\
		(t1_ - t0_) / ITERS;					\
	})

static u64 loop_cost;

static void report(const char *name, u64 per_iter)
{
	u64 net = per_iter > loop_cost ? per_iter - loop_cost : 0;

	printf("# bench %s %llu\n", name, net);
	ok(net > 0, "%s: %llu cycles per round trip", name, net);
}

static void bench_cpuid(void)
{
	u32 a, b, c, d;

	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(BENCH_LEAF), "c"(0));
}

static void bench_out_vmm(void)
{
	outb(COM1_PORT + 7, 0x5a);
}

static void bench_in_hv(void)
{
	(void)inb(PIC_MASTER_DATA);
}

static void bench_hypercall(void)
{
	static const char nothing[1];

	hv_console_write(nothing, 0);
}

static void bench_mmio(void)
{
	(void)mmio_read32(NOWHERE);
}

/* L2: VMMCALL forever; each #VMEXIT leaves RIP at the VMMCALL, L1 moves it to the JMP. */
void l2_vmmcall_loop(void);
__asm__(".text\n"
	".global l2_vmmcall_loop\n"
	"l2_vmmcall_loop: vmmcall\n"
	"	jmp l2_vmmcall_loop\n");

static struct vmcb *l2_vmcb;

/* A 64-bit L2 on this guest's own tables and segments, intercepting VMMCALL. */
static void nested_setup(void)
{
	struct vmcb *v = alloc_page();

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (u64)(uintptr_t)alloc_page());
	svm_vmcb_init_flat64(v, (u64)(uintptr_t)l2_vmmcall_loop,
			     (u64)(uintptr_t)alloc_page() + PAGE_SIZE);
	l2_vmcb = v;
}

/* L2 touches no register: L1's come back from the #VMEXIT as they were. */
static void bench_nested_vmmcall(void)
{
	__asm__ __volatile__("vmrun %%rax" : : "a"(l2_vmcb) : "memory");
	l2_vmcb->rip = (u64)(uintptr_t)l2_vmmcall_loop;
}

#define NPT_LEAF_2M	0x87ULL		/* P, RW, US, PS */
#define NPT_TABLE	0x7ULL
#define NPF_GPA		0x40000000ULL	/* not in L1's nested table */
#define EXIT_NPF	0x400

/* L2: a load at RBX, which faults in L1's nested table; L1 sends it back to the load. */
void l2_npf_loop(void);
__asm__(".text\n"
	".global l2_npf_loop\n"
	"l2_npf_loop: mov (%rbx), %rcx\n"
	"	jmp l2_npf_loop\n");

static struct vmcb *npt_vmcb;

static bool np_offered(void)
{
	return cpuid(0x8000000a).edx & 1;
}

/* The nested-vmmcall L2 with NP on L1's first GiB, 1:1. */
static void nested_npt_setup(void)
{
	u64 *pml4 = alloc_page(), *pdpt = alloc_page(), *pd = alloc_page();
	unsigned int i;

	for (i = 0; i < 512; i++)
		pd[i] = ((u64)i << 21) | NPT_LEAF_2M;
	pdpt[0] = (u64)(uintptr_t)pd | NPT_TABLE;
	pml4[0] = (u64)(uintptr_t)pdpt | NPT_TABLE;
	npt_vmcb = alloc_page();
	memcpy(npt_vmcb, l2_vmcb, PAGE_SIZE);
	npt_vmcb->nested_ctl = 1;
	npt_vmcb->ncr3 = (u64)(uintptr_t)pml4;
	npt_vmcb->g_pat = 0x0007040600070406ULL;
	npt_vmcb->asid = 2;
}

static void bench_nested_npt_vmmcall(void)
{
	__asm__ __volatile__("vmrun %%rax" : : "a"(npt_vmcb) : "memory");
	npt_vmcb->rip = (u64)(uintptr_t)l2_vmmcall_loop;
}

static void bench_nested_npf(void)
{
	__asm__ __volatile__("vmrun %%rax" : : "a"(npt_vmcb), "b"(NPF_GPA) : "rcx", "memory");
}

/* ---- the local APIC ---- */

#define PING_VECTOR	0x50
#define PONG_VECTOR	0x51
#define TIMER_VECTOR	0x60
#define APIC_ITERS	200

static volatile u32 pongs;
static volatile u64 timer_seen;

/* vCPU 1: each ping is answered with a pong to vCPU 0. */
static void ping_handler(struct ex_regs *regs)
{
	apic_eoi();
	apic_icr(0, PONG_VECTOR);
}

static void pong_handler(struct ex_regs *regs)
{
	pongs++;
	apic_eoi();
}

static void timer_handler(struct ex_regs *regs)
{
	timer_seen = rdtsc();
	apic_eoi();
}

/* One round trip: vCPU 0 sleeps until the pong is in. */
static void ipi_round_trip(void)
{
	u32 want = pongs + 1;

	apic_icr(1, PING_VECTOR);
	while (pongs != want)
		safe_halt();
	cli();
}

static void bench_apic_ipi(void)
{
	u64 t0, t1;
	unsigned int i;

	set_handler(PING_VECTOR, ping_handler);
	set_handler(PONG_VECTOR, pong_handler);
	ipi_round_trip();
	t0 = rdtsc();
	for (i = 0; i < APIC_ITERS; i++)
		ipi_round_trip();
	t1 = rdtsc();
	report("ipi", (t1 - t0) / APIC_ITERS);
}

/* From the deadline to the handler: what the hypervisor adds to a timer interrupt. */
static void bench_apic_timer(void)
{
	u64 sum = 0, deadline;
	unsigned int i;

	set_handler(TIMER_VECTOR, timer_handler);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TIMER_VECTOR);
	for (i = 0; i < APIC_ITERS; i++) {
		timer_seen = 0;
		deadline = rdtsc() + 20000;
		wrmsr(MSR_TSC_DEADLINE, deadline);
		while (!timer_seen)
			safe_halt();
		cli();
		sum += timer_seen - deadline;
	}
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	/* Not a loop of MEASURE(): the loop cost is no part of the latency. */
	printf("# bench timer %llu\n", sum / APIC_ITERS);
	ok(sum > 0, "timer: %llu cycles from the deadline to the handler", sum / APIC_ITERS);
}

static void bench_eoi(void)
{
	apic_eoi();
}

static void bench_apic_read_mmio(void)
{
	(void)apic_read(APIC_TPR);
}

static void bench_apic_read_msr(void)
{
	(void)rdmsr(MSR_X2APIC(APIC_TPR));
}

static void bench_apic(void)
{
	smp_init();
	if (!smp_start_cpu(1)) {
		skip(5, "vCPU 1 did not start");
		return;
	}
	bench_apic_ipi();
	bench_apic_timer();
	report("eoi", MEASURE(bench_eoi()));
	report("apic-read-mmio", MEASURE(bench_apic_read_mmio()));
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
	report("apic-read-msr", MEASURE(bench_apic_read_msr()));
}

#define PT_HPET		0xd0000000ULL
#define COM2_PORT	0x2f8

static void bench_io_pt(void)
{
	outb(COM2_PORT + 7, 0x5a);
}

static void bench_mmio_pt(void)
{
	(void)mmio_read32(PT_HPET);
}

/* Only where the configuration passes the HPET through (not in the floor's VM). */
static void bench_passthrough(void)
{
	if (((mmio_read32(PT_HPET) >> 16) & 0xffff) != 0x8086) {
		skip(2, "no passthrough HPET in this VM");
		return;
	}
	report("io-pt", MEASURE(bench_io_pt()));
	report("mmio-pt", MEASURE(bench_mmio_pt()));
}

static bool svm_offered(void)
{
	return cpuid(0x80000001).ecx & X86_BIT(2);
}

int guest_main(const struct mb_info *mbi)
{
	bool nested = svm_offered(), np = nested && np_offered();

	tap_plan(np ? 18 : nested ? 14 : 12);
	/* Warm up every path once: first exits touch cold code. */
	bench_cpuid();
	bench_out_vmm();
	bench_in_hv();
	bench_hypercall();
	bench_mmio();
	loop_cost = MEASURE(__asm__ __volatile__("" ::: "memory"));
	printf("# bench loop %llu\n", loop_cost);
	report("cpuid", MEASURE(bench_cpuid()));
	report("io-hv", MEASURE(bench_in_hv()));
	report("io-vmm", MEASURE(bench_out_vmm()));
	report("hypercall", MEASURE(bench_hypercall()));
	report("mmio-vmm", MEASURE(bench_mmio()));
	bench_passthrough();
	bench_apic();
	if (nested) {
		nested_setup();
		bench_nested_vmmcall();
		ok(l2_vmcb->exit_code == EXIT_VMMCALL, "L2's VMMCALL reaches L1 (EXITCODE %#x)",
		   l2_vmcb->exit_code);
		report("nested-vmmcall", MEASURE(bench_nested_vmmcall()));
	}
	if (np) {
		nested_npt_setup();
		bench_nested_npt_vmmcall();
		ok(npt_vmcb->exit_code == EXIT_VMMCALL, "with NP: L2's VMMCALL reaches L1 (%#x)",
		   npt_vmcb->exit_code);
		report("nested-npt-vmmcall", MEASURE(bench_nested_npt_vmmcall()));
		npt_vmcb->rip = (u64)(uintptr_t)l2_npf_loop;
		bench_nested_npf();
		ok(npt_vmcb->exit_code == EXIT_NPF && npt_vmcb->info2 == NPF_GPA,
		   "L2's load outside L1's nested table: #VMEXIT(NPF) at %#llx", npt_vmcb->info2);
		report("nested-npf", MEASURE(bench_nested_npf()));
	}
	return tap_done();
}
