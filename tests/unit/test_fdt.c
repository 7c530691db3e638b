/* SOURCES: lib/fdt.c lib/printf.c tests/unit/fdt_util.c tests/unit/support.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/errno.h>
#include <lib/fdt.h>
#include "fdt_util.h"
#include "support.h"

static const char sample_dts[] =
	"/dts-v1/;\n"
	"/memreserve/ 0x48000000 0x100000;\n"
	"/memreserve/ 0x49000000 0x2000;\n"
	"/ {\n"
	"	#address-cells = <2>;\n"
	"	#size-cells = <2>;\n"
	"	compatible = \"acme,board\", \"acme,soc\";\n"
	"	model = \"Acme\";\n"
	"	chosen { bootargs = \"hv.test=boot\"; };\n"
	"	cpus {\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <0>;\n"
	"		cpu@0 { device_type = \"cpu\"; reg = <0>; };\n"
	"		cpu@1 { device_type = \"cpu\"; reg = <1>; status = \"disabled\"; };\n"
	"		cpu@100 { device_type = \"cpu\"; reg = <0x100>; status = \"okay\"; };\n"
	"	};\n"
	"	memory@40000000 {\n"
	"		device_type = \"memory\";\n"
	"		reg = <0x0 0x40000000 0x0 0x10000000>, <0x1 0x0 0x0 0x20000000>;\n"
	"	};\n"
	"	soc {\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <1>;\n"
	"		uart@9000000 { compatible = \"arm,pl011\", \"arm,primecell\"; "
	"reg = <0x9000000 0x1000>; };\n"
	"		uart@9040000 { compatible = \"arm,pl011\"; reg = <0x9040000 0x1000>; };\n"
	"		odd@0 { reg = <0x1 0x2 0x3>; three = <1 2 3>; "
	"unterminated = [61 62]; list = \"a\", \"\", \"ccc\"; badlist = [61 00 62]; };\n"
	"		pci@0 { #address-cells = <3>; #size-cells = <2>;\n"
	"			dev@0 { reg = <0 0 0 0 0>; }; };\n"
	"		big@0 { #address-cells = <5>; x@0 { reg = <0>; }; };\n"
	"	};\n"
	"};\n";

struct blob {
	uint8_t *p;
	size_t size;
};

static struct blob sample;

static int setup_sample(void **state)
{
	sample.p = dtc_compile(sample_dts, &sample.size);
	return 0;
}

static int teardown_sample(void **state)
{
	free(sample.p);
	return 0;
}

static void init_sample(struct fdt *f)
{
	assert_int_equal(fdt_init(f, sample.p, sample.size), 0);
}

static int path(const struct fdt *f, const char *p)
{
	return fdt_path(f, p, strlen(p));
}

static void test_header_of_a_dtc_blob(void **state)
{
	struct fdt f;
	u64 addr, size;

	init_sample(&f);
	assert_int_equal(f.size, sample.size);
	assert_int_equal(f.nr_rsv, 2);
	assert_int_equal(fdt_mem_rsv(&f, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x48000000);
	assert_int_equal(size, 0x100000);
	assert_int_equal(fdt_mem_rsv(&f, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x49000000);
	assert_int_equal(fdt_mem_rsv(&f, 2, &addr, &size), -ENOENT);
}

static void test_paths_and_names(void **state)
{
	struct fdt f;
	const char *name;
	int node;

	init_sample(&f);
	assert_int_equal(path(&f, "/"), fdt_root(&f));
	node = path(&f, "/cpus/cpu@100");
	assert_true(node > 0);
	assert_int_equal(fdt_node_name(&f, node, &name), 7);
	assert_memory_equal(name, "cpu@100", 7);
	/* Without a unit address the first "cpu@..." answers. */
	node = path(&f, "/cpus/cpu");
	assert_int_equal(fdt_node_name(&f, node, &name), 5);
	assert_memory_equal(name, "cpu@0", 5);
	assert_int_equal(path(&f, "//cpus//cpu@1/"), path(&f, "/cpus/cpu@1"));
	assert_int_equal(path(&f, "/cpus/cpu@2"), -ENOENT);
	assert_int_equal(path(&f, "/cpu"), -ENOENT);
	assert_int_equal(path(&f, "cpus"), -EINVAL);
	/* A length shorter than the string ends the path there. */
	assert_int_equal(fdt_path(&f, "/cpus/cpu@100:115200", 13), path(&f, "/cpus/cpu@100"));
	assert_int_equal(fdt_parent(&f, path(&f, "/cpus/cpu@1")), path(&f, "/cpus"));
	assert_int_equal(fdt_parent(&f, path(&f, "/cpus")), fdt_root(&f));
	assert_int_equal(fdt_parent(&f, fdt_root(&f)), -ENOENT);
}

