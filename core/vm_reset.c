/*
 * VM reset (PSCI SYSTEM_RESET, and later a VMM's restart): the VM starts
 * again as it was when first finalized, through the same barrier, its
 * RAM reloaded from the pristine copy core/vm.c keeps.
 *
 * The rules (DESIGN.md section 11): the reset is driven by the VM's owner
 * with every vCPU parked out of vcpu_run(), never from a vCPU's context;
 * VM-wide state is reset; the VM passes through vm_finalize() again
 * before any vCPU runs, and a vCPU that enters vcpu_run() early waits at
 * the barrier as at the first start.
 */
#include <core/arch.h>
#include <core/heap.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * Every vCPU off, with nothing left of its last exit; those powered on
 * before the VM first ran (the boot vCPU) are powered on again at the
 * same boot state, which they take at their next entry on their own CPU.
 */
static int reset_vcpus(struct vm *vm)
{
	u32 i;
	int err;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		vcpu_power_off(vcpu);
		vcpu->completion = VCPU_COMPLETE_NONE;
		__atomic_store_n(&vcpu->requests, 0, __ATOMIC_RELEASE);
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i]->start_on)
			continue;
		err = vcpu_power_on(vm->vcpus[i], &vm->vcpus[i]->start_boot);
		if (err)
			return err;
	}
	return 0;
}

int vm_reset(struct vm *vm)
{
	int err;

	spin_lock(&vm->lock);
	if (vm->state != VM_FINALIZED) {
		spin_unlock(&vm->lock);
		return -EIO;
	}
	/* Back behind the barrier first: whoever enters vcpu_run() now waits. */
	__atomic_store_n(&vm->state, VM_CREATED, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	vm_restore_ram(vm);
	err = reset_vcpus(vm);
	if (!err)
		err = arch_vm_reset(vm);
	if (err) {
		vm_mark_dead(vm, "the reset failed");
		return err;
	}
	vm->resets++;
	return vm_finalize(vm);
}
