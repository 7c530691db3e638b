/*
 * Passthrough from the guest (configs/passthrough.dts): QEMU's second
 * 16550 (COM2: ports 0x2f8-0x2ff, host IOAPIC pin 3) and the HPET's page
 * (host 0xfed00000, here at 0xd0000000) are this VM's. The guest drives
 * COM2 itself: a polled line, then a line sent byte by byte from COM2's
 * THR-empty interrupt, which comes through the host IOAPIC, the
 * hypervisor and this VM's IOAPIC pin 3. Both lines must reach QEMU's
 * second serial backend, which the suite reads back. Had the hypervisor
 * trapped the ports, nothing would answer there (this VM ignores unknown
 * accesses: reads all ones). The HPET's registers are the chip's: its
 * vendor, its period, a counter that runs once enabled.
 *
 * A third 16550 (COM3 at 0x3e8, which the suite puts on ISA IRQ 5) is
 * passed through too: QEMU's MADT makes GSI 5 level-triggered, so the
 * hypervisor holds this VM's level pin 5 high, the host pin masked, until
 * the guest's EOI; the same interrupt-driven line must come out whole,
 * one interrupt per byte, none twice.
 */
#include <guest/apic.h>
#include <guest/guest.h>
#include <lib/string.h>

#define COM2		0x2f8
#define UART_THR	0
#define UART_IER	1
#define UART_IIR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define IER_ETBEI	0x02
#define IIR_ID_MASK	0x0f
#define IIR_THRE	0x02
#define LSR_THRE	0x20
#define MCR_OUT2	0x08	/* the PC's UART interrupt gate: off, no line reaches the PIC */

#define IOAPIC		0xfec00000ull
#define PIN		3
#define VEC		0x43

#define HPET		0xd0000000ull
#define HPET_CAP	0x000
#define HPET_CONF	0x010
#define HPET_COUNTER	0x0f0
#define HPET_ENABLE	1ull

#define COM3		0x3e8
#define PIN_LEVEL	5
#define VEC_LEVEL	0x45
#define RTE_LEVEL	(1u << 15)

static const char polled[] = "com2: polled line from the passthrough VM\r\n";
static const char driven[] = "com2: interrupt-driven line, one THRE interrupt per byte\r\n";
static const char level_line[] = "com3: a level-triggered line, held until the guest's EOI\r\n";
static volatile u32 next, hits, other;
static volatile u32 l_next, l_hits, l_other;

static void io_write(u32 reg, u32 v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

static void uart_init(u16 base)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, 0x80);		/* divisor latch */
	outb(base + UART_THR, 1);		/* 115200 baud */
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, 0x03);		/* 8N1 */
	outb(base + UART_MCR, MCR_OUT2);
}

static void com2_putc(char c)
{
	u32 spin;

	for (spin = 0; spin < 1000000 && !(inb(COM2 + UART_LSR) & LSR_THRE); spin++)
		cpu_pause();
	outb(COM2 + UART_THR, (u8)c);
}

/* THR empty: the next byte, or the interrupt off after the last one. */
static void thre_handler(struct ex_regs *r)
{
	u8 iir = inb(COM2 + UART_IIR);

	if ((iir & IIR_ID_MASK) != IIR_THRE) {
		other++;
	} else if (next < sizeof(driven) - 1) {
		hits++;
		outb(COM2 + UART_THR, (u8)driven[next++]);
	} else {
		hits++;
		outb(COM2 + UART_IER, 0);
	}
	apic_eoi();
}

/* COM3's line stays high until IIR is read or THR written: this handler quiets it. */
static void level_handler(struct ex_regs *r)
{
	u8 iir = inb(COM3 + UART_IIR);

	if ((iir & IIR_ID_MASK) != IIR_THRE) {
		l_other++;
	} else if (l_next < sizeof(level_line) - 1) {
		l_hits++;
		outb(COM3 + UART_THR, (u8)level_line[l_next++]);
	} else {
		l_hits++;
		outb(COM3 + UART_IER, 0);
	}
	apic_eoi();
}

