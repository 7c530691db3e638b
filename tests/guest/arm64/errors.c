/*
 * The ways a VM ends besides its own choice (configs/errors.dts), picked
 * by the command line: an access with no syndrome (LDP on MMIO), an
 * instruction fetch outside RAM (both under "stop"), and an access with
 * no device under the "stop" policy. SYSTEM_RESET restarts the VM now
 * (power.c).
 */
#include <guest/guest.h>
#include <lib/string.h>

int guest_main(const void *dtb)
{
	const char *what = guest_bootargs(dtb);
	u64 a, b;

	printf("# errors: %s\n", what);
	if (!strcmp(what, "nosyndrome")) {
		__asm__ __volatile__("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(GUEST_NOWHERE)
				     : "memory");
	} else if (!strcmp(what, "fetchmmio")) {
		((void (*)(void))(uintptr_t)GUEST_NOWHERE)();
	} else if (!strcmp(what, "stoppolicy")) {
		(void)mmio_read32(GUEST_NOWHERE);
	}
	bail_out("%s: the VM is still running", what);
}

void guest_secondary(u64 cpu)
{
}
