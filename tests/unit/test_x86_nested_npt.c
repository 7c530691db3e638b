/* SOURCES: arch/x86/svm/nested_npt_walk.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/svm_nested_npt.h>
#include <lib/errno.h>
#include <string.h>

/*
 * The walk of L1's nested page table and the shadow entry made of it,
 * on tables built by hand in a fake L1 RAM: translations at each page
 * size, the error code of every kind of fault, A/D bits as hardware
 * sets them, and the combination with L0's page (size, permissions,
 * memory type).
 */

#define RAM_SIZE	(16u << 20)
#define P		NNPT_P
#define RW		NNPT_RW
#define US		NNPT_US
#define PS		NNPT_PS
#define A		NNPT_A
#define D		NNPT_D
#define NX		NNPT_NX
#define RSVD		BIT(3)
#define ID		BIT(4)
#define TBL		(P | RW | US)
#define PML4		0x10000ULL
#define PDPT		0x11000ULL
#define PD		0x12000ULL
#define PT		0x13000ULL
#define PAT_RESET	0x0007040600070406ULL
#define SIZE_2M		(2ULL << 20)
#define SIZE_1G		(1ULL << 30)

static u8 *ram;
static unsigned int cmpxchg_fail;	/* fail the next N compare-and-exchanges */

static int read_ram(void *ctx, u64 gpa, u64 *val)
{
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < 8)
		return -EFAULT;
	memcpy(val, ram + gpa, 8);
	return 0;
}

static bool cmpxchg_ram(void *ctx, u64 gpa, u64 old, u64 new_val)
{
	u64 cur;

	if (cmpxchg_fail) {
		cmpxchg_fail--;
		return false;
	}
	memcpy(&cur, ram + gpa, 8);
	if (cur != old)
		return false;
	memcpy(ram + gpa, &new_val, 8);
	return true;
}

static const struct nnpt_mem mem = { read_ram, cmpxchg_ram, NULL };

static void set64(u64 gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

static u64 get64(u64 gpa)
{
	u64 v;

	memcpy(&v, ram + gpa, 8);
	return v;
}

/* Entry @idx of the table at @table. */
#define E(table, idx)	((table) + (u64)(idx) * 8)

/* L2 GPA 0x40201000 -> PML4[0] -> PDPT[1] -> PD[1] -> PT[1] -> @leaf. */
#define GPA_4K		0x40201123ULL

static void tables_4k(u64 leaf)
{
	memset(ram, 0, RAM_SIZE);
	set64(E(PML4, 0), PDPT | TBL);
	set64(E(PDPT, 1), PD | TBL);
	set64(E(PD, 1), PT | TBL);
	set64(E(PT, 1), leaf);
}

static struct nnpt_walk_in in_for(u64 gpa, u32 access)
{
	return (struct nnpt_walk_in){
		.ncr3 = PML4, .gpa = gpa, .access = access, .phys_bits = 40, .nxe = true,
		.gbpages = true, .set_ad = true,
	};
}

static int walk(u64 gpa, u32 access, struct nnpt_walk *w)
{
	struct nnpt_walk_in in = in_for(gpa, access);

	return nnpt_walk(&in, &mem, w);
}

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static void test_4k_read_sets_accessed(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	assert_int_equal(w.l1_gpa, 0x5123);
	assert_int_equal(w.page_size, 4096);
	assert_true(w.writable && w.executable);
	assert_false(w.dirty);
	assert_true(get64(E(PML4, 0)) & A);
	assert_true(get64(E(PDPT, 1)) & A);
	assert_true(get64(E(PD, 1)) & A);
	assert_int_equal(get64(E(PT, 1)), 0x5000 | P | RW | US | A);	/* no D on a read */
}

static void test_write_sets_dirty(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US);
	assert_int_equal(walk(GPA_4K, NNPT_WRITE, &w), 0);
	assert_true(w.dirty);
	assert_int_equal(get64(E(PT, 1)), 0x5000 | P | RW | US | A | D);
	/* D only in the leaf: upper levels get A alone. */
	assert_int_equal(get64(E(PD, 1)), PT | TBL | A);
}

