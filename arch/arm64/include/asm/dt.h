#ifndef ASM_DT_H
#define ASM_DT_H

#include <lib/fdt.h>

/*
 * Entry @idx of a device node's "reg" as a CPU physical address. Only
 * buses that map their children 1:1 (an empty "ranges") are followed;
 * a translating bus gives -EOPNOTSUPP rather than a wrong address.
 */
int dt_device_reg(const struct fdt *fdt, int node, u32 idx, u64 *base, u64 *size);

/* The loader's DTB, set up by boot/arm64/setup.c; blob is NULL if it was unusable. */
extern struct fdt arm64_fdt;

#endif
