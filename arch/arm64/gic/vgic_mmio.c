/*
 * The register dispatcher and the per-interrupt fields that the
 * distributor and the redistributors' SGI frames share.
 */
#include <lib/string.h>
#include "vgic_mmio.h"

static const struct vgic_reg *find_row(const struct vgic_reg *table, size_t n, u64 off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (range_within(off, 1, table[i].offset, table[i].len))
			return &table[i];
	return NULL;
}

static bool access_allowed(const struct vgic_reg *row, u64 off, u32 size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return (row->widths & size) && IS_ALIGNED(off, size) &&
	       range_within(off, size, row->offset, row->len);
}

/*
 * Under the distributor's view only SPIs exist (affinity routing puts
 * SGIs and PPIs in the redistributors); a redistributor only has its
 * vCPU's private interrupts. Everything else is an unimplemented INTID.
 */
static struct vgic_irq *access_irq(struct vgic_access *a, u32 intid)
{
	if (a->cpu)
		return intid < VGIC_NR_PRIVATE ? &a->cpu->priv[intid] : NULL;
	if (intid < VGIC_NR_PRIVATE)
		return NULL;
	return vgic_get_irq(a->d, NULL, intid);
}

/* Any change to an interrupt may change what its vCPU's LRs should hold. */
static void note_change(struct vgic_access *a, const struct vgic_irq *irq)
{
	if (irq->target != VGIC_NO_VCPU)
		a->kick |= BIT(irq->target);
	if (irq->lr_vcpu != VGIC_NO_VCPU)
		a->kick |= BIT(irq->lr_vcpu);
}

static u64 per_irq_access(const struct vgic_reg *row, struct vgic_access *a, u32 rel,
			  u32 size, bool write, u64 val)
{
	u32 first = rel * 8 / row->bits, count = size * 8 / row->bits, i;
	u64 mask = row->bits == 64 ? ~0ULL : BIT(row->bits) - 1, out = 0;

	for (i = 0; i < count; i++) {
		struct vgic_irq *irq = access_irq(a, first + i);
		struct vgic_irq old;

		if (!irq)
			continue;
		if (!write) {
			out |= (row->field->get(irq) & mask) << (i * row->bits);
			continue;
		}
		old = *irq;
		row->field->set(a, irq, (val >> (i * row->bits)) & mask);
		if (memcmp(&old, irq, sizeof(old))) {
			vgic_irq_mark(a->d, irq);
			note_change(a, irq);
		}
	}
	return out;
}

/* A narrower access to a plain register is a byte-lane slice of it. */
static u64 plain_access(const struct vgic_reg *row, struct vgic_access *a, u32 rel, u32 size,
			bool write, u64 val)
{
	u32 idx = rel / row->reg_size, shift = (rel % row->reg_size) * 8;
	u64 lanes = size == 8 ? ~0ULL : (BIT(size * 8) - 1) << shift;
	u64 cur = row->read ? row->read(a, idx) : 0;

	if (!write)
		return (cur & lanes) >> shift;
	if (row->write)
		row->write(a, idx, (cur & ~lanes) | ((val << shift) & lanes));
	return 0;
}

int vgic_mmio_dispatch(const struct vgic_reg *table, size_t n, struct vgic_access *a,
		       u64 off, u32 size, bool write, u64 *val)
{
	const struct vgic_reg *row = find_row(table, n, off);
	u64 v = write ? *val : 0, out = 0;
	u32 rel;

	if (row && access_allowed(row, off, size)) {
		rel = (u32)(off - row->offset);
		if (row->field)
			out = per_irq_access(row, a, rel, size, write, v);
		else
			out = plain_access(row, a, rel, size, write, v);
	}
	if (!write)
		*val = out;
	return 0;
}

static u64 get_group(const struct vgic_irq *irq)
{
	return irq->group1;
}

static void set_group(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	irq->group1 = v;
}

static u64 get_enabled(const struct vgic_irq *irq)
{
	return irq->enabled;
}

static void set_enable(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (v)
		irq->enabled = true;
}

static void clear_enable(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (v)
		irq->enabled = false;
}

static u64 get_pending(const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq);
}

static void set_pending(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (v)
		irq->latch = true;
}

/* Clears the latch only: a level-sensitive line that is still high keeps it pending. */
static void clear_pending(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (v)
		irq->latch = false;
}

static u64 get_active(const struct vgic_irq *irq)
{
	return irq->active;
}

static void set_active(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (v)
		irq->active = true;
}

/*
 * A deactivation like one through an LR or EOIcount: a level or hardware
 * source must hear of it or never fire again. One held in an LR is left
 * to the LR, whose state the next exit brings back over this one.
 */
static void clear_active(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (!v || !irq->active)
		return;
	if (irq->lr_vcpu != VGIC_NO_VCPU) {
		irq->active = false;
		return;
	}
	a->nr_done += vgic_deactivate(a->cpu, irq, &a->done[a->nr_done]);
}

static u64 get_priority(const struct vgic_irq *irq)
{
	return irq->priority;
}

/* Bits below the five the virtual CPU interface implements are RAZ/WI. */
static void set_priority(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	irq->priority = (u8)(v & VGIC_PRIO_MASK);
}

/* ICFGR: 0b10 edge, 0b00 level; bit 0 is RES0. */
static u64 get_config(const struct vgic_irq *irq)
{
	return irq->level_cfg ? 0 : 2;
}

/*
 * SGIs are always edges and the PPIs are wired to level-sensitive
 * sources whose behaviour the guest cannot change (the virtual timer
 * stays level-sensitive whatever it writes): only SPIs are configurable.
 */
static void set_config(struct vgic_access *a, struct vgic_irq *irq, u64 v)
{
	if (irq->intid >= VGIC_NR_PRIVATE)
		irq->level_cfg = !(v & 2);
}

const struct vgic_field vgic_field_group = { get_group, set_group };
const struct vgic_field vgic_field_set_enable = { get_enabled, set_enable };
const struct vgic_field vgic_field_clear_enable = { get_enabled, clear_enable };
const struct vgic_field vgic_field_set_pending = { get_pending, set_pending };
const struct vgic_field vgic_field_clear_pending = { get_pending, clear_pending };
const struct vgic_field vgic_field_set_active = { get_active, set_active };
const struct vgic_field vgic_field_clear_active = { get_active, clear_active };
const struct vgic_field vgic_field_priority = { get_priority, set_priority };
const struct vgic_field vgic_field_config = { get_config, set_config };

/*
 * PIDR4, PIDR5-7, PIDR0-3, CIDR0-3: a CoreSight-style component with
 * Arm's JEP106 code; PIDR2.ArchRev = 3 says GICv3 (what guests check).
 */
static const u8 id_regs[12] = {
	0x44, 0, 0, 0,		/* PIDR4 (4 KiB blocks: 64 KiB frame), PIDR5-7 */
	0x00, 0xb0, 0x3b, 0x00,	/* PIDR0, PIDR1, PIDR2, PIDR3 */
	0x0d, 0xf0, 0x05, 0xb1,	/* CIDR0-3 */
};

u64 vgic_mmio_read_id(struct vgic_access *a, u32 idx)
{
	return idx < ARRAY_SIZE(id_regs) ? id_regs[idx] : 0;
}