static void test_no_ad_when_only_looking(void **state)
{
	struct nnpt_walk_in in = in_for(GPA_4K, NNPT_WRITE);
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US);
	in.set_ad = false;
	assert_int_equal(nnpt_walk(&in, &mem, &w), 0);
	assert_int_equal(get64(E(PT, 1)), 0x5000 | P | RW | US);
	assert_int_equal(get64(E(PML4, 0)), PDPT | TBL);
}

static void test_2m_and_1g_pages(void **state)
{
	struct nnpt_walk w;

	tables_4k(0);
	set64(E(PD, 1), 0x400000 | P | RW | US | PS);
	assert_int_equal(walk(0x40212345, 0, &w), 0);
	assert_int_equal(w.page_size, SIZE_2M);
	assert_int_equal(w.l1_gpa, 0x412345);
	set64(E(PDPT, 2), 0x40000000 | P | RW | US | PS);
	assert_int_equal(walk(0x80012345, 0, &w), 0);
	assert_int_equal(w.page_size, SIZE_1G);
	assert_int_equal(w.l1_gpa, 0x40012345);
}

/* The error codes: US always (nested walks are user accesses), P for a present entry. */
static void test_not_present(void **state)
{
	struct nnpt_walk w;
	unsigned int level;
	const u64 entries[] = { E(PML4, 0), E(PDPT, 1), E(PD, 1), E(PT, 1) };

	for (level = 0; level < 4; level++) {
		tables_4k(0x5000 | P | RW | US);
		set64(entries[level], get64(entries[level]) & ~P);
		assert_int_equal(walk(GPA_4K, 0, &w), -EFAULT);
		assert_int_equal(w.error, US);
		assert_int_equal(walk(GPA_4K, NNPT_WRITE, &w), -EFAULT);
		assert_int_equal(w.error, US | RW);
		/* A fault sets no A bit anywhere. */
		assert_false(get64(E(PML4, 0)) & A);
	}
}

static void test_write_to_read_only(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | US);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	assert_false(w.writable);
	assert_int_equal(walk(GPA_4K, NNPT_WRITE, &w), -EFAULT);
	assert_int_equal(w.error, P | RW | US);
	/* R/W clear at an upper level is as read-only. */
	tables_4k(0x5000 | P | RW | US);
	set64(E(PDPT, 1), PD | P | US);
	assert_int_equal(walk(GPA_4K, NNPT_WRITE, &w), -EFAULT);
	assert_int_equal(w.error, P | RW | US);
	assert_false(get64(E(PT, 1)) & D);
}

static void test_supervisor_page(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW);
	assert_int_equal(walk(GPA_4K, 0, &w), -EFAULT);
	assert_int_equal(w.error, P | US);
	tables_4k(0x5000 | P | RW | US);
	set64(E(PML4, 0), PDPT | P | RW);
	assert_int_equal(walk(GPA_4K, NNPT_WRITE, &w), -EFAULT);
	assert_int_equal(w.error, P | RW | US);
}

static void test_nx(void **state)
{
	struct nnpt_walk_in in = in_for(GPA_4K, NNPT_FETCH);
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US | NX);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	assert_false(w.executable);
	assert_int_equal(walk(GPA_4K, NNPT_FETCH, &w), -EFAULT);
	assert_int_equal(w.error, P | US | ID);
	/* NX in a PDE covers the pages below it. */
	tables_4k(0x5000 | P | RW | US);
	set64(E(PD, 1), PT | TBL | NX);
	assert_int_equal(walk(GPA_4K, NNPT_FETCH, &w), -EFAULT);
	/* Without L1's EFER.NXE, bit 63 is reserved. */
	in.nxe = false;
	assert_int_equal(nnpt_walk(&in, &mem, &w), -EFAULT);
	assert_int_equal(w.error, P | RSVD | US | ID);
}

static void expect_rsvd(u64 gpa, const char *what)
{
	struct nnpt_walk w;

	if (walk(gpa, NNPT_WRITE, &w) != -EFAULT || w.error != (P | RSVD | US | RW))
		fail_msg("%s: error %#llx, want a reserved-bit fault", what,
			 (unsigned long long)w.error);
}

