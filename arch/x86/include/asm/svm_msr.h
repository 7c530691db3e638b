#ifndef ASM_SVM_MSR_H
#define ASM_SVM_MSR_H

#include <lib/compiler.h>

/*
 * The MSRs msr.c emulates and keeps per vCPU (arch/x86/svm/msr.c has a
 * row per MSR, with what it does). The numbers are the architectural
 * ones; the guest tests spell them again on their side.
 */
#define MSR_TSC			0x00000010u
#define MSR_MTRR_CAP		0x000000feu
#define MSR_DEBUGCTL		0x000001d9u
#define MSR_LAST_BRANCH_FROM_IP	0x000001dbu
#define MSR_LAST_BRANCH_TO_IP	0x000001dcu
#define MSR_LAST_INT_FROM_IP	0x000001ddu
#define MSR_LAST_INT_TO_IP	0x000001deu
#define MSR_MTRR_PHYS_BASE0	0x00000200u	/* base/mask pairs up to 0x20f */
#define MSR_MTRR_FIX64K_00000	0x00000250u
#define MSR_MTRR_FIX16K_80000	0x00000258u
#define MSR_MTRR_FIX16K_A0000	0x00000259u
#define MSR_MTRR_FIX4K_C0000	0x00000268u	/* eight of them, up to 0x26f */
#define MSR_MTRR_DEF_TYPE	0x000002ffu
#define MSR_TSC_AUX		0xc0000103u
#define MSR_K7_PERF_CTL0	0xc0010000u	/* four of them */
#define MSR_K7_PERF_CTR0	0xc0010004u	/* four of them */
#define MSR_SYSCFG		0xc0010010u
#define MSR_HWCR		0xc0010015u

/* DEBUGCTL: LBR, BTF and the four PB (performance-monitor pin) bits. */
#define MSR_DEBUGCTL_BITS	0x3fULL
#define MTRR_VAR_RANGES		8
#define MTRR_FIXED_MSRS		11
#define MTRR_DEF_TYPE_E		BIT(11)
#define MTRR_DEF_TYPE_FE	BIT(10)
#define MTRR_TYPE_UC		0
#define MTRR_TYPE_WB		6
#define K7_PERF_COUNTERS	4
#define HWCR_TSC_FREQ_SEL	BIT(24)

struct svm_msrs {
	u64 perf_ctl[K7_PERF_COUNTERS];
	u64 perf_ctr[K7_PERF_COUNTERS];
	u64 mtrr_def_type;
	u64 mtrr_fixed[MTRR_FIXED_MSRS];
	u64 mtrr_var[2 * MTRR_VAR_RANGES];	/* PhysBase0, PhysMask0, PhysBase1, ... */
	u64 hwcr;
	u64 kvm_system_time;	/* kvmclock (pvclock.c): as written */
	u64 kvm_wall_clock;
	u32 tsc_aux;
};

/* The unknown MSR numbers a VM was told about already (logged once each). */
#define SVM_MSR_LOGGED		32

struct svm_vcpu;

/* The power-on values (INIT keeps them, as on the CPU). */
void svm_msr_reset(struct svm_vcpu *sv);
/* On the vCPU's CPU, before it first runs: the CPU's TSC_AUX becomes the guest's. */
void svm_msr_load(struct svm_vcpu *sv);
/*
 * One MSR access as RDMSR/WRMSR make it: 0, or -EINVAL where the CPU
 * raises #GP (no such MSR, or a value the MSR refuses).
 */
int svm_msr_read(struct svm_vcpu *sv, u32 index, u64 *val);
int svm_msr_write(struct svm_vcpu *sv, u32 index, u64 val);
/* RDPMC: the counters of the K7 rows. */
int svm_exit_rdpmc(struct svm_vcpu *sv);

/* svm.c: the CPU's TSC_AUX, which RDTSCP and RDPID read in guest mode. */
void svm_load_tsc_aux(u32 val);

#endif
