#ifndef CORE_ARCH_H
#define CORE_ARCH_H

#include <core/boot.h>
#include <lib/compiler.h>

/*
 * The arch interface: everything core/ may ask of the CPU and platform.
 * Each architecture implements all of it; core/ includes no other arch
 * header.
 */

/* The CPU's own percpu, from %gs on x86 and TPIDR_EL2 on arm64. */
struct percpu;
struct percpu *arch_this_cpu(void);

void arch_console_write(const char *s, size_t n);

/* Late bring-up on the boot CPU, after the page allocator: SMP and devices. */
int arch_init(const struct boot_info *bi);

/* Waits for an interrupt or a kick (hlt / wfi); returns with interrupts masked. */
void arch_cpu_wait(void);
/* Wakes @cpu from arch_cpu_wait() (an IPI). */
void arch_cpu_kick(unsigned int cpu);
/* Stops this CPU for good. */
__noreturn void arch_cpu_stop(void);
/* Asks every other CPU to stop (panic). */
void arch_stop_other_cpus(void);

/* Monotonic time since an arbitrary origin, in nanoseconds. */
u64 arch_time_ns(void);

/* Powers the machine off (ACPI S5 / PSCI SYSTEM_OFF). */
__noreturn void arch_system_off(void);
/*
 * Leaves QEMU with status (code << 1) | 1 (isa-debug-exit on x86,
 * semihosting on arm64) so that a test runner can tell a deliberate exit
 * from a triple fault (status 0) or a timeout (124). Falls back to
 * arch_system_off() on a machine without the device.
 */
__noreturn void arch_test_exit(unsigned int code);

#endif
