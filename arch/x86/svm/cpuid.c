/*
 * The CPUID model: what a guest learns about its CPU.
 *
 * Policy. A leaf the table below does not list reads as all zeros, which
 * is what AMD CPUs return beyond their maximum leaf, so a guest probing
 * an unknown leaf sees "nothing there". A listed leaf passes the host's
 * bits through an allow-list (a feature appears only once someone has
 * decided the guest may use it), then a fixup sets what the hypervisor
 * owns.
 *
 * Passed through (allow-listed): vendor, family/model/stepping, brand
 * string, cache descriptors; the instruction-set extensions that need no
 * hypervisor support (SSE to AVX2, AES, SHA, BMI, ADX, RDRAND/RDSEED,
 * FSGSBASE, SMEP/SMAP, UMIP, PCID/INVPCID, CLFLUSHOPT/CLWB, 1 GiB pages,
 * NX, SYSCALL/SYSENTER, LM); XSAVE with the x87, SSE and AVX states. Each
 * physical CPU runs one vCPU for its lifetime, so FPU/SSE/AVX registers
 * and XCR0 need no switching: the hypervisor itself never touches them.
 *
 * Masked, because the hypervisor does not provide them:
 *  - ExtApicSpace, AltMovCr8: the APIC's extended registers and the
 *    32-bit CR8 alias are not emulated;
 *  - MONITOR/MWAIT, MONITORX: intercepted and refused with #UD;
 *  - SKINIT, VMX, SMX: never offered; SVM (0x80000001 ECX bit 2 and leaf
 *    0x8000000a) only to a VM with nested-svm, with revision 1, the
 *    host's ASID count and the optional SVM features of
 *    nested_svm_features[] below in 0x8000000a EDX (each is emulated by
 *    nested.c before it is listed there; arch/x86/svm/README.md);
 *    without nested-svm leaf 0x8000000a reads as zeros and the highest
 *    extended leaf is 0x80000008;
 *  - LA57: the guest's linear addresses stay 48-bit (DESIGN section 10);
 *  - PMU: PDCM, PerfCtrExtCore/NB/LLC, PerfTsc, IBS, LWP, leaf 0xa:
 *    only the four legacy K7 counters exist (msr.c; they need no CPUID
 *    bit on AMD64), and they do not count;
 *  - MCE, MCA: their MSRs are not emulated;
 *  - PKU/OSPKE, WAITPKG, XSAVES and the AVX-512/MPX/PKRU XSAVE states;
 *  - speculation-control bits (leaf 7 EDX, 0x80000008 EBX): their MSRs
 *    are not emulated;
 *  - topology (HTT, CmpLegacy, TopoExt, NodeId, leaves 0xb/0x1f,
 *    0x8000001e): each VM sees single-threaded cores;
 *  - thermal and power leaves (5, 6), except the invariant TSC.
 * Passed through when the host has them, because msr.c gives the guest
 * the CPU's TSC_AUX (both run without an exit): RDTSCP, RDPID.
 * Set by the hypervisor: the local APIC (leaf 1 EDX bit 9, and 0x80000001
 * EDX bit 9), x2APIC and TSC-deadline (leaf 1 ECX bits 21, 24): every
 * vCPU has a virtual local APIC (arch/x86/vplat/vlapic.c), whatever the
 * host has; MTRR (leaf 1 and 0x80000001 EDX bit 12: msr.c emulates the
 * MTRRs, whatever the host); HYPERVISOR (leaf 1 ECX bit 31); OSXSAVE from the
 * guest's CR4; the initial APIC ID (the vCPU's index); the guest-physical
 * address width (the NPT's reach) in 0x80000008; and the hypervisor
 * leaves 0x40000000 ("microhv", highest leaf 0x40000001) and 0x40000001
 * (EAX: HV_RUN_ABI_VERSION, EBX: CPUID_HV_FEAT_*); and KVM's signature
 * and features at 0x40000100-0x40000101 with kvmclock alone (pvclock.c:
 * how a Linux guest on AMD learns the TSC's frequency).
 */
#include <asm/cpuid_model.h>
#include <asm/vmcb.h>
#include <hv/run.h>
#include <lib/compiler.h>

#define EAX	0
#define EBX	1
#define ECX	2
#define EDX	3

