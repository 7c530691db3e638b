#ifndef CORE_SMP_H
#define CORE_SMP_H

#include <lib/compiler.h>

/*
 * Runs @fn(@arg) on @cpu, which must be online and idle-looping (a CPU
 * running a vCPU only returns to its idle loop when the vCPU stops).
 * Returns once the target took the request, or, with @wait, once @fn
 * returned. -ENODEV for an offline CPU, -EINVAL for the calling CPU.
 */
int smp_call(unsigned int cpu, void (*fn)(void *), void *arg, bool wait);

/* Where every CPU ends up when it has nothing to run. */
__noreturn void cpu_idle_loop(void);

#endif
