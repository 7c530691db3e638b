/*
 * PSCI's system and CPU power calls from inside a 2-vCPU VM
 * (configs/power.dts), picked by the command line:
 *  - reset: SYSTEM_RESET restarts the VM, 3 times, then SYSTEM_OFF. Each
 *    life checks that it starts as the first did: its image as loaded
 *    (a .data word it changes), RAM cleared (a word it writes above the
 *    image), the vGIC and its timer reset (a virtual timer left firing
 *    by the previous life), vCPU 1 off and startable although it was
 *    left running. The count of lives survives in the VMM: each life
 *    makes one access to nothing, which the "ignore" policy counts;
 *  - psci-race: 10,000 CPU_ONs of vCPU 1 raced against its CPU_OFF;
 *    every SUCCESS is one start of vCPU 1, none lost, and CPU_OFF never
 *    returns (the library bails out if it does).
 */
#include <guest/guest.h>
#include <lib/string.h>

#define LIVES			4
#define RACE_ROUNDS		10000
#define MARK			(GUEST_RAM_BASE + 0x800000)
#define GICD_CTLR		0x08000000ULL
#define GICR_ISPENDR0		(0x080a0000ULL + 0x10000 + 0x0200)
#define VTIMER			27

#define PSCI_RET_ALREADY_ON	(-4)
#define PSCI_RET_ON_PENDING	(-5)
#define PSCI_AFF_OFF		1

static volatile u32 pristine = 0x5eed;
static volatile u32 mode_reset, secondary_up, entries;

static u64 ms(u64 n)
{
	return read_sysreg(cntfrq_el0) / 1000 * n;
}

static bool wait_until(volatile u32 *v, u32 want, u64 limit_ms)
{
	u64 t0 = counter();

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != want)
		if (counter() - t0 > ms(limit_ms))
			return false;
	return true;
}

/* What must hold at the start of every life; the first failure ends the VM. */
static void check_fresh_start(u32 life)
{
	u64 aff = hvc(PSCI_AFFINITY_INFO, 1, 0, 0);
	u32 mark = *(volatile u32 *)MARK;

	if (pristine != 0x5eed)
		bail_out("life %u: .data holds %#x, not the image's 0x5eed", life, pristine);
	if (mark)
		bail_out("life %u: RAM above the image holds %#x, not 0", life, mark);
	if (read_sysreg(cntv_ctl_el0) || read_sysreg(cntp_ctl_el0))
		bail_out("life %u: a timer is still enabled", life);
	if (mmio_read32(GICD_CTLR) != 0x50 || mmio_read32(GICR_ISPENDR0))
		bail_out("life %u: the vGIC is not in its reset state (CTLR %#x, ISPENDR0 %#x)", life,
			 mmio_read32(GICD_CTLR), mmio_read32(GICR_ISPENDR0));
	if (aff != PSCI_AFF_OFF)
		bail_out("life %u: vCPU 1's AFFINITY_INFO is %llu, not OFF", life, aff);
}

/* Leaves things for the next life to find reset: vCPU 1 running, a timer firing. */
static void dirty_everything(u32 life)
{
	s64 r = start_secondary(1);

	if (r || !wait_until(&secondary_up, 1, 2000))
		bail_out("life %u: vCPU 1 did not start (%lld)", life, r);
	pristine = 0xdead;
	*(volatile u32 *)MARK = 0xfeed0000 | life;
	gic_init_dist();
	gic_init_cpu(0);
	gic_enable_irq(VTIMER, 0);
	write_sysreg(1, cntv_tval_el0);
	write_sysreg(1, cntv_ctl_el0);
	write_sysreg(1000, cntp_tval_el0);
	write_sysreg(1, cntp_ctl_el0);
	isb();
	while (!(read_sysreg(cntv_ctl_el0) & 4))
		;
}

static int reset(void)
{
	u32 life = mmio_read32(GUEST_COUNTER) + 1;

	mode_reset = 1;
	check_fresh_start(life);
	diag("life %u of %u: image as loaded, RAM cleared, timers and vGIC reset, vCPU 1 off",
	     life, LIVES);
	dirty_everything(life);
	/* Counted by the VMM, which a reset does not touch: the next life's number. */
	mmio_write32(GUEST_NOWHERE, 0);
	if (life < LIVES) {
		hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
		bail_out("life %u: SYSTEM_RESET returned", life);
	}
	tap_plan(2);
	ok(life == LIVES, "%u lives, each started afresh by SYSTEM_RESET", life);
	ok(secondary_up == 1, "vCPU 1 started in the last life too");
	if (tap_done())
		guest_exit(1);
	psci_system_off();
}

static int psci_race(void)
{
	u32 successes = 0, odd = 0;
	s64 r;

	tap_plan(3);
	while (successes < RACE_ROUNDS) {
		r = start_secondary(1);
		if (!r)
			successes++;
		else if (r != PSCI_RET_ALREADY_ON && r != PSCI_RET_ON_PENDING)
			odd++;
		/* Round-robin TCG runs vCPU 1 only when this one yields. */
		__asm__ __volatile__("yield");
	}
	ok(wait_until(&entries, RACE_ROUNDS, 20000),
	   "%u CPU_ON SUCCESS, %u starts of vCPU 1: none lost", successes, entries);
	while (hvc(PSCI_AFFINITY_INFO, 1, 0, 0) != PSCI_AFF_OFF)
		;
	ok(entries == RACE_ROUNDS, "no start without a SUCCESS (%u)", entries);
	ok(odd == 0, "every other answer ALREADY_ON or ON_PENDING (%u odd)", odd);
	return tap_done();
}

int guest_main(const void *dtb)
{
	const char *what = guest_bootargs(dtb);

	if (!strcmp(what, "reset"))
		return reset();
	if (!strcmp(what, "psci-race"))
		return psci_race();
	bail_out("unknown part '%s'", what);
}

/* reset: stays on (and busy) until the reset; psci-race: straight back to CPU_OFF. */
void guest_secondary(u64 cpu)
{
	if (!mode_reset) {
		__atomic_fetch_add(&entries, 1, __ATOMIC_ACQ_REL);
		return;
	}
	__atomic_store_n(&secondary_up, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ __volatile__("wfe");
}
