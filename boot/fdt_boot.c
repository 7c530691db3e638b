#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/fdt.h>
#include <lib/printf.h>
#include <lib/string.h>

/*
 * The loader's devicetree (arm64 Image protocol) into struct boot_info.
 *
 * fdt_init() checks the whole structure before anything here runs, so
 * what can still go wrong below is content: a property of the wrong
 * shape, a missing one, cells wider than 64 bits, an empty or wrapping
 * range. Such an entry is skipped and the rest of the loader's
 * information is still used.
 */

/* Adds every entry of @node's "reg" with @add; the table refuses empty or wrapping ones. */
static void add_reg_ranges(const struct fdt *f, int node, struct boot_info *bi,
			   int (*add)(struct boot_info *, u64, u64))
{
	u64 base, size;
	u32 i;

	for (i = 0; !fdt_reg(f, node, i, &base, &size); i++)
		add(bi, base, size);
}

static bool is_memory_node(const struct fdt *f, int node)
{
	const char *type;

	return fdt_prop_string(f, node, "device_type", &type) >= 0 && !strcmp(type, "memory") &&
	       fdt_is_enabled(f, node);
}

static void parse_memory(const struct fdt *f, struct boot_info *bi)
{
	int node;

	for (node = fdt_first_subnode(f, fdt_root(f)); node >= 0;
	     node = fdt_next_subnode(f, node))
		if (is_memory_node(f, node))
			add_reg_ranges(f, node, bi, boot_info_add_ram);
}

static void parse_reserved(const struct fdt *f, struct boot_info *bi)
{
	u64 addr, size;
	u32 i;
	int node;

	for (i = 0; !fdt_mem_rsv(f, i, &addr, &size); i++)
		boot_info_add_reserved(bi, addr, size);

	/* Children with only "size" ask the OS to allocate for them: nothing to keep out. */
	for (node = fdt_first_subnode(f, fdt_path(f, "/reserved-memory", 16)); node >= 0;
	     node = fdt_next_subnode(f, node))
		if (fdt_is_enabled(f, node))
			add_reg_ranges(f, node, bi, boot_info_add_reserved);
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

	/* A refused blob leaves @bi empty: no half memory map for the caller to trust. */
	boot_info_init(bi);
	err = fdt_init(&f, blob, avail);
	if (err)
		return err;
	parse_memory(&f, bi);
	parse_reserved(&f, bi);
	parse_chosen(&f, bi);
	set_loader_name(&f, bi);
	bi->fdt = (u64)(uintptr_t)blob;
	bi->fdt_size = f.size;
	return 0;
}
