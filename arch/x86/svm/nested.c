/*
 * Nested SVM: VMRUN, #VMEXIT, VMLOAD, VMSAVE, STGI, CLGI and INVLPGA
 * emulated for an L1 guest offered SVM (asm/svm_nested.h; the design and
 * what is offered are in arch/x86/svm/README.md).
 *
 * VMRUN reads VMCB12 from L1's memory once into a cache, runs every
 * check that can fail on that cache (nested_checks.c, then L2's CR3 and
 * the permission maps), and only then builds VMCB02 and switches to it.
 * A failure anywhere before the switch goes through one helper,
 * nested_synthesize_vmrun_error_vmexit(), which returns to L1 the way a
 * #VMEXIT does, with the error EXITCODE; nothing of VMCB02 exists yet,
 * so nothing of a half-built L2 can leak into L1 or the next VMRUN.
 */
#include <asm/cpu.h>
#include <asm/cpuid_model.h>
#include <asm/svm.h>
#include <asm/svm_nested.h>
#include <core/console.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/string.h>

#define X86_VEC_UD		6
#define X86_VEC_GP		13
/* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, INVLPGA are all 0f 01 xx. */
#define LEN_SVM_INSN		3
#define DR7_RESET		0x400ULL
#define PDPT_ALIGN_MASK		0x1fULL
#define NR_PDPTES		4
#define EXITCODE_HW_VMRUN_FAILED 0xffffffffu
#define CPUID_EXT1_EDX_1GB	BIT(26)

/* The LBR state VMRUN and #VMEXIT move with LBR_CTL_ENABLE (LBR virtualization). */
#define DEBUGCTL_RESERVED	(~MSR_DEBUGCTL_BITS)

/* CR4 */
#define CR4_VME			BIT(0)
#define CR4_PVI			BIT(1)
#define CR4_TSD			BIT(2)
#define CR4_DE			BIT(3)
#define CR4_PSE			BIT(4)
#define CR4_PAE			BIT(5)
#define CR4_PGE			BIT(7)
#define CR4_PCE			BIT(8)
#define CR4_OSFXSR		BIT(9)
#define CR4_OSXMMEXCPT		BIT(10)
#define CR4_UMIP		BIT(11)
#define CR4_FSGSBASE		BIT(16)
#define CR4_PCIDE		BIT(17)
#define CR4_OSXSAVE		BIT(18)
#define CR4_SMEP		BIT(20)
#define CR4_SMAP		BIT(21)

static bool guest_mode(const struct svm_vcpu *sv)
{
	return sv->nested.guest_mode;
}

static struct vmcb *vmcb01(struct svm_vcpu *sv)
{
	return sv->vmcb01;
}

/* ------------------------------------------------------------------ */
/* L1's CPU model: what VMCB12 may ask for. */

static void host_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	cpuid_count(leaf, subleaf, r);
}

static u32 model_reg(const struct svm_vcpu *sv, u32 leaf, unsigned int reg)
{
	struct cpuid_guest g = { .vcpu_id = sv->vcpu->id, .phys_bits = svm_caps.gpa_bits,
				 .osxsave = true, .nested_svm = true };
	struct cpuid_regs r;

	cpuid_model(&g, host_cpuid, leaf, 0, &r);
	return reg == 0 ? r.eax : reg == 1 ? r.ebx : reg == 2 ? r.ecx : r.edx;
}

/*
 * A CR4 bit is legal in VMCB12 only if L1's CPUID offers its feature;
 * TSD and PCE have no CPUID bit (every x86-64 CPU has them).
 */
static u64 cr4_allowed(const struct svm_vcpu *sv)
{
	static const struct { u32 leaf; u8 reg; u8 bit; u64 cr4; } rows[] = {
		{ 1, 3, 1, CR4_VME | CR4_PVI },		/* EDX.VME */
		{ 1, 3, 2, CR4_DE },
		{ 1, 3, 3, CR4_PSE },
		{ 1, 3, 6, CR4_PAE },
		{ 1, 3, 13, CR4_PGE },
		{ 1, 3, 24, CR4_OSFXSR | CR4_OSXMMEXCPT },	/* EDX.FXSR */
		{ 1, 2, 17, CR4_PCIDE },
		{ 1, 2, 26, CR4_OSXSAVE },			/* ECX.XSAVE */
		{ 7, 1, 0, CR4_FSGSBASE },
		{ 7, 1, 7, CR4_SMEP },
		{ 7, 1, 20, CR4_SMAP },
		{ 7, 2, 2, CR4_UMIP },
	};
	u64 allowed = CR4_TSD | CR4_PCE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (model_reg(sv, rows[i].leaf, rows[i].reg) & BIT(rows[i].bit))
			allowed |= rows[i].cr4;
	return allowed;
}

