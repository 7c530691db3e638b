#ifndef ASM_SVM_GUEST_MEM_H
#define ASM_SVM_GUEST_MEM_H

#include <asm/decode.h>
#include <lib/types.h>

/*
 * Guest memory through the guest's own segmentation and paging
 * (arch/x86/svm/guest_mem.c). Errors: -EFAULT where the guest itself
 * would take a #PF, -EIO where the bytes are not guest RAM.
 */
struct svm_vcpu;

/*
 * The last instruction fetch's translation and the table entries its
 * walk read (guest_mem.c): while the paging registers, the CPL and every
 * one of those entries read the same, the walk would give the same
 * page, so the next fetch there needs no walk. With nested paging for
 * L2 the entries of L1's nested table that the walk read are recorded
 * too (svm_fetch_memo_record()), and N_CR3 and L1's EFER join the key.
 * 4 levels of L2's tables, each found through 4 of L1's, and the page.
 */
#define SVM_FETCH_MEMO_ENTRIES	24
struct svm_fetch_memo {
	bool valid;
	bool npt;			/* made with nested paging for L2 */
	u8 cpl;
	u8 n;				/* entries the walk read */
	bool narrow;			/* one of them is 4 bytes (32-bit paging) */
	u8 size[SVM_FETCH_MEMO_ENTRIES];
	u64 cr0, cr3, cr4, efer;
	u64 ncr3, l1_efer;		/* with npt */
	u64 la_page, gpa_page;
	const void *entry[SVM_FETCH_MEMO_ENTRIES];
	u64 val[SVM_FETCH_MEMO_ENTRIES];
};

/* While a fetch's walk records (sv->fetch_recording): one more entry it read at @p. */
void svm_fetch_memo_record(struct svm_fetch_memo *m, const void *p, u64 val, u32 size);

/*
 * vm_gpa_to_hva() for the vCPU's own thread, trying the RAM region of its
 * last hit first (sv->last_ram): the same answer, without the search on
 * the hot paths (fetches, VMCB12, L1's nested table).
 */
void *svm_ram_at(struct svm_vcpu *sv, u64 gpa, u64 len);

/* @kind: 0 (read), GWALK_WRITE or GWALK_FETCH; the guest's CPL adds GWALK_USER. */
int svm_translate(struct svm_vcpu *sv, u64 la, u32 kind, u64 *gpa, u32 *pf_error);
int svm_linear_read(struct svm_vcpu *sv, u64 la, void *buf, u32 len);
int svm_linear_write(struct svm_vcpu *sv, u64 la, const void *buf, u32 len);
u64 svm_seg_linear(const struct svm_vcpu *sv, unsigned int seg, u64 offset);
int svm_fetch_insn(struct svm_vcpu *sv, u8 *buf, u32 *len);
/* @mode: svm_cpu_mode() of the vCPU's VMCB, which the caller has. */
const u8 *svm_code_at(struct svm_vcpu *sv, enum x86_cpu_mode mode, u32 *avail);

#endif
