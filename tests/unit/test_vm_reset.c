/* SOURCES: core/vm.c core/vm_reset.c core/vcpu.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

/*
 * vm_reset(): the VM restarts as it was first finalized. RAM is cleared
 * and what was loaded before the first vm_finalize() comes back from the
 * pristine copy (and costs only its non-zero pages); vCPUs go off, the
 * boot vCPU pending again at its first boot state; the arch's reset runs;
 * the VM passes the finalize barrier again, the memory map untouched.
 */
#define RAM		(64 * PAGE_SIZE)

static struct vm *vm;
static const struct vcpu_boot boot0 = { .mode = VCPU_BOOT_ARM64_EL1, .entry = 0x1000,
					 .args = { 0x3f000 } };

static int setup(void **state)
{
	u8 image[3 * PAGE_SIZE];

	vm = vm_create("r");
	assert_int_equal(vm_add_ram(vm, 0, RAM), 0);
	vm_add_vcpu(vm, 0);
	vm_add_vcpu(vm, 1);
	/* An "image" of 3 pages at 0x1000 (its middle page all zero), a "DTB" page at 0x3f000. */
	memset(image, 0xa5, sizeof(image));
	memset(image + PAGE_SIZE, 0, PAGE_SIZE);
	assert_int_equal(vm_write_guest(vm, 0x1000, image, sizeof(image)), 0);
	assert_int_equal(vm_write_guest(vm, 0x3f000, "dtb", 4), 0);
	assert_int_equal(vcpu_power_on(vm->vcpus[0], &boot0), 0);
	assert_int_equal(vm_finalize(vm), 0);
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

static u8 byte_at(u64 gpa)
{
	return *(u8 *)vm_gpa_to_hva(vm, gpa, 1);
}

static void test_pristine_copy_is_the_loaded_pages(void **state)
{
	/* Pages 0x1000 and 0x3000 of the image, and the DTB's: not the zero page between. */
	assert_int_equal(vm->pristine_bytes, 3 * PAGE_SIZE);
}

static void test_ram_reloaded_and_cleared(void **state)
{
	memset(vm_gpa_to_hva(vm, 0, RAM), 0x5a, RAM);
	assert_int_equal(vm_reset(vm), 0);
	assert_int_equal(byte_at(0x1000), 0xa5);
	assert_int_equal(byte_at(0x3fff), 0xa5);
	assert_int_equal(byte_at(0x2000), 0);
	assert_int_equal(byte_at(0x0), 0);
	assert_int_equal(byte_at(0x3f000), 'd');
	assert_int_equal(byte_at(0x3f004), 0);
	assert_int_equal(byte_at(RAM - 1), 0);
}

static void test_vcpus_and_barrier(void **state)
{
	struct vcpu *v0 = vm->vcpus[0], *v1 = vm->vcpus[1];
	const struct vcpu_boot later = { .mode = VCPU_BOOT_ARM64_EL1, .entry = 0x8000 };

	/* As after a run: both on, vCPU 1 by a CPU_ON, an exit's completion left over. */
	__atomic_store_n(&v0->power, VCPU_POWER_ON, __ATOMIC_RELEASE);
	assert_int_equal(vcpu_power_on(v1, &later), 0);
	v0->completion = VCPU_COMPLETE_MMIO;
	v1->requests = VCPU_REQ_STOP;
	assert_int_equal(vm_reset(vm), 0);
	assert_int_equal(vm_state(vm), VM_FINALIZED);
	assert_int_equal(vm->resets, 1);
	assert_int_equal(((struct fake_vm *)vm->arch)->resets, 1);
	assert_int_equal(((struct fake_vm *)vm->arch)->finalizes, 2);
	/* The memory map was built once: RAM mapped once, no region added twice. */
	assert_int_equal(((struct fake_vm *)vm->arch)->maps, 1);
	assert_int_equal(vcpu_power_state(v0), VCPU_POWER_PENDING);
	assert_int_equal(v0->boot.entry, boot0.entry);
	assert_int_equal(v0->boot.args[0], boot0.args[0]);
	assert_int_equal(vcpu_power_state(v1), VCPU_POWER_OFF);
	assert_int_equal(v0->completion, VCPU_COMPLETE_NONE);
	assert_int_equal(v1->requests & VCPU_REQ_STOP, 0);
}

static void test_only_a_finalized_vm(void **state)
{
	struct vm *fresh = vm_create("fresh");

	assert_int_equal(vm_reset(fresh), -EIO);
	assert_int_equal(vm_state(fresh), VM_CREATED);
	vm_destroy(fresh);
}

static void test_arch_failure_kills(void **state)
{
	((struct fake_vm *)vm->arch)->reset_ret = -ENOMEM;
	assert_int_equal(vm_reset(vm), -ENOMEM);
	assert_int_equal(vm_state(vm), VM_DEAD);
	assert_int_equal(vm_finalize(vm), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pristine_copy_is_the_loaded_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ram_reloaded_and_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpus_and_barrier, setup, teardown),
		cmocka_unit_test(test_only_a_finalized_vm),
		cmocka_unit_test_setup_teardown(test_arch_failure_kills, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
