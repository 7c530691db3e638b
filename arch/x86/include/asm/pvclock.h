#ifndef ASM_PVCLOCK_H
#define ASM_PVCLOCK_H

#include <lib/compiler.h>

/*
 * kvmclock (KVM's Documentation/virt/kvm/x86/msr.rst, "MSR_KVM_SYSTEM_TIME_NEW"
 * and "MSR_KVM_WALL_CLOCK_NEW"): the guest names a structure in its RAM and
 * the hypervisor fills it. The layouts are the ABI (naturally aligned, no
 * padding: the asserts below hold them).
 */
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01u
#define PVCLOCK_ENABLE		BIT(0)	/* of MSR_KVM_SYSTEM_TIME_NEW */
#define PVCLOCK_TSC_STABLE_BIT	BIT(0)	/* of pvclock_vcpu_time_info.flags */

struct pvclock_vcpu_time_info {
	u32 version;		/* odd while the hypervisor writes */
	u32 pad0;
	u64 tsc_timestamp;	/* the guest's TSC when system_time was taken */
	u64 system_time;	/* ns */
	u32 tsc_to_system_mul;	/* ns = ((tsc delta, shifted by tsc_shift) * mul) >> 32 */
	s8 tsc_shift;
	u8 flags;
	u8 pad[2];
};

struct pvclock_wall_clock {
	u32 version;
	u32 sec;		/* the wall-clock time when the kvmclock read 0 */
	u32 nsec;
};

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock_vcpu_time_info");
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "pvclock_wall_clock");

/* The scale of a TSC running at @hz: mul and shift as the structure has them. */
void pvclock_scale(u64 hz, u32 *mul, s8 *shift);
/* @ticks in ns, by that scale (what the guest computes). */
u64 pvclock_ns(u64 ticks, u32 mul, s8 shift);

struct svm_vcpu;
/* The rows of msr.c. */
int pvclock_system_time_read(struct svm_vcpu *sv, u32 index, u64 *val);
int pvclock_system_time_write(struct svm_vcpu *sv, u32 index, u64 val);
int pvclock_wall_clock_read(struct svm_vcpu *sv, u32 index, u64 *val);
int pvclock_wall_clock_write(struct svm_vcpu *sv, u32 index, u64 val);
/* The guest's TSC moved (a TSC write): its structure follows. */
void pvclock_tsc_changed(struct svm_vcpu *sv);

#endif
