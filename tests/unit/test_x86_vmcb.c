/* SOURCES: arch/x86/svm/vmcb.c arch/x86/svm/regs.c arch/x86/gwalk.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/cpu.h>
#include <asm/gwalk.h>
#include <asm/svm.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <string.h>

/*
 * The VMCB the hypervisor builds: the permission maps, the intercepts,
 * and the start state of each boot mode, checked against what VMRUN's
 * consistency checks and the boot protocols require.
 */

void *page_alloc_contig(size_t npages, u64 align)
{
	void *p;

	if (posix_memalign(&p, 4096, npages * 4096))
		return NULL;
	return memset(p, 0x5a, npages * 4096);	/* not zero: the maps must be filled */
}

#define RAM_SIZE	(32u << 20)
#define MSR_STAR	0xc0000081u

static struct vm vm;
static struct vcpu vcpu;
static struct svm_vm svm;
static struct svm_vcpu sv;
static struct vmcb *vmcb;
static u8 *ram;
static bool maps_ready;

static int setup(void **state)
{
	if (!maps_ready) {
		assert_int_equal(svm_permission_maps_init(), 0);
		maps_ready = true;
	}
	ram = calloc(1, RAM_SIZE);
	vmcb = calloc(1, sizeof(*vmcb));
	memset(&vm, 0, sizeof(vm));
	vm.regions[0] = (struct vm_region){ .gpa = 0, .size = RAM_SIZE, .kind = VM_REGION_RAM,
					    .hva = ram };
	vm.nr_regions = 1;
	vcpu = (struct vcpu){ .vm = &vm };
	svm = (struct svm_vm){ .asid = 5, .npt_root = (u64 *)0x123000 };
	sv = (struct svm_vcpu){ .vmcb = vmcb, .vcpu = &vcpu, .svm = &svm };
	svm_vmcb_init(&sv);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	free(vmcb);
	return 0;
}

static bool msr_intercepted(u32 msr, bool write)
{
	const u8 *pm = (const u8 *)(uintptr_t)vmcb->control.msrpm_base_pa;
	u32 byte, shift;

	if (svm_msrpm_offset(msr, &byte, &shift))
		return true;
	return pm[byte] & (1u << (shift + write));
}

static void test_msrpm_layout(void **state)
{
	u32 byte, shift;

	/* APM vol. 2, 15.11: three ranges of 2 KiB, two bits per MSR. */
	assert_int_equal(svm_msrpm_offset(0, &byte, &shift), 0);
	assert_int_equal(byte, 0);
	assert_int_equal(shift, 0);
	assert_int_equal(svm_msrpm_offset(0x1fff, &byte, &shift), 0);
	assert_int_equal(byte, 0x7ff);
	assert_int_equal(shift, 6);
	assert_int_equal(svm_msrpm_offset(0xc0000080, &byte, &shift), 0);
	assert_int_equal(byte, 0x820);
	assert_int_equal(shift, 0);
	assert_int_equal(svm_msrpm_offset(0xc0010117, &byte, &shift), 0);
	assert_int_equal(byte, 0x1045);
	assert_int_equal(shift, 6);
	assert_int_equal(svm_msrpm_offset(0x2000, &byte, &shift), -ERANGE);
	assert_int_equal(svm_msrpm_offset(0xc0002000, &byte, &shift), -ERANGE);
	assert_int_equal(svm_msrpm_offset(0xc0012000, &byte, &shift), -ERANGE);
}

