#ifndef ASM_SVM_NESTED_NPT_H
#define ASM_SVM_NESTED_NPT_H

/*
 * Nested NPT: an L1 that enables nested paging in VMCB12 gets L2's
 * guest-physical addresses translated through its own nested page table
 * (N_CR3, in L1's memory) and then through L0's NPT. L0 runs L2 on a
 * combined (shadow) table, L2 GPA -> host PA, filled one page at a time
 * on the #NPFs of VMCB02 (arch/x86/svm/nested_npt.c); the walk of L1's
 * table and the combination of one translation are pure and tested on
 * the host (nested_npt_walk.c).
 *
 * L1's table is in the long-mode format (4 levels, 4 KiB, 2 MiB and
 * 1 GiB pages); nested walks are user accesses, so every level must
 * have U/S set.
 */
#include <lib/compiler.h>

/* Access kinds, as the #NPF error code has them. */
#define NNPT_WRITE		BIT(1)
#define NNPT_FETCH		BIT(4)

/* L1's table, read through the caller (guest RAM only). */
struct nnpt_mem {
	/* Reads the 8-byte entry at L1 GPA @gpa: 0, or -EFAULT when it is not RAM. */
	int (*read)(void *ctx, u64 gpa, u64 *val);
	/* Replaces @old by @new at @gpa: false when the entry is no longer @old. */
	bool (*cmpxchg)(void *ctx, u64 gpa, u64 old, u64 new_val);
	void *ctx;
};

struct nnpt_walk_in {
	u64 ncr3;		/* L1's N_CR3 */
	u64 gpa;		/* L2's guest-physical address */
	u32 access;		/* NNPT_WRITE, NNPT_FETCH */
	u32 phys_bits;		/* L1's MAXPHYADDR: entry bits above it are reserved */
	bool nxe;		/* L1's EFER.NXE: the NX bit exists, else bit 63 is reserved */
	bool gbpages;		/* L1 is offered 1 GiB pages: PS in a PDPTE is legal */
	bool set_ad;		/* set A (and D on a write) in L1's table as hardware does */
};

struct nnpt_walk {
	u64 l1_gpa;		/* where @gpa goes in L1's guest-physical space */
	u64 page_size;		/* of L1's leaf: 4 KiB, 2 MiB or 1 GiB */
	bool writable;		/* every level has R/W */
	bool executable;	/* no level has NX (with L1's EFER.NXE) */
	bool dirty;		/* the leaf's D bit, after the walk */
	u8 pat_index;		/* the leaf's PAT, PCD, PWT as a PAT entry number */
	u64 error;		/* -EFAULT: the #NPF error code (P, RW, US, RSVD, ID) */
};

/*
 * Translates in->gpa through L1's table. 0: translated, *out filled;
 * -EFAULT: L1 would get a #NPF with out->error; -EIO: one of L1's table
 * entries is not in RAM, out->error the reserved-bit fault an entry of
 * all ones would give; -EAGAIN: an entry changed under the A/D update
 * (another vCPU of L1 wrote it): walk again.
 */
int nnpt_walk(const struct nnpt_walk_in *in, const struct nnpt_mem *m, struct nnpt_walk *out);

/*
 * The shadow leaf for a translated walk @w whose L1 page at w->l1_gpa is
 * at host address @hpa in L0's page of @l0_size: never larger than
 * either page, never more permissive than L1's entry (writable only once
 * D is set, so that the first write faults and sets it), memory type
 * L1's (@l1_pat is L1's PAT) expressed in the host's PAT. @host_nx: the
 * host has EFER.NXE, so NX can be expressed. Returns the entry and its
 * size in *@size (4 KiB or 2 MiB; L0 maps no 1 GiB page).
 */
u64 nnpt_shadow_pte(const struct nnpt_walk *w, u64 hpa, u64 l0_size, u64 l1_pat, bool host_nx,
		    u64 *size);

/* PAT types, and the host PAT's entries as reset leaves them (the hypervisor keeps them). */
#define PAT_UC			0
#define PAT_WC			1
#define PAT_WT			4
#define PAT_WP			5
#define PAT_WB			6
#define PAT_UC_MINUS		7
/* A PAT value every entry of which is a defined type: G_PAT must be one. */
bool nnpt_pat_valid(u64 pat);

/* The shadow's entry bits (asm/npt.h's format). */
#define NNPT_P			BIT(0)
#define NNPT_RW			BIT(1)
#define NNPT_US			BIT(2)
#define NNPT_PWT		BIT(3)
#define NNPT_PCD		BIT(4)
#define NNPT_A			BIT(5)
#define NNPT_D			BIT(6)
#define NNPT_PS			BIT(7)
#define NNPT_PAT_4K		BIT(7)
#define NNPT_PAT_LARGE		BIT(12)
#define NNPT_NX			BIT(63)
#define NNPT_ADDR		GENMASK(51, 12)

/*
 * The shadow's memory, per vCPU: a pool of NNPT_POOL_PAGES pages handed
 * out in order (the first is the root). When it runs out the shadow is
 * dropped whole and rebuilt from the faults that follow: the guest never
 * sees the bound, only a few more #NPFs.
 */
#define NNPT_POOL_PAGES		128

struct svm_vcpu;

struct nnpt_shadow {
	u64 *pool;		/* NNPT_POOL_PAGES pages, pool[0..511] the root */
	u32 used;		/* pages handed out, the root included */
	bool valid;		/* built for the key below; else empty */
	u64 ncr3;		/* the key: what the shadow's entries were derived from */
	u32 asid;
	u64 l1_pat;
	bool l1_nxe;
	bool last_np;		/* the last VMRUN enabled NP: the L2 ASID saw the shadow */
	u32 same_faults;	/* consecutive #NPFs on @same_gpa's page the shadow allowed */
	u64 same_gpa;
	u64 drops;		/* times the bound was hit (a figure for the log) */
};

/* nested_npt.c: vCPU life. */
int svm_nested_npt_init(struct svm_vcpu *sv);
void svm_nested_npt_destroy(struct svm_vcpu *sv);
void svm_nested_npt_reset(struct svm_vcpu *sv);
/* L2 runs with nested paging (VMCB12's NP_ENABLE). */
bool svm_nested_npt_active(const struct svm_vcpu *sv);
/* At VMRUN, after the checks: drop the shadow if its key changed; the nCR3 VMCB02 gets. */
paddr_t svm_nested_npt_vmrun(struct svm_vcpu *sv);
/* At a VMRUN without NP: the L2 ASID goes back to L0's NPT of L1. */
void svm_nested_npt_vmrun_without(struct svm_vcpu *sv);
/* INVLPGA of an L2 ASID: the shadow may hold the invalidated translation. */
void svm_nested_npt_invlpga(struct svm_vcpu *sv, u32 asid);
/* #NPF of VMCB02 with NP on: fill, reflect to L1, or L0's MMIO path. */
int svm_nested_npt_fault(struct svm_vcpu *sv);
/* An L2 GPA as L1's GPA (identity without NP): 0, or -EFAULT if L1's table does not map it. */
int svm_nested_npt_gpa(struct svm_vcpu *sv, u64 l2_gpa, u32 access, u64 *l1_gpa);

#endif
