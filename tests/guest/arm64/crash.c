/*
 * arm64-vm-crash: "crasher" (on-crash = "restart", restart-limit = 100,
 * unknown-access = "stop") reads an address with no device in every
 * life, which is a crash under that policy; "watcher" beside it reads the
 * crasher's lives from a channel that the crasher writes (channel memory
 * survives a restart, the crasher's RAM does not) and prints as they go
 * by. The crasher's 101st crash meets the limit and stops it; the watcher
 * ends once it has seen all 101 lives, each started from the image as
 * loaded.
 */
#include <guest/guest.h>
#include <lib/string.h>
#include "../common/channel_ring.h"

#define HV_HC_DOORBELL	2
#define LANE		0x20000000ull
#define LIVES		101		/* restart-limit 100: the 101st life's crash stops it */
#define STALL_S		10		/* seconds without a new life: give up */

static volatile struct ring_lane *const lane = (void *)(uintptr_t)LANE;
static volatile u32 dirtied;

/* Each life: count it, check that RAM is as loaded, tell the watcher, crash. */
static int crasher(void)
{
	u32 life = lane->lives + 1;

	if (dirtied)
		lane->stale++;
	dirtied = 1;
	lane->lives = life;
	hv_hypercall(HV_HC_DOORBELL, 0, 1);
	if (life % 25 == 0)
		diag("life %u: crashing", life);
	mmio_read32(GUEST_NOWHERE);
	return 1;
}

static int watcher(void)
{
	u64 freq = read_sysreg(cntfrq_el0), since = counter();
	u32 seen = 0, lives;

	tap_plan(2);
	while (seen < LIVES && counter() - since < STALL_S * freq) {
		lives = __atomic_load_n(&lane->lives, __ATOMIC_ACQUIRE);
		if (lives / 10 != seen / 10)
			diag("the crasher is in life %u", lives);
		if (lives != seen)
			since = counter();
		seen = lives;
	}
	ok(seen == LIVES, "saw the crasher's %u lives, running beside it", seen);
	ok(lane->stale == 0, "every life started from the image as loaded (%u did not)",
	   lane->stale);
	return tap_done();
}

int guest_main(const void *dtb)
{
	if (!strcmp(guest_bootargs(dtb), "watcher"))
		return watcher();
	return crasher();
}

void guest_secondary(u64 cpu)
{
}
