/*
 * SGIs the guest raises through ICC_SGI1R_EL1, ICC_ASGI1R_EL1 and
 * ICC_SGI0R_EL1, which HCR_EL2.IMO/FMO trap to EL2: by affinity
 * (Aff3.Aff2.Aff1 and a 16-bit Aff0 list offset by RS * 16), or with IRM
 * to every vCPU but the sender. The three share one format.
 */
#include <lib/errno.h>
#include "vgic_internal.h"

static u64 sgi1r_field(u64 val, u32 shift, u64 mask)
{
	return (val >> shift) & mask;
}

/* The vCPUs named by the target list, as a mask; names with no vCPU are ignored. */
static u32 sgi1r_targets(const struct vgic_dist *d, const struct vcpu *src, u64 val)
{
	u64 list = sgi1r_field(val, ICC_SGI1R_TARGETS_SHIFT, ICC_SGI1R_TARGETS_MASK);
	u64 rs = sgi1r_field(val, ICC_SGI1R_RS_SHIFT, ICC_SGI1R_RS_MASK);
	u64 upper = sgi1r_field(val, ICC_SGI1R_AFF3_SHIFT, ICC_SGI1R_AFF_FIELD) << 32 |
		    sgi1r_field(val, ICC_SGI1R_AFF2_SHIFT, ICC_SGI1R_AFF_FIELD) << 16 |
		    sgi1r_field(val, ICC_SGI1R_AFF1_SHIFT, ICC_SGI1R_AFF_FIELD) << 8;
	u32 mask = 0, t, id;

	if (val & ICC_SGI1R_IRM)
		return ((u32)BIT(d->nr_cpus) - 1) & ~(u32)BIT(src->id);
	for (t = 0; t < 16; t++) {
		if (!(list & BIT(t)))
			continue;
		id = vgic_vcpu_by_affinity(d, upper | (rs * 16 + t));
		if (id != VGIC_NO_VCPU)
			mask |= BIT(id);
	}
	return mask;
}

/*
 * The GIC has one security state here (GICD_CTLR.DS = 1): SGI1R raises
 * the SGI whatever its group at the target; SGI0R raises it only where
 * it is Group 0, and so does ASGI1R, whose "other" Group 1 does not
 * exist with one security state (GICv3 spec, "Forwarding an SGI to a
 * target PE"; KVM does the same).
 */
int vgic_sgi_write(struct vcpu *vcpu, u64 val, bool group0_only)
{
	struct vgic_dist *d = vgic_of(vcpu->vm);
	u32 intid = (u32)sgi1r_field(val, ICC_SGI1R_INTID_SHIFT, ICC_SGI1R_INTID_MASK);
	u32 targets, kick = 0, i;

	if (!d || !vcpu->irqchip)
		return -ENODEV;
	targets = sgi1r_targets(d, vcpu, val);
	spin_lock(&d->lock);
	for (i = 0; i < d->nr_cpus; i++) {
		struct vgic_irq *irq = &d->cpus[i]->priv[intid];

		if (!(targets & BIT(i)) || (group0_only && irq->group1))
			continue;
		irq->latch = true;
		vgic_irq_mark(d, irq);
		kick |= BIT(i);
	}
	vgic_unlock_kick(d, kick);
	return 0;
}
