/*
 * Dies on purpose, to check the library's last resort: an exception that
 * no handler, exception-table entry or catch expects must end the run as
 * a failed test naming vector, error code, RIP and CR2, then "Bail out!"
 * and GUEST_EXIT_EXCEPTION. Its suite expects exactly that output and
 * status; it is not scored as TAP, since its TAP says "failed".
 */
#include <guest/guest.h>

/* Above crt0's identity map of the first 4 GiB. */
#define UNMAPPED	0x100000000ULL

int guest_main(const struct mb_info *mbi)
{
	tap_plan(2);
	ok(true, "before the fault");
	(void)*(volatile u64 *)(uintptr_t)UNMAPPED;
	ok(false, "went on after an unexpected #PF");
	return tap_done();
}
