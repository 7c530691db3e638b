/*
 * x86-vm-crash: "crasher" (on-crash = "restart", restart-limit = 100)
 * triple-faults in every life; "watcher" beside it reads the crasher's
 * lives from a channel that the crasher writes (channel memory survives
 * a restart, the crasher's RAM does not) and prints as they go by. The
 * crasher's 101st crash meets the limit and stops it; the watcher ends
 * once it has seen all 101 lives, each started from the image as loaded.
 */
#include <guest/apic.h>
#include <guest/guest.h>
#include <lib/string.h>
#include "../common/channel_ring.h"

#define HV_HC_DOORBELL	2
#define LANE		0x10000000ull
#define LIVES		101		/* restart-limit 100: the 101st life's crash stops it */
#define STALL_SPINS	300000000u	/* about 10 s under TCG without a new life: give up */

static volatile struct ring_lane *const lane = (void *)(uintptr_t)LANE;
static volatile u32 dirtied;

struct idt_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Each life: count it, check that RAM is as loaded, tell the watcher, triple-fault. */
static int crasher(void)
{
	static const struct idt_ptr empty = { 0, 0 };
	u32 life = lane->lives + 1;

	if (dirtied)
		lane->stale++;
	dirtied = 1;
	lane->lives = life;
	hv_hypercall2(HV_HC_DOORBELL, 0, 1);
	if (life % 25 == 0)
		diag("life %u: crashing", life);
	serial_flush();
	__asm__ __volatile__("lidt %0; int3" : : "m"(empty) : "memory");
	return 1;
}

static int watcher(void)
{
	u32 seen = 0, lives, stalled = 0;

	tap_plan(2);
	while (seen < LIVES && stalled < STALL_SPINS) {
		lives = __atomic_load_n(&lane->lives, __ATOMIC_ACQUIRE);
		if (lives / 10 != seen / 10)
			diag("the crasher is in life %u", lives);
		stalled = lives == seen ? stalled + 1 : 0;
		seen = lives;
		cpu_pause();
	}
	ok(seen == LIVES, "saw the crasher's %u lives, running beside it", seen);
	ok(lane->stale == 0, "every life started from the image as loaded (%u did not)",
	   lane->stale);
	return tap_done();
}

int guest_main(const struct mb_info *mbi)
{
	const char *who = mb_cmdline(mbi);

	if (who && !strcmp(who, "watcher"))
		return watcher();
	return crasher();
}
