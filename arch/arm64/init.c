#include <core/arch.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/percpu.h>
#include <asm/console.h>
#include <asm/dt.h>
#include <asm/gic.h>
#include <asm/psci.h>
#include <asm/smp.h>

/*
 * The GIC first: secondaries set up their own redistributor and CPU
 * interface as they arrive, which needs the distributor in affinity
 * routing mode. Without PSCI the CPUs are still counted, so that they
 * show as missing rather than the machine looking smaller than it is.
 */
/* The devices the hypervisor drives: a passthrough device may not take them (config_check.h). */
static void claim_host_devices(void)
{
	const struct gic_region *r;
	unsigned int i, n;

	console_claim_host();
	r = gic_mmio_regions(&n);
	for (i = 0; i < n; i++)
		config_host_claim(false, r[i].base, r[i].size,
				  i ? CONFIG_HOST_GICR : CONFIG_HOST_GICD);
}

int arch_init(const struct boot_info *bi)
{
	int err = gic_init();

	claim_host_devices();

	if (!err)
		err = gic_init_cpu(this_cpu()->hw_id);
	if (err)
		return err;
	if (psci_init(&arm64_fdt))
		pr_warn("no usable PSCI: secondary CPUs cannot be started\n");
	return arm64_smp_init(&arm64_fdt);
}
