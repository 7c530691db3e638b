/*
 * The ACPI tables of a VM (asm/vplat_acpi.h), written into its RAM before
 * the kernel loads. Every value comes from asm/vplat_layout.h: what the
 * tables promise is what the platform models answer.
 */
#include <asm/vplat_acpi.h>
#include <core/console.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

#define SDT_HEADER_LEN		36
#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2
#define GAS_ACCESS_DWORD	3

#define OEM_ID			"MICRHV"
#define OEM_TABLE_ID		"MICROHV "
#define CREATOR_ID		"MHV "

static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

static u8 checksum(const u8 *p, u32 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return (u8)-sum;
}

static u32 gpa_of(u32 off)
{
	return (u32)(VPLAT_ACPI_BASE + off);
}

/* The common header; the checksum is filled last, by sdt_seal(). */
static u8 *sdt_header(u8 *buf, u32 off, const char *sig, u32 len, u8 rev)
{
	u8 *t = buf + off;

	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, 1);
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, 1);
	return t;
}

static void sdt_seal(u8 *t)
{
	u32 len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for an IO port block of @bytes. */
static void gas_io(u8 *p, u16 port, u8 bytes, u8 access)
{
	p[0] = GAS_SYSTEM_IO;
	p[1] = (u8)(bytes * 8);
	p[2] = 0;
	p[3] = access;
	put64(p + 4, port);
}

/*
 * The DSDT's AML: only Name (\_S5, Package (4) { 5, 5, 0, 0 }), the
 * SLP_TYP values a guest writes to PM1a_CNT (and PM1b, absent) with
 * SLP_EN to power off.
 *	08		NameOp
 *	5c 5f 53 35 5f	"\_S5_" (root prefix, 4-character name)
 *	12		PackageOp
 *	08		PkgLength: 8 bytes from here to the package's end
 *	04		NumElements
 *	0a 05		BytePrefix VPLAT_S5_SLP_TYP (SLP_TYPa)
 *	0a 05		BytePrefix VPLAT_S5_SLP_TYP (SLP_TYPb)
 *	00 00		ZeroOp, ZeroOp (reserved)
 */
static const u8 dsdt_aml[] = {
	0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, VPLAT_S5_SLP_TYP, 0x0a, VPLAT_S5_SLP_TYP, 0x00, 0x00,
};

static void build_dsdt(u8 *buf)
{
	u8 *t = sdt_header(buf, VPLAT_ACPI_DSDT, "DSDT", SDT_HEADER_LEN + sizeof(dsdt_aml), 2);

	memcpy(t + SDT_HEADER_LEN, dsdt_aml, sizeof(dsdt_aml));
	sdt_seal(t);
}

/* FACS: the firmware waking vector and global lock, which full ACPI (not HW-reduced) has. */
static void build_facs(u8 *buf)
{
	u8 *t = buf + VPLAT_ACPI_FACS;

	memcpy(t, "FACS", 4);
	put32(t + 4, 64);
	t[32] = 2;	/* version */
}

/*
 * Full fixed hardware, not HW-reduced: the PM1a blocks and the PM timer
 * at the platform's ports, SCI on its ISA IRQ. No SMI_CMD, so the
 * platform is always in ACPI mode and the guest never asks for it. The
 * reset register is port 0xcf9. Both the 32-bit and the X_ fields of
 * the DSDT and the blocks are filled: ACPICA checks that they agree and
 * prefers the X_ ones. The FACS is named once (FIRMWARE_CTRL): with
 * X_FIRMWARE_CTRL too, Linux installs it twice.
 */
static void build_fadt(u8 *buf)
{
	u8 *t = sdt_header(buf, VPLAT_ACPI_FADT, "FACP", FADT_LEN, FADT_REVISION);

	put32(t + FADT_OFF_FACS, gpa_of(VPLAT_ACPI_FACS));
	put32(t + FADT_OFF_DSDT, gpa_of(VPLAT_ACPI_DSDT));
	put16(t + FADT_OFF_SCI_INT, VPLAT_SCI_IRQ);
	put32(t + FADT_OFF_SMI_CMD, 0);
	put32(t + FADT_OFF_PM1A_EVT, VPLAT_PM1A_EVT_PORT);
	put32(t + FADT_OFF_PM1A_CNT, VPLAT_PM1A_CNT_PORT);
	put32(t + FADT_OFF_PM_TMR, VPLAT_PM_TMR_PORT);
	t[FADT_OFF_PM1_EVT_LEN] = 4;
	t[FADT_OFF_PM1_CNT_LEN] = 2;
	t[FADT_OFF_PM_TMR_LEN] = 4;
	/* C2/C3 latencies above 100/1000 us: those states are absent. */
	put16(t + 96, 101);
	put16(t + 98, 1001);
	/* An ISA UART and RTC, no 8042 (Linux then does not probe one), VGA or MSI. */
	put16(t + FADT_OFF_BOOT_ARCH, FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_NO_VGA |
				      FADT_BOOT_NO_MSI);
	put32(t + FADT_OFF_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
				  FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_TMR_VAL_EXT |
				  FADT_F_RESET_REG_SUP);
	gas_io(t + FADT_OFF_RESET_REG, VPLAT_RESET_PORT, 1, GAS_ACCESS_BYTE);
	t[FADT_OFF_RESET_VALUE] = VPLAT_RESET_VALUE;
	put64(t + FADT_OFF_X_DSDT, gpa_of(VPLAT_ACPI_DSDT));
	gas_io(t + FADT_OFF_X_PM1A_EVT, VPLAT_PM1A_EVT_PORT, 4, GAS_ACCESS_WORD);
	gas_io(t + FADT_OFF_X_PM1A_CNT, VPLAT_PM1A_CNT_PORT, 2, GAS_ACCESS_WORD);
	gas_io(t + FADT_OFF_X_PM_TMR, VPLAT_PM_TMR_PORT, 4, GAS_ACCESS_DWORD);
	sdt_seal(t);
}

static u8 *madt_override(u8 *e, u8 irq, u32 gsi, u16 flags)
{
	e[0] = MADT_T_OVERRIDE;
	e[1] = 10;
	e[2] = 0;	/* ISA */
	e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
	return e + 10;
}

/*
 * A local APIC per vCPU, APIC ID = processor UID = vCPU id; the IOAPIC
 * with GSI base 0; ISA IRQ 0 on pin 2 (the PIT) and the SCI as level,
 * active high (what the PM1 model drives); LINT1 of every CPU is NMI.
 * PCAT_COMPAT: the 8259 pair exists and the guest must mask it.
 */
static void build_madt(u8 *buf, u32 nr_vcpus)
{
	u8 *t = sdt_header(buf, VPLAT_ACPI_MADT, "APIC", MADT_LEN(nr_vcpus), 5);
	u8 *e = t + 44;
	u32 i;

	put32(t + 36, (u32)VPLAT_LAPIC_BASE);
	put32(t + 40, MADT_PCAT_COMPAT);
	for (i = 0; i < nr_vcpus; i++, e += 8) {
		e[0] = MADT_T_LAPIC;
		e[1] = 8;
		e[2] = (u8)i;
		e[3] = (u8)i;
		put32(e + 4, MADT_LAPIC_ENABLED);
	}
	e[0] = MADT_T_IOAPIC;
	e[1] = 12;
	e[2] = VPLAT_IOAPIC_ID;
	e[3] = 0;
	put32(e + 4, (u32)VPLAT_IOAPIC_BASE);
	put32(e + 8, 0);
	e = madt_override(e + 12, 0, VPLAT_PIT_GSI, 0);
	e = madt_override(e, VPLAT_SCI_IRQ, VPLAT_SCI_IRQ, MPS_ACTIVE_HIGH | MPS_LEVEL);
	e[0] = MADT_T_LAPIC_NMI;
	e[1] = 6;
	e[2] = 0xff;	/* every processor */
	put16(e + 3, 0);
	e[5] = 1;	/* LINT1 */
	sdt_seal(t);
}

static const u32 tables[] = { VPLAT_ACPI_FADT, VPLAT_ACPI_MADT };

static void build_roots(u8 *buf)
{
	u8 *x = sdt_header(buf, VPLAT_ACPI_XSDT, "XSDT", SDT_HEADER_LEN + 8 * ARRAY_SIZE(tables),
			   1);
	u8 *r = sdt_header(buf, VPLAT_ACPI_RSDT, "RSDT", SDT_HEADER_LEN + 4 * ARRAY_SIZE(tables),
			   1);
	u8 *p = buf + VPLAT_ACPI_RSDP;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		put64(x + SDT_HEADER_LEN + 8 * i, gpa_of(tables[i]));
		put32(r + SDT_HEADER_LEN + 4 * i, gpa_of(tables[i]));
	}
	sdt_seal(x);
	sdt_seal(r);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, OEM_ID, 6);
	p[15] = 2;	/* ACPI 2.0+: the XSDT address and the extended checksum follow */
	put32(p + 16, gpa_of(VPLAT_ACPI_RSDT));
	put32(p + 20, RSDP_V2_LEN);
	put64(p + 24, gpa_of(VPLAT_ACPI_XSDT));
	p[8] = checksum(p, RSDP_V1_LEN);
	p[32] = checksum(p, RSDP_V2_LEN);
}

