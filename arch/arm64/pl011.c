#include <asm/mmio.h>
#include <asm/pl011.h>

#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_RXFE		(1u << 4)
#define UART_FR_TXFF		(1u << 5)

/*
 * A UART that never drains (unclocked, or not a PL011 after all) must
 * not hang the CPU that prints, least of all a panicking one: after this
 * many polls the character is dropped.
 */
#define TX_POLL_LIMIT		100000

static void pl011_putc(uintptr_t base, char c)
{
	unsigned int i;

	for (i = 0; i < TX_POLL_LIMIT; i++)
		if (!(mmio_read32(base + UART_FR) & UART_FR_TXFF))
			break;
	mmio_write32(base + UART_DR, (u8)c);
}

void pl011_write(uintptr_t base, const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n')
			pl011_putc(base, '\r');
		pl011_putc(base, *s++);
	}
}

int pl011_getc(uintptr_t base)
{
	if (mmio_read32(base + UART_FR) & UART_FR_RXFE)
		return -1;
	return (int)(mmio_read32(base + UART_DR) & 0xff);
}
