/*
 * What an unmodified arm64 kernel may do that the hypervisor must answer
 * as the architecture does (configs/fidelity.dts), one VM per part,
 * picked by the command line:
 *  - timers: the virtual timer's handler masks with CNTV_CTL.IMASK and
 *    EOIs, 1,000 times at 1 kHz, then stays masked and gets nothing more;
 *    the EL1 physical timer one-shot, re-armed from its handler, and as
 *    a WFI wake-up;
 *  - aborts: loads, stores and a fetch where nothing is, and a load pair
 *    on a device, each a synchronous external abort at EL1, after which
 *    the guest goes on;
 *  - idregs: the ID registers show the documented feature set, and the
 *    registers and instructions of every hidden feature are UNDEFINED;
 *  - sgi: ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 raise Group 0 SGIs (FIQs) and
 *    leave Group 1 SGIs alone.
 */
#include <guest/guest.h>
#include <lib/string.h>

#define GICD			0x08000000ULL
#define GICR_SGI		(0x080a0000ULL + 0x10000)
#define GICD_CTLR		0x0000
#define GICR_IGROUPR0		0x0080
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280

#define CTL_ENABLE		1
#define CTL_IMASK		2
#define CTL_ISTATUS		4

#define VTIMER			27
#define PTIMER			30

#define ESR_EC(esr)		((esr) >> 26)
#define ESR_FSC(esr)		((esr) & 0x3f)
#define ESR_WNR			(1ULL << 6)
#define EC_UNKNOWN		0x00
#define EC_IABT_CUR		0x21
#define EC_DABT_CUR		0x25
#define FSC_EXT_ABORT		0x10

static u64 freq;

