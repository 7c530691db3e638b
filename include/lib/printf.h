#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <lib/compiler.h>

/*
 * Formats %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', ' ', '#',
 * a width and a precision (both may be '*'), and the length modifiers
 * hh h l ll z t j. Always NUL-terminates when size > 0; returns the length
 * the full output would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
