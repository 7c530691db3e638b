/* SOURCES: arch/x86/svm/npt.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/npt.h>
#include <core/page_alloc.h>
#include <lib/errno.h>
#include <string.h>

/*
 * Nested page tables: large pages where both sides are aligned, nothing
 * mapped outside what was asked, every table freed (ASan's leak check
 * fails the test otherwise).
 */

static unsigned int pages_out;
static unsigned int fail_after = ~0u;

void *page_alloc(void)
{
	void *p;

	if (!fail_after)
		return NULL;
	fail_after--;
	if (posix_memalign(&p, 4096, 4096))
		return NULL;
	pages_out++;
	return memset(p, 0, 4096);
}

void page_free(void *p)
{
	pages_out--;
	free(p);
}

static u64 *root;

static int setup(void **state)
{
	fail_after = ~0u;
	pages_out = 0;
	root = page_alloc();
	return root ? 0 : -1;
}

static int teardown(void **state)
{
	npt_free(root);
	assert_int_equal(pages_out, 0);
	return 0;
}

static void expect_map(u64 gpa, paddr_t pa, u64 size)
{
	paddr_t got;
	u64 ps;

	assert_int_equal(npt_lookup(root, gpa, &got, &ps), 0);
	assert_int_equal(got, pa);
	assert_int_equal(ps, size);
}

static void expect_unmapped(u64 gpa)
{
	paddr_t got;
	u64 ps;

	assert_int_equal(npt_lookup(root, gpa, &got, &ps), -ENOENT);
}

static void test_large_pages_when_aligned(void **state)
{
	assert_int_equal(npt_map(root, 0, 0x40000000, 8 << 20), 0);
	expect_map(0, 0x40000000, PAGE_2M);
	expect_map(0x3fffff, 0x403fffff, PAGE_2M);
	expect_map((8 << 20) - 1, 0x40000000 + (8 << 20) - 1, PAGE_2M);
	expect_unmapped(8 << 20);
	/* 4 levels of one table each, for 4 large pages. */
	assert_int_equal(pages_out, 3);
}

/* A channel: mapped like RAM, but a reader's leaf has no RW (its writes #NPF). */
static void test_shared_read_only(void **state)
{
	u64 *t = root;
	int level;

	assert_int_equal(npt_map_shared(root, 0x10000000, 0x40000000, 0x1000, false), 0);
	assert_int_equal(npt_map_shared(root, 0x10001000, 0x40001000, 0x1000, true), 0);
	expect_map(0x10000000, 0x40000000, PAGE_SIZE);
	expect_map(0x10001000, 0x40001000, PAGE_SIZE);
	for (level = 4; level > 1; level--)
		t = (u64 *)(uintptr_t)(t[(0x10000000ull >> (12 + 9 * (level - 1))) & 511] &
				       GENMASK(51, 12));
	assert_true((t[0] & 7) == 5);		/* present, user, not writable */
	assert_true((t[1] & 7) == 7);		/* the writer's */
}

static void test_small_pages_when_not(void **state)
{
	/* The host side is only 4 KiB aligned: 4 KiB pages throughout. */
	assert_int_equal(npt_map(root, 0x200000, 0x40001000, 4 << 20), 0);
	expect_map(0x200000, 0x40001000, PAGE_SIZE);
	expect_map(0x5ff123, 0x40400123, PAGE_SIZE);
	expect_unmapped(0x1ff000);
	expect_unmapped(0x600000);
}

static void test_mixed_head_and_tail(void **state)
{
	/* 4 KiB up to 2 MiB, a large page, then a 4 KiB tail. */
	assert_int_equal(npt_map(root, 0x1ff000, 0x801ff000, 0x202000), 0);
	expect_map(0x1ff000, 0x801ff000, PAGE_SIZE);
	expect_map(0x200000, 0x80200000, PAGE_2M);
	expect_map(0x400000, 0x80400000, PAGE_SIZE);
	expect_unmapped(0x401000);
	expect_unmapped(0x1fe000);
}

static void test_every_entry_is_user(void **state)
{
	u64 *t = root;
	unsigned int level;

	assert_int_equal(npt_map(root, 0x7fc0001000ULL, 0x1000, 0x1000), 0);
	for (level = 4; level >= 1; level--) {
		u64 e = t[(0x7fc0001000ULL >> (12 + 9 * (level - 1))) & 511];

		/* The CPU walks nested tables as user accesses. */
		assert_int_equal(e & 7, 7);
		assert_false(e & BIT(63));
		t = (u64 *)(uintptr_t)(e & GENMASK(51, 12));
	}
}

/* A passthrough device's MMIO: PCD and PWT on the leaf (host PAT entry 3, UC); RAM's clear. */
static void test_uncached_leaves(void **state)
{
	u64 *t = root, e = 0;
	unsigned int level;

	assert_int_equal(npt_map_uncached(root, 0xd0000000ULL, 0xfed00000ULL, 0x1000), 0);
	assert_int_equal(npt_map(root, 0xd0001000ULL, 0x5000, 0x1000), 0);
	expect_map(0xd0000000ULL, 0xfed00000ULL, PAGE_SIZE);
	for (level = 4; level >= 1; level--) {
		e = t[(0xd0000000ULL >> (12 + 9 * (level - 1))) & 511];
		if (level > 1) {
			/* Tables stay write-back: the walker reads them from RAM. */
			assert_int_equal(e & (BIT(3) | BIT(4)), 0);
			t = (u64 *)(uintptr_t)(e & GENMASK(51, 12));
		}
	}
	assert_int_equal(e & (BIT(3) | BIT(4) | 7), BIT(3) | BIT(4) | 7);
	e = t[(0xd0001000ULL >> 12) & 511];
	assert_int_equal(e & (BIT(3) | BIT(4)), 0);
	assert_int_equal(npt_map_uncached(root, 0xd0000000ULL, 0x1000, 0x1000), -EEXIST);
	assert_int_equal(npt_map_uncached(root, 0xd0002000ULL, 0x1800, 0x1000), -EINVAL);
}

static void test_refuses_bad_input(void **state)
{
	assert_int_equal(npt_map(root, 0x1000, 0x2001, 0x1000), -EINVAL);
	assert_int_equal(npt_map(root, 0x1000, 0x2000, 0x1800), -EINVAL);
	assert_int_equal(npt_map(root, 0x1000, 0x2000, 0), -EINVAL);
	assert_int_equal(npt_map(root, ~0xfffULL, 0x2000, 0x2000), -EINVAL);
	assert_int_equal(npt_map(root, 0, 0, 0x200000), 0);
	/* An overlap is a bug in the caller, refused rather than silently remapped. */
	assert_int_equal(npt_map(root, 0x1000, 0x9000, 0x1000), -EEXIST);
	expect_map(0x1000, 0x1000, PAGE_2M);
}

static void test_out_of_memory(void **state)
{
	fail_after = 1;
	assert_int_equal(npt_map(root, 0, 0, 0x1000), -ENOMEM);
	expect_unmapped(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_large_pages_when_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_pages_when_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_head_and_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_entry_is_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncached_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
