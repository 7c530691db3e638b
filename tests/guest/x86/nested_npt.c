/*
 * x86-vm-nested-npt: an L1 guest that runs its L2 with nested paging
 * (NP_ENABLE in VMCB12, its own nested page table at N_CR3). L2 runs on
 * L1's page tables, code and stack, which L1's nested table maps 1:1
 * (2 MiB pages over L1's RAM and the UART's page); a test window at L2
 * GPA 1 GiB is mapped page by page as each test wants it, and L2 loads,
 * stores, calls or sums there. Checked: the #VMEXIT(NPF) of each kind of
 * fault with its EXITINFO1/2 (not present, write to read-only, a
 * supervisor page, NX, a reserved bit; in L2's own page walk and in the
 * final translation), 2 MiB and 1 GiB pages, the A/D bits in L1's
 * table, invalidation (TLB_CONTROL, INVLPGA, a new N_CR3, a new ASID),
 * MMIO of L1's device from L2, and an L2 that touches more pages than
 * the shadow holds.
 */
#include <guest/guest.h>
#include <lib/string.h>
#include <guest/svm.h>

#define EXIT_NPF	0x400
#define NPF_P		X86_BIT(0)
#define NPF_RW		X86_BIT(1)
#define NPF_US		X86_BIT(2)
#define NPF_RSVD	X86_BIT(3)
#define NPF_ID		X86_BIT(4)
#define NPF_FINAL	(1ULL << 32)
#define NPF_WALK	(1ULL << 33)

#define P		X86_BIT(0)
#define RW		X86_BIT(1)
#define US		X86_BIT(2)
#define A		X86_BIT(5)
#define D		X86_BIT(6)
#define PS		X86_BIT(7)
#define NX		(1ULL << 63)
#define TBL		(P | RW | US)
#define LEAF		(P | RW | US)
#define SIZE_2M		(2ULL << 20)
#define PAT_RESET	0x0007040600070406ULL

#define WINDOW		0x40000000ULL		/* L2 GPA 1 GiB: PDPT[1] -> pd_win */
#define WIN_PAGE(i)	(WINDOW + (u64)(i) * PAGE_SIZE)
#define GIG_WINDOW	0x80000000ULL		/* PDPT[2]: a 1 GiB page onto L1 GPA 0 */
#define MANY_PDES	160			/* 2 MiB of L2 GPA each, all on one PT */
#define MANY_BASE	(WINDOW + 8 * SIZE_2M)
#define UART_SCRATCH	0xfe000007ULL
#define MAGIC		0x600dcafe12345678ULL

/*
 * npt_vmrun(vmcb, io): VMRUN with L2's RBX, RCX, RDX, RSI = io[0..3],
 * then io[0..3] = L2's RBX, RCX, RDX, RSI as the #VMEXIT left them.
 */
u64 npt_vmrun(struct vmcb *v, u64 *io);
__asm__(
	".text\n"
	".global npt_vmrun\n"
	"npt_vmrun:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	push %rsi\n"
	"	mov %rdi, %rax\n"
	"	mov 0(%rsi), %rbx; mov 8(%rsi), %rcx; mov 16(%rsi), %rdx; mov 24(%rsi), %rsi\n"
	"	vmrun %rax\n"
	"	mov (%rsp), %rax\n"
	"	mov %rbx, 0(%rax); mov %rcx, 8(%rax); mov %rdx, 16(%rax); mov %rsi, 24(%rax)\n"
	"	pop %rsi\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n");

