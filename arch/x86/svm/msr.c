/*
 * MSR intercepts. Every MSR is intercepted (the MSR permission map is all
 * ones) except the ones VMLOAD/VMSAVE switch with the guest's state: FS
 * and GS base, KernelGSBase, STAR, LSTAR, CSTAR, SFMASK and SYSENTER_*.
 * Those never exit: the guest reads and writes its own copy in the CPU,
 * which vmrun.S saves into and reloads from its VMCB.
 *
 * The intercepted ones are a table: an MSR the table does not list
 * raises #GP(0), as a CPU without it would; so does a value the row's
 * handler refuses. Nothing is silently dropped.
 */
#include <asm/cpu.h>
#include <asm/svm.h>
#include <core/vcpu.h>
#include <lib/errno.h>

#define MSR_TSC			0x00000010u
#define X86_VEC_GP		13


#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_ENABLE	BIT(11)

struct svm_msr {
	u32 index;
	int (*read)(struct svm_vcpu *sv, u64 *val);
	int (*write)(struct svm_vcpu *sv, u64 val);
};

static int efer_read(struct svm_vcpu *sv, u64 *val)
{
	*val = (sv->vmcb->save.efer & ~EFER_SVME) | (svm_nested_efer_svme(sv) ? EFER_SVME : 0);
	return 0;
}

/*
 * The bits the CPUID model offers (cpuid_efer_allowed()); LMA is the
 * CPU's to set (writes of it are ignored, as on AMD), and LME may not
 * change while paging is on: the architectural #GP cases. SVME is set
 * underneath, as VMRUN wants, and shown as the guest's own view
 * (nested_msr.c), which decides whether the guest may set it.
 */
static int efer_write(struct svm_vcpu *sv, u64 val)
{
	u64 old = sv->vmcb->save.efer, guest_bits;
	struct cpuid_regs ext1;

	cpuid_cache_lookup(&sv->cpuid, 0x80000001u, false, &ext1);
	guest_bits = cpuid_efer_allowed(&ext1) & ~(EFER_LMA | EFER_SVME);
	if (val & ~(guest_bits | EFER_LMA | EFER_SVME))
		return -EINVAL;
	if ((sv->vmcb->save.cr0 & X86_CR0_PG) && ((val ^ old) & EFER_LME))
		return -EINVAL;
	if (svm_nested_efer_svme_write(sv, val & EFER_SVME))
		return -EINVAL;
	sv->vmcb->save.efer = (val & guest_bits) | (old & EFER_LMA) | EFER_SVME;
	return 0;
}

static int pat_read(struct svm_vcpu *sv, u64 *val)
{
	*val = sv->vmcb->save.g_pat;
	return 0;
}

/* Each byte a memory type: UC, WC, WT, WP, WB or UC- (2 and 3 are reserved). */
static int pat_write(struct svm_vcpu *sv, u64 val)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = (u8)(val >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return -EINVAL;
	}
	sv->vmcb->save.g_pat = val;
	return 0;
}

/* The guest's TSC is the host's plus the VMCB's offset, in and out of guest mode alike. */
static int tsc_read(struct svm_vcpu *sv, u64 *val)
{
	*val = rdtsc() + sv->vmcb->control.tsc_offset;
	return 0;
}

static int tsc_write(struct svm_vcpu *sv, u64 val)
{
	sv->vmcb->control.tsc_offset = val - rdtsc();
	return 0;
}

/*
 * There is no local APIC (CPUID says so): the base reads as the reset
 * address with the global enable clear, and cannot be enabled.
 */
static int apic_base_read(struct svm_vcpu *sv, u64 *val)
{
	*val = APIC_BASE_DEFAULT | (sv->vcpu->id == 0 ? APIC_BASE_BSP : 0);
	return 0;
}

static int apic_base_write(struct svm_vcpu *sv, u64 val)
{
	u64 now;

	apic_base_read(sv, &now);
	return val == now ? 0 : -EINVAL;
}

static const struct svm_msr msr_table[] = {
	{ MSR_TSC, tsc_read, tsc_write },
	{ MSR_APIC_BASE, apic_base_read, apic_base_write },
	{ MSR_PAT, pat_read, pat_write },
	{ MSR_EFER, efer_read, efer_write },
	{ MSR_VM_CR, svm_nested_vm_cr_read, svm_nested_vm_cr_write },
	{ MSR_VM_HSAVE_PA, svm_nested_hsave_read, svm_nested_hsave_write },
};

static const struct svm_msr *find_msr(u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msr_table); i++)
		if (msr_table[i].index == index)
			return &msr_table[i];
	return NULL;
}

/* EXITINFO1: 0 for RDMSR, 1 for WRMSR; ECX the MSR; EDX:EAX the value. */
int svm_exit_msr(struct svm_vcpu *sv)
{
	u32 index = (u32)svm_gpr_read(sv, GPR_RCX);
	const struct svm_msr *m = find_msr(index);
	bool write = sv->vmcb->control.exit_info_1 & 1;
	u64 val;
	int err;

	if (!m) {
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
		return VCPU_RESUME;
	}
	if (write) {
		val = (svm_gpr_read(sv, GPR_RDX) << 32) | (u32)svm_gpr_read(sv, GPR_RAX);
		err = m->write(sv, val);
	} else {
		err = m->read(sv, &val);
		if (!err) {
			svm_gpr_write(sv, GPR_RAX, (u32)val);
			svm_gpr_write(sv, GPR_RDX, val >> 32);
		}
	}
	if (err)
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
	else
		svm_skip(sv, 2);
	return VCPU_RESUME;
}
