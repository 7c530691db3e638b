/* SOURCES: arch/arm64/stage2.c lib/errno.c */
/* CFLAGS: -Iarch/arm64/include */
#include "test_support.h"

#include <asm/guest.h>
#include <lib/errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Stage-2 tables (arch/arm64/stage2.c) walked back the way the MMU would:
 * which block size each mapping gets, the descriptor attributes, the
 * refusals, freeing, and the VMID allocator.
 */
#define GIB		(1ULL << 30)
#define MIB		(1ULL << 20)
#define DESC_VALID	BIT(0)
#define DESC_TABLE	BIT(1)
#define ATTRS_MASK	(GENMASK(11, 2) | GENMASK(63, 52))
/* Normal write-back, read-write, inner shareable, accessed: what RAM must be. */
#define RAM_ATTRS	((0xfULL << 2) | (3ULL << 6) | (3ULL << 8) | BIT(10))

static unsigned int pages_live, pages_allocated;

void *page_alloc(void)
{
	void *p;

	if (posix_memalign(&p, 4096, 4096))
		return NULL;
	pages_live++;
	pages_allocated++;
	return memset(p, 0, 4096);
}

void page_free(void *p)
{
	pages_live--;
	free(p);
}

u64 arm64_s2_ipa_limit(void)
{
	return 1ULL << S2_IPA_BITS;
}

struct walk {
	int level;	/* where the leaf is, or -1 */
	u64 pa;
	u64 attrs;
};

static struct walk walk(u64 *root, u64 ipa)
{
	u64 *t = root;
	int level;

	for (level = 1; level <= 3; level++) {
		unsigned int shift = 12 + 9 * (3 - level);
		u64 d = t[(ipa >> shift) & 511];

		if (!(d & DESC_VALID))
			break;
		if (level < 3 && (d & DESC_TABLE)) {
			t = (u64 *)(uintptr_t)(d & GENMASK(47, 12));
			continue;
		}
		if (level == 3 && !(d & DESC_TABLE))
			break;		/* a block at level 3 is invalid */
		return (struct walk){ level, (d & GENMASK(47, shift)) | (ipa & (BIT(shift) - 1)),
				      d & ATTRS_MASK };
	}
	return (struct walk){ -1, 0, 0 };
}

static u64 *root;

static int setup(void **state)
{
	pages_live = pages_allocated = 0;
	root = page_alloc();
	return 0;
}

static int teardown(void **state)
{
	arm64_s2_free(root);
	assert_int_equal(pages_live, 0);
	return 0;
}

static void expect(u64 ipa, int level, u64 pa)
{
	struct walk w = walk(root, ipa);

	assert_int_equal(w.level, level);
	assert_int_equal(w.pa, pa);
	assert_int_equal(w.attrs, RAM_ATTRS);
}

static void test_2m_blocks(void **state)
{
	assert_int_equal(arm64_s2_map(root, GIB, 0x80000000, 32 * MIB), 0);
	assert_int_equal(pages_allocated, 2);			/* root + one level-2 table */
	expect(GIB, 2, 0x80000000);
	expect(GIB + 31 * MIB + 0x123, 2, 0x80000000 + 31 * MIB + 0x123);
	assert_int_equal(walk(root, GIB + 32 * MIB).level, -1);
	assert_int_equal(walk(root, GIB - 1).level, -1);
}

/* A channel: RAM's attributes, with S2AP read-only for a reader (a write faults). */
static void test_shared(void **state)
{
	struct walk w;

	assert_int_equal(arm64_s2_map_shared(root, GIB, 0x80000000, 0x1000, true), 0);
	assert_int_equal(arm64_s2_map_shared(root, GIB + 0x1000, 0x80001000, 0x1000, false), 0);
	expect(GIB, 3, 0x80000000);
	w = walk(root, GIB + 0x1000);
	assert_int_equal(w.level, 3);
	assert_int_equal(w.attrs, (RAM_ATTRS & ~(3ULL << 6)) | (1ULL << 6));
}

static void test_1g_block(void **state)
{
	assert_int_equal(arm64_s2_map(root, 2 * GIB, 3 * GIB, GIB), 0);
	assert_int_equal(pages_allocated, 1);
	expect(2 * GIB + 0x12345678, 1, 3 * GIB + 0x12345678);
}

/* A physical address aligned to 4 KiB only: pages, however big the range. */
static void test_pages_when_pa_unaligned(void **state)
{
	assert_int_equal(arm64_s2_map(root, GIB, 0x80001000, 2 * MIB), 0);
	assert_int_equal(pages_allocated, 3);			/* root, level 2, level 3 */
	expect(GIB, 3, 0x80001000);
	expect(GIB + 2 * MIB - 1, 3, 0x80001000 + 2 * MIB - 1);
}