/* L2: the address in RBX; each routine ends in VMMCALL, which L1 intercepts. */
void l2_load(void), l2_store(void), l2_call(void), l2_sum(void), l2_loop_load(void);
void l2_load8(void), l2_store8(void), l2_wrpat(void);
__asm__(
	".text\n"
	"l2_load: mov (%rbx), %rcx\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_store: mov %rdx, (%rbx)\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_load8: movzbl (%rbx), %ecx\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_store8: mov %dl, (%rbx)\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_wrpat: mov $0x277, %ecx; mov %rbx, %rax; mov %rbx, %rdx; shr $32, %rdx\n"
	"	wrmsr\n"
	"	vmmcall\n"
	"	ud2\n"
	"l2_call: call *%rbx\n"
	"	vmmcall\n"
	"	ud2\n"
	/* RCX pages from RBX on, 4 KiB apart: the sum of their first words in RDX. */
	"l2_sum: xor %edx, %edx\n"
	"1:	add (%rbx), %rdx\n"
	"	add $4096, %rbx\n"
	"	dec %rcx\n"
	"	jnz 1b\n"
	"	vmmcall\n"
	"	ud2\n"
	/* The bench's L2: a load at RBX, VMMCALL, again. */
	"l2_loop_load: mov (%rbx), %rcx\n"
	"	vmmcall\n"
	"	jmp l2_loop_load\n"
	".global l2_load, l2_store, l2_call, l2_sum, l2_loop_load\n"
	".global l2_load8, l2_store8, l2_wrpat\n");

static struct vmcb *vmcb;
static u64 *pml4, *pdpt, *pd_low, *pd_dev, *pd_win, *pt_win, *pt_many;
static u64 *pml4_b, *pdpt_b, *pd_win_b, *pt_win_b;
static u8 *l2_stack, *pages, *many;
static u64 io[4];
static bool ran;	/* the last run's verdict, before ok() formats its message */
static volatile u64 marker = MAGIC;

static u64 pa(const volatile void *p)
{
	return (u64)(uintptr_t)p;
}

static u64 phys_bits(void)
{
	return cpuid(0x80000008).eax & 0xff;
}

/* Test page @i of L1: its first word is 0x1000 + i. */
static u64 page_pa(unsigned int i)
{
	return pa(pages) + (u64)i * PAGE_SIZE;
}

/*
 * L1's nested table: L2 GPA = L1 GPA over the first GiB (2 MiB pages,
 * L1's RAM and more) and the UART's 2 MiB; the window's PDE 0 on a page
 * table the tests fill, PDEs 8.. for the many-pages test.
 */
static void build_npt(void)
{
	unsigned int i;

	pml4[0] = pa(pdpt) | TBL;
	pdpt[0] = pa(pd_low) | TBL;
	pdpt[1] = pa(pd_win) | TBL;
	pdpt[3] = pa(pd_dev) | TBL;
	for (i = 0; i < 512; i++)
		pd_low[i] = ((u64)i << 21) | LEAF | PS;
	pd_dev[(0xfe000000ULL - 0xc0000000ULL) >> 21] = 0xfe000000ULL | LEAF | PS;
	pd_win[0] = pa(pt_win) | TBL;
	for (i = 0; i < MANY_PDES; i++)
		pd_win[8 + i] = pa(pt_many) | TBL;
	for (i = 0; i < 512; i++) {
		pt_many[i] = (pa(many) + (u64)i * PAGE_SIZE) | LEAF;
		*(u64 *)(many + (u64)i * PAGE_SIZE) = i;
	}
	for (i = 0; i < 16; i++)
		*(u64 *)(pages + (u64)i * PAGE_SIZE) = 0x1000 + i;
}

static void make_vmcb(void (*entry)(void))
{
	svm_vmcb_init_flat64(vmcb, pa(entry), pa(l2_stack + PAGE_SIZE * 2));
	vmcb->nested_ctl = 1;
	vmcb->ncr3 = pa(pml4);
	vmcb->g_pat = PAT_RESET;
	vmcb->int_ctl = X86_BIT(24);	/* V_INTR_MASKING */
}

static u64 exit_code(void)
{
	return (u64)vmcb->exit_code_hi << 32 | vmcb->exit_code;
}

/* L2 runs @entry with RBX = @addr, RDX = @val; true if it ended in VMMCALL. */
static bool run_l2(void (*entry)(void), u64 addr, u64 val)
{
	make_vmcb(entry);
	io[0] = addr;
	io[1] = 0;
	io[2] = val;
	io[3] = 0;
	npt_vmrun(vmcb, io);
	return exit_code() == EXIT_VMMCALL;
}

/* The VMCB as the last run left it, run again (same ASID, N_CR3, no flush). */
static bool rerun_l2(void (*entry)(void), u64 addr, u8 tlb_control)
{
	vmcb->rip = pa(entry);
	vmcb->rsp = pa(l2_stack + PAGE_SIZE * 2);
	vmcb->tlb_control = tlb_control;
	io[0] = addr;
	npt_vmrun(vmcb, io);
	vmcb->tlb_control = 0;
	return exit_code() == EXIT_VMMCALL;
}

