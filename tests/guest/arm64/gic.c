/*
 * The vGICv3 from inside a VM of 3 or 4 vCPUs (configs/gic.dts, and
 * gicdead.dts next to a VM that dies at finalization):
 *  - every vCPU's first act is a distributor write, all of them at once,
 *    and none of these accesses may reach the VMM (the access counter);
 *  - SGIs between every ordered pair of vCPUs, each delivered once, and
 *    to all but the sender (IRM);
 *  - the virtual timer at a set rate, never early;
 *  - 12 SPIs made pending at once (more than the 4 list registers),
 *    each delivered once, in priority order.
 */
#include <guest/guest.h>

#define MAX_CPUS	4
#define GICD		0x08000000ULL
#define GICR		0x080a0000ULL
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_ISPENDR(n)	(0x0200 + 4 * (n))
#define GICD_ISACTIVER(n) (0x0300 + 4 * (n))
#define GICR_TYPER	0x0008

#define CTLR_GRP0_GRP1	0x3
#define CTLR_READ	0x53		/* the groups, ARE and DS */
#define TYPER_EXPECTED	0x02480003	/* 128 INTIDs, 10 ID bits, no 1-of-N */

#define SGI_IRM		15
#define VTIMER		27
#define FIRST_SPI	40
#define NR_SPIS		12
#define TICKS		20

static unsigned int nr_cpus;

static volatile u32 first_ctlr[MAX_CPUS], first_typer[MAX_CPUS];
static volatile u64 first_rtyper[MAX_CPUS];
static volatile u32 arrived, stop;
static volatile u32 turn = ~0u;
static volatile u32 recv[MAX_CPUS][16];

static volatile u32 ticks;
static volatile u64 cval, late_max, early, last_at;

static const u8 spi_prio[NR_SPIS] = {
	0x50, 0x10, 0x88, 0x30, 0xa0, 0x08, 0x68, 0x40, 0x20, 0x98, 0x60, 0x78,
};
static volatile u32 order[NR_SPIS + 4], taken;

static u32 this_cpu(void)
{
	return (u32)(read_sysreg(mpidr_el1) & 0xff);
}

static void yield(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

static bool wait_until(volatile u32 *v, u32 want)
{
	u64 t0 = counter(), freq = read_sysreg(cntfrq_el0);

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != want) {
		if (counter() - t0 > 20 * freq)
			return false;
		yield();
	}
	return true;
}

static void timer_tick(void)
{
	u64 now = counter(), period = read_sysreg(cntfrq_el0) / 1000;

	last_at = now;
	if (now < cval)
		early++;
	else if (now - cval > late_max)
		late_max = now - cval;
	if (++ticks < TICKS) {
		cval += period;
		write_sysreg(cval, cntv_cval_el0);
	} else {
		write_sysreg(0, cntv_ctl_el0);
	}
	isb();
}

static void irq_handler(u32 intid)
{
	u32 cpu = this_cpu();

	if (intid < 16) {
		__atomic_fetch_add(&recv[cpu % MAX_CPUS][intid], 1, __ATOMIC_RELEASE);
	} else if (intid == VTIMER) {
		timer_tick();
	} else {
		u32 n = __atomic_fetch_add(&taken, 1, __ATOMIC_ACQ_REL);

		if (n < ARRAY_SIZE(order))
			order[n] = intid;
	}
}

/* Every vCPU's first accesses: the distributor's CTLR and TYPER, its own GICR_TYPER. */
static void first_touch(u32 cpu)
{
	mmio_write32(GICD + GICD_CTLR, CTLR_GRP0_GRP1);
	first_ctlr[cpu] = mmio_read32(GICD + GICD_CTLR);
	first_typer[cpu] = mmio_read32(GICD + GICD_TYPER);
	first_rtyper[cpu] = mmio_read64(GICR + cpu * 0x20000ULL + GICR_TYPER);
}

/* The SGIs of sender @s: INTID 4s + t to each vCPU t, itself included. */
static void send_round(u32 s)
{
	u32 t;

	for (t = 0; t < nr_cpus; t++)
		gic_send_sgi(t, s * 4 + t);
}

void guest_secondary(u64 cpu64)
{
	u32 cpu = (u32)cpu64 % MAX_CPUS, i;

	first_touch(cpu);
	gic_init_cpu(cpu);
	for (i = 0; i < 16; i++)
		gic_enable_irq(i, cpu);
	__atomic_fetch_add(&arrived, 1, __ATOMIC_RELEASE);
	local_irq_enable();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == cpu) {
			send_round(cpu);
			__atomic_store_n(&turn, ~0u, __ATOMIC_RELEASE);
		}
		yield();
	}
	local_irq_disable();
}

static bool first_touches_right(void)
{
	u32 i, good = 0;
	u64 last;

	for (i = 0; i < nr_cpus; i++) {
		last = i == nr_cpus - 1 ? 0x10 : 0;
		good += first_ctlr[i] == CTLR_READ && first_typer[i] == TYPER_EXPECTED &&
			first_rtyper[i] == ((u64)i << 32 | i << 8 | last);
		if (first_ctlr[i] != CTLR_READ || first_typer[i] != TYPER_EXPECTED)
			diag("vCPU %u: CTLR %#x TYPER %#x GICR_TYPER %#llx", i, first_ctlr[i],
			     first_typer[i], first_rtyper[i]);
	}
	return good == nr_cpus;
}

static bool all_sgis_once(u32 s)
{
	u64 t0 = counter(), freq = read_sysreg(cntfrq_el0);
	u32 t, got;

	do {
		for (t = 0, got = 0; t < nr_cpus; t++)
			got += __atomic_load_n(&recv[t][s * 4 + t], __ATOMIC_ACQUIRE) != 0;
		if (got == nr_cpus)
			return true;
		yield();
	} while (counter() - t0 < 20 * freq);
	return false;
}

