#include <lib/string.h>

#include "internal.h"

/* No loader string is longer; a missing NUL must not send us through all of RAM. */
#define MB_STRING_MAX	4096
#define MB_MODS_MAX	64
/* The end of crt0's identity map. */
#define MAPPED_END	(4ULL << 30)

/* [next, limit): what is left; next == limit when there was no RAM to find. */
static u64 next;
static u64 limit;

static u64 string_end(u32 pa)
{
	return pa + strnlen((const char *)(uintptr_t)pa, MB_STRING_MAX) + 1;
}

/*
 * QEMU places the information structure, the memory map and the command
 * line right after the image, and modules after them: the pool starts
 * above all of it.
 */
static u64 loader_data_end(const struct mb_info *mbi)
{
	u64 end = (u64)(uintptr_t)mbi + sizeof(*mbi);
	const struct mb_module *mods;
	u32 i, n;

	if (mbi->flags & MB_INFO_MMAP)
		end = MAX(end, (u64)mbi->mmap_addr + mbi->mmap_length);
	if ((mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline)
		end = MAX(end, string_end(mbi->cmdline));
	if ((mbi->flags & MB_INFO_LOADER_NAME) && mbi->boot_loader_name)
		end = MAX(end, string_end(mbi->boot_loader_name));
	if (mbi->flags & MB_INFO_MODS) {
		n = MIN(mbi->mods_count, MB_MODS_MAX);
		mods = (const struct mb_module *)(uintptr_t)mbi->mods_addr;
		end = MAX(end, (u64)mbi->mods_addr + n * sizeof(*mods));
		for (i = 0; i < n; i++) {
			end = MAX(end, (u64)mods[i].end);
			if (mods[i].string)
				end = MAX(end, string_end(mods[i].string));
		}
	}
	return end;
}

/* The available range that holds @start, or failing that the first one above it. */
static void pick_range(const struct mb_info *mbi, u64 start)
{
	const struct mb_mmap_entry *e;
	u64 best = ~0ULL, best_end = 0;

	if (!(mbi->flags & MB_INFO_MMAP) && (mbi->flags & MB_INFO_MEM)) {
		/* mem_upper counts KiB of contiguous RAM from 1 MiB. */
		best = MAX(start, 1ULL << 20);
		best_end = (1ULL << 20) + (u64)mbi->mem_upper * 1024;
	}
	mb_mmap_for_each(e, mbi) {
		u64 end = e->addr + e->len;

		if (e->type != MB_MEM_AVAILABLE || end <= start || end < e->addr)
			continue;
		if (e->addr <= start) {
			best = start;
			best_end = end;
			break;
		}
		if (e->addr < best) {
			best = e->addr;
			best_end = end;
		}
	}
	if (best == ~0ULL)
		return;
	next = ALIGN_UP(best, PAGE_SIZE);
	limit = ALIGN_DOWN(MIN(best_end, MAPPED_END), PAGE_SIZE);
	if (next >= limit)
		next = limit = 0;
}

void alloc_init(const struct mb_info *mbi)
{
	pick_range(mbi, MAX((u64)(uintptr_t)__image_end, loader_data_end(mbi)));
}

void *alloc_pages(size_t n)
{
	void *p;

	if (!n || n > (limit - next) / PAGE_SIZE)
		bail_out("alloc_pages(%zu): %llu bytes left", n, limit - next);
	p = (void *)(uintptr_t)next;
	next += (u64)n * PAGE_SIZE;
	memset(p, 0, n * PAGE_SIZE);
	return p;
}

u64 alloc_free_bytes(void)
{
	return limit - next;
}
