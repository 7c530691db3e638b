#ifndef CORE_PAGE_ALLOC_H
#define CORE_PAGE_ALLOC_H

#include <core/boot.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)
#define PAGE_2M		(1ULL << 21)
#define PAGE_1G		(1ULL << 30)

/*
 * The physical page allocator: one bitmap over the span of RAM, a bit per
 * 4 KiB page, first fit from a moving hint. Pages are handed out zeroed,
 * so nothing of the hypervisor or of a previous VM reaches a new owner.
 * @image_start/@image_end bound the hypervisor image; boot modules, the
 * DTB and the loader's reserved ranges are kept out as well.
 */
int page_alloc_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end);

/* @npages contiguous pages aligned to @align bytes (a power of two); NULL if none. */
void *page_alloc_contig(size_t npages, u64 align);
void *page_alloc(void);
void page_free_contig(void *p, size_t npages);
void page_free(void *p);

struct page_alloc_stats {
	size_t total_pages;
	size_t free_pages;
	size_t bitmap_bytes;
};

void page_alloc_get_stats(struct page_alloc_stats *st);
bool page_alloc_is_ram(paddr_t pa, u64 size);

#endif
