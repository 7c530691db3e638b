#include <core/page_alloc.h>
#include <lib/bitmap.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/spinlock.h>
#include <lib/string.h>

/*
 * One bit per 4 KiB page over [span_base, span_base + span_pages pages):
 * set = not available (allocated, reserved, or a hole between RAM ranges).
 * All fields below are protected by alloc_lock.
 */
static spinlock_t alloc_lock = SPINLOCK_INIT;
static u64 *bitmap;
static size_t bitmap_bytes;
static paddr_t span_base;
static size_t span_pages;
static size_t total_pages;
static size_t free_pages;
static size_t next_hint;
static const struct boot_info *ram_info;

struct exclusions {
	struct boot_range r[BOOT_MAX_RESERVED + BOOT_MAX_MODULES + 2];
	u32 n;
};

static void exclusion_add(struct exclusions *ex, u64 base, u64 size)
{
	if (size && ex->n < ARRAY_SIZE(ex->r))
		ex->r[ex->n++] = (struct boot_range){ base, size };
}

static void collect_exclusions(struct exclusions *ex, const struct boot_info *bi,
			       paddr_t image_start, paddr_t image_end)
{
	u32 i;

	ex->n = 0;
	exclusion_add(ex, image_start, image_end - image_start);
	exclusion_add(ex, bi->fdt, bi->fdt_size);
	for (i = 0; i < bi->nr_modules; i++)
		exclusion_add(ex, bi->modules[i].base, bi->modules[i].size);
	for (i = 0; i < bi->nr_reserved; i++)
		exclusion_add(ex, bi->reserved[i].base, bi->reserved[i].size);
}

/* The end of the first exclusion that overlaps [base, base + size), or 0. */
static u64 exclusion_hit(const struct exclusions *ex, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < ex->n; i++)
		if (ranges_overlap(base, size, ex->r[i].base, ex->r[i].size))
			return ex->r[i].base + ex->r[i].size;
	return 0;
}

/* Finds page-aligned room for @size bytes in RAM that nothing else claims. */
static u64 place_bitmap(const struct boot_info *bi, const struct exclusions *ex, u64 size)
{
	u32 i;

	for (i = 0; i < bi->nr_ram; i++) {
		u64 lo = ALIGN_UP(bi->ram[i].base, PAGE_SIZE);
		u64 hi = ALIGN_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);
		u64 cand = lo, end;

		while (cand < hi && hi - cand >= size) {
			end = exclusion_hit(ex, cand, size);
			if (!end)
				return cand;
			cand = ALIGN_UP(end, PAGE_SIZE);
		}
	}
	return 0;
}

static size_t pfn_index(paddr_t pa)
{
	return (size_t)((pa - span_base) >> PAGE_SHIFT);
}

/* Marks the pages touched by [base, base + size) used, clipped to the span. */
static void mark_used(u64 base, u64 size)
{
	u64 lo = ALIGN_DOWN(base, PAGE_SIZE);
	u64 hi = ALIGN_UP(base + size, PAGE_SIZE);
	u64 span_end = span_base + ((u64)span_pages << PAGE_SHIFT);

	lo = MAX(lo, span_base);
	hi = MIN(hi, span_end);
	if (lo < hi)
		bitmap_set_range(bitmap, pfn_index(lo), (size_t)((hi - lo) >> PAGE_SHIFT));
}

int page_alloc_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end)
{
	struct exclusions ex;
	u64 span_end, where;
	u32 i;

	if (!bi->nr_ram)
		return -ENOMEM;
	span_base = ALIGN_UP(bi->ram[0].base, PAGE_SIZE);
	span_end = ALIGN_DOWN(bi->ram[bi->nr_ram - 1].base + bi->ram[bi->nr_ram - 1].size,
			      PAGE_SIZE);
	if (span_end <= span_base)
		return -ENOMEM;
	span_pages = (size_t)((span_end - span_base) >> PAGE_SHIFT);
	bitmap_bytes = ALIGN_UP(BITMAP_WORDS(span_pages) * sizeof(u64), PAGE_SIZE);

	collect_exclusions(&ex, bi, image_start, image_end);
	where = place_bitmap(bi, &ex, bitmap_bytes);
	if (!where)
		return -ENOMEM;
	bitmap = (u64 *)(uintptr_t)where;
	memset(bitmap, 0xff, bitmap_bytes);

	for (i = 0; i < bi->nr_ram; i++) {
		u64 lo = ALIGN_UP(bi->ram[i].base, PAGE_SIZE);
		u64 hi = ALIGN_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);

		if (lo < hi)
			bitmap_clear_range(bitmap, pfn_index(lo), (size_t)((hi - lo) >> PAGE_SHIFT));
	}
	for (i = 0; i < ex.n; i++)
		mark_used(ex.r[i].base, ex.r[i].size);
	mark_used(where, bitmap_bytes);

	total_pages = span_pages - bitmap_weight(bitmap, span_pages);
	free_pages = total_pages;
	next_hint = 0;
	ram_info = bi;
	return 0;
}

