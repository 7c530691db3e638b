#ifndef ARM64_GIC_VGIC_INTERNAL_H
#define ARM64_GIC_VGIC_INTERNAL_H

#include <asm/vgic.h>
#include <lib/bitmap.h>
#include <lib/spinlock.h>
#include "gicv3_regs.h"

/*
 * The vGIC's own structures, shared by vgic*.c only.
 *
 * Locking: one lock per VM (vgic_dist.lock) protects every vgic_irq of
 * the VM, private ones included (an SGI from one vCPU writes another's),
 * and the distributor's registers. It nests inside vm->lock (finalize).
 * A vCPU's ICH state and its LR bookkeeping belong to that vCPU's thread.
 */

#define VGIC_NO_VCPU		0xffffffffu
#define VGIC_PRIO_MASK		0xf8u		/* 5 priority bits, as ICH_VTR_EL2 offers */

/* The guest's GICD_CTLR: one security state (DS = 1), affinity routing only. */
#define GICD_CTLR_GRP0		BIT(0)
#define GICD_CTLR_GRP1		BIT(1)

struct vgic_irq {
	u32 intid;
	u32 target;		/* vCPU id it is delivered to, or VGIC_NO_VCPU */
	u32 lr_vcpu;		/* vCPU whose LRs hold it while it runs, or VGIC_NO_VCPU */
	u64 route;		/* SPI: GICD_IROUTER as written */
	u8 priority;
	bool group1;
	bool enabled;
	bool level_cfg;		/* level-sensitive; else edge-triggered */
	bool latch;		/* edge seen, or pending set by software */
	bool line;		/* the input line's level */
	bool active;
	bool lr_latch;		/* the latch that went into the LR at flush */
	bool hw;		/* a physical SPI passed through */
};

struct vgic_cpu {
	struct vcpu *vcpu;
	u32 id;
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	u32 waker;
	vgic_deactivate_fn notify[VGIC_NR_PRIVATE - VGIC_NR_SGIS];

	/*
	 * Set (atomic, under the lock) by any change that may alter what
	 * this vCPU's LRs should hold; cleared by its flush, which scans.
	 */
	bool dirty;
	/*
	 * Under the lock: the interrupts (private INTIDs and SPIs) that may
	 * be pending or active for this vCPU, a superset that the scans of
	 * vgic_lr.c trim, so that they look at these and not at all 128.
	 */
	u64 live[BITMAP_WORDS(VGIC_MAX_INTID)];

	/* Owned by the vCPU's thread. */
	struct vgic_ich_state ich;
	struct vgic_irq *lr_irq[VGIC_MAX_LRS];
	u32 nr_used;
	u32 nr_candidates;	/* what the last scan found */
};

struct vgic_dist {
	struct vm *vm;
	spinlock_t lock;
	u64 dist_base;
	u64 redist_base;
	u32 ctlr;
	u32 nr_cpus;
	u32 nr_lrs;
	u32 pre_bits;
	struct vgic_irq spis[VGIC_NR_SPIS];
	struct vgic_cpu *cpus[VM_MAX_VCPUS];
};

static inline struct vgic_dist *vgic_of(const struct vm *vm)
{
	return vm->irqchip;
}

static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->latch || (irq->level_cfg && irq->line);
}

/*
 * Caller holds d->lock, after any change to @irq: a pending or active
 * interrupt is put in its target vCPU's live set.
 */
static inline void vgic_irq_mark(struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (irq->target < d->nr_cpus && (vgic_irq_pending(irq) || irq->active))
		bitmap_set(d->cpus[irq->target]->live, irq->intid);
}

/* Still @cpu's to look at: routed to it, and pending, active or in some vCPU's LRs. */
static inline bool vgic_irq_live(const struct vgic_cpu *cpu, const struct vgic_irq *irq)
{
	return irq->target == cpu->id &&
	       (vgic_irq_pending(irq) || irq->active || irq->lr_vcpu != VGIC_NO_VCPU);
}

/*
 * Fills @out (VGIC_MAX_INTID entries) with @cpu's live interrupts in
 * INTID order, dropping from its set those no longer live; returns how
 * many. Caller holds d->lock.
 */
u32 vgic_live_irqs(struct vgic_dist *d, struct vgic_cpu *cpu, struct vgic_irq **out);

/* Pending, enabled, and its group enabled at the distributor: may go to an LR. */
bool vgic_irq_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq);

/* The interrupt @intid as seen by @cpu (NULL: an SPI), or NULL if out of range. */
struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct vgic_cpu *cpu, u32 intid);

/* SGIs edge, PPIs level, everything disabled, Group 1, priority 0. */
void vgic_reset_irq(struct vgic_irq *irq, u32 intid, u32 target);

/* The vCPU whose affinity (Aff3.Aff2.Aff1.Aff0 in MPIDR layout) is @aff, or VGIC_NO_VCPU. */
u32 vgic_vcpu_by_affinity(const struct vgic_dist *d, u64 aff);

/* Drops d->lock and kicks every vCPU of @mask (bit n: vCPU n). */
void vgic_unlock_kick(struct vgic_dist *d, u32 mask);

/*
 * Nothing for @cpu since its last scan found nothing: no interrupt can be
 * pending or active for it. For its own thread only.
 */
static inline bool vgic_cpu_clean(const struct vgic_cpu *cpu)
{
	return !__atomic_load_n(&cpu->dirty, __ATOMIC_ACQUIRE) && !cpu->nr_candidates;
}

/* Routes SPI @irq to vCPU @target (and its physical twin to that vCPU's CPU). */
void vgic_spi_set_target(struct vgic_dist *d, struct vgic_irq *irq, u32 target);

/*
 * An interrupt the guest has deactivated whose source must hear of it:
 * a level line to re-sample, or a passed-through SPI whose physical twin
 * stays masked until then. @cpu is the vCPU whose PPI it is.
 */
struct vgic_deactivated {
	struct vgic_cpu *cpu;
	u32 intid;
	bool hw;
};

/*
 * Every way the guest deactivates (an LR drained, EOIcount, a write to
 * ICACTIVER) goes through here, so that none forgets the source. Caller
 * holds d->lock; clears @irq's active state and, if its source must hear
 * of it, records it in @done. Returns how many went to @done (0 or 1).
 */
u32 vgic_deactivate(struct vgic_cpu *cpu, struct vgic_irq *irq, struct vgic_deactivated *done);

/* Tells the sources of @done; called with d->lock dropped (the hooks may raise lines). */
void vgic_notify_deactivated(const struct vgic_deactivated *done, u32 n);

/* The MMIO handlers (vgic_mmio.c), registered by vgic_add_regions(). */
extern const struct vm_mmio_ops vgic_dist_ops;
extern const struct vm_mmio_ops vgic_redist_ops;

/* Passthrough SPIs (vgic_phys.c). */
int vgic_phys_claim(struct vm *vm, u32 intid);
void vgic_phys_release_all(struct vgic_dist *d);
void vgic_phys_route(struct vgic_dist *d, struct vgic_irq *irq);
void vgic_phys_unmask(u32 intid);

#endif
