/*
 * The demo guest of `make run ARCH=arm64` (configs/default-arm64.dts):
 * one of each kind of exit, told on its console, then PSCI SYSTEM_OFF.
 * Its name comes from the command line in its generated DTB.
 */
#include <guest/guest.h>
#include <lib/printf.h>
#include <lib/string.h>

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_ISTATUS	BIT(2)

static void read_nowhere(void *arg)
{
	*(u32 *)arg = mmio_read32(GUEST_NOWHERE);
}

/* WFI until the virtual timer fires, its interrupt masked by PSTATE (no vGIC needed). */
static u64 wfi_for_timer(u64 ticks)
{
	u64 t0 = counter();

	write_sysreg(ticks, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	while (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS))
		__asm__ __volatile__("wfi" ::: "memory");
	write_sysreg(0, cntv_ctl_el0);
	return counter() - t0;
}

static volatile unsigned int timer_irqs;

static void timer_irq(u32 intid)
{
	timer_irqs++;
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

/* The same timer, its interrupt taken through the vGIC this time. */
static bool timer_interrupt(u64 ticks)
{
	u64 t0 = counter();

	gic_init_dist();
	gic_init_cpu(0);
	guest_irq_handler = timer_irq;
	gic_enable_irq(27, 0);
	write_sysreg(ticks, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	local_irq_enable();
	while (!timer_irqs && counter() - t0 < 100 * ticks)
		__asm__ __volatile__("wfi" ::: "memory");
	local_irq_disable();
	return timer_irqs;
}

int guest_main(const void *dtb)
{
	const char *name = guest_bootargs(dtb);
	char line[96];
	u64 v = 0, esr, freq = read_sysreg(cntfrq_el0);
	u32 nowhere = 0;

	printf("%s: hello from EL1, %u vCPU(s); this line is one PL011 MMIO exit per byte\n", name,
	       guest_nr_cpus(dtb));
	snprintf(line, sizeof(line), "%s: this line came through the console hypercall", name);
	hv_console_write(line, strlen(line));
	printf("%s: PSCI version %#llx (an HVC answered in the hypervisor)\n", name,
	       hvc(PSCI_VERSION, 0, 0, 0));
	esr = expect_exception(read_nowhere, &nowhere);
	if (esr == ~0ULL)
		printf("%s: a read where no device is: %#x (the VMM ignores it)\n", name, nowhere);
	else
		printf("%s: a read where no device is: external abort, ESR_EL1 %#llx\n", name, esr);
	write_sysreg(freq, cntp_tval_el0);
	printf("%s: CNTP_CTL_EL0 %#llx, CNTP_TVAL_EL0 %lld (the emulated EL1 physical timer)\n",
	       name, read_sysreg(cntp_ctl_el0), (s64)read_sysreg(cntp_tval_el0));
	v = wfi_for_timer(freq / 100);
	printf("%s: WFI waited %llu us for the virtual timer\n", name, v * 1000000 / freq);
	printf("%s: %s\n", name, timer_interrupt(freq / 200) ?
	       "the virtual timer's interrupt (PPI 27) came through the vGIC" :
	       "no virtual timer interrupt");
	printf("%s: done; powering off through PSCI SYSTEM_OFF\n", name);
	psci_system_off();
}

void guest_secondary(u64 cpu)
{
}
