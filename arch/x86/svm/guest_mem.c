/*
 * The guest's memory as its instructions see it: segment + offset ->
 * linear (the guest's segmentation) -> guest-physical (the guest's page
 * tables, asm/gwalk.h) -> for an L2 with nested paging, L1's
 * guest-physical (L1's nested table, nested_npt.c) -> guest RAM (the
 * VM's map; never MMIO). Used to
 * fetch the instruction behind an MMIO fault and for the memory operands
 * of string IO and MOVS.
 */
#include <asm/gwalk.h>
#include <asm/svm.h>
#include <asm/svm_guest_mem.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * Where @gpa's @len bytes are in the hypervisor, if they are guest RAM.
 * The region of the last hit is tried first: a guest's tables and code
 * are nearly always in one region, and the map does not change after
 * FINALIZED, so the cached pointer stays valid for the VM's life.
 */
static __attribute__((noinline)) void *ram_lookup(struct svm_vcpu *sv, u64 gpa, u64 len)
{
	const struct vm_region *r = vm_find_region(sv->vcpu->vm, gpa);

	if (!r || r->kind != VM_REGION_RAM || !range_within(gpa, len, r->gpa, r->size))
		return NULL;
	sv->last_ram = r;
	return (u8 *)r->hva + (gpa - r->gpa);
}

/* The search apart, and a tail call: the hit needs no stack frame. */
void *svm_ram_at(struct svm_vcpu *sv, u64 gpa, u64 len)
{
	const struct vm_region *r = sv->last_ram;

	if (r && range_within(gpa, len, r->gpa, r->size))
		return (u8 *)r->hva + (gpa - r->gpa);
	return ram_lookup(sv, gpa, len);
}

/*
 * Table entries are naturally aligned, so one never straddles two
 * regions, and a load of the entry's own width reads it (every walk of an
 * MMIO exit comes through here). An L2 with nested paging has its tables
 * at L2 GPAs: L1's nested table says where they are in the VM.
 */
static int read_table_entry(void *ctx, u64 gpa, u32 size, u64 *val)
{
	const void *p;

	if (svm_nested_npt_gpa(ctx, gpa, 0, &gpa))
		return -EFAULT;
	p = svm_ram_at(ctx, gpa, size);

	if (!p)
		return -EFAULT;
	*val = size == 8 ? *(const u64 *)p : *(const u32 *)p;
	return 0;
}

static u32 access_of(const struct svm_vcpu *sv, u32 kind)
{
	return kind | (sv->vmcb->save.cpl == 3 ? GWALK_USER : 0);
}

int svm_translate(struct svm_vcpu *sv, u64 la, u32 kind, u64 *gpa, u32 *pf_error)
{
	const struct vmcb_save *s = &sv->vmcb->save;
	struct gwalk_regs r = { s->cr0, s->cr3, s->cr4, s->efer };
	struct gwalk_mem m = { read_table_entry, sv };
	u32 err = 0;
	int ret;

	ret = gwalk_translate(&r, &m, la, access_of(sv, kind), gpa, pf_error ? pf_error : &err);
	/* The VM's address, whatever L1's nested table made of L2's: not mapped there, not RAM. */
	if (!ret && svm_nested_npt_gpa(sv, *gpa, kind & (GWALK_WRITE | GWALK_FETCH), gpa))
		return -EIO;
	return ret;
}

/*
 * Copies between guest linear memory and @buf, a page at a time (each
 * page has its own translation). -EFAULT: the guest would fault; -EIO:
 * the bytes are not RAM.
 */
/*
 * Fetches translate through a memo of the last fetch's walk: NRIPS for
 * L2 (nested_nrip.c) fetches the instruction of every reflected exit,
 * and the walk is most of that exit's cost. A walk is a function of
 * CR0, CR3, CR4, EFER, the CPL and the entries it reads (it sets no
 * A/D bit), so when all of them read the same, so does its result: the
 * memo is exact, not a TLB. With nested paging for L2 the walk also
 * reads L1's nested table, for each of L2's table entries and for the
 * page (nested_npt.c records those reads while fetch_recording is set),
 * and depends on N_CR3 and L1's EFER.NXE, which join the key. Entries
 * are RAM at fixed places (the map does not change after FINALIZED).
 */
void svm_fetch_memo_record(struct svm_fetch_memo *m, const void *p, u64 val, u32 size)
{
	if (m->n < SVM_FETCH_MEMO_ENTRIES) {
		m->entry[m->n] = p;
		m->val[m->n] = val;
		m->size[m->n] = (u8)size;
	}
	if (size != 8)
		m->narrow = true;
	if (m->n < 0xff)
		m->n++;
}

