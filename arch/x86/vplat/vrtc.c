/*
 * The CMOS RTC (asm/vrtc.h). The date is kept as seconds since 1970 and
 * converted with the proleptic Gregorian calendar in both directions
 * (days_from_civil() and its inverse), so that reading a field, or
 * writing one, never walks the calendar day by day.
 */
#include <asm/vplat_layout.h>
#include <asm/vrtc.h>

#define NS_PER_SEC	1000000000ULL
#define SECS_PER_DAY	86400ULL
#define REG_SECONDS	0x00
#define REG_MINUTES	0x02
#define REG_HOURS	0x04
#define REG_DOW		0x06
#define REG_MDAY	0x07
#define REG_MONTH	0x08
#define REG_YEAR	0x09
#define A_WRITABLE	0x7f
#define A_RATE_MASK	0x0f
#define B_PIE		BIT(6)
#define B_AIE		BIT(5)
#define B_UIE		BIT(4)
#define C_IRQF		BIT(7)
#define C_PF		BIT(6)
#define C_AF		BIT(5)
#define C_UF		BIT(4)
#define D_VRT		BIT(7)
#define HOUR_PM		BIT(7)
#define ALARM_ANY	0xc0	/* an alarm byte 0xc0-0xff matches every value */

struct rtc_tm {
	u32 sec, min, hour, mday, mon, year;	/* mon 1-12, year in full */
	u64 days;				/* since 1970-01-01 */
};

/* Days since 1970-01-01 of y-m-d (H. Hinnant's algorithm, for years >= 0). */
static u64 days_from_civil(u32 y, u32 m, u32 d)
{
	u32 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (u64)era * 146097 + doe - 719468;
}

static void civil_from_days(u64 z, struct rtc_tm *tm)
{
	u64 era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (u32)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (u32)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (u32)(yoe + era * 400 + (tm->mon <= 2));
}

static void to_tm(u64 secs, struct rtc_tm *tm)
{
	u64 rem = secs % SECS_PER_DAY;

	tm->days = secs / SECS_PER_DAY;
	civil_from_days(tm->days, tm);
	tm->hour = (u32)(rem / 3600);
	tm->min = (u32)(rem / 60 % 60);
	tm->sec = (u32)(rem % 60);
}

static u64 from_tm(const struct rtc_tm *tm)
{
	return days_from_civil(tm->year, tm->mon, 1) * SECS_PER_DAY +
	       (u64)(tm->mday - 1) * SECS_PER_DAY + tm->hour * 3600ULL + tm->min * 60ULL +
	       tm->sec;
}

static bool binary(const struct vrtc *rtc)
{
	return rtc->ram[VRTC_REG_B] & VRTC_B_BINARY;
}

static u8 encode(const struct vrtc *rtc, u32 v)
{
	return binary(rtc) ? (u8)v : (u8)((v / 10) << 4 | v % 10);
}

static u32 decode(const struct vrtc *rtc, u8 v)
{
	return binary(rtc) ? v : (u32)(v >> 4) * 10 + (v & 0xf);
}

u64 vrtc_seconds(const struct vrtc *rtc, u64 now_ns)
{
	if (rtc->held || now_ns < rtc->base_ns)
		return rtc->base_sec;
	return rtc->base_sec + (now_ns - rtc->base_ns) / NS_PER_SEC;
}

/* How far into the current second the clock is. */
static u64 fraction(const struct vrtc *rtc, u64 now_ns)
{
	if (rtc->held || now_ns < rtc->base_ns)
		return 0;
	return (now_ns - rtc->base_ns) % NS_PER_SEC;
}

void vrtc_reset(struct vrtc *rtc, u64 epoch_sec, u64 now_ns)
{
	*rtc = (struct vrtc){
		.base_sec = epoch_sec, .base_ns = now_ns, .flags_seen_ns = now_ns,
	};
	rtc->ram[VRTC_REG_A] = 0x26;			/* 32.768 kHz divider, 1024 Hz rate */
	rtc->ram[VRTC_REG_B] = VRTC_B_24H;	/* BCD, 24 hours, as PC firmware leaves it */
}