static bool npf(u64 info1, u64 info2)
{
	return exit_code() == EXIT_NPF && vmcb->info1 == info1 && vmcb->info2 == info2;
}

static void test_offered(void)
{
	struct cpuid_regs r = cpuid(0x8000000a);

	ok(r.edx & 1, "cpuid 0x8000000a EDX.NP set (%#x)", r.edx);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME | EFER_NXE);
	wrmsr(MSR_VM_HSAVE_PA, pa(alloc_page()));
}

static void test_vmrun_checks(void)
{
	make_vmcb(l2_load);
	vmcb->ncr3 = 1ULL << phys_bits();
	npt_vmrun(vmcb, io);
	ok(exit_code() == ~0ULL, "NP with an N_CR3 bit at MAXPHYADDR: EXITCODE %#llx",
	   exit_code());
	make_vmcb(l2_load);
	vmcb->g_pat = (PAT_RESET & ~0xffULL) | 2;
	npt_vmrun(vmcb, io);
	ok(exit_code() == ~0ULL, "NP with G_PAT entry 0 of type 2: EXITCODE %#llx", exit_code());
	make_vmcb(l2_load);
	vmcb->nested_ctl = 3;
	npt_vmrun(vmcb, io);
	ok(exit_code() == ~0ULL, "NP with SEV: EXITCODE %#llx", exit_code());
}

static void test_identity(void)
{
	ran = run_l2(l2_load, pa(&marker), 0);
	ok(ran && io[1] == MAGIC,
	   "L2 with NP on L1's 1:1 nested table reads L1's memory (EXITCODE %#llx, %#llx)",
	   exit_code(), io[1]);
	pt_win[1] = page_pa(1) | LEAF;
	ran = run_l2(l2_load, WIN_PAGE(1) + 0, 0);
	ok(ran && io[1] == 0x1001,
	   "L2 GPA %#llx through a 4 KiB entry of L1's table reads L1's page (%#llx)",
	   WIN_PAGE(1), io[1]);
}

static void test_faults(void)
{
	pt_win[2] = 0;
	run_l2(l2_load, WIN_PAGE(2) + 8, 0);
	ok(npf(NPF_US | NPF_FINAL, WIN_PAGE(2) + 8),
	   "not present: #VMEXIT(NPF) EXITINFO1 %#llx EXITINFO2 %#llx", vmcb->info1,
	   vmcb->info2);
	run_l2(l2_store, WIN_PAGE(2) + 8, 1);
	ok(npf(NPF_US | NPF_RW | NPF_FINAL, WIN_PAGE(2) + 8),
	   "not present, write: EXITINFO1 %#llx", vmcb->info1);
	pt_win[3] = page_pa(3) | P | US;
	ran = run_l2(l2_load, WIN_PAGE(3), 0);
	ok(ran && io[1] == 0x1003, "read-only page: a load runs");
	run_l2(l2_store, WIN_PAGE(3) + 16, 1);
	ok(npf(NPF_P | NPF_US | NPF_RW | NPF_FINAL, WIN_PAGE(3) + 16),
	   "write to read-only: EXITINFO1 %#llx EXITINFO2 %#llx", vmcb->info1, vmcb->info2);
	pt_win[4] = page_pa(4) | P | RW;
	run_l2(l2_load, WIN_PAGE(4), 0);
	ok(npf(NPF_P | NPF_US | NPF_FINAL, WIN_PAGE(4)),
	   "supervisor page (nested walks are user accesses): EXITINFO1 %#llx", vmcb->info1);
	*(u8 *)(pages + 5 * PAGE_SIZE + 0x10) = 0xc3;	/* ret */
	pt_win[5] = page_pa(5) | LEAF | NX;
	ran = run_l2(l2_load, WIN_PAGE(5), 0);
	ok(ran && io[1] == 0x1005, "NX page: a load runs");
	run_l2(l2_call, WIN_PAGE(5) + 0x10, 0);
	ok(npf(NPF_P | NPF_US | NPF_ID | NPF_FINAL, WIN_PAGE(5) + 0x10),
	   "NX page, fetch: EXITINFO1 %#llx EXITINFO2 %#llx", vmcb->info1, vmcb->info2);
	pt_win[5] = page_pa(5) | LEAF;
	ran = rerun_l2(l2_call, WIN_PAGE(5) + 0x10, 1);
	ok(ran, "NX cleared and flushed: the call runs");
	pt_win[6] = page_pa(6) | LEAF | (1ULL << (phys_bits() < 52 ? 51 : 52));
	run_l2(l2_load, WIN_PAGE(6), 0);
	ok(phys_bits() < 52 ? npf(NPF_P | NPF_RSVD | NPF_US | NPF_FINAL, WIN_PAGE(6)) : true,
	   "reserved bit 51 (MAXPHYADDR %llu): EXITINFO1 %#llx", phys_bits(), vmcb->info1);
}

