#ifndef ASM_VIOAPIC_H
#define ASM_VIOAPIC_H

#include <asm/vplat_layout.h>
#include <lib/spinlock.h>

/*
 * A virtual IOAPIC (82093AA registers, version 0x20 with the EOI
 * register), 24 pins, at VPLAT_IOAPIC_BASE with ID VPLAT_IOAPIC_ID.
 *
 * Registers through the index/window pair: ID (bits 27:24 writable),
 * version (0x00170020: 24 entries, read-only), arbitration ID (the ID,
 * read-only), and a redirection entry of two 32-bit rows per pin: vector,
 * delivery mode, destination mode, delivery status (read-only), polarity,
 * Remote IRR (read-only), trigger mode, mask; destination in 63:56.
 * Reserved bits read as 0 and are not stored. Widths: the index register
 * takes any width (its low byte counts, as on the ICH's 8-bit IND); the
 * window and the EOI register only aligned 32-bit accesses, as the
 * 82093AA defines them; everything else in the page reads 0 and ignores
 * writes, as an absent register does.
 *
 * Pins: a pin's input is the line's electrical level; an active-low pin
 * is asserted while its line is low. An edge-triggered pin sends its
 * message on each rising edge of "asserted" while unmasked (an edge seen
 * masked is lost, as on the chip). A level-triggered pin sends while
 * asserted, unmasked and Remote IRR clear, and sets Remote IRR; the EOI
 * of its vector (broadcast by a local APIC, vioapic_eoi(), or written to
 * the EOI register) clears Remote IRR and sends again if the line is
 * still asserted. Remote IRR is set only if some local APIC accepted the
 * message. Delivery status reads 0: a message goes to the APIC bus at
 * once. Delivery modes 3 and 6 are reserved: such an entry sends nothing.
 *
 * Locking: @lock guards the registers; messages are sent after it is
 * dropped, so apic_bus_deliver() may take the local APICs' locks and
 * kick vCPUs. Callers of vioapic_eoi() hold no local APIC lock.
 */
#define VIOAPIC_REGSEL		0x00
#define VIOAPIC_WINDOW		0x10
#define VIOAPIC_EOI		0x40
#define VIOAPIC_MMIO_SIZE	0x1000
#define VIOAPIC_REG_ID		0x00
#define VIOAPIC_REG_VERSION	0x01
#define VIOAPIC_REG_ARB		0x02
#define VIOAPIC_REG_REDIR	0x10
#define VIOAPIC_VERSION		(0x20 | (VPLAT_IOAPIC_PINS - 1) << 16)

#define RTE_VECTOR		0xffULL
#define RTE_DELIVERY_SHIFT	8
#define RTE_DEST_LOGICAL	BIT(11)
#define RTE_DELIVERY_STATUS	BIT(12)
#define RTE_ACTIVE_LOW		BIT(13)
#define RTE_REMOTE_IRR		BIT(14)
#define RTE_LEVEL		BIT(15)
#define RTE_MASKED		BIT(16)
#define RTE_DEST_SHIFT		56

struct vm;

struct vioapic {
	spinlock_t lock;
	u32 regsel;			/* the index register's low byte */
	u32 id;				/* bits 27:24 */
	u64 rte[VPLAT_IOAPIC_PINS];
	u32 lines;			/* BIT(pin): the line is high */
	struct vm *vm;
	/*
	 * Told the level pins (a mask) whose Remote IRR an EOI cleared, with
	 * no lock held and before they are looked at again: a passthrough
	 * line the guest quieted goes low here, or it would send once more
	 * (KVM's ack notifiers run at the same point). NULL: nobody listens.
	 */
	void (*eoi_notify)(struct vm *vm, u32 pins);
};

void vioapic_init(struct vioapic *io, struct vm *vm);
/* The registers' reset values (a VM reset); line levels are kept. */
void vioapic_reset(struct vioapic *io);
/* The MMIO page, at @offset from the base; 0 always (absent registers are architectural). */
int vioapic_read(struct vioapic *io, u64 offset, u32 size, u64 *val);
int vioapic_write(struct vioapic *io, u64 offset, u32 size, u64 val);
/* A pin's line goes high or low; -EINVAL beyond the pins. */
int vioapic_set_line(struct vioapic *io, u32 pin, bool high);
/* The EOI of @vector: Remote IRR is cleared on every level pin with that vector. */
void vioapic_eoi_vector(struct vioapic *io, u8 vector);

#endif