static void compute_limits(struct svm_vcpu *sv)
{
	struct cpuid_regs ext1 = {
		.ecx = model_reg(sv, 0x80000001u, 2), .edx = model_reg(sv, 0x80000001u, 3),
	};

	sv->nested.limits = (struct nested_limits){
		.phys_bits = model_reg(sv, 0x80000008u, 0) & 0xff,
		.cr4_allowed = cr4_allowed(sv),
		.efer_allowed = cpuid_efer_allowed(&ext1),
		.svm_features = model_reg(sv, 0x8000000au, 3),
		.gbpages = ext1.edx & CPUID_EXT1_EDX_1GB,
	};
}

/* ------------------------------------------------------------------ */
/* vCPU life. */

static void find_merged_bits(struct svm_nested *n);

int svm_nested_vcpu_init(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;

	n->offered = sv->svm->nested_svm;
	if (!n->offered || n->vmcb02)
		return 0;
	n->cache = page_alloc_contig(1, PAGE_SIZE);
	n->vmcb02 = page_alloc_contig(1, PAGE_SIZE);
	n->msrpm02 = page_alloc_contig(MSRPM_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!n->cache || !n->vmcb02 || !n->msrpm02 || svm_nested_npt_init(sv)) {
		svm_nested_vcpu_destroy(sv);
		return -ENOMEM;
	}
	n->vmcb02_pa = (paddr_t)(uintptr_t)n->vmcb02;
	memset(n->vmcb02, 0, PAGE_SIZE);
	memset(n->cache, 0, PAGE_SIZE);
	/* L0's bits never change: only the passed-through MSRs are merged per VMRUN. */
	memcpy(n->msrpm02, svm_msrpm(), MSRPM_SIZE);
	n->msrpm02_is_l0s = true;
	find_merged_bits(n);
	compute_limits(sv);
	return 0;
}

void svm_nested_vcpu_destroy(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;

	if (n->cache)
		page_free_contig(n->cache, 1);
	if (n->vmcb02)
		page_free_contig(n->vmcb02, 1);
	if (n->msrpm02)
		page_free_contig(n->msrpm02, MSRPM_SIZE / PAGE_SIZE);
	n->cache = n->vmcb02 = NULL;
	n->msrpm02 = NULL;
	svm_nested_npt_destroy(sv);
}

/* Back to VMCB01, whatever ran: a (re)boot starts L1 outside guest mode. */
void svm_nested_reset(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;

	n->guest_mode = false;
	n->vmcb12_gpa = 0;
	n->vmcb12 = NULL;
	n->efer_svme = false;
	n->vm_cr = 0;
	n->hsave_pa = 0;
	n->l1_asid = 0;
	n->l0_window = n->irq_live = n->vgif = false;
	n->checked.passed = false;
	svm_nested_npt_reset(sv);
	sv->vmcb = sv->vmcb01;
	sv->vmcb_pa = sv->vmcb01_pa;
	sv->gif = true;
}

/* ------------------------------------------------------------------ */
/* The architectural faults of the SVM instructions. */

/*
 * EFER.SVME of the code that runs: L1's own view, or L2's EFER (VMCB02),
 * which VMRUN required set and which L2 sees as it is.
 */
static bool svme_now(const struct svm_vcpu *sv)
{
	if (guest_mode(sv))
		return sv->vmcb->save.efer & EFER_SVME;
	return sv->nested.efer_svme;
}

/*
 * #UD while the code that runs has no SVM (not offered, or EFER.SVME
 * clear) or is in real mode; #GP at CPL > 0. True when a fault was
 * injected. For L2 (an SVM instruction L1 does not intercept) these are
 * L2's EFER, CR0 and CPL, as the CPU checks them in guest mode.
 */
static bool svm_insn_faults(struct svm_vcpu *sv)
{
	if (!sv->nested.offered || !svme_now(sv) || !(sv->vmcb->save.cr0 & X86_CR0_PE)) {
		svm_inject_exception(sv, X86_VEC_UD, false, 0);
		return true;
	}
	if (sv->vmcb->save.cpl) {
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
		return true;
	}
	return false;
}

/*
 * The VMCB address in rAX (EAX outside 64-bit mode): page aligned and a
 * page of L1's RAM, or #GP(0). Returns the page in the hypervisor.
 */
static struct vmcb *vmcb_operand(struct svm_vcpu *sv, u64 *gpa)
{
	u64 mask = svm_cpu_mode(sv->vmcb) == X86_MODE_64 ? ~0ULL : 0xffffffffULL;
	struct vmcb *v = NULL;

	*gpa = sv->vmcb->save.rax & mask;
	if (!(*gpa & (PAGE_SIZE - 1)))
		v = svm_ram_at(sv, *gpa, PAGE_SIZE);
	if (!v)
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
	return v;
}

/* ------------------------------------------------------------------ */
/* Returning to L1: the one tail of every #VMEXIT, error or not. */

/*
 * What #VMEXIT does to the host (L1) beyond reloading its save area,
 * which VMCB01 is: GIF clear, DR7 reset, CPL 0. The L2 ASID's state and
 * everything of the VMRUN in flight are dropped, so that the next VMRUN
 * starts from nothing.
 */
