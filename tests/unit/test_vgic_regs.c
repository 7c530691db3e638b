/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c arch/arm64/gic/vgic.c arch/arm64/gic/vgic_dist.c arch/arm64/gic/vgic_redist.c arch/arm64/gic/vgic_mmio.c arch/arm64/gic/vgic_lr.c arch/arm64/gic/vgic_sgi.c arch/arm64/gic/vgic_phys.c */
/* CFLAGS: -Iarch/arm64/include -Iarch/arm64/gic -Wno-missing-field-initializers */
#include "test_support.h"
#include "fake_arm64.h"

#include "vgic_mmio.h"

/*
 * Every row of the GICD and GICR tables, through the guest's path (a GPA
 * in the VM's emulated regions): reset value, what writes do (RW, RO,
 * RAZ/WI, write-1-to-set and write-1-to-clear pairs), reserved bits, and
 * which access widths the row takes. A row added to a table without a
 * line here fails test_every_row_is_tested.
 */

#define DIST	0x08000000ULL
#define REDIST	0x080a0000ULL
#define NR_VCPUS 4

static struct vm *vm;
static struct vcpu *vcpu0;

static int setup(void **state)
{
	vm = fake_vm_create(NR_VCPUS, DIST, REDIST);
	vcpu0 = vm->vcpus[0];
	assert_int_equal(vm_finalize(vm), 0);
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

/* GICR offsets in the tests are those of vCPU 1's frames unless said otherwise. */
#define R1	VGIC_REDIST_SIZE

static u64 rd(bool redist, u64 off, u32 size)
{
	u64 v = 0xdeadbeefdeadbeefULL;

	assert_int_equal(vm_emulated_access(vm, vcpu0, (redist ? REDIST + R1 : DIST) + off, size,
					    false, &v), 0);
	return v;
}

static void wr(bool redist, u64 off, u32 size, u64 v)
{
	assert_int_equal(vm_emulated_access(vm, vcpu0, (redist ? REDIST + R1 : DIST) + off, size,
					    true, &v), 0);
}

enum row_kind { RO, RW, RAZ_WI, W1S, W1C };

struct row_test {
	const char *name;	/* the row's name in vgic_dist_regs / vgic_redist_regs */
	bool redist;
	u32 off;		/* the register tested */
	u32 size;		/* its natural width */
	u8 widths;
	enum row_kind kind;
	u64 reset;
	u64 ones;		/* RW / W1S: what reads back after writing all ones */
	u32 undo;		/* W1S / W1C: the register of the opposite action */
};

#define W32	VGIC_W32
#define W8_32	(VGIC_W8 | VGIC_W32)
#define W32_64	(VGIC_W32 | VGIC_W64)
#define ALL32	0xffffffffULL

/* GICD per-interrupt rows are tested on their second register: SPIs 32..63 (or 32..35, 32..47). */
static const struct row_test rows[] = {
	{ "GICD_CTLR", 0, GICD_CTLR, 4, W32, RW, 0x50, 0x53 },
	{ "GICD_TYPER", 0, GICD_TYPER, 4, W32, RO, 0x02480003 },
	{ "GICD_IIDR", 0, GICD_IIDR, 4, W32, RO, 0x143b },
	{ "GICD_TYPER2", 0, GICD_TYPER2, 4, W32, RAZ_WI, 0 },
	{ "GICD_STATUSR", 0, GICD_STATUSR, 4, W32, RAZ_WI, 0 },
	{ "GICD_IGROUPR", 0, GICD_IGROUPR(1), 4, W32, RW, ALL32, ALL32 },
	{ "GICD_ISENABLER", 0, GICD_ISENABLER(1), 4, W32, W1S, 0, ALL32, GICD_ICENABLER(1) },
	{ "GICD_ICENABLER", 0, GICD_ICENABLER(1), 4, W32, W1C, 0, ALL32, GICD_ISENABLER(1) },
	{ "GICD_ISPENDR", 0, GICD_ISPENDR(1), 4, W32, W1S, 0, ALL32, GICD_ICPENDR(1) },
	{ "GICD_ICPENDR", 0, GICD_ICPENDR(1), 4, W32, W1C, 0, ALL32, GICD_ISPENDR(1) },
	{ "GICD_ISACTIVER", 0, GICD_ISACTIVER(1), 4, W32, W1S, 0, ALL32, GICD_ICACTIVER(1) },
	{ "GICD_ICACTIVER", 0, GICD_ICACTIVER(1), 4, W32, W1C, 0, ALL32, GICD_ISACTIVER(1) },
	{ "GICD_IPRIORITYR", 0, GICD_IPRIORITYR(8), 4, W8_32, RW, 0, 0xf8f8f8f8 },
	{ "GICD_ITARGETSR", 0, GICD_ITARGETSR(8), 4, W8_32, RAZ_WI, 0 },
	{ "GICD_ICFGR", 0, GICD_ICFGR(2), 4, W32, RW, 0, 0xaaaaaaaa },
	{ "GICD_IGRPMODR", 0, GICD_IGRPMODR(1), 4, W32, RAZ_WI, 0 },
	{ "GICD_NSACR", 0, GICD_NSACR(2), 4, W32, RAZ_WI, 0 },
	{ "GICD_SGIR", 0, GICD_SGIR, 4, W32, RAZ_WI, 0 },
	{ "GICD_CPENDSGIR", 0, GICD_CPENDSGIR(0), 4, W8_32, RAZ_WI, 0 },
	{ "GICD_SPENDSGIR", 0, GICD_SPENDSGIR(0), 4, W8_32, RAZ_WI, 0 },
	{ "GICD_IROUTER", 0, GICD_IROUTER(40), 8, W32_64, RW, 0, 0xff00ffffffULL },
	{ "GICD_ID", 0, GICD_PIDR2, 4, W32, RO, 0x3b },
	{ "GICR_CTLR", 1, GICR_CTLR, 4, W32, RAZ_WI, 0 },
	{ "GICR_IIDR", 1, GICR_IIDR, 4, W32, RO, 0x143b },
	{ "GICR_TYPER", 1, GICR_TYPER, 8, W32_64, RO, 0x100000100ULL },
	{ "GICR_STATUSR", 1, GICR_STATUSR, 4, W32, RAZ_WI, 0 },
	{ "GICR_WAKER", 1, GICR_WAKER, 4, W32, RW, 0x6, 0x6 },
	{ "GICR_PROPBASER", 1, GICR_PROPBASER, 8, W32_64, RAZ_WI, 0 },
	{ "GICR_PENDBASER", 1, GICR_PENDBASER, 8, W32_64, RAZ_WI, 0 },
	{ "GICR_ID", 1, GICR_PIDR2, 4, W32, RO, 0x3b },
	{ "GICR_IGROUPR0", 1, GICR_IGROUPR0, 4, W32, RW, ALL32, ALL32 },
	{ "GICR_ISENABLER0", 1, GICR_ISENABLER0, 4, W32, W1S, 0, ALL32, GICR_ICENABLER0 },
	{ "GICR_ICENABLER0", 1, GICR_ICENABLER0, 4, W32, W1C, 0, ALL32, GICR_ISENABLER0 },
	{ "GICR_ISPENDR0", 1, GICR_ISPENDR0, 4, W32, W1S, 0, ALL32, GICR_ICPENDR0 },
	{ "GICR_ICPENDR0", 1, GICR_ICPENDR0, 4, W32, W1C, 0, ALL32, GICR_ISPENDR0 },
	{ "GICR_ISACTIVER0", 1, GICR_ISACTIVER0, 4, W32, W1S, 0, ALL32, GICR_ICACTIVER0 },
	{ "GICR_ICACTIVER0", 1, GICR_ICACTIVER0, 4, W32, W1C, 0, ALL32, GICR_ISACTIVER0 },
	{ "GICR_IPRIORITYR", 1, GICR_IPRIORITYR(6), 4, W8_32, RW, 0, 0xf8f8f8f8 },
	/* SGIs are edges, PPIs level, neither configurable. */
	{ "GICR_ICFGR", 1, GICR_ICFGR0, 4, W32, RO, 0xaaaaaaaa },
	{ "GICR_ICFGR", 1, GICR_ICFGR1, 4, W32, RO, 0 },
	{ "GICR_IGRPMODR0", 1, GICR_IGRPMODR0, 4, W32, RAZ_WI, 0 },
	{ "GICR_NSACR", 1, GICR_NSACR, 4, W32, RAZ_WI, 0 },
	{ "GICR_SGI_ID", 1, GICR_SGI_BASE + GICR_PIDR2, 4, W32, RO, 0x3b },
};

static u64 ones_of(u32 size)
{
	return size == 8 ? ~0ULL : BIT(size * 8) - 1;
}

static void check_reset(const struct row_test *t)
{
	u64 v = rd(t->redist, t->off, t->size);

	if (v != t->reset)
		fail_msg("%s: reset %#llx, expected %#llx", t->name, (unsigned long long)v,
			 (unsigned long long)t->reset);
}

static void check_write(const struct row_test *t)
{
	u64 expect;

	switch (t->kind) {
	case RO:
	case RAZ_WI:
		wr(t->redist, t->off, t->size, ones_of(t->size));
		expect = t->reset;
		break;
	case RW:
		wr(t->redist, t->off, t->size, ones_of(t->size));
		expect = t->ones;
		break;
	case W1S:
		wr(t->redist, t->off, t->size, ones_of(t->size));
		assert_int_equal(rd(t->redist, t->off, t->size), t->ones);
		/* Zeros written to a W1S register change nothing. */
		wr(t->redist, t->off, t->size, 0);
		assert_int_equal(rd(t->redist, t->off, t->size), t->ones);
		wr(t->redist, t->undo, t->size, ones_of(t->size));
		expect = t->reset;
		break;
	case W1C:
		wr(t->redist, t->undo, t->size, ones_of(t->size));
		assert_int_equal(rd(t->redist, t->off, t->size), t->ones);
		wr(t->redist, t->off, t->size, 0);
		assert_int_equal(rd(t->redist, t->off, t->size), t->ones);
		wr(t->redist, t->off, t->size, ones_of(t->size));
		expect = 0;
		break;
	}
	if (rd(t->redist, t->off, t->size) != expect)
		fail_msg("%s: after the write %#llx, expected %#llx", t->name,
			 (unsigned long long)rd(t->redist, t->off, t->size),
			 (unsigned long long)expect);
}

/*
 * A width the row does not take reads as zero and writes nothing; a
 * narrower width it does take sees its byte lanes of the register.
 */
static void check_widths(const struct row_test *t)
{
	static const u32 sizes[] = { 1, 2, 4, 8 };
	u64 before = rd(t->redist, t->off, t->size);
	u32 i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 s = sizes[i];

		if (s == t->size)
			continue;
		if (t->widths & s) {
			assert_true(s < t->size);
			assert_int_equal(rd(t->redist, t->off, s), before & ones_of(s));
			assert_int_equal(rd(t->redist, t->off + s, s), (before >> (8 * s)) & ones_of(s));
			continue;
		}
		if (rd(t->redist, t->off, s) != 0)
			fail_msg("%s: a %u-byte read is not RAZ", t->name, s);
		if (t->kind != W1C)
			wr(t->redist, t->off, s, ~0ULL);
		else
			wr(t->redist, t->off, s, 0);
		if (rd(t->redist, t->off, t->size) != before)
			fail_msg("%s: a %u-byte write was not ignored", t->name, s);
	}
}

