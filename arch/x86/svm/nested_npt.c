/*
 * Nested NPT: the combined table L0 runs L2 on when VMCB12 enables
 * nested paging (asm/svm_nested_npt.h). It starts empty and is filled
 * on VMCB02's #NPFs: each one walks L1's table for the L2 GPA
 * (nested_npt_walk.c, which also sets L1's A/D bits), and then
 *  - a fault in L1's table goes to L1 as #VMEXIT(NPF), with the error
 *    code the walk computed plus the CPU's own "final translation" or
 *    "guest page-table walk" bit, and the L2 GPA;
 *  - an L1 GPA that L0's NPT does not map is not RAM (L1's MMIO): L0's
 *    MMIO path emulates the access at that L1 GPA, as for L1 itself;
 *  - otherwise one shadow entry maps the page, sized and permitted as
 *    the smaller and stricter of L1's and L0's pages.
 *
 * The shadow is a TLB of L1's nested translations, per vCPU as a TLB
 * is, and it is invalidated exactly where the architecture lets a TLB
 * keep a translation L1 has since changed: TLB_CONTROL, a new ASID or
 * N_CR3, INVLPGA of an L2 ASID. Between those an L1 that rewrites a
 * present entry of its table may see L2 use the old one, as on hardware;
 * entries that were not present, or did not allow the access, are never
 * cached (the fault walks L1's table again), so L1 needs no flush after
 * making a page present or more permissive, as on hardware. No stale
 * entry can ever leave L1's memory: every host address in the shadow
 * comes from L0's NPT of L1, which is fixed while the VM runs. L1's
 * EFER.NXE and PAT, which the entries were derived from, are part of
 * the key too.
 *
 * Ownership: the vCPU's thread only, like the rest of struct svm_nested.
 */
#include <asm/cpu.h>
#include <asm/npt.h>
#include <asm/svm.h>
#include <asm/svm_nested_npt.h>
#include <core/console.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

#define ENTRIES		512
#define SIZE_2M		BIT(21)
#define TABLE_BITS	(NNPT_P | NNPT_RW | NNPT_US)
#define WALK_TRIES	4
/* A fault the shadow already allows is a stale TLB entry once; twice in a row, a bug. */
#define SAME_FAULTS_MAX	2

static struct nnpt_shadow *shadow(struct svm_vcpu *sv)
{
	return &sv->nested.npt;
}

int svm_nested_npt_init(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->pool)
		return 0;
	s->pool = page_alloc_contig(NNPT_POOL_PAGES, PAGE_SIZE);
	if (!s->pool)
		return -ENOMEM;
	memset(s->pool, 0, PAGE_SIZE);
	s->used = 1;
	s->valid = false;
	return 0;
}

void svm_nested_npt_destroy(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->pool)
		page_free_contig(s->pool, NNPT_POOL_PAGES);
	*s = (struct nnpt_shadow){ 0 };
}

/*
 * Every entry gone; the root page stays, so VMCB02's nCR3 never changes.
 * A root entry always comes with a table page under it, so a shadow that
 * handed out no page but the root is empty already: an L1 that flushes
 * at every VMRUN (or KVM's INVLPGAs without NP) costs no 4 KiB clear.
 */
static void drop_all(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->used > 1)
		memset(s->pool, 0, PAGE_SIZE);
	s->used = 1;
	s->same_faults = 0;
	sv->flush_tlb = true;
}

void svm_nested_npt_reset(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->pool)
		drop_all(sv);
	s->valid = false;
	s->last_np = false;
}

bool svm_nested_npt_active(const struct svm_vcpu *sv)
{
	return sv->nested.guest_mode &&
	       (sv->nested.cache->control.nested_ctl & NESTED_CTL_NP_ENABLE);
}

/* ------------------------------------------------------------------ */
/* L1's table, as the walk reads and updates it. */

static int read_l1(void *ctx, u64 gpa, u64 *val)
{
	struct svm_vcpu *sv = ctx;
	const u64 *p = svm_ram_at(sv, gpa, sizeof(u64));

	if (!p)
		return -EFAULT;
	*val = __atomic_load_n(p, __ATOMIC_RELAXED);
	/* An instruction fetch's walk keeps what it read (guest_mem.c's memo). */
	if (sv->fetch_recording)
		svm_fetch_memo_record(sv->fetch_recording, p, *val, sizeof(u64));
	return 0;
}

