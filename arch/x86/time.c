#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/console.h>

/*
 * Time comes from the TSC, calibrated once against the 8254 PIT's channel
 * 2 (which needs no interrupt): the invariant TSC of every SVM-capable
 * CPU, and QEMU's, runs at a constant rate.
 *
 * A measurement is only as good as the CPU's attention during it: a
 * vCPU of a nested or emulated machine descheduled between the PIT's
 * start or expiry and the TSC reads around them stretches or shrinks the
 * window (a 2.1 GHz TSC was once taken for 4 GHz on a loaded host), and
 * every guest's clock inherits the error. So each window is bracketed:
 * the start lies between two TSC reads, the expiry between the last poll
 * that saw the output low and the one that saw it high, and a window is
 * kept only when both brackets are tight; the tightest of the tries wins.
 */
#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CALIBRATE_MS	10
#define CALIBRATE_TRIES	20
/* Uncertainty a window may have: 1/2000 of it (500 ppm). */
#define CALIBRATE_SLACK	2000

static u64 tsc_freq;
/* ns = tsc * mult >> 32, exact enough and division-free on the hot path. */
static u64 tsc_to_ns_mult;

struct window {
	u64 ticks;	/* TSC ticks in CALIBRATE_MS of the PIT, the brackets' middle */
	u64 slack;	/* the brackets' combined width */
};

static struct window measure_window(void)
{
	u16 count = (u16)(PIT_HZ / (1000 / CALIBRATE_MS));
	u64 t0, t1, low, poll, high;
	u8 gate;

	gate = inb(PIT_GATE);
	outb(PIT_GATE, (gate & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(PIT_CMD, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	/* Restart the count: mode 0 starts on the gate's rising edge. */
	outb(PIT_GATE, gate & ~0x03);
	t0 = rdtsc();
	outb(PIT_GATE, (gate & ~0x02) | 0x01);
	t1 = rdtsc();
	low = poll = t1;
	for (;;) {
		u64 before = rdtsc();

		if (inb(PIT_GATE) & 0x20)
			break;
		low = poll;
		poll = before;
	}
	high = rdtsc();
	outb(PIT_GATE, gate);
	/* Start in [t0, t1], expiry in [low, high]: the window in [low - t1, high - t0]. */
	if (low < t1)
		low = t1;
	return (struct window){ .ticks = ((low - t1) + (high - t0)) / 2,
				.slack = (high - t0) - (low - t1) };
}

void tsc_calibrate(void)
{
	struct window best = { 0, ~0ULL }, w;
	unsigned int i;

	for (i = 0; i < CALIBRATE_TRIES; i++) {
		w = measure_window();
		if (w.slack < best.slack)
			best = w;
		if (best.slack <= best.ticks / CALIBRATE_SLACK)
			break;
	}
	tsc_freq = best.ticks * (1000 / CALIBRATE_MS);
	if (!tsc_freq)
		tsc_freq = 1000000000ULL;
	tsc_to_ns_mult = (u64)(((unsigned __int128)1000000000ULL << 32) / tsc_freq);
	pr_info("TSC runs at %llu.%03llu MHz (+/- %llu ppm, %u window%s)\n", tsc_freq / 1000000,
		(tsc_freq / 1000) % 1000, best.ticks ? best.slack * 500000 / best.ticks : 0,
		i + (i < CALIBRATE_TRIES), i ? "s" : "");
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