static void reset_vm(void)
{
	teardown(NULL);
	setup(NULL);
}

static void test_every_row(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		print_message("row %s at %#x\n", rows[i].name, rows[i].off);
		reset_vm();
		check_reset(&rows[i]);
		check_widths(&rows[i]);
		check_write(&rows[i]);
	}
}

static bool row_tested(const char *name, bool redist)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].redist == redist && !strcmp(rows[i].name, name))
			return true;
	return false;
}

static void test_every_row_is_tested(void **state)
{
	size_t i;

	for (i = 0; i < vgic_nr_dist_regs; i++)
		if (!row_tested(vgic_dist_regs[i].name, false))
			fail_msg("row %s has no test", vgic_dist_regs[i].name);
	for (i = 0; i < vgic_nr_redist_regs; i++)
		if (!row_tested(vgic_redist_regs[i].name, true))
			fail_msg("row %s has no test", vgic_redist_regs[i].name);
}

/* No two rows of a table may overlap: the first would silently shadow the second. */
static void check_disjoint(const struct vgic_reg *t, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (ranges_overlap(t[i].offset, t[i].len, t[j].offset, t[j].len))
				fail_msg("%s overlaps %s", t[i].name, t[j].name);
}

static void test_rows_disjoint(void **state)
{
	check_disjoint(vgic_dist_regs, vgic_nr_dist_regs);
	check_disjoint(vgic_redist_regs, vgic_nr_redist_regs);
}

