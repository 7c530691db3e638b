#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <core/percpu.h>
#include <lib/fdt.h>
#include <asm/asm_offsets.h>

extern u8 arm64_cpu_stacks[MAX_CPUS][ARM64_STACK_SIZE];

/* Fills @cpu's percpu: its identity, MPIDR and stack. */
void arm64_percpu_init(unsigned int cpu, u64 mpidr);
/* Starts every CPU of /cpus and waits (bounded) for each to come online. */
int arm64_smp_init(const struct fdt *fdt);

/* head.S: where PSCI CPU_ON starts a secondary, x0 = its percpu. */
void secondary_entry(void);
/* Its first C code, MMU on. */
__noreturn void arm64_secondary_main(void);

/* Acknowledges and completes this CPU's pending host interrupts (after a WFI, or a guest exit). */
void arm64_host_irqs(void);

#endif
