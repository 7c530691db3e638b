/* SOURCES: arch/x86/svm/exit.c arch/x86/svm/msr.c arch/x86/svm/event.c arch/x86/svm/regs.c arch/x86/svm/io.c arch/x86/svm/mmio.c arch/x86/svm/guest_mem.c arch/x86/svm/cpuid.c arch/x86/svm/vmcb.c arch/x86/svm/nested.c arch/x86/svm/nested_intr.c arch/x86/svm/nested_nrip.c arch/x86/svm/nested_checks.c arch/x86/svm/nested_msr.c arch/x86/svm/nested_npt.c arch/x86/svm/nested_npt_walk.c arch/x86/svm/npt.c core/ratelimit.c arch/x86/decode.c arch/x86/gwalk.c core/vm.c core/vcpu.c lib/string.c lib/errno.c arch/x86/vplat/vlapic.c arch/x86/vplat/apic_bus.c arch/x86/svm/pvclock.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fake_arch.h"
#include "fake_timer.h"
#include <asm/npt.h>

#include <asm/cpu.h>
#include <asm/cpuid_model.h>
#include <asm/svm.h>
#include <lib/errno.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/*
 * Nested SVM end to end, minus the hardware: svm_vmrun() below plays a
 * script of exits on whichever VMCB the hypervisor enters (VMCB01 for
 * L1, VMCB02 for L2), and each test checks what L1 sees afterwards in
 * its VMCB12, its registers and its events, and what L0 put in VMCB02.
 */

struct svm_caps svm_caps = {
	.svm = true, .npt = true, .nr_asids = 16, .phys_bits = 40, .gpa_bits = 40,
};

struct step {
	u32 code;
	u64 info1, info2, intinfo;
	void (*guest)(void);
};

#define MAX_STEPS 16
static struct step script[MAX_STEPS];
static unsigned int nr_steps, next_step;
static struct vmcb *entered[MAX_STEPS];
static u64 entry_event[MAX_STEPS];
static u8 entry_tlb[MAX_STEPS];
static u64 entry_int_ctl[MAX_STEPS];
static u32 entry_misc1[MAX_STEPS];

static struct vm *vm;
static struct vcpu *vcpu;
static struct svm_vm svm;
static struct svm_vcpu sv;
static struct vmcb *vmcb01;

void svm_vmrun(u64 *gprs, paddr_t vmcb_pa, paddr_t host_state_pa)
{
	struct vmcb *v = (struct vmcb *)(uintptr_t)vmcb_pa;
	struct step *s;

	if (next_step == nr_steps)
		fail_msg("VMRUN number %u, but the script has %u exits", next_step + 1, nr_steps);
	entered[next_step] = v;
	entry_event[next_step] = v->control.event_inj;
	entry_tlb[next_step] = v->control.tlb_control;
	entry_int_ctl[next_step] = v->control.int_ctl;
	entry_misc1[next_step] = v->control.intercept_misc1;
	s = &script[next_step++];
	if (s->guest)
		s->guest();
	v->control.exit_code = s->code;
	v->control.exit_code_hi = 0;
	v->control.exit_info_1 = s->info1;
	v->control.exit_info_2 = s->info2;
	v->control.exit_int_info = s->intinfo;
}

static volatile bool timer_fired;

volatile bool *x86_timer_fired_flag(void)
{
	return &timer_fired;
}

paddr_t svm_host_state_pa(void)
{
	return 0x1000;
}

u64 svm_gpa_limit(void)
{
	return 1ULL << 40;
}

/* Ports 0x20/0x21 are the 8259, in place; its interrupt is vector 0x30. */
/* The CPU's TSC_AUX (svm.c): svm_caps.tsc_aux is false here, nothing loads it. */
void svm_load_tsc_aux(u32 val)
{
}

/* The RTC's date for kvmclock's wall clock (pvclock.c): 2025-01-01. */
u64 vplat_wall_ns(struct vplatform *p)
{
	return 1735689600ULL * 1000000000ULL;
}

u64 vplat_port_map[VPLAT_PORT_SPACE / 64] = { [0] = BIT(0x20) | BIT(0x21) };

int vplat_io(struct vplatform *p, struct vcpu *v, u16 port, u32 size, bool in, u32 *val)
{
	if (port != 0x20 && port != 0x21)
		return -ENODEV;
	if (in)
		*val = 0;
	return 0;
}

u8 vplat_intr_ack(struct vplatform *p)
{
	p->intr = 0;
	return 0x30;
}

void vplat_sync(struct vplatform *p)
{
	p->pit_dirty = false;
}

#define SCRIPT(...)							\
	do {								\
		const struct step s_[] = { __VA_ARGS__ };		\
		memcpy(script, s_, sizeof(s_));				\
		nr_steps = ARRAY_SIZE(s_);				\
		next_step = 0;						\
	} while (0)

#define RAM_SIZE	(16u << 20)
#define CODE		0x4000ULL
#define V12		0x10000ULL
#define IOPM12		0x20000ULL
#define MSRPM12		0x24000ULL
#define HSAVE		0x30000ULL
#define SAVE_AREA	0x31000ULL
#define L2_RIP		0x50000ULL
#define GP0		(13 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID | EVTINJ_VALID_ERR)
#define UD		(6 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID)
#define IOIO(port, bits) (((u64)(port) << IOIO_PORT_SHIFT) | (bits))
#define MSR_STAR	0xc0000081u

static struct vmcb *v12;

static int setup(void **state)
{
	const u64 args[4] = { 0 };
	static bool maps_ready;

	fake_console_clear();
	vm = vm_create("nested");
	assert_int_equal(vm_add_ram(vm, 0, RAM_SIZE), 0);
	vcpu = vm_add_vcpu(vm, 0);
	assert_int_equal(vm_finalize(vm), 0);
	vmcb01 = calloc(1, sizeof(*vmcb01));
	svm = (struct svm_vm){ .asid = 1, .nested_svm = true, .l2_asid = 2 };
	svm.plat.vm = vm;
	sv = (struct svm_vcpu){ .vmcb = vmcb01, .vmcb_pa = (paddr_t)(uintptr_t)vmcb01,
				.vmcb01 = vmcb01, .vmcb01_pa = (paddr_t)(uintptr_t)vmcb01,
				.vcpu = vcpu, .svm = &svm, .is_bsp = true,
				.timer_fired = &timer_fired };
	vlapic_init(&sv.lapic, vcpu, true);	/* as arch_vcpu_init() does */
	vcpu->irqchip = &sv.lapic;
	/* Shared by every vCPU, for good: once. */
	if (!maps_ready)
		assert_int_equal(svm_permission_maps_init(), 0);
	maps_ready = true;
	assert_int_equal(svm_nested_vcpu_init(&sv), 0);
	svm_nested_reset(&sv);
	svm_cpuid_init(&sv);
	svm_vmcb_init(&sv);
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_LONG, CODE, args), 0);
	v12 = vm_gpa_to_hva(vm, V12, PAGE_SIZE);
	return 0;
}