/* Affinity routing puts SGIs and PPIs in the redistributors: their GICD bits are RAZ/WI. */
static void test_dist_private_and_unimplemented_intids_raz_wi(void **state)
{
	static const u32 offs[] = {
		GICD_IGROUPR(0), GICD_ISENABLER(0), GICD_ISPENDR(0), GICD_ISACTIVER(0),
		GICD_IPRIORITYR(0), GICD_IPRIORITYR(7), GICD_ICFGR(0), GICD_ICFGR(1),
		GICD_IGROUPR(4), GICD_ISENABLER(4), GICD_ISPENDR(31), GICD_IPRIORITYR(32),
		GICD_ICFGR(8), GICD_IROUTER(0), GICD_IROUTER(31), GICD_IROUTER(128),
		GICD_IROUTER(1019),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		wr(false, offs[i], 4, ALL32);
		if (rd(false, offs[i], 4))
			fail_msg("GICD offset %#x is not RAZ/WI", offs[i]);
	}
	/* And the redistributor's view of the same private interrupts is untouched. */
	assert_int_equal(rd(true, GICR_ISENABLER0, 4), 0);
	assert_int_equal(rd(true, GICR_IGROUPR0, 4), ALL32);
}

static void test_reserved_offsets_raz_wi(void **state)
{
	static const u32 dist[] = { 0x14, 0x20, 0x3c, 0x40, 0x48, 0x7c, 0x1000, 0x5ffc, 0xc000,
				    0xffcc };
	static const u32 redist[] = { 0x18, 0x20, 0x68, 0x80, 0x1000, 0x10004, 0x10084,
				      0x10420, 0x10c08, 0x1ffcc };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dist); i++) {
		wr(false, dist[i], 4, ALL32);
		assert_int_equal(rd(false, dist[i], 4), 0);
	}
	for (i = 0; i < ARRAY_SIZE(redist); i++) {
		wr(true, redist[i], 4, ALL32);
		assert_int_equal(rd(true, redist[i], 4), 0);
	}
}

