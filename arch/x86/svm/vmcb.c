/*
 * The VMCB: what is intercepted, and the architectural start state.
 *
 * Intercepted, and why:
 *  - INTR, NMI: a physical interrupt (a kick, the host timer) or NMI (a
 *    stop) must end guest mode and reach the hypervisor, never the guest;
 *  - CPUID, MSRs (all but the VMLOAD/VMSAVE ones), every IO port: the
 *    models of cpuid.c, msr.c, io.c;
 *  - HLT: a real wait, or the VM's end with interrupts off;
 *  - SHUTDOWN: a triple fault ends the VM instead of resetting the CPU;
 *  - IRET, only while an injected NMI is in service: its end is the end
 *    of NMI blocking (event.c); VINTR only while an interrupt window is
 *    open;
 *  - INVD: dropping dirty cache lines of memory shared with the
 *    hypervisor would lose its writes; it runs as a no-op;
 *  - TASK_SWITCH: hardware task switches are not emulated; the VM stops
 *    with an internal error instead of running on with a half switch;
 *  - VMRUN (VMRUN refuses a VMCB without it), VMMCALL (the hypercall),
 *    VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA: the guest's EFER.SVME
 *    is really set underneath, so these would run on the real CPU; they
 *    raise #UD as on a CPU without SVM, or are emulated for a VM offered
 *    nested SVM (nested.c; SKINIT never is);
 *  - MONITOR, MWAIT: hidden in CPUID, #UD; RDPMC: the counters of msr.c.
 * Not intercepted: exceptions, CR and DR accesses, INVLPG, PAUSE, RDTSC
 * (the TSC offset applies), XSETBV (each CPU runs one vCPU for good, so
 * XCR0 is the guest's), WBINVD.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

#define INTERCEPTS1	(INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_CPUID | INTERCEPT_HLT | \
			 INTERCEPT_INVD | INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT | \
			 INTERCEPT_SHUTDOWN | INTERCEPT_TASK_SWITCH | INTERCEPT_INVLPGA | \
			 INTERCEPT_RDPMC)
#define INTERCEPTS2	(INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL | INTERCEPT2_VMLOAD | \
			 INTERCEPT2_VMSAVE | INTERCEPT2_STGI | INTERCEPT2_CLGI | \
			 INTERCEPT2_SKINIT | INTERCEPT2_MONITOR | INTERCEPT2_MWAIT | \
			 INTERCEPT2_MWAIT_COND)

#define MSR_SYSENTER_CS		0x174u
#define MSR_SYSENTER_ESP	0x175u
#define MSR_SYSENTER_EIP	0x176u
#define MSR_STAR		0xc0000081u
#define MSR_LSTAR		0xc0000082u
#define MSR_CSTAR		0xc0000083u
#define MSR_SFMASK		0xc0000084u

/* The guest's copy of these is VMCB state (VMLOAD/VMSAVE): no exit needed. */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* Shared by every vCPU: the policy is the same, and the CPU only reads them. */
static u8 *iopm, *msrpm;

/*
 * The MSR permission map has three 2 KiB ranges of two bits per MSR
 * (read, then write); MSRs outside them are always intercepted.
 */