static int teardown(void **state)
{
	svm_nested_vcpu_destroy(&sv);
	free(vmcb01);
	vm_destroy(vm);
	return 0;
}

static int run(void)
{
	return svm_run_once(&sv);
}

/* L1 turns SVM on as a hypervisor would: EFER.SVME and the host save area. */
static void l1_enable_svm(void)
{
	sv.nested.efer_svme = true;
	sv.nested.hsave_pa = HSAVE;
}

/* A valid long-mode L2 in VMCB12, intercepting VMRUN and VMMCALL. */
static void make_v12(void)
{
	const struct vmcb_save *l1 = &vmcb01->save;

	memset(v12, 0, sizeof(*v12));
	v12->control.intercept_misc2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL;
	v12->control.asid = 5;
	v12->control.iopm_base_pa = IOPM12;
	v12->control.msrpm_base_pa = MSRPM12;
	v12->control.int_ctl = V_INTR_MASKING;
	v12->control.tsc_offset = 1000;
	v12->save.cs = l1->cs;
	v12->save.ds = v12->save.es = v12->save.ss = l1->ds;
	v12->save.efer = l1->efer;
	v12->save.cr0 = l1->cr0;
	v12->save.cr3 = l1->cr3;
	v12->save.cr4 = l1->cr4;
	v12->save.dr6 = 0xffff0ff0;
	v12->save.dr7 = 0x400;
	v12->save.rflags = 2;
	v12->save.rip = L2_RIP;
	v12->save.rsp = 0x60000;
	v12->save.rax = 0x1234;
}

/* L1 at CODE executes VMRUN with rAX = @rax. */
static void l1_vmrun_at(u64 rax)
{
	vmcb01->save.rip = CODE;
	vmcb01->save.rax = rax;
}

/* ---- what L1 is offered ---- */

static void test_cpuid_offers_svm(void **state)
{
	vmcb01->save.rax = 0x8000000a;
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb01->save.rax, CPUID_NESTED_SVM_REVISION);
	assert_int_equal(sv.gprs[GPR_RBX], 16);
	/* cpuid.c's nested_svm_features[]: no DecodeAssists, the fake CPU has none */
	assert_int_equal(sv.gprs[GPR_RDX], CPUID_SVM_NP | SVM_FEATURE_LBRV | SVM_FEATURE_NRIPS |
			 SVM_FEATURE_FLUSH_ASID | SVM_FEATURE_VGIF);
	vmcb01->save.rax = 0x80000001;
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.gprs[GPR_RCX] & BIT(2));
	/* A VM without nested-svm (fixed when its vCPUs boot): hidden, the leaf reads as zeros. */
	sv.nested.offered = false;
	svm_cpuid_init(&sv);
	vmcb01->save.rax = 0x80000001;
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_false(sv.gprs[GPR_RCX] & BIT(2));
	vmcb01->save.rax = 0x8000000a;
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb01->save.rax, 0);
}

static u64 wrmsr_event(u32 msr, u64 val)
{
	sv.gprs[GPR_RCX] = msr;
	vmcb01->save.rax = (u32)val;
	sv.gprs[GPR_RDX] = val >> 32;
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	run();
	return entry_event[1];
}

static u64 rdmsr_val(u32 msr)
{
	sv.gprs[GPR_RCX] = msr;
	SCRIPT({ SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], 0);
	return (sv.gprs[GPR_RDX] << 32) | (u32)vmcb01->save.rax;
}

static void test_svm_msrs(void **state)
{
	u64 efer = rdmsr_val(MSR_EFER);

	assert_false(efer & EFER_SVME);
	assert_int_equal(wrmsr_event(MSR_EFER, efer | EFER_SVME), 0);
	assert_true(rdmsr_val(MSR_EFER) & EFER_SVME);
	assert_true(vmcb01->save.efer & EFER_SVME);
	assert_int_equal(wrmsr_event(MSR_VM_HSAVE_PA, HSAVE + 8), GP0);
	assert_int_equal(wrmsr_event(MSR_VM_HSAVE_PA, RAM_SIZE), GP0);
	assert_int_equal(wrmsr_event(MSR_VM_HSAVE_PA, 1ULL << 45), GP0);
	assert_int_equal(wrmsr_event(MSR_VM_HSAVE_PA, HSAVE), 0);
	assert_int_equal(rdmsr_val(MSR_VM_HSAVE_PA), HSAVE);
	assert_int_equal(rdmsr_val(MSR_VM_CR), 0);
	/* SVMDIS with SVME on is refused; with SVME off it sticks, and SVME is then refused. */
	assert_int_equal(wrmsr_event(MSR_VM_CR, VM_CR_SVMDIS), GP0);
	assert_int_equal(wrmsr_event(MSR_EFER, efer), 0);
	assert_int_equal(wrmsr_event(MSR_VM_CR, VM_CR_SVMDIS), 0);
	assert_int_equal(wrmsr_event(MSR_EFER, efer | EFER_SVME), GP0);
	/* Not offered: no SVM MSRs, no SVME. */
	sv.nested.offered = false;
	sv.nested.vm_cr = 0;
	assert_int_equal(wrmsr_event(MSR_EFER, efer | EFER_SVME), GP0);
	sv.gprs[GPR_RCX] = MSR_VM_HSAVE_PA;
	SCRIPT({ SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], GP0);
}

/* ---- the faults of the SVM instructions ---- */

static u64 insn_event(u32 exit, u64 rax)
{
	l1_vmrun_at(rax);
	SCRIPT({ exit }, { SVM_EXIT_INTR });
	run();
	return entry_event[1];
}

