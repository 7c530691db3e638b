/*
 * The IOAPIC from a guest: its registers (ID, version, arbitration, the
 * redirection entries), and routing of a real line, COM1's IRQ 4 (the
 * VMM's 16550 raises it while its THR-empty interrupt is enabled and
 * pending), to this CPU's local APIC: edge, level with Remote IRR and
 * EOI (the line still high sends again), masking, and every offset of
 * the page with every width; and the PIT's IRQ 0 on pin 2, as the MADT's
 * override says, none on pin 0. The 8259 is masked throughout. Nothing is
 * printed while the line is in use: a byte to COM1 moves it.
 */
#include <guest/apic.h>
#include <guest/guest.h>

#define IOAPIC		0xfec00000ull
#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOEOI		0x40
#define COM1		0x3f8
#define UART_IER	1
#define UART_IIR	2
#define IER_ETBEI	0x02
#define VEC		0x41
#define RTE_LEVEL	(1u << 15)
#define RTE_MASKED	(1u << 16)
#define RTE_REMOTE_IRR	(1u << 14)
#define PIN		4

static volatile u32 hits;
static volatile bool clear_in_handler;

static u32 io_read(u32 reg)
{
	mmio_write32(IOAPIC + IOREGSEL, reg);
	return mmio_read32(IOAPIC + IOWIN);
}

static void io_write(u32 reg, u32 v)
{
	mmio_write32(IOAPIC + IOREGSEL, reg);
	mmio_write32(IOAPIC + IOWIN, v);
}

static void route(u32 lo)
{
	io_write(0x11 + 2 * PIN, apic_id() << 24);
	io_write(0x10 + 2 * PIN, lo);
}

/* Level: the line stays high until the handler drops it (after the second message). */
static void handler(struct ex_regs *r)
{
	hits++;
	if (clear_in_handler || hits >= 2)
		outb(COM1 + UART_IER, 0);
	apic_eoi();
}

static volatile u32 pit_hits, pin0_hits;

static void pit_handler(struct ex_regs *r)
{
	pit_hits++;
	apic_eoi();
}

static void pin0_handler(struct ex_regs *r)
{
	pin0_hits++;
	apic_eoi();
}

/* IRQ 0 is pin 2 (the MADT's interrupt source override); pin 0 is left unconnected. */
static void test_pit_on_pin2(void)
{
	set_handler(0x52, pit_handler);
	set_handler(0x50, pin0_handler);
	io_write(0x11 + 2 * 2, apic_id() << 24);
	io_write(0x10 + 2 * 2, 0x52);
	io_write(0x11, apic_id() << 24);
	io_write(0x10, 0x50);
	pit_periodic(1000);
	sti();
	smp_delay_ms(30);
	cli();
	pit_stop();
	io_write(0x10 + 2 * 2, RTE_MASKED);
	io_write(0x10, RTE_MASKED);
	ok(pit_hits > 0 && pin0_hits == 0, "the PIT's IRQ 0 arrives on pin 2 (%u), none on pin 0",
	   pit_hits);
}

static void line(bool high)
{
	outb(COM1 + UART_IER, 0);
	if (high)
		outb(COM1 + UART_IER, IER_ETBEI);
}

static void wait_hits(u32 n)
{
	u64 i;

	for (i = 0; i < (1u << 22) && hits < n; i++)
		cpu_pause();
}

static void test_registers(void)
{
	u32 pin;
	bool masked = true;

	ok(io_read(0) == 8u << 24, "IOAPIC ID 8 (VPLAT_IOAPIC_ID)");
	ok(io_read(1) == 0x00170020, "version 0x20, 24 entries");
	ok(io_read(2) == 8u << 24, "arbitration ID");
	for (pin = 0; pin < 24; pin++)
		masked &= (io_read(0x10 + 2 * pin) & RTE_MASKED) != 0;
	ok(masked, "every entry masked at reset");
	io_write(0x10 + 2 * 23, 0xffffffff);
	io_write(0x11 + 2 * 23, 0xffffffff);
	ok(io_read(0x10 + 2 * 23) == 0x1afff && io_read(0x11 + 2 * 23) == 0xff000000,
	   "entry 23: writable bits only (got %x %x)", io_read(0x10 + 2 * 23),
	   io_read(0x11 + 2 * 23));
	io_write(0x10 + 2 * 23, RTE_MASKED);
	io_write(0x11 + 2 * 23, 0);
	ok(io_read(0x40) == 0 && io_read(0xff) == 0, "registers beyond the table read 0");
}

static void test_every_offset(void)
{
	u64 off;
	bool zero = true;

	for (off = 0x14; off < 0x1000; off += 4) {
		if (off == IOEOI)
			continue;
		zero &= mmio_read32(IOAPIC + off) == 0 && mmio_read8(IOAPIC + off + 1) == 0;
		mmio_write32(IOAPIC + off, 0xffffffff);
		mmio_write8(IOAPIC + off + 3, 0xff);
	}
	mmio_write16(IOAPIC + IOWIN, 0xffff);		/* not a dword: ignored */
	mmio_write8(IOAPIC + IOREGSEL, 1);		/* a byte index is taken */
	ok(zero && mmio_read32(IOAPIC + IOWIN) == 0x00170020 && io_read(0) == 8u << 24,
	   "every other offset and width reads 0 and changes nothing");
}

int guest_main(const struct mb_info *mbi)
{
	bool edge_once, edge_masked, level_twice, irr_set, irr_clear, unmask_sends;
	u32 rte_during, level_hits;

	tap_plan(14);
	if (!hv_present()) {
		skip(14, "the IOAPIC is the hypervisor's");
		return tap_done();
	}
	test_registers();
	test_every_offset();
	serial_flush();
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_enable();
	smp_init();		/* for smp_delay_ms()'s TSC rate */
	set_handler(VEC, handler);
	line(false);
	sti();

	/* Edge: one message per rising edge; a masked edge is lost. */
	clear_in_handler = true;
	route(VEC);
	line(true);
	wait_hits(1);
	edge_once = hits == 1;
	route(VEC | RTE_MASKED);
	line(true);
	wait_hits(2);
	route(VEC);
	edge_masked = hits == 1;

	/* Level: Remote IRR while in service; the EOI with the line high sends again. */
	hits = 0;
	clear_in_handler = false;
	cli();
	route(VEC | RTE_LEVEL);
	line(true);
	rte_during = io_read(0x10 + 2 * PIN);
	irr_set = rte_during & RTE_REMOTE_IRR;
	sti();
	wait_hits(2);
	level_hits = hits;
	level_twice = hits == 2;
	irr_clear = !(io_read(0x10 + 2 * PIN) & RTE_REMOTE_IRR);

	/* Masked level with the line high: unmasking sends it. */
	hits = 0;
	clear_in_handler = true;
	route(VEC | RTE_LEVEL | RTE_MASKED);
	line(true);
	wait_hits(1);
	unmask_sends = hits == 0;
	route(VEC | RTE_LEVEL);
	wait_hits(1);
	unmask_sends &= hits == 1;
	cli();
	route(RTE_MASKED);
	line(false);

	ok(edge_once, "edge: one interrupt for one rising edge");
	ok(edge_masked, "edge: an edge while masked is lost");
	ok(irr_set, "level: Remote IRR set while the interrupt is in service (%x)", rte_during);
	ok(level_twice, "level: the EOI with the line still high delivers again (%u)", level_hits);
	ok(irr_clear, "level: Remote IRR clear after the last EOI");
	ok(unmask_sends, "level: masked, nothing; unmasked with the line high, delivered");
	test_pit_on_pin2();
	return tap_done();
}
