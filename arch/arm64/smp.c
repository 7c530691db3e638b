#include <core/arch.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/percpu.h>
#include <lib/errno.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <asm/asm_offsets.h>
#include <asm/cache.h>
#include <asm/gic.h>
#include <asm/mmu.h>
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/sysreg.h>

STATIC_ASSERT(offsetof(struct percpu, stack_top) == PERCPU_STACK_TOP, "asm_offsets.h");

/* How long a started CPU may take to report online; TCG on a busy host is slow. */
#define CPU_ONLINE_TIMEOUT_NS	(5ULL * 1000 * 1000 * 1000)

u8 arm64_cpu_stacks[MAX_CPUS][ARM64_STACK_SIZE] __aligned(16);

void arm64_percpu_init(unsigned int cpu, u64 mpidr)
{
	struct percpu *pc = &percpu_data[cpu];

	pc->self = pc;
	pc->cpu_id = cpu;
	pc->hw_id = mpidr;
	pc->stack_top = arm64_cpu_stacks[cpu] + ARM64_STACK_SIZE;
}

__noreturn void arm64_secondary_main(void)
{
	struct percpu *pc = this_cpu();

	if (gic_init_cpu(pc->hw_id)) {
		pr_err("CPU %u: no interrupt controller; stopping it\n", pc->cpu_id);
		arch_cpu_stop();
	}
	hv_secondary_main();
}

/*
 * The new CPU runs secondary_entry with its MMU and caches off, so what
 * it reads before turning them on (its percpu for the stack, the MMU
 * register values) must be in memory, not only in this CPU's cache.
 */
static int start_cpu(unsigned int cpu, u64 mpidr)
{
	arm64_percpu_init(cpu, mpidr);
	dcache_clean_object(&percpu_data[cpu], sizeof(percpu_data[cpu]));
	dcache_clean_object(&arm64_mmu_config, sizeof(arm64_mmu_config));
	return psci_cpu_on(mpidr, (u64)(uintptr_t)secondary_entry,
			   (u64)(uintptr_t)&percpu_data[cpu]);
}

static bool is_cpu_node(const struct fdt *f, int node)
{
	const char *type;

	return fdt_prop_string(f, node, "device_type", &type) >= 0 && !strcmp(type, "cpu") &&
	       fdt_is_enabled(f, node);
}

static bool uses_psci(const struct fdt *f, int node)
{
	const char *method;

	return fdt_prop_string(f, node, "enable-method", &method) >= 0 &&
	       !strcmp(method, "psci");
}

/* The CPU's "reg" is its MPIDR affinity; anything outside the affinity fields is a bad DTB. */
static int cpu_mpidr(const struct fdt *f, int node, u64 *mpidr)
{
	u64 size;
	int err = fdt_reg(f, node, 0, mpidr, &size);

	if (!err && (*mpidr & ~MPIDR_AFF_MASK))
		err = -ERANGE;
	return err;
}

/* Starts one secondary as logical @cpu; false if it could not be asked to start. */
static bool try_start(const struct fdt *f, int node, unsigned int cpu, u64 mpidr)
{
	int err;

	if (!uses_psci(f, node)) {
		pr_warn("CPU %#llx: enable-method is not \"psci\"; not started\n", mpidr);
		return false;
	}
	err = start_cpu(cpu, mpidr);
	if (err) {
		pr_err("CPU %#llx: PSCI CPU_ON failed (%s)\n", mpidr, errno_name(err));
		return false;
	}
	return true;
}

static void wait_online(const bool *started, unsigned int nr)
{
	u64 deadline = arch_time_ns() + CPU_ONLINE_TIMEOUT_NS;
	unsigned int cpu;

	for (cpu = 1; cpu < nr; cpu++) {
		if (!started[cpu])
			continue;
		while (!__atomic_load_n(&percpu_data[cpu].online, __ATOMIC_ACQUIRE) &&
		       arch_time_ns() < deadline)
			cpu_relax();
		if (!__atomic_load_n(&percpu_data[cpu].online, __ATOMIC_ACQUIRE))
			pr_err("CPU %u (MPIDR %#llx) did not come online\n", cpu,
			       percpu_data[cpu].hw_id);
	}
}

/*
 * Logical ids follow /cpus order, the boot CPU keeping 0. Every CPU is
 * asked to start before any is waited for, so their bring-ups overlap.
 * nr_cpus_possible counts every CPU the DTB lists (up to MAX_CPUS), so
 * one that fails to start shows as missing instead of being forgotten.
 */
int arm64_smp_init(const struct fdt *f)
{
	u64 boot = this_cpu()->hw_id, mpidr;
	unsigned int next = 1, listed = 0;
	bool boot_seen = false, started[MAX_CPUS] = { false };
	int cpus = fdt_path(f, "/cpus", 5), node;

	if (cpus < 0)
		return trace_err(-ENODEV, "no /cpus node in the DTB");
	for (node = fdt_first_subnode(f, cpus); node >= 0; node = fdt_next_subnode(f, node)) {
		if (!is_cpu_node(f, node))
			continue;
		if (cpu_mpidr(f, node, &mpidr)) {
			pr_warn("a /cpus entry without a usable reg; skipped\n");
			continue;
		}
		listed++;
		if (mpidr == boot) {
			boot_seen = true;
			continue;
		}
		if (next == MAX_CPUS) {
			pr_warn("CPU %#llx: more than %u CPUs; not started\n", mpidr, MAX_CPUS);
			continue;
		}
		/* A CPU that failed keeps its logical id: it shows as missing, not renumbered. */
		started[next] = try_start(f, node, next, mpidr);
		next++;
	}
	if (!boot_seen)
		pr_warn("the boot CPU (MPIDR %#llx) is not in /cpus\n", boot);
	nr_cpus_possible = MIN(listed + !boot_seen, (unsigned int)MAX_CPUS);
	wait_online(started, next);
	return 0;
}
