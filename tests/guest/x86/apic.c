/*
 * One vCPU's local APIC from the guest's side: the reset state, register
 * writes through the xAPIC page, IA32_APIC_BASE and the x2APIC MSRs with
 * their #GP cases, TPR/PPR holding an interrupt back, the timer in
 * one-shot, periodic and TSC-deadline modes, and bad input: every offset
 * of the page with every width, a zero and a tiny timer period. The
 * 8259 keeps working through LINT0 (virtual wire) before and after.
 */
#include <guest/apic.h>
#include <guest/guest.h>

#define TIMER_VECTOR	0x60
#define PRIO_VECTOR	0x75
#define PIC_BASE	0x20

static volatile u32 timer_hits, prio_hits, pic_hits;
static bool in_x2apic_mode;

static void timer_handler(struct ex_regs *regs)
{
	timer_hits++;
	/* In x2APIC mode the xAPIC page is gone: the EOI is an MSR. */
	if (in_x2apic_mode)
		wrmsr(MSR_X2APIC(APIC_EOI), 0);
	else
		apic_eoi();
}

static void prio_handler(struct ex_regs *regs)
{
	prio_hits++;
	apic_eoi();
}

static void pic_handler(struct ex_regs *regs)
{
	pic_hits++;
	pic_eoi(0);
}

/* Interrupts on for about @ms. */
static void open_for(u32 ms)
{
	sti();
	smp_delay_ms(ms);
	cli();
}

static void test_reset_state(void)
{
	ok(apic_read(APIC_ID) == 0 && apic_read(APIC_VERSION) == 0x50014,
	   "ID 0, version 0x14 with 6 LVTs (%#x)", apic_read(APIC_VERSION));
	ok(apic_read(APIC_SVR) == 0xff && apic_read(APIC_DFR) == 0xffffffff &&
	   apic_read(APIC_TPR) == 0 && apic_read(APIC_LVT_TIMER) == APIC_LVT_MASKED,
	   "SVR, DFR, TPR, LVT timer at reset");
	ok(apic_read(APIC_LVT_LINT0) == 0x700, "the BSP's LINT0 is ExtINT (virtual wire)");
	ok((rdmsr(MSR_APIC_BASE) & ~0xfffULL) == APIC_XAPIC_BASE &&
	   (rdmsr(MSR_APIC_BASE) & 0x900) == 0x900, "IA32_APIC_BASE: 0xfee00000, enabled, BSP");
}

/* The 8259's IRQ 0 (the PIT) arrives through LINT0 while the APIC is untouched. */
static void test_pic_through_lint0(const char *when)
{
	pic_hits = 0;
	pic_unmask(0);
	pit_periodic(1000);
	open_for(20);
	pit_stop();
	pic_mask(0);
	ok(pic_hits > 0, "the 8259's timer interrupt arrives through LINT0 %s (%u)", when,
	   pic_hits);
}

static void test_register_writes(void)
{
	apic_enable();
	apic_write(APIC_TPR, 0xffffffff);
	apic_write(APIC_LDR, 0xffffffff);
	apic_write(APIC_DFR, 0x0fffffff);
	apic_write(APIC_LVT_LINT1, 0xffffffff);
	apic_write(APIC_TIMER_DCR, 0xffffffff);
	apic_write(APIC_VERSION, 0);
	ok(apic_read(APIC_TPR) == 0xff && apic_read(APIC_LDR) == 0xff000000 &&
	   apic_read(APIC_DFR) == 0x0fffffff && apic_read(APIC_LVT_LINT1) == 0x1a7ff &&
	   apic_read(APIC_TIMER_DCR) == 0xb && apic_read(APIC_VERSION) == 0x50014,
	   "writable bits only: TPR, LDR, DFR, LINT1, DCR; version read-only");
	apic_write(APIC_TPR, 0);
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 0);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(APIC_ESR, 0);
	apic_write(0x040, 1);
	apic_write(APIC_ESR, 0);
	ok(apic_read(APIC_ESR) == 0x80, "a reserved offset sets ESR's illegal-register bit");
	apic_write(APIC_ESR, 0);
}

