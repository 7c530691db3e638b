/*
 * Physical SPIs passed through to the VM the configuration gives them to
 * (guest INTID = physical INTID). The physical SPI is routed to the CPU
 * of the vCPU the guest routes it to. When it fires it is masked at the
 * distributor and EOIed at EL2, and made pending in the VM; the guest's
 * deactivation (an EOI maintenance exit, see vgic_lr.c) unmasks it. A
 * level-sensitive device that still asserts its line then fires again,
 * so no ICH_LR_HW/EOImode split is needed on the host.
 */
#include <core/percpu.h>
#include <lib/errno.h>
#include <asm/gic.h>
#include "vgic_internal.h"

/* Which VM owns each SPI; the lock orders claims, releases and lookups. */
static struct vm *spi_owner[VGIC_NR_SPIS];
static spinlock_t owner_lock = SPINLOCK_INIT;

static bool is_spi(u32 intid)
{
	return intid >= VGIC_NR_PRIVATE && intid < VGIC_MAX_INTID;
}

int vgic_phys_claim(struct vm *vm, u32 intid)
{
	struct vgic_dist *d = vgic_of(vm);
	int err = 0;

	spin_lock(&owner_lock);
	if (spi_owner[intid - VGIC_NR_PRIVATE])
		err = -EEXIST;
	else
		spi_owner[intid - VGIC_NR_PRIVATE] = vm;
	spin_unlock(&owner_lock);
	if (!err)
		d->spis[intid - VGIC_NR_PRIVATE].hw = true;
	return err;
}

int vgic_assign_spi(struct vm *vm, u32 intid)
{
	int err;

	if (!is_spi(intid))
		return -EINVAL;
	spin_lock(&vm->lock);
	if (vm->state != VM_CREATED)
		err = -EBUSY;
	else if (!vgic_of(vm))
		err = -ENODEV;
	else if (vgic_of(vm)->spis[intid - VGIC_NR_PRIVATE].hw)
		err = -EALREADY;
	else
		err = vgic_phys_claim(vm, intid);
	spin_unlock(&vm->lock);
	return err;
}

/* Caller holds d->lock. Masked while the guest routes it nowhere. */
void vgic_phys_route(struct vgic_dist *d, struct vgic_irq *irq)
{
	struct vcpu *vcpu;

	if (irq->target == VGIC_NO_VCPU || irq->target >= d->nr_cpus) {
		gic_spi_disable(irq->intid);
		return;
	}
	vcpu = d->cpus[irq->target]->vcpu;
	gic_spi_route(irq->intid, percpu_data[vcpu->pcpu].hw_id);
	/* Unmasked only when the guest holds no instance of it. */
	if (!irq->active && !vgic_irq_pending(irq) && irq->lr_vcpu == VGIC_NO_VCPU)
		gic_spi_enable(irq->intid);
}

void vgic_phys_unmask(u32 intid)
{
	gic_spi_enable(intid);
}

/* From vgic_vm_destroy(): the SPIs go back to nobody, masked. */
void vgic_phys_release_all(struct vgic_dist *d)
{
	u32 i;

	spin_lock(&owner_lock);
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		if (spi_owner[i] != d->vm)
			continue;
		gic_spi_disable(VGIC_NR_PRIVATE + i);
		spi_owner[i] = NULL;
	}
	spin_unlock(&owner_lock);
}

/*
 * The owner lock is held while the VM's state is touched, so that
 * vgic_vm_destroy() (which takes it first) cannot free the VM under us.
 * A VM that is not FINALIZED has no routes yet; its SPI stays masked.
 */
bool vgic_handle_phys_irq(u32 intid)
{
	struct vm *vm;
	u32 kick = 0;

	if (!is_spi(intid))
		return false;
	spin_lock(&owner_lock);
	vm = spi_owner[intid - VGIC_NR_PRIVATE];
	if (vm) {
		struct vgic_dist *d = vgic_of(vm);
		struct vgic_irq *irq = &d->spis[intid - VGIC_NR_PRIVATE];

		gic_spi_disable(intid);
		gic_eoi(intid);
		spin_lock(&d->lock);
		irq->latch = true;
		vgic_irq_mark(d, irq);
		if (irq->target != VGIC_NO_VCPU && d->nr_cpus)
			kick = BIT(irq->target);
		vgic_unlock_kick(d, kick);
	}
	spin_unlock(&owner_lock);
	return vm != NULL;
}
