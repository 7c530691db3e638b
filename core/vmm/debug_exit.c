#include <core/vmm.h>
#include <lib/errno.h>

/*
 * QEMU's isa-debug-exit, for test guests: a write of v ends the VM with
 * exit code v (QEMU itself would exit with (v << 1) | 1). The same
 * guests thus run on bare QEMU and on the hypervisor.
 */
static int debug_exit_read(struct vmm_device *dev, u64 offset, u32 size, u64 *val)
{
	*val = 0;
	return 0;
}

static int debug_exit_write(struct vmm_device *dev, u64 offset, u32 size, u64 val)
{
	vmm_stop_vm(dev->vm, VMM_OUTCOME_EXIT_CODE, val, "debug-exit with code %llu", val);
	return 1;
}

static const struct vmm_device_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};

int debug_exit_create(struct vm *vm, u32 space, u64 base)
{
	return vmm_add_device(vm, "debug-exit", space, base, 4, &debug_exit_ops, NULL) ? 0 : -EBUSY;
}
