#include <asm/acpi.h>
#include <asm/boot.h>
#include <asm/cpu.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/page_alloc.h>
#include <lib/errno.h>
#include <lib/string.h>

#define AP_STACK_PAGES		4
#define AP_START_TIMEOUT_US	500000

extern const u8 trampoline_start[], trampoline_end[], trampoline_params[];

void x86_ap_main(struct percpu *pc);

__noreturn void x86_ap_main(struct percpu *pc)
{
	write_cr3(paging_root());
	x86_cpu_early_init(pc);
	lapic_init();
	lapic_timer_init();
	svm_cpu_init();
	hv_secondary_main();
}

static struct trampoline_params *install_trampoline(void)
{
	size_t len = (size_t)(trampoline_end - trampoline_start);

	memcpy((void *)(uintptr_t)TRAMPOLINE_BASE, trampoline_start, len);
	return (struct trampoline_params *)(uintptr_t)(TRAMPOLINE_BASE +
						       (trampoline_params - trampoline_start));
}

static bool wait_online(struct percpu *pc)
{
	u64 waited;

	for (waited = 0; waited < AP_START_TIMEOUT_US; waited += 100) {
		if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
			return true;
		udelay(100);
	}
	return false;
}

/*
 * One AP at a time: they share the trampoline's parameter block, which
 * is only rewritten once the previous AP has come up (and so stopped
 * reading it).
 */
static int start_ap(struct trampoline_params *tp, unsigned int cpu, u32 apic_id)
{
	struct percpu *pc = &percpu_data[cpu];
	u8 *stack = page_alloc_contig(AP_STACK_PAGES, PAGE_SIZE);
	int err;

	if (!stack)
		return -ENOMEM;
	pc->cpu_id = cpu;
	pc->hw_id = apic_id;
	pc->stack_top = stack + AP_STACK_PAGES * PAGE_SIZE;
	tp->cr3 = (u32)(uintptr_t)boot_pml4;
	tp->stack_top = (u64)(uintptr_t)pc->stack_top;
	tp->percpu = (u64)(uintptr_t)pc;
	tp->entry = (u64)(uintptr_t)x86_ap_main;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	err = lapic_start_ap(apic_id, TRAMPOLINE_BASE >> PAGE_SHIFT);
	if (!err && !wait_online(pc))
		err = -ETIMEDOUT;
	if (err) {
		/*
		 * A late AP would run on a freed stack with the next AP's
		 * parameters: INIT puts it back into wait-for-SIPI first.
		 */
		lapic_park_ap(apic_id);
		page_free_contig(stack, AP_STACK_PAGES);
	}
	return err;
}

int smp_boot(const struct acpi_info *acpi)
{
	struct trampoline_params *tp = install_trampoline();
	u32 bsp = lapic_id();
	unsigned int i, cpu = 1;
	int err;

	for (i = 0; i < acpi->nr_cpus; i++) {
		if (acpi->apic_ids[i] == bsp)
			continue;
		err = start_ap(tp, cpu, acpi->apic_ids[i]);
		if (err)
			pr_err("CPU with APIC ID %u did not start (%s)\n", acpi->apic_ids[i],
			       errno_name(err));
		cpu++;
	}
	nr_cpus_possible = cpu;
	return 0;
}