static void test_svm_insns_fault(void **state)
{
	static const u32 insns[] = { SVM_EXIT_VMRUN, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE,
				     SVM_EXIT_STGI, SVM_EXIT_CLGI, SVM_EXIT_INVLPGA };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(insns); i++)
		assert_int_equal(insn_event(insns[i], V12), UD);	/* EFER.SVME clear */
	l1_enable_svm();
	vmcb01->save.cpl = 3;
	for (i = 0; i < ARRAY_SIZE(insns); i++)
		assert_int_equal(insn_event(insns[i], V12), GP0);	/* CPL > 0 */
	vmcb01->save.cpl = 0;
	assert_int_equal(insn_event(SVM_EXIT_VMRUN, V12 + 0x10), GP0);
	assert_int_equal(insn_event(SVM_EXIT_VMRUN, RAM_SIZE), GP0);
	assert_int_equal(insn_event(SVM_EXIT_VMRUN, 1ULL << 50), GP0);
	assert_int_equal(insn_event(SVM_EXIT_VMLOAD, V12 + 0x800), GP0);
	assert_int_equal(insn_event(SVM_EXIT_VMSAVE, RAM_SIZE + PAGE_SIZE), GP0);
	assert_int_equal(vmcb01->save.rip, CODE);
	assert_false(sv.nested.guest_mode);
	/* No host save area yet: VMRUN cannot save L1. */
	sv.nested.hsave_pa = 0;
	make_v12();
	assert_int_equal(insn_event(SVM_EXIT_VMRUN, V12), GP0);
	/* SKINIT is never offered. */
	l1_enable_svm();
	assert_int_equal(insn_event(SVM_EXIT_SKINIT, V12), UD);
}

/* ---- the error #VMEXIT ---- */

static void expect_error_vmexit(void)
{
	assert_false(sv.nested.guest_mode);
	assert_ptr_equal(sv.vmcb, vmcb01);
	assert_ptr_equal(entered[1], vmcb01);	/* L1 again, never VMCB02 */
	assert_int_equal(v12->control.exit_code, 0xffffffffu);
	assert_int_equal(v12->control.exit_code_hi, 0xffffffffu);
	assert_int_equal(v12->control.exit_info_1, 0);
	assert_int_equal(v12->control.exit_info_2, 0);
	assert_false(sv.gif);
	assert_int_equal(vmcb01->save.rip, CODE + 3);
	assert_int_equal(vmcb01->save.rax, V12);
	assert_int_equal(entry_event[1], 0);
	assert_int_equal(sv.nested.vmcb12_gpa, 0);
}

static void test_vmrun_error_vmexit(void **state)
{
	l1_enable_svm();
	make_v12();
	v12->control.asid = 0;
	v12->control.exit_info_1 = v12->control.exit_info_2 = 0x5a5a;
	v12->save.rip = 0x7777;
	memset(sv.nested.vmcb02, 0xab, PAGE_SIZE);
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	expect_error_vmexit();
	/* Nothing was built, nothing was written back. */
	assert_int_equal(((u8 *)sv.nested.vmcb02)[0], 0xab);
	assert_int_equal(((u8 *)sv.nested.vmcb02)[PAGE_SIZE - 1], 0xab);
	assert_int_equal(v12->save.rip, 0x7777);
	/* The log says which check refused it. */
	assert_non_null(strstr(fake_console, "asid_zero"));
}

/* Legacy PAE: L2's PDPTEs are loaded after the checks, and can fail the VMRUN too. */
static void test_vmrun_error_pdptes(void **state)
{
	u64 *pdpt = vm_gpa_to_hva(vm, 0x40000, 32);

	l1_enable_svm();
	make_v12();
	v12->save.efer = EFER_SVME;
	v12->save.cr0 = X86_CR0_PE | X86_CR0_PG;
	v12->save.cr4 = X86_CR4_PAE;
	v12->save.cs.attrib = SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | 0xb;
	v12->save.cr3 = 0x40000;
	pdpt[0] = 0x41000 | 1;
	pdpt[2] = 0x42000 | 1 | BIT(5);
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	expect_error_vmexit();
	/* A PDPT outside L1's RAM fails as well. */
	v12->save.cr3 = RAM_SIZE - 16;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	expect_error_vmexit();
	/* Fixed, the same L2 runs. */
	pdpt[2] = 0;
	v12->save.cr3 = 0x40000;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
}

/*
 * With nested paging CR3 is an L2 GPA and VMRUN loads no PDPTE (the CPU
 * reads them through the nested translation at each walk): a reserved
 * bit there is L2's #PF later, not a refused VMRUN.
 */
static void test_vmrun_np_loads_no_pdptes(void **state)
{
	u64 *pdpt = vm_gpa_to_hva(vm, 0x40000, 32);

	l1_enable_svm();
	make_v12();
	v12->save.efer = EFER_SVME;
	v12->save.cr0 = X86_CR0_PE | X86_CR0_PG;
	v12->save.cr4 = X86_CR4_PAE;
	v12->save.cs.attrib = SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | 0xb;
	v12->save.cr3 = 0x40000;
	v12->save.g_pat = 0x0007040600070406ULL;
	v12->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	v12->control.nested_cr3 = 0x100000;
	pdpt[2] = 0x42000 | 1 | BIT(5);
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
}

/* The CPU refusing VMCB02 (a check we lack) is L1's error #VMEXIT, not the VM's end. */
static void test_hardware_refuses_vmcb02(void **state)
{
	l1_enable_svm();
	make_v12();
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { 0xffffffffu }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_ptr_equal(entered[1], sv.nested.vmcb02);
	assert_ptr_equal(entered[2], vmcb01);
	assert_int_equal(v12->control.exit_code_hi, 0xffffffffu);
	assert_int_equal(sv.final_exit, 0);
	assert_false(sv.gif);
}

/* ---- a successful VMRUN and the #VMEXIT ---- */

