/* SOURCES: arch/x86/vplat/vpm.c arch/x86/vplat/vrtc.c arch/x86/vplat/vkbc.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/vkbc.h>
#include <asm/vplat_layout.h>
#include <asm/vpm.h>
#include <asm/vrtc.h>

/*
 * The platform's ACPI registers and PM timer, reset register, CMOS RTC
 * and 8042, on a clock the test moves by hand.
 */

#define MS		1000000ULL
#define SEC		1000000000ULL

/* ---- ACPI PM block ---- */

static u32 tmr(struct vpm *pm, u64 now)
{
	u32 v = 0, i;

	for (i = 0; i < 4; i++)
		v |= (u32)vpm_read(pm, VPLAT_PM_TMR_PORT + i, now) << (8 * i);
	return v;
}

static u16 rd16(struct vpm *pm, u16 port, u64 now)
{
	return vpm_read(pm, port, now) | vpm_read(pm, port + 1, now) << 8;
}

static enum vpm_event wr16(struct vpm *pm, u16 port, u16 v, u64 now)
{
	enum vpm_event e = vpm_write(pm, port, (u8)v, now);

	return e != VPM_NONE ? e : vpm_write(pm, port + 1, (u8)(v >> 8), now);
}

static void test_pm_timer_rate(void **state)
{
	struct vpm pm;

	vpm_reset(&pm);
	assert_int_equal(tmr(&pm, 0), 0);
	assert_int_equal(tmr(&pm, SEC), 3579545);
	assert_int_equal(tmr(&pm, 100 * MS), 357954);
	/* 32 bits: wraps after 2^32 ticks (20 minutes), and stays exact for hours. */
	assert_int_equal(tmr(&pm, 3600 * SEC), (u32)(3600ULL * 3579545));
	assert_int_equal(vpm_timer(1200 * SEC + 1), (u32)(1200ULL * 3579545));
	/* Read-only. */
	vpm_write(&pm, VPLAT_PM_TMR_PORT, 0, SEC);
	assert_int_equal(tmr(&pm, SEC), 3579545);
}

static void test_pm1_status_enable(void **state)
{
	struct vpm pm;
	u64 carry = (1ULL << 31) * SEC / 3579545 + SEC;	/* past the top bit's flip */

	vpm_reset(&pm);
	assert_int_equal(rd16(&pm, VPLAT_PM1A_EVT_PORT, 0), 0);
	assert_false(vpm_sci(&pm, carry));
	assert_int_equal(rd16(&pm, VPLAT_PM1A_EVT_PORT, carry), VPM_PM1_STS_TMR);
	/* Enable: TMR, GBL, PWRBTN, SLPBTN, RTC bits only. */
	wr16(&pm, VPLAT_PM1A_EVT_PORT + 2, 0xffff, carry);
	assert_int_equal(rd16(&pm, VPLAT_PM1A_EVT_PORT + 2, carry), 0x0721);
	assert_true(vpm_sci(&pm, carry));
	/* Write 1 to clear. */
	wr16(&pm, VPLAT_PM1A_EVT_PORT, VPM_PM1_STS_TMR, carry);
	assert_int_equal(rd16(&pm, VPLAT_PM1A_EVT_PORT, carry), 0);
	assert_false(vpm_sci(&pm, carry));
}

static void test_pm1_control_and_s5(void **state)
{
	struct vpm pm;

	vpm_reset(&pm);
	/* SCI_EN reads 1: ACPI mode without an SMI command. */
	assert_int_equal(rd16(&pm, VPLAT_PM1A_CNT_PORT, 0), VPM_PM1_CNT_SCI_EN);
	assert_int_equal(wr16(&pm, VPLAT_PM1A_CNT_PORT, VPM_PM1_CNT_SLP_TYP(5), 0), VPM_NONE);
	assert_int_equal(rd16(&pm, VPLAT_PM1A_CNT_PORT, 0),
			 VPM_PM1_CNT_SLP_TYP(5) | VPM_PM1_CNT_SCI_EN);	/* SLP_EN write-only */
	assert_int_equal(wr16(&pm, VPLAT_PM1A_CNT_PORT,
			      VPM_PM1_CNT_SLP_TYP(VPLAT_S5_SLP_TYP) | VPM_PM1_CNT_SLP_EN, 0),
			 VPM_POWER_OFF);
	/* Another sleep type wakes at once. */
	assert_int_equal(wr16(&pm, VPLAT_PM1A_CNT_PORT,
			      VPM_PM1_CNT_SLP_TYP(1) | VPM_PM1_CNT_SLP_EN, 0), VPM_OTHER_SLEEP);
	assert_true(rd16(&pm, VPLAT_PM1A_EVT_PORT, 0) & VPM_PM1_STS_WAK);
	/* A byte write of the high half alone (SLP_TYP and SLP_EN are both there). */
	assert_int_equal(vpm_write(&pm, VPLAT_PM1A_CNT_PORT + 1, (5 << 2) | (1 << 5), 0),
			 VPM_POWER_OFF);
}

