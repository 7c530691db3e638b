/*
 * Interrupts and NMIs while L2 runs (nested SVM, asm/svm_nested.h).
 *
 * Three parties want VMCB02's virtual-interrupt fields: L1, whose V_IRQ
 * request for L2 came in VMCB12; L0, which needs an exit (an interrupt
 * window) as soon as L2 can take an interrupt it holds; and L2's V_GIF
 * (vGIF, when L1 enabled it), which holds L1's request while clear.
 * VMCB02's V_IRQ bits are therefore composed before each entry
 * (svm_nested_compose_int_ctl()) from L1's request, kept in
 * nested.l1_irq, and L0's window, which takes precedence: its VINTR
 * exit comes at the first instruction boundary where L2 is
 * interruptible, which is also the earliest L1's request could be
 * delivered, and L1's request goes back in at the next entry. After
 * each exit the CPU's consumption of L1's V_IRQ is read back
 * (svm_nested_capture_int_ctl()) before anything looks at it, so the
 * #VMEXIT tells L1 whether L2 took it.
 *
 * An interrupt or NMI of L1's (its local APIC, its 8259) while L2 runs:
 *  - if L1 intercepts INTR (NMI), it ends L2's run with #VMEXIT(INTR)
 *    (NMI) as soon as L1 could take a physical one: for INTR, L1's IF
 *    with V_INTR_MASKING, L2's without, and GIF; for NMI, GIF and no
 *    NMI in service. The event itself stays pending: L1 takes it after
 *    its STGI, as on the CPU.
 *  - otherwise it goes into L2 (EVENTINJ) when L2 can take it: V_GIF
 *    set, no interrupt shadow, and for INTR the IF that V_INTR_MASKING
 *    names (L1's with it, L2's without).
 * Where only L2 can lift the block (its IF, its shadow), L0 opens the
 * window in VMCB02; where L1's IF or GIF holds it, nothing L2 does can
 * change that, and the next #VMEXIT or STGI decides; where V_GIF holds
 * it, L2's STGI exits to L0 (CLGI/STGI are always intercepted).
 */
#include <asm/svm.h>
#include <asm/svm_nested.h>
#include <core/arch.h>
#include <core/percpu.h>
#include <core/vcpu.h>

#define L0_WINDOW	(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK)
#define X86_VEC_PF	14

static const struct vmcb_control *ctl12(const struct svm_vcpu *sv)
{
	return &sv->nested.cache->control;
}

static bool v_gif_open(const struct svm_nested *n)
{
	return !n->vgif || n->v_gif;
}

/* At VMRUN, from the cache of VMCB12: L1's request, V_GIF, and no window of L0's yet. */
void svm_nested_intr_vmrun(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;
	u64 int_ctl = ctl12(sv)->int_ctl;

	n->l1_irq = int_ctl & V_IRQ_INJECTION_BITS;
	n->vgif = (n->limits.svm_features & SVM_FEATURE_VGIF) && (int_ctl & V_GIF_ENABLE);
	n->v_gif = int_ctl & V_GIF;
	n->irq_live = false;
	n->l0_window = false;
}

/* After an exit: the CPU clears V_IRQ when L2 takes L1's virtual interrupt. */
void svm_nested_capture_int_ctl(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;

	if (!n->irq_live)
		return;
	n->l1_irq = (n->l1_irq & ~V_IRQ) | (n->vmcb02->control.int_ctl & V_IRQ);
	n->irq_live = false;
}

/* What #VMEXIT writes into VMCB12's int_ctl: V_TPR, V_IRQ and (with vGIF) V_GIF. */
u64 nested_int_ctl_to_l1(const struct svm_vcpu *sv, u64 int_ctl12)
{
	const struct svm_nested *n = &sv->nested;
	u64 v = int_ctl12 & ~(V_TPR_MASK | V_IRQ);

	v |= (n->vmcb02->control.int_ctl & V_TPR_MASK) | (n->l1_irq & V_IRQ);
	if (n->vgif)
		v = (v & ~V_GIF) | (n->v_gif ? V_GIF : 0);
	return v;
}

void svm_nested_compose_int_ctl(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;
	struct vmcb_control *c = &n->vmcb02->control;
	u64 bits;

	n->irq_live = !n->l0_window && v_gif_open(n);
	bits = n->l0_window ? L0_WINDOW : n->irq_live ? n->l1_irq : 0;
	c->int_ctl = (c->int_ctl & ~V_IRQ_INJECTION_BITS) | bits;
	if (n->l0_window || (ctl12(sv)->intercept_misc1 & INTERCEPT_VINTR))
		c->intercept_misc1 |= INTERCEPT_VINTR;
	else
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
}

void svm_nested_window(struct svm_vcpu *sv, bool open)
{
	sv->nested.l0_window = open;
	svm_nested_compose_int_ctl(sv);
}

