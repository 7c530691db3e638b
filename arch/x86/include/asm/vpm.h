#ifndef ASM_VPM_H
#define ASM_VPM_H

#include <lib/compiler.h>

/*
 * The ACPI fixed hardware of a VM (PM1a event and control blocks, the PM
 * timer) and the PIIX reset control register at 0xcf9, at the ports of
 * asm/vplat_layout.h: register logic only, byte by byte, on a clock the
 * caller passes in (ns since the VM's platform began), under the
 * caller's lock.
 *
 * What the FADT must say of them (the tables are built from the same
 * constants): PM1a_EVT_BLK at VPLAT_PM1A_EVT_PORT, PM1_EVT_LEN 4;
 * PM1a_CNT_BLK at VPLAT_PM1A_CNT_PORT, PM1_CNT_LEN 2; PM_TMR_BLK at
 * VPLAT_PM_TMR_PORT, PM_TMR_LEN 4 with TMR_VAL_EXT (32 bits); SCI_INT
 * VPLAT_SCI_IRQ; SMI_CMD 0 (ACPI is always on: SCI_EN reads 1); no GPE
 * blocks; RESET_REG system IO at VPLAT_RESET_PORT, 8 bits, value
 * VPLAT_RESET_VALUE, with RESET_REG_SUP; \_S5 with SLP_TYP
 * VPLAT_S5_SLP_TYP.
 */
#define VPM_PM1_STS_TMR		BIT(0)	/* the timer's bit 31 changed */
#define VPM_PM1_STS_WAK		BIT(15)	/* a sleep state other than S5 was left */
#define VPM_PM1_EN_TMR		BIT(0)
#define VPM_PM1_CNT_SCI_EN	BIT(0)
#define VPM_PM1_CNT_SLP_TYP(t)	((u16)(t) << 10)
#define VPM_PM1_CNT_SLP_EN	BIT(13)
#define VPM_RESET_RST_CPU	BIT(2)

/* What a write asked of the machine. */
enum vpm_event {
	VPM_NONE,
	VPM_POWER_OFF,		/* SLP_EN with \_S5's SLP_TYP */
	VPM_RESET,		/* RST_CPU in the reset control register */
	VPM_OTHER_SLEEP,	/* another SLP_TYP: the VM wakes at once (WAK_STS) */
};

struct vpm {
	u16 pm1_sts;		/* write 1 to clear; TMR_STS is also derived from time */
	u16 pm1_en;
	u16 pm1_cnt;		/* BM_RLD and SLP_TYP as written; SCI_EN reads 1 */
	u8 reset_ctl;		/* 0xcf9: SYS_RST and FULL_RST as written */
	u32 tmr_sts_seen;	/* the timer's bit 31 when TMR_STS was last cleared */
};

void vpm_reset(struct vpm *pm);
/* The PM timer: 3.579545 MHz, 32 bits, from the platform's start. */
u32 vpm_timer(u64 now_ns);
u8 vpm_read(struct vpm *pm, u16 port, u64 now_ns);
enum vpm_event vpm_write(struct vpm *pm, u16 port, u8 val, u64 now_ns);
/* The SCI's level: an enabled status bit is set. */
bool vpm_sci(struct vpm *pm, u64 now_ns);

#endif