/*
 * L2 on page tables of its own at L2 GPA WIN_PAGE(7), which L1's table
 * does not map: the CPU's first walk faults, in the guest's walk.
 */
/* Nothing answers outside L1's RAM: its nested table there reads as all ones. */
static void test_table_outside_ram(void)
{
	make_vmcb(l2_load);
	vmcb->ncr3 = 0x10000000;	/* 256 MiB: L1 has 32 */
	io[0] = pa(&marker);
	npt_vmrun(vmcb, io);
	ok(exit_code() == EXIT_NPF && (vmcb->info1 & (NPF_P | NPF_RSVD | NPF_US | NPF_WALK)) ==
	   (NPF_P | NPF_RSVD | NPF_US | NPF_WALK),
	   "N_CR3 outside L1's RAM: #VMEXIT(NPF), EXITINFO1 %#llx (reserved bits)", vmcb->info1);
}

static void test_fault_in_l2_walk(void)
{
	pt_win[7] = 0;
	make_vmcb(l2_load);
	vmcb->cr3 = WIN_PAGE(7);
	io[0] = pa(&marker);
	npt_vmrun(vmcb, io);
	ok(exit_code() == EXIT_NPF && (vmcb->info1 & (NPF_WALK | NPF_FINAL | NPF_P | NPF_US)) ==
	   (NPF_WALK | NPF_US) && (vmcb->info2 & ~0xfffULL) == WIN_PAGE(7),
	   "fault in L2's own page walk: EXITINFO1 %#llx (bit 33), EXITINFO2 %#llx",
	   vmcb->info1, vmcb->info2);
}

static void test_large_pages(void)
{
	u64 off = pa(&marker) & (SIZE_2M - 1);

	pd_win[1] = (pa(&marker) & ~(SIZE_2M - 1)) | LEAF | PS;
	ran = run_l2(l2_load, WINDOW + SIZE_2M + off, 0);
	ok(ran && io[1] == MAGIC,
	   "2 MiB page in L1's table: L2 reads L1's marker (%#llx)", io[1]);
	pdpt[2] = 0 | LEAF | PS;
	ran = run_l2(l2_load, GIG_WINDOW + pa(&marker), 0);
	ok(ran && io[1] == MAGIC,
	   "1 GiB page in L1's table: L2 reads L1's marker (%#llx)", io[1]);
	ran = run_l2(l2_store, GIG_WINDOW + pa(pages) + 15 * PAGE_SIZE, 0xabc);
	ok(ran &&
	   *(u64 *)(pages + 15 * PAGE_SIZE) == 0xabc, "1 GiB page: L2's store lands in L1's page");
}

static void test_accessed_dirty(void)
{
	pt_win[8] = page_pa(8) | LEAF;
	pd_win[0] &= ~A;
	ran = run_l2(l2_load, WIN_PAGE(8), 0);
	ok(ran && (pt_win[8] & (A | D)) == A && (pd_win[0] & A) &&
	   (pdpt[1] & A) && (pml4[0] & A),
	   "a load sets A in every level of L1's table, not D (PTE %#llx)", pt_win[8]);
	ran = run_l2(l2_store, WIN_PAGE(8), 7);
	ok(ran && (pt_win[8] & (A | D)) == (A | D),
	   "a store sets D (PTE %#llx)", pt_win[8]);
	pt_win[9] = page_pa(9) | LEAF | A | D;
	ran = run_l2(l2_store, WIN_PAGE(9), 9);
	ok(ran && *(u64 *)(pages + 9 * PAGE_SIZE) == 9,
	   "a store to a page with D set lands");
}

