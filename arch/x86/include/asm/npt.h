#ifndef ASM_NPT_H
#define ASM_NPT_H

#include <lib/compiler.h>

/*
 * Nested page tables (arch/x86/svm/npt.c). The tables come from the page
 * allocator and are addressed by their physical address, which the
 * hypervisor's identity map makes a pointer too.
 */

/* Maps [gpa, gpa + size) to [pa, pa + size): -EINVAL unaligned, -EEXIST, -ENOMEM. */
int npt_map(u64 *root, u64 gpa, paddr_t pa, u64 size);
/* A channel's pages: read-only unless @writable. */
int npt_map_shared(u64 *root, u64 gpa, paddr_t pa, u64 size, bool writable);
/* The same, uncached (PCD | PWT): a passthrough device's MMIO. */
int npt_map_uncached(u64 *root, u64 gpa, paddr_t pa, u64 size);
/* Where @gpa goes and the size of the page that maps it; -ENOENT if unmapped. */
int npt_lookup(const u64 *root, u64 gpa, paddr_t *pa, u64 *page_size);
/* Frees every table under @root and @root itself (not the mapped pages). */
void npt_free(u64 *root);

#endif