static void return_to_l1(struct svm_vcpu *sv)
{
	struct vmcb *l1 = vmcb01(sv);

	sv->nested.guest_mode = false;
	sv->nested.vmcb12_gpa = 0;
	sv->nested.vmcb12 = NULL;
	sv->nested.l0_window = false;
	sv->vmcb = l1;
	sv->vmcb_pa = sv->vmcb01_pa;
	sv->gif = false;
	/* Events in flight were L2's: EXITINTINFO told L1 about them. */
	sv->reinject = 0;
	sv->pending_event = 0;
	l1->save.dr7 = DR7_RESET;
	l1->save.cpl = 0;
	/* NMI blocking is the CPU's, not L2's: L1's next IRET ends it. */
	if (sv->nmi_masked && !sv->awaiting_iret)
		l1->control.intercept_misc1 |= INTERCEPT_IRET;
}

/*
 * The error #VMEXIT of a VMRUN that never got to run L2: EXITCODE is
 * VMEXIT_INVALID, the 64-bit -1, with no exit information, and L1 goes
 * on after its VMRUN with GIF clear as after any #VMEXIT.
 */
static void nested_synthesize_vmrun_error_vmexit(struct svm_vcpu *sv, struct vmcb *v12)
{
	/*
	 * Only for VMRUNs that failed before VMCB02 was entered: a #VMEXIT
	 * after L2 ran writes L2's state back through nested_svm_vmexit().
	 */
	WARN_ON_ONCE(guest_mode(sv));
	v12->control.exit_code = (u32)SVM_EXIT_ERR;
	v12->control.exit_code_hi = (u32)((u64)SVM_EXIT_ERR >> 32);
	v12->control.exit_info_1 = 0;
	v12->control.exit_info_2 = 0;
	return_to_l1(sv);
}

/* FS, GS, TR, LDTR and the syscall MSRs: the state VMLOAD and VMSAVE move. */
static void copy_vmload_state(struct vmcb_save *dst, const struct vmcb_save *src)
{
	dst->fs = src->fs;
	dst->gs = src->gs;
	dst->tr = src->tr;
	dst->ldtr = src->ldtr;
	dst->kernel_gs_base = src->kernel_gs_base;
	dst->star = src->star;
	dst->lstar = src->lstar;
	dst->cstar = src->cstar;
	dst->sfmask = src->sfmask;
	dst->sysenter_cs = src->sysenter_cs;
	dst->sysenter_esp = src->sysenter_esp;
	dst->sysenter_eip = src->sysenter_eip;
}

/* DEBUGCTL and the four LBR records: what LBR virtualization switches. */
static void copy_lbr_state(struct vmcb_save *dst, const struct vmcb_save *src)
{
	dst->dbgctl = src->dbgctl;
	dst->br_from = src->br_from;
	dst->br_to = src->br_to;
	dst->last_excp_from = src->last_excp_from;
	dst->last_excp_to = src->last_excp_to;
}

static bool l1_virtualizes_lbr(const struct svm_vcpu *sv)
{
	return sv->nested.cache->control.virt_ext & VIRT_EXT_LBR_CTL_ENABLE;
}

/*
 * The guest state #VMEXIT saves into the guest's VMCB. Inline: a round
 * trip copies it three times, and a call each costs 6 of its 51.
 */
static __always_inline void save_l2_state(struct vmcb_save *d, const struct vmcb_save *s)
{
	d->es = s->es;
	d->cs = s->cs;
	d->ss = s->ss;
	d->ds = s->ds;
	d->gdtr = s->gdtr;
	d->idtr = s->idtr;
	d->cpl = s->cpl;
	d->efer = s->efer;
	d->cr0 = s->cr0;
	d->cr2 = s->cr2;
	d->cr3 = s->cr3;
	d->cr4 = s->cr4;
	d->dr6 = s->dr6;
	d->dr7 = s->dr7;
	d->rflags = s->rflags;
	d->rip = s->rip;
	d->rsp = s->rsp;
	d->rax = s->rax;
}

/*
 * The CPU's decode assists, passed on when L1 is offered them (only if
 * the CPU has them): the bytes it fetched, for the exits that have them.
 */
static void pass_decode_assists(struct svm_vcpu *sv, struct vmcb_control *c12, bool from_cpu)
{
	const struct vmcb_control *c02 = &sv->nested.vmcb02->control;

	if (!(sv->nested.limits.svm_features & SVM_FEATURE_DECODE))
		return;
	c12->insn_len = from_cpu ? c02->insn_len : 0;
	__builtin_memcpy(c12->insn_bytes, c02->insn_bytes, sizeof(c12->insn_bytes));
}

/*
 * LBR state at #VMEXIT: with L1's LBR virtualization L2's goes to
 * VMCB12 and L1's stays in VMCB01; without it L2 ran on L1's, which
 * goes back to L1 as L2 left it (L2 may have written DEBUGCTL).
 */
