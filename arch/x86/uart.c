#include <asm/io.h>
#include <asm/x86.h>

/* The hypervisor's own console: the 16550 at COM1, 115200 8N1, polled. */
#define COM1		0x3f8
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

/* Bounded so that a missing UART slows the boot instead of hanging it. */
#define UART_TX_SPIN	100000

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7);
	outb(COM1 + UART_MCR, 0x03);
}

static void uart_putc(char c)
{
	unsigned int spin = UART_TX_SPIN;

	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && --spin)
		;
	outb(COM1 + UART_THR, (u8)c);
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
	return inb(COM1 + UART_LSR) & LSR_DR ? inb(COM1 + UART_THR) : -1;
}
