/* SOURCES: lib/string.c lib/errno.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/*
 * lib/mem.c defines libc's own names; compiled into this translation unit
 * under hv_ names, it is tested against libc without replacing it.
 */
#define memcpy hv_memcpy
#define memmove hv_memmove
#define memset hv_memset
#define memcmp hv_memcmp
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strchr hv_strchr
#include "../../lib/mem.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#include <lib/errno.h>

static void test_memcpy_memset_all_alignments(void **state)
{
	u8 src[64], dst[80], ref[80];
	size_t so, doff, n;

	for (n = 0; n < sizeof(src); n++)
		src[n] = (u8)(n * 7 + 1);
	for (so = 0; so < 9; so++)
		for (doff = 0; doff < 9; doff++)
			for (n = 0; n + so <= 40; n++) {
				memset(dst, 0xee, sizeof(dst));
				memset(ref, 0xee, sizeof(ref));
				hv_memcpy(dst + doff, src + so, n);
				memcpy(ref + doff, src + so, n);
				assert_memory_equal(dst, ref, sizeof(dst));
				hv_memset(dst + doff, 0x5a, n);
				memset(ref + doff, 0x5a, n);
				assert_memory_equal(dst, ref, sizeof(dst));
			}
}

static void test_memmove_overlap(void **state)
{
	char a[] = "0123456789";
	char b[] = "0123456789";

	hv_memmove(a + 2, a, 6);
	assert_string_equal(a, "0101234589");
	hv_memmove(b, b + 3, 7);
	assert_memory_equal(b, "3456789789", 10);
}

static void test_compare(void **state)
{
	assert_int_equal(hv_memcmp("abc", "abc", 3), 0);
	assert_true(hv_memcmp("abd", "abc", 3) > 0);
	assert_true(hv_strcmp("a", "b") < 0);
	assert_true(hv_strcmp("\xff", "a") > 0);
	assert_int_equal(hv_strncmp("abcx", "abcy", 3), 0);
	assert_int_equal(hv_strlen(""), 0);
	assert_int_equal(hv_strnlen("abcdef", 3), 3);
	assert_string_equal(hv_strchr("hello", 'l'), "llo");
	assert_null(hv_strchr("hello", 'z'));
}

static void test_strlcpy(void **state)
{
	char d[4];

	assert_int_equal(strlcpy(d, "abcdef", sizeof(d)), 6);
	assert_string_equal(d, "abc");
	assert_int_equal(strlcpy_bounded(d, sizeof(d), "ab\0zz", 5), 2);
	assert_string_equal(d, "ab");
	/* An unterminated source is read no further than its bound. */
	assert_int_equal(strlcpy_bounded(d, sizeof(d), "xyzzy", 2), 2);
	assert_string_equal(d, "xy");
}

static void test_parse_u64(void **state)
{
	u64 v;

	assert_int_equal(parse_u64("1234", 4, &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(parse_u64("0x1F", 4, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == ~0ULL);
	assert_int_equal(parse_u64("18446744073709551616", 20, &v), -ERANGE);
	assert_int_equal(parse_u64("0x", 2, &v), -EINVAL);
	assert_int_equal(parse_u64("", 0, &v), -EINVAL);
	assert_int_equal(parse_u64("12a", 3, &v), -EINVAL);
	assert_int_equal(parse_u64("0x1g", 4, &v), -EINVAL);
}

static void test_memmem(void **state)
{
	const char *h = "abcabd";

	assert_ptr_equal(memmem_bounded(h, 6, "abd", 3), h + 3);
	assert_null(memmem_bounded(h, 5, "abd", 3));
	assert_null(memmem_bounded(h, 2, "abd", 3));
	assert_null(memmem_bounded(h, 6, "", 0));
}

static void test_errno_name(void **state)
{
	assert_string_equal(errno_name(-EINVAL), "EINVAL");
	assert_string_equal(errno_name(EFAULT), "EFAULT");
	assert_string_equal(errno_name(-9999), "E?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_memset_all_alignments),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_memmem),
		cmocka_unit_test(test_errno_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
