#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/fdt.h>
#include <lib/string.h>

/*
 * Offsets are handed out as ints, so the blob is kept well below 2 GiB:
 * an offset plus a token's length can then never wrap.
 */
#define FDT_MAX_SIZE		(1u << 30)

#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_BOOT_CPUID		28
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

#define RSV_ENTRY_SIZE		16
#define PROP_HEADER_SIZE	8
#define MAX_CELLS		4

/*
 * Byte loads: a blob may sit at any alignment (a VM configuration inside
 * a module, a fuzzer's buffer), and arm64 builds with -mstrict-align.
 */
static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 be64(const u8 *p)
{
	return (u64)be32(p) << 32 | be32(p + 4);
}

static u32 align4(u32 x)
{
	return (x + 3) & ~3u;
}

static const u8 *struct_block(const struct fdt *f)
{
	return f->blob + f->struct_off;
}

/* True when @off names a string that ends with a NUL inside the strings block. */
static bool string_ok(const struct fdt *f, u32 off)
{
	const char *s = (const char *)f->blob + f->strings_off;
	u32 room = f->strings_size - off;

	return off < f->strings_size && strnlen(s + off, room) < room;
}

/*
 * Reads the token at @off and checks that all of it lies inside the
 * structure block: a node name must end with a NUL inside the block, a
 * property's header and value must fit, and its name offset must lead to
 * a terminated string in the strings block. Returns the tag and, in
 * *next, where the following token starts.
 */
static int next_tag(const struct fdt *f, int off, int *next)
{
	const u8 *s = struct_block(f);
	u32 o, tag, len, nameoff, max;

	if (off < 0 || f->struct_size < 4 || (u32)off > f->struct_size - 4 || (u32)off % 4)
		return -EBADMSG;
	o = (u32)off + 4;
	tag = be32(s + off);
	switch (tag) {
	case FDT_BEGIN_NODE:
		max = f->struct_size - o;
		len = (u32)strnlen((const char *)s + o, max);
		if (len == max)
			return -EBADMSG;
		o += len + 1;
		break;
	case FDT_PROP:
		if (f->struct_size - o < PROP_HEADER_SIZE)
			return -EBADMSG;
		len = be32(s + o);
		nameoff = be32(s + o + 4);
		o += PROP_HEADER_SIZE;
		if (len > f->struct_size - o || !string_ok(f, nameoff))
			return -EBADMSG;
		o += len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -EBADMSG;
	}
	*next = (int)align4(o);
	return (int)tag;
}

/*
 * One pass over the structure block: exactly one root, balanced nesting
 * no deeper than FDT_MAX_DEPTH, properties only inside nodes, and an
 * FDT_END after the root. Offsets grow by at least 4 per token, so the
 * walk ends within struct_size / 4 steps whatever the blob says.
 */
static int check_structure(const struct fdt *f)
{
	int off = 0, next, tag, depth = 0;
	bool root_seen = false;

	for (;;) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (!depth && root_seen)
				return -EBADMSG;
			root_seen = true;
			if (++depth > FDT_MAX_DEPTH)
				return -E2BIG;
			break;
		case FDT_END_NODE:
			if (!depth)
				return -EBADMSG;
			depth--;
			break;
		case FDT_PROP:
			if (!depth)
				return -EBADMSG;
			break;
		case FDT_END:
			return root_seen && !depth ? 0 : -EBADMSG;
		}
		off = next;
	}
}

/* Counts the reservation entries; the (0, 0) terminator must lie inside the blob. */
static int check_rsvmap(struct fdt *f)
{
	u32 off = f->rsvmap_off;

	for (f->nr_rsv = 0;; f->nr_rsv++, off += RSV_ENTRY_SIZE) {
		if (f->size - off < RSV_ENTRY_SIZE)
			return -EBADMSG;
		if (!be64(f->blob + off) && !be64(f->blob + off + 8))
			return 0;
	}
}

/* A block must lie after the header and inside totalsize. */
static bool block_ok(u32 off, u32 size, u32 total)
{
	return off >= FDT_HEADER_SIZE && range_within(off, size, 0, total);
}

