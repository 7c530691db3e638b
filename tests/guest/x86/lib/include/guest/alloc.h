#ifndef GUEST_ALLOC_H
#define GUEST_ALLOC_H

#include <lib/compiler.h>
#include <guest/multiboot.h>

/*
 * A bump allocator of zeroed, page-aligned memory from the RAM above the
 * guest image and above everything the loader placed there (information
 * structure, memory map, command line, modules). Memory is never freed:
 * a test guest lives for one run. All of it is below 4 GiB, hence
 * identity-mapped and usable as a physical address (VMCBs, page tables).
 */

/* Called by the library before guest_main(). */
void alloc_init(const struct mb_info *mbi);

/* @n zeroed pages; bails out when memory runs out (no test can go on). */
void *alloc_pages(size_t n);

static inline void *alloc_page(void)
{
	return alloc_pages(1);
}

/* Bytes the allocator can still hand out. */
u64 alloc_free_bytes(void);

#endif
