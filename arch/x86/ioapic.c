/*
 * The host IOAPIC (asm/ioapic.h): the index/window pair of the 82093AA.
 * The lock keeps an index write and its window access together; pins are
 * touched from VM set-up, from interrupt handlers on any CPU (a level
 * pin masked) and from guest EOIs (unmasked).
 */
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <core/config_check.h>
#include <lib/spinlock.h>
#include <lib/string.h>

#define IOREGSEL		0x00
#define IOWIN			0x10
#define REG_VERSION		0x01
#define REG_REDIR		0x10
#define RTE_ACTIVE_LOW		BIT(13)
#define RTE_LEVEL		BIT(15)
#define RTE_MASKED		BIT(16)
#define ISA_IRQS		16

static u64 base;
static u32 nr_pins, gsi_base;
static u16 gsi_flags[ACPI_MAX_GSI_FLAGS];
static spinlock_t lock = SPINLOCK_INIT;

/* Caller holds the lock. */
static u32 read_reg(u32 reg)
{
	mmio_write32(base + IOREGSEL, reg);
	return mmio_read32(base + IOWIN);
}

static void write_reg(u32 reg, u32 v)
{
	mmio_write32(base + IOREGSEL, reg);
	mmio_write32(base + IOWIN, v);
}

void ioapic_init(const struct acpi_info *acpi)
{
	u32 pin;

	if (!acpi->ioapic_addr)
		return;
	base = acpi->ioapic_addr;
	gsi_base = acpi->ioapic_gsi_base;
	memcpy(gsi_flags, acpi->gsi_flags, sizeof(gsi_flags));
	spin_lock(&lock);
	nr_pins = ((read_reg(REG_VERSION) >> 16) & 0xff) + 1;
	for (pin = 0; pin < nr_pins; pin++)
		write_reg(REG_REDIR + 2 * pin, RTE_MASKED);
	spin_unlock(&lock);
	config_host_claim(false, base, 0x1000, CONFIG_HOST_IOAPIC);
}

u32 ioapic_nr_pins(void)
{
	return nr_pins;
}

/* The firmware's word on the pin's GSI, else the bus's convention. */
static u32 pin_mode(u32 pin)
{
	u32 gsi = gsi_base + pin, f = gsi < ACPI_MAX_GSI_FLAGS ? gsi_flags[gsi] : 0;
	bool isa = gsi < ISA_IRQS;
	u32 pol = f & ACPI_INTI_POLARITY, trig = f & ACPI_INTI_TRIGGER;
	bool low = pol ? pol == 3 : !isa, level = trig ? trig == 0xc : !isa;

	return (low ? RTE_ACTIVE_LOW : 0) | (level ? RTE_LEVEL : 0);
}

bool ioapic_route(u32 pin, u8 vector, u32 apic_id)
{
	u32 mode = pin_mode(pin);

	if (pin >= nr_pins)
		return false;
	spin_lock(&lock);
	write_reg(REG_REDIR + 2 * pin, RTE_MASKED);
	write_reg(REG_REDIR + 2 * pin + 1, apic_id << 24);
	write_reg(REG_REDIR + 2 * pin, RTE_MASKED | mode | vector);
	spin_unlock(&lock);
	return mode & RTE_LEVEL;
}

void ioapic_set_masked(u32 pin, bool masked)
{
	u32 rte;

	if (pin >= nr_pins)
		return;
	spin_lock(&lock);
	rte = read_reg(REG_REDIR + 2 * pin);
	write_reg(REG_REDIR + 2 * pin, masked ? rte | RTE_MASKED : rte & ~RTE_MASKED);
	spin_unlock(&lock);
}
