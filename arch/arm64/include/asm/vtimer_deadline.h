#ifndef ASM_VTIMER_DEADLINE_H
#define ASM_VTIMER_DEADLINE_H

#include <lib/types.h>

/* No deadline the host clock can reach: the virtual timer wakes nobody. */
#define VTIMER_NEVER		(~0ULL)

/*
 * The host time (ns of the physical counter) at which the guest's virtual
 * timer fires: CNTV_CVAL is on the virtual counter, CNTVOFF behind the
 * physical one. A pure function so that it is tested on the host. The
 * guest chooses CVAL: one near 2^64 must not wrap the sum or the product
 * into an early deadline (a WFI woken at once, again and again), so both
 * saturate to VTIMER_NEVER. A zero frequency (firmware left CNTFRQ unset)
 * gives 0: wake at once, as before.
 */
static inline u64 vtimer_deadline_ns(u64 cval, u64 cntvoff, u64 freq)
{
	u64 ticks, ns, rest;

	if (!freq)
		return 0;
	if (__builtin_add_overflow(cval, cntvoff, &ticks))
		return VTIMER_NEVER;
	/* ticks % freq < 2^32 and 10^9 < 2^30: the remainder's product fits. */
	rest = ticks % freq * 1000000000ULL / freq;
	if (__builtin_mul_overflow(ticks / freq, 1000000000ULL, &ns) ||
	    __builtin_add_overflow(ns, rest, &ns))
		return VTIMER_NEVER;
	return ns;
}

#endif
