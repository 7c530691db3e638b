/*
 * Passthrough from the guest (configs/passthrough.dts): QEMU virt's PL031
 * RTC (host 0x09010000, SPI 2 = INTID 34) is this VM's, at guest address
 * 0x09100000. The guest reads the chip's identification and its running
 * seconds, and takes its match interrupt three times: the line is level
 * (the RTC holds it until RTCICR is written), so the host keeps the SPI
 * masked from its arrival until this guest deactivates it (vgic_phys.c);
 * each round must come once, and again only after the next match. The
 * hypervisor never touches the RTC: its console is the PL011.
 */
#include <guest/guest.h>

#define RTC		0x09100000ull
#define RTC_DR		0x000
#define RTC_MR		0x004
#define RTC_CR		0x00c
#define RTC_IMSC	0x010
#define RTC_RIS		0x014
#define RTC_ICR		0x01c
#define RTC_PERIPH_ID0	0xfe0
#define RTC_CELL_ID0	0xff0
#define RTC_SPI		34
#define ROUNDS		3

static volatile u32 hits, others;

static u32 id_of(u64 first)
{
	u32 i, id = 0;

	for (i = 0; i < 4; i++)
		id |= (mmio_read32(RTC + first + 4 * i) & 0xff) << (8 * i);
	return id;
}

/* The RTC's line stays high until RTCICR: the handler quiets the device itself. */
static void irq_handler(u32 intid)
{
	if (intid != RTC_SPI) {
		others++;
		return;
	}
	hits++;
	mmio_write32(RTC + RTC_ICR, 1);
}

/* Waits up to @ms for @n interrupts in all: the RTC counts seconds of the host's clock. */
static void wait_hits(u32 n, u64 ms)
{
	u64 freq, end;

	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(freq));
	end = counter() + freq / 1000 * ms;
	while (hits < n && counter() < end)
		__asm__ __volatile__("yield");
}

static void test_identity(void)
{
	u32 periph = id_of(RTC_PERIPH_ID0), cell = id_of(RTC_CELL_ID0);

	ok((periph & 0xfffff) == 0x41031 && cell == 0xb105f00d,
	   "the PL031's identification registers (%x, %x)", periph, cell);
	ok(mmio_read32(RTC + RTC_CR) & 1, "the RTC runs (RTCCR.start), at %u s",
	   mmio_read32(RTC + RTC_DR));
}

/*
 * A match register equal to the count raises the interrupt at once in
 * QEMU's model; a second that ticks in between only delays it by one.
 */
static void test_match_interrupts(void)
{
	u32 round, missed = 0, doubled = 0, before;

	guest_irq_handler = irq_handler;
	gic_init_dist();
	gic_init_cpu(0);
	gic_enable_irq(RTC_SPI, 0);
	mmio_write32(RTC + RTC_ICR, 1);
	mmio_write32(RTC + RTC_IMSC, 1);
	local_irq_enable();
	for (round = 0; round < ROUNDS; round++) {
		before = hits;
		mmio_write32(RTC + RTC_MR, mmio_read32(RTC + RTC_DR) + (round ? 1 : 0));
		wait_hits(before + 1, 3000);
		missed += hits == before;
		wait_hits(before + 2, 20);
		doubled += hits > before + 1;
	}
	local_irq_disable();
	mmio_write32(RTC + RTC_IMSC, 0);
	ok(!missed && hits == ROUNDS, "%u match interrupts taken, one per match (%u)", ROUNDS,
	   hits);
	ok(!doubled && !others, "none twice though the line is level until RTCICR; no other "
	   "interrupt (%u)", others);
	ok(!(mmio_read32(RTC + RTC_RIS) & 1), "the handler's RTCICR write cleared the RTC");
}

/* One vCPU: nobody starts a secondary. */
void guest_secondary(u64 cpu)
{
}

int guest_main(const void *dtb)
{
	tap_plan(5);
	test_identity();
	test_match_interrupts();
	return tap_done();
}