static void test_permission_maps(void **state)
{
	const u8 *iopm = (const u8 *)(uintptr_t)vmcb->control.iopm_base_pa;
	unsigned int i;

	for (i = 0; i < IOPM_SIZE; i++)
		if (iopm[i] != 0xff)
			fail_msg("IOPM byte %#x is %#x: a port is not intercepted", i, iopm[i]);
	/* VMLOAD/VMSAVE state passes; everything else is intercepted, both ways. */
	assert_false(msr_intercepted(MSR_FS_BASE, false));
	assert_false(msr_intercepted(MSR_GS_BASE, true));
	assert_false(msr_intercepted(MSR_KERNEL_GS_BASE, true));
	assert_false(msr_intercepted(MSR_STAR, true));
	assert_false(msr_intercepted(0x174, true));
	assert_true(msr_intercepted(MSR_EFER, false));
	assert_true(msr_intercepted(MSR_EFER, true));
	assert_true(msr_intercepted(MSR_TSC, false));
	assert_true(msr_intercepted(MSR_PAT, true));
	assert_true(msr_intercepted(MSR_APIC_BASE, true));
	assert_true(msr_intercepted(MSR_VM_HSAVE_PA, false));
	assert_true(msr_intercepted(0x0, false));
	assert_true(msr_intercepted(0xc0011fff, true));
}

static void test_intercepts(void **state)
{
	const struct vmcb_control *c = &vmcb->control;
	u32 want1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_CPUID | INTERCEPT_HLT |
		    INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT | INTERCEPT_SHUTDOWN | INTERCEPT_INVD;
	u32 want2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL | INTERCEPT2_VMLOAD |
		    INTERCEPT2_VMSAVE | INTERCEPT2_STGI | INTERCEPT2_CLGI | INTERCEPT2_SKINIT;

	assert_int_equal(c->intercept_misc1 & want1, want1);
	assert_int_equal(c->intercept_misc2 & want2, want2);
	/* Exceptions and CR accesses stay the guest's (NPT). */
	assert_int_equal(c->intercept_exceptions, 0);
	assert_int_equal(c->intercept_cr, 0);
	assert_int_equal(c->asid, 5);
	assert_int_equal(c->nested_ctl, NESTED_CTL_NP_ENABLE);
	assert_int_equal(c->nested_cr3, 0x123000);
	assert_int_equal(c->int_ctl, V_INTR_MASKING);
	assert_true(sv.flush_tlb);
}

/* What VMRUN checks of CR0, EFER and CS (APM 15.5.1), as predicates. */
static void assert_vmrun_consistent(const struct vmcb_save *s)
{
	assert_true(s->efer & EFER_SVME);
	assert_false((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD));
	assert_int_equal(s->cr0 >> 32, 0);
	assert_false((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG) && !(s->cr4 & X86_CR4_PAE));
	assert_false((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG) && (s->cs.attrib & SEG_ATTR_L) &&
		     (s->cs.attrib & SEG_ATTR_DB));
	assert_int_equal(s->dr6 >> 32, 0);
	assert_int_equal(s->dr7 >> 32, 0);
}

static void test_boot_protected_mode(void **state)
{
	const u64 args[4] = { 0x2badb002, 0x10000, 0x33, 0x44 };
	const struct vmcb_save *s = &vmcb->save;

	memset(sv.gprs, 0x77, sizeof(sv.gprs));
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_PROTECTED, 0x100000, args), 0);
	assert_vmrun_consistent(s);
	assert_int_equal(s->cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE);
	assert_int_equal(s->efer, EFER_SVME);
	assert_int_equal(s->cr4, 0);
	assert_int_equal(s->rip, 0x100000);
	assert_int_equal(s->rflags, 0x2);
	assert_int_equal(s->cpl, 0);
	assert_int_equal(s->rax, 0x2badb002);
	assert_int_equal(sv.gprs[GPR_RBX], 0x10000);
	assert_int_equal(sv.gprs[GPR_RSI], 0x33);
	assert_int_equal(sv.gprs[GPR_RDI], 0x44);
	assert_int_equal(sv.gprs[GPR_RCX], 0);
	/* Flat 4 GiB 32-bit code and data. */
	assert_int_equal(s->cs.base, 0);
	assert_int_equal(s->cs.limit, 0xffffffff);
	assert_true(s->cs.attrib & SEG_ATTR_DB);
	assert_false(s->cs.attrib & SEG_ATTR_L);
	assert_int_equal(s->cs.attrib & 0x9f, 0x9b);
	assert_int_equal(s->ss.attrib, s->ds.attrib);
	assert_true(s->ss.attrib & SEG_ATTR_DB);
	assert_true(s->tr.attrib & SEG_ATTR_P);
	assert_int_equal(s->g_pat, 0x0007040600070406ULL);
	assert_int_equal(s->dr7, 0x400);
	assert_int_equal(svm_cpu_mode(vmcb), X86_MODE_32);
}