static void lbr_state_at_vmexit(struct svm_vcpu *sv, struct vmcb *v12)
{
	if (l1_virtualizes_lbr(sv))
		copy_lbr_state(&v12->save, &sv->nested.vmcb02->save);
	else
		copy_lbr_state(&vmcb01(sv)->save, &sv->nested.vmcb02->save);
}

/*
 * The #VMEXIT of an L2 that ran: L2's state and the exit information
 * into VMCB12, L1's state back from VMCB01. @next_rip: what NRIPS
 * saves for this exit (0 where the CPU saves none).
 */
void nested_svm_vmexit(struct svm_vcpu *sv, u64 code, u64 info1, u64 info2, u64 int_info,
		       u64 next_rip)
{
	struct vmcb *v02 = sv->nested.vmcb02, *v12;

	/*
	 * Only after a successful VMRUN: VMCB02 holds a running L2. A VMRUN
	 * that failed its checks never built VMCB02, and has its own exit.
	 */
	if (WARN_ON_ONCE(!guest_mode(sv)))
		return;
	/* VMRUN checked it, and the memory map is fixed once the VM runs. */
	v12 = sv->nested.vmcb12;
	if (!WARN_ON_ONCE(!v12)) {
		save_l2_state(&v12->save, &v02->save);
		lbr_state_at_vmexit(sv, v12);
		v12->control.int_ctl = nested_int_ctl_to_l1(sv, v12->control.int_ctl);
		v12->control.int_state = v02->control.int_state & INT_SHADOW;
		v12->control.exit_code = (u32)code;
		v12->control.exit_code_hi = (u32)(code >> 32);
		v12->control.exit_info_1 = info1;
		v12->control.exit_info_2 = info2;
		v12->control.exit_int_info = int_info;
		v12->control.event_inj = 0;
		v12->control.next_rip = next_rip;
		pass_decode_assists(sv, &v12->control, next_rip != 0);
	}
	/*
	 * L2's PAT writes (L1 left the MSR to L0) went to VMCB02's G_PAT:
	 * with nested paging that is L2's own PAT, saved in VMCB12 like the
	 * rest of its state; without, L2 shares L1's PAT, which they changed.
	 */
	if (sv->nested.cache->control.nested_ctl & NESTED_CTL_NP_ENABLE) {
		if (v12)
			v12->save.g_pat = v02->save.g_pat;
	} else {
		vmcb01(sv)->save.g_pat = v02->save.g_pat;
	}
	/* After #VMEXIT the CPU holds L2's FS, GS, TR, LDTR and syscall MSRs: L1 VMSAVEs them. */
	copy_vmload_state(&vmcb01(sv)->save, &v02->save);
	return_to_l1(sv);
}

/* An event injected into L2 but not delivered yet is reported to L1 in EXITINTINFO. */
u64 nested_l2_event_in_flight(const struct svm_vcpu *sv)
{
	u64 inj = sv->nested.vmcb02->control.event_inj;

	if (sv->reinject)
		return sv->reinject;
	return (inj & EVTINJ_VALID) ? inj : 0;
}

/* ------------------------------------------------------------------ */
/* VMRUN: checks, L2's CR3, the permission maps, and only then VMCB02. */

/*
 * L1 may rewrite VMCB12 under us: everything after this reads the cache,
 * which holds what VMRUN reads: the control area up to nCR3 and the
 * guest state VMRUN loads (the rest is never looked at).
 */
static void cache_vmcb12(struct svm_vcpu *sv, const struct vmcb *v12)
{
	struct vmcb *c = sv->nested.cache;

	/* The builtin (we build with -fno-builtin): a fixed-size copy inline, no call and loop. */
	__builtin_memcpy(&c->control, &v12->control, offsetof(struct vmcb_control, virt_ext) + 8);
	save_l2_state(&c->save, &v12->save);
	if (c->control.virt_ext & VIRT_EXT_LBR_CTL_ENABLE)
		copy_lbr_state(&c->save, &v12->save);
	/* L2's PAT when L1 enables nested paging (VMRUN loads G_PAT then). */
	c->save.g_pat = v12->save.g_pat;
}

static bool legacy_pae_paging(const struct vmcb_save *s)
{
	return (s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) && !(s->efer & EFER_LME);
}

/*
 * Loading CR3. With legacy PAE paging VMRUN loads the four PDPTEs: they
 * must be L1 RAM with no reserved bit set, or VMRUN fails. In the other
 * modes CR3 is only a value (its MBZ bits are checked already); its
 * tables are read by the walks that need them. So are the PDPTEs with
 * nested paging: the CPU then reads them at each walk through the nested
 * translation, and a reserved bit is L2's #PF, not a failed VMRUN (AMD
 * caches no PDPTEs for a guest with NP).
 */
