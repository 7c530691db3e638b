#ifndef ASM_UART_H
#define ASM_UART_H

#include <lib/types.h>

/*
 * The hypervisor's own serial console (a host driver, not a guest
 * device): a 16550-compatible UART at an IO port or in MMIO, polled,
 * transmit only.
 */
enum uart_space {
	UART_SPACE_IO,
	UART_SPACE_MMIO,
};

struct uart_port {
	u8 space;	/* enum uart_space */
	u8 reg_shift;	/* register n is at base + (n << reg_shift) */
	u8 reg_width;	/* MMIO access size in bytes, 1 or 4; IO ports are always 1 */
	u64 base;
	u32 baud;	/* 0: keep the rate the firmware programmed */
};

/* The 16550's input clock divided by 16: the largest rate, divisor 1. */
#define UART_BAUD_MAX		115200
#define COM1_PORT		0x3f8

/* True if @baud is 0 (keep) or an exact divisor of UART_BAUD_MAX. */
bool uart_baud_valid(u32 baud);
/* From now on the console is @p; programs 8N1 at p->baud (unless 0). */
void uart_init(const struct uart_port *p);
void uart_write(const char *s, size_t n);
/* A byte the UART received, or -1: polled, never waits. */
int uart_getc(void);

#endif
