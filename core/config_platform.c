/*
 * The x86 platform's fixed windows (include/core/config_check.h): what
 * arch/x86/vplat/ answers in every VM, so that the checker refuses a
 * device of the configuration there. Apart from the schema, so that the
 * platform can check its own ports against it without the checker.
 */
#include <core/config_check.h>
#include <lib/errno.h>

const struct config_fixed_window config_x86_platform[] = {
	{ 0x20, 2, true, "the 8259 PIC" },
	{ 0x40, 4, true, "the 8254 PIT" },
	{ 0x60, 1, true, "the 8042's data port" },
	{ 0x61, 1, true, "port 0x61 (PIT gate 2, speaker)" },
	{ 0x64, 1, true, "the 8042's command port" },
	{ 0x70, 2, true, "the CMOS RTC" },
	{ 0xa0, 2, true, "the second 8259 PIC" },
	{ 0x600, 6, true, "the ACPI PM1 registers" },
	{ 0x608, 4, true, "the ACPI PM timer" },
	{ 0xcf9, 1, true, "the reset register" },
	{ 0xfec00000, 0x1000, false, "the IOAPIC" },
	{ 0xfee00000, 0x1000, false, "the local APIC" },
};

const u32 config_x86_nr_platform = ARRAY_SIZE(config_x86_platform);

bool config_x86_platform_has(bool io_port, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < config_x86_nr_platform; i++)
		if (config_x86_platform[i].io_port == io_port &&
		    range_within(base, size, config_x86_platform[i].base,
				 config_x86_platform[i].size))
			return true;
	return false;
}


/*
 * The host's own devices (include/core/config_check.h). Claimed by the
 * drivers on the boot CPU before any configuration is read, so the list
 * is complete and no longer changes when the check reads it.
 */
static struct config_fixed_window host_windows[CONFIG_MAX_HOST_WINDOWS];
static u32 nr_host_windows;

int config_host_claim(bool io_port, u64 base, u64 size, const char *what)
{
	if (nr_host_windows == CONFIG_MAX_HOST_WINDOWS)
		return -ENOSPC;
	host_windows[nr_host_windows++] = (struct config_fixed_window){ base, size, io_port,
									what };
	return 0;
}

const struct config_fixed_window *config_host_windows(u32 *n)
{
	*n = nr_host_windows;
	return host_windows;
}

static const struct {
	u32 arch;
	struct config_fixed_window w;
} qemu_host[] = {
	{ CONFIG_X86_64, { 0x3f8, 8, true, CONFIG_HOST_CONSOLE } },
	{ CONFIG_X86_64, { 0xf4, 4, true, CONFIG_HOST_DEBUG_EXIT } },
	{ CONFIG_X86_64, { 0x604, 2, true, CONFIG_HOST_PM1A } },
	{ CONFIG_X86_64, { 0xfee00000, 0x1000, false, CONFIG_HOST_LAPIC } },
	{ CONFIG_X86_64, { 0xfec00000, 0x1000, false, CONFIG_HOST_IOAPIC } },
	{ CONFIG_ARM64, { 0x09000000, 0x1000, false, CONFIG_HOST_CONSOLE } },
	{ CONFIG_ARM64, { 0x08000000, 0x10000, false, CONFIG_HOST_GICD } },
	{ CONFIG_ARM64, { 0x080a0000, 0xf60000, false, CONFIG_HOST_GICR } },
};

void config_host_claim_qemu(u32 arch, struct boot_info *bi)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(qemu_host); i++)
		if (qemu_host[i].arch == arch)
			config_host_claim(qemu_host[i].w.io_port, qemu_host[i].w.base,
					  qemu_host[i].w.size, qemu_host[i].w.what);
	if (arch == CONFIG_ARM64) {
		boot_info_add_ram(bi, 0x40000000, 0x40000000);
	} else {
		boot_info_add_ram(bi, 0, 0xa0000);
		boot_info_add_ram(bi, 0x100000, 0x3fee0000);
	}
}
