/*
 * Exit round trips, counted by the guest on its virtual counter. Under
 * -icount shift=0 one instruction is one nanosecond, so "ns per round
 * trip" is the exit path's instruction count: exact and the same every
 * run, a regression figure rather than a real cycle cost.
 *
 * Prints "# bench NAME NS" lines for tools/bench-table-arm64. In a VM
 * with arm64-bench-floor, the "hvc" line is the floor: HVC 0xc600ffff
 * answered by the bare world switch with no handling at all; elsewhere
 * the same HVC is a hypercall exit to the VMM. "mmio-pt" reads the PL031
 * that configs/bench.dts passes through: the device itself, no exit
 * (absent in the floor's VM, which has no such device).
 */
#include <guest/guest.h>

#define ITERS		4096
#define FLOOR_FN	0xc600ffffu
#define PT_RTC		0x09100000ull
#define PL031_CELL_ID0	0xff0

static u64 loop_cost;

#define MEASURE(body) ({						\
	u64 __t0 = counter(), __i;					\
	for (__i = 0; __i < ITERS; __i++) {				\
		body;							\
	}								\
	(counter() - __t0);						\
})

static u64 ns(u64 ticks)
{
	u64 freq = read_sysreg(cntfrq_el0);

	return ticks * 1000000000ULL / freq;
}

static void report(const char *name, u64 ticks)
{
	u64 per = ns(ticks) / ITERS;

	printf("# bench %s %llu\n", name, per > loop_cost ? per - loop_cost : 0);
}

static void nothing(void)
{
	__asm__ __volatile__("" ::: "memory");
}

int guest_main(const void *dtb)
{
	tap_plan(1);
	loop_cost = ns(MEASURE(nothing())) / ITERS;
	printf("# bench loop %llu\n", loop_cost);
	report("hvc", MEASURE(hvc(FLOOR_FN, 0, 0, 0)));
	report("psci", MEASURE(hvc(PSCI_VERSION, 0, 0, 0)));
	report("mmio-vmm", MEASURE((void)mmio_read32(GUEST_NOWHERE)));
	report("mmio-uart", MEASURE((void)mmio_read32(GUEST_UART + 0x18)));
	if (mmio_read32(PT_RTC + PL031_CELL_ID0) == 0x0d)
		report("mmio-pt", MEASURE((void)mmio_read32(PT_RTC)));
	ok(true, "benchmarks ran");
	return tap_done();
}

void guest_secondary(u64 cpu)
{
}