static void test_subnode_iteration(void **state)
{
	static const char *const want[] = { "cpu@0", "cpu@1", "cpu@100" };
	struct fdt f;
	const char *name;
	unsigned int i = 0;
	int node, len;

	init_sample(&f);
	for (node = fdt_first_subnode(&f, path(&f, "/cpus")); node >= 0;
	     node = fdt_next_subnode(&f, node)) {
		assert_true(i < 3);
		len = fdt_node_name(&f, node, &name);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(name, want[i], (size_t)len);
		i++;
	}
	assert_int_equal(node, -ENOENT);
	assert_int_equal(i, 3);
	assert_int_equal(fdt_first_subnode(&f, path(&f, "/chosen")), -ENOENT);
}

static void test_depth_first_walk(void **state)
{
	struct fdt f;
	const char *name;
	int node, depth = 0, n = 0, deepest = 0;

	init_sample(&f);
	for (node = fdt_next_node(&f, -1, &depth); node >= 0;
	     node = fdt_next_node(&f, node, &depth)) {
		if (fdt_node_name(&f, node, &name) == 5 && !memcmp(name, "dev@0", 5))
			assert_int_equal(depth, 3);
		if (depth > deepest)
			deepest = depth;
		n++;
	}
	assert_int_equal(node, -ENOENT);
	/* root, chosen, cpus + 3, memory, soc + 5, pci's child, big's child */
	assert_int_equal(n, 15);
	assert_int_equal(deepest, 3);
}

static void test_properties(void **state)
{
	struct fdt f;
	const char *s;
	u32 v, n = 0;
	u64 u;
	int prop, odd;

	init_sample(&f);
	assert_int_equal(fdt_prop_u32(&f, path(&f, "/cpus/cpu@100"), "reg", &v), 0);
	assert_int_equal(v, 0x100);
	assert_int_equal(fdt_prop_uint(&f, path(&f, "/cpus/cpu@100"), "reg", &u), 0);
	assert_int_equal(u, 0x100);
	assert_int_equal(fdt_prop_string(&f, path(&f, "/chosen"), "bootargs", &s), 12);
	assert_string_equal(s, "hv.test=boot");
	assert_int_equal(fdt_prop_u32(&f, path(&f, "/chosen"), "nothing", &v), -ENOENT);

	odd = path(&f, "/soc/odd@0");
	assert_int_equal(fdt_prop_u32(&f, odd, "three", &v), -ERANGE);
	assert_int_equal(fdt_prop_uint(&f, odd, "three", &u), -ERANGE);
	assert_int_equal(fdt_prop_string(&f, odd, "unterminated", &s), -ERANGE);
	assert_int_equal(fdt_stringlist_get(&f, odd, "list", 0, &s), 1);
	assert_string_equal(s, "a");
	assert_int_equal(fdt_stringlist_get(&f, odd, "list", 1, &s), 0);
	assert_int_equal(fdt_stringlist_get(&f, odd, "list", 2, &s), 3);
	assert_string_equal(s, "ccc");
	assert_int_equal(fdt_stringlist_get(&f, odd, "list", 3, &s), -ENOENT);
	assert_int_equal(fdt_stringlist_get(&f, odd, "badlist", 0, &s), -ERANGE);

	for (prop = fdt_first_prop(&f, odd); prop >= 0; prop = fdt_next_prop(&f, prop)) {
		const void *val;
		u32 len;

		assert_int_equal(fdt_prop_at(&f, prop, &s, &val, &len), 0);
		n++;
	}
	assert_int_equal(prop, -ENOENT);
	assert_int_equal(n, 5);
}