static int load_l2_cr3(struct svm_vcpu *sv)
{
	const struct vmcb_save *s = &sv->nested.cache->save;
	const u64 *pdpt;
	unsigned int i;

	if (!legacy_pae_paging(s) || (sv->nested.cache->control.nested_ctl & NESTED_CTL_NP_ENABLE))
		return 0;
	pdpt = vm_gpa_to_hva(sv->vcpu->vm, s->cr3 & 0xffffffffULL & ~PDPT_ALIGN_MASK,
			     NR_PDPTES * sizeof(u64));
	if (!pdpt)
		return -EFAULT;
	for (i = 0; i < NR_PDPTES; i++)
		if (nested_pdpte_reserved(pdpt[i], sv->nested.limits.phys_bits))
			return -EINVAL;
	return 0;
}

/* L1's map bits at @byte; a map L1 put outside its RAM reads as all set (intercept). */
static u8 l1_map_byte(struct svm_vcpu *sv, u64 base, u32 byte)
{
	const u8 *p = vm_gpa_to_hva(sv->vcpu->vm, (base & ~(u64)(PAGE_SIZE - 1)) + byte, 1);

	return p ? *p : 0xff;
}

/*
 * The MSR map VMCB02 uses: an MSR is intercepted if L0 or L1 intercepts
 * it. L0 intercepts all but a few MSRs, so only their bits can differ
 * from L0's map: each VMRUN copies L1's bits for those, as L1 may have
 * changed its map since the last one. An L1 that does not intercept MSRs
 * at all gets L0's bits, which are clear for them; that needs no work
 * if the last VMRUN left them so.
 */
static void merge_msrpm(struct svm_vcpu *sv)
{
	struct svm_nested *n = &sv->nested;
	const struct vmcb_control *c = &n->cache->control;
	bool l1_maps = c->intercept_misc1 & INTERCEPT_MSR_PROT;
	const u8 *l1 = NULL;
	unsigned int i;
	u8 bits;

	if (!l1_maps && n->msrpm02_is_l0s)
		return;
	if (l1_maps)
		l1 = vm_gpa_to_hva(sv->vcpu->vm, c->msrpm_base_pa & ~(u64)(PAGE_SIZE - 1),
				   MSRPM_SIZE);
	for (i = 0; i < n->nr_merged; i++) {
		const struct nested_msrpm_bits *m = &n->merged[i];

		bits = !l1_maps ? 0 : l1 ? l1[m->byte] : l1_map_byte(sv, c->msrpm_base_pa, m->byte);
		n->msrpm02[m->byte] = (u8)((n->msrpm02[m->byte] & ~m->mask) | (bits & m->mask));
	}
	n->msrpm02_is_l0s = !l1_maps;
}

/* Where the bits of the MSRs L0 lets through are: found once, used at every VMRUN. */
static void find_merged_bits(struct svm_nested *n)
{
	unsigned int nr, i;
	const u32 *msrs = svm_passthrough_msrs(&nr);
	u32 byte, shift;

	n->nr_merged = 0;
	for (i = 0; i < nr && n->nr_merged < ARRAY_SIZE(n->merged); i++) {
		if (svm_msrpm_offset(msrs[i], &byte, &shift))
			continue;
		n->merged[n->nr_merged++] = (struct nested_msrpm_bits){
			.byte = (u16)byte, .mask = (u8)(3u << shift),
		};
	}
}

/*
 * Everything of VMRUN that can fail, in order, before VMCB02 is touched:
 * a failure after the switch would have to undo a half-entered L2.
 */
static int nested_vmrun_checks(struct svm_vcpu *sv)
{
	const struct nested_check *failed;
	int err;

	sv->nested.limits.l1_long_mode = vmcb01(sv)->save.efer & EFER_LMA;
	failed = nested_vmcb_check_memo(sv->nested.cache, &sv->nested.limits,
					&sv->nested.checked);
	if (failed) {
		pr_info_ratelimited("vm %s vCPU %u: nested VMRUN refused: %s\n", sv->vcpu->vm->name,
			sv->vcpu->id, failed->name);
		return -EINVAL;
	}
	err = load_l2_cr3(sv);
	if (err) {
		pr_info_ratelimited("vm %s vCPU %u: nested VMRUN refused: L2's PDPTEs (%d)\n",
			sv->vcpu->vm->name, sv->vcpu->id, err);
		return err;
	}
	merge_msrpm(sv);
	return 0;
}

