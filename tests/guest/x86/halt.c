/*
 * Halts with interrupts off, as Linux's poweroff -f does without ACPI:
 * nothing can wake the vCPU (no NMI source), so the hypervisor hands the
 * VM's end to the VMM (HV_EXIT_HLT, outcome "halted").
 */
#include <guest/guest.h>

int guest_main(const struct mb_info *mbi)
{
	tap_plan(1);
	ok(true, "halting with interrupts off");
	serial_flush();
	for (;;) {
		cli();
		hlt();
	}
}
