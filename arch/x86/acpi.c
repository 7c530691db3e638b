#include <asm/acpi.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

/*
 * A minimal ACPI reader: the MADT for the CPUs, the FADT and the DSDT's
 * \_S5 for power-off. Firmware tables are data from outside, so each
 * table is mapped through @map, length- and checksum-checked before any
 * field is read, and no field is trusted to point anywhere valid.
 */
#define SDT_HEADER_LEN		36
#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36

#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_X2APIC		9
#define MADT_ENABLED		BIT(0)
#define MADT_ONLINE_CAPABLE	BIT(1)

#define FADT_DSDT		40
#define FADT_PM1A_CNT		64
#define FADT_X_DSDT		140

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static bool checksum_ok(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/* Maps a whole table after checking its header; NULL if anything is off. */
static const u8 *map_table(u64 pa, const char *sig, boot_map_fn map, void *ctx, u32 *len)
{
	const u8 *hdr = map(pa, SDT_HEADER_LEN, ctx);
	const u8 *t;

	if (!hdr || (sig && memcmp(hdr, sig, 4)))
		return NULL;
	*len = get32(hdr + 4);
	if (*len < SDT_HEADER_LEN || *len > ACPI_TABLE_MAX)
		return NULL;
	t = map(pa, *len, ctx);
	if (!t || !checksum_ok(t, *len))
		return NULL;
	return t;
}

u64 acpi_find_rsdp(boot_map_fn map, void *ctx)
{
	const u8 *ebda_seg = map(0x40e, 2, ctx);
	u64 areas[2][2] = { { 0, 0 }, { 0xe0000, 0x20000 } };
	unsigned int a;
	u64 off;

	if (ebda_seg) {
		areas[0][0] = (u64)(ebda_seg[0] | ebda_seg[1] << 8) << 4;
		areas[0][1] = 1024;
	}
	for (a = 0; a < 2; a++) {
		const u8 *p = areas[a][1] ? map(areas[a][0], areas[a][1], ctx) : NULL;

		for (off = 0; p && off + RSDP_V1_LEN <= areas[a][1]; off += 16)
			if (!memcmp(p + off, "RSD PTR ", 8) && checksum_ok(p + off, RSDP_V1_LEN))
				return areas[a][0] + off;
	}
	return 0;
}

static void madt_add_cpu(struct acpi_info *out, u32 apic_id, u32 flags)
{
	if (!(flags & MADT_ENABLED))
		return;
	if (out->nr_cpus == MAX_CPUS) {
		out->cpus_ignored++;
		return;
	}
	out->apic_ids[out->nr_cpus++] = apic_id;
}

/* The first IOAPIC only: passthrough lines are its pins (asm/ioapic.h). */
static void madt_add_ioapic(struct acpi_info *out, const u8 *e)
{
	if (out->ioapic_addr)
		return;
	out->ioapic_addr = get32(e + 4);
	out->ioapic_gsi_base = get32(e + 8);
}

/* An interrupt source override: the polarity and trigger of the GSI it names. */
static void madt_add_iso(struct acpi_info *out, const u8 *e)
{
	u32 gsi = get32(e + 4);

	if (gsi < ACPI_MAX_GSI_FLAGS)
		out->gsi_flags[gsi] = (u16)(e[8] | e[9] << 8) | ACPI_GSI_OVERRIDDEN;
}

static int parse_madt(const u8 *t, u32 len, struct acpi_info *out)
{
	u32 off = 44;

	if (len < 44)
		return -EINVAL;
	out->lapic_addr = get32(t + 36);
	while (off + 2 <= len) {
		u8 type = t[off], elen = t[off + 1];

		if (elen < 2 || elen > len - off)
			return -EINVAL;
		if (type == MADT_LAPIC && elen >= 8)
			madt_add_cpu(out, t[off + 3], get32(t + off + 4));
		else if (type == MADT_X2APIC && elen >= 16)
			madt_add_cpu(out, get32(t + off + 4), get32(t + off + 8));
		else if (type == MADT_IOAPIC && elen >= 12)
			madt_add_ioapic(out, t + off);
		else if (type == MADT_ISO && elen >= 10)
			madt_add_iso(out, t + off);
		off += elen;
	}
	return 0;
}

/* Decodes an AML integer constant; returns its encoded length or 0. */
static u32 aml_small_int(const u8 *p, u32 avail, u16 *v)
{
	if (!avail)
		return 0;
	if (p[0] == 0x00 || p[0] == 0x01) {	/* ZeroOp, OneOp */
		*v = p[0];
		return 1;
	}
	if (p[0] == 0x0a && avail >= 2) {	/* BytePrefix */
		*v = p[1];
		return 2;
	}
	if (p[0] == 0x0b && avail >= 3) {	/* WordPrefix */
		*v = (u16)(p[1] | p[2] << 8);
		return 3;
	}
	return 0;
}

/* Finds Name(_S5_, Package() { SLP_TYPa, ... }) in the DSDT's AML. */
static void parse_s5(const u8 *t, u32 len, struct acpi_info *out)
{
	const u8 *p = memmem_bounded(t + SDT_HEADER_LEN, len - SDT_HEADER_LEN, "_S5_", 4);
	u32 avail, pkglen_bytes;

	if (!p)
		return;
	p += 4;
	avail = len - (u32)(p - t);
	if (avail < 3 || p[0] != 0x12)		/* PackageOp */
		return;
	pkglen_bytes = 1 + (p[1] >> 6);
	if (avail < 2 + pkglen_bytes + 1)
		return;
	p += 1 + pkglen_bytes + 1;		/* PkgLength, NumElements */
	avail -= 1 + pkglen_bytes + 1;
	if (aml_small_int(p, avail, &out->slp_typ_s5))
		out->has_s5 = true;
}

static void parse_fadt(const u8 *t, u32 len, boot_map_fn map, void *ctx,
		       struct acpi_info *out)
{
	u64 dsdt = 0;
	const u8 *d;
	u32 dlen;

	if (len >= FADT_PM1A_CNT + 4)
		out->pm1a_cnt = (u16)get32(t + FADT_PM1A_CNT);
	if (len >= FADT_X_DSDT + 8)
		dsdt = get64(t + FADT_X_DSDT);
	if (!dsdt && len >= FADT_DSDT + 4)
		dsdt = get32(t + FADT_DSDT);
	d = dsdt ? map_table(dsdt, "DSDT", map, ctx, &dlen) : NULL;
	if (d)
		parse_s5(d, dlen, out);
}

static int parse_sdt_entry(u64 pa, boot_map_fn map, void *ctx, struct acpi_info *out,
			   bool *have_madt)
{
	const u8 *t;
	u32 len;
	int err;

	t = map_table(pa, NULL, map, ctx, &len);
	if (!t)
		return 0;	/* one unreadable table does not spoil the others */
	if (!memcmp(t, "APIC", 4) && !*have_madt) {
		err = parse_madt(t, len, out);
		if (err)
			return err;
		*have_madt = true;
	} else if (!memcmp(t, "FACP", 4)) {
		parse_fadt(t, len, map, ctx, out);
	}
	return 0;
}

/* The RSDT or XSDT behind an RSDP; *step is its entries' size. NULL if unusable. */
static const u8 *map_root(const u8 *rsdp, size_t rsdp_len, boot_map_fn map, void *ctx,
			  u32 *len, u32 *step)
{
	bool xsdt = false;
	u64 root_pa;

	if (rsdp_len < RSDP_V1_LEN || memcmp(rsdp, "RSD PTR ", 8) ||
	    !checksum_ok(rsdp, RSDP_V1_LEN))
		return NULL;
	root_pa = get32(rsdp + 16);
	if (rsdp[15] >= 2 && rsdp_len >= RSDP_V2_LEN && checksum_ok(rsdp, RSDP_V2_LEN) &&
	    get64(rsdp + 24)) {
		root_pa = get64(rsdp + 24);
		xsdt = true;
	}
	*step = xsdt ? 8 : 4;
	return map_table(root_pa, xsdt ? "XSDT" : "RSDT", map, ctx, len);
}

static u64 root_entry(const u8 *root, u32 off, u32 step)
{
	return step == 8 ? get64(root + off) : get32(root + off);
}

const u8 *acpi_find_table(const u8 *rsdp, size_t rsdp_len, const char *sig, boot_map_fn map,
			  void *ctx, u32 *len)
{
	const u8 *root = NULL, *t;
	u32 root_len, off, step;

	root = map_root(rsdp, rsdp_len, map, ctx, &root_len, &step);
	if (!root)
		return NULL;
	for (off = SDT_HEADER_LEN; off + step <= root_len; off += step) {
		t = map_table(root_entry(root, off, step), sig, map, ctx, len);
		if (t)
			return t;
	}
	return NULL;
}

int acpi_parse(const u8 *rsdp, size_t rsdp_len, boot_map_fn map, void *ctx,
	       struct acpi_info *out)
{
	bool have_madt = false;
	const u8 *root;
	u32 len, off, step;
	int err;

	memset(out, 0, sizeof(*out));
	root = map_root(rsdp, rsdp_len, map, ctx, &len, &step);
	if (!root)
		return -EINVAL;
	for (off = SDT_HEADER_LEN; off + step <= len; off += step) {
		err = parse_sdt_entry(root_entry(root, off, step), map, ctx, out, &have_madt);
		if (err)
			return err;
	}
	return have_madt ? 0 : -ENOENT;
}
