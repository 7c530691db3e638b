/*
 * An MMIO access the decoder does not emulate (ADD to memory): the
 * hypervisor must stop the VM with HV_EXIT_INTERNAL_ERROR and the
 * emulation sub-code, never guess what the instruction meant.
 */
#include <guest/guest.h>

#define NOWHERE	0xfe800000ULL

int guest_main(const struct mb_info *mbi)
{
	tap_plan(1);
	ok(true, "about to add to MMIO");
	serial_flush();
	__asm__ __volatile__("addl %%eax, (%0)" : : "r"(NOWHERE), "a"(1) : "memory");
	bail_out("the ADD to MMIO went through");
}
