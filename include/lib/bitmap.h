#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include <lib/compiler.h>

#define BITS_PER_WORD		64
#define BITMAP_WORDS(bits)	DIV_ROUND_UP(bits, BITS_PER_WORD)
#define DECLARE_BITMAP(name, bits)	u64 name[BITMAP_WORDS(bits)]

static inline void bitmap_set(u64 *map, size_t bit)
{
	map[bit / BITS_PER_WORD] |= 1ULL << (bit % BITS_PER_WORD);
}

static inline void bitmap_clear(u64 *map, size_t bit)
{
	map[bit / BITS_PER_WORD] &= ~(1ULL << (bit % BITS_PER_WORD));
}

static inline bool bitmap_test(const u64 *map, size_t bit)
{
	return (map[bit / BITS_PER_WORD] >> (bit % BITS_PER_WORD)) & 1;
}

/* Sets or clears bits [start, start + n). */
void bitmap_set_range(u64 *map, size_t start, size_t n);
void bitmap_clear_range(u64 *map, size_t start, size_t n);

/* First set (or clear) bit at or after @start, or @nbits if there is none. */
size_t bitmap_find_next_set(const u64 *map, size_t nbits, size_t start);
size_t bitmap_find_next_clear(const u64 *map, size_t nbits, size_t start);

/* True if every bit of [start, start + n) is clear. */
bool bitmap_range_clear(const u64 *map, size_t start, size_t n);

size_t bitmap_weight(const u64 *map, size_t nbits);

#endif
