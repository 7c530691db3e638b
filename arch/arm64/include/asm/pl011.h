#ifndef ASM_PL011_H
#define ASM_PL011_H

#include <lib/types.h>

/* The size of a PL011's register window. */
#define PL011_SIZE	0x1000

/*
 * Polled transmit only; the firmware or the loader set the baud rate,
 * which needs the UART clock the hypervisor does not manage.
 */
void pl011_write(uintptr_t base, const char *s, size_t n);
/* A received byte, or -1 when the receive FIFO is empty. */
int pl011_getc(uintptr_t base);

#endif