static void test_compatible_and_status(void **state)
{
	struct fdt f;
	int a, b;

	init_sample(&f);
	assert_int_equal(fdt_is_compatible(&f, fdt_root(&f), "acme,soc"), 1);
	assert_int_equal(fdt_is_compatible(&f, fdt_root(&f), "acme"), 0);
	a = fdt_find_compatible(&f, -1, "arm,pl011");
	assert_int_equal(a, path(&f, "/soc/uart@9000000"));
	b = fdt_find_compatible(&f, a, "arm,pl011");
	assert_int_equal(b, path(&f, "/soc/uart@9040000"));
	assert_int_equal(fdt_find_compatible(&f, b, "arm,pl011"), -ENOENT);
	assert_int_equal(fdt_find_compatible(&f, -1, "arm,primecell"), a);
	assert_true(fdt_is_enabled(&f, path(&f, "/cpus/cpu@0")));
	assert_false(fdt_is_enabled(&f, path(&f, "/cpus/cpu@1")));
	assert_true(fdt_is_enabled(&f, path(&f, "/cpus/cpu@100")));
}

static void test_reg(void **state)
{
	struct fdt f;
	u64 base, size;
	int mem, uart, cpu;

	init_sample(&f);
	mem = path(&f, "/memory");
	assert_int_equal(fdt_reg_count(&f, mem), 2);
	assert_int_equal(fdt_reg(&f, mem, 1, &base, &size), 0);
	assert_int_equal(base, 0x100000000ULL);
	assert_int_equal(size, 0x20000000);
	assert_int_equal(fdt_reg(&f, mem, 2, &base, &size), -ENOENT);

	uart = path(&f, "/soc/uart@9040000");
	assert_int_equal(fdt_reg(&f, uart, 0, &base, &size), 0);
	assert_int_equal(base, 0x9040000);
	assert_int_equal(size, 0x1000);

	cpu = path(&f, "/cpus/cpu@100");
	assert_int_equal(fdt_reg(&f, cpu, 0, &base, &size), 0);
	assert_int_equal(base, 0x100);
	assert_int_equal(size, 0);

	assert_int_equal(fdt_address_cells(&f, path(&f, "/chosen")), 2);
	assert_int_equal(fdt_size_cells(&f, path(&f, "/chosen")), 1);
	assert_int_equal(fdt_reg(&f, path(&f, "/soc/odd@0"), 0, &base, &size), -ERANGE);
	assert_int_equal(fdt_reg(&f, path(&f, "/soc/pci@0/dev@0"), 0, &base, &size),
			 -EOPNOTSUPP);
	assert_int_equal(fdt_reg(&f, path(&f, "/soc/big@0/x@0"), 0, &base, &size), -ERANGE);
	assert_int_equal(fdt_reg(&f, fdt_root(&f), 0, &base, &size), -EINVAL);
}

static void test_bad_handles(void **state)
{
	struct fdt f;
	const char *name;
	int cpus, prop;

	init_sample(&f);
	cpus = path(&f, "/cpus");
	prop = fdt_first_prop(&f, cpus);
	assert_true(prop > 0);
	assert_int_equal(fdt_first_subnode(&f, cpus + 1), -EINVAL);
	assert_int_equal(fdt_first_subnode(&f, prop), -EINVAL);
	assert_int_equal(fdt_next_subnode(&f, -4), -EINVAL);
	assert_int_equal(fdt_node_name(&f, 1 << 20, &name), -EINVAL);
	assert_int_equal(fdt_next_prop(&f, cpus), -EINVAL);
	assert_int_equal(fdt_parent(&f, prop), -EINVAL);
	assert_int_equal(fdt_parent(&f, (int)f.struct_size + 64), -EINVAL);
}

/* Every accessor on a refused blob fails and reads nothing. */
static void test_refused_blob_is_inert(void **state)
{
	uint8_t junk[64] = { 0 };
	struct fdt f;
	const char *s;
	u64 a, b;

	assert_int_equal(fdt_init(&f, junk, sizeof(junk)), -ENOEXEC);
	assert_true(fdt_root(&f) < 0);
	assert_true(fdt_path(&f, "/chosen", 7) < 0);
	assert_true(fdt_find_compatible(&f, -1, "x") < 0);
	assert_true(fdt_prop_string(&f, 0, "x", &s) < 0);
	assert_true(fdt_reg(&f, 0, 0, &a, &b) < 0);
	assert_int_equal(fdt_mem_rsv(&f, 0, &a, &b), -ENOENT);
	assert_int_equal(fdt_init(&f, NULL, 100), -EINVAL);
}

