#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <lib/types.h>

/*
 * The host's IOAPIC (the first the ACPI MADT names), driven only for
 * passthrough lines (asm/passthrough.h): the hypervisor takes no device
 * interrupt of its own, so every pin is masked at boot and a pin is
 * programmed only when a VM is given it. Its page is claimed as the
 * host's (config_host_claim()).
 */
struct acpi_info;

void ioapic_init(const struct acpi_info *acpi);
/* The pins there are; 0 without an IOAPIC. */
u32 ioapic_nr_pins(void);
/*
 * Pin @pin sends @vector, fixed, physical destination @apic_id, with the
 * trigger and polarity the firmware gives its GSI (a source override,
 * else ISA's edge/high below 16 and PCI's level/low above); left masked.
 * Returns whether it is level-triggered.
 */
bool ioapic_route(u32 pin, u8 vector, u32 apic_id);
void ioapic_set_masked(u32 pin, bool masked);

#endif