/* With NP, G_PAT is L2's own PAT: L2's WRMSR lands there, L1's PAT stays. */
static void test_l2_pat(void)
{
	u64 l1_pat = rdmsr(0x277), l2_pat = 0x0006040600070406ULL;

	ran = run_l2(l2_wrpat, l2_pat, 0);
	ok(ran && vmcb->g_pat == l2_pat && rdmsr(0x277) == l1_pat,
	   "L2's WRMSR of PAT: VMCB12's G_PAT %#llx, L1's PAT %#llx kept", vmcb->g_pat,
	   rdmsr(0x277));
}

/*
 * WIN_PAGE(10) maps page 10, which a flushed run puts in the shadow
 * (checked), then is rewritten to page 11 behind it: each invalidation
 * must show page 11. make_vmcb() leaves ASID 1 and the first N_CR3.
 */
static bool remap(void)
{
	pt_win[10] = page_pa(10) | LEAF | A | D;
	make_vmcb(l2_load);
	ran = rerun_l2(l2_load, WIN_PAGE(10), 1) && io[1] == 0x100a;
	pt_win[10] = page_pa(11) | LEAF | A | D;
	return ran;
}

static void test_invalidation(void)
{
	bool before;

	/*
	 * Without an invalidation the old translation may stay in use, as in
	 * a TLB; it does here, which shows that each test below is about its
	 * own invalidation and not about some other drop of the shadow.
	 */
	before = remap();
	ran = rerun_l2(l2_load, WIN_PAGE(10), 0);
	ok(before && ran && io[1] == 0x100a,
	   "PTE rewritten, no invalidation: L2 still uses the old page (%#llx)", io[1]);
	ran = rerun_l2(l2_load, WIN_PAGE(10), 1);
	ok(ran && io[1] == 0x100b,
	   "PTE rewritten + TLB_CONTROL 1: L2 reads the new page (%#llx)", io[1]);
	before = remap();
	__asm__ __volatile__("invlpga %%rax, %%ecx" : : "a"(WIN_PAGE(10)), "c"(1) : "memory");
	ran = rerun_l2(l2_load, WIN_PAGE(10), 0);
	ok(before && ran && io[1] == 0x100b,
	   "PTE rewritten + INVLPGA: L2 reads the new page (%#llx)", io[1]);
	before = remap();
	vmcb->asid = 2;
	ran = rerun_l2(l2_load, WIN_PAGE(10), 0);
	ok(before && ran && io[1] == 0x100b,
	   "PTE rewritten + a new ASID: L2 reads the new page (%#llx)", io[1]);
	/* A second table, the same but for WIN_PAGE(10) -> page 12. */
	before = remap();
	memcpy(pml4_b, pml4, PAGE_SIZE);
	memcpy(pdpt_b, pdpt, PAGE_SIZE);
	memcpy(pd_win_b, pd_win, PAGE_SIZE);
	memcpy(pt_win_b, pt_win, PAGE_SIZE);
	pml4_b[0] = pa(pdpt_b) | TBL;
	pdpt_b[1] = pa(pd_win_b) | TBL;
	pd_win_b[0] = pa(pt_win_b) | TBL;
	pt_win_b[10] = page_pa(12) | LEAF | A | D;
	vmcb->ncr3 = pa(pml4_b);
	ran = rerun_l2(l2_load, WIN_PAGE(10), 0);
	ok(before && ran && io[1] == 0x100c,
	   "another N_CR3: L2 reads through the other table (%#llx)", io[1]);
	/* Not present -> present needs no flush: the fault walks L1's table again. */
	pt_win[13] = 0;
	run_l2(l2_load, WIN_PAGE(13), 0);
	pt_win[13] = page_pa(13) | LEAF;
	ran = rerun_l2(l2_load, WIN_PAGE(13), 0);
	ok(ran && io[1] == 0x100d,
	   "a page made present after its #NPF is seen without a flush (%#llx)", io[1]);
}

