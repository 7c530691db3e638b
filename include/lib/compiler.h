#ifndef LIB_COMPILER_H
#define LIB_COMPILER_H

#include <lib/types.h>

/* Guarded: host unit tests see libc's cdefs.h, which defines some of these. */
#ifndef __packed
#define __packed		__attribute__((packed))
#endif
#define __aligned(x)		__attribute__((aligned(x)))
#define __section(s)		__attribute__((section(s)))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __unused		__attribute__((unused))
#define __used			__attribute__((used))
#define __weak			__attribute__((weak))
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define __must_check		__attribute__((warn_unused_result))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1ULL << (n))
#define GENMASK(h, l)		((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define ALIGN_UP(x, a)		((((x) + (a) - 1) / (a)) * (a))
#define ALIGN_DOWN(x, a)	(((x) / (a)) * (a))
#define IS_ALIGNED(x, a)	(((x) & ((a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#define barrier()		__asm__ __volatile__("" ::: "memory")

#define STATIC_ASSERT(c, msg)	_Static_assert(c, msg)

/*
 * True when [base, base + size) fits inside [lo, lo + len) without any of
 * the sums wrapping. Every guest- or firmware-supplied range goes through
 * this before it is dereferenced.
 */
static inline bool range_within(u64 base, u64 size, u64 lo, u64 len)
{
	if (base < lo || size > len)
		return false;
	return base - lo <= len - size;
}

static inline bool ranges_overlap(u64 a, u64 asz, u64 b, u64 bsz)
{
	if (!asz || !bsz)
		return false;
	return a <= b + (bsz - 1) && b <= a + (asz - 1);
}

#endif