#define MAX_BASIC_LEAF		CPUID_MAX_BASIC_LEAF
#define MAX_EXT_LEAF		CPUID_MAX_EXT_LEAF
#define MAX_EXT_LEAF_NO_SVM	0x80000008u
#define FX1C_SVM	BIT(2)
#define ANY_SUBLEAF		(-1)

/* Leaf 1 ECX */
#define F1C_SSE3	BIT(0)
#define F1C_PCLMUL	BIT(1)
#define F1C_SSSE3	BIT(9)
#define F1C_FMA		BIT(12)
#define F1C_CX16	BIT(13)
#define F1C_PCID	BIT(17)
#define F1C_SSE41	BIT(19)
#define F1C_SSE42	BIT(20)
#define F1C_MOVBE	BIT(22)
#define F1C_POPCNT	BIT(23)
#define F1C_AES		BIT(25)
#define F1C_XSAVE	BIT(26)
#define F1C_OSXSAVE	CPUID_LEAF1_OSXSAVE
#define F1C_AVX		BIT(28)
#define F1C_F16C	BIT(29)
#define F1C_RDRAND	BIT(30)
#define F1C_HYPERVISOR	BIT(31)
#define F1C_X2APIC	BIT(21)
#define F1C_TSC_DEADLINE	BIT(24)
#define F1D_APIC	BIT(9)

/* Leaf 1 EDX, and the same bits in leaf 0x80000001 EDX */
#define F1D_FPU		BIT(0)
#define F1D_VME		BIT(1)
#define F1D_DE		BIT(2)
#define F1D_PSE		BIT(3)
#define F1D_TSC		BIT(4)
#define F1D_MSR		BIT(5)
#define F1D_PAE		BIT(6)
#define F1D_CX8		BIT(8)
#define F1D_SEP		BIT(11)
#define F1D_MTRR	BIT(12)
#define F1D_PGE		BIT(13)
#define F1D_CMOV	BIT(15)
#define F1D_PAT		BIT(16)
#define F1D_PSE36	BIT(17)
#define F1D_CLFSH	BIT(19)
#define F1D_MMX		BIT(23)
#define F1D_FXSR	BIT(24)
#define F1D_SSE		BIT(25)
#define F1D_SSE2	BIT(26)

/* Leaf 7.0 EBX, ECX */
#define F7B_FSGSBASE	BIT(0)
#define F7B_BMI1	BIT(3)
#define F7B_AVX2	BIT(5)
#define F7B_SMEP	BIT(7)
#define F7B_BMI2	BIT(8)
#define F7B_ERMS	BIT(9)
#define F7B_INVPCID	BIT(10)
#define F7B_RDSEED	BIT(18)
#define F7B_ADX		BIT(19)
#define F7B_SMAP	BIT(20)
#define F7B_CLFLUSHOPT	BIT(23)
#define F7B_CLWB	BIT(24)
#define F7B_SHA		BIT(29)
#define F7C_UMIP	BIT(2)
#define F7C_VAES	BIT(9)
#define F7C_VPCLMUL	BIT(10)
#define F7C_RDPID	BIT(22)

/* Leaf 0xd */
#define XSTATE_X87_SSE_AVX	0x7u
#define FD1A_XSAVEOPT	BIT(0)
#define FD1A_XSAVEC	BIT(1)
#define FD1A_XGETBV1	BIT(2)

/* Leaf 0x80000001 ECX, EDX */
#define FX1C_LAHF	BIT(0)
#define FX1C_ABM	BIT(5)
#define FX1C_SSE4A	BIT(6)
#define FX1C_MISALIGN	BIT(7)
#define FX1C_PREFETCHW	BIT(8)
#define FX1C_XOP	BIT(11)
#define FX1C_FMA4	BIT(16)
#define FX1C_TBM	BIT(21)
#define FX1D_SYSCALL	BIT(11)
#define FX1D_NX		BIT(20)
#define FX1D_MMXEXT	BIT(22)
#define FX1D_FFXSR	BIT(25)
#define FX1D_1GB	BIT(26)
#define FX1D_RDTSCP	BIT(27)
#define FX1D_LM		BIT(29)
#define FX1D_3DNOWEXT	BIT(30)
#define FX1D_3DNOW	BIT(31)