static int read_header(struct fdt *f, const u8 *b, size_t avail)
{
	u32 total;

	if (avail < 4)
		return -EOVERFLOW;
	if (be32(b + HDR_MAGIC) != FDT_MAGIC)
		return -ENOEXEC;
	if (avail < FDT_HEADER_SIZE)
		return -EOVERFLOW;
	if (be32(b + HDR_VERSION) < FDT_VERSION || be32(b + HDR_LAST_COMP) > FDT_VERSION)
		return -EOPNOTSUPP;
	total = be32(b + HDR_TOTALSIZE);
	if (total > avail || total > FDT_MAX_SIZE)
		return -EOVERFLOW;
	if (total < FDT_HEADER_SIZE)
		return -EBADMSG;

	f->struct_off = be32(b + HDR_OFF_STRUCT);
	f->struct_size = be32(b + HDR_SIZE_STRUCT);
	f->strings_off = be32(b + HDR_OFF_STRINGS);
	f->strings_size = be32(b + HDR_SIZE_STRINGS);
	f->rsvmap_off = be32(b + HDR_OFF_RSVMAP);
	f->boot_cpuid = be32(b + HDR_BOOT_CPUID);
	if (!block_ok(f->struct_off, f->struct_size, total) || f->struct_off % 4 ||
	    !block_ok(f->strings_off, f->strings_size, total) ||
	    !block_ok(f->rsvmap_off, 0, total) || f->rsvmap_off % 8)
		return -EBADMSG;
	f->blob = b;
	f->size = total;
	return 0;
}

int fdt_init(struct fdt *f, const void *blob, size_t avail)
{
	int err;

	if (!f)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	if (!blob)
		return -EINVAL;
	err = read_header(f, blob, avail);
	if (!err)
		err = check_rsvmap(f);
	if (!err)
		err = check_structure(f);
	/* A refused blob leaves an empty struct fdt: every accessor then fails cleanly. */
	if (err)
		memset(f, 0, sizeof(*f));
	return err;
}

int fdt_mem_rsv(const struct fdt *f, u32 idx, u64 *addr, u64 *size)
{
	const u8 *e;

	if (idx >= f->nr_rsv)
		return -ENOENT;
	e = f->blob + f->rsvmap_off + (size_t)idx * RSV_ENTRY_SIZE;
	*addr = be64(e);
	*size = be64(e + 8);
	return 0;
}

/* Where the node's contents start, or -EINVAL when @node is not a node. */
static int node_body(const struct fdt *f, int node)
{
	int next;

	return next_tag(f, node, &next) == FDT_BEGIN_NODE ? next : -EINVAL;
}

int fdt_root(const struct fdt *f)
{
	int off = 0, next, tag;

	for (;;) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag != FDT_NOP)
			return -EBADMSG;
		off = next;
	}
}

int fdt_first_subnode(const struct fdt *f, int node)
{
	int off = node_body(f, node), next, tag;

	if (off < 0)
		return off;
	for (;; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE || tag == FDT_END)
			return -ENOENT;
	}
}

/* The offset just past @node's FDT_END_NODE. */
static int skip_subtree(const struct fdt *f, int node)
{
	int off = node_body(f, node), depth = 1, next, tag;

	if (off < 0)
		return off;
	for (; depth; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE && ++depth > FDT_MAX_DEPTH)
			return -E2BIG;
		if (tag == FDT_END_NODE)
			depth--;
		if (tag == FDT_END)
			return -EBADMSG;
	}
	return off;
}

int fdt_next_subnode(const struct fdt *f, int node)
{
	int off = skip_subtree(f, node), next, tag;

	if (off < 0)
		return off;
	for (;; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag == FDT_END_NODE || tag == FDT_END)
			return -ENOENT;
	}
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	int off, next, tag, d = 0;

	if (node < 0) {
		off = 0;
		d = -1;
	} else {
		off = node_body(f, node);
		if (off < 0)
			return off;
	}
	for (;; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			break;
		if (tag == FDT_END_NODE)
			d--;
		if (tag == FDT_END)
			return -ENOENT;
	}
	if (depth)
		*depth = node < 0 ? 0 : *depth + d + 1;
	return off;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH];
	int off = 0, next, tag, d = 0;

	for (; off <= node; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE) {
			if (off == node)
				return d ? stack[d - 1] : -ENOENT;
			if (d == FDT_MAX_DEPTH)
				return -E2BIG;
			stack[d++] = off;
		} else if (tag == FDT_END_NODE) {
			if (!d)
				return -EBADMSG;
			d--;
		} else if (tag == FDT_END) {
			break;
		}
	}
	return -EINVAL;
}

