/*
 * The VMRUN consistency checks (AMD APM vol. 2, 15.5.1 "Basic
 * Operation", the list of illegal guest state), on the cached copy of
 * VMCB12: one named predicate per check, in one table, so that a refused
 * VMRUN says which check refused it and each check is tested alone.
 *
 * They run on the cache, never on L1's memory: L1 (or another of its
 * vCPUs) may rewrite VMCB12 at any time, and a check passed on one read
 * and used on another would let unchecked state into VMCB02.
 *
 * Each predicate is true when the state is illegal.
 */
#include <asm/cpu.h>
#include <asm/svm_nested.h>

#define MAP_ALIGN_MASK		0xfffULL
#define CR3_LEGACY_MBZ		0xffffffff00000000ULL
#define HIGH32			0xffffffff00000000ULL
#define X86_VEC_LAST_EXCEPTION	31
#define EVTINJ_TYPE_OF(e)	((e) & EVTINJ_TYPE_MASK)
#define PDPTE_P			BIT(0)
#define PDPTE_MBZ_LOW		(BIT(1) | BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8))

static u64 above_phys(u32 phys_bits)
{
	return phys_bits >= 64 ? 0 : ~0ULL << phys_bits;
}

/* Long mode is about to be active: EFER.LME with CR0.PG. */
static bool long_mode_paging(const struct vmcb_save *s)
{
	return (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);
}

/*
 * The APM makes a guest EFER without SVME illegal state, and the CPU's
 * own VMRUN of VMCB02 would refuse it anyway: refusing it here keeps the
 * failure L1's error #VMEXIT with the check named.
 */
static bool efer_svme_clear(const struct vmcb *v, const struct nested_limits *l)
{
	return !(v->save.efer & EFER_SVME);
}

/* Not-write-through without cache-disable is an undefined cache mode. */
static bool cr0_cd_clear_nw_set(const struct vmcb *v, const struct nested_limits *l)
{
	return !(v->save.cr0 & X86_CR0_CD) && (v->save.cr0 & X86_CR0_NW);
}

static bool cr0_high_bits(const struct vmcb *v, const struct nested_limits *l)
{
	return v->save.cr0 & HIGH32;
}

static bool dr6_high_bits(const struct vmcb *v, const struct nested_limits *l)
{
	return v->save.dr6 & HIGH32;
}

static bool dr7_high_bits(const struct vmcb *v, const struct nested_limits *l)
{
	return v->save.dr7 & HIGH32;
}

/*
 * In long mode CR3 holds a physical address: bits beyond L1's width are
 * MBZ. Outside long mode CR3 is a 32-bit register: its upper half is.
 */
static bool cr3_mbz(const struct vmcb *v, const struct nested_limits *l)
{
	u64 mbz = long_mode_paging(&v->save) ? above_phys(l->phys_bits) : CR3_LEGACY_MBZ;

	return v->save.cr3 & mbz;
}

/* Reserved CR4 bits, and those of features L1's CPUID does not offer. */
static bool cr4_reserved(const struct vmcb *v, const struct nested_limits *l)
{
	return v->save.cr4 & ~l->cr4_allowed;
}

static bool efer_reserved(const struct vmcb *v, const struct nested_limits *l)
{
	return v->save.efer & ~l->efer_allowed;
}

/* Long mode needs PAE paging... */
static bool lme_pg_without_pae(const struct vmcb *v, const struct nested_limits *l)
{
	return long_mode_paging(&v->save) && !(v->save.cr4 & X86_CR4_PAE);
}

/* ...and protected mode. */
static bool lme_pg_without_pe(const struct vmcb *v, const struct nested_limits *l)
{
	return long_mode_paging(&v->save) && !(v->save.cr0 & X86_CR0_PE);
}

/* CS.L with CS.D is reserved: no code segment is both 64- and 32-bit. */
static bool lme_pg_pae_cs_l_and_d(const struct vmcb *v, const struct nested_limits *l)
{
	return long_mode_paging(&v->save) && (v->save.cr4 & X86_CR4_PAE) &&
	       (v->save.cs.attrib & SEG_ATTR_L) && (v->save.cs.attrib & SEG_ATTR_DB);
}

/* L2 must not be able to run VMRUN behind L1's back. */
static bool vmrun_intercept_clear(const struct vmcb *v, const struct nested_limits *l)
{
	return !(v->control.intercept_misc2 & INTERCEPT2_VMRUN);
}

/* ASID 0 is the host's: L1's own translations would be L2's. */
static bool asid_zero(const struct vmcb *v, const struct nested_limits *l)
{
	return v->control.asid == 0;
}

