/*
 * The platform's clocks and registers from a guest, under the
 * hypervisor: the ACPI PM timer's rate against the PIT and the TSC,
 * kvmclock (the TSC's frequency as Linux reads it, and the wall clock),
 * the PM1 registers, the CMOS RTC (the date it starts from, UIP, BCD and
 * binary, SET), and the 8042's status and self-test. The ports are
 * those of arch/x86/include/asm/vplat_layout.h.
 */
#include <guest/guest.h>

#define PM1_EVT		0x600
#define PM1_CNT		0x604
#define PM_TMR		0x608
#define PM_TMR_HZ	3579545ULL
#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define KBC_DATA	0x60
#define KBC_CMD		0x64
#define EPOCH_YEAR	0x25	/* the RTC starts at 2025-01-01 00:00:00 (VPLAT_RTC_EPOCH) */

static u8 cmos(u8 reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

static void cmos_set(u8 reg, u8 v)
{
	outb(RTC_INDEX, reg);
	outb(RTC_DATA, v);
}

/* PIT channel 2 counting down from 0xffff in mode 0, gated on by port 0x61. */
static void pit2_start(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
}

static u32 pit2_count(void)
{
	outb(0x43, 0x80);			/* latch channel 2 */
	return inb(0x42) | (u32)inb(0x42) << 8;
}

static u32 pm_timer(void)
{
	return inl(PM_TMR);
}

/*
 * A counter's value and the TSC at the same moment: the read between two
 * TSC reads, the tightest of a few tries (an exit may stall when the
 * host is loaded), the TSC taken at the middle.
 */
struct sample {
	u64 tsc;
	u32 count;
};

static struct sample sample(u32 (*read)(void))
{
	struct sample best = { 0, 0 };
	u64 best_width = ~0ULL, a, b;
	unsigned int i;
	u32 c;

	for (i = 0; i < 8; i++) {
		a = rdtsc();
		c = read();
		b = rdtsc();
		if (b - a < best_width) {
			best_width = b - a;
			best = (struct sample){ a + (b - a) / 2, c };
		}
	}
	return best;
}

/*
 * The TSC's rate measured against the PM timer and against the PIT over
 * the same 25 ms (channel 2 wraps after 55): they agree to 1% when the
 * PM timer runs at 3.579545 MHz (the PIT at 1.193182 MHz is the
 * reference Linux calibrates with).
 */
/* One measurement; false if the PIT wrapped or the two rates differ by 1% or more. */
static bool measure_rates(u64 *tsc_by_pm, u64 *tsc_by_pit)
{
	struct sample pit0, pit1, pm0, pm1;

	pit2_start();
	pit0 = sample(pit2_count);
	pm0 = sample(pm_timer);
	while (pm_timer() - pm0.count < PM_TMR_HZ * 25 / 1000)
		;
	pm1 = sample(pm_timer);
	pit1 = sample(pit2_count);
	*tsc_by_pm = (pm1.tsc - pm0.tsc) * PM_TMR_HZ / (pm1.count - pm0.count);
	*tsc_by_pit = pit0.count > pit1.count ?
		      (pit1.tsc - pit0.tsc) * PIT_HZ / (pit0.count - pit1.count) : 0;
	diag("TSC: %llu kHz by the PM timer, %llu kHz by the PIT", *tsc_by_pm / 1000,
	     *tsc_by_pit / 1000);
	return *tsc_by_pm > *tsc_by_pit / 100 * 99 && *tsc_by_pm < *tsc_by_pit / 100 * 101;
}

/*
 * Up to three tries: a host loaded enough to hold the vCPU off for more
 * than channel 2's 55 ms wraps it, which says nothing about the rates.
 */
static u64 test_pm_timer_rate(void)
{
	u64 tsc_by_pm = 0, tsc_by_pit = 0;
	bool agree = false, mono = true;
	unsigned int i;
	u32 a, b;

	for (i = 0; i < 3 && !agree; i++)
		agree = measure_rates(&tsc_by_pm, &tsc_by_pit);
	ok(agree, "PM timer: 3.579545 MHz, as the PIT and the TSC measure it");
	a = inl(PM_TMR);
	for (i = 0; i < 1000; i++) {
		b = inl(PM_TMR);
		mono &= b - a < 0x80000000u;
		a = b;
	}
	ok(mono, "PM timer: 32-bit reads never go back");
	return tsc_by_pm;
}

/* kvmclock's structures (KVM's msr.rst), as Linux's kvmclock reads them. */
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01

struct pvclock_time {
	u32 version, pad0;
	u64 tsc_timestamp, system_time;
	u32 mul;
	s8 shift;
	u8 flags, pad[2];
};

struct pvclock_wall {
	u32 version, sec, nsec;
};

static struct pvclock_time pvti __aligned(64);
static struct pvclock_wall wall __aligned(64);

static u64 pvclock_at(u64 tsc)
{
	u64 delta = tsc - pvti.tsc_timestamp;

	delta = pvti.shift < 0 ? delta >> -pvti.shift : delta << pvti.shift;
	return pvti.system_time + (u64)(((unsigned __int128)delta * pvti.mul) >> 32);
}

static u64 pvclock_read(void)
{
	return pvclock_at(rdtsc());
}

static bool kvm_signature(void)
{
	struct cpuid_regs r = cpuid(0x40000100);

	return r.ebx == 0x4b4d564b && r.ecx == 0x564b4d56 && r.edx == 0x4d &&
	       r.eax >= 0x40000101;
}

/*
 * The frequency Linux takes from kvmclock (pvclock_tsc_khz()) is the one
 * the PM timer measures; the clock advances at the PM timer's pace; its
 * wall clock tells the RTC's date.
 */
static void test_kvmclock(u64 tsc_by_pm)
{
	struct sample pm0, pm1;
	u64 khz, c, pm_ns, now;

	ok(kvm_signature() && cpuid(0x40000101).eax == (1u << 3 | 1u << 24),
	   "CPUID 0x40000100: KVM's signature, kvmclock (CLOCKSOURCE2, stable) only");
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (u64)(uintptr_t)&pvti | 1);
	ok(!(pvti.version & 1) && pvti.version && (pvti.flags & 1) && pvti.mul,
	   "kvmclock: filled (version %u, flags %u)", pvti.version, pvti.flags);
	khz = (1000000ULL << 32) / pvti.mul;
	khz = pvti.shift < 0 ? khz << -pvti.shift : khz >> pvti.shift;
	diag("kvmclock: TSC %llu kHz", khz);
	ok(khz * 1000 > tsc_by_pm / 100 * 99 && khz * 1000 < tsc_by_pm / 100 * 101,
	   "kvmclock: the TSC's frequency is the one the PM timer measures");
	/* The clock at the TSC of two PM timer samples (bracketed: see sample()). */
	pm0 = sample(pm_timer);
	while (pm_timer() - pm0.count < PM_TMR_HZ / 50)
		;
	pm1 = sample(pm_timer);
	c = pvclock_at(pm1.tsc) - pvclock_at(pm0.tsc);
	pm_ns = (u64)(pm1.count - pm0.count) * 1000000000ULL / PM_TMR_HZ;
	ok(c > pm_ns / 100 * 99 && c < pm_ns / 100 * 101,
	   "kvmclock: %llu ns of PM timer are %llu ns of kvmclock", pm_ns, c);
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, (u64)(uintptr_t)&wall);
	now = (wall.sec * 1000000000ULL + wall.nsec + pvclock_read()) / 1000000000ULL;
	ok(!(wall.version & 1) && now >= 1735689600ULL && now < 1735689600ULL + 120,
	   "kvmclock: the wall clock is the RTC's 2025-01-01 (%llu)", now);
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
}

