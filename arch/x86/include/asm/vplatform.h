#ifndef ASM_VPLATFORM_H
#define ASM_VPLATFORM_H

#include <asm/vioapic.h>
#include <asm/vkbc.h>
#include <asm/vpic.h>
#include <asm/vpit.h>
#include <asm/vpm.h>
#include <asm/vrtc.h>
#include <core/timer.h>
#include <lib/spinlock.h>

/*
 * The PC platform each VM has inside the hypervisor: the 8259 pair, the
 * 8254 and port 0x61 (counter 2's gate and output), the 8042 keyboard
 * controller (no devices: status, self-test, reset), the CMOS RTC, the
 * ACPI PM1a blocks and PM timer, the reset control register at 0xcf9
 * (asm/vplat_layout.h has every port), emulated in place on IO exits,
 * never handed to the VMM; and the IOAPIC, behind its MMIO page. The
 * 8259's output goes to vCPU 0, the only one a PC without an APIC
 * interrupts. An ISA line drives both the 8259's input and the IOAPIC
 * pin the MADT names for it (IRQ 0 is pin 2, the others their number).
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
	bool warned_sleep;	/* a sleep state other than S5 was reported once */
	struct timer pit_timer;	/* vCPU 0's thread only */
	struct vkbc kbc;
	struct vrtc rtc;
	struct vpm pm;
	bool sci;		/* the SCI's level as last driven */
	int event;		/* VPLAT_IO_*: what the access in progress asked for */
	u64 start_ns;		/* the PM timer counts from here */
	struct vioapic ioapic;	/* its own lock; never taken with @lock held */
	struct vm *vm;
};

/* The wall-clock time the RTC starts from (UTC): 2025-01-01 00:00:00. */
#define VPLAT_RTC_EPOCH		1735689600ULL

void vplat_init(struct vplatform *p, struct vm *vm);
/* Every chip but the battery-backed RTC back to its reset state (a VM reset). */
void vplat_reset(struct vplatform *p);

/* What an access asked of the machine, beyond its value (vplat_io()'s positive results). */
#define VPLAT_IO_POWER_OFF	1	/* ACPI S5 */
#define VPLAT_IO_RESET		2	/* 0xcf9, the 8042's reset line */

/*
 * An IO access of @size bytes at @port by @vcpu, in place: 0 (IN data in
 * *@val), VPLAT_IO_POWER_OFF or VPLAT_IO_RESET (the access is done; the
 * VM is to end so), or -ENODEV if the ports are not the platform's.
 */
int vplat_io(struct vplatform *p, struct vcpu *vcpu, u16 port, u32 size, bool in, u32 *val);

/*
 * Every platform port is below VPLAT_PORT_SPACE; a bit per port says
 * which are (filled from vplatform.c's table by the first vplat_init()),
 * so that an access that is the VMM's is told without a call into
 * vplat_io(): one load and a test on every IO exit.
 */
#define VPLAT_PORT_SPACE	0x1000
extern u64 vplat_port_map[VPLAT_PORT_SPACE / 64];
static inline bool vplat_may_own(u16 port)
{
	return port < VPLAT_PORT_SPACE && ((vplat_port_map[port / 64] >> (port % 64)) & 1);
}

/*
 * An interrupt line from a device model: 0-15 are the ISA lines (the
 * 8259 and their IOAPIC pin), 16-23 IOAPIC pins alone; -EINVAL beyond.
 */
int vplat_irq_line(struct vplatform *p, u32 irq, bool level);
/* The IOAPIC pin line @irq drives (IRQ 0 is pin 2, as the MADT's override says). */
u32 vplat_ioapic_pin(u32 irq);

/* The RTC's time now, in ns since 1970: the date every clock of the VM tells. */
u64 vplat_wall_ns(struct vplatform *p);

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