static int init_copy(const uint8_t *blob, size_t size, size_t avail)
{
	uint8_t *p = exact_copy(blob, avail);
	struct fdt f;
	int err;

	(void)size;
	err = fdt_init(&f, p, avail);
	free(p);
	return err;
}

static int init_patched(size_t field, uint32_t value)
{
	uint8_t *p = exact_copy(sample.p, sample.size);
	struct fdt f;
	int err;

	put_be32(p + field, value);
	err = fdt_init(&f, p, sample.size);
	free(p);
	return err;
}

static void test_header_checks(void **state)
{
	size_t n;

	for (n = 0; n < 4; n++)
		assert_int_equal(init_copy(sample.p, sample.size, n), -EOVERFLOW);
	for (n = 4; n < 40; n++)
		assert_int_equal(init_copy(sample.p, sample.size, n), -EOVERFLOW);
	assert_int_equal(init_patched(0, 0xd00dfeee), -ENOEXEC);
	assert_int_equal(init_patched(HDR_VERSION, 16), -EOPNOTSUPP);
	assert_int_equal(init_patched(HDR_LAST_COMP, 18), -EOPNOTSUPP);
	assert_int_equal(init_patched(HDR_TOTALSIZE, (uint32_t)sample.size + 1), -EOVERFLOW);
	assert_int_equal(init_patched(HDR_TOTALSIZE, 0xffffffff), -EOVERFLOW);
	assert_int_equal(init_patched(HDR_TOTALSIZE, 39), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_STRUCT, (uint32_t)sample.size), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_STRUCT, 0xfffffff0), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_STRUCT, 4), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_STRUCT, get_be32(sample.p + HDR_OFF_STRUCT) + 2),
			 -EBADMSG);
	assert_int_equal(init_patched(HDR_SIZE_STRUCT, (uint32_t)sample.size), -EBADMSG);
	assert_int_equal(init_patched(HDR_SIZE_STRUCT, 0xfffffffc), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_STRINGS, (uint32_t)sample.size - 1), -EBADMSG);
	assert_int_equal(init_patched(HDR_SIZE_STRINGS, 0x80000000), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_RSVMAP, 44), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_RSVMAP, (uint32_t)sample.size), -EBADMSG);
	assert_int_equal(init_patched(HDR_OFF_RSVMAP, 0xfffffff8), -EBADMSG);
}

/*
 * Cutting the blob anywhere is refused: with the header's totalsize kept
 * (the buffer is then too small), and with totalsize cut to match (a
 * consistent header whose blocks no longer fit).
 */
static void test_truncation_everywhere(void **state)
{
	uint8_t *p;
	struct fdt f;
	size_t n;

	for (n = 0; n < sample.size; n++) {
		p = exact_copy(sample.p, n);
		assert_true(fdt_init(&f, p, n) < 0);
		if (n >= 40) {
			put_be32(p + HDR_TOTALSIZE, (uint32_t)n);
			assert_true(fdt_init(&f, p, n) < 0);
		}
		free(p);
	}
}

static int init_built(struct fdtb *b)
{
	size_t size;
	uint8_t *blob = fdtb_finish(b, &size);
	struct fdt f;
	int err = fdt_init(&f, blob, size);

	free(blob);
	return err;
}

static void test_minimal_built_blob(void **state)
{
	struct fdtb b;

	fdtb_init(&b);
	fdtb_token(&b, FDT_NOP);
	fdtb_begin(&b, "");
	fdtb_prop_u32(&b, "x", 1);
	fdtb_token(&b, FDT_NOP);
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), 0);
}

