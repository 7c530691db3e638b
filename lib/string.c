#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcpy_bounded(char *dst, size_t size, const char *src, size_t src_max)
{
	size_t n;

	if (!size)
		return 0;
	n = strnlen(src, MIN(src_max, size - 1));
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

const void *memmem_bounded(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	const u8 *h = hay;
	size_t i;

	if (!nlen || nlen > hlen)
		return NULL;
	for (i = 0; i <= hlen - nlen; i++)
		if (!memcmp(h + i, needle, nlen))
			return h + i;
	return NULL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int parse_u64(const char *s, size_t len, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;
	size_t i = 0;
	int d;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		d = digit_value(s[i]);
		if (d >= (int)base)
			return -EINVAL;
		if (v > (~0ULL - (u64)d) / base)
			return -ERANGE;
		v = v * base + (u64)d;
	}
	*out = v;
	return 0;
}
