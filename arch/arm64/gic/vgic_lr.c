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
#include <core/percpu.h>
#include "vgic_internal.h"

/*
 * Per physical CPU: how many of its LRs may hold something since the
 * last load there, by whichever vCPU; all of them until the first (their
 * reset value is UNKNOWN). Only that CPU uses its entry, between entry
 * and exit, with interrupts masked.
 */
struct vgic_hw_lrs {
	bool known;
	u32 nr;
};
static struct vgic_hw_lrs cpu_lrs[MAX_CPUS];

static u32 vgic_lrs_to_write(const struct vgic_dist *d, u32 n)
{
	u32 cpu = cpu_id();

	if (cpu >= MAX_CPUS || !cpu_lrs[cpu].known)
		return d->nr_lrs;
	return MAX(n, cpu_lrs[cpu].nr);
}

static void vgic_lrs_written(u32 n)
{
	u32 cpu = cpu_id();

	if (cpu < MAX_CPUS)
		cpu_lrs[cpu] = (struct vgic_hw_lrs){ true, n };
}

/* Caller holds d->lock; @irq is one of @cpu's live interrupts. */
static bool vgic_lr_candidate(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (irq->lr_vcpu != VGIC_NO_VCPU)
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
	struct vgic_irq *live[VGIC_MAX_INTID];
	u32 seen = 0, n = 0, nr_live, i, j;

	nr_live = vgic_live_irqs(d, cpu, live);
	for (i = 0; i < nr_live; i++) {
		struct vgic_irq *irq = live[i];

		if (!vgic_lr_candidate(d, irq))
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
 * as the guest deactivates them, not at some later exit. The hardware
 * raises it only when the LR becomes invalid, so such an interrupt never
 * goes in active and pending at once: its deactivation must empty the LR.
 * The pending state waits in memory and is offered at the next entry.
 */
static u64 vgic_lr_make(struct vgic_dist *d, struct vgic_irq *irq)
{
	u64 lr = irq->intid | (u64)irq->priority << ICH_LR_PRIORITY_SHIFT;
	bool resample = irq->level_cfg || irq->hw;

	if (irq->group1)
		lr |= ICH_LR_GROUP;
	if (vgic_irq_deliverable(d, irq) && !(resample && irq->active))
		lr |= ICH_LR_PENDING;
	if (irq->active)
		lr |= ICH_LR_ACTIVE;
	if (resample)
		lr |= ICH_LR_EOI;
	irq->lr_latch = irq->latch && (lr & ICH_LR_PENDING);
	if (lr & ICH_LR_PENDING)
		irq->latch = false;
	return lr;
}

/*
 * How the guest is made to exit for more: underflow (at most one LR left
 * valid). With a single LR that would hold at once and never let the
 * guest run, so there it is "no LR pending" instead.
 */
static u64 vgic_lr_refill(const struct vgic_dist *d)
{
	return d->nr_lrs > 1 ? ICH_HCR_UIE : ICH_HCR_NPIE;
}

void vgic_flush_lrs(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = vcpu->irqchip;
	struct vgic_dist *d = vgic_of(vcpu->vm);
	struct vgic_irq *best[VGIC_MAX_LRS];
	u32 seen = 0, n = 0, i = 0, nr_write;

	if (vgic_cpu_clean(cpu))
		goto load;
	spin_lock(&d->lock);
	__atomic_store_n(&cpu->dirty, false, __ATOMIC_RELAXED);
	seen = vgic_lr_select(d, cpu, best, d->nr_lrs, &n);
	cpu->nr_candidates = seen;
	for (i = 0; i < n; i++) {
		cpu->ich.lr[i] = vgic_lr_make(d, best[i]);
		best[i]->lr_vcpu = cpu->id;
		cpu->lr_irq[i] = best[i];
	}
	spin_unlock(&d->lock);
load:
	/*
	 * The LRs past those the last load on this CPU filled are zero
	 * already (the guest cannot make an invalid LR valid): only the ones
	 * that may still hold something are rewritten, which saves most of
	 * the LR accesses of an exit with nothing to deliver.
	 */
	nr_write = vgic_lrs_to_write(d, n);
	for (; i < nr_write; i++)
		cpu->ich.lr[i] = 0;
	cpu->ich.hcr = ICH_HCR_EN | ICH_HCR_LRENPIE | (seen > n ? vgic_lr_refill(d) : 0);
	vgic_ich_load(&cpu->ich, nr_write);
	vgic_lrs_written(n);
	cpu->nr_used = n;
}

/*
 * EOIcount counts the guest's EOIs of interrupts that were in no LR:
 * active ones that did not fit. With EOImode 0 each one deactivates the
 * highest-priority such interrupt, as the guest's running priority says.
 * Such a deactivation is reported like one seen in an LR: a level
 * interrupt (the virtual timer keeps its interrupt masked at the timer
 * until then) or a hardware one (its physical twin stays masked) that
 * went unreported would never fire again. Returns how many went to @done.
 */
static u32 vgic_lr_eoicount(struct vgic_dist *d, struct vgic_cpu *cpu, u32 count,
			    struct vgic_deactivated *done)
{
	struct vgic_irq *live[VGIC_MAX_INTID], *top;
	u32 i, n, nr_done = 0;

	if (!count)
		return 0;
	n = vgic_live_irqs(d, cpu, live);
	for (; count; count--) {
		top = NULL;
		for (i = 0; i < n; i++) {
			struct vgic_irq *irq = live[i];

			if (irq->active && irq->lr_vcpu == VGIC_NO_VCPU &&
			    (!top || vgic_lr_before(irq, top)))
				top = irq;
		}
		if (!top)
			break;
		nr_done += vgic_deactivate(cpu, top, &done[nr_done]);
	}
	return nr_done;
}

/*
 * Caller holds d->lock. Returns true if the guest deactivated it. What
 * stays pending or active goes back to its target's live set (which may
 * no longer be this vCPU, if the guest re-routed it meanwhile).
 */
static bool vgic_lr_drain(struct vgic_dist *d, struct vgic_irq *irq, u64 lr)
{
	bool pending = lr & ICH_LR_PENDING, active = lr & ICH_LR_ACTIVE;

	irq->active = active;
	if (pending)
		irq->latch = irq->latch || !irq->level_cfg || irq->lr_latch;
	irq->lr_latch = false;
	irq->lr_vcpu = VGIC_NO_VCPU;
	vgic_irq_mark(d, irq);
	return !pending && !active;
}

void vgic_sync_lrs(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = vcpu->irqchip;
	struct vgic_dist *d = vgic_of(vcpu->vm);
	/* EOIcount is 5 bits wide: at most 31 deactivations besides the LRs'. */
	struct vgic_deactivated done[VGIC_MAX_LRS + 31];
	u32 i, n, eoicount;

	/* Only the LRs this entry filled can hold anything. */
	vgic_ich_save(&cpu->ich, cpu->nr_used);
	eoicount = (u32)(cpu->ich.hcr >> ICH_HCR_EOICOUNT_SHIFT) & 0x1f;
	cpu->ich.hcr = 0;
	/* Nothing was in the LRs and the guest completed nothing: no state to bring back. */
	if (!cpu->nr_used && !eoicount)
		return;
	spin_lock(&d->lock);
	/* First, while the interrupts in LRs are still marked so and cannot be picked. */
	n = vgic_lr_eoicount(d, cpu, eoicount, done);
	for (i = 0; i < cpu->nr_used; i++) {
		struct vgic_irq *irq = cpu->lr_irq[i];

		if (vgic_lr_drain(d, irq, cpu->ich.lr[i]))
			n += vgic_deactivate(cpu, irq, &done[n]);
		cpu->lr_irq[i] = NULL;
	}
	/* What came back from the LRs is to be scanned again at the next entry. */
	__atomic_store_n(&cpu->dirty, true, __ATOMIC_RELAXED);
	spin_unlock(&d->lock);
	cpu->nr_used = 0;
	vgic_notify_deactivated(done, n);
}
