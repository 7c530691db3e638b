/*
 * The arm64 back end of the run loop (stage-2, the world switch, the vGIC)
 * is not in this build yet. Until it is, every VM of a configuration is
 * refused at its first arch step with a message that says so, and is
 * marked DEAD by the configuration layer; the hypervisor itself boots,
 * brings up every CPU and powers off when no VM is left to run.
 */
#include <core/arch.h>
#include <core/config.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

u64 arch_vm_gpa_limit(void)
{
	return 0;
}

int arch_vm_init(struct vm *vm)
{
	vm->arch = NULL;
	return 0;
}

void arch_vm_destroy(struct vm *vm)
{
	(void)vm;
}

int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	(void)vm;
	(void)fdt;
	(void)node;
	return fail_config(err, -EOPNOTSUPP, "this arm64 build cannot run VMs yet");
}

int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	(void)vm;
	(void)p;
	return -EOPNOTSUPP;
}

int arch_vm_add_regions(struct vm *vm)
{
	(void)vm;
	return -EOPNOTSUPP;
}

int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	(void)vm;
	(void)gpa;
	(void)pa;
	(void)size;
	return -EOPNOTSUPP;
}

int arch_vm_finalize(struct vm *vm)
{
	(void)vm;
	return -EOPNOTSUPP;
}

int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	(void)vm;
	(void)irq;
	(void)level;
	return -EOPNOTSUPP;
}

int arch_vcpu_init(struct vcpu *vcpu)
{
	vcpu->arch = NULL;
	return 0;
}

void arch_vcpu_destroy(struct vcpu *vcpu)
{
	(void)vcpu;
}

int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	(void)vcpu;
	(void)boot;
	return -EOPNOTSUPP;
}

int arch_vcpu_run_once(struct vcpu *vcpu)
{
	(void)vcpu;
	return -EOPNOTSUPP;
}

int arch_vcpu_complete(struct vcpu *vcpu, u32 completion)
{
	(void)vcpu;
	(void)completion;
	return -EOPNOTSUPP;
}

bool arch_vcpu_has_event(struct vcpu *vcpu)
{
	(void)vcpu;
	return false;
}

void arch_timer_program(u64 deadline_ns)
{
	(void)deadline_ns;
}
