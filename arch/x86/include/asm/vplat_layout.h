#ifndef ASM_VPLAT_LAYOUT_H
#define ASM_VPLAT_LAYOUT_H

/*
 * Where the virtual PC platform of every x86 VM sits (arch/x86/vplat/):
 * one set of constants shared by the device models, the ACPI tables that
 * describe them to the guest, the boot-protocol memory maps and the
 * guest tests. A value changed here changes all of them together; a
 * model and its table row can never disagree.
 *
 * The IO ports follow QEMU's PIIX4 PC (PM block at 0x600, reset at
 * 0xcf9), so that a guest that guesses PC defaults finds the same.
 */

/* Local APIC (per vCPU) and the IOAPIC. */
#define VPLAT_LAPIC_BASE	0xfee00000ULL
#define VPLAT_LAPIC_BUS_HZ	1000000000ULL	/* timer input before the divider: 1 ns */
#define VPLAT_IOAPIC_BASE	0xfec00000ULL
#define VPLAT_IOAPIC_PINS	24
/* Above every LAPIC ID (vCPU ids < VM_MAX_VCPUS): no clash in one APIC ID space. */
#define VPLAT_IOAPIC_ID		8
/* ISA IRQ 0 (the PIT) is IOAPIC pin 2, as on every PC: the MADT says so. */
#define VPLAT_PIT_GSI		2

/* ACPI fixed hardware (FADT), PM1a only, no GPE blocks. */
#define VPLAT_PM1A_EVT_PORT	0x600	/* 4 bytes: PM1 status (2), enable (2) */
#define VPLAT_PM1A_CNT_PORT	0x604	/* 2 bytes */
#define VPLAT_PM_TMR_PORT	0x608	/* 4 bytes, 32-bit counter at 3.579545 MHz */
#define VPLAT_PM_TMR_HZ		3579545ULL
/* Driven active high, level-triggered: the MADT's override for IRQ 9 says so (flags 0xd). */
#define VPLAT_SCI_IRQ		9
/* \_S5's SLP_TYP in the DSDT: SLP_EN with this type in PM1a_CNT powers off. */
#define VPLAT_S5_SLP_TYP	5

/* Reset: FADT RESET_REG (port 0xcf9, value 0x06) and the 8042's pulse. */
#define VPLAT_RESET_PORT	0xcf9
#define VPLAT_RESET_VALUE	0x06
#define VPLAT_KBC_CMD_PORT	0x64
#define VPLAT_KBC_DATA_PORT	0x60
#define VPLAT_KBC_RESET_CMD	0xfe

/* CMOS RTC: index and data. */
#define VPLAT_RTC_INDEX_PORT	0x70
#define VPLAT_RTC_DATA_PORT	0x71
/* The CMOS byte with the century (BCD or binary as register B says): the FADT's CENTURY. */
#define VPLAT_RTC_CENTURY	0x32

/*
 * Guest RAM the hypervisor fills with ACPI tables before the kernel:
 * inside the BIOS area that an RSDP scan covers (0xe0000-0xfffff), and
 * marked ACPI data in every memory map handed to the guest. The low RAM
 * a real-mode AP trampoline or a BIOS-era guest may use ends at the
 * EBDA, as on a PC.
 */
#define VPLAT_ACPI_BASE		0xe0000ULL
#define VPLAT_ACPI_SIZE		0x10000ULL
#define VPLAT_LOW_RAM_END	0x9fc00ULL	/* usable below, reserved up to 1 MiB */
#define VPLAT_BIOS_END		0x100000ULL

#endif
