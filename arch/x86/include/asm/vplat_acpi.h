#ifndef ASM_VPLAT_ACPI_H
#define ASM_VPLAT_ACPI_H

#include <asm/vplat_layout.h>
#include <lib/compiler.h>

/*
 * The ACPI tables every x86 VM finds in its RAM at VPLAT_ACPI_BASE (the
 * BIOS area an RSDP scan covers): RSDP, XSDT, RSDT, FADT, FACS, MADT and
 * a DSDT that holds only \_S5. They describe the platform of
 * asm/vplat_layout.h, so the guest learns each port and address from the
 * same constants the models are built on.
 *
 * Fixed offsets inside the range, each table aligned as the spec asks
 * (the RSDP on 16 bytes for the scan, the FACS on 64).
 */
#define VPLAT_ACPI_RSDP		0x000
#define VPLAT_ACPI_FACS		0x040
#define VPLAT_ACPI_XSDT		0x080
#define VPLAT_ACPI_RSDT		0x0c0
#define VPLAT_ACPI_FADT		0x100
#define VPLAT_ACPI_DSDT		0x300
#define VPLAT_ACPI_MADT		0x400
/* Everything ends below this; the rest of the range stays zero. */
#define VPLAT_ACPI_USED		0x1000

#define VPLAT_ACPI_RSDP_GPA	(VPLAT_ACPI_BASE + VPLAT_ACPI_RSDP)

/* FADT fields a guest (and our tests) read, byte offsets in the table. */
#define FADT_OFF_FACS		36
#define FADT_OFF_DSDT		40
#define FADT_OFF_SCI_INT	46
#define FADT_OFF_SMI_CMD	48
#define FADT_OFF_PM1A_EVT	56
#define FADT_OFF_PM1A_CNT	64
#define FADT_OFF_PM_TMR		76
#define FADT_OFF_PM1_EVT_LEN	88
#define FADT_OFF_PM1_CNT_LEN	89
#define FADT_OFF_PM_TMR_LEN	91
#define FADT_OFF_BOOT_ARCH	109
#define FADT_OFF_FLAGS		112
#define FADT_OFF_RESET_REG	116
#define FADT_OFF_RESET_VALUE	128
#define FADT_OFF_X_FACS		132
#define FADT_OFF_X_DSDT		140
#define FADT_OFF_X_PM1A_EVT	148
#define FADT_OFF_X_PM1A_CNT	172
#define FADT_OFF_X_PM_TMR	208
#define FADT_LEN		276	/* revision 6 (ACPI 6.0 and later) */
#define FADT_REVISION		6

#define FADT_F_WBINVD		BIT(0)
#define FADT_F_PROC_C1		BIT(2)
#define FADT_F_PWR_BUTTON	BIT(4)	/* 1: no fixed power button */
#define FADT_F_SLP_BUTTON	BIT(5)	/* 1: no fixed sleep button */
#define FADT_F_FIX_RTC		BIT(6)	/* 1: no RTC wake status in PM1 */
#define FADT_F_TMR_VAL_EXT	BIT(8)	/* the PM timer counts 32 bits */
#define FADT_F_RESET_REG_SUP	BIT(10)
#define FADT_F_HW_REDUCED	BIT(20)

#define FADT_BOOT_LEGACY_DEVICES	BIT(0)
#define FADT_BOOT_8042			BIT(1)
#define FADT_BOOT_NO_VGA		BIT(2)
#define FADT_BOOT_NO_MSI		BIT(3)
#define FADT_BOOT_NO_CMOS_RTC		BIT(5)

/* MADT entry types and flags. */
#define MADT_T_LAPIC		0
#define MADT_T_IOAPIC		1
#define MADT_T_OVERRIDE		2
#define MADT_T_LAPIC_NMI	4
#define MADT_PCAT_COMPAT	BIT(0)
#define MADT_LAPIC_ENABLED	BIT(0)
/* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2. */
#define MPS_ACTIVE_HIGH		0x1
#define MPS_EDGE		(0x1 << 2)
#define MPS_LEVEL		(0x3 << 2)
#define MADT_LEN(n)		(44 + 8 * (n) + 12 + 2 * 10 + 6)

/*
 * Builds the tables for a VM of @nr_vcpus (1..VM_MAX_VCPUS) into @buf,
 * which the guest sees at VPLAT_ACPI_BASE and which is at least
 * VPLAT_ACPI_USED bytes. -EINVAL for a vCPU count the MADT cannot hold.
 */
int vplat_acpi_build(u8 *buf, u64 size, u32 nr_vcpus);

struct vm;
/*
 * Puts the tables into @vm's RAM: 0, or -ENOENT (and a message naming
 * the VM) when its RAM does not cover VPLAT_ACPI_BASE..+SIZE, in which
 * case the guest gets no tables.
 */
int vplat_acpi_install(struct vm *vm);

#endif
