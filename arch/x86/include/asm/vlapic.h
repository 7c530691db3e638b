#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <core/timer.h>
#include <lib/compiler.h>

/*
 * The virtual local APIC of one x86 vCPU (arch/x86/vplat/vlapic.c): the
 * xAPIC page at IA32_APIC_BASE and the x2APIC MSRs 0x800-0x8ff, as one
 * table of registers; the timer (one-shot, periodic, TSC-deadline); the
 * priority logic (TPR, PPR, ISR, IRR) that decides what the vCPU takes
 * next; and the INIT/SIPI start-up state.
 *
 * Ownership: everything is the vCPU's own thread's (register accesses,
 * the timer, the entry's interrupt acknowledge), except what other
 * senders touch through the APIC bus (apic_bus.c): the IRR and TMR words
 * (atomic bit operations), @events and @sipi_vector (atomic), and the
 * destination fields they read (@id, LDR, DFR, the mode: atomic loads).
 * So no lock: a sender never waits for the target.
 *
 * Choices where the architecture leaves room (each tested):
 *  - version 0x14 with 6 LVT entries (max LVT 5); EOI-broadcast
 *    suppression is not offered (version bit 24 clear, SVR bit 12
 *    reserved): every EOI of a level-triggered vector goes to the IOAPIC;
 *  - xAPIC accesses are 32-bit loads and stores at a register's 16-byte
 *    aligned offset; a narrower read inside the register's first 4
 *    bytes reads those bytes (as KVM does); any other read is 0 and any
 *    other write is ignored, counted in @bad_accesses and logged once;
 *  - a reserved offset (aligned, 32-bit) reads 0, ignores the write, and
 *    sets ESR "illegal register address" (bit 7), as AMD documents;
 *  - x2APIC: a reserved MSR, a write to a read-only register, a read of
 *    a write-only one (EOI, SELF IPI), a non-zero EOI or ESR write and
 *    set reserved bits raise #GP;
 *  - lowest-priority delivery goes to the lowest-numbered vCPU among
 *    the destinations whose APIC is software-enabled;
 *  - the timer's period is at least VLAPIC_MIN_PERIOD_NS: a periodic
 *    timer with a tiny count cannot flood its CPU (KVM has the same kind
 *    of floor); an initial count of 0 stops the timer.
 */
struct vcpu;

#define VLAPIC_REGS		64	/* the 16-byte registers at 0x000-0x3f0 of the page */
#define VLAPIC_MIN_PERIOD_NS	10000ULL

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + offset / 16. */
#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_APR	0x090
#define APIC_PPR	0x0a0
#define APIC_EOI	0x0b0
#define APIC_RRD	0x0c0
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SVR	0x0f0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_THERM	0x330
#define APIC_LVT_PERF	0x340
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_TIMER_ICR	0x380
#define APIC_TIMER_CCR	0x390
#define APIC_TIMER_DCR	0x3e0
#define APIC_SELF_IPI	0x3f0	/* x2APIC only */

#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)
#define APIC_BASE_EN		BIT(11)
#define APIC_SVR_ENABLE		BIT(8)
#define APIC_LVT_MASKED		BIT(16)
#define APIC_VERSION_VALUE	0x00050014u

#define MSR_X2APIC_FIRST	0x800u
#define MSR_X2APIC_LAST		0x8ffu
#define MSR_TSC_DEADLINE	0x6e0u

enum vlapic_mode { VLAPIC_DISABLED, VLAPIC_XAPIC, VLAPIC_X2APIC };

/* Start-up state (atomic): which of INIT and SIPI the vCPU waits for. */
enum vlapic_run { VLAPIC_RUNNING, VLAPIC_WAIT_INIT, VLAPIC_WAIT_SIPI };

/* @events bits, set by senders, taken by the owner. */
#define VLAPIC_EV_NMI		BIT(0)
#define VLAPIC_EV_INIT		BIT(1)	/* reset the registers, then wait for SIPI */
#define VLAPIC_EV_SIPI		BIT(2)	/* start at @sipi_vector (the vCPU ran before) */

struct vlapic {
	struct vcpu *vcpu;
	u32 regs[VLAPIC_REGS];	/* by offset / 16; IRR and TMR words are atomic */
	u32 irr_words;		/* bit n: IRR word n may be non-zero (atomic) */
	u64 base;		/* IA32_APIC_BASE as the guest reads it */
	u32 id;			/* the APIC ID (atomic); xAPIC shows it in bits 31:24 */
	bool x2apic_offered;	/* CPUID: x2APIC may be enabled */
	bool tsc_deadline_offered;
	u64 phys_mask;		/* IA32_APIC_BASE bits beyond the physical address width: #GP */

	u32 events;		/* VLAPIC_EV_* (atomic) */
	u32 run_state;		/* enum vlapic_run (atomic) */
	u32 sipi_vector;	/* (atomic) */

	/* The timer: owner only. */
	struct timer timer;
	u64 timer_start;	/* ns when the count was loaded, or the period began */
	u64 timer_period;	/* ns of one full count (after the divider), 0: stopped */
	u64 timer_deadline;	/* ns of the next expiry, 0: none */
	u64 tsc_deadline;	/* IA32_TSC_DEADLINE as written (guest TSC), 0: disarmed */