static void test_reset_register(void **state)
{
	struct vpm pm;

	vpm_reset(&pm);
	assert_int_equal(vpm_write(&pm, VPLAT_RESET_PORT, 0x02, 0), VPM_NONE);	/* SYS_RST */
	assert_int_equal(vpm_read(&pm, VPLAT_RESET_PORT, 0), 0x02);
	assert_int_equal(vpm_write(&pm, VPLAT_RESET_PORT, VPLAT_RESET_VALUE, 0), VPM_RESET);
	assert_int_equal(vpm_write(&pm, VPLAT_RESET_PORT, 0x0e, 0), VPM_RESET);
}

/* ---- RTC ---- */

#define EPOCH_2025	1735689600ULL	/* 2025-01-01 00:00:00, a Wednesday */

static u8 cmos(struct vrtc *rtc, u8 reg, u64 now)
{
	vrtc_write(rtc, VPLAT_RTC_INDEX_PORT, reg, now);
	return vrtc_read(rtc, VPLAT_RTC_DATA_PORT, now);
}

static void cmos_set(struct vrtc *rtc, u8 reg, u8 val, u64 now)
{
	vrtc_write(rtc, VPLAT_RTC_INDEX_PORT, reg, now);
	vrtc_write(rtc, VPLAT_RTC_DATA_PORT, val, now);
}

static void test_rtc_time_bcd_24h(void **state)
{
	struct vrtc rtc;
	u64 t = 1000 * SEC;

	vrtc_reset(&rtc, EPOCH_2025 + 13 * 3600 + 5 * 60 + 9, t);
	assert_int_equal(cmos(&rtc, 0x0b, t), 0x02);			/* BCD, 24 h */
	assert_int_equal(cmos(&rtc, 0x00, t), 0x09);
	assert_int_equal(cmos(&rtc, 0x02, t), 0x05);
	assert_int_equal(cmos(&rtc, 0x04, t), 0x13);
	assert_int_equal(cmos(&rtc, 0x06, t), 4);			/* Wednesday */
	assert_int_equal(cmos(&rtc, 0x07, t), 0x01);
	assert_int_equal(cmos(&rtc, 0x08, t), 0x01);
	assert_int_equal(cmos(&rtc, 0x09, t), 0x25);
	assert_int_equal(cmos(&rtc, VRTC_CENTURY, t), 0x20);
	assert_int_equal(cmos(&rtc, 0x0d, t), 0x80);			/* VRT */
	/* Time goes on: 51 s later it is 13:06:00. */
	assert_int_equal(cmos(&rtc, 0x00, t + 51 * SEC), 0x00);
	assert_int_equal(cmos(&rtc, 0x02, t + 51 * SEC), 0x06);
	/* A leap day: 2028-02-29. */
	vrtc_reset(&rtc, 1835395200ULL, 0);
	assert_int_equal(cmos(&rtc, 0x08, 0), 0x02);
	assert_int_equal(cmos(&rtc, 0x07, 0), 0x29);
}

static void test_rtc_binary_12h(void **state)
{
	struct vrtc rtc;

	vrtc_reset(&rtc, EPOCH_2025 + 23 * 3600 + 59 * 60, 0);
	cmos_set(&rtc, 0x0b, VRTC_B_BINARY, 0);				/* binary, 12 h */
	assert_int_equal(cmos(&rtc, 0x04, 0), 0x80 | 11);		/* 11 PM */
	assert_int_equal(cmos(&rtc, 0x02, 0), 59);
	assert_int_equal(cmos(&rtc, 0x09, 0), 25);
	vrtc_reset(&rtc, EPOCH_2025 + 30 * 60, 0);
	cmos_set(&rtc, 0x0b, 0, 0);					/* BCD, 12 h */
	assert_int_equal(cmos(&rtc, 0x04, 0), 0x12);			/* 12 AM */
	cmos_set(&rtc, 0x04, 0x80 | 0x12, 0);				/* 12 PM */
	cmos_set(&rtc, 0x0b, VRTC_B_24H, 0);
	assert_int_equal(cmos(&rtc, 0x04, 0), 0x12);
}

