/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

#include <lib/errno.h>
#include <unistd.h>

/* The rules of include/hv/run.h, each checked against the run loop itself. */

static struct vm *vm;
static struct vcpu *vcpu;

static const struct vcpu_boot boot0 = { .mode = VCPU_BOOT_X86_PROTECTED, .entry = 0x100000 };

static int setup(void **state)
{
	vm = vm_create("t");
	assert_non_null(vm);
	assert_int_equal(vm_add_ram(vm, 0, 1 << 20), 0);
	vcpu = vm_add_vcpu(vm, 0);
	assert_non_null(vcpu);
	assert_int_equal(vm_finalize(vm), 0);
	assert_int_equal(vcpu_power_on(vcpu, &boot0), 0);
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

#define SCRIPT(...)							\
	do {								\
		const struct fake_step s[] = { __VA_ARGS__ };		\
		fake_script(vcpu, s, ARRAY_SIZE(s));			\
	} while (0)

static void test_exit_to_vmm_fills_reason(void **state)
{
	SCRIPT({ VCPU_RESUME, 0, 0, 0 }, { VCPU_RESUME, 0, 0, 0 },
	       { 0, HV_EXIT_IO, VCPU_COMPLETE_IO, 0 });
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_IO);
	assert_int_equal(fake_of(vcpu)->next, 3);
	assert_int_equal(fake_of(vcpu)->boots, 1);
	assert_int_equal(fake_of(vcpu)->last_boot.entry, 0x100000);
}

static void test_immediate_exit_preserves_reason(void **state)
{
	SCRIPT({ 0, HV_EXIT_MMIO, VCPU_COMPLETE_MMIO, 0 }, { 0, HV_EXIT_HLT, 0, 0 });
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MMIO);

	vcpu->run.immediate_exit = 1;
	assert_int_equal(vcpu_run(vcpu), -EINTR);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MMIO);
	/* Neither the guest nor the completion was touched. */
	assert_int_equal(fake_of(vcpu)->next, 1);
	assert_int_equal(fake_of(vcpu)->completes, 0);

	vcpu->run.immediate_exit = 0;
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(fake_of(vcpu)->completes, 1);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_HLT);
}

static void test_error_after_mmio_is_unknown(void **state)
{
	/* The second step is a buggy error path that leaves a plausible reason behind. */
	SCRIPT({ 0, HV_EXIT_MMIO, VCPU_COMPLETE_MMIO, 0 }, { -EINVAL, HV_EXIT_IO, 0, 0 },
	       { -EINVAL, 0, 0, 0 });
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MMIO);
	assert_int_equal(vcpu_run(vcpu), -EINVAL);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_UNKNOWN);
	/* And an error path that writes nothing at all still reports UNKNOWN. */
	vcpu->run.exit_reason = HV_EXIT_MMIO;
	assert_int_equal(vcpu_run(vcpu), -EINVAL);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_UNKNOWN);
}

/* Errors decided before the guest is entered must not return the stale reason either. */
static void test_early_error_after_mmio_is_unknown(void **state)
{
	SCRIPT({ 0, HV_EXIT_MMIO, VCPU_COMPLETE_MMIO, 0 });
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MMIO);
	vm_mark_dead(vm, "killed by the test");
	assert_int_equal(vcpu_run(vcpu), -EIO);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_UNKNOWN);
}

static void test_memory_fault_reason_only_with_memory_error(void **state)
{
	SCRIPT({ -EFAULT, HV_EXIT_MEMORY_FAULT, 0, 0 }, { -EHWPOISON, HV_EXIT_MEMORY_FAULT, 0, 0 },
	       { -EINVAL, HV_EXIT_MEMORY_FAULT, 0, 0 });
	assert_int_equal(vcpu_run(vcpu), -EFAULT);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MEMORY_FAULT);
	assert_int_equal(vcpu_run(vcpu), -EHWPOISON);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MEMORY_FAULT);
	assert_int_equal(vcpu_run(vcpu), -EINVAL);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_UNKNOWN);
}

