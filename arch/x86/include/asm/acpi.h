#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <core/boot.h>
#include <core/percpu.h>

#define ACPI_MAX_GSI_FLAGS	24
#define ACPI_GSI_OVERRIDDEN	BIT(15)
#define ACPI_INTI_POLARITY	0x3	/* 1 active high, 3 active low, 0 the bus's */
#define ACPI_INTI_TRIGGER	0xc	/* 4 edge, 0xc level, 0 the bus's */

/* What the hypervisor needs from the firmware's ACPI tables. */
struct acpi_info {
	u32 nr_cpus;
	u32 apic_ids[MAX_CPUS];
	u32 cpus_ignored;	/* enabled CPUs beyond MAX_CPUS */
	u64 lapic_addr;
	u16 pm1a_cnt;		/* port of PM1a_CNT, 0 if none */
	u16 slp_typ_s5;
	bool has_s5;
	u64 ioapic_addr;	/* the first IOAPIC's registers, 0 if none */
	u32 ioapic_gsi_base;	/* the GSI of its pin 0 */
	/* Per GSI: ACPI_GSI_OVERRIDDEN | the MPS INTI flags of its source override, or 0. */
	u16 gsi_flags[ACPI_MAX_GSI_FLAGS];
};

/* The largest table we accept; real MADTs and DSDTs are far smaller. */
#define ACPI_TABLE_MAX		(1u << 20)

/*
 * Finds the RSDP in the BIOS areas (EBDA, 0xe0000-0xfffff). Returns its
 * physical address or 0.
 */
u64 acpi_find_rsdp(boot_map_fn map, void *ctx);

/*
 * Parses the tables behind an RSDP (a copy of it, as multiboot2 hands
 * over, or mapped in place). Every table is checked for signature,
 * length and checksum before use. Returns 0, -ENOENT without a MADT, or
 * another negative errno for malformed tables.
 */
int acpi_parse(const u8 *rsdp, size_t rsdp_len, boot_map_fn map, void *ctx,
	       struct acpi_info *out);

/*
 * The table with signature @sig behind the RSDP, mapped whole after its
 * header, length and checksum were checked; NULL when absent or broken.
 */
const u8 *acpi_find_table(const u8 *rsdp, size_t rsdp_len, const char *sig, boot_map_fn map,
			  void *ctx, u32 *len);

#endif
