/* SOURCES: lib/printf.c lib/string.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lib/printf.h>

static char buf[128];

#define CHECK(expect, fmt, ...)						\
	do {								\
		int n = snprintf(buf, sizeof(buf), fmt, ##__VA_ARGS__);	\
		assert_string_equal(buf, expect);			\
		assert_int_equal(n, strlen(expect));			\
	} while (0)

static void test_integers(void **state)
{
	CHECK("0", "%d", 0);
	CHECK("-42", "%d", -42);
	CHECK("-2147483648", "%d", (int)0x80000000);
	CHECK("4294967295", "%u", 0xffffffffu);
	CHECK("18446744073709551615", "%llu", ~0ULL);
	CHECK("-9223372036854775808", "%lld", (long long)(1ULL << 63));
	CHECK("ff", "%x", 255);
	CHECK("FF", "%X", 255);
	CHECK("0xff", "%#x", 255);
	CHECK("0", "%#x", 0);
	CHECK("17", "%o", 15);
	CHECK("017", "%#o", 15);
	CHECK("-1", "%hhd", 255);
	CHECK("65535", "%hu", -1);
	CHECK("123", "%zu", (size_t)123);
	CHECK("-7", "%ld", -7L);
}

static void test_flags_and_width(void **state)
{
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+42", "%+d", 42);
	CHECK(" 42", "% d", 42);
	CHECK("0x00ff", "%#06x", 255);
	CHECK("  007", "%5.3d", 7);
	CHECK("", "%.0d", 0);
	CHECK("   ab", "%*s", 5, "ab");
	CHECK("ab   |", "%*s|", -5, "ab");
	CHECK("abc", "%.3s", "abcdef");
	CHECK("ab", "%.*s", 2, "abcdef");
	CHECK("0x000000000000002a", "%#018llx", 42ULL);
}

/* Formats the compiler would refuse at build time still have to be safe. */
static int unchecked(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return n;
}

static void test_strings_and_misc(void **state)
{
	const char *volatile null_str = NULL;

	CHECK("(null)", "%s", null_str);
	CHECK("x", "%c", 'x');
	CHECK("100%", "100%%");
	CHECK("0x1000", "%p", (void *)0x1000);
	assert_int_equal(unchecked("%q"), 2);
	assert_string_equal(buf, "%q");
	assert_int_equal(unchecked("tail %"), 6);
	assert_string_equal(buf, "tail %");
}

static void test_truncation(void **state)
{
	char small[8];
	int n;

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, sizeof(small), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(small, "0123456");

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(small[0], '\0');
	assert_int_equal(small[1], 'Z');

	/* size 0 writes nothing at all, and still reports the length. */
	n = snprintf(NULL, 0, "%d-%s", 12345, "xy");
	assert_int_equal(n, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_flags_and_width),
		cmocka_unit_test(test_strings_and_misc),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