static void test_lying_structure(void **state)
{
	struct fdtb b;
	struct fdt f;
	uint8_t *blob;
	size_t size;

	/* A node name running to the end of the structure block. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_BEGIN_NODE);
	fdtb_bytes(&b, "abcd", 4, 0);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* A property longer than what is left of the block. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_PROP);
	fdtb_token(&b, 64);
	fdtb_token(&b, fdtb_string(&b, "p", 2));
	fdtb_bytes(&b, "xxxx", 4, 0);
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/*
	 * A length that wraps the offset arithmetic round to the property's
	 * own token: without the length check the walk would never end.
	 */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_PROP);
	fdtb_token(&b, 0xfffffff4);
	fdtb_token(&b, fdtb_string(&b, "p", 2));
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* A property header cut off by the end of the block. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_PROP);
	fdtb_token(&b, 0);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* A name offset past the strings block (which holds a valid name). */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_PROP);
	fdtb_token(&b, 0);
	fdtb_token(&b, fdtb_string(&b, "p", 2) + 1000);
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* A property name that runs off the end of the strings block. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_PROP);
	fdtb_token(&b, 0);
	fdtb_token(&b, fdtb_string(&b, "unterminated", 12));
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* An unknown token. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, 7);
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* An END_NODE that closes nothing. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* FDT_END inside the root, and no FDT_END at all. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* A second root, and a property outside any node. */
	fdtb_init(&b);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);
	fdtb_init(&b);
	fdtb_prop_u32(&b, "x", 1);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	assert_int_equal(init_built(&b), -EBADMSG);

	/* An empty structure block. */
	fdtb_init(&b);
	assert_int_equal(init_built(&b), -EBADMSG);

	/*
	 * A reservation map whose terminator was overwritten: the scan runs
	 * on through the structure block and must stop at the blob's end.
	 */
	fdtb_init(&b);
	fdtb_rsv(&b, 0x1000, 0x1000);
	fdtb_begin(&b, "");
	fdtb_end(&b);
	fdtb_token(&b, FDT_END);
	blob = fdtb_finish(&b, &size);
	memset(blob + 40 + 16, 0xff, 16);
	assert_int_equal(fdt_init(&f, blob, size), -EBADMSG);
	free(blob);
}

static void nest(struct fdtb *b, int levels)
{
	int i;

	fdtb_begin(b, "");
	for (i = 1; i < levels; i++)
		fdtb_begin(b, "n");
	for (i = 0; i < levels; i++)
		fdtb_end(b);
	fdtb_token(b, FDT_END);
}

static void test_nesting_limit(void **state)
{
	struct fdtb b;

	fdtb_init(&b);
	nest(&b, FDT_MAX_DEPTH);
	assert_int_equal(init_built(&b), 0);
	fdtb_init(&b);
	nest(&b, FDT_MAX_DEPTH + 1);
	assert_int_equal(init_built(&b), -E2BIG);
	fdtb_init(&b);
	nest(&b, 5000);
	assert_int_equal(init_built(&b), -E2BIG);
}

/* Walks every node and property of an accepted blob through the public API. */
static void walk_all(const struct fdt *f)
{
	const char *s;
	const void *val;
	u64 a, b;
	u32 len;
	int node, prop, depth = 0;

	for (node = fdt_next_node(f, -1, &depth); node >= 0;
	     node = fdt_next_node(f, node, &depth)) {
		fdt_node_name(f, node, &s);
		fdt_parent(f, node);
		fdt_reg(f, node, 0, &a, &b);
		fdt_is_compatible(f, node, "arm,pl011");
		fdt_next_subnode(f, node);
		for (prop = fdt_first_prop(f, node); prop >= 0; prop = fdt_next_prop(f, prop))
			assert_int_equal(fdt_prop_at(f, prop, &s, &val, &len), 0);
	}
}

/*
 * Deterministic byte flips over the sample: whatever fdt_init() accepts
 * must then be walkable without a single out-of-bounds read (ASan).
 */
static void test_random_corruption(void **state)
{
	unsigned int seed = 12345, i, k, accepted = 0;
	struct fdt f;

	for (i = 0; i < 4000; i++) {
		uint8_t *p = exact_copy(sample.p, sample.size);

		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			p[(seed >> 8) % sample.size] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		if (!fdt_init(&f, p, sample.size)) {
			accepted++;
			walk_all(&f);
		}
		free(p);
	}
	/* Flips in property values keep the blob valid: make sure the walk ran. */
	assert_true(accepted > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_of_a_dtc_blob),
		cmocka_unit_test(test_paths_and_names),
		cmocka_unit_test(test_subnode_iteration),
		cmocka_unit_test(test_depth_first_walk),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_compatible_and_status),
		cmocka_unit_test(test_reg),
		cmocka_unit_test(test_bad_handles),
		cmocka_unit_test(test_refused_blob_is_inert),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_truncation_everywhere),
		cmocka_unit_test(test_minimal_built_blob),
		cmocka_unit_test(test_lying_structure),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests(tests, setup_sample, teardown_sample);
}