#define FX7D_INVTSC	BIT(8)
#define FX8A_LINEAR	0xff00u
#define ALL		0xffffffffu

#define F1D_COMMON	(F1D_FPU | F1D_VME | F1D_DE | F1D_PSE | F1D_TSC | F1D_MSR | F1D_PAE | \
			 F1D_CX8 | F1D_PGE | F1D_CMOV | F1D_PAT | F1D_PSE36 | F1D_MMX | F1D_FXSR)

struct cpuid_rule {
	u32 leaf;
	int subleaf;			/* ANY_SUBLEAF: the leaf ignores ECX */
	u32 keep[4];			/* host bits passed through: EAX, EBX, ECX, EDX */
	void (*fixup)(const struct cpuid_guest *g, struct cpuid_regs *r);
};

static void fix_max_basic(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->eax = MIN(r->eax, MAX_BASIC_LEAF);
}

static void fix_max_ext(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->eax = g->nested_svm ? MAX_EXT_LEAF : MIN(r->eax, MAX_EXT_LEAF_NO_SVM);
}

static void fix_ext_features(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	if (g->nested_svm)
		r->ecx |= FX1C_SVM;
	r->edx |= F1D_APIC | F1D_MTRR;
}

/*
 * The optional SVM features L1 is offered (leaf 0x8000000a EDX), the one
 * place they are decided. A row is listed only once nested.c implements
 * it for L1; @host: offered only if the CPU has it too, because the
 * emulation passes on what the CPU fills in (DecodeAssists: QEMU's TCG
 * has none, so L1 is not offered them there). Not offered: VMCB clean
 * bits, TSC rate, pause filter, AVIC, virtual VMLOAD/VMSAVE, SVM lock.
 */
static const struct { u32 bit; bool host; } nested_svm_features[] = {
	{ SVM_FEATURE_NPT, false },		/* nested paging: nested_npt.c's shadow tables */
	{ SVM_FEATURE_LBRV, false },		/* VMCB12's LBR state on VMRUN and #VMEXIT */
	{ SVM_FEATURE_NRIPS, false },		/* next_rip: the CPU's, or decoded (nested_nrip.c) */
	{ SVM_FEATURE_FLUSH_ASID, false },	/* TLB_CONTROL 3 and 7 */
	{ SVM_FEATURE_DECODE, true },		/* the CPU's decode assists, passed on */
	{ SVM_FEATURE_VGIF, false },		/* V_GIF of L2, emulated */
};

u32 cpuid_nested_svm_features(u32 host_edx)
{
	unsigned int i;
	u32 edx = 0;

	for (i = 0; i < ARRAY_SIZE(nested_svm_features); i++)
		if (!nested_svm_features[i].host || (host_edx & nested_svm_features[i].bit))
			edx |= nested_svm_features[i].bit;
	return edx;
}

/* Revision, ASIDs and the features above; the host's EDX comes in unmasked for them. */
static void fix_svm_leaf(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	if (!g->nested_svm) {
		*r = (struct cpuid_regs){ 0 };
		return;
	}
	r->eax = CPUID_NESTED_SVM_REVISION;
	r->ebx = g->nested_asids;
	r->ecx = 0;
	r->edx = cpuid_nested_svm_features(r->edx);
}

/* EBX[31:24] is the initial APIC ID; HTT is masked, so [23:16] is reserved (0). */
static void fix_leaf1(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->ebx = (r->ebx & 0xffff) | g->vcpu_id << 24;
	r->ecx |= F1C_HYPERVISOR | F1C_X2APIC | F1C_TSC_DEADLINE | (g->osxsave ? F1C_OSXSAVE : 0);
	r->edx |= F1D_APIC | F1D_MTRR;
}

/* Only subleaf 0 exists for the guest. */
static void fix_leaf7(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->eax = 0;
}

static void fix_hv_base(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ CPUID_HV_MAX, CPUID_HV_SIG_EBX, CPUID_HV_SIG_ECX,
				  CPUID_HV_SIG_EDX };
}

static void fix_hv_features(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ HV_RUN_ABI_VERSION, CPUID_HV_FEAT_CONSOLE, 0, 0 };
}

static void fix_kvm_base(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ CPUID_KVM_MAX, CPUID_KVM_SIG_EBX, CPUID_KVM_SIG_ECX,
				  CPUID_KVM_SIG_EDX };
}

