#include <core/boot.h>
#include <core/efi_mmap.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * Multiboot 1 and 2 information, parsed into struct boot_info. Everything
 * in it is the loader's word, so every length and pointer is checked
 * against what it is contained in before it is used.
 */

#define MB_MEM_AVAILABLE	1
#define MB_STRING_MAX		256

/* A module's name is the last word of its string ("path name" or "name"). */
static void module_name(const char *s, size_t len, const char **name, size_t *name_len)
{
	size_t end = strnlen(s, len), start;

	while (end && s[end - 1] == ' ')
		end--;
	start = end;
	while (start && s[start - 1] != ' ')
		start--;
	*name = s + start;
	*name_len = end - start;
}

static int add_memory(struct boot_info *bi, u64 base, u64 len, u32 type)
{
	if (!len)
		return 0;
	if (base + (len - 1) < base)
		return -EINVAL;
	if (type == MB_MEM_AVAILABLE)
		boot_info_add_ram(bi, base, len);
	return 0;
}

/* ---- multiboot 1 ---- */

struct mb1_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct mb1_module {
	u32 start, end;
	u32 string;
	u32 reserved;
} __packed;

#define MB1_INFO_MEM		BIT(0)
#define MB1_INFO_CMDLINE	BIT(2)
#define MB1_INFO_MODS		BIT(3)
#define MB1_INFO_MMAP		BIT(6)
#define MB1_INFO_LOADER		BIT(9)
#define MB1_MAX_MODS		64

/* Maps a NUL-terminated string of at most MB_STRING_MAX bytes, or NULL. */
static const char *map_string(u64 pa, boot_map_fn map, void *ctx, size_t *len)
{
	size_t n;

	for (n = MB_STRING_MAX; n; n /= 2) {
		const char *s = map(pa, n, ctx);

		if (s) {
			*len = strnlen(s, n);
			return *len < n ? s : NULL;
		}
	}
	return NULL;
}

static int mb1_parse_mmap(const struct mb1_info *mi, boot_map_fn map, void *ctx,
			  struct boot_info *bi)
{
	const u8 *p = map(mi->mmap_addr, mi->mmap_length, ctx);
	u32 off = 0;
	int err;

	if (!p)
		return -EFAULT;
	while (off < mi->mmap_length) {
		u32 size;
		u64 base, len;
		u32 type;

		if (mi->mmap_length - off < 24)
			return -EINVAL;
		memcpy(&size, p + off, 4);
		if (size < 20 || size > mi->mmap_length - off - 4)
			return -EINVAL;
		memcpy(&base, p + off + 4, 8);
		memcpy(&len, p + off + 12, 8);
		memcpy(&type, p + off + 20, 4);
		err = add_memory(bi, base, len, type);
		if (err)
			return err;
		off += size + 4;
	}
	return 0;
}

static int mb1_parse_modules(const struct mb1_info *mi, boot_map_fn map, void *ctx,
			     struct boot_info *bi)
{
	const struct mb1_module *mods;
	u32 i;

	if (mi->mods_count > MB1_MAX_MODS)
		return -E2BIG;
	mods = map(mi->mods_addr, (u64)mi->mods_count * sizeof(*mods), ctx);
	if (!mods && mi->mods_count)
		return -EFAULT;
	for (i = 0; i < mi->mods_count; i++) {
		struct mb1_module m;
		const char *s = "", *name;
		size_t len = 0, name_len;

		memcpy(&m, &mods[i], sizeof(m));
		if (m.end <= m.start)
			return -EINVAL;
		if (m.string && !(s = map_string(m.string, map, ctx, &len)))
			return -EFAULT;
		module_name(s, len, &name, &name_len);
		boot_info_add_module(bi, m.start, m.end - m.start, name, name_len);
	}
	return 0;
}

