#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <lib/compiler.h>

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