/* L2's access to L1's UART through L1's nested table: L0 emulates it at L1's GPA. */
static void test_mmio(void)
{
	ran = run_l2(l2_store8, UART_SCRATCH, 0x5a) && run_l2(l2_load8, UART_SCRATCH, 0);
	ok(ran && (io[1] & 0xff) == 0x5a,
	   "L2 MMIO to L1's UART scratch register through NP, emulated by L0 (%#llx)",
	   io[1] & 0xff);
}

#define ALIAS_CODE	(WINDOW + 3 * SIZE_2M)
#define ALIAS_TABLES	(WINDOW + 4 * SIZE_2M)
#define ALIAS_UART	(WINDOW + 5 * SIZE_2M)

static u64 alias_of(u64 base, u64 l1_pa)
{
	return base + (l1_pa & (SIZE_2M - 1));
}

/*
 * The same through other L2 GPAs: L2's code, its top page table and the
 * UART each at an L2 GPA that L1's table maps elsewhere, so that L0's
 * decode of the MMIO access must fetch the instruction and walk L2's
 * tables through L1's table too.
 */
static bool run_aliased(void (*entry)(void), u64 val)
{
	make_vmcb(entry);
	vmcb->rip = alias_of(ALIAS_CODE, pa(entry));
	vmcb->cr3 = alias_of(ALIAS_TABLES, read_cr3());
	io[0] = ALIAS_UART + 7;
	io[1] = 0;
	io[2] = val;
	npt_vmrun(vmcb, io);
	return exit_code() == EXIT_VMMCALL;
}

static void test_mmio_aliased(void)
{
	pd_win[3] = (pa(l2_store8) & ~(SIZE_2M - 1)) | LEAF | PS;
	pd_win[4] = (read_cr3() & ~(SIZE_2M - 1)) | LEAF | PS;
	pd_win[5] = 0xfe000000ULL | LEAF | PS;
	ran = (pa(l2_store8) & ~(SIZE_2M - 1)) == (pa(l2_load8) & ~(SIZE_2M - 1)) &&
	      run_aliased(l2_store8, 0xc3) && run_aliased(l2_load8, 0);
	ok(ran && (io[1] & 0xff) == 0xc3,
	   "L2 MMIO from code, page tables and UART at other L2 GPAs, emulated by L0 (%#llx)",
	   io[1] & 0xff);
}

/*
 * MANY_PDES x 512 pages of L2 GPA, every PDE on the same page table of
 * L1's (512 pages of L1 holding 0..511): the shadow needs a table per
 * PDE, more than its bound, and is dropped and rebuilt on the way.
 */
static void test_many_pages(void)
{
	u64 n = (u64)MANY_PDES * 512, want = (u64)MANY_PDES * (511 * 512 / 2);

	make_vmcb(l2_sum);
	io[0] = MANY_BASE;
	io[1] = n;
	io[2] = 0;
	npt_vmrun(vmcb, io);
	ok(exit_code() == EXIT_VMMCALL && io[2] == want,
	   "L2 sums %llu pages (%u MiB of L2 GPA): %llu, want %llu", n, MANY_PDES * 2, io[2],
	   want);
}

int guest_main(const struct mb_info *mbi)
{
	if (!hv_present())
		bail_out("this guest tests the micro-hypervisor's nested NPT and needs it");
	vmcb = alloc_page();
	l2_stack = alloc_pages(2);
	pml4 = alloc_page();
	pdpt = alloc_page();
	pd_low = alloc_page();
	pd_dev = alloc_page();
	pd_win = alloc_page();
	pt_win = alloc_page();
	pt_many = alloc_page();
	pml4_b = alloc_page();
	pdpt_b = alloc_page();
	pd_win_b = alloc_page();
	pt_win_b = alloc_page();
	pages = alloc_pages(16);
	many = alloc_pages(512);
	build_npt();
	test_offered();
	test_vmrun_checks();
	test_identity();
	test_faults();
	test_fault_in_l2_walk();
	test_table_outside_ram();
	test_large_pages();
	test_accessed_dirty();
	test_l2_pat();
	test_invalidation();
	test_mmio();
	test_mmio_aliased();
	test_many_pages();
	return tap_done();
}
