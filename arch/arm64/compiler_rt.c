#include <lib/types.h>

/*
 * __builtin_popcountll() has no single instruction without SIMD
 * (-mgeneral-regs-only), so gcc and clang call this runtime helper; the
 * image links no libgcc or compiler-rt, whose bare-metal builds the
 * toolchains here do not ship.
 */
int __popcountdi2(long long v);

int __popcountdi2(long long v)
{
	u64 x = (u64)v;

	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (int)((x * 0x0101010101010101ULL) >> 56);
}
