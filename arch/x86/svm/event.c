/*
 * Events into the guest, decided here and only here, before each entry:
 * EVENTINJ for exceptions the hypervisor raises, for NMIs, for external
 * interrupts (the virtual 8259's ExtINT through LINT0, or the local
 * APIC's highest IRR vector above its PPR), and for events that an exit
 * interrupted half-way (EXITINTINFO), which must be delivered again or
 * they are lost. At most one event goes in per VMRUN, in this order: the
 * interrupted one (it happened first), an exception of the emulated
 * instruction, an NMI, then an interrupt (ExtINT first: it has no
 * priority class). An interrupt that cannot be taken yet (IF=0, or the
 * STI/MOV SS shadow) opens a window: V_IRQ with the VINTR intercept
 * makes the CPU exit as soon as the guest could take it. An APIC
 * interrupt held back by a vector in service waits for the EOI, which
 * exits; one held back by the TPR waits for the TPR write, which exits
 * through the xAPIC page or the x2APIC MSR, but not through CR8 (V_TPR):
 * lowered there, it goes in at the vCPU's next exit. No window at the
 * vector's priority is opened for CR8: QEMU 7.2's TCG (our test machine)
 * aborts on the assertion qemu_mutex_iothread_locked() in
 * tcg_handle_interrupt() when a CR8 write makes such a virtual interrupt
 * deliverable (observed with the x86-vm-apic suite).
 *
 * NMI blocking lasts until the guest's IRET: the IRET intercept exits
 * before the IRET runs, so blocking ends once RIP has moved on; an NMI
 * posted meanwhile opens a window to be looked at again (known limit:
 * with IF=0 after the IRET it waits for the vCPU's next exit).
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <core/vcpu.h>

#define EVTINJ_TYPE(e)		((e) & EVTINJ_TYPE_MASK)
#define X86_VEC_BP		3
#define X86_VEC_OF		4
#define V_INTR_PRIO_MAX		(0xfULL << V_INTR_PRIO_SHIFT)
#define WINDOW_ANY		(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MAX)
#define WINDOW_BITS		(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MAX)
#define X86_VEC_NMI		2

void svm_inject_exception(struct svm_vcpu *sv, u8 vector, bool has_error, u32 error)
{
	sv->pending_event = vector | EVTINJ_TYPE_EXEPT | EVTINJ_VALID |
			    (has_error ? EVTINJ_VALID_ERR | (u64)error << EVTINJ_ERR_SHIFT : 0);
}

/*
 * INTn, INT3 and INTO raise their event again when re-executed (RIP
 * still points at them): injecting them as well would deliver twice, and
 * without NRIPS the length to skip is unknown anyway.
 */
static bool raised_by_instruction(u64 info)
{
	u64 vec = info & EVTINJ_VECTOR_MASK;

	return EVTINJ_TYPE(info) == EVTINJ_TYPE_SOFT ||
	       (EVTINJ_TYPE(info) == EVTINJ_TYPE_EXEPT && (vec == X86_VEC_BP || vec == X86_VEC_OF));
}

void svm_record_interrupted_event(struct svm_vcpu *sv, u64 info)
{
	if (!raised_by_instruction(info))
		sv->reinject = info;
}

static bool guest_interruptible(const struct vmcb *vmcb)
{
	return (vmcb->save.rflags & X86_RFLAGS_IF) && !(vmcb->control.int_state & INT_SHADOW);
}

/* An interrupt for the guest that runs: L2 gets L1's only if L1 does not intercept them. */
static bool interrupt_pending(const struct svm_vcpu *sv)
{
	return svm_intr_pending(sv) && !svm_l1_intercepts_intr(sv);
}

/* NMI blocking ends once the IRET that the intercept caught has run. */
bool svm_nmi_blocked(struct svm_vcpu *sv)
{
	if (sv->awaiting_iret && sv->vmcb->save.rip != sv->iret_rip) {
		sv->awaiting_iret = false;
		sv->nmi_masked = false;
	}
	return sv->nmi_masked;
}

/*
 * A halted L2 wakes for what would end its run (L1's NMI or interrupt
 * exit) or what it would take: L1's NMI or interrupt it is given (the
 * interrupt shadow aside: HLT ends it), or L1's V_IRQ.
 */
static bool l2_has_deliverable_interrupt(struct svm_vcpu *sv)
{
	bool l1_nmi = sv->nested.cache->control.intercept_misc1 & INTERCEPT_NMI;

	if (svm_nmi_pending(sv) && !svm_nmi_blocked(sv) && (l1_nmi || svm_nested_nmi_to_l2(sv)))
		return true;
	if (svm_l1_intercepts_intr(sv))
		return svm_nested_intr_for_l1(sv);
	if (interrupt_pending(sv) && svm_nested_l2_takes_intr(sv))
		return true;
	return svm_nested_virq_deliverable(sv);
}

/* Whether a halted vCPU has something to wake for. */
bool svm_has_deliverable_interrupt(struct svm_vcpu *sv)
{
	if (vlapic_events(&sv->lapic) & (VLAPIC_EV_INIT | VLAPIC_EV_SIPI))
		return true;
	if (sv->nested.guest_mode)
		return l2_has_deliverable_interrupt(sv);
	if (svm_nmi_pending(sv) && !svm_nmi_blocked(sv))
		return true;
	return interrupt_pending(sv) && (sv->vmcb->save.rflags & X86_RFLAGS_IF);
}

