/*
 * ACPI fixed hardware and the reset control register (asm/vpm.h).
 *
 * The PM timer is computed from the clock, never ticked: its value is
 * the platform's age in 3.579545 MHz ticks, modulo 2^32 (TMR_VAL_EXT),
 * so that a guest calibrating its TSC against it gets the true rate.
 * Registers are byte-wide here; a 16- or 32-bit access is its bytes in
 * order at one instant (vplatform.c), which reads a consistent timer.
 */
#include <asm/vplat_layout.h>
#include <asm/vpm.h>

#define PM1_STS_WRITE_CLEARS	(VPM_PM1_STS_TMR | BIT(4) | BIT(5) | BIT(8) | BIT(9) | \
				 BIT(10) | BIT(11) | VPM_PM1_STS_WAK)
/* TMR, GBL, PWRBTN, SLPBTN, RTC: the enables of the fixed events. */
#define PM1_EN_BITS		(VPM_PM1_EN_TMR | BIT(5) | BIT(8) | BIT(9) | BIT(10))
#define PM1_CNT_BM_RLD		BIT(1)
#define PM1_CNT_SLP_TYP_MASK	(7u << 10)
#define PM1_CNT_STORED		(PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP_MASK)
#define RESET_CTL_STORED	(BIT(1) | BIT(3))	/* SYS_RST, FULL_RST */
#define NS_PER_SEC		1000000000ULL

void vpm_reset(struct vpm *pm)
{
	*pm = (struct vpm){ 0 };
}

u32 vpm_timer(u64 now_ns)
{
	u64 sec = now_ns / NS_PER_SEC, ns = now_ns % NS_PER_SEC;

	/* By whole seconds and the rest: ns times 3.58 MHz would overflow 64 bits in 85 minutes. */
	return (u32)(sec * VPLAT_PM_TMR_HZ + ns * VPLAT_PM_TMR_HZ / NS_PER_SEC);
}

/* TMR_STS: set whenever the counter's top bit changed since it was last cleared. */
static u16 pm1_status(struct vpm *pm, u64 now_ns)
{
	u32 msb = vpm_timer(now_ns) >> 31;

	if (msb != pm->tmr_sts_seen)
		pm->pm1_sts |= VPM_PM1_STS_TMR;
	return pm->pm1_sts;
}

static u16 byte_merge(u16 reg, bool high, u8 val)
{
	return high ? (u16)((reg & 0x00ff) | val << 8) : (u16)((reg & 0xff00) | val);
}

u8 vpm_read(struct vpm *pm, u16 port, u64 now_ns)
{
	u16 off = port - VPLAT_PM1A_EVT_PORT;

	if (port == VPLAT_RESET_PORT)
		return pm->reset_ctl;
	if (port >= VPLAT_PM_TMR_PORT && port < VPLAT_PM_TMR_PORT + 4)
		return (u8)(vpm_timer(now_ns) >> (8 * (port - VPLAT_PM_TMR_PORT)));
	switch (off) {
	case 0:
	case 1:
		return (u8)(pm1_status(pm, now_ns) >> (8 * off));
	case 2:
	case 3:
		return (u8)(pm->pm1_en >> (8 * (off - 2)));
	case 4:
	case 5:
		/* SLP_EN is write-only; SCI_EN is 1: no SMI command port hands ACPI over. */
		return (u8)((pm->pm1_cnt | VPM_PM1_CNT_SCI_EN) >> (8 * (off - 4)));
	}
	return 0xff;
}

static enum vpm_event cnt_write(struct vpm *pm, bool high, u8 val)
{
	u16 v = byte_merge(pm->pm1_cnt, high, val);
	u16 typ = (v & PM1_CNT_SLP_TYP_MASK) >> 10;

	pm->pm1_cnt = v & PM1_CNT_STORED;
	if (!(v & VPM_PM1_CNT_SLP_EN))
		return VPM_NONE;
	if (typ == VPLAT_S5_SLP_TYP)
		return VPM_POWER_OFF;
	/* No sleep state but S5 is described: the machine wakes at once, as after a wake event. */
	pm->pm1_sts |= VPM_PM1_STS_WAK;
	return VPM_OTHER_SLEEP;
}

enum vpm_event vpm_write(struct vpm *pm, u16 port, u8 val, u64 now_ns)
{
	u16 off = port - VPLAT_PM1A_EVT_PORT;
	u16 clear;

	if (port == VPLAT_RESET_PORT) {
		pm->reset_ctl = val & RESET_CTL_STORED;
		return (val & VPM_RESET_RST_CPU) ? VPM_RESET : VPM_NONE;
	}
	switch (off) {
	case 0:
	case 1:
		clear = (u16)(val << (8 * off)) & PM1_STS_WRITE_CLEARS;
		if (clear & VPM_PM1_STS_TMR)
			pm->tmr_sts_seen = vpm_timer(now_ns) >> 31;
		pm->pm1_sts &= ~clear;
		break;
	case 2:
	case 3:
		pm->pm1_en = byte_merge(pm->pm1_en, off == 3, val) & PM1_EN_BITS;
		break;
	case 4:
	case 5:
		return cnt_write(pm, off == 5, val);
	}
	/* The PM timer is read-only: writes to it do nothing, as on the chipset. */
	return VPM_NONE;
}

bool vpm_sci(struct vpm *pm, u64 now_ns)
{
	return pm1_status(pm, now_ns) & pm->pm1_en;
}
