#ifndef ASM_NS16550_H
#define ASM_NS16550_H

#include <lib/types.h>

/* Registers of a 16550 (THR to SCR). */
#define NS16550_REGS	8

/*
 * Polled transmit to a 16550-compatible UART in MMIO, registers
 * 1 << @reg_shift bytes apart and @reg_width (1 or 4) bytes wide. The
 * firmware or the loader programmed the rate: its clock is the board's.
 */
void ns16550_write(uintptr_t base, u8 reg_shift, u8 reg_width, const char *s, size_t n);
/* A received byte (RBR, at THR's offset), or -1: polled, never waits. */
int ns16550_getc(uintptr_t base, u8 reg_shift, u8 reg_width);

#endif