int fdt_node_name(const struct fdt *f, int node, const char **name)
{
	int next;

	if (next_tag(f, node, &next) != FDT_BEGIN_NODE)
		return -EINVAL;
	/* next_tag() saw the NUL before the block's end. */
	*name = (const char *)struct_block(f) + node + 4;
	return (int)strnlen(*name, f->struct_size - (u32)node - 4);
}

static bool has_unit_address(const char *name, size_t len)
{
	while (len--)
		if (*name++ == '@')
			return true;
	return false;
}

/* "cpu@1" matches "cpu@1", and "cpu" when the wanted name has no unit address. */
static bool name_matches(const char *have, size_t hlen, const char *want, size_t wlen)
{
	if (hlen == wlen)
		return !memcmp(have, want, wlen);
	return hlen > wlen && have[wlen] == '@' && !has_unit_address(want, wlen) &&
	       !memcmp(have, want, wlen);
}

int fdt_subnode(const struct fdt *f, int parent, const char *name, size_t len)
{
	const char *have;
	int node, hlen;

	for (node = fdt_first_subnode(f, parent); node >= 0; node = fdt_next_subnode(f, node)) {
		hlen = fdt_node_name(f, node, &have);
		if (hlen >= 0 && name_matches(have, (size_t)hlen, name, len))
			return node;
	}
	return node;
}

int fdt_path(const struct fdt *f, const char *path, size_t len)
{
	size_t i = 0, start;
	int node;

	if (!len || path[0] != '/')
		return -EINVAL;
	node = fdt_root(f);
	while (node >= 0 && i < len) {
		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		if (i > start)
			node = fdt_subnode(f, node, path + start, i - start);
	}
	return node;
}

int fdt_find_compatible(const struct fdt *f, int from, const char *compat)
{
	int node, depth = 0;

	for (node = fdt_next_node(f, from, &depth); node >= 0;
	     node = fdt_next_node(f, node, &depth))
		if (fdt_is_compatible(f, node, compat) > 0)
			return node;
	return node;
}

/* The first property at or after @off, skipping NOPs; -ENOENT at a node boundary. */
static int prop_from(const struct fdt *f, int off)
{
	int next, tag;

	for (;; off = next) {
		tag = next_tag(f, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return -ENOENT;
	}
}

int fdt_first_prop(const struct fdt *f, int node)
{
	int off = node_body(f, node);

	return off < 0 ? off : prop_from(f, off);
}

int fdt_next_prop(const struct fdt *f, int prop)
{
	int next;

	if (next_tag(f, prop, &next) != FDT_PROP)
		return -EINVAL;
	return prop_from(f, next);
}

int fdt_prop_at(const struct fdt *f, int prop, const char **name, const void **val, u32 *len)
{
	const u8 *p;
	int next;

	if (next_tag(f, prop, &next) != FDT_PROP)
		return -EINVAL;
	/* next_tag() checked the value's length and the name's offset. */
	p = struct_block(f) + prop + 4;
	if (name)
		*name = (const char *)f->blob + f->strings_off + be32(p + 4);
	if (val)
		*val = p + PROP_HEADER_SIZE;
	if (len)
		*len = be32(p);
	return 0;
}

/* Compares a property's name, which is known to be terminated inside the strings block. */
static bool prop_name_is(const struct fdt *f, const char *have, const char *want)
{
	size_t room = f->strings_size - (size_t)(have - ((const char *)f->blob + f->strings_off));
	size_t wlen = strlen(want);

	return wlen < room && !memcmp(have, want, wlen) && !have[wlen];
}

int fdt_prop(const struct fdt *f, int node, const char *name, const void **val, u32 *len)
{
	const char *pname;
	int prop, err;

	for (prop = fdt_first_prop(f, node); prop >= 0; prop = fdt_next_prop(f, prop)) {
		err = fdt_prop_at(f, prop, &pname, val, len);
		if (err)
			return err;
		if (prop_name_is(f, pname, name))
			return 0;
	}
	return prop;
}

int fdt_prop_u32(const struct fdt *f, int node, const char *name, u32 *out)
{
	const void *val;
	u32 len;
	int err = fdt_prop(f, node, name, &val, &len);

	if (err)
		return err;
	if (len != 4)
		return -ERANGE;
	*out = be32(val);
	return 0;
}

int fdt_prop_uint(const struct fdt *f, int node, const char *name, u64 *out)
{
	const void *val;
	u32 len;
	int err = fdt_prop(f, node, name, &val, &len);

	if (err)
		return err;
	if (len == 4)
		*out = be32(val);
	else if (len == 8)
		*out = be64(val);
	else
		return -ERANGE;
	return 0;
}

int fdt_prop_string(const struct fdt *f, int node, const char *name, const char **s)
{
	const void *val;
	u32 len;
	size_t n;
	int err = fdt_prop(f, node, name, &val, &len);

	if (err)
		return err;
	n = strnlen(val, len);
	if (n == len)
		return -ERANGE;
	*s = val;
	return (int)n;
}

int fdt_stringlist_get(const struct fdt *f, int node, const char *name, u32 idx, const char **s)
{
	const char *p;
	const void *val;
	u32 len, i;
	size_t n;
	int err = fdt_prop(f, node, name, &val, &len);

	if (err)
		return err;
	p = val;
	/* A terminated last entry bounds every strnlen() below. */
	if (!len || p[len - 1])
		return -ERANGE;
	for (i = 0; len; i++) {
		n = strnlen(p, len);
		if (i == idx) {
			*s = p;
			return (int)n;
		}
		p += n + 1;
		len -= (u32)n + 1;
	}
	return -ENOENT;
}

int fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	const char *s;
	u32 i;
	int n;

	for (i = 0;; i++) {
		n = fdt_stringlist_get(f, node, "compatible", i, &s);
		if (n == -ENOENT)
			return 0;
		if (n < 0)
			return n;
		if (!strcmp(s, compat))
			return 1;
	}
}

