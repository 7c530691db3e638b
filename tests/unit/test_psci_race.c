/* SOURCES: core/vcpu.c core/vm.c core/psci.c lib/string.c lib/errno.c */
/* TSAN: yes */
#include "test_support.h"
#include "fake_arch.h"

#include <core/psci.h>

/*
 * PSCI CPU_ON raced against the target's CPU_OFF, 10,000 times: vCPU 1
 * turns itself off (CPU_OFF) the moment it runs, while vCPU 0 calls
 * CPU_ON on it in a tight loop. Every SUCCESS must become exactly one
 * boot with its own context id, in order (none lost), and CPU_OFF must
 * never return (the guest never runs again without a new boot).
 */
#define ROUNDS		10000
#define RAM_BASE	0x0
#define ENTRY		0x1000

static struct vm *vm;
static volatile u32 runs, out_of_order, returned;

/* vCPU 1's "guest": checks what it was started with, then CPU_OFF. */
static int target_runs(struct vcpu *vcpu)
{
	struct fake_vcpu *f = fake_of(vcpu);
	u64 ret;
	u32 n = __atomic_add_fetch(&runs, 1, __ATOMIC_ACQ_REL);

	if (n != f->boots)
		__atomic_fetch_add(&returned, 1, __ATOMIC_RELAXED);
	if (f->last_boot.args[0] != f->boots || f->last_boot.entry != ENTRY)
		__atomic_fetch_add(&out_of_order, 1, __ATOMIC_RELAXED);
	return psci_call(vcpu, PSCI_CPU_OFF, 0, 0, 0, &ret);
}

static void *target_thread(void *arg)
{
	struct vcpu *v = arg;
	int r;

	do
		r = vcpu_run(v);
	while (r == 0 && !vm_stop_requested(vm));
	return NULL;
}

static void test_cpu_on_races_cpu_off(void **state)
{
	struct vcpu *v0, *v1;
	u32 successes = 0, pending = 0, already = 0;
	pthread_t t;
	u64 ret;

	vm = vm_create("race");
	assert_int_equal(vm_add_ram(vm, RAM_BASE, 1 << 20), 0);
	v0 = vm_add_vcpu(vm, 0);
	v1 = vm_add_vcpu(vm, 1);
	assert_int_equal(vm_finalize(vm), 0);
	fake_of(v1)->run_hook = target_runs;
	pthread_create(&t, NULL, target_thread, v1);
	while (successes < ROUNDS) {
		assert_int_equal(psci_call(v0, PSCI_CPU_ON | PSCI_64BIT, 1, ENTRY, successes + 1,
					   &ret), VCPU_RESUME);
		if (ret == PSCI_RET_SUCCESS)
			successes++;
		else if ((s64)ret == PSCI_RET_ON_PENDING)
			pending++;
		else if ((s64)ret == PSCI_RET_ALREADY_ON)
			already++;
		else
			fail_msg("CPU_ON answered %lld", (long long)(s64)ret);
	}
	while (__atomic_load_n(&runs, __ATOMIC_ACQUIRE) < ROUNDS || vcpu_is_on(v1))
		sched_yield();
	assert_int_equal(psci_call(v0, PSCI_AFFINITY_INFO | PSCI_64BIT, 1, 0, 0, &ret),
			 VCPU_RESUME);
	assert_int_equal(ret, PSCI_AFFINITY_OFF);
	vm_request_stop(vm);
	pthread_join(t, NULL);
	print_message("%u CPU_ON answered SUCCESS, %u ON_PENDING, %u ALREADY_ON\n", successes,
		      pending, already);
	assert_int_equal(fake_of(v1)->boots, ROUNDS);
	assert_int_equal(runs, ROUNDS);
	assert_int_equal(returned, 0);
	assert_int_equal(out_of_order, 0);
	vm_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_on_races_cpu_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
