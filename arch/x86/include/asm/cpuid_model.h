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

struct cpuid_guest {
	u32 vcpu_id;		/* reported as the initial APIC ID */
	u32 phys_bits;		/* guest-physical address width (the NPT's reach) */
	bool osxsave;		/* the guest's CR4.OSXSAVE */
	bool nested_svm;	/* SVM is offered (the VM's nested-svm property) */
	u32 nested_asids;	/* with nested_svm: leaf 0x8000000a EBX */
};

/* Leaf 0x8000000a EAX: the SVM revision L1 is told. */
#define CPUID_NESTED_SVM_REVISION	1u

typedef void (*cpuid_host_fn)(u32 leaf, u32 subleaf, struct cpuid_regs *r);

void cpuid_model(const struct cpuid_guest *g, cpuid_host_fn host, u32 leaf, u32 subleaf,
		 struct cpuid_regs *out);

#endif
