/* SOURCES: lib/bitmap.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/bitmap.h>

#define NBITS 300

/* A bit-per-byte model to check the word-level code against. */
static void check_against_model(const u64 *map, const u8 *model)
{
	size_t i, next_set = NBITS, next_clear = NBITS, weight = 0;

	for (i = NBITS; i-- > 0;) {
		assert_int_equal(bitmap_test(map, i), model[i]);
		if (model[i]) {
			next_set = i;
			weight++;
		} else {
			next_clear = i;
		}
		assert_int_equal(bitmap_find_next_set(map, NBITS, i), next_set);
		assert_int_equal(bitmap_find_next_clear(map, NBITS, i), next_clear);
	}
	assert_int_equal(bitmap_weight(map, NBITS), weight);
}

static void test_ranges_random(void **state)
{
	DECLARE_BITMAP(map, NBITS);
	u8 model[NBITS];
	unsigned int round, seed = 12345;

	memset(map, 0, sizeof(map));
	memset(model, 0, sizeof(model));
	for (round = 0; round < 500; round++) {
		size_t start, n;
		bool set;

		seed = seed * 1103515245 + 12345;
		start = (seed >> 8) % NBITS;
		seed = seed * 1103515245 + 12345;
		n = (seed >> 8) % (NBITS - start + 1);
		set = (seed >> 4) & 1;
		if (set)
			bitmap_set_range(map, start, n);
		else
			bitmap_clear_range(map, start, n);
		memset(model + start, set, n);
		assert_int_equal(bitmap_range_clear(map, start, n),
				 memchr(model + start, 1, n) == NULL);
		check_against_model(map, model);
	}
}

static void test_edges(void **state)
{
	DECLARE_BITMAP(map, 128);

	memset(map, 0, sizeof(map));
	bitmap_set(map, 63);
	bitmap_set(map, 64);
	assert_int_equal(bitmap_find_next_set(map, 128, 0), 63);
	assert_int_equal(bitmap_find_next_set(map, 128, 64), 64);
	assert_int_equal(bitmap_find_next_set(map, 128, 65), 128);
	/* The search never reports a bit at or beyond nbits. */
	assert_int_equal(bitmap_find_next_set(map, 64, 0), 63);
	assert_int_equal(bitmap_find_next_set(map, 63, 0), 63);
	assert_int_equal(bitmap_find_next_set(map, 128, 500), 128);
	bitmap_set_range(map, 0, 128);
	assert_int_equal(bitmap_find_next_clear(map, 128, 0), 128);
	assert_int_equal(bitmap_weight(map, 128), 128);
	assert_int_equal(bitmap_weight(map, 70), 70);
	bitmap_clear(map, 100);
	assert_false(bitmap_range_clear(map, 99, 2));
	assert_true(bitmap_range_clear(map, 100, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges_random),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
