#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/config_check.h>
#include <core/console.h>
#include <lib/errno.h>

/* The x86 side of include/core/arch.h. */

#define DEBUG_EXIT_PORT		0xf4
#define PM1_SLP_EN		BIT(13)
#define PM1_SLP_TYP_SHIFT	10

static struct acpi_info acpi;

struct percpu *arch_this_cpu(void)
{
	struct percpu *pc;

	__asm__ ("mov %%gs:0, %0" : "=r"(pc));
	return pc;
}

static const void *acpi_map(u64 pa, u64 len, void *ctx)
{
	return paging_is_mapped(pa, len) ? (const void *)(uintptr_t)pa : NULL;
}

static void acpi_init(const struct boot_info *bi)
{
	const u8 *rsdp = bi->acpi_rsdp;
	size_t len = bi->acpi_rsdp_len;
	u64 pa;
	int err;

	if (len < 20) {
		/* Booted from UEFI there are no BIOS areas to scan. */
		pa = bi->ram_from_efi ? 0 : acpi_find_rsdp(acpi_map, NULL);
		rsdp = pa ? acpi_map(pa, 36, NULL) : NULL;
		len = 36;
	}
	err = rsdp ? acpi_parse(rsdp, len, acpi_map, NULL, &acpi) : -ENOENT;
	if (err)
		pr_warn("no usable ACPI MADT (%s): running on the boot CPU only\n",
			errno_name(err));
	if (acpi.cpus_ignored)
		pr_warn("%u CPUs beyond the first %u are left offline\n", acpi.cpus_ignored,
			MAX_CPUS);
}

/*
 * What the hypervisor drives itself, so that no passthrough device of the
 * configuration takes it (config_host_claim()); the console's UART is
 * claimed by the console, the IOAPIC by its driver.
 */
static void claim_host_devices(void)
{
	config_host_claim(false, rdmsr(MSR_APIC_BASE) & ~0xfffULL & ((1ULL << 52) - 1), 0x1000,
			  CONFIG_HOST_LAPIC);
	config_host_claim(true, DEBUG_EXIT_PORT, 4, CONFIG_HOST_DEBUG_EXIT);
	if (acpi.pm1a_cnt)
		config_host_claim(true, acpi.pm1a_cnt, 2, CONFIG_HOST_PM1A);
}

/* SVM comes up on the boot CPU first: the APs check against its findings. */
int arch_init(const struct boot_info *bi)
{
	paging_init(bi);
	tsc_calibrate();
	lapic_init();
	lapic_timer_init();
	svm_cpu_init();
	acpi_init(bi);
	ioapic_init(&acpi);
	claim_host_devices();
	return smp_boot(&acpi);
}

/*
 * sti;hlt is one atomic window: an interrupt pending since before the sti
 * (a kick that raced with the caller's last check) ends the hlt instead
 * of being lost. Its handler runs here, then interrupts go off again.
 */
void arch_cpu_wait(void)
{
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

void arch_cpu_kick(unsigned int cpu)
{
	lapic_send_ipi((u32)percpu_data[cpu].hw_id, VECTOR_KICK);
}

__noreturn void arch_cpu_stop(void)
{
	for (;;) {
		irq_disable();
		halt();
	}
}

void arch_stop_other_cpus(void)
{
	__atomic_store_n(&x86_stopping, 1, __ATOMIC_RELEASE);
	lapic_send_nmi_all_but_self();
}

__noreturn void arch_system_off(void)
{
	if (acpi.pm1a_cnt && acpi.has_s5)
		outw(acpi.pm1a_cnt, (u16)(acpi.slp_typ_s5 << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	/* The chipset may take a moment to cut the power; do not cry wolf. */
	udelay(100000);
	pr_info("power-off did not take; halting\n");
	arch_cpu_stop();
}

__noreturn void arch_test_exit(unsigned int code)
{
	outb(DEBUG_EXIT_PORT, (u8)code);
	arch_system_off();
}