/* The IF that masks a physical interrupt in guest mode: L1's with V_INTR_MASKING, else L2's. */
static bool physical_if(const struct svm_vcpu *sv)
{
	const struct vmcb_save *s = (ctl12(sv)->int_ctl & V_INTR_MASKING) ?
				    &sv->vmcb01->save : &sv->vmcb->save;

	return s->rflags & X86_RFLAGS_IF;
}

static bool l2_shadow(const struct svm_vcpu *sv)
{
	return sv->vmcb->control.int_state & INT_SHADOW;
}

/* An interrupt of L1's that would end L2's run now (L1 intercepts INTR). */
bool svm_nested_intr_for_l1(struct svm_vcpu *sv)
{
	return (ctl12(sv)->intercept_misc1 & INTERCEPT_INTR) && svm_intr_pending(sv) &&
	       physical_if(sv);
}

/* An NMI of L1's that would end L2's run now (L1 intercepts NMI). */
static bool nmi_for_l1(struct svm_vcpu *sv)
{
	return (ctl12(sv)->intercept_misc1 & INTERCEPT_NMI) && svm_nmi_pending(sv) &&
	       !svm_nmi_blocked(sv);
}

/* An NMI L1 does not intercept goes into L2 unless V_GIF holds it. */
bool svm_nested_nmi_to_l2(const struct svm_vcpu *sv)
{
	return !(ctl12(sv)->intercept_misc1 & INTERCEPT_NMI) && v_gif_open(&sv->nested);
}

/* Whether L2 takes an interrupt of L1's (one L1 does not intercept) now. */
bool svm_nested_l2_takes_intr(const struct svm_vcpu *sv)
{
	return v_gif_open(&sv->nested) && !l2_shadow(sv) && physical_if(sv);
}

/*
 * Whether L0 needs the window: an interrupt is held by something only
 * L2 can end (its IF where V_INTR_MASKING is clear, its shadow, an
 * event L1 injected going first), for L2 (@l2_pending: one L1 does not
 * intercept, not delivered at this entry) or for L1's INTR exit. Never
 * where L1's IF or V_GIF holds it: the window would fire at once and
 * again, for nothing.
 */
bool svm_nested_window_needed(struct svm_vcpu *sv, bool l2_pending)
{
	bool l2_if_masks = !(ctl12(sv)->int_ctl & V_INTR_MASKING);
	bool l2_if = sv->vmcb->save.rflags & X86_RFLAGS_IF;

	if (l2_pending)
		return v_gif_open(&sv->nested) && (l2_if_masks || physical_if(sv));
	return (ctl12(sv)->intercept_misc1 & INTERCEPT_INTR) && svm_intr_pending(sv) &&
	       l2_if_masks && !l2_if;
}

/* L1's V_IRQ request that L2 would take now (it wakes an L2 in HLT). */
bool svm_nested_virq_deliverable(const struct svm_vcpu *sv)
{
	const struct svm_nested *n = &sv->nested;

	return (n->l1_irq & V_IRQ) && v_gif_open(n) && (sv->vmcb->save.rflags & X86_RFLAGS_IF);
}

/*
 * Before each entry into L2: an exception L0 raised while emulating for
 * L2 is L1's if L1 intercepts its vector, and ends L2's run here with the
 * event that was in flight reported in EXITINTINFO. Then an NMI and an
 * interrupt of L1's, if L1 intercepts them, end it too, but only once no
 * event L1 injected is left to deliver: VMRUN delivers that event before
 * it takes an interrupt or NMI. Reflected first, the event would go back
 * to L1 in EXITINTINFO every time, and Linux's KVM, which kicks itself
 * with an IPI just before VMRUN while it injects into L2, would loop
 * without L2 ever taking it. A kick of L0's own, pending across the
 * entry, makes the CPU exit right after the delivery; the next entry
 * reflects. Otherwise L2 runs with VMCB02's virtual-interrupt fields
 * composed anew.
 */
void svm_nested_before_entry(struct svm_vcpu *sv)
{
	u64 ev = sv->pending_event, vec = ev & EVTINJ_VECTOR_MASK;
	u64 cr2 = vec == X86_VEC_PF ? sv->vmcb->save.cr2 : 0;
	u32 code;

	if (ev && (ctl12(sv)->intercept_exceptions & BIT(vec))) {
		sv->pending_event = 0;
		nested_svm_vmexit(sv, SVM_EXIT_EXCP_BASE + vec, ev >> EVTINJ_ERR_SHIFT, cr2,
				  nested_l2_event_in_flight(sv), 0);
		return;
	}
	code = nmi_for_l1(sv) ? SVM_EXIT_NMI : svm_nested_intr_for_l1(sv) ? SVM_EXIT_INTR : 0;
	if (code && !nested_l2_event_in_flight(sv)) {
		nested_svm_vmexit(sv, code, 0, 0, 0, 0);
		return;
	}
	if (code)
		arch_cpu_kick(cpu_id());
	svm_nested_compose_int_ctl(sv);
}