static void test_tpr_ppr(void)
{
	prio_hits = 0;
	apic_write(APIC_TPR, 0x80);
	apic_icr(0, APIC_SH_SELF | PRIO_VECTOR);
	open_for(2);
	ok(prio_hits == 0 && (apic_read(APIC_IRR + 0x30) & (1u << (PRIO_VECTOR - 0x60))),
	   "TPR 0x80 holds vector 0x75 back in IRR");
	/*
	 * Through CR8, which does not exit: the hypervisor sees the new TPR
	 * (V_TPR) at the next exit, the CPUID here (arch/x86/svm/event.c says
	 * why no window waits for the CR8 write).
	 */
	sti();
	write_cr8(0);
	cpuid(0);
	smp_delay_ms(2);
	cli();
	ok(prio_hits == 1 && apic_read(APIC_PPR) == 0, "lowering CR8 lets it in; PPR back to 0");
}

/* Waits (interrupts on) up to 2 s of TSC for @n timer interrupts: a loaded host is slow. */
static bool wait_timer_hits(u32 n)
{
	u32 i;

	for (i = 0; i < 2000 && timer_hits < n; i++)
		open_for(1);
	return timer_hits >= n;
}

static void test_timer_one_shot(void)
{
	u32 a, b;

	timer_hits = 0;
	apic_write(APIC_TIMER_DCR, 0xb);			/* divide by 1 */
	apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
	apic_write(APIC_TIMER_ICR, 0x80000000);			/* about 2 s */
	a = apic_read(APIC_TIMER_CCR);
	b = apic_read(APIC_TIMER_CCR);
	ok(a && a <= 0x80000000 && b <= a, "one-shot: the current count runs down (%u, %u)", a, b);
	apic_write(APIC_TIMER_ICR, 2000000);			/* 2 ms, restarted */
	wait_timer_hits(1);
	open_for(10);
	ok(timer_hits == 1 && apic_read(APIC_TIMER_CCR) == 0,
	   "one-shot: one interrupt, then the count stays 0 (%u)", timer_hits);
}

static void test_timer_periodic(void)
{
	u32 n;

	timer_hits = 0;
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | TIMER_VECTOR);
	apic_write(APIC_TIMER_DCR, 0x3);			/* divide by 16 */
	apic_write(APIC_TIMER_ICR, 62500);			/* 1 ms */
	wait_timer_hits(5);
	apic_write(APIC_TIMER_ICR, 0);
	n = timer_hits;
	open_for(10);
	ok(n >= 5 && timer_hits == n, "periodic: 5 interrupts and more; a zero count stops it (%u)",
	   n);
	/* A tiny period is held to the hypervisor's floor: the vCPU keeps running. */
	timer_hits = 0;
	apic_write(APIC_TIMER_DCR, 0xb);
	apic_write(APIC_TIMER_ICR, 1);
	wait_timer_hits(3);
	apic_write(APIC_TIMER_ICR, 0);
	n = timer_hits;
	ok(n >= 3, "periodic with a count of 1: %u interrupts, and the guest goes on", n);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	/*
	 * A period that ended between the last hit and the ICR write left its
	 * vector in IRR (masking and stopping do not take it back): taken
	 * here, it is not counted as the next test's interrupt.
	 */
	open_for(2);
}

static void test_timer_tsc_deadline(void)
{
	if (!(cpuid(1).ecx & X86_BIT(24))) {
		skip(2, "no TSC-deadline timer in CPUID");
		return;
	}
	timer_hits = 0;
	apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TIMER_VECTOR);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 1000000);
	wait_timer_hits(1);
	open_for(5);
	ok(timer_hits == 1 && rdmsr(MSR_TSC_DEADLINE) == 0,
	   "TSC deadline: one interrupt, the MSR reads 0 after (%u)", timer_hits);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 1000000000000ULL);
	wrmsr(MSR_TSC_DEADLINE, 0);
	open_for(5);
	ok(timer_hits == 1, "TSC deadline: writing 0 disarms");
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
}

static const u32 widths[] = { 1, 2, 4, 8 };

