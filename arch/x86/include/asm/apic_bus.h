#ifndef ASM_APIC_BUS_H
#define ASM_APIC_BUS_H

#include <lib/compiler.h>

/*
 * The one delivery path of a VM's interrupts between its virtual APICs
 * (arch/x86/vplat/): an IPI from a local APIC's ICR, a message from an
 * IOAPIC redirection entry, or the 8259's ExtINT all become a message
 * whose destination is resolved here, once, against every vCPU's local
 * APIC (physical or logical, flat or cluster, the shorthands). Accepted
 * interrupts are set in the target's IRR and the target is kicked when
 * it runs on another physical CPU.
 */
struct vm;

enum apic_delivery {
	APIC_DELIVERY_FIXED = 0,
	APIC_DELIVERY_LOWEST = 1,
	APIC_DELIVERY_SMI = 2,
	APIC_DELIVERY_NMI = 4,
	APIC_DELIVERY_INIT = 5,
	APIC_DELIVERY_STARTUP = 6,
	APIC_DELIVERY_EXTINT = 7,
};

enum apic_shorthand {
	APIC_SHORTHAND_NONE = 0,
	APIC_SHORTHAND_SELF = 1,
	APIC_SHORTHAND_ALL = 2,		/* including self */
	APIC_SHORTHAND_OTHERS = 3,	/* all excluding self */
};

struct apic_msg {
	u32 dest;		/* APIC ID (physical) or logical mask; 0xff / ~0: broadcast */
	u8 vector;
	u8 delivery;		/* enum apic_delivery */
	u8 shorthand;		/* enum apic_shorthand: ICR only, NONE otherwise */
	bool logical;		/* destination mode */
	bool level;		/* trigger mode: the target's TMR bit, EOI broadcast */
	bool assert;		/* level: INIT with de-assert is the legacy INIT level de-assert */
	u32 src_vcpu;		/* the sender, for SELF and OTHERS */
	/*
	 * A 32-bit destination from an x2APIC's ICR (broadcast ~0); false
	 * (the zero value, the IOAPIC's) for an 8-bit one (broadcast 0xff).
	 */
	bool x2apic;
};

/* Delivers @m to every vCPU of @vm it names; the number that accepted it. */
int apic_bus_deliver(struct vm *vm, const struct apic_msg *m);

/*
 * A local APIC's EOI of a level-triggered vector (its TMR bit was set):
 * the IOAPIC clears Remote IRR of the pins that sent it, and sends again
 * those whose line is still asserted.
 */
void vioapic_eoi(struct vm *vm, u8 vector);

#endif
