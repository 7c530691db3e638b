#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <lib/types.h>

/*
 * A reader for flattened devicetree blobs (DTB format version 17) that
 * trusts nothing in the blob: the loader's DTB on arm64 and VM
 * configuration blobs on both architectures go through it.
 *
 * fdt_init() validates the header and walks the whole structure block
 * once (every token, name, property length, string offset, the nesting
 * depth and the memory reservation map), so a blob that passes is
 * well-formed everywhere. Every accessor still bound-checks what it reads:
 * no call reads outside [blob, blob + totalsize), whatever the content.
 *
 * A node is named by the offset of its FDT_BEGIN_NODE token in the
 * structure block (an int >= 0); a property likewise by the offset of its
 * FDT_PROP token. The blob must stay unchanged while a struct fdt refers
 * to it.
 *
 * Errors (negative):
 *   -ENOEXEC     not a devicetree (bad magic)
 *   -EOPNOTSUPP  a format version this reader does not know, or cells that
 *                do not fit 64 bits (#address-cells > 2, #size-cells > 2)
 *   -EOVERFLOW   the blob is larger than the buffer it was found in
 *   -EBADMSG     malformed structure: a block, token, node name or
 *                property name outside its bounds or unterminated
 *   -E2BIG       nodes nested deeper than FDT_MAX_DEPTH
 *   -ENOENT      no such node, property or entry
 *   -ERANGE      a property whose value does not have the shape asked for
 *                (wrong length, unterminated string, partial reg entry)
 *   -EINVAL      a bad argument, such as an offset that is not a node
 */

#define FDT_MAGIC		0xd00dfeedu
#define FDT_VERSION		17
#define FDT_HEADER_SIZE		40
#define FDT_MAX_DEPTH		32

#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP		3
#define FDT_NOP			4
#define FDT_END			9

struct fdt {
	const u8 *blob;
	u32 size;		/* totalsize, validated against the buffer */
	u32 struct_off;
	u32 struct_size;
	u32 strings_off;
	u32 strings_size;
	u32 rsvmap_off;
	u32 nr_rsv;		/* entries before the terminating (0, 0) */
	u32 boot_cpuid;
};

int fdt_init(struct fdt *fdt, const void *blob, size_t avail);

/* /memreserve/ entry @idx, or -ENOENT past the last one. */
int fdt_mem_rsv(const struct fdt *fdt, u32 idx, u64 *addr, u64 *size);

/* Nodes. */
int fdt_root(const struct fdt *fdt);
int fdt_first_subnode(const struct fdt *fdt, int node);
int fdt_next_subnode(const struct fdt *fdt, int node);
/*
 * The node after @node in document order (the root when @node < 0). *depth
 * is adjusted by the nesting change: +1 into a child, 0 to a sibling, one
 * less per level climbed. -ENOENT after the last node.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_parent(const struct fdt *fdt, int node);
/* The node name with its unit address ("cpu@1"); returns its length. */
int fdt_node_name(const struct fdt *fdt, int node, const char **name);
/* A child by name; without '@' in @name, "cpu" also finds "cpu@0". */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t len);
/* An absolute path such as "/cpus/cpu@1" (no aliases). */
int fdt_path(const struct fdt *fdt, const char *path, size_t len);
/* The next node after @from (from the start when @from < 0) compatible with @compat. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);

/* Properties. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);
int fdt_prop_at(const struct fdt *fdt, int prop, const char **name, const void **val,
		u32 *len);
int fdt_prop(const struct fdt *fdt, int node, const char *name, const void **val, u32 *len);
/* Exactly one cell. */
int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, u32 *out);
/* One or two cells, as "linux,initrd-start" may be either. */
int fdt_prop_uint(const struct fdt *fdt, int node, const char *name, u64 *out);
/* A NUL-terminated string property; returns its length. */
int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **s);
/* String @idx of a string list such as "compatible"; returns its length. */
int fdt_stringlist_get(const struct fdt *fdt, int node, const char *name, u32 idx,
		       const char **s);
/* 1 if @node lists @compat, 0 if not, negative on a malformed list. */
int fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* False only for a "status" other than "okay" or "ok". */
bool fdt_is_enabled(const struct fdt *fdt, int node);

/*
 * #address-cells and #size-cells that @node gives its children (2 and 1
 * when absent, as the specification says). Values above 4 are refused.
 */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);
/*
 * Entry @idx of @node's "reg", read with its parent's cell counts. The
 * address is the one on the parent's bus: no "ranges" are applied.
 */
int fdt_reg(const struct fdt *fdt, int node, u32 idx, u64 *base, u64 *size);
int fdt_reg_count(const struct fdt *fdt, int node);

#endif