static void test_completion_consumed_exactly_once(void **state)
{
	SCRIPT({ 0, HV_EXIT_MMIO, VCPU_COMPLETE_MMIO, 0 }, { 0, HV_EXIT_HLT, 0, 0 },
	       { 0, HV_EXIT_IO, VCPU_COMPLETE_IO, 0 }, { 0, HV_EXIT_HLT, 0, 0 });
	assert_int_equal(vcpu_run(vcpu), 0);
	memcpy(vcpu->run.mmio.data, "\x78\x56\x34\x12\0\0\0\0", 8);
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(fake_of(vcpu)->completes, 1);
	assert_int_equal(fake_of(vcpu)->last_completion, VCPU_COMPLETE_MMIO);
	assert_int_equal(fake_of(vcpu)->completed_data, 0x12345678);

	/* The HLT exit needs no completion: nothing is consumed on the next run. */
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(fake_of(vcpu)->completes, 1);

	vcpu->run.io.data = 0xab;
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(fake_of(vcpu)->completes, 2);
	assert_int_equal(fake_of(vcpu)->completed_data, 0xab);
}

static void test_stop_request_gives_intr(void **state)
{
	SCRIPT({ VCPU_RESUME, 0, 0, 0 }, { 0, HV_EXIT_IO, 0, 0 });
	vm_request_stop(vm);
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTR);
	assert_int_equal(fake_of(vcpu)->next, 0);
	assert_true(vm_stop_requested(vm));
}

static void *set_event_later(void *arg)
{
	usleep(20000);
	fake_of(vcpu)->event = true;
	vcpu_kick(vcpu);
	return NULL;
}

static void test_block_waits_for_event(void **state)
{
	pthread_t t;

	SCRIPT({ VCPU_BLOCK, 0, 0, 0 }, { 0, HV_EXIT_HLT, 0, 0 });
	pthread_create(&t, NULL, set_event_later, NULL);
	assert_int_equal(vcpu_run(vcpu), 0);
	assert_true(fake_of(vcpu)->event);
	assert_int_equal(fake_of(vcpu)->next, 2);
	pthread_join(t, NULL);
}

/* ---- the VM-configured barrier and power state ---- */

struct runner {
	struct vcpu *vcpu;
	int ret;
	u32 reason;
	volatile bool done;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	fake_cpu = r->vcpu->pcpu;
	r->ret = vcpu_run(r->vcpu);
	r->reason = r->vcpu->run.exit_reason;
	r->done = true;
	return NULL;
}

static void test_run_before_finalize_waits(void **state)
{
	struct vm *v = vm_create("late");
	struct runner r = { 0 };
	pthread_t t;

	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	r.vcpu = vm_add_vcpu(v, 1);
	vcpu_power_on(r.vcpu, &boot0);
	fake_script(r.vcpu, (const struct fake_step[]){ { 0, HV_EXIT_HLT, 0, 0 } }, 1);
	pthread_create(&t, NULL, run_thread, &r);
	usleep(30000);
	/* Still waiting in the hypervisor, not back with a spurious error. */
	assert_false(r.done);
	assert_int_equal(fake_of(r.vcpu)->next, 0);
	assert_int_equal(vm_finalize(v), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.reason, HV_EXIT_HLT);
	assert_int_equal(vm_finalize(v), -EALREADY);
	vm_destroy(v);
}

static void test_finalize_failure_kills_vm(void **state)
{
	struct vm *v = vm_create("bad");
	struct runner r = { 0 };
	pthread_t t;

	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	r.vcpu = vm_add_vcpu(v, 1);
	((struct fake_vm *)v->arch)->extra = (struct vm_region){
		.gpa = 0x80000, .size = 0x20000, .kind = VM_REGION_EMULATED, .name = "gicr",
	};
	pthread_create(&t, NULL, run_thread, &r);
	assert_int_equal(vm_finalize(v), -EINVAL);
	pthread_join(t, NULL);
	assert_int_equal(r.ret, -EIO);
	assert_int_equal(r.reason, HV_EXIT_UNKNOWN);
	assert_int_equal(vm_state(v), VM_DEAD);
	assert_non_null(strstr(v->dead_reason, "overlaps"));
	/* The map is frozen, and the VM cannot be finalized again. */
	assert_int_equal(vm_add_ram(v, 1 << 30, 1 << 20), -EBUSY);
	assert_int_equal(vm_finalize(v), -EIO);
	assert_int_equal(((struct fake_vm *)v->arch)->finalizes, 0);
	vm_destroy(v);
}

