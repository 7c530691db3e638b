/*
 * The x86 platform's fixed windows (include/core/config_check.h): what
 * arch/x86/vplat/ answers in every VM, so that the checker refuses a
 * device of the configuration there. Apart from the schema, so that the
 * platform can check its own ports against it without the checker.
 */
#include <core/config_check.h>

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