int svm_msrpm_offset(u32 msr, u32 *byte, u32 *shift)
{
	static const struct { u32 base; u32 offset; } ranges[] = {
		{ 0x00000000u, 0x000 }, { 0xc0000000u, 0x800 }, { 0xc0010000u, 0x1000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (msr - ranges[i].base < 0x2000u) {
			*byte = ranges[i].offset + (msr - ranges[i].base) / 4;
			*shift = ((msr - ranges[i].base) % 4) * 2;
			return 0;
		}
	}
	return -ERANGE;
}

void svm_msrpm_allow(u8 *pm, u32 msr)
{
	u32 byte, shift;

	if (!svm_msrpm_offset(msr, &byte, &shift))
		pm[byte] &= ~(3u << shift);
}

int svm_permission_maps_init(void)
{
	unsigned int i;

	iopm = page_alloc_contig(IOPM_SIZE / PAGE_SIZE, PAGE_SIZE);
	msrpm = page_alloc_contig(MSRPM_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!iopm || !msrpm)
		return -ENOMEM;
	memset(iopm, 0xff, IOPM_SIZE);
	memset(msrpm, 0xff, MSRPM_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		svm_msrpm_allow(msrpm, passthrough_msrs[i]);
	return 0;
}

void svm_vmcb_l0_intercepts(struct vmcb_control *c)
{
	c->intercept_misc1 = INTERCEPTS1;
	c->intercept_misc2 = INTERCEPTS2;
}

/* Every port is intercepted: an IOPM merged with L1's is this one. */
u64 svm_iopm_pa(void)
{
	return (u64)(uintptr_t)iopm;
}

const u8 *svm_msrpm(void)
{
	return msrpm;
}

const u32 *svm_passthrough_msrs(unsigned int *nr)
{
	*nr = ARRAY_SIZE(passthrough_msrs);
	return passthrough_msrs;
}

void svm_vmcb_init(struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;

	memset(c, 0, sizeof(*c));
	svm_vmcb_l0_intercepts(c);
	c->iopm_base_pa = sv->svm->iopm ? (u64)(uintptr_t)sv->svm->iopm : svm_iopm_pa();
	c->msrpm_base_pa = (u64)(uintptr_t)msrpm;
	c->asid = sv->svm->asid;
	/*
	 * V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual interrupts;
	 * physical ones follow the host's IF (1 across VMRUN, see vmrun.S),
	 * so a guest with interrupts off still exits for a kick.
	 */
	c->int_ctl = V_INTR_MASKING;
	c->nested_ctl = NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = (u64)(uintptr_t)sv->svm->npt_root;
	sv->flush_tlb = true;
	sv->window_requested = false;
}

/* Flat segments; the selectors are the Linux boot protocol's (__BOOT_CS, __BOOT_DS). */
#define BOOT_SEL_CS	0x10
#define BOOT_SEL_DS	0x18
#define ATTR_TYPE_CODE	0xb	/* execute/read, accessed */
#define ATTR_TYPE_DATA	0x3	/* read/write, accessed */
#define ATTR_TYPE_TSS	0xb	/* busy TSS */
#define ATTR_TYPE_LDT	0x2
#define ATTR_CODE32	(SEG_ATTR_G | SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | ATTR_TYPE_CODE)
#define ATTR_CODE64	(SEG_ATTR_G | SEG_ATTR_L | SEG_ATTR_P | SEG_ATTR_S | ATTR_TYPE_CODE)
#define ATTR_DATA	(SEG_ATTR_G | SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | ATTR_TYPE_DATA)

#define RFLAGS_FIXED	BIT(1)
#define DR6_INIT	0xffff0ff0ULL
#define DR7_INIT	0x400ULL
#define PAT_INIT	0x0007040600070406ULL

/* Long-mode boot tables: PML4, PDPT and four PDs of 2 MiB pages: 0-4 GiB. */
#define BOOT_PT_PAGES	6
#define PT_P_RW		(BIT(0) | BIT(1))
#define PT_PS		BIT(7)

static void flat_segments(struct vmcb_save *s, bool long_mode)
{
	struct vmcb_seg data = { BOOT_SEL_DS, ATTR_DATA, 0xffffffff, 0 };

	s->cs = (struct vmcb_seg){ BOOT_SEL_CS, long_mode ? ATTR_CODE64 : ATTR_CODE32,
				   0xffffffff, 0 };
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	/* No GDT or IDT yet: the boot protocols make loading them the kernel's job. */
	s->gdtr = (struct vmcb_seg){ 0, 0, 0, 0 };
	s->idtr = (struct vmcb_seg){ 0, 0, 0, 0 };
	s->ldtr = (struct vmcb_seg){ 0, SEG_ATTR_P | ATTR_TYPE_LDT, 0xffff, 0 };
	s->tr = (struct vmcb_seg){ 0, SEG_ATTR_P | ATTR_TYPE_TSS, 0xffff, 0 };
}

/*
 * After INIT and a SIPI (SDM 9.1.1, APM 14.1.3): real mode, CS = the
 * SIPI's page (selector vector << 8, base vector << 12), IP 0, every
 * other segment at 0 with 64 KiB limits, CR0 = CD | NW | ET.
 */
#define ATTR_REAL_CODE	(SEG_ATTR_P | SEG_ATTR_S | ATTR_TYPE_CODE)
#define ATTR_REAL_DATA	(SEG_ATTR_P | SEG_ATTR_S | ATTR_TYPE_DATA)
#define CR0_INIT	(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET)

static void real_mode_state(struct vmcb_save *s, u64 entry)
{
	struct vmcb_seg data = { 0, ATTR_REAL_DATA, 0xffff, 0 };

	s->cs = (struct vmcb_seg){ (u16)(entry >> 4), ATTR_REAL_CODE, 0xffff, entry };
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	s->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	s->ldtr = (struct vmcb_seg){ 0, SEG_ATTR_P | ATTR_TYPE_LDT, 0xffff, 0 };
	s->tr = (struct vmcb_seg){ 0, SEG_ATTR_P | ATTR_TYPE_TSS, 0xffff, 0 };
	s->cr0 = CR0_INIT;
	s->rip = 0;
}

/* The lowest RAM region big enough: its last pages hold the boot tables. */
static int boot_tables(struct svm_vcpu *sv, u64 *cr3)
{
	const struct vm *vm = sv->vcpu->vm;
	const struct vm_region *ram = NULL;
	u64 *t, base;
	u32 i;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];

		if (r->kind == VM_REGION_RAM && r->size >= BOOT_PT_PAGES * PAGE_SIZE &&
		    (!ram || r->gpa < ram->gpa))
			ram = r;
	}
	if (!ram)
		return -ENOMEM;
	base = ram->gpa + ram->size - BOOT_PT_PAGES * PAGE_SIZE;
	t = (u64 *)((u8 *)ram->hva + (base - ram->gpa));
	memset(t, 0, BOOT_PT_PAGES * PAGE_SIZE);
	t[0] = (base + PAGE_SIZE) | PT_P_RW;
	for (i = 0; i < 4; i++)
		t[512 + i] = (base + (2 + i) * PAGE_SIZE) | PT_P_RW;
	for (i = 0; i < 4 * 512; i++)
		t[1024 + i] = ((u64)i << 21) | PT_P_RW | PT_PS;
	*cr3 = base;
	return 0;
}

