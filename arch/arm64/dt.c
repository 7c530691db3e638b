#include <lib/errno.h>
#include <asm/dt.h>

int dt_device_reg(const struct fdt *f, int node, u32 idx, u64 *base, u64 *size)
{
	int root = fdt_root(f), bus, err;
	u32 len;
	const void *val;

	for (bus = fdt_parent(f, node); bus >= 0 && bus != root; bus = fdt_parent(f, bus)) {
		err = fdt_prop(f, bus, "ranges", &val, &len);
		/* No "ranges": not addressable from the CPU; a non-empty one: a translation. */
		if (err == -ENOENT || (!err && len))
			return -EOPNOTSUPP;
		if (err)
			return err;
	}
	if (bus < 0)
		return bus;
	return fdt_reg(f, node, idx, base, size);
}
