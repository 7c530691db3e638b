#ifndef ASM_CACHE_H
#define ASM_CACHE_H

#include <lib/types.h>

/*
 * Data cache maintenance to the point of coherency, by address over
 * [start, end). A CPU started with its MMU off reads memory, not the
 * caches: whatever it reads before turning its MMU on must be cleaned.
 */
void arm64_dcache_clean_range(uintptr_t start, uintptr_t end);
void arm64_dcache_inval_range(uintptr_t start, uintptr_t end);

static inline void dcache_clean_object(const void *p, size_t size)
{
	arm64_dcache_clean_range((uintptr_t)p, (uintptr_t)p + size);
}

#endif
