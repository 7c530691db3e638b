#include <asm/io.h>
#include <asm/uart.h>
#include <asm/x86.h>

/* The hypervisor's console UART: a 16550 at an IO port or in MMIO, 8N1, polled. */
#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		BIT(0)
#define LSR_THRE	BIT(5)
#define LCR_DLAB	BIT(7)
#define LCR_8N1		0x03
#define FCR_ENABLE_CLEAR	0xc7
#define MCR_DTR_RTS	0x03

/* Bounded so that a missing UART slows the boot instead of hanging it. */
#define UART_TX_SPIN	100000

/* Written on the boot CPU before any other CPU prints. */
static struct uart_port port = { .space = UART_SPACE_IO, .base = COM1_PORT, .baud = 115200 };

static void reg_write(unsigned int reg, u8 v)
{
	u64 addr = port.base + ((u64)reg << port.reg_shift);

	if (port.space == UART_SPACE_IO)
		outb((u16)addr, v);
	else if (port.reg_width == 4)
		mmio_write32(addr, v);
	else
		*(volatile u8 *)(uintptr_t)addr = v;
}

static u8 reg_read(unsigned int reg)
{
	u64 addr = port.base + ((u64)reg << port.reg_shift);

	if (port.space == UART_SPACE_IO)
		return inb((u16)addr);
	if (port.reg_width == 4)
		return (u8)mmio_read32(addr);
	return *(volatile u8 *)(uintptr_t)addr;
}

bool uart_baud_valid(u32 baud)
{
	return baud <= UART_BAUD_MAX && (!baud || UART_BAUD_MAX % baud == 0);
}

void uart_init(const struct uart_port *p)
{
	u32 div;

	port = *p;
	reg_write(UART_IER, 0);
	if (port.baud && uart_baud_valid(port.baud)) {
		div = UART_BAUD_MAX / port.baud;
		reg_write(UART_LCR, LCR_DLAB);
		reg_write(UART_DLL, (u8)div);
		reg_write(UART_DLM, (u8)(div >> 8));
	}
	reg_write(UART_LCR, LCR_8N1);
	reg_write(UART_FCR, FCR_ENABLE_CLEAR);
	reg_write(UART_MCR, MCR_DTR_RTS);
}

static void uart_putc(char c)
{
	unsigned int spin = UART_TX_SPIN;

	while (!(reg_read(UART_LSR) & LSR_THRE) && --spin)
		;
	reg_write(UART_THR, (u8)c);
}

void uart_write(const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s++);
	}
}

int uart_getc(void)
{
	return reg_read(UART_LSR) & LSR_DR ? reg_read(UART_THR) : -1;
}
