#include <core/arch.h>
#include <core/percpu.h>

struct percpu percpu_data[MAX_CPUS];
u32 nr_cpus_possible = 1;

struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

unsigned int cpu_id(void)
{
	return arch_this_cpu()->cpu_id;
}

/* Pairs with the acquire in cpus_online(): the CPU's percpu is set up before it counts. */
void percpu_mark_online(struct percpu *pc)
{
	__atomic_store_n(&pc->online, 1, __ATOMIC_RELEASE);
}

unsigned int cpus_online(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_CPUS; i++)
		n += __atomic_load_n(&percpu_data[i].online, __ATOMIC_ACQUIRE);
	return n;
}