static void test_misaligned_raz_wi(void **state)
{
	wr(false, GICD_ISENABLER(1) + 2, 4, ALL32);
	assert_int_equal(rd(false, GICD_ISENABLER(1), 4), 0);
	assert_int_equal(rd(false, GICD_TYPER + 1, 4), 0);
	wr(false, GICD_IROUTER(33) + 4, 8, ~0ULL);
	assert_int_equal(rd(false, GICD_IROUTER(33), 8), 0);
	assert_int_equal(rd(false, GICD_IROUTER(34), 8), 0);
	assert_int_equal(rd(true, GICR_TYPER + 4, 8), 0);
	/* Odd sizes never match a row. */
	assert_int_equal(rd(false, GICD_CTLR, 3), 0);
}

static void test_priority_bytes(void **state)
{
	wr(false, GICD_IPRIORITYR(8) + 1, 1, 0x5f);
	wr(false, GICD_IPRIORITYR(8) + 3, 1, 0xa7);
	assert_int_equal(rd(false, GICD_IPRIORITYR(8), 4), 0xa0005800);
	assert_int_equal(rd(false, GICD_IPRIORITYR(8) + 3, 1), 0xa0);
	wr(true, GICR_IPRIORITYR(6) + 3, 1, 0xff);	/* INTID 27, the virtual timer */
	assert_int_equal(rd(true, GICR_IPRIORITYR(6), 4), 0xf8000000);
}

