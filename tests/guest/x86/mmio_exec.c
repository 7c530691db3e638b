/*
 * Executes from a guest-physical address that is not RAM: there is no
 * instruction to emulate, so vcpu_run() fails with -EFAULT and a memory
 * fault exit (the page, with the exec flag); the VMM ends the VM.
 */
#include <guest/guest.h>

#define NOWHERE	0xfe800000ULL

int guest_main(const struct mb_info *mbi)
{
	tap_plan(1);
	ok(true, "about to jump into MMIO");
	serial_flush();
	((void (*)(void))(uintptr_t)NOWHERE)();
	bail_out("came back from MMIO");
}
