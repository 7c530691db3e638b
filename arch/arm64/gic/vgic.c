/*
 * The vGIC's lifecycle (tied to the VM's barrier, see asm/vgic.h) and the
 * interrupt state every other vgic*.c file works on.
 */
#include <core/heap.h>
#include <lib/errno.h>
#include <lib/string.h>
#include "vgic_internal.h"

void vgic_reset_irq(struct vgic_irq *irq, u32 intid, u32 target)
{
	memset(irq, 0, sizeof(*irq));
	irq->intid = intid;
	irq->target = target;
	irq->lr_vcpu = VGIC_NO_VCPU;
	/*
	 * Group 1 out of reset, as KVM does: a guest that never writes
	 * IGROUPR (most treat every interrupt as Group 1) must not see them
	 * arrive as FIQs.
	 */
	irq->group1 = true;
	/*
	 * SGIs are edges; PPIs are wired to level-sensitive sources (the
	 * timers); SPIs start level-sensitive as the VMM's devices are (the
	 * guest may make them edges).
	 */
	irq->level_cfg = intid >= VGIC_NR_SGIS;
}

static bool frame_base_ok(u64 base)
{
	return base && IS_ALIGNED(base, VGIC_FRAME_ALIGN);
}

static struct vgic_dist *vgic_dist_alloc(struct vm *vm)
{
	struct vgic_dist *d = kzalloc(sizeof(*d));
	u32 i;

	if (!d)
		return NULL;
	d->vm = vm;
	spin_lock_init(&d->lock);
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vgic_reset_irq(&d->spis[i], VGIC_NR_PRIVATE + i, 0);
	return d;
}

/*
 * Called while the VM is CREATED; the addresses may change until
 * vm_finalize() and never after: the state check and the change are
 * made under the VM lock, which vm_finalize() holds throughout.
 */
int vgic_vm_init(struct vm *vm, const struct vgic_config *cfg)
{
	struct vgic_dist *d;
	int err = 0;

	if (!frame_base_ok(cfg->dist_base) || !frame_base_ok(cfg->redist_base))
		return -EINVAL;
	/* Allocated before the lock, which then covers only the decision. */
	d = vm->irqchip ? NULL : vgic_dist_alloc(vm);
	spin_lock(&vm->lock);
	if (vm->state != VM_CREATED) {
		err = -EBUSY;
	} else if (!vm->irqchip && !d) {
		err = -ENOMEM;
	} else {
		if (!vm->irqchip) {
			vm->irqchip = d;
			d = NULL;
		}
		vgic_of(vm)->dist_base = cfg->dist_base;
		vgic_of(vm)->redist_base = cfg->redist_base;
	}
	spin_unlock(&vm->lock);
	kfree(d);
	return err;
}

/* Under vm->lock, from vm_finalize(): the GICR range is sized by the final vCPU count. */
int vgic_add_regions(struct vm *vm)
{
	struct vgic_dist *d = vgic_of(vm);
	struct vm_region gicd = {
		.kind = VM_REGION_EMULATED, .name = "gicd", .ops = &vgic_dist_ops, .opaque = d,
	};
	struct vm_region gicr = {
		.kind = VM_REGION_EMULATED, .name = "gicr", .ops = &vgic_redist_ops, .opaque = d,
	};
	int err;

	if (!d)
		return -ENODEV;
	gicd.gpa = d->dist_base;
	gicd.size = VGIC_DIST_SIZE;
	gicr.gpa = d->redist_base;
	gicr.size = VGIC_REDIST_SIZE * vm->nr_vcpus;
	err = vm_add_region_locked(vm, &gicd);
	if (!err)
		err = vm_add_region_locked(vm, &gicr);
	return err;
}

static struct vgic_cpu *vgic_cpu_alloc(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = kzalloc(sizeof(*cpu));
	u32 i;

	if (!cpu)
		return NULL;
	cpu->vcpu = vcpu;
	cpu->id = vcpu->id;
	cpu->dirty = true;
	/* Asleep out of reset, as a real redistributor: the guest wakes it. */
	cpu->waker = BIT(1) | BIT(2);
	for (i = 0; i < VGIC_NR_PRIVATE; i++)
		vgic_reset_irq(&cpu->priv[i], i, vcpu->id);
	return cpu;
}