static bool cmpxchg_l1(void *ctx, u64 gpa, u64 old, u64 new_val)
{
	struct svm_vcpu *sv = ctx;
	u64 *p = svm_ram_at(sv, gpa, sizeof(u64));

	return p && __atomic_compare_exchange_n(p, &old, new_val, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED);
}

static int walk_l1(struct svm_vcpu *sv, u64 gpa, u32 access, bool set_ad, struct nnpt_walk *w)
{
	const struct svm_nested *n = &sv->nested;
	struct nnpt_walk_in in = {
		.ncr3 = n->cache->control.nested_cr3,
		.gpa = gpa,
		.access = access & (NNPT_WRITE | NNPT_FETCH),
		.phys_bits = n->limits.phys_bits,
		.nxe = sv->vmcb01->save.efer & EFER_NXE,
		.gbpages = n->limits.gbpages,
		.set_ad = set_ad,
	};
	struct nnpt_mem m = { read_l1, cmpxchg_l1, sv };
	unsigned int i;
	int err = -EAGAIN;

	for (i = 0; i < WALK_TRIES && err == -EAGAIN; i++)
		err = nnpt_walk(&in, &m, w);
	return err;
}

int svm_nested_npt_gpa(struct svm_vcpu *sv, u64 l2_gpa, u32 access, u64 *l1_gpa)
{
	struct nnpt_walk w;

	if (!svm_nested_npt_active(sv)) {
		*l1_gpa = l2_gpa;
		return 0;
	}
	if (walk_l1(sv, l2_gpa, access, false, &w))
		return -EFAULT;
	*l1_gpa = w.l1_gpa;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The shadow table. */

static unsigned int index_of(u64 gpa, unsigned int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static u64 *pool_page(struct nnpt_shadow *s)
{
	u64 *p;

	if (s->used >= NNPT_POOL_PAGES)
		return NULL;
	p = s->pool + (u64)s->used++ * ENTRIES;
	memset(p, 0, PAGE_SIZE);
	return p;
}

/*
 * @pte for @gpa at the level of @size. A large leaf in the way of a
 * smaller one becomes a table, a table in the way of a large leaf is
 * replaced (its pages come back at the next drop); either way the old
 * translations may be in the TLB, so it is flushed. -ENOSPC: the pool is
 * out; -EEXIST: the entry is there already.
 */
static int install(struct svm_vcpu *sv, u64 gpa, u64 pte, u64 size)
{
	struct nnpt_shadow *s = shadow(sv);
	unsigned int level, leaf = size == SIZE_2M ? 2 : 1;
	u64 *t = s->pool, *e, *next;

	for (level = 4; level > leaf; level--) {
		e = &t[index_of(gpa, level)];
		if ((*e & NNPT_P) && !(*e & NNPT_PS)) {
			t = (u64 *)(uintptr_t)(*e & NNPT_ADDR);
			continue;
		}
		next = pool_page(s);
		if (!next)
			return -ENOSPC;
		if (*e & NNPT_P)
			sv->flush_tlb = true;
		*e = (u64)(uintptr_t)next | TABLE_BITS;
		t = next;
	}
	e = &t[index_of(gpa, leaf)];
	if (*e == pte)
		return -EEXIST;
	if (*e & NNPT_P)
		sv->flush_tlb = true;
	*e = pte;
	return 0;
}

/*
 * At the bound the shadow is dropped whole and this fault starts it
 * again: the four levels it needs always fit in an empty pool.
 */
static int fill(struct svm_vcpu *sv, u64 gpa, u64 pte, u64 size)
{
	struct nnpt_shadow *s = shadow(sv);
	int err = install(sv, gpa, pte, size);

	if (err == -ENOSPC) {
		s->drops++;
		pr_info_ratelimited("vm %s vCPU %u: nested NPT shadow full (%u pages): dropped, "
				    "rebuilt on demand (%llu times)\n", sv->vcpu->vm->name,
				    sv->vcpu->id, NNPT_POOL_PAGES, s->drops);
		drop_all(sv);
		err = install(sv, gpa, pte, size);
	}
	return err;
}

/*
 * The CPU faulted on an entry that already allows the access: the
 * translation it used was older (a TLB entry of a shadow entry since
 * changed). One flush cures that; a second such fault in a row would
 * loop forever, so it stops the VM.
 */
static int already_mapped(struct svm_vcpu *sv, u64 gpa)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->same_gpa != (gpa & ~(PAGE_SIZE - 1))) {
		s->same_gpa = gpa & ~(PAGE_SIZE - 1);
		s->same_faults = 0;
	}
	if (++s->same_faults >= SAME_FAULTS_MAX)
		return svm_internal_error(sv, HV_INTERNAL_ERROR_UNEXPECTED_EXIT, SVM_EXIT_NPF, gpa);
	sv->flush_tlb = true;
	return VCPU_RESUME;
}

