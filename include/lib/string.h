#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <lib/types.h>

/*
 * The compiler emits calls to memcpy/memset/memmove/memcmp by itself
 * (structure copies), so these keep their standard names.
 */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
/*
 * Copies a string that may lack its NUL within @src_max bytes (loader and
 * guest data): reads at most @src_max bytes, always terminates @dst.
 */
size_t strlcpy_bounded(char *dst, size_t size, const char *src, size_t src_max);
const void *memmem_bounded(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* Parses an unsigned number (0x hex, else decimal); -EINVAL on junk or overflow. */
int parse_u64(const char *s, size_t len, u64 *out);

#endif