	u64 bad_accesses;	/* xAPIC accesses of a width/alignment the APIC ignores */
	bool warned;
};

/* At vCPU creation (not running yet): the power-up state. */
void vlapic_init(struct vlapic *a, struct vcpu *vcpu, bool bsp);
/* Power-up (@init false) or the INIT signal (@init true: IA32_APIC_BASE is kept). */
void vlapic_reset(struct vlapic *a, bool init);
void vlapic_set_features(struct vlapic *a, bool x2apic, bool tsc_deadline, u32 phys_bits);

enum vlapic_mode vlapic_mode(const struct vlapic *a);
/* The ID messages are matched against: the x2APIC ID, or xAPIC ID bits 31:24. */
u32 vlapic_id(const struct vlapic *a);
bool vlapic_sw_enabled(const struct vlapic *a);

/* Whether @gpa is this vCPU's xAPIC page (enabled, not in x2APIC mode). */
bool vlapic_mmio_claims(const struct vlapic *a, u64 gpa);
/* An xAPIC access; always 0 (the architectural answer), *@val is a read's value. */
int vlapic_mmio_access(struct vlapic *a, u64 gpa, u32 len, bool write, u64 *val);
/* An x2APIC MSR (0x800-0x8ff): 0, or -EINVAL for #GP. */
int vlapic_msr_read(struct vlapic *a, u32 msr, u64 *val);
int vlapic_msr_write(struct vlapic *a, u32 msr, u64 val);
/* IA32_APIC_BASE: -EINVAL for #GP (reserved bits, an illegal mode transition). */
u64 vlapic_base_read(const struct vlapic *a);
int vlapic_base_write(struct vlapic *a, u64 val);
/* IA32_TSC_DEADLINE: the guest's TSC now and its frequency convert it to time. */
u64 vlapic_tsc_deadline_read(const struct vlapic *a);
void vlapic_tsc_deadline_write(struct vlapic *a, u64 deadline, u64 tsc_now, u64 tsc_hz);

/* Register values as the guest reads them; for tests and the entry's priority logic. */
u32 vlapic_reg(const struct vlapic *a, u32 offset);
u32 vlapic_ppr(const struct vlapic *a);
/* TPR written by the guest through CR8 (V_TPR): bits 7:4. */
void vlapic_set_cr8(struct vlapic *a, u8 cr8);
/* Whether any IRR bit may be set: one load, for the check every entry makes. */
static inline bool vlapic_irr_maybe(const struct vlapic *a)
{
	return __atomic_load_n(&a->irr_words, __ATOMIC_ACQUIRE);
}

/* The TPR, for the entry's V_TPR (inline: every entry reads it). */
static inline u32 vlapic_tpr(const struct vlapic *a)
{
	return __atomic_load_n(&a->regs[APIC_TPR >> 4], __ATOMIC_RELAXED);
}

/* A fixed interrupt for this APIC (a sender or its own LVTs): false if not accepted. */
bool vlapic_accept_fixed(struct vlapic *a, u8 vector, bool level);
/* The interrupt the vCPU would take next: the highest IRR vector above PPR's class, or -1. */
int vlapic_pending_vector(const struct vlapic *a);
/* The CPU takes @vector: IRR to ISR. */
void vlapic_ack(struct vlapic *a, u8 vector);
/* The 8259's INTR reaches the CPU: the APIC is globally disabled, or LINT0 is unmasked ExtINT. */
bool vlapic_accepts_pic(const struct vlapic *a);

/* Senders (apic_bus.c): INIT, SIPI and NMI as events for the owner. */
void vlapic_post_init(struct vlapic *a);
bool vlapic_post_sipi(struct vlapic *a, u8 vector);
void vlapic_post_nmi(struct vlapic *a);
static inline u32 vlapic_events(const struct vlapic *a)
{
	return __atomic_load_n(&a->events, __ATOMIC_ACQUIRE);
}
static inline u32 vlapic_take_events(struct vlapic *a, u32 mask)
{
	return __atomic_fetch_and(&a->events, ~mask, __ATOMIC_ACQ_REL) & mask;
}
static inline u32 vlapic_run_state(const struct vlapic *a)
{
	return __atomic_load_n(&a->run_state, __ATOMIC_ACQUIRE);
}

/* Timer arithmetic (tested on its own): the divide configuration's divisor. */
u32 vlapic_timer_divisor(u32 dcr);
/* The current count at @now for the programmed timer. */
u32 vlapic_timer_ccr(const struct vlapic *a, u64 now);

struct apic_msg;
/* apic_bus.c: whether @m names the APIC @t of vCPU @vcpu_id (shorthand, physical, logical). */
bool apic_bus_targets(const struct vlapic *t, u32 vcpu_id, const struct apic_msg *m);

/* The vCPU's thread before it frees the vCPU: the timer stops. */
/*
 * The vCPU leaves its CPU for good or for a VM reset: its timer stops,
 * on that CPU (a core timer leaves only the list of the CPU it is on).
 */
void vlapic_put(struct vlapic *a);
void vlapic_destroy(struct vlapic *a);

#endif
