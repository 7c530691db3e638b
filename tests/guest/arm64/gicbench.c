/*
 * vGIC benchmarks, counted by the guest on its virtual counter (under
 * -icount shift=0, one instruction per nanosecond: exact and the same
 * every run, a regression figure rather than a real cost):
 *  - sgi-rtt: vCPU 0 sends an SGI to vCPU 1 (another physical CPU),
 *    whose handler sends one back; from the send to vCPU 0's handler;
 *  - sgi-self: an SGI to oneself, from the send to the handler;
 *  - vtimer: from the virtual timer's deadline to its handler.
 * Prints "# bench NAME NS" lines for tools/bench-table-vgic.
 */
#include <guest/guest.h>

#define ITERS		256
#define SGI_PING	1
#define SGI_PONG	2
#define SGI_SELF	3
#define VTIMER		27

static volatile u32 pong, self, fired, stop, ready;
static volatile u64 fired_at;

static u64 ns(u64 ticks)
{
	return ticks * 1000000000ULL / read_sysreg(cntfrq_el0);
}

static void irq_handler(u32 intid)
{
	if (intid == SGI_PING) {
		gic_send_sgi(0, SGI_PONG);
	} else if (intid == SGI_PONG) {
		pong = 1;
	} else if (intid == SGI_SELF) {
		self = 1;
	} else if (intid == VTIMER) {
		fired_at = counter();
		write_sysreg(0, cntv_ctl_el0);
		isb();
		fired = 1;
	}
}

/* vCPU 1 answers every ping until told to stop. */
void guest_secondary(u64 cpu)
{
	gic_init_cpu((unsigned int)cpu);
	gic_enable_irq(SGI_PING, (unsigned int)cpu);
	__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	local_irq_enable();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("wfi" ::: "memory");
	local_irq_disable();
}

static void wait_for(volatile u32 *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("wfi" ::: "memory");
}

static u64 sgi_round_trip(void)
{
	u64 total = 0, t0;
	u32 i;

	for (i = 0; i < ITERS; i++) {
		pong = 0;
		t0 = counter();
		gic_send_sgi(1, SGI_PING);
		wait_for(&pong);
		total += counter() - t0;
	}
	return ns(total) / ITERS;
}

static u64 sgi_self(void)
{
	u64 total = 0, t0;
	u32 i;

	for (i = 0; i < ITERS; i++) {
		self = 0;
		t0 = counter();
		gic_send_sgi(0, SGI_SELF);
		wait_for(&self);
		total += counter() - t0;
	}
	return ns(total) / ITERS;
}

/* From the deadline (100 us ahead) to the handler's first instruction. */
static u64 vtimer_latency(void)
{
	u64 total = 0, cval, freq = read_sysreg(cntfrq_el0);
	u32 i;

	for (i = 0; i < ITERS; i++) {
		fired = 0;
		cval = counter() + freq / 10000;
		write_sysreg(cval, cntv_cval_el0);
		write_sysreg(1, cntv_ctl_el0);
		isb();
		wait_for(&fired);
		total += fired_at - cval;
	}
	return ns(total) / ITERS;
}

int guest_main(const void *dtb)
{
	u64 rtt, slf, tim;

	tap_plan(1);
	gic_init_dist();
	gic_init_cpu(0);
	guest_irq_handler = irq_handler;
	gic_enable_irq(SGI_PONG, 0);
	gic_enable_irq(SGI_SELF, 0);
	gic_enable_irq(VTIMER, 0);
	if (start_secondary(1))
		bail_out("vCPU 1 did not start");
	while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("yield" ::: "memory");
	local_irq_enable();
	rtt = sgi_round_trip();
	slf = sgi_self();
	tim = vtimer_latency();
	local_irq_disable();
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	gic_send_sgi(1, SGI_PING);
	printf("# bench sgi-rtt %llu\n", rtt);
	printf("# bench sgi-self %llu\n", slf);
	printf("# bench vtimer %llu\n", tim);
	ok(true, "vGIC benchmarks ran");
	return tap_done();
}
