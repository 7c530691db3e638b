#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <lib/compiler.h>
#include <guest/platform.h>

/*
 * COM1, a 16550 polled at 115200 8N1; '\n' goes out as "\r\n".
 * printf() formats with the hypervisor's lib/printf.c into a 512-byte
 * buffer: longer messages are cut and end in "...".
 */
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Waits until the last character has left the transmitter. */
void serial_flush(void);

int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap) __printf(1, 0);

#endif
