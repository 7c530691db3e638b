#ifndef ASM_CPUID_MODEL_H
#define ASM_CPUID_MODEL_H

#include <asm/cpu.h>

/*
 * What CPUID tells a guest (arch/x86/svm/cpuid.c documents the policy).
 * The model is a pure function of the host's CPUID, which it reads
 * through @host so that unit tests can play any CPU, and of a little
 * guest state.
 */
#define CPUID_HV_BASE		0x40000000u
#define CPUID_HV_FEATURES	0x40000001u
#define CPUID_HV_MAX		CPUID_HV_FEATURES
/* EBX, ECX, EDX of leaf 0x40000000: "microhv" and NULs. */
#define CPUID_HV_SIG_EBX	0x7263696du	/* "micr" */
#define CPUID_HV_SIG_ECX	0x0076686fu	/* "ohv\0" */
#define CPUID_HV_SIG_EDX	0x00000000u
/*
 * Not a leaf of the model (it reads as zeros): the benchmark's CPUID,
 * which x86-bench-floor VMs answer with the bare world switch.
 */
#define CPUID_BENCH_FLOOR_LEAF	0x4000ffffu
/* EBX of leaf 0x40000001 */
#define CPUID_HV_FEAT_CONSOLE	BIT(0)	/* HV_HC_CONSOLE_WRITE */

/*
 * KVM's paravirtual clock interface at the next hypervisor base, where
 * Linux looks for "KVMKVMKVM" (every 0x100 from 0x40000000): offered
 * only for kvmclock, the documented way a Linux guest on AMD learns the
 * TSC's frequency (pvclock.c). EAX of 0x40000101 lists the features.
 */
#define CPUID_KVM_BASE		0x40000100u
#define CPUID_KVM_FEATURES	0x40000101u
#define CPUID_KVM_MAX		CPUID_KVM_FEATURES
#define CPUID_KVM_SIG_EBX	0x4b4d564bu	/* "KVMK" */
#define CPUID_KVM_SIG_ECX	0x564b4d56u	/* "VMKV" */
#define CPUID_KVM_SIG_EDX	0x0000004du	/* "M\0\0\0" */
#define CPUID_KVM_FEAT_CLOCKSOURCE2	BIT(3)	/* MSRs 0x4b564d00/01 */
#define CPUID_KVM_FEAT_CLOCK_STABLE	BIT(24)	/* PVCLOCK_TSC_STABLE_BIT is honoured */

struct cpuid_guest {
	u32 vcpu_id;		/* reported as the initial APIC ID */
	u32 phys_bits;		/* guest-physical address width (the NPT's reach) */
	bool osxsave;		/* the guest's CR4.OSXSAVE */
	bool nested_svm;	/* SVM is offered (the VM's nested-svm property) */
	u32 nested_asids;	/* with nested_svm: leaf 0x8000000a EBX */
};

/* Leaf 0x8000000a EAX: the SVM revision L1 is told. */
#define CPUID_NESTED_SVM_REVISION	1u
/* 0x8000000a EDX bit 0: nested paging, offered to a VM with nested-svm. */
#define CPUID_SVM_NP			BIT(0)

/* Leaf 0x8000000a EDX for a nested-svm VM on a CPU whose own EDX is @host_edx. */
u32 cpuid_nested_svm_features(u32 host_edx);

/*
 * The EFER bits a guest may set, from the model's leaf 0x80000001 (@ext1):
 * the EFER write and VMRUN's check of VMCB12 both use it, so that a bit
 * the model hides is refused by both and one it offers works in both.
 */
u64 cpuid_efer_allowed(const struct cpuid_regs *ext1);

typedef void (*cpuid_host_fn)(u32 leaf, u32 subleaf, struct cpuid_regs *r);

void cpuid_model(const struct cpuid_guest *g, cpuid_host_fn host, u32 leaf, u32 subleaf,
		 struct cpuid_regs *out);

/*
 * The model's answers for one vCPU, computed once when it boots: a CPUID
 * exit is then a lookup, not a table search, fixups and a host CPUID.
 * Everything the model depends on is fixed for the vCPU's life except
 * the guest's CR4.OSXSAVE, which cpuid_cache_lookup() applies. One slot
 * per leaf of the model's three ranges (basic, hypervisor, extended);
 * a leaf whose answer depends on ECX (7, 0xd) is marked in by_subleaf
 * and left to cpuid_model().
 */
#define CPUID_MAX_BASIC_LEAF	0xdu
#define CPUID_EXT_BASE		0x80000000u
#define CPUID_MAX_EXT_LEAF	0x8000000au
#define CPUID_NR_BASIC		(CPUID_MAX_BASIC_LEAF + 1)
#define CPUID_NR_HV		(CPUID_HV_MAX - CPUID_HV_BASE + 1)
#define CPUID_NR_KVM		(CPUID_KVM_MAX - CPUID_KVM_BASE + 1)
#define CPUID_NR_EXT		(CPUID_MAX_EXT_LEAF - CPUID_EXT_BASE + 1)
#define CPUID_CACHE_SLOTS	(CPUID_NR_BASIC + CPUID_NR_HV + CPUID_NR_KVM + CPUID_NR_EXT)
#define CPUID_LEAF1_OSXSAVE	BIT(27)		/* leaf 1 ECX */

struct cpuid_cache {
	struct cpuid_regs regs[CPUID_CACHE_SLOTS];
	u64 by_subleaf;		/* BIT(slot): ask cpuid_model() with the subleaf */
};

/* The model answered as for a guest with CR4.OSXSAVE clear. */
void cpuid_cache_fill(struct cpuid_cache *c, const struct cpuid_guest *g, cpuid_host_fn host);

/* @leaf's slot, or -1: outside the three ranges every leaf reads as zeros. */
static inline int cpuid_cache_slot(u32 leaf)
{
	if (leaf < CPUID_NR_BASIC)
		return (int)leaf;
	if (leaf - CPUID_HV_BASE < CPUID_NR_HV)
		return (int)(CPUID_NR_BASIC + leaf - CPUID_HV_BASE);
	if (leaf - CPUID_KVM_BASE < CPUID_NR_KVM)
		return (int)(CPUID_NR_BASIC + CPUID_NR_HV + leaf - CPUID_KVM_BASE);
	if (leaf - CPUID_EXT_BASE < CPUID_NR_EXT)
		return (int)(CPUID_NR_BASIC + CPUID_NR_HV + CPUID_NR_KVM + leaf - CPUID_EXT_BASE);
	return -1;
}

/* False: @leaf depends on the subleaf, ask cpuid_model(). Inline: every CPUID exit is one. */
static inline bool cpuid_cache_lookup(const struct cpuid_cache *c, u32 leaf, bool osxsave,
				      struct cpuid_regs *out)
{
	int slot = cpuid_cache_slot(leaf);

	if (slot < 0) {
		*out = (struct cpuid_regs){ 0 };
		return true;
	}
	if (c->by_subleaf & BIT(slot))
		return false;
	*out = c->regs[slot];
	if (leaf == 1 && osxsave)
		out->ecx |= CPUID_LEAF1_OSXSAVE;
	return true;
}

#endif
