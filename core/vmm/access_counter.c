#include <core/vmm.h>
#include <lib/errno.h>

/*
 * A test device: reading it returns how many accesses of this VM found
 * no device (the unknown-access policy's count), as a 32-bit value. It
 * lets a guest prove that each of its probes of a guest-physical address
 * outside its RAM left the guest as an exit, rather than trusting that a
 * read of 0 means one did. It has no state to write: a write is a guest
 * bug, and stops the VM.
 */
static int counter_read(struct vmm_device *dev, u64 offset, u32 size, u64 *val)
{
	u64 n = __atomic_load_n(&dev->vm->vmm->unknown_accesses, __ATOMIC_RELAXED);

	*val = size >= 8 ? n : n & ((1ULL << (size * 8)) - 1);
	return 0;
}

static int counter_write(struct vmm_device *dev, u64 offset, u32 size, u64 val)
{
	return -EINVAL;
}

static const struct vmm_device_ops access_counter_ops = {
	.read = counter_read,
	.write = counter_write,
};

int access_counter_create(struct vm *vm, u32 space, u64 base)
{
	return vmm_add_device(vm, "access-counter", space, base, 4, &access_counter_ops, NULL) ?
	       0 : -EBUSY;
}
