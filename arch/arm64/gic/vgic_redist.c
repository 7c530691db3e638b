/*
 * GICR emulation: one RD_base + SGI_base frame pair per vCPU, in vCPU
 * order, no LPIs. Each register is one row; offsets are within the pair.
 */
#include "vgic_mmio.h"

static u64 read_typer(struct vgic_access *a, u32 idx)
{
	struct vgic_cpu *cpu = a->cpu;
	u64 typer = (u64)cpu->id << 32 | (u64)cpu->id << GICR_TYPER_PROC_NUM_SHIFT;

	/* Last marks the end of the range a guest walks to find its own frame. */
	if (cpu->id == a->d->nr_cpus - 1)
		typer |= GICR_TYPER_LAST;
	return typer;
}

static u64 read_iidr(struct vgic_access *a, u32 idx)
{
	return VGIC_IIDR;
}

/* ChildrenAsleep follows ProcessorSleep at once: there is nothing to quiesce. */
#define WAKER_PROCESSOR_SLEEP	BIT(1)
#define WAKER_CHILDREN_ASLEEP	BIT(2)

static u64 read_waker(struct vgic_access *a, u32 idx)
{
	return a->cpu->waker;
}

static void write_waker(struct vgic_access *a, u32 idx, u64 val)
{
	a->cpu->waker = val & WAKER_PROCESSOR_SLEEP ?
			WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
}

#define PER_IRQ(n, off, l, b, w, f) \
	{ .name = n, .offset = off, .len = l, .widths = w, .bits = b, .field = &f }
#define PLAIN(n, off, l, sz, w, r, wr) \
	{ .name = n, .offset = off, .len = l, .widths = w, .reg_size = sz, .read = r, .write = wr }
#define RAZ_WI(n, off, l, sz, w)	PLAIN(n, off, l, sz, w, NULL, NULL)

const struct vgic_reg vgic_redist_regs[] = {
	/* No LPIs: EnableLPIs is RAZ/WI and RWP never set. */
	RAZ_WI("GICR_CTLR", GICR_CTLR, 4, 4, VGIC_W32),
	PLAIN("GICR_IIDR", GICR_IIDR, 4, 4, VGIC_W32, read_iidr, NULL),
	PLAIN("GICR_TYPER", GICR_TYPER, 8, 8, VGIC_W32 | VGIC_W64, read_typer, NULL),
	RAZ_WI("GICR_STATUSR", GICR_STATUSR, 4, 4, VGIC_W32),
	PLAIN("GICR_WAKER", GICR_WAKER, 4, 4, VGIC_W32, read_waker, write_waker),
	RAZ_WI("GICR_PROPBASER", GICR_PROPBASER, 8, 8, VGIC_W32 | VGIC_W64),
	RAZ_WI("GICR_PENDBASER", GICR_PENDBASER, 8, 8, VGIC_W32 | VGIC_W64),
	PLAIN("GICR_ID", VGIC_ID_REGS_OFFSET, VGIC_ID_REGS_LEN, 4, VGIC_W32,
	      vgic_mmio_read_id, NULL),
	PER_IRQ("GICR_IGROUPR0", GICR_IGROUPR0, 4, 1, VGIC_W32, vgic_field_group),
	PER_IRQ("GICR_ISENABLER0", GICR_ISENABLER0, 4, 1, VGIC_W32, vgic_field_set_enable),
	PER_IRQ("GICR_ICENABLER0", GICR_ICENABLER0, 4, 1, VGIC_W32, vgic_field_clear_enable),
	PER_IRQ("GICR_ISPENDR0", GICR_ISPENDR0, 4, 1, VGIC_W32, vgic_field_set_pending),
	PER_IRQ("GICR_ICPENDR0", GICR_ICPENDR0, 4, 1, VGIC_W32, vgic_field_clear_pending),
	PER_IRQ("GICR_ISACTIVER0", GICR_ISACTIVER0, 4, 1, VGIC_W32, vgic_field_set_active),
	PER_IRQ("GICR_ICACTIVER0", GICR_ICACTIVER0, 4, 1, VGIC_W32, vgic_field_clear_active),
	PER_IRQ("GICR_IPRIORITYR", GICR_IPRIORITYR(0), 32, 8, VGIC_W8 | VGIC_W32,
		vgic_field_priority),
	PER_IRQ("GICR_ICFGR", GICR_ICFGR0, 8, 2, VGIC_W32, vgic_field_config),
	RAZ_WI("GICR_IGRPMODR0", GICR_IGRPMODR0, 4, 4, VGIC_W32),
	RAZ_WI("GICR_NSACR", GICR_NSACR, 4, 4, VGIC_W32),
	PLAIN("GICR_SGI_ID", GICR_SGI_BASE + VGIC_ID_REGS_OFFSET, VGIC_ID_REGS_LEN, 4, VGIC_W32,
	      vgic_mmio_read_id, NULL),
};
const size_t vgic_nr_redist_regs = ARRAY_SIZE(vgic_redist_regs);

/*
 * The region is sized by the vCPU count at finalization, so every frame
 * pair in it has a vCPU; the check stays, as a guard on the offset.
 */
static int redist_access(void *opaque, struct vcpu *vcpu, u64 off, u32 size, bool write,
			 u64 *val)
{
	struct vgic_access a = { .d = opaque, .src = vcpu };
	u64 idx = off / VGIC_REDIST_SIZE;
	int err = 0;

	if (idx >= a.d->nr_cpus) {
		if (!write)
			*val = 0;
		return 0;
	}
	a.cpu = a.d->cpus[idx];
	spin_lock(&a.d->lock);
	err = vgic_mmio_dispatch(vgic_redist_regs, vgic_nr_redist_regs, &a,
				 off % VGIC_REDIST_SIZE, size, write, val);
	vgic_unlock_kick(a.d, a.kick);
	vgic_notify_deactivated(a.done, a.nr_done);
	return err;
}

static int redist_read(void *opaque, struct vcpu *vcpu, u64 off, u32 size, u64 *val)
{
	return redist_access(opaque, vcpu, off, size, false, val);
}

static int redist_write(void *opaque, struct vcpu *vcpu, u64 off, u32 size, u64 val)
{
	return redist_access(opaque, vcpu, off, size, true, &val);
}

const struct vm_mmio_ops vgic_redist_ops = { .read = redist_read, .write = redist_write };
