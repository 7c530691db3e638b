/* SOURCES: core/vmm/vmm.c core/vmm/outcome.c core/vmm/uart16550.c core/vmm/pl011.c core/vmm/debug_exit.c core/vmm/access_counter.c core/vcpu.c core/vm.c core/vm_reset.c core/channel.c lib/fdt.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

#include <core/vmm.h>
#include <lib/errno.h>

/*
 * The VMM's restart policies: which ends "on-crash" turns into a
 * restart, one row each; the restart limit, shared by resets and
 * crashes, and its message; and the device models' reset to power-on.
 */
#include "fake_host_exits.h"
#include "fake_timer.h"

static struct vm *vm;
static struct vcpu *vcpu;

/* One VM for the whole program: the VMM keeps at most VMM_MAX_VMS. */
static int setup(void **state)
{
	vm = vm_create("crashy");
	assert_int_equal(vmm_add_vm(vm), 0);
	assert_int_equal(vm_add_ram(vm, 0, 1 << 20), 0);
	vcpu = vm_add_vcpu(vm, 0);
	assert_int_equal(pl011_create(vm, 0x9000000, 1), 0);
	assert_int_equal(uart16550_create(vm, VMM_SPACE_PIO, 0x3f8, 4, false), 0);
	assert_int_equal(vm_finalize(vm), 0);
	return 0;
}

/* A fresh life: running, no restart pending, @resets restarts behind it. */
static void fresh(u32 crash_policy, u32 reset_policy, u32 limit, u32 resets)
{
	struct vmm_vm *v = vm->vmm;

	v->outcome = VMM_OUTCOME_RUNNING;
	v->outcome_msg[0] = '\0';
	v->reset_requested = 0;
	v->crash_policy = crash_policy;
	v->reset_policy = reset_policy;
	v->restart_limit = limit;
	v->unknown_policy = VMM_UNKNOWN_STOP;
	vm->resets = resets;
}

/* Drives @vcpu's exit for one way of ending a life. */
static int end_life(u32 how)
{
	struct hv_run *run = &vcpu->run;

	run->exit_reason = how;
	if (how == HV_EXIT_SYSTEM_EVENT)
		run->system_event.type = HV_SYSTEM_EVENT_CRASH;
	if (how == HV_EXIT_IO)
		run->io = (struct hv_run_io){ HV_IO_IN, 1, 0x80, 1, 0 };
	return vmm_handle_exit(vcpu);
}

static const struct {
	u32 exit;
	u32 outcome;
	bool crash;
} ends[] = {
	{ HV_EXIT_SHUTDOWN, VMM_OUTCOME_SHUTDOWN, true },
	{ HV_EXIT_INTERNAL_ERROR, VMM_OUTCOME_INTERNAL_ERROR, true },
	{ HV_EXIT_FAIL_ENTRY, VMM_OUTCOME_FAIL_ENTRY, true },
	{ HV_EXIT_SYSTEM_EVENT, VMM_OUTCOME_CRASH, true },
	{ HV_EXIT_IO, VMM_OUTCOME_UNHANDLED_ACCESS, true },	/* no device, "stop" policy */
	{ HV_EXIT_HLT, VMM_OUTCOME_HALTED, false },		/* how a guest powers off */
	{ HV_EXIT_UNKNOWN, VMM_OUTCOME_ERROR, false },		/* the hypervisor's failure */
};