static void test_vmcb02_built(void **state)
{
	struct vmcb *v02 = sv.nested.vmcb02;

	l1_enable_svm();
	make_v12();
	v12->control.intercept_exceptions = BIT(14);
	v12->control.event_inj = 0x40 | EVTINJ_TYPE_INTR | EVTINJ_VALID;
	vmcb01->control.tsc_offset = 50;
	vmcb01->save.fs.base = 0xf5;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
	assert_ptr_equal(entered[1], v02);
	assert_int_equal(entry_event[1], 0x40 | EVTINJ_TYPE_INTR | EVTINJ_VALID);
	/* L1's intercepts and L0's. */
	assert_true(v02->control.intercept_misc2 & INTERCEPT2_VMMCALL);
	assert_true(v02->control.intercept_misc1 & INTERCEPT_CPUID);
	assert_true(v02->control.intercept_misc1 & INTERCEPT_INTR);
	assert_int_equal(v02->control.intercept_exceptions, BIT(14));
	assert_int_equal(v02->control.asid, 2);
	assert_int_equal(v02->control.tsc_offset, 1050);
	assert_int_equal(v02->control.nested_ctl, NESTED_CTL_NP_ENABLE);
	assert_int_equal(v02->control.nested_cr3, vmcb01->control.nested_cr3);
	assert_int_equal(v02->control.msrpm_base_pa, (u64)(uintptr_t)sv.nested.msrpm02);
	assert_int_equal(v02->control.iopm_base_pa, vmcb01->control.iopm_base_pa);
	assert_true(v02->control.int_ctl & V_INTR_MASKING);
	assert_int_equal(v02->save.rip, L2_RIP);
	assert_int_equal(v02->save.rax, 0x1234);
	assert_int_equal(v02->save.cr3, v12->save.cr3);
	assert_int_equal(v02->save.fs.base, 0xf5);	/* VMRUN does not load FS */
	assert_true(sv.gif);
	/* A new L1 ASID flushes the L2 ASID. */
	assert_int_equal(entry_tlb[1], TLB_CONTROL_FLUSH_ALL_ASID);
}

static void l2_sets_state(void)
{
	sv.nested.vmcb02->save.rip = L2_RIP + 0x10;
	sv.nested.vmcb02->save.rax = 0xbeef;
	sv.nested.vmcb02->save.cr2 = 0xc2;
	sv.nested.vmcb02->save.fs.base = 0xf2;
	sv.gprs[GPR_RBX] = 0xb2;
}

static void test_reflected_exit(void **state)
{
	u64 intinfo = 0x41 | EVTINJ_TYPE_INTR | EVTINJ_VALID;

	assert_int_equal(vm_write_guest(vm, L2_RIP + 0x10, (u8[]){ 0x2e, 0x0f, 0xa2 }, 3), 0);
	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_CPUID;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID, 7, 9, intinfo, .guest = l2_sets_state },
	       { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_false(sv.nested.guest_mode);
	assert_ptr_equal(entered[2], vmcb01);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_CPUID);
	assert_int_equal(v12->control.exit_code_hi, 0);
	assert_int_equal(v12->control.exit_info_1, 7);
	assert_int_equal(v12->control.exit_info_2, 9);
	assert_int_equal(v12->control.exit_int_info, intinfo);
	/* NRIPS: the CPUID at L2's RIP, CS-prefixed, decoded (the fake CPU has no NRIPS). */
	assert_int_equal(v12->control.next_rip, L2_RIP + 0x13);
	/* The interrupted event is L1's to deliver again, not L0's. */
	assert_int_equal(entry_event[2], 0);
	assert_int_equal(v12->save.rip, L2_RIP + 0x10);
	assert_int_equal(v12->save.rax, 0xbeef);
	assert_int_equal(v12->save.cr2, 0xc2);
	/* L1 is back after its VMRUN, GIF clear, with L2's GPRs and VMLOAD state. */
	assert_int_equal(vmcb01->save.rip, CODE + 3);
	assert_int_equal(vmcb01->save.rax, V12);
	assert_int_equal(vmcb01->save.fs.base, 0xf2);
	assert_int_equal(sv.gprs[GPR_RBX], 0xb2);
	assert_false(sv.gif);
	assert_int_equal(vmcb01->save.dr7, 0x400);
}

static void test_l0_handles_what_l1_leaves(void **state)
{
	struct vmcb *v02 = sv.nested.vmcb02;

	l1_enable_svm();
	make_v12();
	l1_vmrun_at(V12);
	/* CPUID not intercepted by L1: L0's model answers L2, and L2 goes on. */
	v12->save.rax = 0x40000000;
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
	assert_ptr_equal(entered[2], v02);
	assert_int_equal(v02->save.rax, CPUID_HV_MAX);
	assert_int_equal(v02->save.rip, L2_RIP + 2);
	/* VMMCALL that L1 does not intercept: #UD in L2 (hypercalls are L1's). */
	v02->control.intercept_misc2 &= ~INTERCEPT2_VMMCALL;
	sv.nested.cache->control.intercept_misc2 &= ~INTERCEPT2_VMMCALL;
	SCRIPT({ SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], UD);
	assert_ptr_equal(entered[1], v02);
	/* SKINIT of L2's that L1 does not intercept: #UD (not offered). */
	SCRIPT({ SVM_EXIT_SKINIT }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], UD);
	/* ...unless L1 intercepts #UD: then L1 gets the exception exit. */
	sv.nested.cache->control.intercept_exceptions = BIT(6);
	SCRIPT({ SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_false(sv.nested.guest_mode);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_EXCP_BASE + 6);
	assert_int_equal(entry_event[1], 0);
	/* Physical interrupts and NPFs are L0's: no #VMEXIT for them. */
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_INTR;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
}

static void test_io_and_msr_maps(void **state)
{
	u8 *iopm = vm_gpa_to_hva(vm, IOPM12, IOPM_SIZE), *msrpm = vm_gpa_to_hva(vm, MSRPM12, 8192);
	u32 byte, shift;

	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT;
	iopm[0x3f8 / 8] = 1 << (0x3f8 % 8);
	assert_int_equal(svm_msrpm_offset(MSR_STAR, &byte, &shift), 0);
	msrpm[byte] = 1 << shift;
	l1_vmrun_at(V12);
	/* Port 0x21 is clear in L1's map: L0's 8259 answers in place. A word at 0x3f7 is not. */
	SCRIPT({ SVM_EXIT_VMRUN },
	       { SVM_EXIT_IOIO, IOIO(0x21, IOIO_SZ8 | IOIO_TYPE_IN), L2_RIP + 1 },
	       { SVM_EXIT_IOIO, IOIO(0x3f7, IOIO_SZ16), L2_RIP + 2 }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[2], sv.nested.vmcb02);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_IOIO);
	assert_int_equal(v12->control.exit_info_1, IOIO(0x3f7, IOIO_SZ16));
	assert_int_equal(v12->control.exit_info_2, L2_RIP + 2);
	/* The merged MSR map: STAR's read bit from L1's map, its write bit still clear. */
	assert_true(sv.nested.msrpm02[byte] & (1 << shift));
	assert_false(sv.nested.msrpm02[byte] & (2 << shift));
	/* RDMSR STAR exits to L1; an MSR outside the map's ranges always does. */
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_MSR_PROT;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_MSR, 0, .guest = NULL }, { SVM_EXIT_INTR });
	sv.gprs[GPR_RCX] = MSR_STAR;
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_MSR);
	sv.gprs[GPR_RCX] = 0x40000000;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_MSR);
	assert_int_equal(v12->control.exit_info_1, 1);
	/* L1 cleared the bit: the next VMRUN's merge clears it too. */
	msrpm[byte] = 0;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_false(sv.nested.msrpm02[byte] & (3 << shift));
}

