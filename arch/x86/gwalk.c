/*
 * The guest page-table walker: see asm/gwalk.h. One loop walks every
 * form; a table of formats says how many levels there are, how wide an
 * entry is, how many index bits each level takes and at which levels the
 * PS bit makes a large page.
 */
#include <asm/cpu.h>
#include <asm/gwalk.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#define PTE_P		BIT(0)
#define PTE_RW		BIT(1)
#define PTE_US		BIT(2)
#define PTE_PS		BIT(7)
#define PTE_NX		BIT(63)
#define ADDR_4K		GENMASK(51, 12)
#define PAE_PDPTE_BASE	GENMASK(31, 5)
#define X86_CR4_PSE	BIT(4)
#define X86_CR4_LA57	BIT(12)

struct walk_format {
	u8 levels;
	u8 entry_size;		/* bytes */
	u8 index_bits;		/* per level below the top */
	u8 top_bits;		/* index bits of the top level */
	u8 large_levels;	/* bitmap of levels (1 = the last) where PS means a page */
	bool nx;		/* entries have an NX bit (with EFER.NXE) */
	bool pdpte_root;	/* PAE: the top level is the 4 PDPTEs at CR3[31:5] */
	bool ps_ignored;	/* 32-bit paging without CR4.PSE: PS is just ignored */
};

enum walk_kind {
	WALK_32,
	WALK_32_PSE,
	WALK_PAE,
	WALK_LONG4,
	WALK_LONG5,
};

static const struct walk_format formats[] = {
	[WALK_32] = { 2, 4, 10, 10, 0, false, false, true },
	[WALK_32_PSE] = { 2, 4, 10, 10, BIT(2), false, false, false },
	[WALK_PAE] = { 3, 8, 9, 2, BIT(2), true, true, false },
	[WALK_LONG4] = { 4, 8, 9, 9, BIT(2) | BIT(3), true, false, false },
	[WALK_LONG5] = { 5, 8, 9, 9, BIT(2) | BIT(3), true, false, false },
};

static enum walk_kind walk_kind(const struct gwalk_regs *r)
{
	if (r->efer & EFER_LMA)
		return (r->cr4 & X86_CR4_LA57) ? WALK_LONG5 : WALK_LONG4;
	if (r->cr4 & X86_CR4_PAE)
		return WALK_PAE;
	return (r->cr4 & X86_CR4_PSE) ? WALK_32_PSE : WALK_32;
}

/* Bits of @la below level @level's index: 12 for the last level. */
static unsigned int level_shift(const struct walk_format *f, unsigned int level)
{
	return 12 + f->index_bits * (level - 1);
}

static u64 table_base(const struct gwalk_regs *r, const struct walk_format *f)
{
	if (f->pdpte_root)
		return r->cr3 & PAE_PDPTE_BASE;
	return f->entry_size == 4 ? r->cr3 & GENMASK(31, 12) : r->cr3 & ADDR_4K;
}

/* A 4 MiB page of 32-bit paging: PDE bits 20:13 are physical bits 39:32 (PSE-36). */
static u64 large_page_base(const struct walk_format *f, u64 pte, unsigned int shift)
{
	if (f->entry_size == 4)
		return (pte & GENMASK(31, 22)) | ((pte >> 13) & 0xff) << 32;
	return pte & ADDR_4K & ~GENMASK(shift - 1, 0);
}

static int check_access(const struct gwalk_regs *r, u32 access, bool writable, bool user,
			bool nx, u32 *pf_error)
{
	bool deny = false;

	if ((access & GWALK_USER) && !user)
		deny = true;
	if ((access & GWALK_WRITE) && !writable &&
	    ((access & GWALK_USER) || (r->cr0 & X86_CR0_WP)))
		deny = true;
	if ((access & GWALK_FETCH) && nx)
		deny = true;
	if (!deny)
		return 0;
	*pf_error = PF_PRESENT | (access & (PF_WRITE | PF_USER | PF_FETCH));
	return -EFAULT;
}

int gwalk_translate(const struct gwalk_regs *r, const struct gwalk_mem *m, u64 la, u32 access,
		    u64 *gpa, u32 *pf_error)
{
	const struct walk_format *f;
	bool writable = true, user = true, nx = false;
	unsigned int level, shift, bits;
	u64 table, pte = 0;
	int err;

	/* LMA is LME and PG together: without paging, addresses are 32 bits whatever EFER says. */
	if (!(r->cr0 & X86_CR0_PG)) {
		*gpa = (u32)la;
		return 0;
	}
	f = &formats[walk_kind(r)];
	if (f->entry_size == 4 || f->pdpte_root)
		la = (u32)la;
	table = table_base(r, f);
	for (level = f->levels; level; level--) {
		shift = level_shift(f, level);
		bits = level == f->levels ? f->top_bits : f->index_bits;
		err = m->read(m->ctx, table + ((la >> shift) & (BIT(bits) - 1)) * f->entry_size,
			      f->entry_size, &pte);
		if (err)
			return -EIO;
		if (!(pte & PTE_P)) {
			*pf_error = access & (PF_WRITE | PF_USER | PF_FETCH);
			return -EFAULT;
		}
		/* The PAE PDPTEs carry no permissions: RW/US/NX are reserved there. */
		if (!(f->pdpte_root && level == f->levels)) {
			writable &= !!(pte & PTE_RW);
			user &= !!(pte & PTE_US);
			nx |= f->nx && (r->efer & EFER_NXE) && (pte & PTE_NX);
		}
		if (level > 1 && (pte & PTE_PS) && !f->ps_ignored) {
			if (!(f->large_levels & BIT(level))) {
				*pf_error = PF_PRESENT | PF_RSVD |
					    (access & (PF_WRITE | PF_USER | PF_FETCH));
				return -EFAULT;
			}
			err = check_access(r, access, writable, user, nx, pf_error);
			if (err)
				return err;
			*gpa = large_page_base(f, pte, shift) | (la & GENMASK(shift - 1, 0));
			return 0;
		}
		table = f->entry_size == 4 ? pte & GENMASK(31, 12) : pte & ADDR_4K;
	}
	err = check_access(r, access, writable, user, nx, pf_error);
	if (err)
		return err;
	*gpa = (table & ADDR_4K) | (la & 0xfff);
	return 0;
}