static void test_rtc_set_holds_and_fields(void **state)
{
	struct vrtc rtc;

	vrtc_reset(&rtc, EPOCH_2025, 0);
	cmos_set(&rtc, 0x0b, VRTC_B_SET | VRTC_B_24H | BIT(4), SEC / 2);
	assert_int_equal(cmos(&rtc, 0x0b, SEC / 2), VRTC_B_SET | VRTC_B_24H);	/* UIE cleared */
	cmos_set(&rtc, 0x09, 0x99, SEC);
	cmos_set(&rtc, 0x08, 0x12, SEC);
	cmos_set(&rtc, 0x07, 0x31, SEC);
	cmos_set(&rtc, 0x04, 0x23, SEC);
	cmos_set(&rtc, 0x02, 0x59, SEC);
	cmos_set(&rtc, 0x00, 0x58, SEC);
	cmos_set(&rtc, VRTC_CENTURY, 0x20, SEC);
	/* Held: no time passes, UIP never shows. */
	assert_int_equal(cmos(&rtc, 0x00, 10 * SEC), 0x58);
	assert_false(cmos(&rtc, 0x0a, 10 * SEC - 1000) & VRTC_A_UIP);
	cmos_set(&rtc, 0x0b, VRTC_B_24H, 10 * SEC);
	/* Two seconds after SET is cleared: 2100-01-01 00:00:00. */
	assert_int_equal(cmos(&rtc, 0x00, 12 * SEC), 0x00);
	assert_int_equal(cmos(&rtc, 0x09, 12 * SEC), 0x00);
	assert_int_equal(cmos(&rtc, VRTC_CENTURY, 12 * SEC), 0x21);
	assert_int_equal(cmos(&rtc, 0x08, 12 * SEC), 0x01);
	assert_true(vrtc_seconds(&rtc, 12 * SEC) == 4102444800ULL);
	/* Before 1970 is 1970: the century 19 with year 50 reads back as 1970. */
	cmos_set(&rtc, VRTC_CENTURY, 0x19, 12 * SEC);
	cmos_set(&rtc, 0x09, 0x50, 12 * SEC);
	assert_int_equal(cmos(&rtc, VRTC_CENTURY, 12 * SEC), 0x19);
	assert_int_equal(cmos(&rtc, 0x09, 12 * SEC), 0x70);
	cmos_set(&rtc, VRTC_CENTURY, 0x21, 12 * SEC);
	cmos_set(&rtc, 0x09, 0x00, 12 * SEC);
	/* Out-of-range values are clamped to the field. */
	cmos_set(&rtc, 0x08, 0x13, 12 * SEC);
	assert_int_equal(cmos(&rtc, 0x08, 12 * SEC), 0x12);
	/* The day of week as written, and it goes on counting from it. */
	cmos_set(&rtc, 0x06, 0x01, 12 * SEC);
	assert_int_equal(cmos(&rtc, 0x06, 12 * SEC), 1);
	assert_int_equal(cmos(&rtc, 0x06, 12 * SEC + 86400 * SEC), 2);
}

/* UIP: the last 244 us of each second; the time registers change only at the edge. */
static void test_rtc_uip(void **state)
{
	struct vrtc rtc;
	u64 base = 5 * SEC;

	vrtc_reset(&rtc, EPOCH_2025, base);
	assert_int_equal(cmos(&rtc, 0x0a, base), 0x26);
	assert_int_equal(cmos(&rtc, 0x0a, base + SEC - VRTC_UIP_NS - 1), 0x26);
	assert_int_equal(cmos(&rtc, 0x0a, base + SEC - VRTC_UIP_NS), 0x26 | VRTC_A_UIP);
	assert_int_equal(cmos(&rtc, 0x00, base + SEC - 1), 0x00);
	assert_int_equal(cmos(&rtc, 0x00, base + SEC), 0x01);
	assert_int_equal(cmos(&rtc, 0x0a, base + SEC), 0x26);
	/* A is writable but for UIP. */
	cmos_set(&rtc, 0x0a, 0xff, base);
	assert_int_equal(cmos(&rtc, 0x0a, base), 0x7f);
}

