#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/fdt.h>
#include <lib/printf.h>
#include <lib/string.h>

/*
 * The loader's devicetree (arm64 Image protocol) into struct boot_info.
 *
 * fdt_init() has checked the whole structure before anything here runs,
 * so the only failures left below are about content: a property of the
 * wrong shape (-ERANGE), a missing one (-ENOENT), cells wider than 64 bits
 * (-EOPNOTSUPP). Those entries are skipped, as the loader's other
 * information is still good; anything else means the blob changed under
 * us or the reader found a structural fault, and the parse fails.
 */
static bool content_error(int err)
{
	return err == -ENOENT || err == -ERANGE || err == -EOPNOTSUPP;
}

/* Adds every entry of @node's "reg" with @add; zero-sized or wrapping ones are skipped. */
static int add_reg_ranges(const struct fdt *f, int node, struct boot_info *bi,
			  int (*add)(struct boot_info *, u64, u64))
{
	u64 base, size;
	u32 i;
	int n = fdt_reg_count(f, node);

	if (n < 0)
		return content_error(n) ? 0 : n;
	for (i = 0; i < (u32)n; i++) {
		int err = fdt_reg(f, node, i, &base, &size);

		if (err)
			return err;
		/* -EINVAL (empty or wrapping range) and -ENOSPC (counted in dropped) skip one entry. */
		add(bi, base, size);
	}
	return 0;
}

static bool is_memory_node(const struct fdt *f, int node)
{
	const char *type;

	return fdt_prop_string(f, node, "device_type", &type) >= 0 && !strcmp(type, "memory") &&
	       fdt_is_enabled(f, node);
}

static int parse_memory(const struct fdt *f, struct boot_info *bi)
{
	int node, err;

	for (node = fdt_first_subnode(f, fdt_root(f)); node >= 0;
	     node = fdt_next_subnode(f, node)) {
		if (!is_memory_node(f, node))
			continue;
		err = add_reg_ranges(f, node, bi, boot_info_add_ram);
		if (err)
			return err;
	}
	return node == -ENOENT ? 0 : node;
}

static int parse_reserved(const struct fdt *f, struct boot_info *bi)
{
	u64 addr, size;
	u32 i;
	int parent, node, err;

	for (i = 0; !fdt_mem_rsv(f, i, &addr, &size); i++)
		boot_info_add_reserved(bi, addr, size);

	parent = fdt_path(f, "/reserved-memory", 16);
	if (parent == -ENOENT)
		return 0;
	if (parent < 0)
		return parent;
	/* Children with only "size" ask the OS to allocate for them: nothing to keep out. */
	for (node = fdt_first_subnode(f, parent); node >= 0; node = fdt_next_subnode(f, node)) {
		if (!fdt_is_enabled(f, node))
			continue;
		err = add_reg_ranges(f, node, bi, boot_info_add_reserved);
		if (err)
			return err;
	}
	return node == -ENOENT ? 0 : node;
}

static void parse_initrd(const struct fdt *f, int chosen, struct boot_info *bi)
{
	u64 start, end;

	if (fdt_prop_uint(f, chosen, "linux,initrd-start", &start) ||
	    fdt_prop_uint(f, chosen, "linux,initrd-end", &end) || end <= start)
		return;
	boot_info_add_module(bi, start, end - start, "initrd", 6);
}

static void parse_chosen(const struct fdt *f, struct boot_info *bi)
{
	const char *s;
	int chosen = fdt_path(f, "/chosen", 7), n;

	if (chosen < 0)
		return;
	n = fdt_prop_string(f, chosen, "bootargs", &s);
	if (n >= 0)
		boot_info_set_cmdline(bi, s, (size_t)n);
	parse_initrd(f, chosen, bi);
}

/*
 * U-Boot says who it is in /chosen; QEMU and others leave no name, so the
 * machine's model (or first compatible) says at least what booted us.
 */
static void set_loader_name(const struct fdt *f, struct boot_info *bi)
{
	const char *s;
	int chosen = fdt_path(f, "/chosen", 7);

	if (chosen >= 0 && fdt_prop_string(f, chosen, "u-boot,version", &s) >= 0) {
		snprintf(bi->loader, sizeof(bi->loader), "%s", s);
		return;
	}
	if (fdt_prop_string(f, fdt_root(f), "model", &s) >= 0 ||
	    fdt_stringlist_get(f, fdt_root(f), "compatible", 0, &s) >= 0)
		snprintf(bi->loader, sizeof(bi->loader), "a DTB loader (%s)", s);
	else
		snprintf(bi->loader, sizeof(bi->loader), "a DTB loader");
}

int fdt_boot_parse(const void *blob, size_t avail, struct boot_info *bi)
{
	struct fdt f;
	int err;

	boot_info_init(bi);
	err = fdt_init(&f, blob, avail);
	if (!err)
		err = parse_memory(&f, bi);
	if (!err)
		err = parse_reserved(&f, bi);
	if (err) {
		/* Half a memory map is worse than none: the caller must not use it. */
		boot_info_init(bi);
		return err;
	}
	parse_chosen(&f, bi);
	set_loader_name(&f, bi);
	bi->fdt = (u64)(uintptr_t)blob;
	bi->fdt_size = f.size;
	return 0;
}
