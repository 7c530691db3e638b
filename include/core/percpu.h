#ifndef CORE_PERCPU_H
#define CORE_PERCPU_H

#include <lib/types.h>

#define MAX_CPUS	16

struct vcpu;

/*
 * Per physical CPU. Only its own CPU writes a percpu after bring-up, except
 * @online, which the boot CPU reads (acquire) while waiting for the others.
 */
struct percpu {
	struct percpu *self;	/* x86 reads this through %gs:0; keep it first */
	u32 cpu_id;		/* logical: 0 is the boot CPU */
	u32 online;
	u64 hw_id;		/* APIC ID on x86, MPIDR affinity on arm64 */
	void *stack_top;
	struct vcpu *current_vcpu;
};

extern struct percpu percpu_data[MAX_CPUS];
extern u32 nr_cpus_possible;

struct percpu *this_cpu(void);
unsigned int cpu_id(void);
unsigned int cpus_online(void);
void percpu_mark_online(struct percpu *pc);

#endif
