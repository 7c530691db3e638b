#ifndef ASM_VPLATFORM_H
#define ASM_VPLATFORM_H

#include <asm/vpic.h>
#include <asm/vpit.h>
#include <core/timer.h>
#include <lib/spinlock.h>

/*
 * The legacy PC platform each VM has inside the hypervisor: the 8259 pair,
 * the 8254 and port 0x61 (counter 2's gate and output), emulated in place
 * on IO exits, never handed to the VMM. The 8259's output goes to vCPU 0,
 * the only one a PC without an APIC interrupts.
 *
 * Any vCPU thread (IO exits) and any VMM thread (device interrupt lines)
 * may call in: @lock serializes the register state. The PIT's host timer
 * belongs to vCPU 0's physical CPU (core timers never move between CPUs):
 * other CPUs only record the deadline they want and kick vCPU 0, whose
 * thread arms the timer in vplat_sync().
 */
struct vm;
struct vcpu;

struct vplatform {
	spinlock_t lock;
	struct vpic pic;
	struct vpit pit;
	u8 port61;		/* bits 0-1 as written: counter 2 gate, speaker data */
	bool refresh;		/* bit 4 of port 0x61 toggles on every read */
	u64 pit_deadline;	/* when IRQ 0 rises next (0: never), under @lock */
	bool pit_dirty;		/* @pit_deadline changed since vplat_sync() */
	u32 intr;		/* vpic_pending(), published for lock-free checks */
	bool warned;		/* an unsupported programming was reported once */
	struct timer pit_timer;	/* vCPU 0's thread only */
	struct vm *vm;
};

void vplat_init(struct vplatform *p, struct vm *vm);

/*
 * An IO access of @size bytes at @port by @vcpu, in place: 0 (IN data in
 * *@val), or -ENODEV if the ports are not the platform's.
 */
int vplat_io(struct vplatform *p, struct vcpu *vcpu, u16 port, u32 size, bool in, u32 *val);

/*
 * The platform's chips sit at ports 0x20-0xa1 (the 8259s are the last):
 * an access beyond is the VMM's, told without a call into vplat_io().
 */
#define VPLAT_LAST_PORT		VPIC_SLAVE_DATA
static inline bool vplat_may_own(u16 port)
{
	return port <= VPLAT_LAST_PORT;
}

/* An ISA interrupt line (0-15) from a device model; -EINVAL beyond. */
int vplat_irq_line(struct vplatform *p, u32 irq, bool level);

/* The 8259's INT output, without the lock (a hint: vplat_intr_ack() decides). */
static inline bool vplat_intr_pending(const struct vplatform *p)
{
	return __atomic_load_n(&p->intr, __ATOMIC_ACQUIRE);
}

/* The interrupt acknowledge: the vector to inject now. */
u8 vplat_intr_ack(struct vplatform *p);

/* vCPU 0's thread, before it enters the guest or waits: arms the PIT's timer. */
void vplat_sync(struct vplatform *p);
static inline bool vplat_needs_sync(const struct vplatform *p)
{
	return __atomic_load_n(&p->pit_dirty, __ATOMIC_ACQUIRE);
}

#endif
