/*
 * GICD emulation: one security state (DS = 1), affinity routing always
 * on (ARE = 1), VGIC_NR_SPIS SPIs. Each register is one row.
 */
#include "vgic_mmio.h"

/* GICD_TYPER: ITLinesNumber, IDbits = 10 - 1, No1N (1-of-N routing is not offered). */
#define VGIC_TYPER	((VGIC_MAX_INTID / 32 - 1) | (9u << 19) | BIT(25))

static u64 read_ctlr(struct vgic_access *a, u32 idx)
{
	return a->d->ctlr | GICD_CTLR_ARE_NS | GICD_CTLR_DS;
}

/* Only the group enables are writable; ARE and DS are RAO/WI, RWP reads 0 (writes are instant). */
static void write_ctlr(struct vgic_access *a, u32 idx, u64 val)
{
	u32 ctlr = (u32)val & (GICD_CTLR_GRP0 | GICD_CTLR_GRP1);

	if (ctlr != a->d->ctlr)
		a->kick |= (u32)BIT(a->d->nr_cpus) - 1;
	a->d->ctlr = ctlr;
}

static u64 read_typer(struct vgic_access *a, u32 idx)
{
	return VGIC_TYPER;
}

static u64 read_iidr(struct vgic_access *a, u32 idx)
{
	return VGIC_IIDR;
}

static struct vgic_irq *router_irq(struct vgic_access *a, u32 idx)
{
	return &a->d->spis[idx];
}

static u64 read_irouter(struct vgic_access *a, u32 idx)
{
	return router_irq(a, idx)->route;
}

/*
 * Aff3.Aff2.Aff1.Aff0; IRM is RES0 as GICD_TYPER.No1N says. A route that
 * names no vCPU is kept (the guest reads it back) and delivers nowhere.
 */
static void write_irouter(struct vgic_access *a, u32 idx, u64 val)
{
	struct vgic_irq *irq = router_irq(a, idx);
	struct vgic_irq old = *irq;

	irq->route = val & GICD_IROUTER_AFF_MASK;
	vgic_spi_set_target(a->d, irq, vgic_vcpu_by_affinity(a->d, irq->route));
	if (old.target != VGIC_NO_VCPU)
		a->kick |= BIT(old.target);
	if (irq->target != VGIC_NO_VCPU)
		a->kick |= BIT(irq->target);
}

#define PER_IRQ(n, off, b, w, f) \
	{ .name = n, .offset = off, .len = 1024 * (b) / 8, .widths = w, .bits = b, .field = &f }
#define PLAIN(n, off, l, sz, w, r, wr) \
	{ .name = n, .offset = off, .len = l, .widths = w, .reg_size = sz, .read = r, .write = wr }
#define RAZ_WI(n, off, l, w)	PLAIN(n, off, l, 4, w, NULL, NULL)

const struct vgic_reg vgic_dist_regs[] = {
	PLAIN("GICD_CTLR", GICD_CTLR, 4, 4, VGIC_W32, read_ctlr, write_ctlr),
	PLAIN("GICD_TYPER", GICD_TYPER, 4, 4, VGIC_W32, read_typer, NULL),
	PLAIN("GICD_IIDR", GICD_IIDR, 4, 4, VGIC_W32, read_iidr, NULL),
	RAZ_WI("GICD_TYPER2", GICD_TYPER2, 4, VGIC_W32),
	RAZ_WI("GICD_STATUSR", GICD_STATUSR, 4, VGIC_W32),
	PER_IRQ("GICD_IGROUPR", GICD_IGROUPR(0), 1, VGIC_W32, vgic_field_group),
	PER_IRQ("GICD_ISENABLER", GICD_ISENABLER(0), 1, VGIC_W32, vgic_field_set_enable),
	PER_IRQ("GICD_ICENABLER", GICD_ICENABLER(0), 1, VGIC_W32, vgic_field_clear_enable),
	PER_IRQ("GICD_ISPENDR", GICD_ISPENDR(0), 1, VGIC_W32, vgic_field_set_pending),
	PER_IRQ("GICD_ICPENDR", GICD_ICPENDR(0), 1, VGIC_W32, vgic_field_clear_pending),
	PER_IRQ("GICD_ISACTIVER", GICD_ISACTIVER(0), 1, VGIC_W32, vgic_field_set_active),
	PER_IRQ("GICD_ICACTIVER", GICD_ICACTIVER(0), 1, VGIC_W32, vgic_field_clear_active),
	PER_IRQ("GICD_IPRIORITYR", GICD_IPRIORITYR(0), 8, VGIC_W8 | VGIC_W32,
		vgic_field_priority),
	/* Affinity routing replaces the GICv2 target registers and SGI registers. */
	RAZ_WI("GICD_ITARGETSR", GICD_ITARGETSR(0), 0x400, VGIC_W8 | VGIC_W32),
	PER_IRQ("GICD_ICFGR", GICD_ICFGR(0), 2, VGIC_W32, vgic_field_config),
	/* One security state: no Group 1 modifiers, no non-secure access control. */
	RAZ_WI("GICD_IGRPMODR", GICD_IGRPMODR(0), 0x80, VGIC_W32),
	RAZ_WI("GICD_NSACR", GICD_NSACR(0), 0x100, VGIC_W32),
	RAZ_WI("GICD_SGIR", GICD_SGIR, 4, VGIC_W32),
	RAZ_WI("GICD_CPENDSGIR", GICD_CPENDSGIR(0), 0x10, VGIC_W8 | VGIC_W32),
	RAZ_WI("GICD_SPENDSGIR", GICD_SPENDSGIR(0), 0x10, VGIC_W8 | VGIC_W32),
	PLAIN("GICD_IROUTER", GICD_IROUTER(VGIC_NR_PRIVATE), 8 * VGIC_NR_SPIS, 8,
	      VGIC_W32 | VGIC_W64, read_irouter, write_irouter),
	PLAIN("GICD_ID", VGIC_ID_REGS_OFFSET, VGIC_ID_REGS_LEN, 4, VGIC_W32,
	      vgic_mmio_read_id, NULL),
};
const size_t vgic_nr_dist_regs = ARRAY_SIZE(vgic_dist_regs);

static int dist_access(void *opaque, struct vcpu *vcpu, u64 off, u32 size, bool write,
		       u64 *val)
{
	struct vgic_access a = { .d = opaque, .src = vcpu };
	int err;

	spin_lock(&a.d->lock);
	err = vgic_mmio_dispatch(vgic_dist_regs, vgic_nr_dist_regs, &a, off, size, write, val);
	vgic_unlock_kick(a.d, a.kick);
	vgic_notify_deactivated(a.done, a.nr_done);
	return err;
}

static int dist_read(void *opaque, struct vcpu *vcpu, u64 off, u32 size, u64 *val)
{
	return dist_access(opaque, vcpu, off, size, false, val);
}

static int dist_write(void *opaque, struct vcpu *vcpu, u64 off, u32 size, u64 val)
{
	return dist_access(opaque, vcpu, off, size, true, &val);
}

const struct vm_mmio_ops vgic_dist_ops = { .read = dist_read, .write = dist_write };