static int read_ram(void *ctx, u64 gpa, u32 size, u64 *val)
{
	u64 v = 0;

	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return -EFAULT;
	memcpy(&v, ram + gpa, size);
	*val = v;
	return 0;
}

static void test_boot_long_mode(void **state)
{
	const u64 args[4] = { 0 };
	const struct vmcb_save *s = &vmcb->save;
	const struct gwalk_mem mem = { read_ram, NULL };
	struct gwalk_regs r;
	static const u64 probes[] = { 0, 0x100000, 0x1234567, RAM_SIZE - 1, 0xfee00000,
				      0xffffffff };
	unsigned int i;
	u64 gpa;
	u32 pf;

	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_LONG, 0x200000, args), 0);
	assert_vmrun_consistent(s);
	assert_int_equal(s->efer, EFER_SVME | EFER_LME | EFER_LMA);
	assert_true(s->cr0 & X86_CR0_PG);
	assert_true(s->cr4 & X86_CR4_PAE);
	assert_true(s->cs.attrib & SEG_ATTR_L);
	assert_false(s->cs.attrib & SEG_ATTR_DB);
	/* The boot tables: the top 24 KiB of RAM, an identity map of 4 GiB. */
	assert_int_equal(s->cr3, RAM_SIZE - 6 * 4096);
	r = (struct gwalk_regs){ s->cr0, s->cr3, s->cr4, s->efer };
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		assert_int_equal(gwalk_translate(&r, &mem, probes[i], GWALK_WRITE | GWALK_FETCH,
						 &gpa, &pf), 0);
		assert_int_equal(gpa, probes[i]);
	}
	assert_int_equal(gwalk_translate(&r, &mem, 1ULL << 32, 0, &gpa, &pf), -EFAULT);
}

static void test_boot_long_mode_needs_ram(void **state)
{
	const u64 args[4] = { 0 };

	vm.regions[0].size = 4 * 4096;
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_LONG, 0x200000, args), -ENOMEM);
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_ARM64_EL1, 0x200000, args), -EINVAL);
}

static void test_corrupt_state_for_tests(void **state)
{
	const u64 args[4] = { 0 };

	svm.corrupt = SVM_CORRUPT_CR0_NW;
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_PROTECTED, 0x100000, args), 0);
	/* Exactly the combination VMRUN refuses: NW without CD. */
	assert_true(vmcb->save.cr0 & X86_CR0_NW);
	assert_false(vmcb->save.cr0 & X86_CR0_CD);
}

static void test_boot_clears_pending_state(void **state)
{
	const u64 args[4] = { 0 };

	sv.final_exit = HV_EXIT_SHUTDOWN;
	sv.reinject = 0x80000020;
	sv.pending_event = 0x80000b0d;
	sv.mmio_pending_write = true;
	assert_int_equal(svm_vmcb_boot(&sv, VCPU_BOOT_X86_PROTECTED, 0x100000, args), 0);
	assert_int_equal(sv.final_exit, 0);
	assert_int_equal(sv.reinject | sv.pending_event, 0);
	assert_false(sv.mmio_pending_write);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_msrpm_layout),
		T(test_permission_maps),
		T(test_intercepts),
		T(test_boot_protected_mode),
		T(test_boot_long_mode),
		T(test_boot_long_mode_needs_ram),
		T(test_corrupt_state_for_tests),
		T(test_boot_clears_pending_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
