/* SOURCES: arch/x86/acpi.c lib/string.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/acpi.h>
#include <lib/errno.h>
#include <string.h>

#define PHYS_SIZE	0x100000
static u8 phys[PHYS_SIZE];

static const void *phys_map(u64 pa, u64 len, void *ctx)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
		return NULL;
	return phys + pa;
}

static void put32(u64 pa, u32 v)
{
	memcpy(phys + pa, &v, 4);
}

static void put64(u64 pa, u64 v)
{
	memcpy(phys + pa, &v, 8);
}

static void fix_checksum(u64 pa, u32 len, u32 at)
{
	u8 sum = 0;
	u32 i;

	phys[pa + at] = 0;
	for (i = 0; i < len; i++)
		sum += phys[pa + i];
	phys[pa + at] = (u8)-sum;
}

static void table(u64 pa, const char *sig, u32 len)
{
	memcpy(phys + pa, sig, 4);
	put32(pa + 4, len);
	phys[pa + 8] = 1;
}

#define RSDP	0xe0010
#define XSDT	0x1000
#define RSDT	0x1400
#define MADT	0x2000
#define FADT	0x3000
#define DSDT	0x4000

static const u8 s5_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

static u32 build_madt(void)
{
	u32 off = 44;

	table(MADT, "APIC", 0);
	put32(MADT + 36, 0xfee00000);
	/* LAPIC: uid, apic id, flags */
	for (u8 i = 0; i < 4; i++) {
		phys[MADT + off] = 0;
		phys[MADT + off + 1] = 8;
		phys[MADT + off + 2] = i;
		phys[MADT + off + 3] = (u8)(i * 2);
		put32(MADT + off + 4, i == 2 ? 0 : 1);	/* CPU 2 disabled */
		off += 8;
	}
	/* an IOAPIC entry, skipped */
	phys[MADT + off] = 1;
	phys[MADT + off + 1] = 12;
	off += 12;
	/* x2APIC entry */
	phys[MADT + off] = 9;
	phys[MADT + off + 1] = 16;
	put32(MADT + off + 4, 300);
	put32(MADT + off + 8, 1);
	off += 16;
	put32(MADT + 4, off);
	fix_checksum(MADT, off, 9);
	return off;
}

static void build_tables(bool with_xsdt)
{
	memset(phys, 0, sizeof(phys));
	build_madt();

	table(DSDT, "DSDT", 36 + sizeof(s5_aml));
	memcpy(phys + DSDT + 36, s5_aml, sizeof(s5_aml));
	fix_checksum(DSDT, 36 + sizeof(s5_aml), 9);

	table(FADT, "FACP", 148);
	put32(FADT + 40, DSDT);
	put32(FADT + 64, 0x604);
	fix_checksum(FADT, 148, 9);

	table(XSDT, "XSDT", 36 + 16);
	put64(XSDT + 36, FADT);
	put64(XSDT + 44, MADT);
	fix_checksum(XSDT, 52, 9);

	table(RSDT, "RSDT", 36 + 8);
	put32(RSDT + 36, MADT);
	put32(RSDT + 40, FADT);
	fix_checksum(RSDT, 44, 9);

	memcpy(phys + RSDP, "RSD PTR ", 8);
	phys[RSDP + 15] = with_xsdt ? 2 : 0;
	put32(RSDP + 16, RSDT);
	put32(RSDP + 20, 36);
	put64(RSDP + 24, with_xsdt ? XSDT : 0);
	fix_checksum(RSDP, 20, 8);
	fix_checksum(RSDP, 36, 32);
}

static void check_good(const struct acpi_info *a)
{
	assert_int_equal(a->nr_cpus, 4);
	assert_int_equal(a->apic_ids[0], 0);
	assert_int_equal(a->apic_ids[1], 2);
	assert_int_equal(a->apic_ids[2], 6);
	assert_int_equal(a->apic_ids[3], 300);
	assert_true(a->lapic_addr == 0xfee00000);
	assert_int_equal(a->pm1a_cnt, 0x604);
	assert_true(a->has_s5);
	assert_int_equal(a->slp_typ_s5, 5);
}

static void test_xsdt_and_rsdt(void **state)
{
	struct acpi_info a;

	build_tables(true);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), 0);
	check_good(&a);
	build_tables(false);
	assert_int_equal(acpi_parse(phys + RSDP, 20, phys_map, NULL, &a), 0);
	check_good(&a);
}

static void test_find_rsdp(void **state)
{
	build_tables(true);
	assert_true(acpi_find_rsdp(phys_map, NULL) == RSDP);
	phys[RSDP + 8]++;	/* checksum now wrong */
	assert_true(acpi_find_rsdp(phys_map, NULL) == 0);
	/* In the EBDA as well. */
	build_tables(true);
	memcpy(phys + 0x9fc00, phys + RSDP, 36);
	memset(phys + RSDP, 0, 36);
	phys[0x40e] = 0xc0;
	phys[0x40f] = 0x9f;
	assert_true(acpi_find_rsdp(phys_map, NULL) == 0x9fc00);
}