static u64 cntpct(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static u64 ms_ticks(u64 ms)
{
	return freq / 1000 * ms;
}

static void spin_ms(u64 ms)
{
	u64 t0 = counter();

	while (counter() - t0 < ms_ticks(ms))
		;
}

/* ---- timers ---- */

#define VTICKS			1000
#define PTICKS			20

static volatile u32 vticks, vleaks, pticks, pearly;
static volatile u64 pcval;

/* Linux's handler does this: mask at the timer, let the EOI follow. */
static void vtimer_handler(void)
{
	u64 ctl = read_sysreg(cntv_ctl_el0);

	if (ctl & CTL_IMASK)	/* the hypervisor's own mask must never show */
		vleaks++;
	write_sysreg(ctl | CTL_IMASK, cntv_ctl_el0);
	isb();
	vticks++;
}

static void ptimer_handler(void)
{
	u64 now = cntpct();

	if (now < pcval)
		pearly++;
	if (++pticks < PTICKS) {
		pcval += ms_ticks(1);
		write_sysreg(pcval, cntp_cval_el0);
	} else {
		write_sysreg(CTL_ENABLE | CTL_IMASK, cntp_ctl_el0);
	}
	isb();
}

static void timer_irq(u32 intid)
{
	if (intid == VTIMER)
		vtimer_handler();
	else if (intid == PTIMER)
		ptimer_handler();
}

static bool wait_for(volatile u32 *v, u32 want, u64 ms)
{
	u64 t0 = counter();

	while (*v < want)
		if (counter() - t0 > ms_ticks(ms))
			return false;
	return true;
}

static void test_vtimer_imask(void)
{
	u64 t0, took, ctl;
	u32 seen = 0;

	t0 = counter();
	write_sysreg(counter() + ms_ticks(1), cntv_cval_el0);
	write_sysreg(CTL_ENABLE, cntv_ctl_el0);
	isb();
	/* The next period is armed, and the mask lifted, outside the handler. */
	while (vticks < VTICKS && counter() - t0 < ms_ticks(30000)) {
		if (vticks == seen)
			continue;
		seen = vticks;
		if (seen == VTICKS)
			break;
		write_sysreg(read_sysreg(cntv_cval_el0) + ms_ticks(1), cntv_cval_el0);
		write_sysreg(CTL_ENABLE, cntv_ctl_el0);
		isb();
	}
	took = counter() - t0;
	ok(vticks == VTICKS, "virtual timer: %u interrupts at 1 kHz, masked by IMASK in the handler",
	   vticks);
	ok(took >= ms_ticks(VTICKS - 1), "virtual timer: never early (%llu ms for %u)",
	   took / ms_ticks(1), VTICKS);
	ok(vleaks == 0, "virtual timer: the handler never read an IMASK it had not set (%u)",
	   vleaks);
	spin_ms(50);
	ok(vticks == VTICKS, "virtual timer: 0 interrupts in 50 ms while the guest masks it (%u)",
	   vticks - VTICKS);
	ctl = read_sysreg(cntv_ctl_el0);
	ok(ctl == (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS),
	   "virtual timer: CNTV_CTL reads the guest's own ENABLE|IMASK with ISTATUS (%#llx)", ctl);
	write_sysreg(0, cntv_ctl_el0);
}

static void test_ptimer(void)
{
	u64 now, ctl;
	s64 tval;

	/* One-shot through TVAL, and the wait is a WFI the timer must end. */
	write_sysreg(ms_ticks(5), cntp_tval_el0);
	isb();
	pcval = read_sysreg(cntp_cval_el0);
	now = cntpct();
	ok(pcval > now && pcval - now <= ms_ticks(5),
	   "physical timer: TVAL sets CVAL to now + TVAL (%llu ticks ahead)", pcval - now);
	pticks = PTICKS - 1;
	write_sysreg(CTL_ENABLE, cntp_ctl_el0);
	isb();
	while (pticks < PTICKS && read_sysreg(cntpct_el0) < pcval + ms_ticks(2000))
		__asm__ __volatile__("wfi");
	ok(pticks == PTICKS && !pearly, "physical timer: one-shot taken once, not early, from WFI");
	ctl = read_sysreg(cntp_ctl_el0);
	ok(ctl == (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS),
	   "physical timer: CNTP_CTL reads ENABLE|IMASK|ISTATUS after expiry (%#llx)", ctl);
	tval = (s64)read_sysreg(cntp_tval_el0);
	ok(tval < 0, "physical timer: TVAL counts below zero after expiry (%lld)", tval);

	/* Re-armed from the handler through CVAL, 1 kHz. */
	pticks = 0;
	pearly = 0;
	pcval = cntpct() + ms_ticks(1);
	write_sysreg(pcval, cntp_cval_el0);
	write_sysreg(CTL_ENABLE, cntp_ctl_el0);
	isb();
	ok(wait_for(&pticks, PTICKS, 5000) && !pearly,
	   "physical timer: %u re-arms from the handler, none early", pticks);
	spin_ms(20);
	ok(pticks == PTICKS, "physical timer: nothing after it is masked");
	write_sysreg(0, cntp_ctl_el0);
	isb();
	ok((read_sysreg(cntp_ctl_el0) & 7) == 0, "physical timer: disabled reads 0");
}

static int timers(void)
{
	tap_plan(12);
	gic_init_dist();
	gic_init_cpu(0);
	gic_enable_irq(VTIMER, 0);
	gic_enable_irq(PTIMER, 0);
	guest_irq_handler = timer_irq;
	local_irq_enable();
	test_vtimer_imask();
	test_ptimer();
	local_irq_disable();
	return tap_done();
}

/* ---- external aborts ---- */

static void load(void *p)
{
	(void)mmio_read32((u64)(uintptr_t)p);
}

static void store(void *p)
{
	mmio_write32((u64)(uintptr_t)p, 0x5a5a5a5a);
}

static void fetch(void *p)
{
	((void (*)(void))p)();
}

static void load_pair(void *p)
{
	u64 a, b;

	__asm__ __volatile__("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(p) : "memory");
}

static void check_abort(void (*fn)(void *), u64 addr, u64 ec, bool write, const char *what)
{
	u64 esr = expect_exception(fn, (void *)(uintptr_t)addr);
	u64 far = read_sysreg(far_el1);

	ok(esr != ~0ULL && ESR_EC(esr) == ec && ESR_FSC(esr) == FSC_EXT_ABORT &&
	   !!(esr & ESR_WNR) == write && far == addr,
	   "%s at %#llx: external abort, ESR %#llx, FAR %#llx", what, addr, esr, far);
}

static int aborts(void)
{
	u32 before = mmio_read32(GUEST_COUNTER);
	u64 past_ram = GUEST_RAM_BASE + 0x1000000;

	tap_plan(7);
	check_abort(load, past_ram, EC_DABT_CUR, false, "load just past RAM");
	check_abort(store, past_ram + 8, EC_DABT_CUR, true, "store just past RAM");
	check_abort(load, GUEST_NOWHERE, EC_DABT_CUR, false, "load from a hole");
	check_abort(fetch, GUEST_NOWHERE, EC_IABT_CUR, false, "fetch from a hole");
	check_abort(fetch, past_ram, EC_IABT_CUR, false, "fetch just past RAM");
	check_abort(load_pair, GUEST_UART, EC_DABT_CUR, false, "LDP (no syndrome) on a device");
	ok(mmio_read32(GUEST_COUNTER) == before,
	   "none of them reached the VMM as an access to nothing");
	return tap_done();
}

/* ---- ID registers ---- */

static u64 field(u64 v, u32 lo)
{
	return (v >> lo) & 0xf;
}

static void rd_pmcr(void *a)		{ (void)read_sysreg(pmcr_el0); }
static void rd_pmccntr(void *a)		{ (void)read_sysreg(pmccntr_el0); }
static void rd_gcr(void *a)		{ (void)read_sysreg(S3_0_C1_C0_6); }	/* GCR_EL1 */
static void rd_erridr(void *a)		{ (void)read_sysreg(S3_0_C5_C3_0); }	/* ERRIDR_EL1 */
static void rd_zcr(void *a)		{ (void)read_sysreg(S3_0_C1_C2_0); }	/* ZCR_EL1 */
static void rd_smcr(void *a)		{ (void)read_sysreg(S3_0_C1_C2_6); }	/* SMCR_EL1 */
static void rd_amcr(void *a)		{ (void)read_sysreg(S3_3_C13_C2_0); }	/* AMCR_EL0 */
static void sve_rdvl(void *a)		{ __asm__ __volatile__(".inst 0x04bf5020" ::: "x0"); }
static void sme_smstart(void *a)	{ __asm__ __volatile__(".inst 0xd503477f" ::: "memory"); }
static void wr_idreg(void *a)		{ write_sysreg(0, S3_0_C0_C4_0); }

static void check_undef(void (*fn)(void *), const char *what)
{
	u64 esr = expect_exception(fn, NULL);

	ok(esr != ~0ULL && ESR_EC(esr) == EC_UNKNOWN, "%s: UNDEFINED (ESR %#llx)", what, esr);
}

#define CPACR_ZEN		(3ULL << 16)
#define CPACR_FPEN		(3ULL << 20)
#define CPACR_SMEN		(3ULL << 24)

static int idregs(void)
{
	u64 pfr0 = read_sysreg(S3_0_C0_C4_0), pfr1 = read_sysreg(S3_0_C0_C4_1);
	u64 dfr0 = read_sysreg(S3_0_C0_C5_0), mmfr1 = read_sysreg(S3_0_C0_C7_1);
	u64 zfr0 = read_sysreg(S3_0_C0_C4_4), smfr0 = read_sysreg(S3_0_C0_C4_5);
	u64 mmfr2 = read_sysreg(S3_0_C0_C7_2);

	tap_plan(22);
	diag("PFR0 %#llx PFR1 %#llx DFR0 %#llx MMFR1 %#llx", pfr0, pfr1, dfr0, mmfr1);
	ok(field(pfr0, 32) == 0 && zfr0 == 0, "SVE hidden (PFR0.SVE, ZFR0)");
	ok(field(pfr1, 24) == 0 && smfr0 == 0, "SME hidden (PFR1.SME, SMFR0)");
	ok(field(pfr1, 8) == 0, "MTE hidden (PFR1.MTE)");
	ok(field(pfr0, 28) == 0 && field(pfr1, 12) == 0, "RAS hidden (PFR0.RAS, PFR1.RAS_frac)");
	ok(field(pfr0, 44) == 0, "AMU hidden (PFR0.AMU)");
	ok(field(dfr0, 8) == 0 && field(dfr0, 32) == 0 && field(dfr0, 44) == 0,
	   "PMU, SPE and TRBE hidden (DFR0.PMUVer, PMSVer, TraceBuffer)");
	ok(field(pfr0, 8) == 0 && field(mmfr1, 8) == 0 && field(mmfr2, 24) == 0,
	   "no EL2 for the guest (PFR0.EL2, MMFR1.VH, MMFR2.NV)");
	ok(field(pfr0, 0) >= 1 && field(pfr0, 4) >= 1 && field(pfr0, 16) != 0xf &&
	   field(pfr0, 24) == 1,
	   "what is virtualised stays: EL0/EL1 AArch64, FP, GIC system registers");
	ok(field(dfr0, 0) >= 6, "debug architecture stays (DFR0.DebugVer %llu)", field(dfr0, 0));
	ok(read_sysreg(S3_0_C0_C3_7) == 0, "an unallocated ID register reads as zero");
	/* A guest that ignores the ID registers turns SVE and SME on at EL1 first. */
	write_sysreg(CPACR_FPEN | CPACR_ZEN | CPACR_SMEN, cpacr_el1);
	isb();
	ok(read_sysreg(cpacr_el1) == CPACR_FPEN,
	   "CPACR_EL1: ZEN and SMEN read as zero (RES0 without SVE and SME)");
	check_undef(rd_pmcr, "PMCR_EL0 (PMU)");
	check_undef(rd_pmccntr, "PMCCNTR_EL0 (PMU)");
	check_undef(rd_gcr, "GCR_EL1 (MTE)");
	check_undef(rd_erridr, "ERRIDR_EL1 (RAS)");
	check_undef(rd_zcr, "ZCR_EL1 (SVE)");
	check_undef(sve_rdvl, "RDVL (an SVE instruction)");
	check_undef(rd_smcr, "SMCR_EL1 (SME)");
	check_undef(sme_smstart, "SMSTART (an SME instruction)");
	check_undef(rd_amcr, "AMCR_EL0 (AMU)");
	check_undef(wr_idreg, "a write to ID_AA64PFR0_EL1");
	write_sysreg(CPACR_FPEN, cpacr_el1);
	isb();
	check_undef(sve_rdvl, "RDVL with CPACR_EL1.ZEN clear");
	return tap_done();
}

/* ---- SGIs through SGI0R and ASGI1R ---- */

static volatile u32 fiqs[16], irqs[16];

static void on_fiq(u32 intid)
{
	if (intid < 16)
		fiqs[intid]++;
}

static void on_irq(u32 intid)
{
	if (intid < 16)
		irqs[intid]++;
}

#define SGI_TO_SELF(sgi)	((u64)(sgi) << 24 | 1)

static int sgi(void)
{
	tap_plan(5);
	gic_init_dist();
	gic_init_cpu(0);
	mmio_write32(GICD + GICD_CTLR, mmio_read32(GICD + GICD_CTLR) | 1);	/* EnableGrp0 */
	/* SGI 2 is Group 0, SGI 1 Group 1; both enabled. */
	mmio_write32(GICR_SGI + GICR_IGROUPR0, ~(u32)(1u << 2));
	gic_enable_irq(1, 0);
	gic_enable_irq(2, 0);
	write_sysreg(1, S3_0_C12_C12_6);				/* ICC_IGRPEN0_EL1 */
	guest_fiq_handler = on_fiq;
	guest_irq_handler = on_irq;
	__asm__ __volatile__("msr daifclr, #3" ::: "memory");

	write_sysreg(SGI_TO_SELF(2), S3_0_C12_C11_7);			/* ICC_SGI0R_EL1 */
	isb();
	spin_ms(5);
	ok(fiqs[2] == 1 && irqs[2] == 0, "SGI0R: Group 0 SGI 2 taken once, as a FIQ");
	write_sysreg(SGI_TO_SELF(2), S3_0_C12_C11_6);			/* ICC_ASGI1R_EL1 */
	isb();
	spin_ms(5);
	ok(fiqs[2] == 2, "ASGI1R: Group 0 SGI 2 taken again (one security state)");
	write_sysreg(SGI_TO_SELF(1), S3_0_C12_C11_7);
	write_sysreg(SGI_TO_SELF(1), S3_0_C12_C11_6);
	isb();
	spin_ms(5);
	ok(irqs[1] == 0 && fiqs[1] == 0 && !(mmio_read32(GICR_SGI + GICR_ISPENDR0) & 2),
	   "SGI0R and ASGI1R leave Group 1 SGI 1 idle");
	gic_send_sgi(0, 1);
	isb();
	spin_ms(5);
	ok(irqs[1] == 1, "SGI1R: Group 1 SGI 1 taken as an IRQ");
	write_sysreg(SGI_TO_SELF(2) | 1ULL << 40, S3_0_C12_C11_7);	/* IRM: all but self */
	isb();
	spin_ms(5);
	ok(fiqs[2] == 2, "SGI0R with IRM in a 1-vCPU VM reaches nobody");
	__asm__ __volatile__("msr daifset, #3" ::: "memory");
	return tap_done();
}

int guest_main(const void *dtb)
{
	const char *what = guest_bootargs(dtb);

	freq = read_sysreg(cntfrq_el0);
	if (!strcmp(what, "timers"))
		return timers();
	if (!strcmp(what, "aborts"))
		return aborts();
	if (!strcmp(what, "idregs"))
		return idregs();
	if (!strcmp(what, "sgi"))
		return sgi();
	bail_out("unknown part '%s'", what);
}

void guest_secondary(u64 cpu)
{
}
