#include <asm/asm.h>

/* \reg = the smallest D-cache line in bytes (CTR_EL0.DminLine is log2 of words). */
.macro dcache_line reg, tmp
	mrs	\tmp, ctr_el0
	ubfx	\tmp, \tmp, #16, #4
	mov	\reg, #4
	lsl	\reg, \reg, \tmp
.endm

/* x0 = start, x1 = end; by VA to the point of coherency, then a full DSB. */
.macro dcache_by_line op
	dcache_line x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	\op, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret
.endm

	.text
func arm64_dcache_clean_range
	dcache_by_line cvac
endfunc arm64_dcache_clean_range

/*
 * Discards whole lines: callers pass page-aligned ranges, or a line
 * shared with other data would lose that data's dirty bytes.
 */
func arm64_dcache_inval_range
	dcache_by_line ivac
endfunc arm64_dcache_inval_range
