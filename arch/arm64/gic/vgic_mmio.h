#ifndef ARM64_GIC_VGIC_MMIO_H
#define ARM64_GIC_VGIC_MMIO_H

#include "vgic_internal.h"

/*
 * Table-driven register emulation: a register (or an array of them) is
 * one row; one dispatcher checks the offset, the width and the alignment
 * before any handler runs, so a handler only ever sees an access its row
 * allows. Everything else is RAZ/WI, as the architecture makes reserved
 * offsets and the guest cannot bring the VM down with a bad access.
 */

/* Access widths, one bit per size in bytes: a row's mask & size says "allowed". */
#define VGIC_W8		1
#define VGIC_W16	2
#define VGIC_W32	4
#define VGIC_W64	8

struct vgic_access {
	struct vgic_dist *d;
	struct vgic_cpu *cpu;	/* the redistributor's vCPU; NULL for the distributor */
	struct vcpu *src;	/* the vCPU that accessed */
	u32 kick;		/* vCPUs to kick once the lock is dropped */
	/* Deactivated by a write to ICACTIVER, whose sources to tell once the lock is dropped. */
	struct vgic_deactivated done[32];
	u32 nr_done;
};

/* One field of one interrupt (a bit of ISENABLER, a byte of IPRIORITYR ...). */
struct vgic_field {
	u64 (*get)(const struct vgic_irq *irq);
	void (*set)(struct vgic_access *a, struct vgic_irq *irq, u64 v);
};

struct vgic_reg {
	const char *name;
	u32 offset;		/* of the first register of the row */
	u32 len;		/* bytes the row covers */
	u8 widths;		/* VGIC_W* allowed */
	/* Per-interrupt rows: @bits per INTID, INTID 0 at @offset. */
	u8 bits;
	const struct vgic_field *field;
	/* Plain rows: registers of @reg_size bytes; NULL read is RAZ, NULL write WI. */
	u8 reg_size;
	u64 (*read)(struct vgic_access *a, u32 idx);
	void (*write)(struct vgic_access *a, u32 idx, u64 val);
};

/* Called with d->lock held by the dispatcher. */
int vgic_mmio_dispatch(const struct vgic_reg *table, size_t n, struct vgic_access *a,
		       u64 off, u32 size, bool write, u64 *val);

/* Shared by the distributor and the redistributors' SGI frames. */
extern const struct vgic_field vgic_field_group, vgic_field_set_enable,
	vgic_field_clear_enable, vgic_field_set_pending, vgic_field_clear_pending,
	vgic_field_set_active, vgic_field_clear_active, vgic_field_priority,
	vgic_field_config;

/* The ID registers (PIDR0-7, CIDR0-3) from 0xffd0, the same in every frame. */
u64 vgic_mmio_read_id(struct vgic_access *a, u32 idx);
#define VGIC_ID_REGS_OFFSET	0xffd0
#define VGIC_ID_REGS_LEN	0x30

#define VGIC_IIDR		0x0000143bu	/* Arm's JEP106 code, revision 1 */

/* The row tables, for the unit tests that walk them. */
extern const struct vgic_reg vgic_dist_regs[];
extern const size_t vgic_nr_dist_regs;
extern const struct vgic_reg vgic_redist_regs[];
extern const size_t vgic_nr_redist_regs;

#endif