static u8 hours_out(const struct vrtc *rtc, u32 hour)
{
	u32 h12 = hour % 12 ? hour % 12 : 12;

	if (rtc->ram[VRTC_REG_B] & VRTC_B_24H)
		return encode(rtc, hour);
	return encode(rtc, h12) | (hour >= 12 ? HOUR_PM : 0);
}

static u32 hours_in(const struct vrtc *rtc, u8 v)
{
	if (rtc->ram[VRTC_REG_B] & VRTC_B_24H)
		return decode(rtc, v);
	return decode(rtc, v & ~HOUR_PM) % 12 + (v & HOUR_PM ? 12 : 0);
}

/* 1 is Sunday; 1970-01-01 was a Thursday. */
static u32 day_of_week(const struct vrtc *rtc, u64 days)
{
	return (u32)((days + 4 + rtc->dow_delta) % 7) + 1;
}

static u8 time_field(const struct vrtc *rtc, u8 reg, u64 now_ns)
{
	struct rtc_tm tm;

	to_tm(vrtc_seconds(rtc, now_ns), &tm);
	switch (reg) {
	case REG_SECONDS:
		return encode(rtc, tm.sec);
	case REG_MINUTES:
		return encode(rtc, tm.min);
	case REG_HOURS:
		return hours_out(rtc, tm.hour);
	case REG_DOW:
		return encode(rtc, day_of_week(rtc, tm.days));
	case REG_MDAY:
		return encode(rtc, tm.mday);
	case REG_MONTH:
		return encode(rtc, tm.mon);
	case REG_YEAR:
		return encode(rtc, tm.year % 100);
	default:
		return encode(rtc, tm.year / 100 % 100);
	}
}

static bool is_time_field(u8 reg)
{
	return (reg <= REG_YEAR && reg != 1 && reg != 3 && reg != 5) || reg == VRTC_CENTURY;
}

static u32 clamp(u32 v, u32 lo, u32 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * One field changes; the others, and the phase within the second, stay.
 * A value beyond the field's range is clamped to it (the chip would
 * count on from garbage; the guest gets the nearest valid date instead).
 */
static void set_time_field(struct vrtc *rtc, u8 reg, u8 val, u64 now_ns)
{
	u64 frac = fraction(rtc, now_ns);
	struct rtc_tm tm;
	u32 v = reg == REG_HOURS ? hours_in(rtc, val) : decode(rtc, val);

	to_tm(vrtc_seconds(rtc, now_ns), &tm);
	switch (reg) {
	case REG_SECONDS:
		tm.sec = clamp(v, 0, 59);
		break;
	case REG_MINUTES:
		tm.min = clamp(v, 0, 59);
		break;
	case REG_HOURS:
		tm.hour = clamp(v, 0, 23);
		break;
	case REG_DOW:
		rtc->dow_delta = (u8)((clamp(v, 1, 7) + 7 - day_of_week(rtc, tm.days) +
				       rtc->dow_delta) % 7);
		return;
	case REG_MDAY:
		tm.mday = clamp(v, 1, 31);
		break;
	case REG_MONTH:
		tm.mon = clamp(v, 1, 12);
		break;
	case REG_YEAR:
		tm.year = tm.year / 100 * 100 + clamp(v, 0, 99);
		break;
	default:
		tm.year = clamp(v, 19, 99) * 100 + tm.year % 100;
		break;
	}
	/* The clock counts from 1970: an earlier date is taken as 1970. */
	tm.year = MAX(tm.year, 1970u);
	rtc->base_sec = from_tm(&tm);
	rtc->base_ns = now_ns - frac;
}

static bool uip(const struct vrtc *rtc, u64 now_ns)
{
	return !rtc->held && fraction(rtc, now_ns) >= NS_PER_SEC - VRTC_UIP_NS;
}

