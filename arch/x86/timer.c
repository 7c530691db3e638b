/*
 * arch_timer_program(): the one host timer of each CPU, the local APIC's
 * one-shot counter. Its interrupt only wakes the CPU from arch_cpu_wait()
 * or ends guest mode; core/timer.c runs what expired at a safe point.
 */
#include <asm/x86.h>
#include <core/arch.h>
#include <core/percpu.h>

#define NSEC_PER_SEC	1000000000ULL

/*
 * This CPU's logical number in one load: %gs points at its struct percpu
 * (desc.c), the same as cpu_id() reads through two calls. The run loop
 * reaches arch_timer_program() on every trip through core.
 */
static inline unsigned int this_cpu_id(void)
{
	u32 id;

	__asm__ ("movl %%gs:%c1, %0" : "=r"(id) : "i"(offsetof(struct percpu, cpu_id)));
	return id;
}

/* What this CPU's counter is counting towards; 0 once it fired or was stopped. */
static u64 programmed[MAX_CPUS];

/*
 * Called on every exit through core's timer_run_expired(): re-arming the
 * same deadline is skipped, which saves an APIC write per exit. Rounded
 * up, so that the interrupt never comes before the deadline it is for.
 */
void arch_timer_program(u64 deadline_ns)
{
	unsigned int cpu = this_cpu_id();
	u64 now, delta, ticks;

	if (deadline_ns == programmed[cpu])
		return;
	programmed[cpu] = deadline_ns;
	if (!deadline_ns) {
		lapic_timer_start(0);
		return;
	}
	now = arch_time_ns();
	delta = deadline_ns > now ? deadline_ns - now : 0;
	/* Split at whole seconds: delta * hz would overflow beyond ~4 s at 4 GHz. */
	ticks = delta / NSEC_PER_SEC * lapic_timer_hz() +
		delta % NSEC_PER_SEC * lapic_timer_hz() / NSEC_PER_SEC + 1;
	lapic_timer_start((u32)MIN(ticks, 0xffffffffULL));
}

/* Set by the timer's interrupt, cleared once core has had the chance to run the timers. */
static volatile bool fired[MAX_CPUS];

/* A spent one-shot must be armed again even for the same deadline (it fired early). */
void x86_timer_fired(void)
{
	programmed[cpu_id()] = 0;
	fired[cpu_id()] = true;
}

volatile bool *x86_timer_fired_flag(void)
{
	return &fired[cpu_id()];
}
