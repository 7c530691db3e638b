#include <guest/console.h>
#include <guest/x86.h>
#include <lib/printf.h>

#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ON_CLEAR	0x07
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

/* Bounded so that a missing or broken UART model slows a guest down instead of hanging it. */
#define UART_SPIN	100000

#define PRINTF_BUF	512

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, LCR_DLAB);
	outb(COM1_PORT + UART_DLL, 1);		/* 115200 baud */
	outb(COM1_PORT + UART_DLM, 0);
	outb(COM1_PORT + UART_LCR, LCR_8N1);
	outb(COM1_PORT + UART_FCR, FCR_ON_CLEAR);
	outb(COM1_PORT + UART_MCR, MCR_DTR_RTS);
}

static void wait_lsr(u8 bit)
{
	unsigned int spin = UART_SPIN;

	while (!(inb(COM1_PORT + UART_LSR) & bit) && --spin)
		cpu_pause();
}

static void put_raw(char c)
{
	wait_lsr(LSR_THRE);
	outb(COM1_PORT + UART_THR, (u8)c);
}

void serial_putc(char c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

void serial_write(const char *s, size_t n)
{
	while (n--)
		serial_putc(*s++);
}

void serial_flush(void)
{
	wait_lsr(LSR_TEMT);
}

int vprintf(const char *fmt, va_list ap)
{
	static const char cut[] = "...\n";
	char buf[PRINTF_BUF];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if ((size_t)n < sizeof(buf)) {
		serial_write(buf, (size_t)n);
	} else {
		/* A cut line still ends, so that the next TAP line starts a line. */
		serial_write(buf, sizeof(buf) - sizeof(cut));
		serial_write(cut, sizeof(cut) - 1);
	}
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