static void test_bad_rsdp(void **state)
{
	struct acpi_info a;

	build_tables(true);
	assert_int_equal(acpi_parse(phys + RSDP, 19, phys_map, NULL, &a), -EINVAL);
	phys[RSDP]++;
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -EINVAL);
	build_tables(true);
	put64(RSDP + 24, PHYS_SIZE - 10);	/* XSDT outside memory */
	fix_checksum(RSDP, 36, 32);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -EINVAL);
}

/* One MADT entry at @off: type, length, and the bytes after them. */
static u32 madt_entry(u32 off, u8 type, u8 len)
{
	phys[MADT + off] = type;
	phys[MADT + off + 1] = len;
	return off + len;
}

/*
 * The first IOAPIC's address and GSI base, and each interrupt source
 * override's flags by GSI (QEMU's: IRQ 0 on GSI 2, PCI links level/high);
 * a second IOAPIC and an override beyond the table are left out.
 */
static void test_ioapic_and_overrides(void **state)
{
	struct acpi_info a;
	u32 ioapic = 44 + 8 * 4, off = 44 + 8 * 4 + 12 + 16;

	build_tables(true);
	put32(MADT + ioapic + 4, 0xfec00000);
	put32(MADT + ioapic + 8, 0);
	off = madt_entry(off, 1, 12);
	put32(MADT + off - 8, 0xfec10000);
	put32(MADT + off - 4, 24);
	off = madt_entry(off, 2, 10);
	phys[MADT + off - 7] = 0;			/* IRQ 0 */
	put32(MADT + off - 6, 2);			/* on GSI 2, the bus's flags */
	off = madt_entry(off, 2, 10);
	phys[MADT + off - 7] = 9;
	put32(MADT + off - 6, 9);
	phys[MADT + off - 2] = 0x0d;			/* level, active high */
	off = madt_entry(off, 2, 10);
	put32(MADT + off - 6, 40);			/* beyond the flags table */
	phys[MADT + off - 2] = 0x0f;
	put32(MADT + 4, off);
	fix_checksum(MADT, off, 9);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), 0);
	assert_true(a.ioapic_addr == 0xfec00000);
	assert_int_equal(a.ioapic_gsi_base, 0);
	assert_int_equal(a.gsi_flags[2], ACPI_GSI_OVERRIDDEN);
	assert_int_equal(a.gsi_flags[9], ACPI_GSI_OVERRIDDEN | 0x0d);
	assert_int_equal(a.gsi_flags[5], 0);
	assert_int_equal(a.nr_cpus, 4);
}

static void test_lying_tables(void **state)
{
	struct acpi_info a;
	u32 len;

	/* MADT with a bad checksum is ignored: no CPUs, -ENOENT. */
	build_tables(true);
	phys[MADT + 40]++;
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -ENOENT);

	/* MADT entry length 0 (would loop forever) and past the end. */
	build_tables(true);
	phys[MADT + 44 + 1] = 0;
	fix_checksum(MADT, 44 + 8 * 4 + 12 + 16, 9);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -EINVAL);
	build_tables(true);
	len = 44 + 8 * 4 + 12 + 16;
	phys[MADT + len - 16 + 1] = 200;
	fix_checksum(MADT, len, 9);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -EINVAL);

	/* A table length beyond the cap, and one smaller than its header. */
	build_tables(true);
	put32(MADT + 4, ACPI_TABLE_MAX + 1);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -ENOENT);
	build_tables(true);
	put32(XSDT + 4, 10);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), -EINVAL);

	/* A DSDT with a truncated _S5_: no power-off info, CPUs still found. */
	build_tables(true);
	put32(DSDT + 4, 36 + 7);
	fix_checksum(DSDT, 36 + 7, 9);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), 0);
	assert_false(a.has_s5);
	assert_int_equal(a.nr_cpus, 4);
}

static void test_too_many_cpus(void **state)
{
	struct acpi_info a;
	u32 off = 44, i;

	build_tables(true);
	for (i = 0; i < MAX_CPUS + 3; i++, off += 8) {
		phys[MADT + off] = 0;
		phys[MADT + off + 1] = 8;
		phys[MADT + off + 3] = (u8)i;
		put32(MADT + off + 4, 1);
	}
	put32(MADT + 4, off);
	fix_checksum(MADT, off, 9);
	assert_int_equal(acpi_parse(phys + RSDP, 36, phys_map, NULL, &a), 0);
	assert_int_equal(a.nr_cpus, MAX_CPUS);
	assert_int_equal(a.cpus_ignored, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xsdt_and_rsdt),
		cmocka_unit_test(test_find_rsdp),
		cmocka_unit_test(test_bad_rsdp),
		cmocka_unit_test(test_ioapic_and_overrides),
		cmocka_unit_test(test_lying_tables),
		cmocka_unit_test(test_too_many_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