/* The periodic rate of register A: 0 is off; 1 and 2 are 256 and 128 Hz, as 8 and 9. */
static u64 period_ns(const struct vrtc *rtc)
{
	u32 rs = rtc->ram[VRTC_REG_A] & A_RATE_MASK;

	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7;
	return NS_PER_SEC * (1ULL << (rs - 1)) / 32768;
}

static bool alarm_matches(const struct vrtc *rtc, u64 now_ns)
{
	static const u8 alarm[] = { 1, 3, 5 }, now_reg[] = { REG_SECONDS, REG_MINUTES, REG_HOURS };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u8 a = rtc->ram[alarm[i]];

		if (a < ALARM_ANY && a != time_field(rtc, now_reg[i], now_ns))
			return false;
	}
	return true;
}

/*
 * Register C, computed when read: UF if a second ended since the last
 * read, PF if a period did, AF if the time now matches the alarm; IRQF
 * if one of them is enabled in B. Reading clears them.
 */
static u8 read_flags(struct vrtc *rtc, u64 now_ns)
{
	u64 seen = rtc->flags_seen_ns, per = period_ns(rtc);
	u8 c = 0, b = rtc->ram[VRTC_REG_B];

	if (!rtc->held && now_ns > seen &&
	    vrtc_seconds(rtc, now_ns) != vrtc_seconds(rtc, seen))
		c |= C_UF;
	if (per && now_ns / per != seen / per)
		c |= C_PF;
	if (alarm_matches(rtc, now_ns))
		c |= C_AF;
	if ((c & C_UF && b & B_UIE) || (c & C_PF && b & B_PIE) || (c & C_AF && b & B_AIE))
		c |= C_IRQF;
	rtc->flags_seen_ns = now_ns;
	return c;
}

static void write_b(struct vrtc *rtc, u8 val, u64 now_ns)
{
	bool set = val & VRTC_B_SET;

	if (set && !rtc->held) {
		rtc->base_sec = vrtc_seconds(rtc, now_ns);
		rtc->held = true;
	} else if (!set && rtc->held) {
		/* The chip starts the next second a whole second after SET is cleared. */
		rtc->held = false;
		rtc->base_ns = now_ns;
	}
	/* Setting SET clears UIE, as on the MC146818. */
	rtc->ram[VRTC_REG_B] = set ? val & ~B_UIE : val;
}

u8 vrtc_read(struct vrtc *rtc, u16 port, u64 now_ns)
{
	u8 reg = rtc->index;

	/* The index register is write-only: a read of it floats. */
	if (port == VPLAT_RTC_INDEX_PORT)
		return 0xff;
	if (is_time_field(reg))
		return time_field(rtc, reg, now_ns);
	if (reg == VRTC_REG_A)
		return rtc->ram[VRTC_REG_A] | (uip(rtc, now_ns) ? VRTC_A_UIP : 0);
	if (reg == VRTC_REG_C)
		return read_flags(rtc, now_ns);
	if (reg == VRTC_REG_D)
		return D_VRT;
	return rtc->ram[reg];
}

void vrtc_write(struct vrtc *rtc, u16 port, u8 val, u64 now_ns)
{
	u8 reg = rtc->index;

	if (port == VPLAT_RTC_INDEX_PORT) {
		rtc->index = val & 0x7f;	/* bit 7 gates NMIs on a PC: there are none */
		return;
	}
	if (is_time_field(reg))
		set_time_field(rtc, reg, val, now_ns);
	else if (reg == VRTC_REG_A)
		rtc->ram[VRTC_REG_A] = val & A_WRITABLE;
	else if (reg == VRTC_REG_B)
		write_b(rtc, val, now_ns);
	else if (reg != VRTC_REG_C && reg != VRTC_REG_D)	/* C and D are read-only */
		rtc->ram[reg] = val;
}
