#include <guest/multiboot.h>

/* The fixed part of an entry that @size counts (addr, len, type). */
#define MMAP_ENTRY_MIN	20

const struct mb_mmap_entry *mb_mmap_next(const struct mb_info *mbi,
					 const struct mb_mmap_entry *prev)
{
	const struct mb_mmap_entry *e;
	u64 off = 0;

	if (!mbi || !(mbi->flags & MB_INFO_MMAP))
		return NULL;
	/* @prev was checked when it was returned, so this cannot overflow. */
	if (prev)
		off = (u64)(uintptr_t)prev - mbi->mmap_addr + prev->size + 4;
	if (off >= mbi->mmap_length || mbi->mmap_length - off < sizeof(*e))
		return NULL;
	e = (const struct mb_mmap_entry *)(uintptr_t)(mbi->mmap_addr + off);
	if (e->size < MMAP_ENTRY_MIN || e->size > mbi->mmap_length - off - 4)
		return NULL;
	return e;
}

u64 mb_ram_bytes(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	u64 total = 0;

	mb_mmap_for_each(e, mbi)
		if (e->type == MB_MEM_AVAILABLE)
			total += e->len;
	return total;
}

bool mb_range_is_ram(const struct mb_info *mbi, u64 base, u64 len)
{
	const struct mb_mmap_entry *e;

	mb_mmap_for_each(e, mbi)
		if (e->type == MB_MEM_AVAILABLE && range_within(base, len, e->addr, e->len))
			return true;
	return false;
}

const char *mb_cmdline(const struct mb_info *mbi)
{
	if (!mbi || !(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
		return "";
	return (const char *)(uintptr_t)mbi->cmdline;
}
