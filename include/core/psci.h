#ifndef CORE_PSCI_H
#define CORE_PSCI_H

#include <core/vcpu.h>

/*
 * PSCI 1.0 for guests (ARM DEN 0022), with a VM's semantics: the CPUs
 * are the VM's vCPUs, "system" is the VM. The arch hands over an HVC or
 * SMC whose function ID is a PSCI one; the answer goes back in x0.
 *
 * A vCPU's affinity (its MPIDR as the guest sees it, and the target of
 * CPU_ON and AFFINITY_INFO) is its index in Aff0, all else zero.
 */
#define PSCI_VERSION			0x84000000u
#define PSCI_CPU_SUSPEND		0x84000001u
#define PSCI_CPU_OFF			0x84000002u
#define PSCI_CPU_ON			0x84000003u
#define PSCI_AFFINITY_INFO		0x84000004u
#define PSCI_MIGRATE_INFO_TYPE		0x84000006u
#define PSCI_SYSTEM_OFF			0x84000008u
#define PSCI_SYSTEM_RESET		0x84000009u
#define PSCI_FEATURES			0x8400000au
#define PSCI_64BIT			0x40000000u	/* SMC64 form of a function ID */

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMETERS	(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)
#define PSCI_RET_ON_PENDING		(-5)
#define PSCI_RET_INTERNAL_FAILURE	(-6)
#define PSCI_RET_INVALID_ADDRESS	(-9)

#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_AFFINITY_ON_PENDING	2

#define PSCI_MIGRATE_NOT_PRESENT	2	/* no Trusted OS to migrate */

/* 1.0: major in [31:16], minor in [15:0]. */
#define PSCI_VERSION_1_0		0x00010000u

/* SMCCC: what a function ID nobody implements returns. */
#define SMCCC_RET_NOT_SUPPORTED		((u64)-1)

static inline u64 psci_vcpu_affinity(u32 vcpu_id)
{
	return vcpu_id;
}

/* A function ID in PSCI's range of the Standard Secure Service calls (either width). */
bool psci_is_call(u32 fn);

/*
 * Handles PSCI call @fn with arguments @a1-@a3 from @vcpu:
 *  - VCPU_RESUME: *ret is the value for the guest's x0;
 *  - VCPU_BLOCK: CPU_SUSPEND, the vCPU waits as in WFI, then x0 = *ret;
 *  - VCPU_POWERED_OFF: CPU_OFF, the vCPU stops (nothing returns to it);
 *  - 0: SYSTEM_OFF/SYSTEM_RESET, vcpu->run is a HV_EXIT_SYSTEM_EVENT.
 */
int psci_call(struct vcpu *vcpu, u32 fn, u64 a1, u64 a2, u64 a3, u64 *ret);

#endif