/* kvmclock and nothing else: no PV EOI, steal time, async PF, PV IPIs... (EDX: no hints). */
static void fix_kvm_features(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ CPUID_KVM_FEAT_CLOCKSOURCE2 | CPUID_KVM_FEAT_CLOCK_STABLE, 0, 0,
				  0 };
}

/* The guest's physical address width is the NPT's reach, not the host's. */
static void fix_addr_sizes(const struct cpuid_guest *g, struct cpuid_regs *r)
{
	r->eax = (r->eax & FX8A_LINEAR) | (g->phys_bits & 0xff);
}

/* Sorted by leaf, then subleaf: find_rule() searches it by halves. */
static const struct cpuid_rule rules[] = {
	{ 0x0, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, fix_max_basic },
	{ 0x1, ANY_SUBLEAF,
	  { ALL, 0xffff,
	    F1C_SSE3 | F1C_PCLMUL | F1C_SSSE3 | F1C_FMA | F1C_CX16 | F1C_PCID | F1C_SSE41 |
	    F1C_SSE42 | F1C_MOVBE | F1C_POPCNT | F1C_AES | F1C_XSAVE | F1C_AVX | F1C_F16C |
	    F1C_RDRAND,
	    F1D_COMMON | F1D_SEP | F1D_CLFSH | F1D_SSE | F1D_SSE2 },
	  fix_leaf1 },
	{ 0x7, 0,
	  { 0,
	    F7B_FSGSBASE | F7B_BMI1 | F7B_AVX2 | F7B_SMEP | F7B_BMI2 | F7B_ERMS | F7B_INVPCID |
	    F7B_RDSEED | F7B_ADX | F7B_SMAP | F7B_CLFLUSHOPT | F7B_CLWB | F7B_SHA,
	    F7C_UMIP | F7C_VAES | F7C_VPCLMUL | F7C_RDPID, 0 },
	  fix_leaf7 },
	/* XSAVE: EBX/ECX are save-area sizes (for the enabled, and all, states). */
	{ 0xd, 0, { XSTATE_X87_SSE_AVX, ALL, ALL, 0 }, NULL },
	{ 0xd, 1, { FD1A_XSAVEOPT | FD1A_XSAVEC | FD1A_XGETBV1, ALL, 0, 0 }, NULL },
	{ 0xd, 2, { ALL, ALL, 0, 0 }, NULL },
	{ CPUID_HV_BASE, ANY_SUBLEAF, { 0, 0, 0, 0 }, fix_hv_base },
	{ CPUID_HV_FEATURES, ANY_SUBLEAF, { 0, 0, 0, 0 }, fix_hv_features },
	{ CPUID_KVM_BASE, ANY_SUBLEAF, { 0, 0, 0, 0 }, fix_kvm_base },
	{ CPUID_KVM_FEATURES, ANY_SUBLEAF, { 0, 0, 0, 0 }, fix_kvm_features },
	{ 0x80000000, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, fix_max_ext },
	{ 0x80000001, ANY_SUBLEAF,
	  { ALL, ALL,
	    FX1C_LAHF | FX1C_ABM | FX1C_SSE4A | FX1C_MISALIGN | FX1C_PREFETCHW | FX1C_XOP |
	    FX1C_FMA4 | FX1C_TBM,
	    F1D_COMMON | FX1D_SYSCALL | FX1D_NX | FX1D_MMXEXT | FX1D_FFXSR | FX1D_1GB |
	    FX1D_RDTSCP | FX1D_LM | FX1D_3DNOWEXT | FX1D_3DNOW },
	  fix_ext_features },
	{ 0x80000002, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, NULL },
	{ 0x80000003, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, NULL },
	{ 0x80000004, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, NULL },
	{ 0x80000005, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, NULL },
	{ 0x80000006, ANY_SUBLEAF, { ALL, ALL, ALL, ALL }, NULL },
	{ 0x80000007, ANY_SUBLEAF, { 0, 0, 0, FX7D_INVTSC }, NULL },
	{ 0x80000008, ANY_SUBLEAF, { ALL, 0, 0, 0 }, fix_addr_sizes },
	{ 0x8000000a, ANY_SUBLEAF, { 0, 0, 0, ALL }, fix_svm_leaf },
};