/* ---- interrupts and GIF ---- */

static void test_gif_holds_interrupts(void **state)
{
	l1_enable_svm();
	vmcb01->save.rflags = 0x202;
	SCRIPT({ SVM_EXIT_CLGI }, { SVM_EXIT_INTR });
	run();
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);	/* GIF=0: held, though IF=1 */
	assert_int_equal(vmcb01->save.rip, CODE + 3);
	SCRIPT({ SVM_EXIT_STGI }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], 0x30 | EVTINJ_TYPE_INTR | EVTINJ_VALID);
	svm.plat.intr = 0;
}

#define L1_INJECTED	(0x44 | EVTINJ_TYPE_INTR | EVTINJ_VALID)

static void test_intr_reflected_to_l1(void **state)
{
	unsigned int kicks;

	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_INTR;
	v12->control.event_inj = L1_INJECTED;
	/*
	 * L1 runs L2 with IF=1 (V_INTR_MASKING: L1's IF gates its
	 * interrupts) and GIF=0, as a hypervisor does around VMRUN.
	 */
	vmcb01->save.rflags = 0x202;
	sv.gif = false;
	svm.plat.intr = 1;
	l1_vmrun_at(V12);
	kicks = fake_kicks[cpu_id()];
	/* The first delivery is interrupted (EXITINTINFO), the second is not. */
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR, .intinfo = L1_INJECTED });
	run();
	/*
	 * VMRUN delivers L1's injection before it takes the interrupt: L2 is
	 * entered with it and a kick of L0's own, pending across the entry,
	 * which makes the CPU exit right after the delivery.
	 */
	assert_ptr_equal(entered[1], sv.nested.vmcb02);
	assert_int_equal(entry_event[1], L1_INJECTED);
	assert_int_equal(fake_kicks[cpu_id()], kicks + 1);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[0], sv.nested.vmcb02);
	assert_int_equal(entry_event[0], L1_INJECTED);
	assert_int_equal(fake_kicks[cpu_id()], kicks + 2);
	/* Delivered: the next entry reflects the interrupt, nothing in flight. */
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[0], vmcb01);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_INTR);
	assert_int_equal(v12->control.exit_int_info, 0);
	/* L1 has GIF=0: the interrupt waits for its STGI. */
	assert_int_equal(entry_event[0], 0);
	SCRIPT({ SVM_EXIT_STGI }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], 0x30 | EVTINJ_TYPE_INTR | EVTINJ_VALID);
	/* L1 with IF=0: no exit, and L2 does not get L1's interrupt either. */
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_INTR;
	vmcb01->save.rflags = 0x2;
	svm.plat.intr = 1;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[1], sv.nested.vmcb02);
	assert_int_equal(entry_event[1], 0);
	svm.plat.intr = 0;
}

/* L2 halts with IF=0 while L1 intercepts INTR: a wait for L1's interrupt, not the VM's end. */
static void test_l2_hlt_waits_for_l1_interrupt(void **state)
{
	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_INTR;
	vmcb01->save.rflags = 0x202;
	sv.gif = false;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_HLT });
	assert_int_equal(run(), VCPU_BLOCK);
	assert_int_equal(sv.nested.vmcb02->save.rip, L2_RIP + 1);
	assert_false(svm_has_deliverable_interrupt(&sv));
	svm.plat.intr = 1;
	assert_true(svm_has_deliverable_interrupt(&sv));
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[0], vmcb01);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_INTR);
	assert_int_equal(v12->save.rip, L2_RIP + 1);
	svm.plat.intr = 0;
}

/* ---- the features of CPUID 0x8000000a EDX ---- */

static void l2_next_rip_from_cpu(void)
{
	sv.nested.vmcb02->control.next_rip = L2_RIP + 7;
}

/* NRIPS: decoded, the CPU's where it has NRIPS, EXITINFO2 for IOIO, 0 on other exits. */
static void test_next_rip(void **state)
{
	l1_enable_svm();
	assert_int_equal(vm_write_guest(vm, L2_RIP, (u8[]){ 0x3e, 0x48, 0x0f, 0x32 }, 4), 0);
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_MSR_PROT;
	sv.gprs[GPR_RCX] = 0x40000000;		/* outside the map: always L1's */
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_MSR);
	assert_int_equal(v12->control.next_rip, L2_RIP + 4);
	/* IOIO: the next RIP the CPU gives in EXITINFO2. */
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_IOIO_PROT;
	memset(vm_gpa_to_hva(vm, IOPM12, IOPM_SIZE), 0xff, IOPM_SIZE);
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_IOIO, IOIO(0x80, IOIO_SZ8), L2_RIP + 2 },
	       { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_IOIO);
	assert_int_equal(v12->control.next_rip, L2_RIP + 2);
	/* An exception exit saves none. */
	make_v12();
	v12->control.intercept_exceptions = BIT(13);
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_EXCP_BASE + 13 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_EXCP_BASE + 13);
	assert_int_equal(v12->control.next_rip, 0);
	/* With the CPU's NRIPS, its next_rip is passed on as it is. */
	svm_caps.nrips = true;
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_MSR_PROT;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_MSR, 0, .guest = l2_next_rip_from_cpu },
	       { SVM_EXIT_INTR });
	run();
	svm_caps.nrips = false;
	assert_int_equal(v12->control.next_rip, L2_RIP + 7);
}

/* DecodeAssists: offered only with the CPU's, then its bytes are passed on. */
static void l2_decode_assists(void)
{
	sv.nested.vmcb02->control.next_rip = L2_RIP + 2;
	sv.nested.vmcb02->control.insn_len = 2;
	sv.nested.vmcb02->control.insn_bytes[0] = 0x0f;
}

