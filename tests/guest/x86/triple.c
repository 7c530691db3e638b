/*
 * A triple fault: with an empty IDT, INT3 raises #GP, its delivery #DF,
 * and that delivery shuts the CPU down. The hypervisor intercepts the
 * shutdown (HV_EXIT_SHUTDOWN): the VM ends, nothing else does.
 */
#include <guest/guest.h>

struct idt_ptr {
	u16 limit;
	u64 base;
} __packed;

int guest_main(const struct mb_info *mbi)
{
	static const struct idt_ptr empty = { 0, 0 };

	tap_plan(1);
	ok(true, "about to triple fault");
	serial_flush();
	__asm__ __volatile__("lidt %0; int3" : : "m"(empty) : "memory");
	return tap_done();
}
