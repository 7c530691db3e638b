#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/console.h>
#include <lib/panic.h>

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
 *
 * A machine may have no PIT behind port 0x61 (QEMU's -machine pit=off,
 * legacy-free boards): its "output" never goes low, or never rises.
 * Such a window was once taken for a 9 kHz TSC, every deadline then came
 * 200,000 times too late and the VMs hung. A window counts only if the
 * output was seen low, then high, within a bounded wait, and gives a
 * plausible rate; without one the ACPI PM timer (3.579545 MHz, a port
 * named by the FADT) measures instead, and without either the
 * hypervisor stops: it cannot keep any VM's time.
 */
#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define PM_TMR_HZ	3579545u
#define CALIBRATE_MS	10
#define CALIBRATE_TRIES	20
/* Uncertainty a window may have: 1/2000 of it (500 ppm). */
#define CALIBRATE_SLACK	2000
/* What a TSC may plausibly run at; a poll gives up after ~2.7x a window at the fastest. */
#define TSC_MIN_HZ	100000000ULL
#define TSC_MAX_HZ	20000000000ULL
#define POLL_GIVE_UP	(TSC_MAX_HZ / 1000 * CALIBRATE_MS * 27 / 10)

static u64 tsc_freq;
/* ns = tsc * mult >> 32, exact enough and division-free on the hot path. */
static u64 tsc_to_ns_mult;

struct window {
	u64 ticks;	/* TSC ticks in CALIBRATE_MS, the brackets' middle */
	u64 slack;	/* the brackets' combined width; ~0: no measurement */
};

static const struct window no_window = { 0, ~0ULL };

static bool plausible(const struct window *w)
{
	return w->ticks >= TSC_MIN_HZ / 1000 * CALIBRATE_MS &&
	       w->ticks <= TSC_MAX_HZ / 1000 * CALIBRATE_MS;
}

static struct window measure_pit_window(void)
{
	u16 count = (u16)(PIT_HZ / (1000 / CALIBRATE_MS));
	u64 t0, t1, low, poll, high;
	bool seen_low = false;
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

		if (before - t1 > POLL_GIVE_UP) {
			outb(PIT_GATE, gate);
			return no_window;
		}
		if (inb(PIT_GATE) & 0x20)
			break;
		seen_low = true;
		low = poll;
		poll = before;
	}
	high = rdtsc();
	outb(PIT_GATE, gate);
	/* An output high from the start is no PIT counting down. */
	if (!seen_low)
		return no_window;
	/* Start in [t0, t1], expiry in [low, high]: the window in [low - t1, high - t0]. */
	if (low < t1)
		low = t1;
	return (struct window){ .ticks = ((low - t1) + (high - t0)) / 2,
				.slack = (high - t0) - (low - t1) };
}

/* The PM timer's count, masked to its width. */
static u32 pm_tmr_read(const struct acpi_info *acpi)
{
	return inl(acpi->pm_tmr) & (acpi->pm_tmr_32bit ? 0xffffffffu : 0xffffffu);
}

/*
 * CALIBRATE_MS of the PM timer (it wraps: the distance is taken modulo
 * its width), bracketed like the PIT's: the start between the TSC reads
 * around the first change of the count, the end around the read that
 * reached the target.
 */
static struct window measure_pm_window(const struct acpi_info *acpi)
{
	u32 mask = acpi->pm_tmr_32bit ? 0xffffffffu : 0xffffffu;
	u32 span = PM_TMR_HZ / (1000 / CALIBRATE_MS), c0, c;
	u64 t0, t1, s, e0, e1;

	c0 = pm_tmr_read(acpi);
	s = rdtsc();
	do {
		t0 = rdtsc();
		c = pm_tmr_read(acpi);
		t1 = rdtsc();
		if (t1 - s > POLL_GIVE_UP)
			return no_window;
	} while (c == c0);
	c0 = c;
	do {
		e0 = rdtsc();
		c = pm_tmr_read(acpi);
		e1 = rdtsc();
		if (e1 - t1 > POLL_GIVE_UP)
			return no_window;
	} while (((c - c0) & mask) < span);
	/* The count ran past the target by (c - c0 - span): scale the window back to it. */
	return (struct window){
		.ticks = ((e0 + e1) / 2 - (t0 + t1) / 2) * span / ((c - c0) & mask),
		.slack = (e1 - e0) + (t1 - t0),
	};
}

static struct window best_of(struct window (*measure)(const struct acpi_info *acpi),
			     const struct acpi_info *acpi, unsigned int *tries)
{
	struct window best = no_window, w;
	unsigned int i;

	for (i = 0; i < CALIBRATE_TRIES; i++) {
		w = measure(acpi);
		if (plausible(&w) && w.slack < best.slack)
			best = w;
		if (best.slack <= best.ticks / CALIBRATE_SLACK)
			break;
	}
	*tries = i + (i < CALIBRATE_TRIES);
	return best;
}

static struct window pit_window(const struct acpi_info *acpi)
{
	return measure_pit_window();
}

void tsc_calibrate(const struct acpi_info *acpi)
{
	const char *against = "the PIT";
	unsigned int tries;
	struct window best = best_of(pit_window, acpi, &tries);

	if (best.slack == ~0ULL && acpi->pm_tmr) {
		pr_warn("the 8254 PIT does not count (no window of %u ms): the TSC is measured "
			"against the ACPI PM timer\n", CALIBRATE_MS);
		against = "the ACPI PM timer";
		best = best_of(measure_pm_window, acpi, &tries);
	}
	if (best.slack == ~0ULL)
		panic("no clock to measure the TSC against (neither the 8254 PIT nor an ACPI PM "
		      "timer counts): no VM could keep time");
	tsc_freq = best.ticks * (1000 / CALIBRATE_MS);
	tsc_to_ns_mult = (u64)(((unsigned __int128)1000000000ULL << 32) / tsc_freq);
	pr_info("TSC runs at %llu.%03llu MHz (+/- %llu ppm, %u window%s of %s)\n",
		tsc_freq / 1000000, (tsc_freq / 1000) % 1000, best.slack * 500000 / best.ticks,
		tries, tries == 1 ? "" : "s", against);
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
