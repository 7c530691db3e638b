#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <lib/types.h>

/*
 * A ticket lock: FIFO, so that a vCPU thread hammering a VM lock cannot
 * starve the others. The acquire load of the owner pairs with the release
 * store in spin_unlock(), which is what orders the critical sections; on
 * arm64 these become LDAR/STLR, on x86 plain moves plus compiler barriers.
 *
 * The hypervisor runs with interrupts masked at all times (physical
 * interrupts are taken as guest exits), so there is no irqsave variant:
 * no lock can be re-entered from an interrupt handler.
 */
typedef struct {
	u32 next;
	u32 owner;
} spinlock_t;

#define SPINLOCK_INIT	{ 0, 0 }

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u32 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u32 expected = owner;

	return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->owner, owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif
