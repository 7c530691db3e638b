/* SOURCES: arch/x86/vplat/acpi_tables.c arch/x86/acpi.c core/vm.c core/vcpu.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fake_arch.h"

#include <asm/acpi.h>
#include <asm/vplat_acpi.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * The guest's ACPI tables, built and read back: by the hypervisor's own
 * firmware-table parser (the RSDP scan, XSDT, MADT, FADT and \_S5, each
 * checksummed), and field by field against asm/vplat_layout.h.
 */

/* Guest-physical memory below 1 MiB with the tables where the guest sees them. */
static u8 phys[VPLAT_BIOS_END];

static const void *phys_map(u64 pa, u64 len, void *ctx)
{
	if (pa > sizeof(phys) || len > sizeof(phys) - pa)
		return NULL;
	return phys + pa;
}

static u8 *tbl(u32 off)
{
	return phys + VPLAT_ACPI_BASE + off;
}

static u64 get(const u8 *p, unsigned int n)
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

static void build(u32 nr_vcpus)
{
	memset(phys, 0, sizeof(phys));
	assert_int_equal(vplat_acpi_build(phys + VPLAT_ACPI_BASE, VPLAT_ACPI_SIZE, nr_vcpus), 0);
}

/* A table at guest address @gpa: its signature, and a checksum over its own length. */
static const u8 *table_at(u64 gpa, const char *sig)
{
	const u8 *t = phys + gpa;

	assert_true(gpa >= VPLAT_ACPI_BASE && gpa + 36 <= VPLAT_ACPI_BASE + VPLAT_ACPI_USED);
	if (memcmp(t, sig, 4))
		fail_msg("%#llx: %.4s, expected %s", (unsigned long long)gpa, t, sig);
	assert_true(gpa + get(t + 4, 4) <= VPLAT_ACPI_BASE + VPLAT_ACPI_USED);
	assert_true(sum_ok(t, get(t + 4, 4)));
	return t;
}

static void test_parsed_by_the_host_parser(void **state)
{
	struct acpi_info info;
	u32 n, i;

	for (n = 1; n <= VM_MAX_VCPUS; n++) {
		build(n);
		assert_true(acpi_find_rsdp(phys_map, NULL) == VPLAT_ACPI_RSDP_GPA);
		assert_int_equal(acpi_parse(tbl(VPLAT_ACPI_RSDP), 36, phys_map, NULL, &info), 0);
		assert_int_equal(info.nr_cpus, n);
		for (i = 0; i < n; i++)
			assert_int_equal(info.apic_ids[i], i);
		assert_true(info.lapic_addr == VPLAT_LAPIC_BASE);
		assert_int_equal(info.pm1a_cnt, VPLAT_PM1A_CNT_PORT);
		assert_true(info.has_s5);
		assert_int_equal(info.slp_typ_s5, VPLAT_S5_SLP_TYP);
	}
}

static void test_roots_and_checksums(void **state)
{
	const u8 *rsdp = tbl(VPLAT_ACPI_RSDP), *x, *r;
	u32 i, n;

	build(2);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_true(sum_ok(rsdp, 20));
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(get(rsdp + 20, 4), 36);
	assert_true(sum_ok(rsdp, 36));
	x = table_at(get(rsdp + 24, 8), "XSDT");
	r = table_at(get(rsdp + 16, 4), "RSDT");
	n = (u32)(get(x + 4, 4) - 36) / 8;
	assert_int_equal(n, 2);
	assert_int_equal((get(r + 4, 4) - 36) / 4, n);
	for (i = 0; i < n; i++) {
		u64 pa = get(x + 36 + 8 * i, 8);

		assert_true(pa == get(r + 36 + 4 * i, 4));
		table_at(pa, i ? "APIC" : "FACP");
	}
}

static void assert_gas_io(const u8 *g, u16 port, u8 bits)
{
	assert_int_equal(g[0], 1);		/* system IO */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_true(get(g + 4, 8) == port);
}

static void test_fadt_fields(void **state)
{
	const u8 *f, *facs, *dsdt;
	u32 flags;

	build(1);
	f = table_at(VPLAT_ACPI_BASE + VPLAT_ACPI_FADT, "FACP");
	assert_int_equal(f[8], FADT_REVISION);
	assert_int_equal(get(f + 4, 4), FADT_LEN);
	assert_int_equal(get(f + FADT_OFF_SCI_INT, 2), VPLAT_SCI_IRQ);
	assert_int_equal(get(f + FADT_OFF_SMI_CMD, 4), 0);
	assert_int_equal(get(f + FADT_OFF_PM1A_EVT, 4), VPLAT_PM1A_EVT_PORT);
	assert_int_equal(get(f + FADT_OFF_PM1A_CNT, 4), VPLAT_PM1A_CNT_PORT);
	assert_int_equal(get(f + FADT_OFF_PM_TMR, 4), VPLAT_PM_TMR_PORT);
	assert_int_equal(f[FADT_OFF_PM1_EVT_LEN], 4);
	assert_int_equal(f[FADT_OFF_PM1_CNT_LEN], 2);
	assert_int_equal(f[FADT_OFF_PM_TMR_LEN], 4);
	assert_gas_io(f + FADT_OFF_X_PM1A_EVT, VPLAT_PM1A_EVT_PORT, 32);
	assert_gas_io(f + FADT_OFF_X_PM1A_CNT, VPLAT_PM1A_CNT_PORT, 16);
	assert_gas_io(f + FADT_OFF_X_PM_TMR, VPLAT_PM_TMR_PORT, 32);
	flags = (u32)get(f + FADT_OFF_FLAGS, 4);
	assert_true(flags & FADT_F_TMR_VAL_EXT);
	assert_true(flags & FADT_F_RESET_REG_SUP);
	assert_false(flags & FADT_F_HW_REDUCED);
	assert_gas_io(f + FADT_OFF_RESET_REG, VPLAT_RESET_PORT, 8);
	assert_int_equal(f[FADT_OFF_RESET_VALUE], VPLAT_RESET_VALUE);
	assert_false(get(f + FADT_OFF_BOOT_ARCH, 2) & FADT_BOOT_NO_CMOS_RTC);
	assert_true(get(f + FADT_OFF_X_DSDT, 8) == get(f + FADT_OFF_DSDT, 4));
	assert_true(get(f + FADT_OFF_X_FACS, 8) == 0);
	facs = phys + get(f + FADT_OFF_FACS, 4);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get(facs + 4, 4), 64);
	assert_int_equal((facs - phys) % 64, 0);
	dsdt = table_at(get(f + FADT_OFF_X_DSDT, 8), "DSDT");
	assert_non_null(memmem_bounded(dsdt + 36, get(dsdt + 4, 4) - 36, "\\_S5_\x12", 6));
}

/* Walks the MADT: a LAPIC per vCPU, then the IOAPIC, two overrides and LINT1 NMI. */
static void check_madt(u32 n)
{
	const u8 *m = table_at(VPLAT_ACPI_BASE + VPLAT_ACPI_MADT, "APIC"), *e, *end;
	u32 lapics = 0, ioapics = 0, overrides = 0, nmis = 0;

	assert_true(get(m + 36, 4) == VPLAT_LAPIC_BASE);
	assert_int_equal(get(m + 40, 4), MADT_PCAT_COMPAT);
	end = m + get(m + 4, 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case MADT_T_LAPIC:
			assert_int_equal(e[3], lapics);
			assert_int_equal(e[2], lapics);
			assert_int_equal(get(e + 4, 4), MADT_LAPIC_ENABLED);
			lapics++;
			break;
		case MADT_T_IOAPIC:
			assert_int_equal(e[2], VPLAT_IOAPIC_ID);
			assert_true(get(e + 4, 4) == VPLAT_IOAPIC_BASE);
			assert_int_equal(get(e + 8, 4), 0);
			ioapics++;
			break;
		case MADT_T_OVERRIDE:
			if (e[3] == 0) {
				assert_int_equal(get(e + 4, 4), VPLAT_PIT_GSI);
				assert_int_equal(get(e + 8, 2), 0);
			} else {
				assert_int_equal(e[3], VPLAT_SCI_IRQ);
				assert_int_equal(get(e + 4, 4), VPLAT_SCI_IRQ);
				assert_int_equal(get(e + 8, 2), MPS_ACTIVE_HIGH | MPS_LEVEL);
			}
			overrides++;
			break;
		case MADT_T_LAPIC_NMI:
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);
			nmis++;
			break;
		default:
			fail_msg("MADT entry type %u", e[0]);
		}
	}
	assert_true(e == end);
	assert_int_equal(lapics, n);
	assert_int_equal(ioapics, 1);
	assert_int_equal(overrides, 2);
	assert_int_equal(nmis, 1);
}

static void test_madt_per_vcpu_count(void **state)
{
	u32 n;

	for (n = 1; n <= VM_MAX_VCPUS; n++) {
		build(n);
		check_madt(n);
	}
}

static void test_refusals(void **state)
{
	u8 small[VPLAT_ACPI_USED - 1];

	assert_int_equal(vplat_acpi_build(phys, sizeof(phys), 0), -EINVAL);
	assert_int_equal(vplat_acpi_build(phys, sizeof(phys), VM_MAX_VCPUS + 1), -EINVAL);
	assert_int_equal(vplat_acpi_build(small, sizeof(small), 1), -EINVAL);
}

/* Into a VM's RAM when it covers the range; a VM without RAM there gets none, and is told. */
static void test_install(void **state)
{
	struct vm *vm = vm_create("acpi");
	struct vm *high = vm_create("high");
	const u8 *rsdp;

	assert_int_equal(vm_add_ram(vm, 0, 2 << 20), 0);
	assert_non_null(vm_add_vcpu(vm, 0));
	assert_non_null(vm_add_vcpu(vm, 1));
	assert_int_equal(vplat_acpi_install(vm), 0);
	rsdp = vm_gpa_to_hva(vm, VPLAT_ACPI_RSDP_GPA, 36);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_true(sum_ok(rsdp, 36));

	assert_int_equal(vm_add_ram(high, 1 << 20, 2 << 20), 0);
	assert_non_null(vm_add_vcpu(high, 2));
	assert_int_equal(vplat_acpi_install(high), -ENOENT);
	assert_non_null(strstr(fake_console, "vm high: no RAM at 0xe0000-0xeffff"));
	vm_destroy(vm);
	vm_destroy(high);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsed_by_the_host_parser),
		cmocka_unit_test(test_roots_and_checksums),
		cmocka_unit_test(test_fadt_fields),
		cmocka_unit_test(test_madt_per_vcpu_count),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
