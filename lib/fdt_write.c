#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/fdt_write.h>
#include <lib/string.h>

#define FDT_MAGIC		0xd00dfeedu
#define FDT_BEGIN_NODE		1u
#define FDT_END_NODE		2u
#define FDT_PROP		3u
#define FDT_END			9u
#define FDT_VERSION		17u
#define FDT_LAST_COMP		16u
#define FDT_HEADER_SIZE		40u
#define FDT_RSVMAP_SIZE		16u	/* the terminating entry only */

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void fail(struct fdt_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* @len bytes of @data, zero-padded to a multiple of 4. */
static void emit(struct fdt_writer *w, const void *data, size_t len)
{
	size_t padded = ALIGN_UP(len, 4);

	if (w->err)
		return;
	if (padded > w->size - w->off) {
		fail(w, -ENOSPC);
		return;
	}
	if (len)
		memcpy(w->buf + w->off, data, len);
	memset(w->buf + w->off + len, 0, padded - len);
	w->off += padded;
}

static void emit_u32(struct fdt_writer *w, u32 v)
{
	u8 b[4];

	put_be32(b, v);
	emit(w, b, 4);
}

void fdtw_init(struct fdt_writer *w, void *buf, size_t size)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = size;
	w->off = FDT_HEADER_SIZE + FDT_RSVMAP_SIZE;
	if (size < w->off)
		w->err = -ENOSPC;
}

void fdtw_begin_node(struct fdt_writer *w, const char *name)
{
	emit_u32(w, FDT_BEGIN_NODE);
	emit(w, name, strlen(name) + 1);
	w->depth++;
}

void fdtw_end_node(struct fdt_writer *w)
{
	if (!w->depth) {
		fail(w, -EINVAL);
		return;
	}
	emit_u32(w, FDT_END_NODE);
	w->depth--;
}

/* The offset of @name in the strings block, added once. */
static u32 string_offset(struct fdt_writer *w, const char *name)
{
	size_t len = strlen(name) + 1;
	u32 off = 0;

	while (off < w->strings_len) {
		if (!strcmp(w->strings + off, name))
			return off;
		off += (u32)strlen(w->strings + off) + 1;
	}
	if (len > sizeof(w->strings) - w->strings_len) {
		fail(w, -ENOSPC);
		return 0;
	}
	memcpy(w->strings + w->strings_len, name, len);
	w->strings_len += (u32)len;
	return off;
}

void fdtw_prop(struct fdt_writer *w, const char *name, const void *val, u32 len)
{
	u32 nameoff = string_offset(w, name);

	if (!w->depth)
		fail(w, -EINVAL);
	emit_u32(w, FDT_PROP);
	emit_u32(w, len);
	emit_u32(w, nameoff);
	emit(w, val, len);
}

void fdtw_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, u32 n)
{
	u8 be[4 * 16];
	u32 i;

	if (n > ARRAY_SIZE(be) / 4) {
		fail(w, -E2BIG);
		return;
	}
	for (i = 0; i < n; i++)
		put_be32(be + 4 * i, cells[i]);
	fdtw_prop(w, name, be, 4 * n);
}

void fdtw_prop_u32(struct fdt_writer *w, const char *name, u32 v)
{
	fdtw_prop_cells(w, name, &v, 1);
}

void fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s)
{
	fdtw_prop(w, name, s, (u32)strlen(s) + 1);
}

void fdtw_prop_empty(struct fdt_writer *w, const char *name)
{
	fdtw_prop(w, name, NULL, 0);
}

int fdtw_finish(struct fdt_writer *w, size_t *len)
{
	size_t struct_off = FDT_HEADER_SIZE + FDT_RSVMAP_SIZE, struct_size, strings_off;
	u8 *h = w->buf;

	if (w->depth)
		fail(w, -EINVAL);
	emit_u32(w, FDT_END);
	if (w->err)
		return w->err;
	struct_size = w->off - struct_off;
	strings_off = w->off;
	emit(w, w->strings, w->strings_len);
	if (w->err)
		return w->err;
	memset(h, 0, struct_off);
	put_be32(h + 0, FDT_MAGIC);
	put_be32(h + 4, (u32)w->off);
	put_be32(h + 8, (u32)struct_off);
	put_be32(h + 12, (u32)strings_off);
	put_be32(h + 16, FDT_HEADER_SIZE);
	put_be32(h + 20, FDT_VERSION);
	put_be32(h + 24, FDT_LAST_COMP);
	put_be32(h + 32, w->strings_len);
	put_be32(h + 36, (u32)struct_size);
	*len = w->off;
	return 0;
}