int mb1_parse(u64 info_pa, boot_map_fn map, void *ctx, struct boot_info *bi)
{
	const struct mb1_info *mip = map(info_pa, sizeof(*mip), ctx);
	struct mb1_info mi;
	const char *s;
	size_t len;
	int err;

	if (!mip)
		return -EFAULT;
	memcpy(&mi, mip, sizeof(mi));
	strlcpy(bi->loader, "multiboot1", sizeof(bi->loader));
	if (mi.flags & MB1_INFO_LOADER) {
		s = map_string(mi.boot_loader_name, map, ctx, &len);
		if (!s)
			return -EFAULT;
		strlcpy(bi->loader, s, sizeof(bi->loader));
	}
	if (mi.flags & MB1_INFO_CMDLINE) {
		s = map_string(mi.cmdline, map, ctx, &len);
		if (!s)
			return -EFAULT;
		boot_info_set_cmdline(bi, s, len);
	}
	if (mi.flags & MB1_INFO_MMAP) {
		err = mb1_parse_mmap(&mi, map, ctx, bi);
		if (err)
			return err;
	} else if (mi.flags & MB1_INFO_MEM) {
		boot_info_add_ram(bi, 0, (u64)mi.mem_lower << 10);
		boot_info_add_ram(bi, 1ULL << 20, (u64)mi.mem_upper << 10);
	}
	if (mi.flags & MB1_INFO_MODS) {
		err = mb1_parse_modules(&mi, map, ctx, bi);
		if (err)
			return err;
	}
	return bi->nr_ram ? 0 : -ENOENT;
}

/* ---- multiboot 2 ---- */

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER		2
#define MB2_TAG_MODULE		3
#define MB2_TAG_MMAP		6
#define MB2_TAG_FRAMEBUFFER	8
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_EFI_MMAP	17
#define MB2_EFI_MMAP_HDR	16

struct mb2_tag {
	u32 type;
	u32 size;
};

static int mb2_parse_mmap(const u8 *tag, u32 size, struct boot_info *bi)
{
	u32 entry_size, off;
	int err;

	if (size < 16)
		return -EINVAL;
	memcpy(&entry_size, tag + 8, 4);
	if (entry_size < 24 || entry_size % 8)
		return -EINVAL;
	for (off = 16; size - off >= entry_size; off += entry_size) {
		u64 base, len;
		u32 type;

		memcpy(&base, tag + off, 8);
		memcpy(&len, tag + off + 8, 8);
		memcpy(&type, tag + off + 16, 4);
		err = add_memory(bi, base, len, type);
		if (err)
			return err;
	}
	return 0;
}

static int mb2_parse_module(const u8 *tag, u32 size, struct boot_info *bi)
{
	u32 start, end;
	const char *name;
	size_t name_len;

	if (size < 17)
		return -EINVAL;
	memcpy(&start, tag + 8, 4);
	memcpy(&end, tag + 12, 4);
	if (end <= start)
		return -EINVAL;
	module_name((const char *)tag + 16, size - 16, &name, &name_len);
	boot_info_add_module(bi, start, end - start, name, name_len);
	return 0;
}

/*
 * Tag 17: u32 descriptor size, u32 descriptor version, then the firmware's
 * descriptors. GRUB gives it only when booted from UEFI, next to the
 * converted e820-style tag 6, and it replaces that one (see core/efi_mmap.h).
 */
static int mb2_parse_efi_mmap(const u8 *tag, u32 size, struct boot_info *bi)
{
	u32 desc_size;

	if (size < MB2_EFI_MMAP_HDR)
		return -EINVAL;
	memcpy(&desc_size, tag + 8, 4);
	return efi_mmap_parse(tag + MB2_EFI_MMAP_HDR, size - MB2_EFI_MMAP_HDR, desc_size, bi);
}

/*
 * Tag 8, laid out as GRUB writes it: address, pitch, width, height, bpp,
 * type, a 16-bit reserved field, then for RGB the positions and sizes of
 * the red, green and blue fields. Indexed colour is not supported; a
 * framebuffer whose lines or size do not add up is not used at all.
 */
#define MB2_FB_TYPE_RGB		1
#define MB2_FB_TYPE_EGA_TEXT	2
#define MB2_FB_COMMON_LEN	32
#define MB2_FB_RGB_LEN		38

static bool fb_geometry_ok(const struct boot_fb *fb)
{
	u64 min_pitch = ((u64)fb->width * fb->bpp + 7) / 8;

	return fb->width && fb->height && fb->pitch >= min_pitch &&
	       (u64)fb->pitch * fb->height <= ~0ULL - fb->addr;
}

