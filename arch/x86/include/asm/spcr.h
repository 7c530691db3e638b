#ifndef ASM_SPCR_H
#define ASM_SPCR_H

#include <asm/uart.h>

/*
 * The ACPI Serial Port Console Redirection table: the firmware's word on
 * which UART is the console (server firmware sets it to the port its own
 * console redirection uses, often not COM1, sometimes in MMIO).
 */
#define SPCR_MIN_LEN		80

/*
 * @t is the whole table, @len bytes, signature and checksum already
 * checked by the ACPI reader. Fills @out and returns 0; -EINVAL for a
 * table too short or self-contradicting (an IO port beyond 0xffff, an
 * address space other than IO or memory, an unknown register width or
 * baud rate code), -ENODEV when it names no 16550-compatible UART or
 * console redirection is off (base address 0).
 */
int spcr_parse(const u8 *t, u32 len, struct uart_port *out);

#endif
