#ifndef ASM_CONSOLE_H
#define ASM_CONSOLE_H

/* QEMU virt's PL011: the last resort when the DTB names none (or is unusable). */
#define EARLY_UART_BASE		0x09000000

#ifndef __ASSEMBLY__

#include <lib/fdt.h>

/* The console UARTs real boards have: ARM's PL011, and 16550s in MMIO. */
enum console_uart_kind {
	CONSOLE_PL011,
	CONSOLE_NS16550,
};

struct console_uart {
	u8 kind;		/* enum console_uart_kind */
	u8 reg_shift;		/* 16550: register n at base + (n << reg_shift) */
	u8 reg_width;		/* 16550: access size in bytes, 1 or 4 */
	u64 base;
	u64 size;		/* the register window to map */
};

/*
 * The console UART the DTB names: /chosen stdout-path (a path or an
 * alias, ":options" ignored) when it is a UART we drive, else the first
 * enabled PL011. 16550s ("ns16550a", "ns16550", "snps,dw-apb-uart") take
 * "reg-shift" and "reg-io-width" from their node. Returns 0 or -ENOENT;
 * -EINVAL for a stdout-path UART whose register layout we cannot drive.
 */
int console_find(const struct fdt *fdt, struct console_uart *out);

/*
 * console_find() on @fdt (may be NULL), else QEMU virt's PL011 at
 * EARLY_UART_BASE. Only reads the DTB, so it runs before the MMU is on;
 * the caller maps [*base, *base + *size).
 */
void console_probe(const struct fdt *fdt, u64 *base, u64 *size);
/* Sends nothing from here on (the probed window could not be mapped). */
void console_disable(void);
/* Claims the console's pages as the host's (config_host_claim()), once the MMU is on. */
void console_claim_host(void);

#endif

#endif
