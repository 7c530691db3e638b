/*
 * PSCI for guests: the power state of the VM's vCPUs (core/vcpu.c's
 * power_on/off) seen through the calls of the PSCI specification. Every
 * argument is the guest's: a target that names no vCPU, an entry point
 * outside the VM's RAM and a 32-bit call's upper bits are all checked
 * here before anything changes.
 */
#include <core/psci.h>
#include <core/vm.h>
#include <lib/errno.h>

#define PSCI_FN_MASK		0x1fu	/* PSCI's function numbers within its range */
#define PSCI_ID_BASE_MASK	0xbfffffe0u	/* the ID without its width bit and number */

bool psci_is_call(u32 fn)
{
	return (fn & PSCI_ID_BASE_MASK) == PSCI_VERSION;
}

static bool is_64bit(u32 fn)
{
	return fn & PSCI_64BIT;
}

/* The vCPU @affinity names, or NULL: Aff0 is the index, everything else must be 0. */
static struct vcpu *target_vcpu(struct vm *vm, u64 affinity)
{
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (psci_vcpu_affinity(i) == affinity)
			return vm->vcpus[i];
	return NULL;
}

/* An entry point must be an instruction in the VM's RAM: aligned and inside it. */
static bool entry_ok(struct vm *vm, u64 entry)
{
	return !(entry & 3) && vm_gpa_to_hva(vm, entry, 4);
}

static s64 cpu_on(struct vcpu *vcpu, u64 target, u64 entry, u64 context)
{
	struct vcpu *t = target_vcpu(vcpu->vm, target);
	struct vcpu_boot boot = {
		.mode = VCPU_BOOT_ARM64_EL1,
		.entry = entry,
		.args = { context },
	};

	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!entry_ok(vcpu->vm, entry))
		return PSCI_RET_INVALID_ADDRESS;
	switch (vcpu_power_on(t, &boot)) {
	case 0:
		return PSCI_RET_SUCCESS;
	case -EALREADY:
		return PSCI_RET_ALREADY_ON;
	default:
		return PSCI_RET_ON_PENDING;
	}
}

/* Only level 0 (the vCPUs themselves): there are no clusters to ask about. */
static s64 affinity_info(struct vcpu *vcpu, u64 target, u64 lowest_level)
{
	struct vcpu *t = target_vcpu(vcpu->vm, target);

	if (!t || lowest_level != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	switch (vcpu_power_state(t)) {
	case VCPU_POWER_ON:
		return PSCI_AFFINITY_ON;
	case VCPU_POWER_OFF:
		return PSCI_AFFINITY_OFF;
	default:
		return PSCI_AFFINITY_ON_PENDING;
	}
}

static bool implemented(u32 fn)
{
	switch (fn & ~PSCI_64BIT) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		/* Functions without arguments to widen exist in the 32-bit form only. */
		return !is_64bit(fn) || (fn & ~PSCI_64BIT) == PSCI_CPU_ON ||
		       (fn & ~PSCI_64BIT) == PSCI_AFFINITY_INFO ||
		       (fn & ~PSCI_64BIT) == PSCI_CPU_SUSPEND;
	default:
		return false;
	}
}

/* FEATURES takes any SMCCC function ID (a W register); 0 (no feature flags) for ours. */
static s64 features(u32 queried)
{
	return implemented(queried) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

static int system_event(struct vcpu *vcpu, u32 type)
{
	vcpu->run.exit_reason = HV_EXIT_SYSTEM_EVENT;
	vcpu->run.system_event = (struct hv_run_system_event){ .type = type };
	return 0;
}

int psci_call(struct vcpu *vcpu, u32 fn, u64 a1, u64 a2, u64 a3, u64 *ret)
{
	s64 r;

	if (!implemented(fn)) {
		*ret = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
		return VCPU_RESUME;
	}
	/* The 32-bit forms take W registers: their upper halves are not the guest's argument. */
	if (!is_64bit(fn)) {
		a1 &= 0xffffffffULL;
		a2 &= 0xffffffffULL;
		a3 &= 0xffffffffULL;
	}
	switch (fn & ~PSCI_64BIT) {
	case PSCI_VERSION:
		r = PSCI_VERSION_1_0;
		break;
	case PSCI_CPU_SUSPEND:
		/*
		 * Every power state is entered as standby, which PSCI allows
		 * for powerdown requests too: a wait for a wake-up event, as
		 * WFI, returning SUCCESS with the caller's context intact.
		 */
		*ret = PSCI_RET_SUCCESS;
		return VCPU_BLOCK;
	case PSCI_CPU_OFF:
		return VCPU_POWERED_OFF;
	case PSCI_CPU_ON:
		r = cpu_on(vcpu, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
		r = affinity_info(vcpu, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r = PSCI_MIGRATE_NOT_PRESENT;
		break;
	case PSCI_SYSTEM_OFF:
		return system_event(vcpu, HV_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_SYSTEM_RESET:
		return system_event(vcpu, HV_SYSTEM_EVENT_RESET);
	case PSCI_FEATURES:
		r = features((u32)a1);
		break;
	default:
		r = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	*ret = (u64)r;
	return VCPU_RESUME;
}