static void test_pm1(void)
{
	ok(inw(PM1_CNT) & 1, "PM1a_CNT: SCI_EN reads 1 (ACPI always on)");
	outw(PM1_EVT + 2, 0xffff);
	ok(inw(PM1_EVT + 2) == 0x0721, "PM1a_EN: the fixed-event enables only");
	outw(PM1_EVT + 2, 0);
	outw(PM1_EVT, 0xffff);
	ok((inw(PM1_EVT) & ~1u) == 0, "PM1a_STS: write 1 to clear");
	outw(PM1_CNT, 5 << 10);		/* SLP_TYP without SLP_EN: nothing happens */
	ok((inw(PM1_CNT) & (7 << 10 | 1 << 13)) == 5 << 10, "PM1a_CNT: SLP_TYP stored, SLP_EN not");
	outw(PM1_CNT, 0);
}

/*
 * UIP rises before the seconds register moves, and the wait is under a
 * second. (An IO exit under TCG can take longer than UIP's 244 us: the
 * seconds are read before UIP is seen, not while it is.)
 */
static void test_rtc_uip(void)
{
	u64 i, limit = 1ULL << 26;
	u8 s0 = cmos(0x00), s1;

	for (i = 0; i < limit && !(cmos(0x0a) & 0x80); i++)
		;
	ok(i < limit, "RTC: UIP rises within a second");
	for (i = 0; i < limit && (cmos(0x0a) & 0x80); i++)
		;
	s1 = cmos(0x00);
	ok(i < limit && s1 != s0, "RTC: UIP falls and the second moves (%x to %x)", s0, s1);
}

static void test_rtc(void)
{
	ok(cmos(0x0b) == 0x02, "RTC B: BCD, 24 hours, as firmware leaves it");
	ok(cmos(0x0d) == 0x80, "RTC D: VRT");
	ok(cmos(0x09) == EPOCH_YEAR && cmos(0x32) == 0x20 && cmos(0x08) == 1 && cmos(0x07) == 1,
	   "RTC: 2025-01-01, the fixed epoch");
	ok(cmos(0x04) == 0 && cmos(0x02) == 0, "RTC: within the first minute of the VM");
	test_rtc_uip();
	cmos_set(0x0b, 0x86);			/* SET, binary, 24 h */
	cmos_set(0x09, 99);
	cmos_set(0x04, 13);
	ok(cmos(0x09) == 99 && cmos(0x04) == 13, "RTC: binary fields written while SET holds");
	cmos_set(0x0b, 0x00);			/* BCD, 12 h, running */
	ok(cmos(0x04) == (0x80 | 0x01) && cmos(0x09) == 0x99, "RTC: 1 PM in 12-hour BCD");
	cmos_set(0x0b, 0x02);
	cmos_set(0xc0 | 0x20, 0x5a);		/* RAM, NMI-disable bit set in the index */
	ok(cmos(0x40) == 0x00 && cmos(0x60) == 0x5a, "RTC: CMOS RAM, NMI bit of the index ignored");
}

static void test_kbc(void)
{
	u8 st = inb(KBC_CMD);

	ok(!(st & 0x02) && (st & 0x04), "8042: input buffer empty, system flag set");
	outb(KBC_CMD, 0xaa);
	ok((inb(KBC_CMD) & 1) && inb(KBC_DATA) == 0x55, "8042: self-test answers 0x55");
	outb(KBC_CMD, 0x20);
	ok(inb(KBC_DATA) == 0x45, "8042: the command byte");
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(23);
	if (!hv_present()) {
		skip(23, "the platform is the hypervisor's");
		return tap_done();
	}
	test_kvmclock(test_pm_timer_rate());
	test_pm1();
	test_rtc();
	test_kbc();
	return tap_done();
}
