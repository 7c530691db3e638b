#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <lib/compiler.h>

/* What a multiboot1 loader hands over in %ebx (Multiboot Specification 0.6.96, 3.3). */
#define MB_BOOT_MAGIC		0x2badb002u

#define MB_INFO_MEM		BIT(0)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MMAP		BIT(6)
#define MB_INFO_LOADER_NAME	BIT(9)

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;	/* KiB below 1 MiB, KiB from 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct mb_module {
	u32 start, end;
	u32 string;
	u32 reserved;
} __packed;

/* @size counts the bytes after itself, so entries may grow; the next is at +size+4. */
struct mb_mmap_entry {
	u32 size;
	u64 addr;
	u64 len;
	u32 type;
} __packed;

#define MB_MEM_AVAILABLE	1
#define MB_MEM_RESERVED		2
#define MB_MEM_ACPI		3
#define MB_MEM_NVS		4
#define MB_MEM_BAD		5

/*
 * The entry after @prev (the first if @prev is NULL), or NULL at the end,
 * without a map, or where an entry would reach past mmap_length.
 */
const struct mb_mmap_entry *mb_mmap_next(const struct mb_info *mbi,
					 const struct mb_mmap_entry *prev);

#define mb_mmap_for_each(e, mbi) \
	for ((e) = mb_mmap_next(mbi, NULL); (e); (e) = mb_mmap_next(mbi, e))

/* Bytes of available RAM in the memory map (0 without one). */
u64 mb_ram_bytes(const struct mb_info *mbi);

/* True if [base, base + len) lies inside one available memory-map entry. */
bool mb_range_is_ram(const struct mb_info *mbi, u64 base, u64 len);

/* The command line, or "" if the loader gave none. */
const char *mb_cmdline(const struct mb_info *mbi);

#endif