static bool fb_fields_ok(const struct boot_fb *fb)
{
	return fb->red_size && fb->green_size && fb->blue_size &&
	       fb->red_pos + fb->red_size <= fb->bpp && fb->green_pos + fb->green_size <= fb->bpp &&
	       fb->blue_pos + fb->blue_size <= fb->bpp;
}

static void mb2_parse_framebuffer(const u8 *tag, u32 size, struct boot_info *bi)
{
	struct boot_fb fb = { 0 };
	u8 type;

	if (size < MB2_FB_COMMON_LEN)
		return;
	memcpy(&fb.addr, tag + 8, 8);
	memcpy(&fb.pitch, tag + 16, 4);
	memcpy(&fb.width, tag + 20, 4);
	memcpy(&fb.height, tag + 24, 4);
	fb.bpp = tag[28];
	type = tag[29];
	if (type == MB2_FB_TYPE_EGA_TEXT && fb.bpp == 16) {
		fb.kind = BOOT_FB_EGA_TEXT;
	} else if (type == MB2_FB_TYPE_RGB && size >= MB2_FB_RGB_LEN &&
		   (fb.bpp == 16 || fb.bpp == 24 || fb.bpp == 32)) {
		fb.kind = BOOT_FB_RGB;
		fb.red_pos = tag[32];
		fb.red_size = tag[33];
		fb.green_pos = tag[34];
		fb.green_size = tag[35];
		fb.blue_pos = tag[36];
		fb.blue_size = tag[37];
		if (!fb_fields_ok(&fb))
			return;
	} else {
		return;
	}
	if (fb_geometry_ok(&fb))
		bi->fb = fb;
}

static int mb2_parse_tag(const u8 *tag, u32 type, u32 size, struct boot_info *bi)
{
	const char *str = (const char *)tag + 8;

	switch (type) {
	case MB2_TAG_CMDLINE:
		boot_info_set_cmdline(bi, str, size - 8);
		return 0;
	case MB2_TAG_LOADER:
		strlcpy_bounded(bi->loader, sizeof(bi->loader), str, size - 8);
		return 0;
	case MB2_TAG_MODULE:
		return mb2_parse_module(tag, size, bi);
	case MB2_TAG_MMAP:
		return mb2_parse_mmap(tag, size, bi);
	case MB2_TAG_FRAMEBUFFER:
		mb2_parse_framebuffer(tag, size, bi);
		return 0;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* A newer RSDP (tag 15) wins over the ACPI 1.0 copy. */
		if (type == MB2_TAG_ACPI_OLD && bi->acpi_rsdp_len > 20)
			return 0;
		bi->acpi_rsdp_len = MIN(size - 8, (u32)BOOT_RSDP_MAX);
		memcpy(bi->acpi_rsdp, tag + 8, bi->acpi_rsdp_len);
		return 0;
	default:
		return 0;
	}
}

int mb2_parse(const void *info, size_t avail, struct boot_info *bi)
{
	const u8 *p = info;
	u32 total, off = 8, efi_off = 0, efi_size = 0;
	int err;

	if (avail < 16)
		return -EINVAL;
	memcpy(&total, p, 4);
	if (total < 16 || total > avail || total > MB2_INFO_MAX)
		return -EINVAL;
	strlcpy(bi->loader, "multiboot2", sizeof(bi->loader));
	for (;;) {
		struct mb2_tag tag;

		if (total - off < sizeof(tag))
			return -EBADMSG;
		memcpy(&tag, p + off, sizeof(tag));
		if (tag.size < sizeof(tag) || tag.size > total - off)
			return -EINVAL;
		if (tag.type == MB2_TAG_END)
			break;
		if (tag.type == MB2_TAG_EFI_MMAP) {
			efi_off = off;
			efi_size = tag.size;
		}
		err = mb2_parse_tag(p + off, tag.type, tag.size, bi);
		if (err)
			return err;
		off += ALIGN_UP(tag.size, 8);
		if (off >= total)
			return -EBADMSG;
	}
	/* Last, whatever the tags' order: it wins over tag 6. */
	if (efi_size)
		return mb2_parse_efi_mmap(p + efi_off, efi_size, bi);
	return bi->nr_ram ? 0 : -ENOENT;
}