static void test_decode_assists_follow_the_cpu(void **state)
{
	struct svm_caps old = svm_caps;
	struct cpuid_regs r;

	svm_caps.nrips = true;
	sv.nested.limits.svm_features |= SVM_FEATURE_DECODE;
	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_CPUID;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID, .guest = l2_decode_assists },
	       { SVM_EXIT_INTR });
	run();
	svm_caps = old;
	assert_int_equal(v12->control.insn_len, 2);
	assert_int_equal(v12->control.insn_bytes[0], 0x0f);
	/* The table: DecodeAssists appears with the host's bit, the others always. */
	assert_int_equal(cpuid_nested_svm_features(SVM_FEATURE_DECODE) & SVM_FEATURE_DECODE,
			 SVM_FEATURE_DECODE);
	assert_int_equal(cpuid_nested_svm_features(0) & SVM_FEATURE_DECODE, 0);
	assert_int_equal(cpuid_nested_svm_features(0) & SVM_FEATURE_NRIPS, SVM_FEATURE_NRIPS);
	(void)r;
}

#define L1_VIRQ		(V_IRQ | V_IGN_TPR | (0x41ULL << V_INTR_VECTOR_SHIFT))

/* vGIF: L2's CLGI/STGI toggle V_GIF, which holds L1's V_IRQ, and goes back in VMCB12. */
static void test_vgif(void **state)
{
	l1_enable_svm();
	make_v12();
	v12->control.int_ctl |= V_GIF_ENABLE | V_GIF | L1_VIRQ;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CLGI }, { SVM_EXIT_STGI }, { SVM_EXIT_CLGI },
	       { SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_int_ctl[1] & V_IRQ_INJECTION_BITS, L1_VIRQ);
	assert_int_equal(entry_int_ctl[2] & V_IRQ, 0);	/* V_GIF clear: held */
	assert_int_equal(entry_int_ctl[3] & V_IRQ_INJECTION_BITS, L1_VIRQ);
	assert_int_equal(entry_int_ctl[4] & V_IRQ, 0);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_VMMCALL);
	assert_int_equal(v12->control.int_ctl & V_GIF, 0);
	assert_int_equal(v12->control.int_ctl & V_IRQ, V_IRQ);	/* still L1's request */
	/* L1 intercepting CLGI gets it, V_GIF as it was. */
	make_v12();
	v12->control.int_ctl |= V_GIF_ENABLE | V_GIF;
	v12->control.intercept_misc2 |= INTERCEPT2_CLGI;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CLGI }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_CLGI);
	assert_int_equal(v12->control.int_ctl & V_GIF, V_GIF);
}

static void l2_takes_virq(void)
{
	sv.nested.vmcb02->control.int_ctl &= ~V_IRQ;
}

/* The CPU's consumption of L1's V_IRQ reaches VMCB12. */
static void test_virq_consumed(void **state)
{
	l1_enable_svm();
	make_v12();
	v12->control.int_ctl |= L1_VIRQ;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID, .guest = l2_takes_virq },
	       { SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_int_ctl[2] & V_IRQ, 0);
	assert_int_equal(v12->control.int_ctl & V_IRQ, 0);
}

/* LBR virtualization: DEBUGCTL and the records from VMCB12, back into it; L1's kept. */
static void test_lbr_virtualization(void **state)
{
	struct vmcb *v02 = sv.nested.vmcb02;

	l1_enable_svm();
	vmcb01->save.dbgctl = 2;
	make_v12();
	v12->control.virt_ext = VIRT_EXT_LBR_CTL_ENABLE;
	v12->save.dbgctl = 1 | BIT(40);		/* reserved bit: dropped */
	v12->save.br_from = 0x77;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(v02->save.dbgctl == 1 && v02->save.br_from == 0x77);
	assert_int_equal(svm_msr_write(&sv, MSR_DEBUGCTL, 4), 0);	/* L2's WRMSR, L0's */
	SCRIPT({ SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->save.dbgctl, 4);
	assert_int_equal(v12->save.br_from, 0x77);
	assert_int_equal(vmcb01->save.dbgctl, 2);
	/* Without it L2 runs on L1's, and what it wrote is L1's. */
	make_v12();
	v12->save.dbgctl = 1;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v02->save.dbgctl, 2);
	assert_int_equal(svm_msr_write(&sv, MSR_DEBUGCTL, 8), 0);
	SCRIPT({ SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb01->save.dbgctl, 8);
	assert_int_equal(v12->save.dbgctl, 1);
}

/* TLB_CONTROL 3 and 7 are accepted and flush L2's ASID. */
static void test_flush_by_asid(void **state)
{
	u8 t[] = { TLB_CONTROL_FLUSH_ASID, TLB_CONTROL_FLUSH_ASID_LOCAL };
	unsigned int i;

	l1_enable_svm();
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		make_v12();
		l1_vmrun_at(V12);
		SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
		run();
		make_v12();
		v12->control.tlb_control = t[i];
		l1_vmrun_at(V12);
		SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
		run();
		assert_int_equal(v12->control.exit_code, SVM_EXIT_VMMCALL);
		assert_int_equal(entry_tlb[1], TLB_CONTROL_FLUSH_ALL_ASID);
	}
}

/* The SVM instructions of L2 that L1 does not intercept, as the CPU runs them there. */
static void test_svm_insns_of_l2(void **state)
{
	struct vmcb *area = vm_gpa_to_hva(vm, SAVE_AREA, PAGE_SIZE);
	struct vmcb *v02 = sv.nested.vmcb02;

	l1_enable_svm();
	make_v12();
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	/* VMLOAD from L1's page at L2's rAX, into L2's state. */
	assert_int_equal(vm_write_guest(vm, L2_RIP, (u8[]){ 0x2e, 0x0f, 0x01, 0xda }, 4), 0);
	area->save.kernel_gs_base = 0x99;
	v02->save.rax = SAVE_AREA;
	SCRIPT({ SVM_EXIT_VMLOAD }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
	assert_int_equal(v02->save.kernel_gs_base, 0x99);
	assert_int_equal(v02->save.rip, L2_RIP + 4);	/* the prefix counted */
	/* CLGI without vGIF: the GIF, as the CPU's; STGI sets it again. */
	SCRIPT({ SVM_EXIT_CLGI }, { SVM_EXIT_STGI }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.gif);
	/* INVLPGA flushes L2's ASID. */
	SCRIPT({ SVM_EXIT_INVLPGA }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_tlb[1], TLB_CONTROL_FLUSH_ALL_ASID);
	/* #GP at CPL 3, #UD with L2's EFER.SVME clear; VMRUN and SKINIT #UD. */
	v02->save.cpl = 3;
	SCRIPT({ SVM_EXIT_VMSAVE }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], GP0);
	v02->save.cpl = 0;
	v02->save.efer &= ~EFER_SVME;
	SCRIPT({ SVM_EXIT_STGI }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], UD);
	/* VMRUN: L1 intercepts it (a VMRUN check), so it is always reflected. */
	v02->save.efer |= EFER_SVME;
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_false(sv.nested.guest_mode);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_VMRUN);
}

