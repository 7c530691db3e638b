/*
 * Ends the VM the way its multiboot command line names, through the
 * platform's ports (arch/x86/include/asm/vplat_layout.h):
 *   "s5"   ACPI S5: SLP_TYP 5 with SLP_EN in PM1a_CNT (what Linux's
 *          poweroff does with the DSDT's \_S5), the VM powers off;
 *   "cf9"  the reset control register, 0x02 then 0x06 (Linux's and the
 *          FADT's reset), the VM resets;
 *   "kbc"  the 8042's pulse, 0xfe to port 0x64 after waiting for its
 *          input buffer (Linux's kb_wait()), the VM resets.
 * If the write did not end the VM, the guest reports a test beyond its
 * plan of one and exits through debug-exit: both fail the suite.
 */
#include <guest/guest.h>
#include <lib/string.h>

int guest_main(const struct mb_info *mbi)
{
	const char *how = mb_cmdline(mbi);
	unsigned int i;

	tap_plan(1);
	ok(hv_present(), "under the hypervisor, ending by \"%s\"", how ? how : "");
	serial_flush();
	if (how && !strcmp(how, "s5")) {
		outw(0x604, 5 << 10 | 1 << 13);
	} else if (how && !strcmp(how, "cf9")) {
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
	} else if (how && !strcmp(how, "kbc")) {
		for (i = 0; i < 0x10000 && (inb(0x64) & 0x02); i++)
			;
		outb(0x64, 0xfe);
	}
	ok(false, "the VM is still running after \"%s\"", how ? how : "");
	return tap_done();
}