bool fdt_is_enabled(const struct fdt *f, int node)
{
	const char *s = "";
	int n = fdt_prop_string(f, node, "status", &s);

	if (n == -ENOENT)
		return true;
	return n >= 0 && (!strcmp(s, "okay") || !strcmp(s, "ok"));
}

static int cells_prop(const struct fdt *f, int node, const char *name, u32 dflt)
{
	u32 v;
	int err = fdt_prop_u32(f, node, name, &v);

	if (err == -ENOENT)
		return (int)dflt;
	if (err)
		return err;
	return v > MAX_CELLS ? -ERANGE : (int)v;
}

int fdt_address_cells(const struct fdt *f, int node)
{
	return cells_prop(f, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *f, int node)
{
	return cells_prop(f, node, "#size-cells", 1);
}

static u64 read_cells(const u8 *p, int n)
{
	return n == 2 ? be64(p) : n == 1 ? be32(p) : 0;
}

struct reg_prop {
	const u8 *val;
	u32 count;
	int ac, sc;
};

/* Finds @node's "reg" and how to read it; entries must be whole. */
static int reg_prop(const struct fdt *f, int node, struct reg_prop *r)
{
	const void *val;
	int parent = fdt_parent(f, node), err;
	u32 len, stride;

	if (parent < 0)
		return parent == -ENOENT ? -EINVAL : parent;
	r->ac = fdt_address_cells(f, parent);
	r->sc = fdt_size_cells(f, parent);
	if (r->ac < 0 || r->sc < 0)
		return r->ac < 0 ? r->ac : r->sc;
	if (r->ac > 2 || r->sc > 2)
		return -EOPNOTSUPP;
	if (!r->ac)
		return -ERANGE;
	err = fdt_prop(f, node, "reg", &val, &len);
	if (err)
		return err;
	stride = 4 * (u32)(r->ac + r->sc);
	if (len % stride)
		return -ERANGE;
	r->val = val;
	r->count = len / stride;
	return 0;
}

int fdt_reg(const struct fdt *f, int node, u32 idx, u64 *base, u64 *size)
{
	struct reg_prop r;
	const u8 *e;
	int err = reg_prop(f, node, &r);

	if (err)
		return err;
	if (idx >= r.count)
		return -ENOENT;
	e = r.val + (size_t)idx * 4 * (size_t)(r.ac + r.sc);
	*base = read_cells(e, r.ac);
	*size = read_cells(e + 4 * r.ac, r.sc);
	return 0;
}

int fdt_reg_count(const struct fdt *f, int node)
{
	struct reg_prop r;
	int err = reg_prop(f, node, &r);

	return err ? err : (int)r.count;
}
