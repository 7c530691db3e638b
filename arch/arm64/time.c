#include <core/arch.h>
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
