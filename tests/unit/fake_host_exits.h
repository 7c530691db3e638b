#ifndef FAKE_HOST_EXITS_H
#define FAKE_HOST_EXITS_H

#include <stdlib.h>
#include <string.h>
#include <core/vmm.h>

/*
 * The host around the VMM, for tests that link it: there is no other CPU
 * to call, and leaving or idling the CPU must not be reached, so those
 * abort and the test fails with a trace instead of passing silently.
 */
int smp_call(unsigned int cpu, void (*fn)(void *), void *arg, bool wait)
{
	return -ENODEV;
}

__noreturn void cpu_idle_loop(void)
{
	abort();
}

bool hv_test_mode(void)
{
	return true;
}

__noreturn void arch_test_exit(unsigned int code)
{
	abort();
}

__noreturn void arch_system_off(void)
{
	abort();
}

/* The configured VM named @name (config tests); the test fails without it. */
static inline struct vm *find_vm(const char *name)
{
	u32 i;

	for (i = 0; i < vmm_nr_vms(); i++)
		if (!strcmp(vmm_vm(i)->name, name))
			return vmm_vm(i);
	fail_msg("no vm %s", name);
	return NULL;
}

#endif