static void test_level(void)
{
	u64 i;

	set_handler(VEC_LEVEL, level_handler);
	io_write(0x11 + 2 * PIN_LEVEL, apic_id() << 24);
	io_write(0x10 + 2 * PIN_LEVEL, VEC_LEVEL | RTE_LEVEL);
	sti();
	outb(COM3 + UART_IER, IER_ETBEI);
	for (i = 0; i < (1ull << 26) && (l_next < sizeof(level_line) - 1 ||
					  inb(COM3 + UART_IER)); i++)
		cpu_pause();
	cli();
	io_write(0x10 + 2 * PIN_LEVEL, 1u << 16);
	ok(l_next == sizeof(level_line) - 1 && l_hits == sizeof(level_line) && !l_other,
	   "level: every byte of a line sent from COM3's interrupt, one interrupt each (%u "
	   "bytes, %u interrupts, %u other)", l_next, l_hits, l_other);
}

static void test_registers(void)
{
	u8 a, b;

	outb(COM2 + UART_SCR, 0xa5);
	a = inb(COM2 + UART_SCR);
	outb(COM2 + UART_SCR, 0x5a);
	b = inb(COM2 + UART_SCR);
	ok(a == 0xa5 && b == 0x5a, "COM2's scratch register holds what is written (%x %x)", a, b);
	ok((inb(COM2 + UART_LSR) & 0x60) == 0x60, "COM2's line status: transmitter empty");
}

static void test_polled(void)
{
	u32 i;

	for (i = 0; i < sizeof(polled) - 1; i++)
		com2_putc(polled[i]);
	ok(true, "a polled line written to COM2 (the suite reads QEMU's second serial)");
}

/* Edge-triggered pin 3: a rising edge of the UART's line per byte sent. */
static void test_interrupt_driven(void)
{
	u64 i;

	set_handler(VEC, thre_handler);
	io_write(0x11 + 2 * PIN, apic_id() << 24);
	io_write(0x10 + 2 * PIN, VEC);
	sti();
	outb(COM2 + UART_IER, IER_ETBEI);
	for (i = 0; i < (1ull << 26) && (next < sizeof(driven) - 1 || inb(COM2 + UART_IER)); i++)
		cpu_pause();
	cli();
	io_write(0x10 + 2 * PIN, 1u << 16);
	ok(next == sizeof(driven) - 1, "every byte of a line sent from COM2's interrupt "
	   "(%u of %u)", next, (u32)sizeof(driven) - 1);
	ok(hits == sizeof(driven) && !other, "one THRE interrupt per byte and one to end "
	   "(%u, %u other)", hits, other);
}

static void test_hpet(void)
{
	u64 cap = mmio_read64(HPET + HPET_CAP), a, b;

	ok((cap >> 16 & 0xffff) == 0x8086 && (cap >> 32) != 0,
	   "the HPET's capabilities: vendor 0x8086, period %llu fs", cap >> 32);
	mmio_write64(HPET + HPET_CONF, HPET_ENABLE);
	a = mmio_read64(HPET + HPET_COUNTER);
	smp_delay_ms(2);
	b = mmio_read64(HPET + HPET_COUNTER);
	mmio_write64(HPET + HPET_CONF, 0);
	ok(b > a, "the HPET's counter runs once enabled (%llu -> %llu)", a, b);
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(8);
	if (!hv_present()) {
		skip(8, "COM2 and the HPET are given by the hypervisor's configuration");
		return tap_done();
	}
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_enable();
	smp_init();		/* for smp_delay_ms()'s TSC rate */
	uart_init(COM2);
	uart_init(COM3);
	test_registers();
	test_polled();
	test_interrupt_driven();
	test_level();
	test_hpet();
	return tap_done();
}
