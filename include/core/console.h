#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <lib/compiler.h>
#include <lib/spinlock.h>

/*
 * printk() writes one formatted message atomically with respect to other
 * CPUs (lines from different CPUs never interleave mid-line).
 */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap) __printf(1, 0);
void console_write(const char *s, size_t n);

#define pr_info(fmt, ...)	printk("hv: " fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk("hv: warning: " fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk("hv: error: " fmt, ##__VA_ARGS__)

/*
 * Messages a guest can cause again and again (a refused nested VMRUN)
 * are rate-limited, so that one VM cannot flood the console every VM
 * and the hypervisor share: at most RATELIMIT_BURST of one kind in a
 * window of RATELIMIT_WINDOW_NS, and the count of those suppressed is
 * reported when the next message of the kind gets through.
 */
#define RATELIMIT_BURST		10
#define RATELIMIT_WINDOW_NS	5000000000ULL

struct ratelimit {
	spinlock_t lock;
	u64 window_start;	/* arch_time_ns() of the window's first message */
	u32 printed;		/* in this window */
	u32 suppressed;		/* since the last message that got through */
};

#define RATELIMIT_INIT	{ .lock = SPINLOCK_INIT }

/* True if a message of @rl's kind may be printed now; @what names the kind. */
bool ratelimit_allow(struct ratelimit *rl, const char *what);

#define pr_info_ratelimited(fmt, ...)						\
	({									\
		static struct ratelimit rl_ = RATELIMIT_INIT;			\
		if (ratelimit_allow(&rl_, __func__))				\
			pr_info(fmt, ##__VA_ARGS__);				\
	})

/*
 * Errors are logged once, where they are decided, with where that was:
 * "return trace_err(-EINVAL, "...")" keeps the site in the message.
 */
#define trace_err(err, fmt, ...)					\
	({								\
		pr_err("%s: " fmt " (%s)\n", __func__, ##__VA_ARGS__,	\
		       errno_name(err));				\
		(err);							\
	})

#endif
