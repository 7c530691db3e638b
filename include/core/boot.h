#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <lib/types.h>

/*
 * The one arch-neutral description of what the boot loader handed over:
 * multiboot1/2 on x86 and the DTB on arm64 are both parsed into this, and
 * nothing after the parsers looks at the loader's own structures again.
 */
#define BOOT_MAX_RAM		64
#define BOOT_MAX_RESERVED	32
#define BOOT_MAX_MODULES	16
#define BOOT_CMDLINE_MAX	512
#define BOOT_NAME_MAX		64
#define BOOT_RSDP_MAX		36

struct boot_range {
	u64 base;
	u64 size;
};

struct boot_module {
	u64 base;
	u64 size;
	char name[BOOT_NAME_MAX];
};

/* A display the loader set up (multiboot2 tag 8): linear RGB pixels or EGA text cells. */
enum boot_fb_kind {
	BOOT_FB_NONE,
	BOOT_FB_RGB,
	BOOT_FB_EGA_TEXT,
};

struct boot_fb {
	u64 addr;
	u32 pitch;		/* bytes per line */
	u32 width, height;	/* pixels, or characters for EGA text */
	u8 bpp;
	u8 kind;		/* enum boot_fb_kind */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	struct boot_range ram[BOOT_MAX_RAM];
	u32 nr_ram;
	struct boot_range reserved[BOOT_MAX_RESERVED];
	u32 nr_reserved;
	struct boot_module modules[BOOT_MAX_MODULES];
	u32 nr_modules;
	/* The RAM list came from the UEFI memory map (core/efi_mmap.h). */
	bool ram_from_efi;
	/* Entries dropped because a table above was full; reported at boot. */
	u32 dropped;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_NAME_MAX];
	/* x86: a copy of the ACPI RSDP if the loader gave one (multiboot2). */
	u8 acpi_rsdp[BOOT_RSDP_MAX];
	u32 acpi_rsdp_len;
	/* x86: the framebuffer, if the loader set one up. */
	struct boot_fb fb;
	/* arm64: the DTB the loader passed (physical address and size). */
	u64 fdt;
	u64 fdt_size;
};

void boot_info_init(struct boot_info *bi);
int boot_info_add_ram(struct boot_info *bi, u64 base, u64 size);
int boot_info_add_reserved(struct boot_info *bi, u64 base, u64 size);
int boot_info_add_module(struct boot_info *bi, u64 base, u64 size, const char *name,
			 size_t name_len);
void boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t max);
u64 boot_info_ram_total(const struct boot_info *bi);
const struct boot_module *boot_info_find_module(const struct boot_info *bi, const char *name);

/*
 * Looks up "key=value" (or a bare "key") in the command line. Returns the
 * value's length, or -ENOENT; the value is copied NUL-terminated to @buf.
 */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
bool cmdline_has(const char *cmdline, const char *key);

/*
 * Parsers. @map gives access to a physical range the loader pointed at
 * and returns NULL when the range is not accessible; it is how the
 * parsers are kept from following a lying pointer. They return 0 or a
 * negative errno and log nothing: the caller reports.
 */
typedef const void *(*boot_map_fn)(u64 pa, u64 len, void *ctx);

#define MB1_BOOT_MAGIC		0x2badb002u
#define MB2_BOOT_MAGIC		0x36d76289u
/* Largest multiboot2 information structure we accept. */
#define MB2_INFO_MAX		(1u << 20)

int mb1_parse(u64 info_pa, boot_map_fn map, void *ctx, struct boot_info *bi);
int mb2_parse(const void *info, size_t avail, struct boot_info *bi);
int fdt_boot_parse(const void *fdt, size_t avail, struct boot_info *bi);

#endif
