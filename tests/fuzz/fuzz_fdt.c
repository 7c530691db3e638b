/* SOURCES: lib/fdt.c boot/fdt_boot.c core/boot_info.c lib/string.c */
/* SEEDS: tests/unit/data/qemu-virt-gicv3.dts */
/*
 * libFuzzer target for the devicetree reader and the boot parser built on
 * it. Whatever the input, fdt_init() either refuses it or every accessor
 * below runs within the buffer (libFuzzer hands over an exactly-sized heap
 * copy, so ASan reports the first byte read past it).
 */
#include <stddef.h>
#include <stdint.h>

#include <core/boot.h>
#include <lib/fdt.h>

static volatile uint8_t sink;

static void touch(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t i;

	for (i = 0; i < len; i++)
		sink ^= b[i];
}

static void walk_props(const struct fdt *f, int node)
{
	const char *name, *s;
	const void *val;
	uint32_t len, i;
	int prop;

	for (prop = fdt_first_prop(f, node); prop >= 0; prop = fdt_next_prop(f, prop)) {
		if (fdt_prop_at(f, prop, &name, &val, &len))
			continue;
		touch(val, len);
		for (i = 0; fdt_stringlist_get(f, node, name, i, &s) >= 0; i++)
			touch(s, 1);
	}
}

static void walk_nodes(const struct fdt *f)
{
	const char *name;
	u64 a, b;
	u32 v;
	int node, depth = 0, n;

	for (node = fdt_next_node(f, -1, &depth); node >= 0;
	     node = fdt_next_node(f, node, &depth)) {
		n = fdt_node_name(f, node, &name);
		if (n >= 0) {
			touch(name, (uint32_t)n);
			fdt_subnode(f, fdt_root(f), name, (size_t)n);
		}
		fdt_parent(f, node);
		fdt_first_subnode(f, node);
		fdt_next_subnode(f, node);
		fdt_reg_count(f, node);
		fdt_reg(f, node, 0, &a, &b);
		fdt_prop_u32(f, node, "#address-cells", &v);
		fdt_prop_uint(f, node, "linux,initrd-start", &a);
		fdt_is_enabled(f, node);
		fdt_is_compatible(f, node, "arm,pl011");
		walk_props(f, node);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	struct fdt f;
	u64 a, b;
	u32 i;

	if (fdt_init(&f, data, size) == 0) {
		walk_nodes(&f);
		for (i = 0; !fdt_mem_rsv(&f, i, &a, &b); i++)
			;
		fdt_path(&f, "/cpus/cpu@1", 11);
		fdt_path(&f, "/chosen", 7);
		fdt_find_compatible(&f, -1, "arm,gic-v3");
	}
	fdt_boot_parse(data, size, &bi);
	return 0;
}