/*
 * The state the loader's boot mode asks for. Multiboot: 32-bit protected
 * mode, paging off, flat segments, EAX/EBX the magic and the info.
 * 64-bit ELF: long mode on an identity map of the first 4 GiB, in the
 * last 24 KiB of the lowest RAM region (the guest replaces it before
 * using that memory). Interrupts off, RFLAGS otherwise clear.
 */
int svm_vmcb_boot(struct svm_vcpu *sv, u32 mode, u64 entry, const u64 *args)
{
	struct vmcb_save *s = &sv->vmcb->save;
	bool long_mode = mode == VCPU_BOOT_X86_LONG;
	u64 cr3;
	int err;

	if (mode != VCPU_BOOT_X86_PROTECTED && mode != VCPU_BOOT_X86_REAL && !long_mode)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memset(sv->gprs, 0, sizeof(sv->gprs));
	flat_segments(s, long_mode);
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	if (mode == VCPU_BOOT_X86_REAL && (entry & ~0xff000ULL))
		return -EINVAL;
	/* The guest's EFER.SVME must be set or VMRUN fails; msr.c hides it. */
	s->efer = EFER_SVME;
	if (long_mode) {
		err = boot_tables(sv, &cr3);
		if (err)
			return err;
		s->cr3 = cr3;
		s->cr0 |= X86_CR0_PG | X86_CR0_NE | X86_CR0_WP;
		s->cr4 = X86_CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
	}
	if (sv->svm->corrupt == SVM_CORRUPT_CR0_NW)
		s->cr0 |= X86_CR0_NW;
	s->rflags = RFLAGS_FIXED;
	s->rip = entry;
	if (mode == VCPU_BOOT_X86_REAL)
		real_mode_state(s, entry);
	s->dr6 = DR6_INIT;
	s->dr7 = DR7_INIT;
	s->g_pat = PAT_INIT;
	s->rax = args[0];
	sv->gprs[GPR_RBX] = args[1];
	sv->gprs[GPR_RSI] = args[2];
	sv->gprs[GPR_RDI] = args[3];
	sv->final_exit = 0;
	sv->gif = true;
	sv->reinject = 0;
	sv->pending_event = 0;
	sv->mmio_pending_write = false;
	return 0;
}
