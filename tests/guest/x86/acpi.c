/*
 * The ACPI tables as a guest finds them (tests/guest/x86/configs/acpi.dts,
 * a VM of three vCPUs): the RSDP by the BIOS-area scan an OS does, the
 * XSDT and every table it names checksummed, the FADT's ports and the
 * MADT's entries against the platform's layout, the DSDT's \_S5, and
 * the memory map marking the tables as ACPI data.
 */
#include <asm/vplat_layout.h>
#include <guest/guest.h>
#include <lib/string.h>

#define NR_VCPUS	3
#define SDT_LEN		36

static u64 get(const void *p, unsigned int n)
{
	u64 v = 0;

	memcpy(&v, p, n);
	return v;
}

static bool sum_ok(const u8 *p, u64 len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s == 0;
}

/* The scan of ACPI 5.2.5.1: 16-byte boundaries of 0xe0000-0xfffff. */
static const u8 *find_rsdp(void)
{
	u64 a;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		const u8 *p = (const u8 *)(uintptr_t)a;

		if (!memcmp(p, "RSD PTR ", 8) && sum_ok(p, 20))
			return p;
	}
	return NULL;
}

/* A table the guest may read: inside the ACPI range, its own checksum right. */
static const u8 *table(u64 pa, const char *sig)
{
	const u8 *t = (const u8 *)(uintptr_t)pa;
	u64 len;

	if (pa < VPLAT_ACPI_BASE || pa + SDT_LEN > VPLAT_ACPI_BASE + VPLAT_ACPI_SIZE)
		return NULL;
	len = get(t + 4, 4);
	if ((sig && memcmp(t, sig, 4)) || len < SDT_LEN ||
	    pa + len > VPLAT_ACPI_BASE + VPLAT_ACPI_SIZE || !sum_ok(t, len)) {
		diag("table at %#llx (%.4s, %llu bytes) is not right", pa, t, len);
		return NULL;
	}
	return t;
}

static const u8 *xsdt_find(const u8 *xsdt, const char *sig)
{
	u64 i, n = (get(xsdt + 4, 4) - SDT_LEN) / 8;

	for (i = 0; i < n; i++) {
		const u8 *t = table(get(xsdt + SDT_LEN + 8 * i, 8), NULL);

		if (t && !memcmp(t, sig, 4))
			return t;
	}
	return NULL;
}

static bool all_tables_sum(const u8 *xsdt)
{
	u64 i, n = (get(xsdt + 4, 4) - SDT_LEN) / 8;

	for (i = 0; i < n; i++)
		if (!table(get(xsdt + SDT_LEN + 8 * i, 8), NULL))
			return false;
	return n >= 2;
}

static bool fadt_ok(const u8 *f)
{
	return f && get(f + 46, 2) == VPLAT_SCI_IRQ && get(f + 48, 4) == 0 &&
	       get(f + 56, 4) == VPLAT_PM1A_EVT_PORT && get(f + 64, 4) == VPLAT_PM1A_CNT_PORT &&
	       get(f + 76, 4) == VPLAT_PM_TMR_PORT && (get(f + 112, 4) & BIT(8)) &&
	       (get(f + 112, 4) & BIT(10)) && !(get(f + 112, 4) & BIT(20)) &&
	       get(f + 116 + 4, 8) == VPLAT_RESET_PORT && f[128] == VPLAT_RESET_VALUE;
}

struct madt_count {
	u32 lapics, ioapics, overrides, nmis;
	bool ids_in_order;
};

static struct madt_count walk_madt(const u8 *m)
{
	struct madt_count c = { .ids_in_order = true };
	const u8 *e, *end = m + get(m + 4, 4);

	for (e = m + 44; e + 2 <= end && e[1] >= 2 && e + e[1] <= end; e += e[1]) {
		if (e[0] == 0) {
			c.ids_in_order &= e[3] == c.lapics && (get(e + 4, 4) & 1);
			c.lapics++;
		} else if (e[0] == 1) {
			c.ioapics += e[2] == VPLAT_IOAPIC_ID &&
				     get(e + 4, 4) == VPLAT_IOAPIC_BASE && get(e + 8, 4) == 0;
		} else if (e[0] == 2) {
			c.overrides += (e[3] == 0 && get(e + 4, 4) == VPLAT_PIT_GSI) ||
				       (e[3] == VPLAT_SCI_IRQ && get(e + 4, 4) == VPLAT_SCI_IRQ);
		} else if (e[0] == 4) {
			c.nmis += e[5] == 1;
		}
	}
	if (e != end)
		c.ids_in_order = false;
	return c;
}

static bool acpi_range_in_map(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;

	mb_mmap_for_each(e, mbi)
		if (e->type == MB_MEM_ACPI && e->addr == VPLAT_ACPI_BASE &&
		    e->len == VPLAT_ACPI_SIZE)
			return true;
	return false;
}

int guest_main(const struct mb_info *mbi)
{
	const u8 *rsdp = find_rsdp(), *xsdt = NULL, *fadt = NULL, *madt = NULL, *dsdt = NULL;
	struct madt_count c = { 0 };

	tap_plan(8);
	ok(rsdp && rsdp[15] == 2 && get(rsdp + 20, 4) == 36 && sum_ok(rsdp, 36),
	   "RSDP found by the BIOS-area scan at %#llx, revision 2, extended checksum",
	   (u64)(uintptr_t)rsdp);
	if (rsdp)
		xsdt = table(get(rsdp + 24, 8), "XSDT");
	ok(xsdt && table(get(rsdp + 16, 4), "RSDT") && all_tables_sum(xsdt),
	   "XSDT, RSDT and every table they name checksum to zero");
	if (xsdt) {
		fadt = xsdt_find(xsdt, "FACP");
		madt = xsdt_find(xsdt, "APIC");
	}
	ok(fadt_ok(fadt), "FADT: SCI, no SMI_CMD, PM1a, PM timer, TMR_VAL_EXT, reset register");
	if (fadt)
		dsdt = table(get(fadt + 140, 8), "DSDT");
	ok(dsdt && memmem_bounded(dsdt + SDT_LEN, get(dsdt + 4, 4) - SDT_LEN, "_S5_", 4),
	   "the DSDT (X_DSDT) checksums and names \\_S5");
	ok(fadt && !memcmp((const void *)(uintptr_t)get(fadt + 36, 4), "FACS", 4),
	   "FACS at FIRMWARE_CTRL");
	if (madt)
		c = walk_madt(madt);
	ok(madt && get(madt + 36, 4) == VPLAT_LAPIC_BASE && c.lapics == NR_VCPUS &&
	   c.ids_in_order, "MADT: %u local APICs with IDs 0..%u, enabled", c.lapics, NR_VCPUS - 1);
	ok(c.ioapics == 1 && c.overrides == 2 && c.nmis == 1,
	   "MADT: the IOAPIC, IRQ 0 -> GSI 2 and SCI overrides, LINT1 NMI");
	ok(acpi_range_in_map(mbi), "the memory map marks %#llx+%#llx as ACPI data",
	   VPLAT_ACPI_BASE, VPLAT_ACPI_SIZE);
	return tap_done();
}