/* L1's intercepts OR'ed with L0's; L0's maps, NPT, ASID and interrupt masking. */
static void prepare_vmcb02_control(struct svm_vcpu *sv)
{
	const struct vmcb_control *c12 = &sv->nested.cache->control;
	const struct vmcb_control *c01 = &vmcb01(sv)->control;
	struct vmcb_control *c = &sv->nested.vmcb02->control;

	/*
	 * Every input field is written here; the others (pause filter, AVIC,
	 * clean bits...) stay as svm_nested_vcpu_init() zeroed them, and
	 * the CPU writes only exit information, which no VMRUN reads.
	 */
	svm_vmcb_l0_intercepts(c);
	c->intercept_cr = c12->intercept_cr;
	c->intercept_dr = c12->intercept_dr;
	c->intercept_exceptions = c12->intercept_exceptions;
	c->intercept_misc1 |= c12->intercept_misc1;
	c->intercept_misc2 |= c12->intercept_misc2;
	c->intercept_misc3 = 0;
	c->iopm_base_pa = svm_iopm_pa();
	c->msrpm_base_pa = (u64)(uintptr_t)sv->nested.msrpm02;
	/* L2's TSC is L1's plus L1's offset for it; L1's is the host's plus ours. */
	c->tsc_offset = c01->tsc_offset + c12->tsc_offset;
	c->asid = sv->svm->l2_asid;
	/*
	 * V_INTR_MASKING: L0's physical interrupts must exit whatever L2's
	 * IF is. L1's V_IRQ request goes in before each entry, with L0's
	 * window and V_GIF (svm_nested_compose_int_ctl()).
	 */
	c->int_ctl = V_INTR_MASKING | (c12->int_ctl & V_TPR_MASK);
	c->int_state = c12->int_state & INT_SHADOW;
	/* Reserved bits are ignored by VMRUN, not refused: nothing of them reaches the CPU. */
	c->event_inj = c12->event_inj & EVTINJ_ARCH_BITS;
	/*
	 * With L1's nested paging, L2 runs on the shadow of L1's table under
	 * L0's; without it L2's guest-physical space is L1's, which L0's NPT
	 * maps. Either way the CPU does nested paging.
	 */
	c->nested_ctl = NESTED_CTL_NP_ENABLE;
	if (c12->nested_ctl & NESTED_CTL_NP_ENABLE) {
		c->nested_cr3 = svm_nested_npt_vmrun(sv);
	} else {
		c->nested_cr3 = c01->nested_cr3;
		svm_nested_npt_vmrun_without(sv);
	}
}

/*
 * L2's state from VMCB12; what VMRUN does not load (VMLOAD's state, the
 * PAT without nested paging) stays what L1 had in the CPU, and so does
 * the LBR state unless L1 virtualizes it: then VMRUN loads VMCB12's,
 * DEBUGCTL's reserved bits dropped (the CPU ignores them there). With
 * nested paging G_PAT is L2's PAT (checked valid), over its own page
 * tables.
 */
static void prepare_vmcb02_save(struct svm_vcpu *sv)
{
	const struct vmcb_save *s12 = &sv->nested.cache->save;
	const struct vmcb_save *s01 = &vmcb01(sv)->save;
	struct vmcb_save *s = &sv->nested.vmcb02->save;

	save_l2_state(s, s12);
	copy_vmload_state(s, s01);
	s->g_pat = (sv->nested.cache->control.nested_ctl & NESTED_CTL_NP_ENABLE) ?
		   sv->nested.cache->save.g_pat : s01->g_pat;
	copy_lbr_state(s, l1_virtualizes_lbr(sv) ? s12 : s01);
	s->dbgctl &= ~DEBUGCTL_RESERVED;
}

/*
 * A new L1 ASID for L2, or L1 asking for a flush, flushes the one ASID
 * all of this VM's L2s share: TLB_CONTROL 1 (everything), 3 (L2's ASID)
 * and 7 (its non-global entries) all flush it whole, a superset of
 * each, since L2's translations are all in that ASID.
 */
static void nested_tlb(struct svm_vcpu *sv)
{
	const struct vmcb_control *c12 = &sv->nested.cache->control;

	if (c12->tlb_control != TLB_CONTROL_DO_NOTHING || c12->asid != sv->nested.l1_asid)
		sv->flush_tlb = true;
	sv->nested.l1_asid = c12->asid;
}

static void enter_guest_mode(struct svm_vcpu *sv, u64 vmcb12_gpa, struct vmcb *v12)
{
	prepare_vmcb02_control(sv);
	prepare_vmcb02_save(sv);
	nested_tlb(sv);
	/* L1's window, if one was open, belongs to VMCB01 and would fire in L1. */
	svm_close_window(sv);
	svm_nested_intr_vmrun(sv);
	/* L0's NMI blocking outlives VMRUN: L2's IRET ends it, as the CPU's would. */
	if (sv->nmi_masked && !sv->awaiting_iret)
		sv->nested.vmcb02->control.intercept_misc1 |= INTERCEPT_IRET;
	sv->nested.vmcb12_gpa = vmcb12_gpa;
	sv->nested.vmcb12 = v12;
	sv->nested.guest_mode = true;
	sv->vmcb = sv->nested.vmcb02;
	sv->vmcb_pa = sv->nested.vmcb02_pa;
	sv->gif = true;
}

/*
 * VMCB01 becomes L1's host save area: RIP after the VMRUN and RAX as it
 * is, so that every #VMEXIT, the error one included, returns there.
 */
