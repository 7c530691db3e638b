/*
 * The guest `make run` boots twice: it prints, and takes each kind of
 * exit once: CPUID (answered by the hypervisor), IO (the UART, in the
 * VMM), MMIO where no device is (the VMM's unknown-access policy), the
 * console hypercall, and HLT as a real wait for the PIT's interrupt.
 * Then it leaves through the debug-exit port.
 */
#include <guest/guest.h>
#include <lib/printf.h>
#include <lib/string.h>

/* Nothing is configured there: an MMIO exit the VMM ignores, reads as 0. */
#define NOWHERE		0xfeb00000ULL
#define IRQ_BASE	0x20
#define TICKS		10
#define TICK_HZ		100

static volatile unsigned int ticks;

static void timer_irq(struct ex_regs *regs)
{
	ticks++;
	pic_eoi(0);
}

static void wait_for_ticks(unsigned int n)
{
	pic_init(IRQ_BASE);
	set_handler(IRQ_BASE, timer_irq);
	pit_periodic(TICK_HZ);
	pic_unmask(0);
	while (ticks < n) {
		/* STI's shadow covers HLT: no tick can slip in between. */
		safe_halt();
		cli();
	}
	pic_mask(0);
}

int guest_main(const struct mb_info *mbi)
{
	const char *name = mb_cmdline(mbi);
	char line[80];
	u64 t0, t1, ret;
	u32 v;
	int n;

	tap_plan(5);
	printf("# %s: a guest of the micro-hypervisor, saying hello\n", name);

	ok(hv_present(), "CPUID: the hypervisor leaf says \"microhv\"");

	outb(COM1_PORT + 7, 0xa5);
	ok(inb(COM1_PORT + 7) == 0xa5, "IO: the UART's scratch register keeps a byte");

	mmio_write32(NOWHERE, 0x12345678);
	v = mmio_read32(NOWHERE);
	ok(v == 0, "MMIO: where no device is, writes go nowhere and reads are 0 (%#x)", v);

	n = snprintf(line, sizeof(line), "%s: this line came through the console hypercall", name);
	ret = hv_present() ? hv_console_write(line, (u64)n) : 0;
	ok(ret == (u64)n, "hypercall: the console printed %d bytes (returned %lld)", n, (s64)ret);

	t0 = rdtsc();
	wait_for_ticks(TICKS);
	t1 = rdtsc();
	ok(ticks >= TICKS, "HLT: slept through %u ticks of the PIT at %u Hz (%llu Mcycles)", ticks,
	   TICK_HZ, (t1 - t0) >> 20);

	printf("# %s: done, leaving through the debug-exit port\n", name);
	return tap_done();
}
