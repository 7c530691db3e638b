#ifndef LIB_FDT_WRITE_H
#define LIB_FDT_WRITE_H

#include <lib/types.h>

/*
 * A sequential flattened-devicetree writer: nodes and properties in
 * order, into a caller's buffer. The first error (no room, a node left
 * open, too many property names) sticks and is what fdtw_finish()
 * returns, so a builder checks once at the end.
 */
#define FDTW_STRINGS_MAX	512

struct fdt_writer {
	u8 *buf;
	size_t size;
	size_t off;		/* the end of the structure block so far */
	char strings[FDTW_STRINGS_MAX];
	u32 strings_len;
	int depth;
	int err;
};

void fdtw_init(struct fdt_writer *w, void *buf, size_t size);
void fdtw_begin_node(struct fdt_writer *w, const char *name);
void fdtw_end_node(struct fdt_writer *w);
void fdtw_prop(struct fdt_writer *w, const char *name, const void *val, u32 len);
void fdtw_prop_u32(struct fdt_writer *w, const char *name, u32 v);
/* @n cells, given in CPU order. */
void fdtw_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, u32 n);
void fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s);
void fdtw_prop_empty(struct fdt_writer *w, const char *name);
/* Appends the strings block and the header; the blob's size in *@len. */
int fdtw_finish(struct fdt_writer *w, size_t *len);

#endif
