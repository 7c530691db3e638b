#ifndef ASM_CONSOLE_H
#define ASM_CONSOLE_H

/* QEMU virt's PL011: the last resort when the DTB names none (or is unusable). */
#define EARLY_UART_BASE		0x09000000

#ifndef __ASSEMBLY__

#include <lib/fdt.h>

/*
 * Where the console's PL011 is: the DTB's /chosen stdout-path, else its
 * first enabled "arm,pl011", else EARLY_UART_BASE. Only reads the DTB, so
 * it runs before the MMU is on; the caller maps [*base, *base + *size).
 * @fdt may be NULL.
 */
void console_probe(const struct fdt *fdt, u64 *base, u64 *size);
/* Sends nothing from here on (the probed window could not be mapped). */
void console_disable(void);

#endif

#endif