int svm_nested_exit_vmrun(struct svm_vcpu *sv)
{
	struct vmcb *v12;
	u64 gpa;

	/* L1 intercepts L2's VMRUN (a VMRUN check): nested VMRUN in L2 is not offered. */
	if (guest_mode(sv)) {
		svm_inject_exception(sv, X86_VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	if (svm_insn_faults(sv))
		return VCPU_RESUME;
	v12 = vmcb_operand(sv, &gpa);
	if (!v12)
		return VCPU_RESUME;
	/* Where VMRUN would save L1's state: it must be valid, or there is no #VMEXIT. */
	if (!sv->nested.hsave_pa) {
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
		return VCPU_RESUME;
	}
	svm_skip(sv, LEN_SVM_INSN);
	cache_vmcb12(sv, v12);
	if (nested_vmrun_checks(sv)) {
		nested_synthesize_vmrun_error_vmexit(sv, v12);
		return VCPU_RESUME;
	}
	enter_guest_mode(sv, gpa, v12);
	return VCPU_RESUME;
}

/* ------------------------------------------------------------------ */
/*
 * VMLOAD, VMSAVE, STGI, CLGI, INVLPGA in L1, and in L2 when L1 does not
 * intercept them. The CPU runs them in L2 with the host's meaning: rAX
 * is a physical address as L1 sees its memory (L2's VMLOAD and VMSAVE
 * are why a hypervisor intercepts them), the state moved is L2's own,
 * and CLGI/STGI set the GIF, or L2's V_GIF when L1 enabled vGIF.
 */

/*
 * Past the SVM instruction: its fixed 3 bytes for L1 (as L0's other
 * skips, exit.c), its decoded length for L2, whose code L1 controls and
 * may prefix (a wrong length would resume L2 inside the instruction).
 */
static void skip_svm_insn(struct svm_vcpu *sv)
{
	u64 next = guest_mode(sv) ? svm_nested_next_rip(sv, sv->vmcb->control.exit_code, 0) : 0;

	if (next)
		sv->vmcb->save.rip = next;
	else
		svm_skip(sv, LEN_SVM_INSN);
	sv->vmcb->control.int_state &= ~INT_SHADOW;
}

/* VMLOAD copies the VMCB's FS/GS/TR/LDTR/syscall state into L1, VMSAVE the reverse. */
static int vmload_vmsave(struct svm_vcpu *sv, bool load)
{
	struct vmcb *v;
	u64 gpa;

	if (svm_insn_faults(sv))
		return VCPU_RESUME;
	v = vmcb_operand(sv, &gpa);
	if (!v)
		return VCPU_RESUME;
	if (load)
		copy_vmload_state(&sv->vmcb->save, &v->save);
	else
		copy_vmload_state(&v->save, &sv->vmcb->save);
	skip_svm_insn(sv);
	return VCPU_RESUME;
}

int svm_nested_exit_vmload(struct svm_vcpu *sv)
{
	return vmload_vmsave(sv, true);
}

int svm_nested_exit_vmsave(struct svm_vcpu *sv)
{
	return vmload_vmsave(sv, false);
}

/*
 * A held interrupt is delivered at the next entry (svm_intr_pending()
 * sees GIF, svm_nested_compose_int_ctl() V_GIF).
 */
static int set_gif(struct svm_vcpu *sv, bool gif)
{
	if (svm_insn_faults(sv))
		return VCPU_RESUME;
	if (guest_mode(sv) && sv->nested.vgif)
		sv->nested.v_gif = gif;
	else
		sv->gif = gif;
	skip_svm_insn(sv);
	return VCPU_RESUME;
}

int svm_nested_exit_stgi(struct svm_vcpu *sv)
{
	return set_gif(sv, true);
}

int svm_nested_exit_clgi(struct svm_vcpu *sv)
{
	return set_gif(sv, false);
}

/*
 * Every L2 ASID of L1 is one L0 ASID: invalidating one page of one of
 * them flushes that ASID whole (and L1's, with ASID 0: the flush is the
 * CPU's whole TLB), and the nested NPT shadow with it (the ASID is in
 * ECX).
 */
int svm_nested_exit_invlpga(struct svm_vcpu *sv)
{
	if (svm_insn_faults(sv))
		return VCPU_RESUME;
	sv->flush_tlb = true;
	svm_nested_npt_invlpga(sv, (u32)svm_gpr_read(sv, GPR_RCX));
	skip_svm_insn(sv);
	return VCPU_RESUME;
}

/* ------------------------------------------------------------------ */
/* Exits while L2 runs: L1's, or L0's. */

/* L1's IOPM has a bit per port; an access of N bytes asks for N of them. */
static bool l1_intercepts_io(struct svm_vcpu *sv, u64 info1)
{
	const struct vmcb_control *c = &sv->nested.cache->control;
	u32 port = (u32)(info1 >> IOIO_PORT_SHIFT) & 0xffff;
	u32 size = (info1 & IOIO_SZ32) ? 4 : (info1 & IOIO_SZ16) ? 2 : 1;
	u32 bits, p;

	if (!(c->intercept_misc1 & INTERCEPT_IOIO_PROT))
		return false;
	bits = l1_map_byte(sv, c->iopm_base_pa, port / 8);
	if ((port % 8) + size > 8)
		bits |= (u32)l1_map_byte(sv, c->iopm_base_pa, port / 8 + 1) << 8;
	for (p = 0; p < size; p++)
		if (bits & BIT((port % 8) + p))
			return true;
	return false;
}

/* MSRs outside the map's three ranges are always intercepted. */
static bool l1_intercepts_msr(struct svm_vcpu *sv, bool write)
{
	const struct vmcb_control *c = &sv->nested.cache->control;
	u32 byte, shift;

	if (!(c->intercept_misc1 & INTERCEPT_MSR_PROT))
		return false;
	if (svm_msrpm_offset((u32)svm_gpr_read(sv, GPR_RCX), &byte, &shift))
		return true;
	return l1_map_byte(sv, c->msrpm_base_pa, byte) & BIT(shift + (write ? 1 : 0));
}

static bool bit_in(u32 word, u32 bit)
{
	return word & BIT(bit);
}

/*
 * Does L1 want this exit? The intercept vectors map exit codes one to
 * one: CR and DR accesses 0x00-0x3f, exceptions 0x40-0x5f, then one bit
 * per code from 0x60 and from 0x80. Physical interrupts, NMIs, SMIs and
 * INITs are L0's own (L1's interrupts and NMIs come from L0's virtual
 * platform and are reflected by svm_nested_before_entry()); NPFs are
 * L0's: they are VMCB02's faults on L0's tables, which nested_npt.c
 * turns into L1's #VMEXIT(NPF) where L1's own table faulted; a VINTR
 * exit of L0's own window is L0's.
 */
static bool l1_intercepts(struct svm_vcpu *sv, u32 code)
{
	const struct vmcb_control *c = &sv->nested.cache->control;

	if (code == SVM_EXIT_VINTR && sv->nested.l0_window)
		return false;

	if (code < SVM_EXIT_EXCP_BASE)
		return code < 0x20 ? bit_in(c->intercept_cr, code) :
				     bit_in(c->intercept_dr, code - 0x20);
	if (code < SVM_EXIT_INTR)
		return bit_in(c->intercept_exceptions, code - SVM_EXIT_EXCP_BASE);
	if (code <= SVM_EXIT_INIT)
		return false;
	if (code == SVM_EXIT_IOIO)
		return l1_intercepts_io(sv, sv->vmcb->control.exit_info_1);
	if (code == SVM_EXIT_MSR)
		return l1_intercepts_msr(sv, sv->vmcb->control.exit_info_1 & 1);
	if (code < SVM_EXIT_VMRUN)
		return bit_in(c->intercept_misc1, code - SVM_EXIT_INTR);
	if (code < SVM_EXIT_VMRUN + 32)
		return bit_in(c->intercept_misc2, code - SVM_EXIT_VMRUN);
	return false;
}

/*
 * The hardware refused VMCB02 although our checks passed it (a check
 * the emulation lacks): L1 gets the error #VMEXIT rather than the whole
 * VM stopping, and the state the CPU left in VMCB02 is dropped unread.
 */
static int vmcb02_refused(struct svm_vcpu *sv)
{
	struct vmcb *v12 = sv->nested.vmcb12;

	pr_warn("vm %s vCPU %u: the CPU refused VMCB02 that passed the nested checks\n",
		sv->vcpu->vm->name, sv->vcpu->id);
	sv->nested.guest_mode = false;
	if (v12)
		nested_synthesize_vmrun_error_vmexit(sv, v12);
	else
		return_to_l1(sv);
	return VCPU_RESUME;
}

int svm_nested_exit(struct svm_vcpu *sv)
{
	const struct vmcb_control *c = &sv->vmcb->control;
	u32 code = c->exit_code;

	if (code == EXITCODE_HW_VMRUN_FAILED)
		return vmcb02_refused(sv);
	/* What the CPU did with L1's V_IRQ, before anything reads or rebuilds it. */
	svm_nested_capture_int_ctl(sv);
	if (code == SVM_EXIT_NPF && svm_nested_npt_active(sv))
		return svm_nested_npt_fault(sv);
	if (l1_intercepts(sv, code)) {
		/* EXITINTINFO goes to L1 as the CPU wrote it; L0 must not deliver it again. */
		nested_svm_vmexit(sv, code, c->exit_info_1, c->exit_info_2, c->exit_int_info,
				  svm_nested_next_rip(sv, code, c->exit_info_2));
		return VCPU_RESUME;
	}
	/*
	 * The rest is L0's, on L2's state: the SVM instructions too, whose
	 * handlers act in guest mode as the CPU does for L2 (nested.c's
	 * VMLOAD...INVLPGA; VMRUN, VMMCALL and SKINIT are #UD).
	 */
	return NESTED_EXIT_L0;
}

/* An NPF saves no next RIP (NRIPS): only instruction intercepts do. */
void svm_nested_reflect_exit(struct svm_vcpu *sv, u64 code, u64 info1, u64 info2)
{
	nested_svm_vmexit(sv, code, info1, info2, sv->vmcb->control.exit_int_info, 0);
}