static void test_config_frozen_after_finalize(void **state)
{
	struct vm_region r = { .gpa = 1ULL << 32, .size = 0x1000, .kind = VM_REGION_VMM,
			       .name = "late" };

	assert_int_equal(vm_add_region(vm, &r), -EBUSY);
	assert_int_equal(vm_add_ram(vm, 1ULL << 32, 1 << 20), -EBUSY);
	assert_null(vm_add_vcpu(vm, 3));
}

static void test_memory_map_validation(void **state)
{
	struct vm *v = vm_create("map");
	struct vm_region big = { .gpa = (1ULL << 40) - 0x1000, .size = 0x2000,
				 .kind = VM_REGION_VMM, .name = "far" };

	assert_int_equal(vm_add_ram(v, 0x1000, 0x800), -EINVAL);
	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	assert_non_null(vm_add_vcpu(v, 0));
	assert_int_equal(vm_add_region(v, &big), 0);
	assert_int_equal(vm_finalize(v), -ERANGE);
	assert_non_null(strstr(v->dead_reason, "GPA limit"));
	vm_destroy(v);

	v = vm_create("novcpu");
	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	assert_int_equal(vm_finalize(v), -EINVAL);
	vm_destroy(v);
}

static void test_power_on_waits_and_once(void **state)
{
	struct vm *v = vm_create("smp");
	struct vcpu *v0, *v1;
	struct runner r = { 0 };
	pthread_t t;
	int err;
	const struct vcpu_boot b1 = { .mode = VCPU_BOOT_ARM64_EL1, .entry = 0x40080000,
				      .args = { 7 } };

	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	v0 = vm_add_vcpu(v, 0);
	v1 = vm_add_vcpu(v, 1);
	assert_int_equal(vm_finalize(v), 0);
	r.vcpu = v1;
	fake_script(v1, (const struct fake_step[]){ { 0, HV_EXIT_HLT, 0, 0 } }, 1);
	pthread_create(&t, NULL, run_thread, &r);
	usleep(20000);
	assert_false(r.done);
	assert_int_equal(vcpu_power_on(v1, &b1), 0);
	/* Pending, or already taken by the runner: either way not a second boot. */
	err = vcpu_power_on(v1, &b1);
	assert_true(err == -EBUSY || err == -EALREADY);
	pthread_join(t, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(fake_of(v1)->boots, 1);
	assert_int_equal(fake_of(v1)->last_boot.args[0], 7);
	assert_false(vcpu_is_on(v0));
	vm_destroy(v);
}

static void test_powered_off_vcpu_stops(void **state)
{
	struct vm *v = vm_create("off");
	struct runner r = { 0 };
	pthread_t t;

	assert_int_equal(vm_add_ram(v, 0, 1 << 20), 0);
	r.vcpu = vm_add_vcpu(v, 1);
	assert_int_equal(vm_finalize(v), 0);
	pthread_create(&t, NULL, run_thread, &r);
	usleep(20000);
	vm_request_stop(v);
	pthread_join(t, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.reason, HV_EXIT_INTR);
	vm_destroy(v);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exit_to_vmm_fills_reason),
		T(test_immediate_exit_preserves_reason),
		T(test_error_after_mmio_is_unknown),
		T(test_early_error_after_mmio_is_unknown),
		T(test_memory_fault_reason_only_with_memory_error),
		T(test_completion_consumed_exactly_once),
		T(test_stop_request_gives_intr),
		T(test_block_waits_for_event),
		T(test_config_frozen_after_finalize),
		cmocka_unit_test(test_run_before_finalize_waits),
		cmocka_unit_test(test_finalize_failure_kills_vm),
		cmocka_unit_test(test_memory_map_validation),
		cmocka_unit_test(test_power_on_waits_and_once),
		cmocka_unit_test(test_powered_off_vcpu_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