/*
 * L1's interrupt while L2 runs with IF=0 and no V_INTR_MASKING: L0's
 * window in VMCB02 (over L1's V_IRQ), its VINTR exit is L0's, then the
 * interrupt goes into L2 and L1's V_IRQ request is back.
 */
static void test_window_in_guest_mode(void **state)
{
	struct vmcb *v02 = sv.nested.vmcb02;

	l1_enable_svm();
	make_v12();
	v12->control.int_ctl = L1_VIRQ;
	v12->control.intercept_misc1 = INTERCEPT_VINTR;
	v12->save.rflags = 0x2;
	l1_vmrun_at(V12);
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_VINTR }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[1], v02);
	assert_int_equal(entry_event[1], 0);
	assert_int_equal(entry_int_ctl[1] & (V_IRQ | V_IGN_TPR), V_IRQ | V_IGN_TPR);
	assert_int_equal(entry_int_ctl[1] & V_INTR_VECTOR_MASK, 0);	/* L0's, not L1's */
	assert_true(entry_misc1[1] & INTERCEPT_VINTR);
	/* The VINTR exit was L0's window: not reflected, though L1 intercepts VINTR. */
	assert_true(sv.nested.guest_mode);
	v02->save.rflags = 0x202;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0x30 | EVTINJ_TYPE_INTR | EVTINJ_VALID);
	assert_int_equal(entry_int_ctl[0] & V_IRQ_INJECTION_BITS, L1_VIRQ);
	svm.plat.intr = 0;
	/* Held by L1's IF (V_INTR_MASKING): no window, L2 could not lift it. */
	make_v12();
	v12->save.rflags = 0x202;
	vmcb01->save.rflags = 0x2;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	svm.plat.intr = 1;
	run();
	assert_int_equal(entry_event[1], 0);
	assert_int_equal(entry_int_ctl[1] & V_IRQ, 0);
	svm.plat.intr = 0;
}

/* NMIs while L2 runs: L1's exit if it intercepts NMI, else into L2. */
static void test_nmi_in_guest_mode(void **state)
{
	l1_enable_svm();
	make_v12();
	v12->control.intercept_misc1 = INTERCEPT_NMI;
	l1_vmrun_at(V12);
	sv.gif = false;		/* as a hypervisor runs VMRUN: the NMI waits for it */
	vlapic_post_nmi(&sv.lapic);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[1], vmcb01);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_NMI);
	assert_int_equal(entry_event[1], 0);	/* GIF=0 after the #VMEXIT: held */
	SCRIPT({ SVM_EXIT_STGI }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], 2 | EVTINJ_TYPE_NMI | EVTINJ_VALID);
	/* Not intercepted: L2 takes it (L1's handler has returned). */
	sv.nmi_masked = sv.awaiting_iret = false;
	make_v12();
	l1_vmrun_at(V12);
	sv.gif = false;
	vlapic_post_nmi(&sv.lapic);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[1], sv.nested.vmcb02);
	assert_int_equal(entry_event[1], 2 | EVTINJ_TYPE_NMI | EVTINJ_VALID);
	/* V_GIF clear holds it. */
	make_v12();
	v12->control.int_ctl |= V_GIF_ENABLE;
	sv.nmi_masked = sv.awaiting_iret = false;
	l1_vmrun_at(V12);
	sv.gif = false;
	vlapic_post_nmi(&sv.lapic);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], 0);
}

/* The host save area is never written: the state stays in VMCB01 (README). */
static void test_hsave_untouched(void **state)
{
	u8 *h = vm_gpa_to_hva(vm, HSAVE, PAGE_SIZE);
	unsigned int i;

	memset(h, 0xa5, PAGE_SIZE);
	l1_enable_svm();
	make_v12();
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_VMMCALL);
	for (i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(h[i], 0xa5);
}

/* ---- VMLOAD, VMSAVE, INVLPGA ---- */

static void test_vmload_vmsave_invlpga(void **state)
{
	struct vmcb *area = vm_gpa_to_hva(vm, SAVE_AREA, PAGE_SIZE);

	l1_enable_svm();
	vmcb01->save.kernel_gs_base = 0x4b;
	vmcb01->save.tr.selector = 0x20;
	SCRIPT({ SVM_EXIT_VMSAVE }, { SVM_EXIT_INTR });
	l1_vmrun_at(SAVE_AREA);
	run();
	assert_int_equal(area->save.kernel_gs_base, 0x4b);
	assert_int_equal(area->save.tr.selector, 0x20);
	area->save.lstar = 0x15;
	l1_vmrun_at(SAVE_AREA);
	SCRIPT({ SVM_EXIT_VMLOAD }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb01->save.lstar, 0x15);
	assert_int_equal(vmcb01->save.rip, CODE + 3);
	SCRIPT({ SVM_EXIT_INVLPGA }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_tlb[1], TLB_CONTROL_FLUSH_ALL_ASID);
}

#define NCR3		0x100000ULL
#define PAT_RESET	0x0007040600070406ULL
#define L1_PAGE		0x200000ULL

/* L1's nested table: L2 GPA 1 GiB -> L1 GPA 2 MiB (4 KiB), the page after it not present. */
static u64 *build_l1_npt(void)
{
	u64 *t = vm_gpa_to_hva(vm, NCR3, 4 * PAGE_SIZE);

	memset(t, 0, 4 * PAGE_SIZE);
	t[0] = (NCR3 + 0x1000) | 7;
	t[512 + 1] = (NCR3 + 0x2000) | 7;
	t[1024] = (NCR3 + 0x3000) | 7;
	t[1536] = L1_PAGE | 7;
	return t + 1536;
}