static void test_crash_policy_rows(void **state)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		assert_int_equal(vmm_outcome_is_crash(ends[i].outcome), ends[i].crash);
		/* "stop" (the default): every end stops the VM with its own outcome. */
		fresh(VMM_CRASH_STOP, VMM_RESET_RESTART, VMM_NO_RESTART_LIMIT, 0);
		assert_int_equal(end_life(ends[i].exit), 1);
		assert_int_equal(vm->vmm->outcome, ends[i].outcome);
		/* "restart": a crash asks for a restart and the thread parks (0). */
		fresh(VMM_CRASH_RESTART, VMM_RESET_RESTART, VMM_NO_RESTART_LIMIT, 0);
		if (end_life(ends[i].exit) != !ends[i].crash)
			fail_msg("row %u: on-crash = \"restart\" %s", i,
				 ends[i].crash ? "did not restart a crash" : "restarted a non-crash");
		assert_int_equal(vm->vmm->reset_requested, ends[i].crash);
		assert_int_equal(vm->vmm->outcome,
				 ends[i].crash ? VMM_OUTCOME_RUNNING : ends[i].outcome);
	}
	assert_false(vmm_outcome_is_crash(VMM_OUTCOME_COUNT));
}

static void test_restart_cause_said(void **state)
{
	fresh(VMM_CRASH_RESTART, VMM_RESET_RESTART, 100, 7);
	assert_int_equal(end_life(HV_EXIT_SHUTDOWN), 0);
	assert_string_equal(vm->vmm->restart_cause, "vCPU 0: triple fault (shutdown)");
}

/* The limit counts every restart; the next end stops the VM and says why. */
static void test_restart_limit(void **state)
{
	fresh(VMM_CRASH_RESTART, VMM_RESET_RESTART, 3, 2);
	assert_int_equal(end_life(HV_EXIT_SHUTDOWN), 0);
	fresh(VMM_CRASH_RESTART, VMM_RESET_RESTART, 3, 3);
	assert_int_equal(end_life(HV_EXIT_SHUTDOWN), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_SHUTDOWN);
	assert_string_equal(vm->vmm->outcome_msg,
			    "vCPU 0: triple fault (shutdown); restart limit 3 reached");
	assert_int_equal(vm->vmm->reset_requested, 0);
	/* A reset the guest asks for counts against the same limit. */
	fresh(VMM_CRASH_STOP, VMM_RESET_RESTART, 3, 3);
	vcpu->run.exit_reason = HV_EXIT_SYSTEM_EVENT;
	vcpu->run.system_event.type = HV_SYSTEM_EVENT_RESET;
	assert_int_equal(vmm_handle_exit(vcpu), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_RESET);
	assert_string_equal(vm->vmm->outcome_msg,
			    "vCPU 0 asked for reset; restart limit 3 reached");
	/* A limit of 0: never restarted. */
	fresh(VMM_CRASH_RESTART, VMM_RESET_RESTART, 0, 0);
	assert_int_equal(end_life(HV_EXIT_SHUTDOWN), 1);
}

/* ops->reset brings each model back to power-on: a new life's driver expects it. */
static void test_devices_reset(void **state)
{
	struct vmm_vm *v = vm->vmm;
	u64 val = 0;
	u32 i;

	/* PL011 IMSC and the 16550's IER, set by the old life. */
	assert_int_equal(v->devices[0].ops->write(&v->devices[0], 0x38, 4, 0x20), 0);
	assert_int_equal(v->devices[1].ops->write(&v->devices[1], 1, 1, 0x3), 0);
	for (i = 0; i < v->nr_devices; i++) {
		assert_non_null(v->devices[i].ops->reset);
		v->devices[i].ops->reset(&v->devices[i]);
	}
	assert_int_equal(v->devices[0].ops->read(&v->devices[0], 0x38, 4, &val), 0);
	assert_true(val == 0);
	assert_int_equal(v->devices[0].ops->read(&v->devices[0], 0x30, 4, &val), 0);
	assert_true(val == 0x300);
	assert_int_equal(v->devices[1].ops->read(&v->devices[1], 1, 1, &val), 0);
	assert_true(val == 0);
	assert_false(fake_irq_level[1] || fake_irq_level[4]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_policy_rows),
		cmocka_unit_test(test_restart_cause_said),
		cmocka_unit_test(test_restart_limit),
		cmocka_unit_test(test_devices_reset),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