static void test_irouter_halves(void **state)
{
	wr(false, GICD_IROUTER(40), 4, 0x80030201);	/* IRM (RES0 here) and Aff2.Aff1.Aff0 */
	wr(false, GICD_IROUTER(40) + 4, 4, 0xffffff05);	/* Aff3 and RES0 bits */
	assert_int_equal(rd(false, GICD_IROUTER(40), 8), 0x0500030201ULL);
	assert_int_equal(rd(false, GICD_IROUTER(40) + 4, 4), 0x05);
	wr(false, GICD_IROUTER(41), 8, 2);
	assert_int_equal(rd(false, GICD_IROUTER(41), 8), 2);
}

static void test_redist_typer_per_vcpu(void **state)
{
	u32 i;

	for (i = 0; i < NR_VCPUS; i++) {
		u64 v;

		assert_int_equal(vm_emulated_access(vm, vcpu0, REDIST + i * VGIC_REDIST_SIZE +
						    GICR_TYPER, 8, false, &v), 0);
		/* Affinity Aff0 = i, processor number i, Last on the final frame only. */
		assert_int_equal(v, (u64)i << 32 | i << 8 | (i == NR_VCPUS - 1 ? 0x10 : 0));
		assert_int_equal(vm_emulated_access(vm, vcpu0, REDIST + i * VGIC_REDIST_SIZE +
						    GICR_TYPER + 4, 4, false, &v), 0);
		assert_int_equal(v, i);
	}
	/* Nothing of the vGIC's lies past the last frame. */
	assert_null(vm_find_region(vm, REDIST + NR_VCPUS * VGIC_REDIST_SIZE));
}

static void test_waker_children_follow(void **state)
{
	wr(true, GICR_WAKER, 4, 0);
	assert_int_equal(rd(true, GICR_WAKER, 4), 0);
	wr(true, GICR_WAKER, 4, 4);		/* ChildrenAsleep is read-only */
	assert_int_equal(rd(true, GICR_WAKER, 4), 0);
	wr(true, GICR_WAKER, 4, 2);
	assert_int_equal(rd(true, GICR_WAKER, 4), 6);
}

static void test_id_registers(void **state)
{
	static const u32 cidr[] = { 0x0d, 0xf0, 0x05, 0xb1 };
	u32 i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(rd(false, GICD_CIDR0 + 4 * i, 4), cidr[i]);
		assert_int_equal(rd(true, GICD_CIDR0 + 4 * i, 4), cidr[i]);
	}
	assert_int_equal(rd(false, GICD_PIDR2, 4) >> 4 & 0xf, 3);	/* ArchRev: GICv3 */
	assert_int_equal(rd(false, GICD_PIDR0 + 4, 4), 0xb0);
	assert_int_equal(rd(false, GICD_PIDR4, 4), 0x44);
}

/* SPIs can become edges; bit 0 of each field is RES0. */
static void test_icfgr_spi_edge(void **state)
{
	wr(false, GICD_ICFGR(2), 4, 0x55555555);
	assert_int_equal(rd(false, GICD_ICFGR(2), 4), 0);
	wr(false, GICD_ICFGR(2), 4, 0x2);
	assert_int_equal(rd(false, GICD_ICFGR(2), 4), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_row, setup, teardown),
		cmocka_unit_test(test_every_row_is_tested),
		cmocka_unit_test(test_rows_disjoint),
		cmocka_unit_test_setup_teardown(test_dist_private_and_unimplemented_intids_raz_wi,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_offsets_raz_wi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned_raz_wi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irouter_halves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redist_typer_per_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waker_children_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icfgr_spi_edge, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
