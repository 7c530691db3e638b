/*
 * Rate limits for the messages a guest can cause again and again (see
 * include/core/console.h). The lock is per kind of message; it is taken
 * only on the way to printing, never on a path that prints nothing.
 */
#include <core/arch.h>
#include <core/console.h>

bool ratelimit_allow(struct ratelimit *rl, const char *what)
{
	u64 now = arch_time_ns();
	u32 suppressed = 0;
	bool allow;

	spin_lock(&rl->lock);
	if (!rl->printed || now - rl->window_start >= RATELIMIT_WINDOW_NS) {
		rl->window_start = now;
		rl->printed = 0;
	}
	allow = rl->printed < RATELIMIT_BURST;
	if (allow) {
		rl->printed++;
		suppressed = rl->suppressed;
		rl->suppressed = 0;
	} else {
		rl->suppressed++;
	}
	spin_unlock(&rl->lock);
	if (suppressed)
		pr_info("%s: %u messages suppressed\n", what, suppressed);
	return allow;
}
