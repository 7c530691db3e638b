#include <core/arch.h>
#include <core/percpu.h>
#include <asm/gic.h>
#include <asm/guest.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/time.h>

/* The hypervisor's own SGIs. */
#define SGI_KICK		0
#define SGI_STOP		1

/* Acknowledged per wake-up at most, so that an interrupt storm cannot hold a CPU here. */
#define ACKS_PER_WAKE		16

struct percpu *arch_this_cpu(void)
{
	return (struct percpu *)read_sysreg(tpidr_el2);
}

/*
 * Acknowledges and completes what is pending at this CPU's interface: a
 * kick needs no handling (its sender posted a request that the woken
 * code re-checks), the stop SGI stops the CPU, the EL2 timer, level
 * triggered, is disabled so that it stops asserting (the software timers
 * that programmed it run from timer_run_expired(), which re-arms it), and
 * a guest's interrupt goes to its vGIC (arm64_guest_irq()).
 */
void arm64_host_irqs(void)
{
	unsigned int i;
	u32 intid;

	if (!gic_ready())
		return;
	for (i = 0; i < ACKS_PER_WAKE; i++) {
		intid = gic_ack();
		if (intid == GIC_INTID_SPURIOUS)
			break;
		if (intid == GIC_INTID_HYP_TIMER)
			arm64_host_timer_stop();
		else if (arm64_guest_irq(intid))
			continue;
		gic_eoi(intid);
		if (intid == SGI_STOP)
			arch_cpu_stop();
	}
}

/*
 * Interrupts stay masked (PSTATE.I) at EL2: WFI still returns once an
 * interrupt is pending, and pending it stays until acknowledged, so a
 * kick that lands between the caller's last check and the WFI is not
 * lost.
 */
void arch_cpu_wait(void)
{
	dsb(sy);
	__asm__ __volatile__("wfi" ::: "memory");
	arm64_host_irqs();
}

void arch_cpu_kick(unsigned int cpu)
{
	if (cpu >= MAX_CPUS || !gic_ready())
		return;
	/* The request the caller posted must be visible before the SGI can wake the target. */
	dsb(ishst);
	gic_send_sgi(percpu_data[cpu].hw_id, SGI_KICK);
}

/*
 * With its CPU interface off nothing wakes the WFI, so a stopped CPU
 * does not spin through the loop on a pending SGI (which, under QEMU,
 * would take host time from the CPUs still working).
 */
__noreturn void arch_cpu_stop(void)
{
	__asm__ __volatile__("msr daifset, #0xf" ::: "memory");
	if (gic_ready())
		gic_disable_cpu();
	for (;;)
		__asm__ __volatile__("wfi" ::: "memory");
}

/*
 * The others stop in arch_cpu_wait(): a CPU busy in the hypervisor with
 * interrupts masked notices only when it next waits (or, once guests
 * run, at its next exit).
 */
void arch_stop_other_cpus(void)
{
	if (!gic_ready())
		return;
	dsb(ishst);
	gic_send_sgi_others(SGI_STOP);
}
