/*
 * Touches a port where no device is, in a VM whose unknown-access
 * policy is "stop": the VMM ends the VM (outcome "unhandled-access").
 */
#include <guest/guest.h>

int guest_main(const struct mb_info *mbi)
{
	tap_plan(1);
	ok(true, "about to read port 0x80, where nothing is");
	serial_flush();
	(void)inb(0x80);
	bail_out("the read of port 0x80 went through");
}