static void test_reserved_bits(void **state)
{
	struct nnpt_walk_in in = in_for(0x80000000, 0);
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US | (1ULL << 40));
	expect_rsvd(GPA_4K, "PTE bit at MAXPHYADDR");
	tables_4k(0x5000 | P | RW | US | (1ULL << 51));
	expect_rsvd(GPA_4K, "PTE bit 51");
	tables_4k(0x5000 | P | RW | US);
	set64(E(PML4, 0), PDPT | TBL | PS);
	expect_rsvd(GPA_4K, "PML4E.PS");
	tables_4k(0x5000 | P | RW | US);
	set64(E(PML4, 0), PDPT | TBL | BIT(8));
	expect_rsvd(GPA_4K, "PML4E bit 8");
	tables_4k(0x5000 | P | RW | US);
	set64(E(PD, 1), 0x400000 | P | RW | US | PS | BIT(13));
	expect_rsvd(0x40212345, "2 MiB PDE bit 13");
	tables_4k(0x5000 | P | RW | US);
	set64(E(PDPT, 2), 0x40000000 | P | RW | US | PS | BIT(21));
	expect_rsvd(0x80000000, "1 GiB PDPTE bit 21");
	/* A 1 GiB page where L1 has none is a reserved PS bit. */
	set64(E(PDPT, 2), 0x40000000 | P | RW | US | PS);
	in.gbpages = false;
	assert_int_equal(nnpt_walk(&in, &mem, &w), -EFAULT);
	assert_int_equal(w.error, P | RSVD | US);
	/* Bits 62:52 and the large page's PAT bit (12) are not reserved. */
	tables_4k(0x5000 | P | RW | US | (0x7ffULL << 52));
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	set64(E(PD, 1), 0x400000 | P | RW | US | PS | NNPT_PAT_LARGE);
	assert_int_equal(walk(0x40212345, 0, &w), 0);
	assert_int_equal(w.pat_index, 4);
}

static void test_table_outside_ram(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US);
	set64(E(PD, 1), 0x20000000 | TBL);
	assert_int_equal(walk(GPA_4K, 0, &w), -EIO);
	/* As an entry of all ones would: present with reserved bits. */
	assert_int_equal(w.error, P | RSVD | US);
}

/* Another vCPU of L1 changed the entry between the read and the A/D update. */
static void test_ad_race(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US);
	cmpxchg_fail = 1;
	assert_int_equal(walk(GPA_4K, 0, &w), -EAGAIN);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
}

static void test_pat_index(void **state)
{
	struct nnpt_walk w;

	tables_4k(0x5000 | P | RW | US | NNPT_PWT);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	assert_int_equal(w.pat_index, 1);
	tables_4k(0x5000 | P | RW | US | NNPT_PCD | NNPT_PAT_4K);
	assert_int_equal(walk(GPA_4K, 0, &w), 0);
	assert_int_equal(w.pat_index, 6);
}

static struct nnpt_walk translated(u64 size, bool writable, bool dirty, bool exec, u8 pat)
{
	return (struct nnpt_walk){ .l1_gpa = 0x40212345, .page_size = size, .writable = writable,
				   .dirty = dirty, .executable = exec, .pat_index = pat };
}

static void test_shadow_sizes(void **state)
{
	struct nnpt_walk w = translated(SIZE_1G, true, true, true, 0);
	u64 size, pte;

	/* L1's 1 GiB page over L0's 2 MiB: 2 MiB. */
	pte = nnpt_shadow_pte(&w, 0x12345678, SIZE_2M, PAT_RESET, true, &size);
	assert_int_equal(size, SIZE_2M);
	assert_int_equal(pte & NNPT_ADDR, 0x12200000);
	assert_true(pte & PS);
	/* L1's 2 MiB page over L0's 4 KiB: split to 4 KiB. */
	w = translated(SIZE_2M, true, true, true, 0);
	pte = nnpt_shadow_pte(&w, 0x12345678, 4096, PAT_RESET, true, &size);
	assert_int_equal(size, 4096);
	assert_int_equal(pte & NNPT_ADDR, 0x12345000);
	assert_false(pte & PS);
	/* L1's 4 KiB page over L0's 2 MiB: 4 KiB. */
	w = translated(4096, true, true, true, 0);
	nnpt_shadow_pte(&w, 0x12345678, SIZE_2M, PAT_RESET, true, &size);
	assert_int_equal(size, 4096);
}