/*
 * Under vm->lock, from vm_finalize(), after the memory map was validated.
 * A failure leaves what was allocated in place: only vgic_vm_destroy()
 * frees VM-wide state, so that no error path can pull it from under a
 * vCPU. The vCPU pointers become visible with the VM's FINALIZED store.
 */
int vgic_finalize(struct vm *vm)
{
	struct vgic_dist *d = vgic_of(vm);
	u32 i;

	if (!d)
		return -ENODEV;
	d->nr_lrs = MIN(vgic_ich_nr_lrs(), VGIC_MAX_LRS);
	d->pre_bits = MIN(MAX(vgic_ich_pre_bits(), 5u), 7u);
	if (!d->nr_lrs)
		return -ENODEV;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!d->cpus[i])
			d->cpus[i] = vgic_cpu_alloc(vm->vcpus[i]);
		if (!d->cpus[i])
			return -ENOMEM;
	}
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i]->irqchip = d->cpus[i];
	spin_lock(&d->lock);
	d->nr_cpus = vm->nr_vcpus;
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vgic_spi_set_target(d, &d->spis[i],
				    vgic_vcpu_by_affinity(d, d->spis[i].route));
	spin_unlock(&d->lock);
	return 0;
}

/*
 * For a VM reset, from its owner, with no vCPU in the guest (asm/vgic.h):
 * every interrupt, the distributor and each redistributor back to their
 * reset values, the list register state emptied. Which physical SPIs the
 * VM owns is configuration and stays; one the guest left active (masked
 * at the distributor until its deactivation) is unmasked, since that
 * deactivation will never come.
 */
void vgic_vm_reset(struct vm *vm)
{
	struct vgic_dist *d = vgic_of(vm);
	u32 i, j;

	if (!d)
		return;
	spin_lock(&d->lock);
	d->ctlr = 0;
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *irq = &d->spis[i];
		bool hw = irq->hw, was_active = irq->active || irq->lr_vcpu != VGIC_NO_VCPU;

		vgic_reset_irq(irq, VGIC_NR_PRIVATE + i, 0);
		irq->hw = hw;
		if (hw && was_active)
			vgic_phys_unmask(irq->intid);
		vgic_spi_set_target(d, irq, vgic_vcpu_by_affinity(d, irq->route));
	}
	for (i = 0; i < d->nr_cpus; i++) {
		struct vgic_cpu *cpu = d->cpus[i];

		for (j = 0; j < VGIC_NR_PRIVATE; j++)
			vgic_reset_irq(&cpu->priv[j], j, i);
		memset(&cpu->ich, 0, sizeof(cpu->ich));
		memset(cpu->lr_irq, 0, sizeof(cpu->lr_irq));
		memset(cpu->live, 0, sizeof(cpu->live));
		cpu->nr_used = 0;
		cpu->nr_candidates = 0;
		cpu->waker = BIT(1) | BIT(2);
		cpu->dirty = true;
	}
	spin_unlock(&d->lock);
}

/* From arch_vm_destroy() only, when no vCPU of the VM runs any more. */
void vgic_vm_destroy(struct vm *vm)
{
	struct vgic_dist *d = vgic_of(vm);
	u32 i;

	if (!d)
		return;
	vgic_phys_release_all(d);
	/* Our own objects only: the vCPUs are vm_destroy()'s to free, after this. */
	for (i = 0; i < VM_MAX_VCPUS; i++)
		kfree(d->cpus[i]);
	vm->irqchip = NULL;
	kfree(d);
}

const struct vgic_ich_state *vgic_ich_state(const struct vcpu *vcpu)
{
	const struct vgic_cpu *cpu = vcpu->irqchip;

	return cpu ? &cpu->ich : NULL;
}