/*
 * The CPU ignores the low 12 bits of the map bases; the whole map, not
 * only its first byte, must be within the physical address width.
 */
static bool map_beyond_limit(u64 base, u64 size, u32 phys_bits)
{
	u64 start = base & ~MAP_ALIGN_MASK;

	return (start & above_phys(phys_bits)) || ((start + size - 1) & above_phys(phys_bits));
}

static bool iopm_beyond_limit(const struct vmcb *v, const struct nested_limits *l)
{
	return map_beyond_limit(v->control.iopm_base_pa, IOPM_SIZE, l->phys_bits);
}

static bool msrpm_beyond_limit(const struct vmcb *v, const struct nested_limits *l)
{
	return map_beyond_limit(v->control.msrpm_base_pa, MSRPM_SIZE, l->phys_bits);
}

/*
 * Types 1 and 5-7 are reserved, and an exception (type 3) must name a
 * vector that is an exception on the CPU L1 is shown (APM 15.20): not 2
 * (the NMI, type 2's job), not the reserved 9, 15, 20, 22-27 and 31, and
 * not 21 (#CP), 28 (#HV) or 29 (#VC), whose features (shadow stacks,
 * SEV-SNP, SEV-ES) are not offered. VMRUN does not check EVENTINJ's
 * reserved bits 30:12: nested.c drops them before VMCB02 instead.
 */
#define EXCEPTION_VECTORS	(BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | \
				 BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | \
				 BIT(16) | BIT(17) | BIT(18) | BIT(19) | BIT(30))

bool nested_event_inj_valid(u64 e)
{
	u64 type = EVTINJ_TYPE_OF(e), vec = e & EVTINJ_VECTOR_MASK;

	if (!(e & EVTINJ_VALID))
		return true;
	if (type != EVTINJ_TYPE_INTR && type != EVTINJ_TYPE_NMI &&
	    type != EVTINJ_TYPE_EXEPT && type != EVTINJ_TYPE_SOFT)
		return false;
	return type != EVTINJ_TYPE_EXEPT ||
	       (vec <= X86_VEC_LAST_EXCEPTION && (EXCEPTION_VECTORS & BIT(vec)));
}

static bool event_inj_illegal(const struct vmcb *v, const struct nested_limits *l)
{
	return !nested_event_inj_valid(v->control.event_inj);
}

/* NP is offered (nested_npt.c); SEV, SEV-ES and the bits above are not. */
static bool nested_ctl_not_offered(const struct vmcb *v, const struct nested_limits *l)
{
	return v->control.nested_ctl & ~NESTED_CTL_NP_ENABLE;
}

static bool nested_paging(const struct vmcb *v)
{
	return v->control.nested_ctl & NESTED_CTL_NP_ENABLE;
}

/* N_CR3 is a physical address of L1's: bits beyond L1's width are MBZ. */
static bool ncr3_mbz(const struct vmcb *v, const struct nested_limits *l)
{
	return nested_paging(v) && (v->control.nested_cr3 & above_phys(l->phys_bits));
}

/*
 * With nested paging VMRUN loads G_PAT as L2's PAT: an undefined memory
 * type in any entry is illegal state, as a WRMSR of it would be #GP.
 */
static bool g_pat_invalid(const struct vmcb *v, const struct nested_limits *l)
{
	return nested_paging(v) && !nnpt_pat_valid(v->save.g_pat);
}

/*
 * The nested table has the format of L1's own paging mode; only the
 * long-mode one is walked here, so an L1 outside long mode (legacy or
 * PAE nested tables) is refused rather than walked wrongly.
 */
static bool np_l1_not_long_mode(const struct vmcb *v, const struct nested_limits *l)
{
	return nested_paging(v) && !l->l1_long_mode;
}

/*
 * TLB_CONTROL: 0 (nothing) and 1 (flush everything) always; 3 (this
 * ASID) and 7 (this ASID's non-global entries) only with flush-by-ASID
 * offered in L1's CPUID; the other values are reserved.
 */
static bool tlb_control_not_offered(const struct vmcb *v, const struct nested_limits *l)
{
	u8 t = v->control.tlb_control;

	if (t == TLB_CONTROL_DO_NOTHING || t == TLB_CONTROL_FLUSH_ALL_ASID)
		return false;
	return !(l->svm_features & SVM_FEATURE_FLUSH_ASID) ||
	       (t != TLB_CONTROL_FLUSH_ASID && t != TLB_CONTROL_FLUSH_ASID_LOCAL);
}

#define CHECK(fn)	{ #fn, fn }

