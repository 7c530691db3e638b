#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/console.h>

/*
 * Time comes from the TSC, calibrated once against the 8254 PIT's channel
 * 2 (which needs no interrupt): the invariant TSC of every SVM-capable
 * CPU, and QEMU's, runs at a constant rate.
 */
#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CALIBRATE_MS	20

static u64 tsc_freq;
/* ns = tsc * mult >> 32, exact enough and division-free on the hot path. */
static u64 tsc_to_ns_mult;

void tsc_calibrate(void)
{
	u16 count = (u16)(PIT_HZ / (1000 / CALIBRATE_MS));
	u64 start, end;
	u8 gate;

	gate = inb(PIT_GATE);
	outb(PIT_GATE, (gate & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(PIT_CMD, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	/* Restart the count: mode 0 starts on the gate's rising edge. */
	outb(PIT_GATE, gate & ~0x03);
	outb(PIT_GATE, (gate & ~0x02) | 0x01);
	start = rdtsc();
	while (!(inb(PIT_GATE) & 0x20))
		;
	end = rdtsc();
	outb(PIT_GATE, gate);

	tsc_freq = (end - start) * (1000 / CALIBRATE_MS);
	if (!tsc_freq)
		tsc_freq = 1000000000ULL;
	tsc_to_ns_mult = (u64)(((unsigned __int128)1000000000ULL << 32) / tsc_freq);
	pr_info("TSC runs at %llu.%03llu MHz\n", tsc_freq / 1000000, (tsc_freq / 1000) % 1000);
}

u64 tsc_hz(void)
{
	return tsc_freq;
}

u64 arch_time_ns(void)
{
	return (u64)(((unsigned __int128)rdtsc() * tsc_to_ns_mult) >> 32);
}

void udelay(u64 us)
{
	u64 end = rdtsc() + us * (tsc_freq ? tsc_freq : 3000000000ULL) / 1000000;

	while ((s64)(rdtsc() - end) < 0)
		__builtin_ia32_pause();
}