static size_t align_index(size_t idx, size_t align_pages)
{
	size_t pfn = (size_t)(span_base >> PAGE_SHIFT) + idx;

	return ALIGN_UP(pfn, align_pages) - (size_t)(span_base >> PAGE_SHIFT);
}

/* First fit for @n pages from @from up to @limit; returns span_pages if none. */
static size_t find_free_run(size_t from, size_t limit, size_t n, size_t align_pages)
{
	size_t idx = from;

	while (idx < limit) {
		idx = bitmap_find_next_clear(bitmap, limit, idx);
		if (idx >= limit)
			break;
		idx = align_index(idx, align_pages);
		if (idx >= limit || limit - idx < n)
			break;
		if (bitmap_range_clear(bitmap, idx, n))
			return idx;
		idx = bitmap_find_next_set(bitmap, idx + n, idx) + 1;
	}
	return span_pages;
}

void *page_alloc_contig(size_t npages, u64 align)
{
	size_t align_pages = align > PAGE_SIZE ? (size_t)(align >> PAGE_SHIFT) : 1;
	size_t idx;
	void *p;

	if (!npages || !bitmap || (align & (align - 1)))
		return NULL;
	spin_lock(&alloc_lock);
	idx = find_free_run(next_hint, span_pages, npages, align_pages);
	if (idx == span_pages)
		idx = find_free_run(0, span_pages, npages, align_pages);
	if (idx == span_pages) {
		spin_unlock(&alloc_lock);
		return NULL;
	}
	bitmap_set_range(bitmap, idx, npages);
	free_pages -= npages;
	next_hint = idx + npages;
	spin_unlock(&alloc_lock);

	p = (void *)(uintptr_t)(span_base + ((u64)idx << PAGE_SHIFT));
	memset(p, 0, npages << PAGE_SHIFT);
	return p;
}

void *page_alloc(void)
{
	return page_alloc_contig(1, PAGE_SIZE);
}

void page_free_contig(void *p, size_t npages)
{
	paddr_t pa = (paddr_t)(uintptr_t)p;
	bool allocated;
	size_t idx;

	if (!p || !npages)
		return;
	/*
	 * Freeing what was never handed out would let two owners share a
	 * page, which is how one VM ends up reading another's memory.
	 */
	BUG_ON(!IS_ALIGNED(pa, PAGE_SIZE) || pa < span_base);
	idx = pfn_index(pa);
	BUG_ON(idx >= span_pages || span_pages - idx < npages);

	spin_lock(&alloc_lock);
	allocated = bitmap_find_next_clear(bitmap, idx + npages, idx) == idx + npages;
	if (allocated) {
		bitmap_clear_range(bitmap, idx, npages);
		free_pages += npages;
	}
	spin_unlock(&alloc_lock);
	BUG_ON(!allocated);
}

void page_free(void *p)
{
	page_free_contig(p, 1);
}

void page_alloc_get_stats(struct page_alloc_stats *st)
{
	spin_lock(&alloc_lock);
	st->total_pages = total_pages;
	st->free_pages = free_pages;
	st->bitmap_bytes = bitmap_bytes;
	spin_unlock(&alloc_lock);
}

bool page_alloc_is_ram(paddr_t pa, u64 size)
{
	u32 i;

	if (!ram_info)
		return false;
	for (i = 0; i < ram_info->nr_ram; i++)
		if (range_within(pa, size, ram_info->ram[i].base, ram_info->ram[i].size))
			return true;
	return false;
}
