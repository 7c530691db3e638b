/*
 * Core timers on the host, for tests of models that arm them (the local
 * APIC's timer): arming only records the deadline; a test fires a timer
 * by calling its callback (fake_timer_fire()). Include once per program.
 */
#ifndef TESTS_FAKE_TIMER_H
#define TESTS_FAKE_TIMER_H

#include <core/timer.h>

void timer_init(struct timer *t, void (*fn)(struct timer *t))
{
	t->fn = fn;
	t->armed = false;
	t->deadline = 0;
}

/* The timer armed last: models keep theirs private, the tests fire it through this. */
static struct timer *fake_timer_last;

void timer_arm(struct timer *t, u64 deadline_ns)
{
	t->deadline = deadline_ns ? deadline_ns : 1;
	t->armed = true;
	fake_timer_last = t;
}

void timer_cancel(struct timer *t)
{
	t->armed = false;
}

/* The timer's expiry as timer_run_expired() would run it. */
static inline void fake_timer_fire(struct timer *t)
{
	t->armed = false;
	t->fn(t);
}

/* The host TSC's frequency (arch/x86/time.c's calibration): 1 GHz, one tick a ns. */
u64 tsc_hz(void)
{
	return 1000000000ULL;
}

#endif
