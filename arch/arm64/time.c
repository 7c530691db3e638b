#include <core/arch.h>
#include <core/percpu.h>
#include <lib/errno.h>
#include <asm/sysreg.h>
#include <asm/time.h>

#define NSEC_PER_SEC	1000000000ULL

/* Written once on the boot CPU before the other CPUs start. */
static u64 timer_freq;

int arm64_time_init(const struct fdt *f)
{
	int node;
	u32 freq;

	timer_freq = read_sysreg(cntfrq_el0) & GENMASK(31, 0);
	if (timer_freq)
		return 0;
	node = f->blob ? fdt_find_compatible(f, -1, "arm,armv8-timer") : -ENOENT;
	if (node >= 0 && !fdt_prop_u32(f, node, "clock-frequency", &freq))
		timer_freq = freq;
	return timer_freq ? 0 : -ENODEV;
}

/*
 * Split so that nothing overflows: (cnt % freq) * 10^9 stays below
 * 2^64 for any frequency up to 18 GHz, and the counter runs at 1 GHz at
 * most (ARMv8.6).
 */
u64 arch_time_ns(void)
{
	u64 cnt;

	if (!timer_freq)
		return 0;
	isb();
	cnt = read_sysreg(cntpct_el0);
	return cnt / timer_freq * NSEC_PER_SEC + cnt % timer_freq * NSEC_PER_SEC / timer_freq;
}

#define CNTHP_CTL_ENABLE	BIT(0)

/* Whether each CPU's EL2 timer is enabled; only that CPU touches its slot. */
static bool host_timer_on[MAX_CPUS];

/* @ns on the physical counter, split like arch_time_ns() so that nothing overflows. */
static u64 ns_to_ticks(u64 ns)
{
	return ns / NSEC_PER_SEC * timer_freq + ns % NSEC_PER_SEC * timer_freq / NSEC_PER_SEC;
}

/*
 * The EL2 physical timer (CNTHP_*, PPI 26): the guest owns the virtual
 * timer and the EL1 physical one is trapped, so this one is the
 * hypervisor's alone. A deadline in the past fires at once.
 */
void arch_timer_program(u64 deadline_ns)
{
	if (!deadline_ns || !timer_freq) {
		/* The run loop cancels before every entry: skip the write when already off. */
		if (host_timer_on[cpu_id()])
			arm64_host_timer_stop();
		return;
	}
	write_sysreg(ns_to_ticks(deadline_ns), cnthp_cval_el2);
	write_sysreg(CNTHP_CTL_ENABLE, cnthp_ctl_el2);
	isb();
	host_timer_on[cpu_id()] = true;
}

void arm64_host_timer_stop(void)
{
	write_sysreg(0, cnthp_ctl_el2);
	isb();
	host_timer_on[cpu_id()] = false;
}
