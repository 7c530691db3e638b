/*
 * The smallest guest: the library brought the CPU to 64-bit mode, prints,
 * and found the loader's memory map.
 */
#include <guest/guest.h>
#include <lib/string.h>

static void dump_mmap(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;

	mb_mmap_for_each(e, mbi)
		diag("mmap %016llx-%016llx type %u", e->addr, e->addr + e->len - 1, e->type);
}

int guest_main(const struct mb_info *mbi)
{
	static const char hello[] = "# hello from the x86 test guest\n";
	u64 image = (u64)(uintptr_t)__image_start;
	u64 image_len = (u64)(uintptr_t)__image_end - image;
	u64 page;

	tap_plan(3);

	ok(printf("%s", hello) == (int)strlen(hello), "printf prints and counts");

	ok((rdmsr(MSR_EFER) & EFER_LMA) && (read_cr0() & X86_CR0_PG) &&
	   (read_cr4() & X86_CR4_PAE) && read_cs() == KERNEL_CS,
	   "64-bit mode with paging (EFER %#llx, CR0 %#llx, CS %#x)",
	   rdmsr(MSR_EFER), read_cr0(), read_cs());

	dump_mmap(mbi);
	page = (u64)(uintptr_t)alloc_page();
	diag("image %#llx-%#llx, first allocated page %#llx, %llu MiB left", image,
	     image + image_len - 1, page, alloc_free_bytes() >> 20);
	ok(mb_ram_bytes(mbi) >= (1ULL << 20) && mb_range_is_ram(mbi, image, image_len) &&
	   page >= image + image_len && mb_range_is_ram(mbi, page, PAGE_SIZE),
	   "the memory map has RAM (%llu MiB), holding the image and the allocator's pages",
	   mb_ram_bytes(mbi) >> 20);

	return tap_done();
}