/* Every offset with every width, read then written with what was read: no harm done. */
static void test_every_offset_every_width(void)
{
	u32 off, w, bad = 0;

	for (off = 0; off < 0x1000; off++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			u64 pa = APIC_XAPIC_BASE + off, v;

			if (off + widths[w] > 0x1000)
				continue;
			/* ICR low and EOI send or retire: they get their own tests. */
			if ((off & ~0xfu) == APIC_ICR_LO || (off & ~0xfu) == APIC_EOI)
				continue;
			switch (widths[w]) {
			case 1: v = mmio_read8(pa); mmio_write8(pa, (u8)v); break;
			case 2: v = mmio_read16(pa); mmio_write16(pa, (u16)v); break;
			case 4: v = mmio_read32(pa); mmio_write32(pa, (u32)v); break;
			default: v = mmio_read64(pa); mmio_write64(pa, v); bad += v != 0; break;
			}
		}
	}
	ok(!bad && apic_read(APIC_VERSION) == 0x50014 && apic_read(APIC_SVR) == 0x1ff,
	   "every offset of the page read and written back at widths 1, 2, 4, 8: 8-byte reads "
	   "are 0, the registers intact");
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
}

static void test_x2apic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE), v;

	if (!(cpuid(1).ecx & X86_BIT(21))) {
		skip(5, "no x2APIC in CPUID");
		return;
	}
	ok(wrmsr_safe(MSR_APIC_BASE, (base & ~APIC_BASE_EN) | APIC_BASE_EXTD) == GP_VECTOR &&
	   rdmsr_safe(MSR_X2APIC(APIC_ID), &v) == GP_VECTOR,
	   "EXTD without EN is #GP; the x2APIC MSRs are #GP in xAPIC mode");
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	in_x2apic_mode = true;
	ok(rdmsr(MSR_X2APIC(APIC_ID)) == 0 && rdmsr(MSR_X2APIC(APIC_LDR)) == 1 &&
	   rdmsr(MSR_X2APIC(APIC_VERSION)) == 0x50014, "x2APIC: ID 0, LDR cluster 0 bit 0");
	ok(wrmsr_safe(MSR_X2APIC(APIC_EOI), 1) == GP_VECTOR &&
	   rdmsr_safe(MSR_X2APIC(APIC_EOI), &v) == GP_VECTOR &&
	   wrmsr_safe(MSR_X2APIC(APIC_ID), 0) == GP_VECTOR &&
	   rdmsr_safe(MSR_X2APIC(APIC_DFR), &v) == GP_VECTOR &&
	   rdmsr_safe(0x8ff, &v) == GP_VECTOR,
	   "x2APIC: non-zero EOI, EOI read, ID write, DFR and reserved MSRs are #GP");
	timer_hits = 0;
	wrmsr(MSR_X2APIC(APIC_LVT_TIMER), APIC_LVT_MASKED | TIMER_VECTOR);
	wrmsr(0x83f, TIMER_VECTOR);				/* SELF IPI */
	open_for(2);
	ok(timer_hits == 1 && !(rdmsr(MSR_X2APIC(APIC_ISR + 0x30)) & 1),
	   "x2APIC SELF IPI delivers its vector; the MSR EOI retires it");
	in_x2apic_mode = false;
	ok(wrmsr_safe(MSR_APIC_BASE, base) == GP_VECTOR &&
	   wrmsr_safe(MSR_APIC_BASE, base & ~(u64)(APIC_BASE_EN | APIC_BASE_EXTD)) ==
	   NO_EXCEPTION &&
	   wrmsr_safe(MSR_APIC_BASE, base) == NO_EXCEPTION && apic_read(APIC_SVR) == 0xff,
	   "x2APIC -> xAPIC is #GP; through disabled it is legal, the APIC reset");
	apic_enable();
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(22);
	set_handler(TIMER_VECTOR, timer_handler);
	set_handler(PRIO_VECTOR, prio_handler);
	set_handler(PIC_BASE, pic_handler);
	pic_init(PIC_BASE);
	test_reset_state();
	/* The TSC's rate for the delays; the APIC software-enabled, LINT0 left as reset set it. */
	smp_init();
	test_pic_through_lint0("as reset left it");
	test_register_writes();
	test_tpr_ppr();
	test_timer_one_shot();
	test_timer_periodic();
	test_timer_tsc_deadline();
	test_every_offset_every_width();
	test_x2apic();
	/* The global disable of test_x2apic() reset the LVTs: virtual wire again. */
	apic_write(APIC_LVT_LINT0, 0x700);
	test_pic_through_lint0("after it all, LINT0 programmed back to ExtINT");
	return tap_done();
}