struct vgic_irq *vgic_get_irq(struct vgic_dist *d, struct vgic_cpu *cpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return cpu ? &cpu->priv[intid] : NULL;
	if (intid < VGIC_MAX_INTID)
		return &d->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

u32 vgic_live_irqs(struct vgic_dist *d, struct vgic_cpu *cpu, struct vgic_irq **out)
{
	u32 w, n = 0;

	for (w = 0; w < ARRAY_SIZE(cpu->live); w++) {
		u64 bits = cpu->live[w];

		while (bits) {
			u32 intid = w * BITS_PER_WORD + (u32)__builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_get_irq(d, cpu, intid);

			bits &= bits - 1;
			if (vgic_irq_live(cpu, irq))
				out[n++] = irq;
			else
				bitmap_clear(cpu->live, intid);
		}
	}
	return n;
}

bool vgic_irq_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	u32 grp = irq->group1 ? GICD_CTLR_GRP1 : GICD_CTLR_GRP0;

	return vgic_irq_pending(irq) && irq->enabled && (d->ctlr & grp);
}

u32 vgic_vcpu_by_affinity(const struct vgic_dist *d, u64 aff)
{
	u64 id = aff & GICD_IROUTER_AFF_MASK;

	/* vCPU n is Aff0 = n with every other level 0. */
	return id < d->nr_cpus ? (u32)id : VGIC_NO_VCPU;
}

/*
 * The vCPUs of @mask are marked dirty before the lock is dropped, and
 * kicked after. A flush that finds its vCPU clean may skip the scan of
 * every interrupt (vgic_lr.c): a change it misses that way is one whose
 * kick is still to come, and the kick forces the next exit and a scan.
 */
void vgic_unlock_kick(struct vgic_dist *d, u32 mask)
{
	u32 i, n = d->nr_cpus;

	for (i = 0; i < n; i++)
		if (mask & BIT(i))
			__atomic_store_n(&d->cpus[i]->dirty, true, __ATOMIC_RELEASE);
	spin_unlock(&d->lock);
	for (i = 0; i < n; i++)
		if (mask & BIT(i))
			vcpu_request(d->cpus[i]->vcpu, VCPU_REQ_EVENT);
}

void vgic_spi_set_target(struct vgic_dist *d, struct vgic_irq *irq, u32 target)
{
	irq->target = target;
	vgic_irq_mark(d, irq);
	if (irq->hw)
		vgic_phys_route(d, irq);
}

/* Caller holds d->lock. Updates the input and says whom to kick. */
static u32 vgic_drive_irq(struct vgic_dist *d, struct vgic_irq *irq, bool level)
{
	bool was = vgic_irq_deliverable(d, irq);

	if (!irq->level_cfg && level && !irq->line)
		irq->latch = true;
	/* An SGI is an event without a line: every call is an edge. */
	irq->line = level && irq->intid >= VGIC_NR_SGIS;
	vgic_irq_mark(d, irq);
	if (irq->target == VGIC_NO_VCPU || d->nr_cpus == 0)
		return 0;
	/* A change of an interrupt sitting in an LR needs the LRs rebuilt too. */
	if (was != vgic_irq_deliverable(d, irq) || irq->lr_vcpu != VGIC_NO_VCPU)
		return BIT(irq->target);
	return 0;
}

int vgic_set_irq(struct vm *vm, struct vcpu *vcpu, u32 intid, bool level)
{
	struct vgic_dist *d = vgic_of(vm);
	struct vgic_cpu *cpu = NULL;
	struct vgic_irq *irq;
	u32 kick;

	if (!d || intid >= VGIC_MAX_INTID)
		return -EINVAL;
	if (intid < VGIC_NR_PRIVATE) {
		/* Private state exists from FINALIZED on (acquire pairs with vm_finalize()). */
		if (!vcpu || vcpu->vm != vm || vm_state(vm) != VM_FINALIZED)
			return -ENODEV;
		cpu = vcpu->irqchip;
	}
	irq = vgic_get_irq(d, cpu, intid);
	spin_lock(&d->lock);
	kick = vgic_drive_irq(d, irq, level);
	vgic_unlock_kick(d, kick);
	return 0;
}

/*
 * The latch is the pending state of GICD_ISPENDR: it holds until the
 * guest acknowledges, so a level-configured SPI takes it as well as an
 * edge one, and two rings before the acknowledgement are one interrupt.
 */
