#include <asm/mmio.h>
#include <asm/ns16550.h>

#define UART_THR		0
#define UART_LSR		5
#define UART_LSR_DR		(1u << 0)
#define UART_LSR_THRE		(1u << 5)

/* As pl011.c: a UART that never drains drops characters instead of hanging the CPU. */
#define TX_POLL_LIMIT		100000

static u32 reg_read(uintptr_t base, u8 shift, u8 width, unsigned int reg)
{
	uintptr_t a = base + ((uintptr_t)reg << shift);

	return width == 4 ? mmio_read32(a) : *(volatile u8 *)a;
}

static void reg_write(uintptr_t base, u8 shift, u8 width, unsigned int reg, u8 v)
{
	uintptr_t a = base + ((uintptr_t)reg << shift);

	if (width == 4)
		mmio_write32(a, v);
	else
		*(volatile u8 *)a = v;
}

static void ns16550_putc(uintptr_t base, u8 shift, u8 width, char c)
{
	unsigned int i;

	for (i = 0; i < TX_POLL_LIMIT; i++)
		if (reg_read(base, shift, width, UART_LSR) & UART_LSR_THRE)
			break;
	reg_write(base, shift, width, UART_THR, (u8)c);
}

void ns16550_write(uintptr_t base, u8 reg_shift, u8 reg_width, const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n')
			ns16550_putc(base, reg_shift, reg_width, '\r');
		ns16550_putc(base, reg_shift, reg_width, *s++);
	}
}

int ns16550_getc(uintptr_t base, u8 reg_shift, u8 reg_width)
{
	if (!(reg_read(base, reg_shift, reg_width, UART_LSR) & UART_LSR_DR))
		return -1;
	return (u8)reg_read(base, reg_shift, reg_width, UART_THR);
}
