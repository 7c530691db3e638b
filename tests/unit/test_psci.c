/* SOURCES: core/psci.c core/vcpu.c core/vm.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

#include <core/psci.h>

/*
 * PSCI's state machine for a VM (core/psci.c) over the real vCPU power
 * states of core/vcpu.c: each call's answer, what it does to its target,
 * and the guest's arguments checked before anything changes.
 */
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(1ULL << 20)
#define NR		4
#define R(v)		((u64)(s64)(v))

static struct vm *vm;
static struct vcpu *v[NR];

static int setup(void **state)
{
	unsigned int i;

	vm = vm_create("psci");
	assert_non_null(vm);
	assert_int_equal(vm_add_ram(vm, RAM_BASE, RAM_SIZE), 0);
	for (i = 0; i < NR; i++) {
		v[i] = vm_add_vcpu(vm, i);
		assert_non_null(v[i]);
	}
	assert_int_equal(vm_finalize(vm), 0);
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

static u64 call(struct vcpu *from, u32 fn, u64 a1, u64 a2, u64 a3, int want_r)
{
	u64 ret = 0xdead;

	assert_int_equal(psci_call(from, fn, a1, a2, a3, &ret), want_r);
	return ret;
}

static void test_is_call(void **state)
{
	assert_true(psci_is_call(PSCI_VERSION));
	assert_true(psci_is_call(PSCI_CPU_ON | PSCI_64BIT));
	assert_true(psci_is_call(0x8400001f));
	assert_false(psci_is_call(0x84000020));
	assert_false(psci_is_call(0x80000000));		/* SMCCC_VERSION */
	assert_false(psci_is_call(0xc6000001));		/* the hypervisor's hypercalls */
	assert_false(psci_is_call(0x85000000));
}

static void test_version_features(void **state)
{
	assert_int_equal(call(v[0], PSCI_VERSION, 0, 0, 0, VCPU_RESUME), PSCI_VERSION_1_0);
	assert_int_equal(call(v[0], PSCI_FEATURES, PSCI_CPU_ON | PSCI_64BIT, 0, 0, VCPU_RESUME), 0);
	assert_int_equal(call(v[0], PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0, VCPU_RESUME), 0);
	assert_int_equal(call(v[0], PSCI_FEATURES, PSCI_CPU_SUSPEND | PSCI_64BIT, 0, 0,
			      VCPU_RESUME), 0);
	assert_int_equal(call(v[0], PSCI_FEATURES, 0x8400000b, 0, 0, VCPU_RESUME),
			 R(PSCI_RET_NOT_SUPPORTED));	/* CPU_FREEZE */
	/* CPU_SUSPEND waits like WFI and returns SUCCESS (standby). */
	assert_int_equal(call(v[0], PSCI_CPU_SUSPEND, 0x10000, RAM_BASE, 0, VCPU_BLOCK), 0);
	/* SYSTEM_OFF has no 64-bit form; neither has VERSION. */
	assert_int_equal(call(v[0], PSCI_FEATURES, PSCI_SYSTEM_OFF | PSCI_64BIT, 0, 0,
			      VCPU_RESUME), R(PSCI_RET_NOT_SUPPORTED));
	/* FEATURES is an SMC32 call: the upper half of x1 is not part of the ID. */
	assert_int_equal(call(v[0], PSCI_FEATURES, 1ULL << 32 | PSCI_VERSION, 0, 0, VCPU_RESUME),
			 0);
	assert_int_equal(call(v[0], PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, VCPU_RESUME), 2);
	assert_int_equal(call(v[0], 0x8400001f, 0, 0, 0, VCPU_RESUME), R(PSCI_RET_NOT_SUPPORTED));
	assert_int_equal(call(v[0], PSCI_VERSION | PSCI_64BIT, 0, 0, 0, VCPU_RESUME),
			 R(PSCI_RET_NOT_SUPPORTED));
}

static void test_cpu_on_checks(void **state)
{
	const u32 on = PSCI_CPU_ON | PSCI_64BIT;

	assert_int_equal(call(v[0], on, NR, RAM_BASE, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_PARAMETERS));
	assert_int_equal(call(v[0], on, 1ULL << 8 | 1, RAM_BASE, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_PARAMETERS));	/* Aff1 names no vCPU */
	assert_int_equal(call(v[0], on, 1, RAM_BASE - 4, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_ADDRESS));
	assert_int_equal(call(v[0], on, 1, RAM_BASE + RAM_SIZE, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_ADDRESS));
	assert_int_equal(call(v[0], on, 1, RAM_BASE + 2, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_ADDRESS));
	assert_false(vcpu_is_on(v[1]));
	assert_int_equal(call(v[0], PSCI_AFFINITY_INFO, 1, 0, 0, VCPU_RESUME), PSCI_AFFINITY_OFF);
}

static void test_cpu_on_lifecycle(void **state)
{
	const u32 on = PSCI_CPU_ON | PSCI_64BIT;

	assert_int_equal(call(v[0], on, 2, RAM_BASE + 0x1000, 0x1234, VCPU_RESUME), 0);
	assert_int_equal(vcpu_power_state(v[2]), VCPU_POWER_PENDING);
	assert_int_equal(v[2]->boot.mode, VCPU_BOOT_ARM64_EL1);
	assert_int_equal(v[2]->boot.entry, RAM_BASE + 0x1000);
	assert_int_equal(v[2]->boot.args[0], 0x1234);
	assert_int_equal(call(v[0], PSCI_AFFINITY_INFO | PSCI_64BIT, 2, 0, 0, VCPU_RESUME),
			 PSCI_AFFINITY_ON_PENDING);
	assert_int_equal(call(v[0], on, 2, RAM_BASE, 0, VCPU_RESUME), R(PSCI_RET_ON_PENDING));
	/* The target takes its boot (vcpu_run() would): now it is plainly ON. */
	__atomic_store_n(&v[2]->power, VCPU_POWER_ON, __ATOMIC_RELEASE);
	assert_int_equal(call(v[0], on, 2, RAM_BASE, 0, VCPU_RESUME), R(PSCI_RET_ALREADY_ON));
	assert_int_equal(call(v[0], PSCI_AFFINITY_INFO, 2, 0, 0, VCPU_RESUME), PSCI_AFFINITY_ON);
	assert_int_equal(call(v[0], PSCI_AFFINITY_INFO, 2, 1, 0, VCPU_RESUME),
			 R(PSCI_RET_INVALID_PARAMETERS));
	/* CPU_OFF is the caller's own: core powers it off. */
	call(v[2], PSCI_CPU_OFF, 0, 0, 0, VCPU_POWERED_OFF);
	vcpu_power_off(v[2]);
	assert_int_equal(call(v[0], PSCI_AFFINITY_INFO, 2, 0, 0, VCPU_RESUME), PSCI_AFFINITY_OFF);
	assert_int_equal(call(v[0], on, 2, RAM_BASE + 0x2000, 7, VCPU_RESUME), 0);
	assert_int_equal(v[2]->boot.entry, RAM_BASE + 0x2000);
}

/* The 32-bit form takes W registers: the upper halves are not arguments. */
static void test_cpu_on_32(void **state)
{
	assert_int_equal(call(v[0], PSCI_CPU_ON, 0xffffffff00000003ULL,
			      0xabcd000000000000ULL | (RAM_BASE + 0x40), 0x5555555500000009ULL,
			      VCPU_RESUME), 0);
	assert_int_equal(v[3]->boot.entry, RAM_BASE + 0x40);
	assert_int_equal(v[3]->boot.args[0], 9);
}

static void test_system_events(void **state)
{
	call(v[1], PSCI_SYSTEM_OFF, 0, 0, 0, 0);
	assert_int_equal(v[1]->run.exit_reason, HV_EXIT_SYSTEM_EVENT);
	assert_int_equal(v[1]->run.system_event.type, HV_SYSTEM_EVENT_SHUTDOWN);
	call(v[1], PSCI_SYSTEM_RESET, 0, 0, 0, 0);
	assert_int_equal(v[1]->run.system_event.type, HV_SYSTEM_EVENT_RESET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_call),
		cmocka_unit_test(test_version_features),
		cmocka_unit_test(test_cpu_on_checks),
		cmocka_unit_test(test_cpu_on_lifecycle),
		cmocka_unit_test(test_cpu_on_32),
		cmocka_unit_test(test_system_events),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