static void set_window(struct svm_vcpu *sv, u64 bits)
{
	struct vmcb_control *c = &sv->vmcb->control;

	if (bits == sv->window && sv->window_requested == !!bits)
		return;
	sv->window = bits;
	sv->window_requested = bits;
	/* V_IGN_TPR for the 8259's and deliverable APIC interrupts: the TPR holds neither. */
	c->int_ctl = (c->int_ctl & ~WINDOW_BITS) | bits;
	if (bits)
		c->intercept_misc1 |= INTERCEPT_VINTR;
	else
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
}

void svm_close_window(struct svm_vcpu *sv)
{
	set_window(sv, 0);
}

static void inject_nmi(struct svm_vcpu *sv)
{
	vlapic_take_events(&sv->lapic, VLAPIC_EV_NMI);
	sv->vmcb->control.event_inj = X86_VEC_NMI | EVTINJ_TYPE_NMI | EVTINJ_VALID;
	sv->nmi_masked = true;
	sv->awaiting_iret = false;
	sv->vmcb->control.intercept_misc1 |= INTERCEPT_IRET;
}

int svm_exit_iret(struct svm_vcpu *sv)
{
	sv->vmcb->control.intercept_misc1 &= ~INTERCEPT_IRET;
	sv->awaiting_iret = true;
	sv->iret_rip = sv->vmcb->save.rip;
	return VCPU_RESUME;
}

/* The vector the CPU takes now: the 8259 acknowledges its own; the APIC moves IRR to ISR. */
static u8 acknowledge(struct svm_vcpu *sv, bool extint, int vector)
{
	if (extint)
		return vplat_intr_ack(&sv->svm->plat);
	vlapic_ack(&sv->lapic, (u8)vector);
	return (u8)vector;
}

/* Whether the guest that runs takes an interrupt of the vCPU's now (L2: nested_intr.c). */
static bool interruptible(const struct svm_vcpu *sv)
{
	if (sv->nested.guest_mode)
		return svm_nested_l2_takes_intr(sv);
	return guest_interruptible(sv->vmcb);
}

/*
 * While L2 runs, an event L1 injected (EVENTINJ) goes first, and L1's
 * interrupts and NMIs go into L2 only where L1 does not intercept them
 * (nested_intr.c reflects the others). L0's window in VMCB02 is
 * composed with L1's own V_IRQ request there (svm_nested_window()).
 */
void svm_deliver_events(struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;
	bool l2 = sv->nested.guest_mode;
	bool extint = sv->gif && svm_extint_pending(sv);
	int vector = (sv->gif && !extint) ? vlapic_pending_vector(&sv->lapic) : -1;
	bool pending = (extint || vector >= 0) && !svm_l1_intercepts_intr(sv);
	bool injected_by_l1 = l2 && (c->event_inj & EVTINJ_VALID);
	bool nmi = svm_nmi_pending(sv) && (!l2 || svm_nested_nmi_to_l2(sv));
	u64 window = 0;

	if (sv->reinject) {
		c->event_inj = sv->reinject;
		sv->reinject = 0;
	} else if (sv->pending_event) {
		c->event_inj = sv->pending_event;
		sv->pending_event = 0;
	} else if (nmi && !injected_by_l1 && !svm_nmi_blocked(sv)) {
		inject_nmi(sv);
		nmi = false;
	} else if (pending && !injected_by_l1 && interruptible(sv)) {
		c->event_inj = acknowledge(sv, extint, vector) | EVTINJ_TYPE_INTR | EVTINJ_VALID;
		pending = false;
	}
	if (l2) {
		svm_nested_window(sv, svm_nested_window_needed(sv, pending) ||
				  (nmi && (sv->awaiting_iret || injected_by_l1)));
		return;
	}
	if (pending || (nmi && sv->awaiting_iret))
		window = WINDOW_ANY;
	set_window(sv, window);
}

int svm_vcpu_reset(struct svm_vcpu *sv, u32 mode, u64 entry, const u64 *args)
{
	svm_nested_reset(sv);
	svm_cpuid_init(sv);
	svm_vmcb_init(sv);
	sv->nmi_masked = sv->awaiting_iret = false;
	return svm_vmcb_boot(sv, mode, entry, args);
}

/*
 * INIT resets the APIC and makes the vCPU wait for a SIPI (it enters
 * nothing meanwhile); the SIPI restarts it in real mode at vector * 4
 * KiB, its CPU state as after INIT. Whatever was in flight is dropped.
 */
int svm_apic_start_up(struct svm_vcpu *sv)
{
	struct vlapic *a = &sv->lapic;
	const u64 args[4] = { 0 };

	if (vlapic_take_events(a, VLAPIC_EV_INIT)) {
		vlapic_reset(a, true);
		sv->mmio_pending_write = false;
		sv->nmi_masked = sv->awaiting_iret = false;
	}
	if (vlapic_run_state(a) == VLAPIC_WAIT_SIPI)
		return VCPU_BLOCK;
	if (vlapic_take_events(a, VLAPIC_EV_SIPI))
		return svm_vcpu_reset(sv, VCPU_BOOT_X86_REAL,
				      (u64)__atomic_load_n(&a->sipi_vector, __ATOMIC_ACQUIRE) << 12,
				      args);
	return 0;
}