int svm_nested_npt_fault(struct svm_vcpu *sv)
{
	const struct vmcb_control *c = &sv->vmcb->control;
	u64 gpa = c->exit_info_2, error = c->exit_info_1, hpa, l0_size, size, pte;
	struct nnpt_walk w;
	int err;

	err = walk_l1(sv, gpa, (u32)error, true, &w);
	if (err == -EAGAIN)
		return VCPU_RESUME;	/* L1 keeps rewriting the entry: L2 faults again */
	/* -EIO: a table of L1's outside its RAM, which reads as all ones: L1's #NPF too. */
	if (err) {
		svm_nested_reflect_exit(sv, SVM_EXIT_NPF,
					w.error | (error & (NPF_FINAL_GPA | NPF_PAGE_TABLE)), gpa);
		return VCPU_RESUME;
	}
	if (npt_lookup(sv->svm->npt_root, w.l1_gpa, &hpa, &l0_size))
		return svm_npf_at(sv, w.l1_gpa, error);
	pte = nnpt_shadow_pte(&w, hpa, l0_size, sv->vmcb01->save.g_pat, svm_caps.nx, &size);
	err = fill(sv, gpa, pte, size);
	if (err == -EEXIST)
		return already_mapped(sv, gpa);
	shadow(sv)->same_faults = 0;
	return VCPU_RESUME;
}

/* ------------------------------------------------------------------ */
/* Invalidation. */

/*
 * What the entries were derived from: L1's table (N_CR3), the ASID L1
 * runs L2 with, L1's NX and PAT. A change of any, or a TLB_CONTROL
 * flush, drops the shadow, as hardware would drop the TLB entries.
 */
paddr_t svm_nested_npt_vmrun(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);
	const struct vmcb_control *c12 = &sv->nested.cache->control;
	bool nxe = sv->vmcb01->save.efer & EFER_NXE;
	u64 pat = sv->vmcb01->save.g_pat;

	if (!s->valid || c12->tlb_control != TLB_CONTROL_DO_NOTHING ||
	    c12->nested_cr3 != s->ncr3 || c12->asid != s->asid || pat != s->l1_pat ||
	    nxe != s->l1_nxe) {
		drop_all(sv);
		s->valid = true;
		s->ncr3 = c12->nested_cr3;
		s->asid = c12->asid;
		s->l1_pat = pat;
		s->l1_nxe = nxe;
	}
	/* The one L2 ASID ran on L0's NPT of L1 before: its TLB holds those translations. */
	if (!s->last_np)
		sv->flush_tlb = true;
	s->last_np = true;
	return (paddr_t)(uintptr_t)s->pool;
}

/* An L2 without NP after one with it: the L2 ASID's TLB holds shadow translations. */
void svm_nested_npt_vmrun_without(struct svm_vcpu *sv)
{
	struct nnpt_shadow *s = shadow(sv);

	if (s->last_np)
		sv->flush_tlb = true;
	s->last_np = false;
}

/*
 * INVLPGA names an L2 linear address, and which L2 GPA it maps is in
 * L2's page tables, which may have changed too: the L1 nested
 * translation behind it cannot be found, so every one goes. L1's own
 * ASID (0) has none in the shadow.
 */
void svm_nested_npt_invlpga(struct svm_vcpu *sv, u32 asid)
{
	if (asid && shadow(sv)->valid)
		drop_all(sv);
}