int vgic_set_pending(struct vm *vm, u32 intid)
{
	struct vgic_dist *d = vgic_of(vm);
	struct vgic_irq *irq;
	u32 kick = 0;
	bool was;

	if (!d || intid < VGIC_NR_PRIVATE || intid >= VGIC_MAX_INTID)
		return -EINVAL;
	irq = vgic_get_irq(d, NULL, intid);
	spin_lock(&d->lock);
	was = vgic_irq_deliverable(d, irq);
	irq->latch = true;
	vgic_irq_mark(d, irq);
	if (irq->target != VGIC_NO_VCPU && d->nr_cpus &&
	    (was != vgic_irq_deliverable(d, irq) || irq->lr_vcpu != VGIC_NO_VCPU))
		kick = BIT(irq->target);
	vgic_unlock_kick(d, kick);
	return 0;
}

/*
 * The guest's running priority, from its active priority registers: the
 * most urgent priority group with a bit set (bit n of the APRs is group
 * n, priority n << (8 - preemption bits)); 0x100 when nothing is active.
 */
static u32 vgic_running_priority(const struct vgic_dist *d, const struct vgic_cpu *cpu)
{
	u32 nr_regs = 1u << (d->pre_bits - 5), i;

	for (i = 0; i < nr_regs; i++) {
		u32 bits = (u32)(cpu->ich.ap0r[i] | cpu->ich.ap1r[i]);

		if (bits)
			return (i * 32 + (u32)__builtin_ctz(bits)) << (8 - d->pre_bits);
	}
	return 0x100;
}

/*
 * What the guest's virtual CPU interface would signal: its group enabled
 * in ICH_VMCR_EL2, its priority above the guest's PMR, and its priority
 * group above the running priority (a guest that waits in a handler is
 * not woken by what could not preempt it). Interrupts that sit in LRs
 * are back in memory while the vCPU waits (synced).
 */
static bool vgic_cpu_would_signal(const struct vgic_dist *d, const struct vgic_cpu *cpu,
				  const struct vgic_irq *irq)
{
	u64 vmcr = cpu->ich.vmcr;
	u32 pmr = (u32)(vmcr >> ICH_VMCR_PMR_SHIFT) & 0xff;
	u64 grp = irq->group1 ? ICH_VMCR_ENG1 : ICH_VMCR_ENG0;
	u32 group_prio = irq->priority & (0xffu << (8 - d->pre_bits));

	return (vmcr & grp) && irq->priority < pmr &&
	       group_prio < vgic_running_priority(d, cpu);
}

bool vgic_vcpu_pending(struct vcpu *vcpu)
{
	struct vgic_cpu *cpu = vcpu->irqchip;
	struct vgic_irq *live[VGIC_MAX_INTID];
	struct vgic_dist *d;
	bool found = false;
	u32 i, n;

	if (!cpu || vgic_cpu_clean(cpu))
		return false;
	d = vgic_of(vcpu->vm);
	spin_lock(&d->lock);
	n = vgic_live_irqs(d, cpu, live);
	for (i = 0; i < n && !found; i++)
		found = vgic_irq_deliverable(d, live[i]) &&
			vgic_cpu_would_signal(d, cpu, live[i]);
	spin_unlock(&d->lock);
	return found;
}

u32 vgic_deactivate(struct vgic_cpu *cpu, struct vgic_irq *irq, struct vgic_deactivated *done)
{
	irq->active = false;
	if (!irq->level_cfg && !irq->hw)
		return 0;
	*done = (struct vgic_deactivated){ cpu, irq->intid, irq->hw };
	return 1;
}

void vgic_notify_deactivated(const struct vgic_deactivated *done, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		const struct vgic_deactivated *x = &done[i];

		if (x->hw)
			vgic_phys_unmask(x->intid);
		else if (x->cpu && x->intid >= VGIC_NR_SGIS && x->intid < VGIC_NR_PRIVATE &&
			 x->cpu->notify[x->intid - VGIC_NR_SGIS])
			x->cpu->notify[x->intid - VGIC_NR_SGIS](x->cpu->vcpu, x->intid);
	}
}

int vgic_set_deactivate_notify(struct vcpu *vcpu, u32 intid, vgic_deactivate_fn fn)
{
	struct vgic_cpu *cpu = vcpu->irqchip;

	if (!cpu)
		return -ENODEV;
	if (intid < VGIC_NR_SGIS || intid >= VGIC_NR_PRIVATE)
		return -EINVAL;
	cpu->notify[intid - VGIC_NR_SGIS] = fn;
	return 0;
}