static void test_sgi_pairs(void)
{
	u32 s, t, i, once = 0, stray = 0;

	for (s = 0; s < nr_cpus; s++) {
		if (s == 0) {
			send_round(0);
		} else {
			__atomic_store_n(&turn, s, __ATOMIC_RELEASE);
			wait_until(&turn, ~0u);
		}
		all_sgis_once(s);
	}
	for (t = 0; t < nr_cpus; t++) {
		for (i = 0; i < 16; i++) {
			bool want = i / 4 < nr_cpus && i % 4 == t;

			once += want && recv[t][i] == 1;
			stray += !want && recv[t][i];
		}
	}
	ok(once == nr_cpus * nr_cpus, "SGIs between every ordered pair of the %u vCPUs: %u of %u once",
	   nr_cpus, once, nr_cpus * nr_cpus);
	ok(stray == 0, "no SGI went anywhere else (%u strays)", stray);
}

static void test_sgi_irm(void)
{
	u32 t, good = 0;

	u32 before[MAX_CPUS];

	/* With four vCPUs, the pairs' round has used SGI 15 once already (3 to 3). */
	for (t = 0; t < nr_cpus; t++)
		before[t] = recv[t][SGI_IRM];
	gic_send_sgi_others(SGI_IRM);
	for (t = 1; t < nr_cpus; t++)
		good += wait_until(&recv[t][SGI_IRM], before[t] + 1);
	ok(good == nr_cpus - 1 && recv[0][SGI_IRM] == before[0],
	   "ICC_SGI1R_EL1.IRM: SGI %u to every vCPU but the sender", SGI_IRM);
}

static void test_timer_rate(void)
{
	u64 freq = read_sysreg(cntfrq_el0), period = freq / 1000, start = counter(), t0;

	gic_enable_irq(VTIMER, 0);
	gic_set_priority(VTIMER, 0, 0x40);
	cval = start + period;
	t0 = cval;
	write_sysreg(cval, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	local_irq_enable();
	while (ticks < TICKS && counter() - start < 20 * freq)
		__asm__ __volatile__("wfi" ::: "memory");
	local_irq_disable();
	ok(ticks == TICKS, "virtual timer (PPI %u): %u of %u ticks at 1 kHz", VTIMER, ticks, TICKS);
	ok(!early, "no tick before its deadline (%llu early)", early);
	diag("latest tick %llu us after its deadline", late_max * 1000000 / freq);
	/*
	 * Deadlines are absolute, so a late tick does not push the next ones:
	 * the 20 take 19 periods plus the last one's latency. The bound is
	 * loose because TCG's counter follows the host's clock, shared load
	 * included.
	 */
	ok(ticks == TICKS && last_at - t0 >= (TICKS - 1) * period &&
	   last_at - t0 < 5 * TICKS * period,
	   "the rate held: %u ticks in %llu us (deadlines %llu us apart)", ticks,
	   (last_at - t0) * 1000000 / freq, period * 1000000 / freq);
}

static void test_priority_order(void)
{
	u32 i, sorted = 1, pend = 0;
	u64 t0, freq = read_sysreg(cntfrq_el0);

	for (i = 0; i < NR_SPIS; i++) {
		gic_enable_irq(FIRST_SPI + i, 0);
		gic_set_priority(FIRST_SPI + i, 0, spi_prio[i]);
	}
	/* All pending at once, behind PSTATE.I: the vGIC holds 12 for 4 list registers. */
	for (i = 0; i < NR_SPIS; i++)
		gic_set_pending(FIRST_SPI + i, 0);
	local_irq_enable();
	wait_until(&taken, NR_SPIS);
	/* A little longer: a duplicate would arrive now. */
	for (t0 = counter(); counter() - t0 < freq / 100;)
		yield();
	local_irq_disable();
	for (i = 1; i < NR_SPIS && i < taken; i++)
		sorted &= spi_prio[order[i - 1] - FIRST_SPI] < spi_prio[order[i] - FIRST_SPI];
	for (i = 0; i < 4; i++)
		pend |= mmio_read32(GICD + GICD_ISPENDR(i)) | mmio_read32(GICD + GICD_ISACTIVER(i));
	ok(taken == NR_SPIS, "%u SPIs pending at once (4 list registers): %u delivered", NR_SPIS,
	   taken);
	ok(sorted && taken == NR_SPIS, "each once, in priority order");
	ok(!pend, "none left pending or active (%#x)", pend);
}

int guest_main(const void *dtb)
{
	u32 i, started = 0;

	/* The very first access of the VM: the distributor. */
	first_touch(0);
	nr_cpus = guest_nr_cpus(dtb);
	if (nr_cpus > MAX_CPUS)
		nr_cpus = MAX_CPUS;
	tap_plan(11);
	for (i = 1; i < nr_cpus; i++)
		started += start_secondary(i) == 0;
	guest_irq_handler = irq_handler;
	gic_init_cpu(0);
	for (i = 0; i < 16; i++)
		gic_enable_irq(i, 0);
	wait_until(&arrived, nr_cpus - 1);
	ok(started == nr_cpus - 1 && first_touches_right(),
	   "all %u vCPUs started at once, each writing GICD_CTLR first: emulated", nr_cpus);

	local_irq_enable();
	test_sgi_pairs();
	test_sgi_irm();
	local_irq_disable();
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);

	test_timer_rate();
	test_priority_order();
	ok(mmio_read32(GUEST_COUNTER) == 0, "no access of the VM reached the VMM unhandled (%u)",
	   mmio_read32(GUEST_COUNTER));
	return tap_done();
}
