/*
 * PSCI with four vCPUs (configs/smp.dts): CPU_ON's checks, each
 * secondary running with its own MPIDR, AFFINITY_INFO following them
 * through CPU_OFF, and a vCPU started a second time after CPU_OFF.
 */
#include <guest/guest.h>

#define NR	4
#define RET(v)	((u64)(s64)(v))

#define SGI		1

static volatile u64 seen_mpidr[NR];
static volatile u32 arrivals[NR];
static volatile u32 sgis[NR];

void guest_secondary_entry(void);

static void sgi_handler(u32 intid)
{
	u64 cpu = read_sysreg(mpidr_el1) & 0xff;

	if (intid == SGI)
		__atomic_fetch_add(&sgis[cpu % NR], 1, __ATOMIC_RELEASE);
}

/* First life: waits in WFI, interrupts unmasked, for vCPU 0's SGI; then CPU_OFF. */
void guest_secondary(u64 cpu)
{
	bool first = !__atomic_load_n(&arrivals[cpu % NR], __ATOMIC_ACQUIRE);

	seen_mpidr[cpu % NR] = read_sysreg(mpidr_el1);
	if (first) {
		gic_init_cpu((unsigned int)cpu);
		gic_enable_irq(SGI, (unsigned int)cpu);
	}
	__atomic_fetch_add(&arrivals[cpu % NR], 1, __ATOMIC_RELEASE);
	if (!first)
		return;
	local_irq_enable();
	while (!__atomic_load_n(&sgis[cpu % NR], __ATOMIC_ACQUIRE))
		__asm__ __volatile__("wfi" ::: "memory");
	local_irq_disable();
}

/* Every secondary's entry of @v is non-zero. */
static bool all_secondaries(volatile u32 *v)
{
	unsigned int i;

	for (i = 1; i < NR; i++)
		if (!__atomic_load_n(&v[i], __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static bool all_got_sgi(void)
{
	return all_secondaries(sgis);
}

static bool all_off(void)
{
	unsigned int i;

	for (i = 1; i < NR; i++)
		if (hvc(PSCI_AFFINITY_INFO, i, 0, 0) != 1)
			return false;
	return true;
}

static bool wait_for(bool (*cond)(void))
{
	u64 t0 = counter(), freq = read_sysreg(cntfrq_el0);

	/*
	 * YIELD, as Linux's cpu_relax(): under -icount QEMU runs the vCPUs
	 * round-robin on one thread, and a spin without it keeps that thread
	 * for a whole slice (until the next virtual-clock deadline, 10^8
	 * instructions away), while the vCPUs it waits for sit halted with
	 * their wake-up SGI pending: the "hang" of this test under -icount.
	 */
	while (!cond()) {
		if (counter() - t0 > 20 * freq)
			return false;
		__asm__ __volatile__("yield" ::: "memory");
	}
	return true;
}

static bool all_arrived(void)
{
	return all_secondaries(arrivals);
}

static bool second_arrival(void)
{
	return __atomic_load_n(&arrivals[1], __ATOMIC_ACQUIRE) == 2;
}

int guest_main(const void *dtb)
{
	unsigned int i, started = 0, mpidrs = 0;
	u64 r;

	tap_plan(10);
	guest_irq_handler = sgi_handler;
	gic_init_dist();
	ok(guest_nr_cpus(dtb) == NR, "the DTB lists %u CPUs", guest_nr_cpus(dtb));
	ok(hvc(PSCI_AFFINITY_INFO, 1, 0, 0) == 1, "vCPU 1 starts OFF");
	ok(hvc(PSCI_CPU_ON, 1, 0x1000, 0) == RET(-9) &&
	   hvc(PSCI_CPU_ON, 1, (u64)(uintptr_t)guest_secondary_entry + 2, 0) == RET(-9),
	   "CPU_ON outside RAM or misaligned: INVALID_ADDRESS");
	for (i = 1; i < NR; i++)
		started += start_secondary(i) == 0;
	ok(started == NR - 1, "CPU_ON of vCPUs 1-3: SUCCESS");
	r = start_secondary(1);
	ok(r == RET(-4) || r == RET(-5), "CPU_ON of a running vCPU: ALREADY_ON/ON_PENDING (%lld)",
	   (s64)r);
	ok(wait_for(all_arrived), "every secondary ran");
	for (i = 1; i < NR; i++)
		mpidrs += (seen_mpidr[i] & 0xff00ffffffULL) == i;
	ok(mpidrs == NR - 1, "each saw its own MPIDR");
	for (i = 1; i < NR; i++)
		gic_send_sgi(i, SGI);
	ok(wait_for(all_got_sgi), "an SGI to each (trapped ICC_SGI1R_EL1) ends its WFI");
	ok(wait_for(all_off), "AFFINITY_INFO: all OFF after their CPU_OFF");
	ok(start_secondary(1) == 0 && wait_for(second_arrival), "vCPU 1 starts again after CPU_OFF");
	return tap_done();
}