STATIC_ASSERT(VPLAT_ACPI_MADT + MADT_LEN(VM_MAX_VCPUS) <= VPLAT_ACPI_USED,
	      "the MADT of the largest VM fits");
STATIC_ASSERT(VPLAT_ACPI_FADT + FADT_LEN <= VPLAT_ACPI_DSDT, "the FADT ends before the DSDT");
STATIC_ASSERT(VPLAT_ACPI_USED <= VPLAT_ACPI_SIZE, "the tables fit in their range");

int vplat_acpi_build(u8 *buf, u64 size, u32 nr_vcpus)
{
	if (size < VPLAT_ACPI_USED || !nr_vcpus || nr_vcpus > VM_MAX_VCPUS)
		return -EINVAL;
	memset(buf, 0, VPLAT_ACPI_USED);
	build_facs(buf);
	build_dsdt(buf);
	build_fadt(buf);
	build_madt(buf, nr_vcpus);
	build_roots(buf);
	return 0;
}

int vplat_acpi_install(struct vm *vm)
{
	u8 *buf = vm_gpa_to_hva(vm, VPLAT_ACPI_BASE, VPLAT_ACPI_SIZE);

	if (!buf) {
		pr_warn("vm %s: no RAM at %#llx-%#llx: the guest gets no ACPI tables\n", vm->name,
			VPLAT_ACPI_BASE, VPLAT_ACPI_BASE + VPLAT_ACPI_SIZE - 1);
		return -ENOENT;
	}
	return vplat_acpi_build(buf, VPLAT_ACPI_SIZE, vm->nr_vcpus);
}
