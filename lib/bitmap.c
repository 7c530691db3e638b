#include <lib/bitmap.h>

static void bitmap_update_range(u64 *map, size_t start, size_t n, bool set)
{
	while (n) {
		size_t bit = start % BITS_PER_WORD;
		size_t len = MIN(n, BITS_PER_WORD - bit);
		u64 mask = (len == BITS_PER_WORD ? ~0ULL : ((1ULL << len) - 1)) << bit;

		if (set)
			map[start / BITS_PER_WORD] |= mask;
		else
			map[start / BITS_PER_WORD] &= ~mask;
		start += len;
		n -= len;
	}
}

void bitmap_set_range(u64 *map, size_t start, size_t n)
{
	bitmap_update_range(map, start, n, true);
}

void bitmap_clear_range(u64 *map, size_t start, size_t n)
{
	bitmap_update_range(map, start, n, false);
}

static size_t find_next(const u64 *map, size_t nbits, size_t start, u64 invert)
{
	size_t i;
	u64 w;

	if (start >= nbits)
		return nbits;
	i = start / BITS_PER_WORD;
	w = (map[i] ^ invert) & (~0ULL << (start % BITS_PER_WORD));
	for (;;) {
		if (w) {
			size_t bit = i * BITS_PER_WORD + (size_t)__builtin_ctzll(w);

			return bit < nbits ? bit : nbits;
		}
		if (++i >= BITMAP_WORDS(nbits))
			return nbits;
		w = map[i] ^ invert;
	}
}

size_t bitmap_find_next_set(const u64 *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, 0);
}

size_t bitmap_find_next_clear(const u64 *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, ~0ULL);
}

bool bitmap_range_clear(const u64 *map, size_t start, size_t n)
{
	return bitmap_find_next_set(map, start + n, start) == start + n;
}

/* Without -mpopcnt the builtin becomes a libgcc call, and we link no libgcc. */
static unsigned int hweight64(u64 w)
{
	w = w - ((w >> 1) & 0x5555555555555555ULL);
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned int)((w * 0x0101010101010101ULL) >> 56);
}

size_t bitmap_weight(const u64 *map, size_t nbits)
{
	size_t i, w = 0;

	for (i = 0; i < nbits / BITS_PER_WORD; i++)
		w += (size_t)hweight64(map[i]);
	if (nbits % BITS_PER_WORD)
		w += (size_t)hweight64(map[i] & ((1ULL << (nbits % BITS_PER_WORD)) - 1));
	return w;
}