static void test_shadow_permissions(void **state)
{
	struct nnpt_walk w = translated(4096, true, false, true, 0);
	u64 size, pte;

	/* D clear: read-only, so that the first write faults and sets it. */
	pte = nnpt_shadow_pte(&w, 0x5000, 4096, PAT_RESET, true, &size);
	assert_int_equal(pte & (P | RW | US | NX), P | US);
	w.dirty = true;
	pte = nnpt_shadow_pte(&w, 0x5000, 4096, PAT_RESET, true, &size);
	assert_int_equal(pte & (P | RW | US | NX), P | RW | US);
	w.writable = false;
	pte = nnpt_shadow_pte(&w, 0x5000, 4096, PAT_RESET, true, &size);
	assert_int_equal(pte & (P | RW | US | NX), P | US);
	w.executable = false;
	pte = nnpt_shadow_pte(&w, 0x5000, 4096, PAT_RESET, true, &size);
	assert_int_equal(pte & (P | RW | US | NX), P | US | NX);
}

/* L1's PAT entry's type in the host PAT's reset layout: WB 0, WT PWT, UC- PCD, UC both. */
static void test_shadow_memory_types(void **state)
{
	/* L1's PAT: entry i has type types[i]. */
	static const u8 types[8] = { PAT_WB, PAT_WT, PAT_UC_MINUS, PAT_UC, PAT_WC, PAT_WP,
				     PAT_WB, PAT_UC };
	static const u64 want[8] = { 0, NNPT_PWT, NNPT_PCD, NNPT_PCD | NNPT_PWT,
				     NNPT_PCD | NNPT_PWT, NNPT_PCD | NNPT_PWT, 0,
				     NNPT_PCD | NNPT_PWT };
	u64 pat = 0, size, pte;
	unsigned int i;

	for (i = 0; i < 8; i++)
		pat |= (u64)types[i] << (8 * i);
	for (i = 0; i < 8; i++) {
		struct nnpt_walk w = translated(SIZE_2M, true, true, true, (u8)i);

		pte = nnpt_shadow_pte(&w, 0x200000, SIZE_2M, pat, true, &size);
		if ((pte & (NNPT_PCD | NNPT_PWT | NNPT_PAT_LARGE)) != want[i])
			fail_msg("PAT entry %u (type %u): bits %#llx", i, types[i],
				 (unsigned long long)(pte & (NNPT_PCD | NNPT_PWT)));
	}
}

static void test_pat_valid(void **state)
{
	assert_true(nnpt_pat_valid(PAT_RESET));
	assert_true(nnpt_pat_valid(0x0706050401000000ULL));
	assert_false(nnpt_pat_valid((PAT_RESET & ~0xffULL) | 2));
	assert_false(nnpt_pat_valid((PAT_RESET & ~0xffULL) | 3));
	assert_false(nnpt_pat_valid((PAT_RESET & ~0xffULL) | 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4k_read_sets_accessed),
		cmocka_unit_test(test_write_sets_dirty),
		cmocka_unit_test(test_no_ad_when_only_looking),
		cmocka_unit_test(test_2m_and_1g_pages),
		cmocka_unit_test(test_not_present),
		cmocka_unit_test(test_write_to_read_only),
		cmocka_unit_test(test_supervisor_page),
		cmocka_unit_test(test_nx),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_table_outside_ram),
		cmocka_unit_test(test_ad_race),
		cmocka_unit_test(test_pat_index),
		cmocka_unit_test(test_shadow_sizes),
		cmocka_unit_test(test_shadow_permissions),
		cmocka_unit_test(test_shadow_memory_types),
		cmocka_unit_test(test_pat_valid),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