/*
 * Nested NPT through the run loop: VMRUN with NP puts VMCB02 on the
 * shadow; an #NPF that L1's table allows fills it (with L1's A and D
 * set) and L2 resumes; one that L1's table refuses is L1's #VMEXIT(NPF);
 * TLB_CONTROL at the next VMRUN empties the shadow.
 */
static void test_nested_npt(void **state)
{
	struct vmcb *v02 = sv.nested.vmcb02;
	u64 *pte = build_l1_npt(), size;
	paddr_t hpa;

	svm.npt_root = page_alloc();
	assert_int_equal(npt_map(svm.npt_root, 0, (paddr_t)(uintptr_t)vm_gpa_to_hva(vm, 0,
				 RAM_SIZE), RAM_SIZE), 0);
	l1_enable_svm();
	make_v12();
	v12->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	v12->control.nested_cr3 = NCR3;
	v12->save.g_pat = PAT_RESET;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN },
	       { SVM_EXIT_NPF, NPF_USER | NPF_WRITE | NPF_FINAL_GPA, 0x40000123 },
	       { SVM_EXIT_NPF, NPF_USER | NPF_FINAL_GPA, 0x40001008 }, { SVM_EXIT_INTR });
	run();
	assert_ptr_equal(entered[1], v02);
	assert_int_equal(v02->control.nested_ctl, NESTED_CTL_NP_ENABLE);
	assert_int_equal(v02->control.nested_cr3, (u64)(uintptr_t)sv.nested.npt.pool);
	assert_int_equal(v02->save.g_pat, PAT_RESET);
	assert_int_equal(npt_lookup(sv.nested.npt.pool, 0x40000123, &hpa, &size), 0);
	assert_ptr_equal((void *)(uintptr_t)hpa, vm_gpa_to_hva(vm, L1_PAGE + 0x123, 1));
	assert_int_equal(size, PAGE_SIZE);
	assert_int_equal(*pte, L1_PAGE | 7 | BIT(5) | BIT(6));	/* A and D: a write */
	assert_ptr_equal(entered[2], v02);
	assert_false(sv.nested.guest_mode);
	assert_ptr_equal(entered[3], vmcb01);
	assert_int_equal(v12->control.exit_code, SVM_EXIT_NPF);
	assert_int_equal(v12->control.exit_info_1, NPF_USER | NPF_FINAL_GPA);
	assert_int_equal(v12->control.exit_info_2, 0x40001008);
	assert_int_equal(v12->save.g_pat, PAT_RESET);	/* L2's G_PAT saved back */
	v12->control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(npt_lookup(sv.nested.npt.pool, 0x40000123, &hpa, &size), -ENOENT);
	npt_free(svm.npt_root);
	svm.npt_root = NULL;
}

/*
 * next_rip with nested paging: the fetch memo keeps L1's nested-table
 * entries too, so remapping L2's code page in L1's table (nothing else
 * changes) makes the next exit decode the new page's instruction.
 */
static void test_next_rip_through_nested_npt(void **state)
{
	u64 *pte = build_l1_npt();

	svm.npt_root = page_alloc();
	assert_int_equal(npt_map(svm.npt_root, 0, (paddr_t)(uintptr_t)vm_gpa_to_hva(vm, 0,
				 RAM_SIZE), RAM_SIZE), 0);
	assert_int_equal(vm_write_guest(vm, L1_PAGE, (u8[]){ 0x2e, 0x0f, 0xa2 }, 3), 0);
	assert_int_equal(vm_write_guest(vm, L1_PAGE + 0x3000, (u8[]){ 0x0f, 0xa2 }, 2), 0);
	l1_enable_svm();
	make_v12();
	v12->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	v12->control.nested_cr3 = NCR3;
	v12->control.intercept_misc1 = INTERCEPT_CPUID;
	v12->save.g_pat = PAT_RESET;
	/* 32-bit protected mode without paging: L2's RIP is its GPA, 1 GiB. */
	v12->save.efer = EFER_SVME;
	v12->save.cr0 = X86_CR0_PE | X86_CR0_ET;
	v12->save.cr4 = 0;
	v12->save.cr3 = 0;
	v12->save.cs.attrib = SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | 0xb;
	v12->save.cs.base = 0;
	v12->save.rip = 0x40000000;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.exit_code, SVM_EXIT_CPUID);
	assert_int_equal(v12->control.next_rip, 0x40000003);
	*pte = (L1_PAGE + 0x3000) | 7;
	v12->save.rip = 0x40000000;
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(v12->control.next_rip, 0x40000002);
	npt_free(svm.npt_root);
	svm.npt_root = NULL;
}

/* A reboot leaves guest mode: the vCPU starts again as L1 on VMCB01. */
static void test_reset_leaves_guest_mode(void **state)
{
	l1_enable_svm();
	make_v12();
	l1_vmrun_at(V12);
	SCRIPT({ SVM_EXIT_VMRUN }, { SVM_EXIT_INTR });
	run();
	assert_true(sv.nested.guest_mode);
	svm_nested_reset(&sv);
	assert_false(sv.nested.guest_mode);
	assert_ptr_equal(sv.vmcb, vmcb01);
	assert_int_equal(sv.vmcb_pa, (paddr_t)(uintptr_t)vmcb01);
	assert_true(sv.gif);
	assert_false(sv.nested.efer_svme);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_next_rip),
		T(test_next_rip_through_nested_npt),
		T(test_decode_assists_follow_the_cpu),
		T(test_vgif),
		T(test_virq_consumed),
		T(test_lbr_virtualization),
		T(test_flush_by_asid),
		T(test_svm_insns_of_l2),
		T(test_window_in_guest_mode),
		T(test_nmi_in_guest_mode),
		T(test_hsave_untouched),
		T(test_cpuid_offers_svm),
		T(test_svm_msrs),
		T(test_svm_insns_fault),
		T(test_vmrun_error_vmexit),
		T(test_vmrun_error_pdptes),
		T(test_vmrun_np_loads_no_pdptes),
		T(test_hardware_refuses_vmcb02),
		T(test_vmcb02_built),
		T(test_reflected_exit),
		T(test_l0_handles_what_l1_leaves),
		T(test_io_and_msr_maps),
		T(test_gif_holds_interrupts),
		T(test_intr_reflected_to_l1),
		T(test_l2_hlt_waits_for_l1_interrupt),
		T(test_vmload_vmsave_invlpga),
		T(test_reset_leaves_guest_mode),
		T(test_nested_npt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
