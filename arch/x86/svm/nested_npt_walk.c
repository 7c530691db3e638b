/*
 * The walk of L1's nested page table and the combination of one of its
 * translations with L0's (asm/svm_nested_npt.h). Pure: L1's memory is
 * read and updated through callbacks, so that host tests can build any
 * table and the hypervisor decides what is RAM.
 *
 * The walk is the long-mode one with the nested-paging rules: every
 * access is a user access (a level without U/S faults), NX counts only
 * with L1's EFER.NXE (else bit 63 is reserved), bits above L1's
 * MAXPHYADDR are reserved, so are PS in a PML4E, bit 8 of a non-leaf
 * PML4E (AMD), PS in a PDPTE without 1 GiB pages, and the address bits
 * below a large page's size other than its PAT bit. A and D are set only
 * when the whole walk succeeded, A at every level and D in the leaf on a
 * write, with a compare-and-exchange: another vCPU of L1 may be writing
 * the same entry. An entry outside L1's RAM has no memory to answer: it
 * reads as all ones would, a reserved-bit fault.
 */
#include <asm/svm_nested_npt.h>
#include <lib/errno.h>

#define LEVELS		4
#define LEAF_4K		1
#define SIZE_4K		BIT(12)

static u64 reserved_bits(const struct nnpt_walk_in *in, unsigned int level, bool large)
{
	u64 high = in->phys_bits >= 52 ? 0 : GENMASK(51, in->phys_bits);
	u64 rsvd = high | (in->nxe ? 0 : NNPT_NX);

	if (level == 4)
		return rsvd | NNPT_PS | BIT(8);
	if (level == 3 && large)
		return in->gbpages ? rsvd | GENMASK(29, 13) : rsvd | NNPT_PS;
	if (level == 2 && large)
		return rsvd | GENMASK(20, 13);
	return rsvd;
}

static unsigned int index_of(u64 gpa, unsigned int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 level_size(unsigned int level)
{
	return SIZE_4K << (9 * (level - 1));
}

/* The leaf's PAT, PCD and PWT bits as the number of the PAT entry they select. */
static u8 pat_index_of(u64 leaf, bool large)
{
	bool pat = leaf & (large ? NNPT_PAT_LARGE : NNPT_PAT_4K);

	return (u8)(((leaf & NNPT_PWT) ? 1 : 0) | ((leaf & NNPT_PCD) ? 2 : 0) | (pat ? 4 : 0));
}

/* A on every entry walked, D on the leaf of a write: only after the walk succeeded. */
static int set_accessed_dirty(const struct nnpt_walk_in *in, const struct nnpt_mem *m,
			      const u64 *addr, const u64 *entry, unsigned int leaf_level)
{
	unsigned int level;
	u64 want;

	for (level = LEVELS; level >= leaf_level; level--) {
		want = entry[level] | NNPT_A;
		if (level == leaf_level && (in->access & NNPT_WRITE))
			want |= NNPT_D;
		if (want != entry[level] && !m->cmpxchg(m->ctx, addr[level], entry[level], want))
			return -EAGAIN;
	}
	return 0;
}

static int fault(struct nnpt_walk *out, const struct nnpt_walk_in *in, u64 bits)
{
	out->error = bits | NNPT_US | (in->access & (NNPT_WRITE | NNPT_FETCH));
	return -EFAULT;
}

int nnpt_walk(const struct nnpt_walk_in *in, const struct nnpt_mem *m, struct nnpt_walk *out)
{
	u64 table = in->ncr3 & NNPT_ADDR, addr[LEVELS + 1], entry[LEVELS + 1], e = 0;
	bool w = true, u = true, x = true, large = false;
	unsigned int level;
	int err;

	*out = (struct nnpt_walk){ 0 };
	for (level = LEVELS; level >= LEAF_4K; level--) {
		addr[level] = table + index_of(in->gpa, level) * sizeof(u64);
		if (m->read(m->ctx, addr[level], &e)) {
			fault(out, in, NNPT_P | BIT(3));
			return -EIO;
		}
		entry[level] = e;
		if (!(e & NNPT_P))
			return fault(out, in, 0);
		large = level > LEAF_4K && (e & NNPT_PS);
		if (e & reserved_bits(in, level, large))
			return fault(out, in, NNPT_P | BIT(3));
		w &= !!(e & NNPT_RW);
		u &= !!(e & NNPT_US);
		x &= !(in->nxe && (e & NNPT_NX));
		if (large || level == LEAF_4K)
			break;
		table = e & NNPT_ADDR;
	}
	if (!u || ((in->access & NNPT_WRITE) && !w) || ((in->access & NNPT_FETCH) && !x))
		return fault(out, in, NNPT_P);
	if (in->set_ad) {
		err = set_accessed_dirty(in, m, addr, entry, level);
		if (err)
			return err;
	}
	out->page_size = level_size(level);
	out->l1_gpa = (e & NNPT_ADDR & ~(out->page_size - 1)) | (in->gpa & (out->page_size - 1));
	out->writable = w;
	out->executable = x;
	out->dirty = (e & NNPT_D) || (in->set_ad && (in->access & NNPT_WRITE));
	out->pat_index = pat_index_of(e, large);
	return 0;
}

/*
 * The host PAT keeps its reset value (WB, WT, UC-, UC in entries 0-3),
 * so PWT and PCD alone name a type. WC and WP have no entry there: UC,
 * the strictest type, stands for them (never a weaker ordering than L1
 * asked for).
 */
static u64 host_type_bits(u8 type)
{
	switch (type) {
	case PAT_WB:
		return 0;
	case PAT_WT:
		return NNPT_PWT;
	case PAT_UC_MINUS:
		return NNPT_PCD;
	default:
		return NNPT_PCD | NNPT_PWT;
	}
}

u64 nnpt_shadow_pte(const struct nnpt_walk *w, u64 hpa, u64 l0_size, u64 l1_pat, bool host_nx,
		    u64 *size)
{
	u64 s = MIN(w->page_size, l0_size), pte;
	u8 type = (u8)((l1_pat >> (8 * w->pat_index)) & 7);

	s = MIN(s, (u64)BIT(21));
	*size = s;
	pte = (hpa & NNPT_ADDR & ~(s - 1)) | NNPT_P | NNPT_US | NNPT_A | host_type_bits(type);
	if (w->writable && w->dirty)
		pte |= NNPT_RW | NNPT_D;
	if (!w->executable && host_nx)
		pte |= NNPT_NX;
	if (s > SIZE_4K)
		pte |= NNPT_PS;
	return pte;
}

bool nnpt_pat_valid(u64 pat)
{
	unsigned int i;
	u8 t;

	for (i = 0; i < 8; i++) {
		t = (u8)(pat >> (8 * i));
		if (t != PAT_UC && t != PAT_WC && t != PAT_WT && t != PAT_WP && t != PAT_WB &&
		    t != PAT_UC_MINUS)
			return false;
	}
	return true;
}