const struct nested_check nested_checks[] = {
	CHECK(efer_svme_clear),
	CHECK(cr0_cd_clear_nw_set),
	CHECK(cr0_high_bits),
	CHECK(dr6_high_bits),
	CHECK(dr7_high_bits),
	CHECK(cr3_mbz),
	CHECK(cr4_reserved),
	CHECK(efer_reserved),
	CHECK(lme_pg_without_pae),
	CHECK(lme_pg_without_pe),
	CHECK(lme_pg_pae_cs_l_and_d),
	CHECK(vmrun_intercept_clear),
	CHECK(asid_zero),
	CHECK(iopm_beyond_limit),
	CHECK(msrpm_beyond_limit),
	CHECK(event_inj_illegal),
	CHECK(nested_ctl_not_offered),
	CHECK(ncr3_mbz),
	CHECK(g_pat_invalid),
	CHECK(np_l1_not_long_mode),
	CHECK(tlb_control_not_offered),
};

const unsigned int nested_nr_checks = ARRAY_SIZE(nested_checks);

const struct nested_check *nested_vmcb_check(const struct vmcb *v12,
					     const struct nested_limits *l)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nested_checks); i++)
		if (nested_checks[i].violated(v12, l))
			return &nested_checks[i];
	return NULL;
}

/*
 * Everything the predicates above read, of VMCB12 and of the limits: a
 * check's verdict is a function of this alone. A field a new predicate
 * reads must be added here, or a VMRUN that changed only that field
 * would pass unchecked (tests/unit/test_x86_nested_checks.c refuses a
 * row whose violation leaves the key as it was).
 */
static inline void fill_key(const struct vmcb *v, const struct nested_limits *l,
			    struct nested_check_key *k)
{
	const struct vmcb_save *s = &v->save;
	const struct vmcb_control *c = &v->control;

	*k = (struct nested_check_key){ {
		s->efer, s->cr0, s->cr3, s->cr4, s->dr6, s->dr7, s->g_pat,
		c->iopm_base_pa, c->msrpm_base_pa, c->event_inj, c->nested_ctl, c->nested_cr3,
		c->intercept_misc2 | (u64)c->asid << 32,
		s->cs.attrib | (u64)c->tlb_control << 16 | (u64)(l->phys_bits & 0xff) << 24 |
			(u64)l->l1_long_mode << 32 | (u64)l->gbpages << 33,
		/* EFER has no bit above 31: L1's SVM features (TLB_CONTROL's check) go there. */
		l->cr4_allowed, l->efer_allowed | (u64)l->svm_features << 32,
	} };
}

void nested_check_key(const struct vmcb *v, const struct nested_limits *l,
		      struct nested_check_key *k)
{
	fill_key(v, l, k);
}

/*
 * Word by word, unrolled: the library's memcmp goes byte by byte, and with
 * no loop the compiler keeps the fresh key in registers (no copy of it
 * on the stack to compare): this is on every VMRUN.
 */
static inline bool key_equal(const struct nested_check_key *a, const struct nested_check_key *b)
{
	u64 diff = 0;
	unsigned int i;

	_Static_assert(NESTED_CHECK_KEY_WORDS == 16, "key_equal() unrolls 16 words");
#pragma GCC unroll 16
	for (i = 0; i < NESTED_CHECK_KEY_WORDS; i++)
		diff |= a->w[i] ^ b->w[i];
	return !diff;
}

/*
 * The checks are the VMRUN path's largest cost (a third of a nested
 * round trip), and an L1 mostly runs the same L2 state again with only
 * RIP, RSP, RAX and RFLAGS moved, which no check reads: when the key is
 * the one that last passed, the verdict is the same, and known.
 */
const struct nested_check *nested_vmcb_check_memo(const struct vmcb *v12,
						  const struct nested_limits *l,
						  struct nested_check_memo *m)
{
	const struct nested_check *failed;
	struct nested_check_key k;

	fill_key(v12, l, &k);
	if (m->passed && key_equal(&k, &m->key))
		return NULL;
	failed = nested_vmcb_check(v12, l);
	m->passed = !failed;
	/* Built again, not copied from @k: @k stays out of memory on the hit path. */
	fill_key(v12, l, &m->key);
	return failed;
}

/* A present PDPTE: bits 1, 2, 5-8 and those beyond the physical width (63 too) are MBZ. */
bool nested_pdpte_reserved(u64 pdpte, u32 phys_bits)
{
	if (!(pdpte & PDPTE_P))
		return false;
	return (pdpte & PDPTE_MBZ_LOW) || (pdpte & above_phys(phys_bits));
}