static int read_and_record(void *ctx, u64 gpa, u32 size, u64 *val)
{
	struct svm_vcpu *sv = ctx;
	const void *p;

	if (svm_nested_npt_gpa(sv, gpa, 0, &gpa))
		return -EFAULT;
	p = svm_ram_at(sv, gpa, size);
	if (!p)
		return -EFAULT;
	*val = size == 8 ? *(const u64 *)p : *(const u32 *)p;
	svm_fetch_memo_record(&sv->fetch_memo, p, *val, size);
	return 0;
}

static bool memo_key_same(const struct svm_vcpu *sv, const struct svm_fetch_memo *m, u64 la)
{
	const struct vmcb_save *s = &sv->vmcb->save;

	if (!m->valid || m->la_page != (la & ~(u64)(PAGE_SIZE - 1)) || m->cr3 != s->cr3 ||
	    m->cr0 != s->cr0 || m->cr4 != s->cr4 || m->efer != s->efer || m->cpl != s->cpl ||
	    m->npt != svm_nested_npt_active(sv))
		return false;
	return !m->npt || (m->ncr3 == sv->nested.cache->control.nested_cr3 &&
			   m->l1_efer == sv->vmcb01->save.efer);
}

static bool memo_hit(const struct svm_vcpu *sv, const struct svm_fetch_memo *m, u64 la)
{
	unsigned int i;
	u64 v;

	if (!memo_key_same(sv, m, la))
		return false;
	/*
	 * Long-mode and PAE entries, and every one of L1's nested table, are
	 * 8 bytes: one load, no size test, no branch per entry. Every entry
	 * is read even after one differs: they are RAM pointers for the VM's
	 * life, and the loop is shorter than one that stops.
	 */
	if (!m->narrow) {
		u64 diff = 0;

		for (i = 0; i < m->n; i++)
			diff |= *(const u64 *)m->entry[i] ^ m->val[i];
		return !diff;
	}
	for (i = 0; i < m->n; i++) {
		v = m->size[i] == 8 ? *(const u64 *)m->entry[i] : *(const u32 *)m->entry[i];
		if (v != m->val[i])
			return false;
	}
	return true;
}

/* The walk of translate_fetch(), recording what it reads: L2's tables, L1's nested one. */
static int recorded_walk(struct svm_vcpu *sv, u64 la, u64 *gpa)
{
	const struct vmcb_save *s = &sv->vmcb->save;
	struct gwalk_regs r = { s->cr0, s->cr3, s->cr4, s->efer };
	struct gwalk_mem mem = { read_and_record, sv };
	u32 pf_error = 0;
	int err;

	sv->fetch_recording = &sv->fetch_memo;
	err = gwalk_translate(&r, &mem, la, access_of(sv, GWALK_FETCH), gpa, &pf_error);
	if (!err && svm_nested_npt_gpa(sv, *gpa, GWALK_FETCH, gpa))
		err = -EIO;
	sv->fetch_recording = NULL;
	return err;
}

/* A miss: the walk, and the memo made anew from it. */
static __attribute__((noinline)) int walk_and_memo(struct svm_vcpu *sv, u64 la, u64 *gpa)
{
	const struct vmcb_save *s = &sv->vmcb->save;
	struct svm_fetch_memo *m = &sv->fetch_memo;
	int err;

	m->valid = false;
	m->n = 0;
	m->narrow = false;
	err = recorded_walk(sv, la, gpa);
	if (err || m->n > SVM_FETCH_MEMO_ENTRIES)
		return err;
	/* The entries are recorded; the rest of the key is what the walk started from. */
	m->cpl = s->cpl;
	m->cr0 = s->cr0;
	m->cr3 = s->cr3;
	m->cr4 = s->cr4;
	m->efer = s->efer;
	m->npt = svm_nested_npt_active(sv);
	m->ncr3 = m->npt ? sv->nested.cache->control.nested_cr3 : 0;
	m->l1_efer = m->npt ? sv->vmcb01->save.efer : 0;
	m->la_page = la & ~(u64)(PAGE_SIZE - 1);
	m->gpa_page = *gpa & ~(u64)(PAGE_SIZE - 1);
	m->valid = true;
	return 0;
}

/* The walk apart: a hit, nearly every fetch, needs no frame for it. */
static int translate_fetch(struct svm_vcpu *sv, u64 la, u64 *gpa)
{
	const struct svm_fetch_memo *m = &sv->fetch_memo;

	if (memo_hit(sv, m, la)) {
		*gpa = m->gpa_page | (la & (PAGE_SIZE - 1));
		return 0;
	}
	return walk_and_memo(sv, la, gpa);
}

