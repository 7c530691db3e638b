/*
 * The APIC bus of a VM (asm/apic_bus.h): one function resolves a
 * message's destination against every vCPU's local APIC and hands it to
 * each target, whoever sent it (an ICR write, the IOAPIC, a VMM device).
 * A target on another physical CPU is kicked so that it takes the
 * interrupt at its next entry; nothing here waits for a target.
 */
#include <asm/apic_bus.h>
#include <asm/vlapic.h>
#include <core/vcpu.h>
#include <core/vm.h>

#define BROADCAST_X2APIC	0xffffffffu
#define BROADCAST_XAPIC		0xffu

static bool match_physical(const struct vlapic *t, const struct apic_msg *m)
{
	if (m->x2apic)
		return m->dest == BROADCAST_X2APIC || m->dest == vlapic_id(t);
	return (m->dest & 0xff) == BROADCAST_XAPIC || (m->dest & 0xff) == vlapic_id(t);
}

/*
 * x2APIC: cluster in LDR[31:16], a bit per member in [15:0]. xAPIC: the
 * DFR's model says flat (LDR[31:24] a bit per APIC, any common bit
 * matches) or cluster (the high nibble a cluster, the low one members).
 */
static bool match_logical(const struct vlapic *t, const struct apic_msg *m)
{
	u32 ldr = vlapic_reg(t, APIC_LDR);
	u8 dest = (u8)m->dest, mine = (u8)(ldr >> 24);

	if (vlapic_mode(t) == VLAPIC_X2APIC)
		return (m->x2apic && m->dest == BROADCAST_X2APIC) ||
		       ((m->dest >> 16) == (ldr >> 16) && (m->dest & ldr & 0xffff));
	if (dest == BROADCAST_XAPIC)
		return true;
	if ((vlapic_reg(t, APIC_DFR) >> 28) == 0xf)
		return dest & mine;
	return (dest >> 4) == (mine >> 4) && (dest & mine & 0xf);
}

bool apic_bus_targets(const struct vlapic *t, u32 vcpu_id, const struct apic_msg *m)
{
	if (vlapic_mode(t) == VLAPIC_DISABLED)
		return false;
	switch (m->shorthand) {
	case APIC_SHORTHAND_SELF:
		return vcpu_id == m->src_vcpu;
	case APIC_SHORTHAND_ALL:
		return true;
	case APIC_SHORTHAND_OTHERS:
		return vcpu_id != m->src_vcpu;
	default:
		return m->logical ? match_logical(t, m) : match_physical(t, m);
	}
}

/*
 * The first SIPI after INIT starts the vCPU in real mode at vector *
 * 4 KiB: a vCPU that never ran is powered on with that boot state; one
 * that ran (INIT put it back to waiting) restarts from its own thread.
 */
static bool deliver_sipi(struct vcpu *t, struct vlapic *a, u8 vector)
{
	struct vcpu_boot boot = { .mode = VCPU_BOOT_X86_REAL, .entry = (u64)vector << 12 };

	if (!vlapic_post_sipi(a, vector))
		return false;
	if (!vcpu_is_on(t) && !vcpu_power_on(t, &boot))
		return true;
	__atomic_fetch_or(&a->events, VLAPIC_EV_SIPI, __ATOMIC_ACQ_REL);
	return true;
}

static bool deliver_one(struct vcpu *t, struct vlapic *a, const struct apic_msg *m)
{
	bool ok = false;

	switch (m->delivery) {
	case APIC_DELIVERY_FIXED:
	case APIC_DELIVERY_LOWEST:
		ok = vlapic_accept_fixed(a, m->vector, m->level);
		break;
	case APIC_DELIVERY_NMI:
		vlapic_post_nmi(a);
		ok = true;
		break;
	case APIC_DELIVERY_INIT:
		/* The level de-assert only synchronises arbitration IDs: no CPU takes it. */
		if (m->level && !m->assert)
			return false;
		vlapic_post_init(a);
		ok = true;
		break;
	case APIC_DELIVERY_STARTUP:
		ok = deliver_sipi(t, a, m->vector);
		break;
	default:
		/* SMI is not modelled; ExtINT reaches a CPU through LINT0 only. */
		return false;
	}
	if (ok)
		vcpu_request(t, VCPU_REQ_EVENT);
	return ok;
}

int apic_bus_deliver(struct vm *vm, const struct apic_msg *m)
{
	struct vcpu *lowest = NULL;
	int accepted = 0;
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		struct vlapic *a = t->irqchip;

		if (!a || !apic_bus_targets(a, t->id, m))
			continue;
		/* Lowest priority: one target, the first (lowest-numbered) one that is enabled. */
		if (m->delivery == APIC_DELIVERY_LOWEST) {
			if (!lowest && vlapic_sw_enabled(a))
				lowest = t;
			continue;
		}
		accepted += deliver_one(t, a, m);
	}
	if (lowest)
		accepted += deliver_one(lowest, lowest->irqchip, m);
	return accepted;
}

/*
 * Without an IOAPIC model in the build (xplat's arch/x86/vplat/vioapic.c
 * defines the real one, which replaces this), no pin can have sent a
 * level-triggered vector, so its EOI has no Remote IRR to clear.
 */
__weak void vioapic_eoi(struct vm *vm, u8 vector)
{
}
