/*
 * The guest's two EL1 timers.
 *
 * The virtual timer is the hardware's: the guest reads and writes
 * CNTV_CTL/CVAL_EL0 directly (CNTHCTL_EL2 cannot trap them without
 * ECV), so everything in those registers is the guest's own. Its PPI
 * fires at EL2 (IMO); the hypervisor's masking while the interrupt is in
 * flight is the PPI's enable bit at this CPU's redistributor, state the
 * guest cannot see. Writing CNTV_CTL.IMASK instead, as this file once
 * did, leaks the mask into what the guest reads and lets a deactivation
 * clear a mask the guest set itself: a guest whose handler masks with
 * IMASK and EOIs was then interrupted again at once, for ever.
 *
 * The EL1 physical timer is emulated: CNTHCTL_EL2.EL1PCEN clear traps
 * CNTP_CTL/CVAL/TVAL_EL0 (EC 0x18), the state lives in the vCPU and a
 * host timer stands for its deadline. Handing it to the guest would need
 * the host's EL2 to give up its own use of the physical timer's
 * interrupt line on that CPU and a CNTPOFF (ECV) to make it per VM;
 * trapping costs an exit per access, which guests make a few per tick.
 * The guest's physical counter is the host's (no offset without ECV):
 * CNTPCT_EL0 stays readable (EL1PCTEN); so is its virtual counter
 * (CNTVOFF_EL2 is 0, see arm64_vcpu_load()), so that the two agree.
 *
 * Both lines are level-sensitive PPIs in the vGIC: high exactly while
 * ENABLE and not IMASK and the compare value is reached.
 */
#include <core/arch.h>
#include <asm/gic.h>
#include <asm/guest.h>
#include <asm/sysreg.h>
#include <asm/vgic.h>
#include <asm/vtimer_deadline.h>

static bool timer_condition(u64 ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
	       (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

/* ---- virtual timer ---- */

/*
 * Its physical PPI was acknowledged at EL2 on the vCPU's CPU: masked at
 * the redistributor until the guest's condition is found false again,
 * and the virtual line raised.
 */
void arm64_vtimer_fired(struct arm64_vcpu *av)
{
	gic_disable_ppi(VGIC_VTIMER_INTID);
	av->vtimer_masked = true;
	vgic_set_irq(av->vcpu->vm, av->vcpu, VGIC_VTIMER_INTID, true);
}

/*
 * After every exit that synced the vGIC: while the hypervisor masks the
 * PPI, the line follows the guest's view. Once the guest has masked,
 * disabled or re-armed its timer (usually in the handler, before the EOI
 * whose maintenance exit brings us here) the line drops and the PPI is
 * unmasked; while the condition still holds the line stays high, so the
 * interrupt is pending again after deactivation, as a level should be.
 * Runs on the vCPU's own CPU, where its timer is loaded.
 */
void arm64_vtimer_sync(struct arm64_vcpu *av)
{
	if (!av->vtimer_masked || timer_condition(read_sysreg(cntv_ctl_el0)))
		return;
	vgic_set_irq(av->vcpu->vm, av->vcpu, VGIC_VTIMER_INTID, false);
	av->vtimer_masked = false;
	gic_enable_ppi(VGIC_VTIMER_INTID);
}

/*
 * A WFI wake-up event even when the guest's GIC would not signal it (its
 * interrupt disabled there, or already in flight): the loaded vCPU's
 * virtual timer meets the guest's condition. WFI may end early; a guest
 * that polls its timer around WFI with interrupts masked relies on no
 * more, and would otherwise sleep for ever.
 */
bool arm64_vtimer_pending(const struct arm64_vcpu *av)
{
	return timer_condition(read_sysreg(cntv_ctl_el0));
}

/*
 * The virtual timer's deadline on the host's clock, so that a WFI wait
 * ends when the guest's timer would fire. Disabled, masked by the guest,
 * or already in flight (the vGIC has it): no wake-up.
 */
void arm64_vtimer_arm_wfi(struct arm64_vcpu *av)
{
	u64 ctl = read_sysreg(cntv_ctl_el0), ns;

	if (av->vtimer_masked || (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return;
	ns = vtimer_deadline_ns(read_sysreg(cntv_cval_el0), read_sysreg(cntvoff_el2),
				read_sysreg(cntfrq_el0) & GENMASK(31, 0));
	if (ns == VTIMER_NEVER)	/* beyond the host clock's range: no wake-up either */
		return;
	timer_arm(&av->wfi_timer, MAX(ns, 1ULL));
}

/* ---- EL1 physical timer ---- */

static u64 ptimer_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static u64 ptimer_ctl(const struct arm64_vcpu *av)
{
	u64 ctl = av->ptimer.ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK);

	if ((ctl & CNT_CTL_ENABLE) && ptimer_now() >= av->ptimer.cval)
		ctl |= CNT_CTL_ISTATUS;
	return ctl;
}

/*
 * The line from the guest's state now, and the host timer for the moment
 * it will rise if it is low. Called on the vCPU's CPU (the host timer is
 * armed there) after every change the guest makes, and when the host
 * timer fires.
 */
static void ptimer_update(struct arm64_vcpu *av)
{
	u64 ctl = ptimer_ctl(av), ns;
	bool level = timer_condition(ctl);

	if (av->ptimer.timer.armed)
		timer_cancel(&av->ptimer.timer);
	if (level != av->ptimer.level) {
		av->ptimer.level = level;
		vgic_set_irq(av->vcpu->vm, av->vcpu, VGIC_PTIMER_INTID, level);
	}
	if (level || (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return;
	ns = vtimer_deadline_ns(av->ptimer.cval, 0, read_sysreg(cntfrq_el0) & GENMASK(31, 0));
	if (ns != VTIMER_NEVER)
		timer_arm(&av->ptimer.timer, MAX(ns, 1ULL));
}

static void ptimer_expired(struct timer *t)
{
	ptimer_update(container_of(t, struct arm64_vcpu, ptimer.timer));
}

void arm64_ptimer_init(struct arm64_vcpu *av)
{
	timer_init(&av->ptimer.timer, ptimer_expired);
}

/* Out of reset the timer is disabled and its line low; on the vCPU's own CPU. */
void arm64_ptimer_reset(struct arm64_vcpu *av)
{
	av->ptimer.ctl = 0;
	av->ptimer.cval = 0;
	ptimer_update(av);
}

/* Before the vCPU goes: a host timer must leave its CPU's list on that CPU. */
void arm64_ptimer_stop(struct arm64_vcpu *av)
{
	if (av->ptimer.timer.armed)
		timer_cancel(&av->ptimer.timer);
}

u64 arm64_ptimer_read(struct arm64_vcpu *av, enum arm64_ptimer_reg reg)
{
	switch (reg) {
	case PTIMER_CTL:
		return ptimer_ctl(av);
	case PTIMER_CVAL:
		return av->ptimer.cval;
	default:
		/* TVAL: the signed 32-bit distance to the compare value. */
		return (u64)(s64)(s32)(u32)(av->ptimer.cval - ptimer_now());
	}
}

void arm64_ptimer_write(struct arm64_vcpu *av, enum arm64_ptimer_reg reg, u64 val)
{
	switch (reg) {
	case PTIMER_CTL:
		/* ISTATUS is read-only; the other bits are RES0. */
		av->ptimer.ctl = val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	case PTIMER_CVAL:
		av->ptimer.cval = val;
		break;
	default:
		av->ptimer.cval = ptimer_now() + (u64)(s64)(s32)(u32)val;
		break;
	}
	ptimer_update(av);
}
