/*
 * The other half of the isolation probe (isolation_probe.c): fills its
 * RAM with a marker, then stays alive long enough for the probe to look.
 */
#include <guest/guest.h>

#define MARKER		0x52454b52414d4821ULL	/* "!HMARKER" */
#define RAM_SIZE	(8ULL << 20)
#define DTB_SLOT	(2ULL << 20)

int guest_main(const void *dtb)
{
	u64 *p = (u64 *)(uintptr_t)__image_end;
	u64 *end = (u64 *)(uintptr_t)(GUEST_RAM_BASE + RAM_SIZE - DTB_SLOT);
	u64 freq = read_sysreg(cntfrq_el0), t0;

	tap_plan(1);
	while (p < end)
		*p++ = MARKER;
	ok(true, "RAM filled with the marker up to %#llx", (u64)(uintptr_t)end);
	t0 = counter();
	while (counter() - t0 < 3 * freq)
		;
	return tap_done();
}

void guest_secondary(u64 cpu)
{
}
