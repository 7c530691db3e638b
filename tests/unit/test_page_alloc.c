/* SOURCES: core/page_alloc.c core/boot_info.c lib/bitmap.c lib/string.c */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include <core/page_alloc.h>
#include <lib/errno.h>

/*
 * "Physical memory" is a host buffer: the hypervisor identity-maps RAM,
 * so the allocator hands out addresses that are also pointers, and so it
 * does here.
 */
#define ARENA_SIZE	(32ULL << 20)

static u8 *arena;
static u64 base;
static struct boot_info bi;

static int setup(void **state)
{
	assert_int_equal(posix_memalign((void **)&arena, 2 << 20, ARENA_SIZE), 0);
	memset(arena, 0x77, ARENA_SIZE);
	base = (u64)(uintptr_t)arena;
	boot_info_init(&bi);
	return 0;
}

static int teardown(void **state)
{
	free(arena);
	return 0;
}

static bool inside(const void *p, u64 lo, u64 size)
{
	u64 a = (u64)(uintptr_t)p;

	return a >= lo && a < lo + size;
}

static void test_no_ram(void **state)
{
	assert_int_equal(page_alloc_init(&bi, 0, 0), -ENOMEM);
}

static void test_excludes_image_modules_reserved(void **state)
{
	struct page_alloc_stats st;
	u64 image = base + (1 << 20), image_size = 3 << 20;
	u64 module = base + (8 << 20) + 100, module_size = 5000;
	u64 resv = base + (20 << 20), resv_size = 1 << 20;
	size_t n = 0;
	void *p;

	/* RAM in two pieces with a hole, listed out of order. */
	boot_info_add_ram(&bi, base + (16 << 20), 16 << 20);
	boot_info_add_ram(&bi, base, 12 << 20);
	boot_info_add_module(&bi, module, module_size, "m", 1);
	boot_info_add_reserved(&bi, resv, resv_size);
	assert_int_equal(page_alloc_init(&bi, image, image + image_size), 0);

	page_alloc_get_stats(&st);
	/* 28 MiB of RAM, minus image, two module pages, reserved, bitmap. */
	assert_int_equal(st.total_pages,
			 (28 << 8) - (3 << 8) - 2 - (1 << 8) - st.bitmap_bytes / PAGE_SIZE);
	assert_int_equal(st.free_pages, st.total_pages);

	while ((p = page_alloc())) {
		assert_false(inside(p, image, image_size));
		assert_false(inside(p, ALIGN_DOWN(module, PAGE_SIZE), 2 * PAGE_SIZE));
		assert_false(inside(p, resv, resv_size));
		assert_false(inside(p, base + (12 << 20), 4 << 20));
		assert_true(inside(p, base, ARENA_SIZE));
		/* Handed out zeroed, although the arena was filled with 0x77. */
		assert_int_equal(((u8 *)p)[PAGE_SIZE - 1], 0);
		memset(p, 0xaa, PAGE_SIZE);
		n++;
	}
	assert_int_equal(n, st.total_pages);
	page_alloc_get_stats(&st);
	assert_int_equal(st.free_pages, 0);
}

static void test_contig_alignment_and_reuse(void **state)
{
	struct page_alloc_stats st0, st1;
	void *a, *b, *c, *big;

	boot_info_add_ram(&bi, base, ARENA_SIZE);
	assert_int_equal(page_alloc_init(&bi, base, base + PAGE_SIZE), 0);
	page_alloc_get_stats(&st0);

	a = page_alloc();
	big = page_alloc_contig(512, PAGE_2M);
	assert_non_null(big);
	assert_true(IS_ALIGNED((uintptr_t)big, PAGE_2M));
	b = page_alloc_contig(3, 4 * PAGE_SIZE);
	assert_true(IS_ALIGNED((uintptr_t)b, 4 * PAGE_SIZE));
	assert_false(inside(b, (u64)(uintptr_t)big, PAGE_2M));
	assert_false(inside(a, (u64)(uintptr_t)big, PAGE_2M));

	/* Not a power of two, or nothing, or more than there is. */
	assert_null(page_alloc_contig(1, 3 * PAGE_SIZE));
	assert_null(page_alloc_contig(0, PAGE_SIZE));
	assert_null(page_alloc_contig(ARENA_SIZE / PAGE_SIZE, PAGE_SIZE));

	memset(big, 0x55, PAGE_2M);
	page_free_contig(big, 512);
	c = page_alloc_contig(512, PAGE_2M);
	assert_non_null(c);
	assert_int_equal(((u8 *)c)[12345], 0);
	page_free_contig(c, 512);
	page_free(a);
	page_free_contig(b, 3);
	page_alloc_get_stats(&st1);
	assert_int_equal(st1.free_pages, st0.free_pages);
}

static void test_bad_free_panics(void **state)
{
	void *a;

	boot_info_add_ram(&bi, base, ARENA_SIZE);
	assert_int_equal(page_alloc_init(&bi, base, base + PAGE_SIZE), 0);
	a = page_alloc();
	page_free(a);
	/* A double free would give one page two owners. */
	assert_true(PANICS(page_free(a)));
	assert_true(PANICS(page_free((u8 *)a + 8)));
	assert_true(PANICS(page_free((void *)(uintptr_t)(base + ARENA_SIZE + PAGE_SIZE))));
}

static void test_is_ram(void **state)
{
	boot_info_add_ram(&bi, base, 4 << 20);
	boot_info_add_ram(&bi, base + (8 << 20), 4 << 20);
	assert_int_equal(page_alloc_init(&bi, base, base + PAGE_SIZE), 0);
	assert_true(page_alloc_is_ram(base, 4 << 20));
	assert_false(page_alloc_is_ram(base, (4 << 20) + 1));
	assert_false(page_alloc_is_ram(base + (6 << 20), PAGE_SIZE));
	assert_false(page_alloc_is_ram(~0ULL - 10, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_excludes_image_modules_reserved, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_contig_alignment_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_free_panics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_ram, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