/* x86 loads and stores unaligned words: an instruction's 15 bytes in two, not fifteen. */
static void copy_bytes(u8 *dst, const u8 *src, u32 n)
{
	for (; n >= 8; n -= 8, dst += 8, src += 8)
		__builtin_memcpy(dst, src, 8);
	while (n--)
		*dst++ = *src++;
}

static int linear_copy(struct svm_vcpu *sv, u64 la, void *buf, u32 len, u32 kind)
{
	u8 *b = buf, *ram;
	u64 gpa;
	u32 n;
	int err;

	while (len) {
		n = (u32)MIN((u64)len, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
		err = (kind & GWALK_FETCH) ? translate_fetch(sv, la, &gpa) :
					     svm_translate(sv, la, kind, &gpa, NULL);
		if (err)
			return err;
		ram = (u8 *)svm_ram_at(sv, gpa, n);
		if (!ram)
			return -EIO;
		if (kind & GWALK_WRITE)
			copy_bytes(ram, b, n);
		else
			copy_bytes(b, ram, n);
		la += n;
		b += n;
		len -= n;
	}
	return 0;
}

int svm_linear_read(struct svm_vcpu *sv, u64 la, void *buf, u32 len)
{
	return linear_copy(sv, la, buf, len, 0);
}

int svm_linear_write(struct svm_vcpu *sv, u64 la, const void *buf, u32 len)
{
	return linear_copy(sv, la, (void *)buf, len, GWALK_WRITE);
}

static const struct vmcb_seg *segment(const struct vmcb_save *s, unsigned int seg)
{
	const struct vmcb_seg *segs[] = {
		[X86_SEG_ES] = &s->es, [X86_SEG_CS] = &s->cs, [X86_SEG_SS] = &s->ss,
		[X86_SEG_DS] = &s->ds, [X86_SEG_FS] = &s->fs, [X86_SEG_GS] = &s->gs,
	};

	return segs[seg < ARRAY_SIZE(segs) ? seg : X86_SEG_DS];
}

/*
 * In 64-bit mode only FS and GS have a base; elsewhere the linear address
 * is 32 bits wide. Limits are not checked: the CPU checked them before
 * the access faulted or exited.
 */
static u64 seg_linear(const struct vmcb_save *s, enum x86_cpu_mode mode, unsigned int seg,
		      u64 offset)
{
	if (mode == X86_MODE_64)
		return (seg == X86_SEG_FS || seg == X86_SEG_GS) ? offset + segment(s, seg)->base
								 : offset;
	return (u32)(segment(s, seg)->base + offset);
}

u64 svm_seg_linear(const struct svm_vcpu *sv, unsigned int seg, u64 offset)
{
	return seg_linear(&sv->vmcb->save, svm_cpu_mode(sv->vmcb), seg, offset);
}

/*
 * Where the code at CS:RIP is in the hypervisor, and how many of its
 * bytes (up to 15) are on that page: NULL if not even the first can be
 * fetched. A reader that needs no more than that saves the copy.
 */
const u8 *svm_code_at(struct svm_vcpu *sv, enum x86_cpu_mode mode, u32 *avail)
{
	u64 la = seg_linear(&sv->vmcb->save, mode, X86_SEG_CS, sv->vmcb->save.rip), gpa;
	u32 n = (u32)MIN((u64)X86_MAX_INSN_LEN, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
	const u8 *p;

	if (translate_fetch(sv, la, &gpa))
		return NULL;
	p = svm_ram_at(sv, gpa, n);
	*avail = n;
	return p;
}

/*
 * Up to 15 bytes at CS:RIP; fewer where the next page cannot be read (the
 * decoder then says whether it needed them). -EFAULT/-EIO if not even the
 * first byte can.
 */
int svm_fetch_insn(struct svm_vcpu *sv, u8 *buf, u32 *len)
{
	u64 la = svm_seg_linear(sv, X86_SEG_CS, sv->vmcb->save.rip);
	u32 first = (u32)MIN((u64)X86_MAX_INSN_LEN, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
	int err;

	err = linear_copy(sv, la, buf, first, GWALK_FETCH);
	if (err)
		return err;
	*len = first;
	if (first < X86_MAX_INSN_LEN &&
	    !linear_copy(sv, la + first, buf + first, X86_MAX_INSN_LEN - first, GWALK_FETCH))
		*len = X86_MAX_INSN_LEN;
	return 0;
}