static void test_rtc_flags_ram_index(void **state)
{
	struct vrtc rtc;
	unsigned int r;

	vrtc_reset(&rtc, EPOCH_2025, 0);
	cmos_set(&rtc, 0x05, 0x12, 0);				/* the alarm: not 00:00:00 */
	cmos(&rtc, 0x0c, 0);
	cmos_set(&rtc, 0x0b, VRTC_B_24H | BIT(4), 0);		/* UIE */
	assert_int_equal(cmos(&rtc, 0x0c, SEC / 2), 0x40);		/* PF: 1024 Hz */
	assert_int_equal(cmos(&rtc, 0x0c, SEC + 1), 0x80 | 0x40 | 0x10);	/* UF, IRQF */
	assert_int_equal(cmos(&rtc, 0x0c, SEC + 2), 0);		/* read clears */
	cmos_set(&rtc, 0x0c, 0xff, SEC + 2);				/* C and D: read-only */
	cmos_set(&rtc, 0x0d, 0x00, SEC + 2);
	assert_int_equal(cmos(&rtc, 0x0d, SEC + 2), 0x80);
	/* Alarm 00:00:01 matches now; 0xc0-0xff is "any". */
	cmos_set(&rtc, 0x01, 0x01, SEC + 2);
	cmos_set(&rtc, 0x03, 0xc0, SEC + 2);
	cmos_set(&rtc, 0x05, 0xff, SEC + 2);
	assert_true(cmos(&rtc, 0x0c, SEC + 3) & 0x20);
	/* The RAM, with the NMI-disable bit of the index ignored. */
	for (r = 0x0e; r < 128; r++)
		if (r != VRTC_CENTURY)
			cmos_set(&rtc, (u8)(r | 0x80), (u8)r, 0);
	for (r = 0x0e; r < 128; r++)
		if (r != VRTC_CENTURY)
			assert_int_equal(cmos(&rtc, (u8)r, 0), r);
	assert_int_equal(vrtc_read(&rtc, VPLAT_RTC_INDEX_PORT, 0), 0xff);
}

/* ---- 8042 ---- */

static void test_kbc_status_and_commands(void **state)
{
	struct vkbc k;

	vkbc_reset(&k);
	/* Idle: input buffer empty (Linux's reboot path waits on bit 1), system flag set. */
	assert_int_equal(vkbc_read(&k, 0x64) & 0x03, 0);
	assert_true(vkbc_read(&k, 0x64) & VKBC_STS_SYS);
	assert_false(vkbc_write(&k, 0x64, 0xaa));
	assert_true(vkbc_read(&k, 0x64) & VKBC_STS_OBF);
	assert_int_equal(vkbc_read(&k, 0x60), 0x55);
	assert_false(vkbc_read(&k, 0x64) & VKBC_STS_OBF);
	vkbc_write(&k, 0x64, 0x20);
	assert_int_equal(vkbc_read(&k, 0x60), 0x45);
	vkbc_write(&k, 0x64, 0x60);
	vkbc_write(&k, 0x60, 0x47);
	vkbc_write(&k, 0x64, 0x20);
	assert_int_equal(vkbc_read(&k, 0x60), 0x47);
	vkbc_write(&k, 0x64, 0xd3);
	vkbc_write(&k, 0x60, 0x99);
	assert_true(vkbc_read(&k, 0x64) & VKBC_STS_AUX);
	assert_int_equal(vkbc_read(&k, 0x60), 0x99);
	/* A byte for the absent keyboard times out. */
	vkbc_write(&k, 0x60, 0xff);
	assert_true(vkbc_read(&k, 0x64) & VKBC_STS_TIMEOUT);
	vkbc_write(&k, 0x64, 0xab);
	assert_false(vkbc_read(&k, 0x64) & VKBC_STS_TIMEOUT);
	assert_int_equal(vkbc_read(&k, 0x60), 0x00);
}

static void test_kbc_reset(void **state)
{
	struct vkbc k;

	vkbc_reset(&k);
	assert_true(vkbc_write(&k, 0x64, VPLAT_KBC_RESET_CMD));
	assert_false(vkbc_write(&k, 0x64, 0xff));		/* pulses nothing */
	assert_true(vkbc_write(&k, 0x64, 0xf0));
	vkbc_write(&k, 0x64, 0xd0);
	assert_int_equal(vkbc_read(&k, 0x60), 0x03);
	vkbc_write(&k, 0x64, 0xd1);
	assert_false(vkbc_write(&k, 0x60, 0x03));
	vkbc_write(&k, 0x64, 0xd1);
	assert_true(vkbc_write(&k, 0x60, 0x02));		/* reset line low */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pm_timer_rate),
		cmocka_unit_test(test_pm1_status_enable),
		cmocka_unit_test(test_pm1_control_and_s5),
		cmocka_unit_test(test_reset_register),
		cmocka_unit_test(test_rtc_time_bcd_24h),
		cmocka_unit_test(test_rtc_binary_12h),
		cmocka_unit_test(test_rtc_set_holds_and_fields),
		cmocka_unit_test(test_rtc_uip),
		cmocka_unit_test(test_rtc_flags_ram_index),
		cmocka_unit_test(test_kbc_status_and_commands),
		cmocka_unit_test(test_kbc_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