/*
 * The rules are sorted by leaf; the search is binary, so that a CPUID exit
 * costs the same whatever the leaf (a guest's unknown leaves included).
 */
static int rule_cmp(const struct cpuid_rule *r, u32 leaf, u32 subleaf)
{
	if (r->leaf != leaf)
		return r->leaf < leaf ? -1 : 1;
	if (r->subleaf == ANY_SUBLEAF || (u32)r->subleaf == subleaf)
		return 0;
	return (u32)r->subleaf < subleaf ? -1 : 1;
}

/* Leaves beyond the three ranges the table covers need no search at all. */
static bool in_model_range(u32 leaf)
{
	return leaf <= MAX_BASIC_LEAF || leaf - CPUID_HV_BASE <= CPUID_HV_MAX - CPUID_HV_BASE ||
	       leaf - CPUID_KVM_BASE <= CPUID_KVM_MAX - CPUID_KVM_BASE ||
	       leaf - 0x80000000u <= MAX_EXT_LEAF - 0x80000000u;
}

static const struct cpuid_rule *find_rule(u32 leaf, u32 subleaf)
{
	unsigned int lo = 0, hi = ARRAY_SIZE(rules);

	if (!in_model_range(leaf))
		return NULL;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		int c = rule_cmp(&rules[mid], leaf, subleaf);

		if (!c)
			return &rules[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void cpuid_model(const struct cpuid_guest *g, cpuid_host_fn host, u32 leaf, u32 subleaf,
		 struct cpuid_regs *out)
{
	const struct cpuid_rule *rule = find_rule(leaf, subleaf);
	struct cpuid_regs h = { 0 };

	*out = (struct cpuid_regs){ 0 };
	if (!rule)
		return;
	/* The hypervisor's own leaves are not the host's business. */
	if (rule->keep[EAX] | rule->keep[EBX] | rule->keep[ECX] | rule->keep[EDX])
		host(leaf, subleaf, &h);
	out->eax = h.eax & rule->keep[EAX];
	out->ebx = h.ebx & rule->keep[EBX];
	out->ecx = h.ecx & rule->keep[ECX];
	out->edx = h.edx & rule->keep[EDX];
	if (rule->fixup)
		rule->fixup(g, out);
}

u64 cpuid_efer_allowed(const struct cpuid_regs *ext1)
{
	static const struct { bool edx; u32 feature; u64 efer; } rows[] = {
		{ true, FX1D_SYSCALL, EFER_SCE },
		{ true, FX1D_LM, EFER_LME | EFER_LMA },
		{ true, FX1D_NX, EFER_NXE },
		{ false, FX1C_SVM, EFER_SVME },
		{ true, FX1D_FFXSR, EFER_FFXSR },
	};
	u64 allowed = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if ((rows[i].edx ? ext1->edx : ext1->ecx) & rows[i].feature)
			allowed |= rows[i].efer;
	return allowed;
}

/* The slot's leaf: cpuid_cache_slot() inverted. */
static u32 slot_leaf(unsigned int slot)
{
	if (slot < CPUID_NR_BASIC)
		return slot;
	if (slot < CPUID_NR_BASIC + CPUID_NR_HV)
		return CPUID_HV_BASE + slot - CPUID_NR_BASIC;
	if (slot < CPUID_NR_BASIC + CPUID_NR_HV + CPUID_NR_KVM)
		return CPUID_KVM_BASE + slot - CPUID_NR_BASIC - CPUID_NR_HV;
	return CPUID_EXT_BASE + slot - CPUID_NR_BASIC - CPUID_NR_HV - CPUID_NR_KVM;
}

void cpuid_cache_fill(struct cpuid_cache *c, const struct cpuid_guest *g, cpuid_host_fn host)
{
	struct cpuid_guest plain = *g;
	unsigned int slot, i;

	plain.osxsave = false;
	c->by_subleaf = 0;
	for (slot = 0; slot < CPUID_CACHE_SLOTS; slot++) {
		u32 leaf = slot_leaf(slot);

		for (i = 0; i < ARRAY_SIZE(rules); i++)
			if (rules[i].leaf == leaf && rules[i].subleaf != ANY_SUBLEAF)
				c->by_subleaf |= BIT(slot);
		cpuid_model(&plain, host, leaf, 0, &c->regs[slot]);
	}
}
