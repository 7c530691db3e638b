#ifndef ASM_HIDDEN_H
#define ASM_HIDDEN_H

/*
 * Force-included into every arm64 object (see mk/arm64.mk). The image is
 * position independent (-fpie) and runs wherever it was loaded; with every
 * symbol hidden, the compiler reaches even extern symbols PC-relative
 * (adrp/add) instead of through a GOT, so the only run-time relocations
 * left are the absolute pointers stored in data, which head.S applies.
 */
#ifndef __ASSEMBLY__
#pragma GCC visibility push(hidden)
#endif

#endif
