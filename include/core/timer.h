#ifndef CORE_TIMER_H
#define CORE_TIMER_H

#include <lib/list.h>

/*
 * Per-CPU software timers over the one arch timer of each CPU. A timer
 * is armed, cancelled and run on one CPU only (the CPU of the vCPU whose
 * device owns it), so the lists need no lock; callbacks run from
 * timer_run_expired(), which the run loop and the idle wait call at
 * points where no lock is held.
 */
struct timer {
	struct list_head node;
	u64 deadline;		/* arch_time_ns() time */
	void (*fn)(struct timer *t);
	u32 cpu;
	bool armed;
};

void timer_init(struct timer *t, void (*fn)(struct timer *t));
void timer_arm(struct timer *t, u64 deadline_ns);
void timer_cancel(struct timer *t);
/* Runs what has expired on this CPU and reprograms the arch timer. */
void timer_run_expired(void);
/* The earliest deadline on this CPU, or 0. */
u64 timer_next_deadline(void);

#endif
