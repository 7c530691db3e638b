/*
 * Interrupt and exit benchmarks, counted by the guest on its virtual
 * counter. Under -icount shift=0 one instruction is one nanosecond
 * (exact and the same every run, a regression figure); without icount
 * they are nanoseconds of the emulated machine, and the same binary also
 * runs on plain QEMU with no hypervisor (-kernel gicbench.elf, the DTB
 * pointer then 0), so that each cost has its bare counterpart:
 *  - sgi-rtt: vCPU 0 sends an SGI to vCPU 1 (another physical CPU),
 *    whose handler sends one back; from the send to vCPU 0's handler;
 *  - sgi-self: an SGI to oneself, from the send to the handler;
 *  - vtimer, ptimer: from the virtual / EL1 physical timer's deadline
 *    to its handler;
 *  - hvc: PSCI_VERSION through HVC (the hypervisor answers in place;
 *    plain QEMU's PSCI emulation answers); hvc-vmm: a hypercall that
 *    goes to the VMM (hypervisor only);
 *  - mmio: a PL011 register read (the VMM's model; QEMU's device);
 *  - gicd: a GICD_TYPER read (the vGIC; QEMU's GIC);
 *  - eoi: the ICC_EOIR1_EL1 write completing an SGI;
 *  - timer10ms: a 10 ms virtual timer, from arming to the handler.
 * Prints "# bench NAME NS" lines for tools/bench-table-vgic and
 * tools/bench-table-micro.
 */
#include <guest/guest.h>

#define ITERS		256
#define SGI_PING	1
#define SGI_PONG	2
#define SGI_SELF	3
#define VTIMER		27
#define PTIMER		30
#define GICD_TYPER	(0x08000000ULL + 0x0004)
#define UART_FR		(GUEST_UART + 0x18)

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
	} else if (intid == PTIMER) {
		fired_at = counter();
		write_sysreg(0, cntp_ctl_el0);
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

/*
 * From the deadline (100 us ahead) to the handler's first instruction.
 * The physical counter is the virtual one plus CNTVOFF: the physical
 * timer's deadline is converted to the virtual counter the handler reads.
 */
static u64 timer_latency(bool physical)
{
	u64 total = 0, cval, freq = read_sysreg(cntfrq_el0), off;
	u32 i;

	for (i = 0; i < ITERS; i++) {
		fired = 0;
		cval = counter() + freq / 10000;
		if (physical) {
			isb();
			off = read_sysreg(cntpct_el0) - counter();
			write_sysreg(cval + off, cntp_cval_el0);
			write_sysreg(1, cntp_ctl_el0);
		} else {
			write_sysreg(cval, cntv_cval_el0);
			write_sysreg(1, cntv_ctl_el0);
		}
		isb();
		wait_for(&fired);
		total += fired_at - cval;
	}
	return ns(total) / ITERS;
}

/* A 10 ms virtual timer, from arming it to its handler. */
static u64 timer_10ms(void)
{
	u64 total = 0, t0, freq = read_sysreg(cntfrq_el0);
	u32 i;

	for (i = 0; i < 8; i++) {
		fired = 0;
		t0 = counter();
		write_sysreg(freq / 100, cntv_tval_el0);
		write_sysreg(1, cntv_ctl_el0);
		isb();
		wait_for(&fired);
		total += fired_at - t0;
	}
	return ns(total) / 8;
}

#define PER_OP(body) ({								u64 __t0 = counter();							u32 __i;								for (__i = 0; __i < ITERS; __i++) {						body;								}									ns(counter() - __t0) / ITERS;					})

/* The EOI alone: an SGI to oneself, taken by polling with IRQs masked, then timed. */
static u64 eoi_cost(void)
{
	u64 total = 0, t0;
	u32 i, intid;

	for (i = 0; i < ITERS; i++) {
		gic_send_sgi(0, SGI_SELF);
		isb();
		do
			intid = gic_ack();
		while (intid >= 1020);
		t0 = counter();
		gic_eoi(intid);
		isb();
		total += counter() - t0;
	}
	return ns(total) / ITERS;
}

static void micro(bool hypervisor)
{
	printf("# bench hvc %llu\n", PER_OP(hvc(PSCI_VERSION, 0, 0, 0)));
	if (hypervisor)
		printf("# bench hvc-vmm %llu\n", PER_OP(hv_console_write("", 0)));
	printf("# bench mmio %llu\n", PER_OP((void)mmio_read32(UART_FR)));
	printf("# bench gicd %llu\n", PER_OP((void)mmio_read32(GICD_TYPER)));
	printf("# bench eoi %llu\n", eoi_cost());
}

int guest_main(const void *dtb)
{
	u64 rtt, slf, tim, ptim, t10;

	tap_plan(1);
	gic_init_dist();
	gic_init_cpu(0);
	guest_irq_handler = irq_handler;
	gic_enable_irq(SGI_PONG, 0);
	gic_enable_irq(SGI_SELF, 0);
	gic_enable_irq(VTIMER, 0);
	gic_enable_irq(PTIMER, 0);
	if (start_secondary(1))
		bail_out("vCPU 1 did not start");
	while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("yield" ::: "memory");
	local_irq_enable();
	rtt = sgi_round_trip();
	slf = sgi_self();
	tim = timer_latency(false);
	ptim = timer_latency(true);
	t10 = timer_10ms();
	local_irq_disable();
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	gic_send_sgi(1, SGI_PING);
	printf("# bench sgi-rtt %llu\n", rtt);
	printf("# bench sgi-self %llu\n", slf);
	printf("# bench vtimer %llu\n", tim);
	printf("# bench ptimer %llu\n", ptim);
	printf("# bench timer10ms %llu\n", t10);
	micro(dtb != NULL);
	ok(true, "vGIC benchmarks ran");
	return tap_done();
}
