#include <core/efi_mmap.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * What boot services leave behind is free after ExitBootServices(): the
 * loader's and boot services' code and data (the hypervisor keeps its own
 * image, the DTB and the modules out of the allocator by their addresses,
 * not by their memory type). Everything else belongs to the firmware or
 * to devices for as long as the machine runs.
 */
static bool efi_type_is_ram(u32 type)
{
	return type == EFI_LOADER_CODE || type == EFI_LOADER_DATA ||
	       type == EFI_BOOT_SERVICES_CODE || type == EFI_BOOT_SERVICES_DATA ||
	       type == EFI_CONVENTIONAL_MEMORY;
}

static bool efi_desc_valid(const struct efi_memory_desc *d)
{
	/* Pages from phys_start to the top of the address space, 2^64 included. */
	u64 max_pages = ((~0ULL - d->phys_start) >> EFI_PAGE_SHIFT) + 1;

	return IS_ALIGNED(d->phys_start, 1ULL << EFI_PAGE_SHIFT) && d->nr_pages <= max_pages;
}

int efi_mmap_parse(const void *map, size_t size, size_t desc_size, struct boot_info *bi)
{
	const u8 *p = map;
	size_t off;

	if (desc_size < sizeof(struct efi_memory_desc) || desc_size % 8)
		return -EINVAL;
	bi->nr_ram = 0;
	bi->ram_from_efi = false;
	for (off = 0; size - off >= desc_size; off += desc_size) {
		struct efi_memory_desc d;

		memcpy(&d, p + off, sizeof(d));
		if (!efi_desc_valid(&d)) {
			bi->nr_ram = 0;
			return -EINVAL;
		}
		if (efi_type_is_ram(d.type))
			boot_info_add_ram(bi, d.phys_start, d.nr_pages << EFI_PAGE_SHIFT);
	}
	bi->ram_from_efi = bi->nr_ram != 0;
	return bi->nr_ram ? 0 : -ENOENT;
}
