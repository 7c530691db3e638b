#ifndef CORE_EFI_MMAP_H
#define CORE_EFI_MMAP_H

#include <core/boot.h>

/*
 * The UEFI memory map, as GetMemoryMap() returns it and as GRUB copies it
 * into multiboot2's EFI memory map tag (type 17). When a loader gives it,
 * it is the memory source of truth: the e820-style list and the DTB's
 * /memory nodes are conversions made by someone else, and the converted
 * lists do not say which RAM holds the firmware's runtime services.
 */
#define EFI_PAGE_SHIFT		12

/* The descriptor's layout (UEFI 2.x, 7.2); firmware may use a larger stride. */
struct efi_memory_desc {
	u32 type;
	u32 pad;
	u64 phys_start;
	u64 virt_start;
	u64 nr_pages;
	u64 attribute;
};

enum efi_memory_type {
	EFI_RESERVED_MEMORY,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
};

/*
 * Adds the map's RAM that is free once boot services have exited to
 * @bi->ram; runtime services, ACPI, reserved and MMIO ranges are never
 * RAM to the hypervisor. @map holds @size bytes of descriptors, @desc_size
 * apart. Returns 0, -EINVAL for a malformed map (a stride too small or
 * misaligned, a range that is not page aligned or wraps), or -ENOENT when
 * it names no usable RAM. On error @bi->ram is left empty.
 */
int efi_mmap_parse(const void *map, size_t size, size_t desc_size, struct boot_info *bi);

#endif