/* Pages up to a 2 MiB boundary, a block, pages after it. */
static void test_mixed(void **state)
{
	u64 ipa = GIB + 2 * MIB - 0x1000, pa = 0x80000000 + 2 * MIB - 0x1000;

	assert_int_equal(arm64_s2_map(root, ipa, pa, 2 * MIB + 0x2000), 0);
	expect(ipa, 3, pa);
	expect(ipa + 0x1000, 2, pa + 0x1000);
	expect(ipa + 0x1000 + 2 * MIB, 3, pa + 0x1000 + 2 * MIB);
	assert_int_equal(walk(root, ipa + 2 * MIB + 0x2000).level, -1);
}

static void test_refusals(void **state)
{
	assert_int_equal(arm64_s2_map(root, GIB, 0x80000000, 4 * MIB), 0);
	assert_int_equal(arm64_s2_map(root, GIB + 2 * MIB, 0x90000000, 0x1000), -EEXIST);
	assert_int_equal(arm64_s2_map(root, GIB + 4 * MIB - 0x1000, 0x90000000, 0x2000),
			 -EEXIST);
	assert_int_equal(arm64_s2_map(root, GIB + 0x800, 0x90000000, 0x1000), -EINVAL);
	assert_int_equal(arm64_s2_map(root, 2 * GIB, 0x90000800, 0x1000), -EINVAL);
	assert_int_equal(arm64_s2_map(root, 2 * GIB, 0x90000000, 0x800), -EINVAL);
	assert_int_equal(arm64_s2_map(root, 2 * GIB, 0x90000000, 0), -EINVAL);
	assert_int_equal(arm64_s2_map(root, (1ULL << S2_IPA_BITS) - 0x1000, 0, 0x2000), -EINVAL);
	assert_int_equal(arm64_s2_map(root, ~0xfffULL, 0, 0x2000), -EINVAL);
	/* The last page below the limit is fine. */
	assert_int_equal(arm64_s2_map(root, (1ULL << S2_IPA_BITS) - 0x1000, 0, 0x1000), 0);
}

/*
 * A passthrough device's MMIO: Device-nGnRE (MemAttr 0b0001), read-write,
 * accessed, never executable; blocks where aligned, as for RAM.
 */
#define DEVICE_ATTRS	((0x1ULL << 2) | (3ULL << 6) | BIT(10) | BIT(54))

static void test_device_attributes(void **state)
{
	struct walk w;

	assert_int_equal(arm64_s2_map_device(root, 0x09100000, 0x09010000, 0x1000), 0);
	w = walk(root, 0x09100010);
	assert_int_equal(w.level, 3);
	assert_int_equal(w.pa, 0x09010010);
	assert_int_equal(w.attrs, DEVICE_ATTRS);
	assert_int_equal(arm64_s2_map_device(root, 0x40000000, 0x80000000, 2 * MIB), 0);
	w = walk(root, 0x40000000);
	assert_int_equal(w.level, 2);
	assert_int_equal(w.attrs, DEVICE_ATTRS);
	/* Beside RAM, each keeps its own attributes. */
	assert_int_equal(arm64_s2_map(root, 0x09101000, 0x50000000, 0x1000), 0);
	expect(0x09101000, 3, 0x50000000);
	assert_int_equal(arm64_s2_map_device(root, 0x09100000, 0x09010000, 0x1000), -EEXIST);
	assert_int_equal(arm64_s2_map_device(root, 0x09200800, 0x09010000, 0x1000), -EINVAL);
}

static void test_vmids(void **state)
{
	u16 ids[255], extra;
	unsigned int i, j;

	for (i = 0; i < 255; i++) {
		assert_int_equal(arm64_vmid_alloc(&ids[i]), 0);
		assert_true(ids[i] != 0);
		for (j = 0; j < i; j++)
			assert_true(ids[j] != ids[i]);
	}
	assert_int_equal(arm64_vmid_alloc(&extra), -ENOSPC);
	arm64_vmid_release(ids[100]);
	assert_int_equal(arm64_vmid_alloc(&extra), 0);
	assert_int_equal(extra, ids[100]);
	arm64_vmid_release(0);		/* never given out: nothing happens */
	for (i = 0; i < 255; i++)
		arm64_vmid_release(ids[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_2m_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_1g_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_when_pa_unaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test(test_vmids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
