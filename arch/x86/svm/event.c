/*
 * Events into the guest: EVENTINJ for exceptions the hypervisor raises,
 * for external interrupts from the virtual 8259, and for events that an
 * exit interrupted half-way (EXITINTINFO), which must be delivered again
 * or they are lost. At most one event goes in per VMRUN, in this order:
 * the interrupted one (it happened first), an exception of the emulated
 * instruction, then an interrupt. An interrupt that cannot be taken yet
 * (IF=0, or the STI/MOV SS shadow) opens a window: V_IRQ with the VINTR
 * intercept makes the CPU exit as soon as the guest could take it.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <core/vcpu.h>

#define EVTINJ_TYPE(e)		((e) & EVTINJ_TYPE_MASK)
#define X86_VEC_BP		3
#define X86_VEC_OF		4
#define V_INTR_PRIO_MAX		(0xfULL << V_INTR_PRIO_SHIFT)

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

/* Whether a halted vCPU has something to wake for. */
bool svm_has_deliverable_interrupt(struct svm_vcpu *sv)
{
	if (svm_l1_intercepts_intr(sv))
		return svm_nested_intr_for_l1(sv);
	return interrupt_pending(sv) && (sv->vmcb->save.rflags & X86_RFLAGS_IF);
}

static void set_window(struct svm_vcpu *sv, bool on)
{
	struct vmcb_control *c = &sv->vmcb->control;

	if (on == sv->window_requested)
		return;
	sv->window_requested = on;
	if (on) {
		/* V_IGN_TPR: the guest's TPR must not hold back an interrupt of the 8259. */
		c->int_ctl |= V_IRQ | V_IGN_TPR | V_INTR_PRIO_MAX;
		c->intercept_misc1 |= INTERCEPT_VINTR;
	} else {
		c->int_ctl &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MAX);
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
	}
}

void svm_close_window(struct svm_vcpu *sv)
{
	set_window(sv, false);
}

/*
 * While L2 runs, L0 opens no interrupt window in VMCB02: V_IRQ there may
 * be L1's own request for L2 (arch/x86/svm/README.md), and an event L1
 * injected (EVENTINJ) goes first.
 */
void svm_deliver_events(struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;
	bool pending = interrupt_pending(sv);
	bool injected_by_l1 = sv->nested.guest_mode && (c->event_inj & EVTINJ_VALID);

	if (sv->reinject) {
		c->event_inj = sv->reinject;
		sv->reinject = 0;
	} else if (sv->pending_event) {
		c->event_inj = sv->pending_event;
		sv->pending_event = 0;
	} else if (pending && !injected_by_l1 && guest_interruptible(sv->vmcb)) {
		c->event_inj = vplat_intr_ack(&sv->svm->plat) | EVTINJ_TYPE_INTR | EVTINJ_VALID;
		pending = false;
	}
	set_window(sv, pending && !sv->nested.guest_mode);
}
