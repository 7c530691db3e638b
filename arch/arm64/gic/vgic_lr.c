/*
 * List registers. They are rebuilt from memory at every entry and drained
 * back at every exit, so the memory state is the only truth while the
 * hypervisor runs and no LR can hold a stale interrupt across a change
 * made by another vCPU (which kicks this one to force the rebuild).
 *
 * Selection: active interrupts first (the guest must be able to
 * deactivate them), then pending ones by priority, then by INTID. With
 * more candidates than LRs, ICH_HCR_EL2.UIE asks for a maintenance
 * interrupt once at most one LR is left valid, and the next entry puts
 * in the next most urgent ones: each is delivered once, in priority order.
 */
#include "vgic_internal.h"

/* Caller holds d->lock. */
static bool vgic_lr_candidate(const struct vgic_dist *d, const struct vgic_cpu *cpu,
			      const struct vgic_irq *irq)
{
	if (irq->target != cpu->id || irq->lr_vcpu != VGIC_NO_VCPU)
		return false;
	return irq->active || vgic_irq_deliverable(d, irq);
}

/* True if @a must take an LR before @b. */
static bool vgic_lr_before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	if (a->active != b->active)
		return a->active;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

/* Keeps the @max most urgent candidates in @best, sorted; returns how many were seen. */
static u32 vgic_lr_select(struct vgic_dist *d, struct vgic_cpu *cpu, struct vgic_irq **best,
			  u32 max, u32 *nr_best)
{
	u32 seen = 0, n = 0, i, j;

	for (i = 0; i < VGIC_MAX_INTID; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, cpu, i);

		if (!vgic_lr_candidate(d, cpu, irq))
			continue;
		seen++;
		for (j = n; j > 0 && vgic_lr_before(irq, best[j - 1]); j--)
			if (j < max)
				best[j] = best[j - 1];
		if (j < max) {
			best[j] = irq;
			n = MIN(n + 1, max);
		}
	}
	*nr_best = n;
	return seen;
}

/*
 * A pending edge moves into the LR (the latch is taken); a level stays
 * pending in memory through its line. EOI maintenance is asked for
 * level-sensitive interrupts so that their source is re-sampled as soon
 * as the guest deactivates them, not at some later exit.
 */
static u64 vgic_lr_make(struct vgic_dist *d, struct vgic_irq *irq)
{
	u64 lr = irq->intid | (u64)irq->priority << ICH_LR_PRIORITY_SHIFT;

	if (irq->group1)
		lr |= ICH_LR_GROUP;
	if (vgic_irq_deliverable(d, irq))
		lr |= ICH_LR_PENDING;
	if (irq->active)
		lr |= ICH_LR_ACTIVE;
	if (irq->level_cfg || irq->hw)
		lr |= ICH_LR_EOI;
	irq->lr_latch = irq->latch && (lr & ICH_LR_PENDING);
	if (lr & ICH_LR_PENDING)
		irq->latch = false;
	return lr;
}

void vgic_flush_lrs(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = vcpu->irqchip;
	struct vgic_dist *d = vgic_of(vcpu->vm);
	struct vgic_irq *best[VGIC_MAX_LRS];
	u32 seen, n, i;

	spin_lock(&d->lock);
	seen = vgic_lr_select(d, cpu, best, d->nr_lrs, &n);
	for (i = 0; i < n; i++) {
		cpu->ich.lr[i] = vgic_lr_make(d, best[i]);
		best[i]->lr_vcpu = cpu->id;
		cpu->lr_irq[i] = best[i];
	}
	spin_unlock(&d->lock);
	for (; i < d->nr_lrs; i++)
		cpu->ich.lr[i] = 0;
	cpu->nr_used = n;
	cpu->ich.hcr = ICH_HCR_EN | ICH_HCR_LRENPIE | (seen > n ? ICH_HCR_UIE : 0);
	vgic_ich_load(&cpu->ich, d->nr_lrs);
}

/*
 * EOIcount counts the guest's EOIs of interrupts that were in no LR:
 * active ones that did not fit. With EOImode 0 each one deactivates the
 * highest-priority such interrupt, as the guest's running priority says.
 */
static void vgic_lr_eoicount(struct vgic_dist *d, struct vgic_cpu *cpu, u32 count)
{
	struct vgic_irq *top;
	u32 i;

	for (; count; count--) {
		top = NULL;
		for (i = 0; i < VGIC_MAX_INTID; i++) {
			struct vgic_irq *irq = vgic_get_irq(d, cpu, i);

			if (irq->target == cpu->id && irq->active &&
			    irq->lr_vcpu == VGIC_NO_VCPU && (!top || vgic_lr_before(irq, top)))
				top = irq;
		}
		if (!top)
			return;
		top->active = false;
	}
}

/* An interrupt the guest has deactivated whose source must hear of it. */
struct vgic_deactivated {
	u32 intid;
	bool hw;
};

/* Caller holds d->lock. Returns true if the guest deactivated it. */
static bool vgic_lr_drain(struct vgic_irq *irq, u64 lr)
{
	bool pending = lr & ICH_LR_PENDING, active = lr & ICH_LR_ACTIVE;

	irq->active = active;
	if (pending)
		irq->latch = irq->latch || !irq->level_cfg || irq->lr_latch;
	irq->lr_latch = false;
	irq->lr_vcpu = VGIC_NO_VCPU;
	return !pending && !active;
}

static void vgic_notify(struct vgic_cpu *cpu, const struct vgic_deactivated *done, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (done[i].hw)
			vgic_phys_unmask(done[i].intid);
		else if (done[i].intid >= VGIC_NR_SGIS && done[i].intid < VGIC_NR_PRIVATE &&
			 cpu->notify[done[i].intid - VGIC_NR_SGIS])
			cpu->notify[done[i].intid - VGIC_NR_SGIS](cpu->vcpu, done[i].intid);
	}
}

void vgic_sync_lrs(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = vcpu->irqchip;
	struct vgic_dist *d = vgic_of(vcpu->vm);
	struct vgic_deactivated done[VGIC_MAX_LRS];
	u32 i, n = 0, eoicount;

	vgic_ich_save(&cpu->ich, d->nr_lrs);
	eoicount = (u32)(cpu->ich.hcr >> ICH_HCR_EOICOUNT_SHIFT) & 0x1f;
	spin_lock(&d->lock);
	for (i = 0; i < cpu->nr_used; i++) {
		struct vgic_irq *irq = cpu->lr_irq[i];
		bool notify = irq->level_cfg || irq->hw;

		if (vgic_lr_drain(irq, cpu->ich.lr[i]) && notify)
			done[n++] = (struct vgic_deactivated){ irq->intid, irq->hw };
		cpu->lr_irq[i] = NULL;
	}
	vgic_lr_eoicount(d, cpu, eoicount);
	spin_unlock(&d->lock);
	cpu->nr_used = 0;
	cpu->ich.hcr = 0;
	vgic_notify(cpu, done, n);
}
