/* SOURCES: arch/x86/gwalk.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/cpu.h>
#include <asm/gwalk.h>
#include <lib/errno.h>
#include <string.h>

/* The guest page-table walker in all four paging forms, on page tables built by hand. */

#define RAM_SIZE	(16u << 20)
#define P		BIT(0)
#define RW		BIT(1)
#define US		BIT(2)
#define PS		BIT(7)
#define NX		BIT(63)
#define CR4_PSE		BIT(4)
#define CR4_LA57	BIT(12)

static u8 *ram;
static unsigned int table_reads;

static int read_ram(void *ctx, u64 gpa, u32 size, u64 *val)
{
	u64 v = 0;

	table_reads++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return -EFAULT;
	memcpy(&v, ram + gpa, size);
	*val = v;
	return 0;
}

static const struct gwalk_mem mem = { read_ram, NULL };

static void set64(u64 gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

static void set32(u64 gpa, u32 v)
{
	memcpy(ram + gpa, &v, 4);
}

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	table_reads = 0;
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static int walk(const struct gwalk_regs *r, u64 la, u32 access, u64 *gpa, u32 *pf)
{
	*gpa = 0xdead;
	*pf = 0xdead;
	return gwalk_translate(r, &mem, la, access, gpa, pf);
}

static void test_paging_off(void **state)
{
	struct gwalk_regs r = { .cr0 = X86_CR0_PE };
	u64 gpa;
	u32 pf;

	assert_int_equal(walk(&r, 0x12345678, GWALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x12345678);
	/* Outside long mode a linear address is 32 bits. */
	assert_int_equal(walk(&r, 0x100001000ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x1000);
	/* An EFER.LMA without paging (which no CPU reports) changes nothing: found by fuzzing. */
	r.efer = EFER_LME | EFER_LMA;
	assert_int_equal(walk(&r, 0xfff0000100001000ULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x1000);
	assert_int_equal(table_reads, 0);
}

/* Long mode, 4 levels: PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
static struct gwalk_regs long4(void)
{
	set64(0x1000, 0x2000 | P | RW | US);
	set64(0x2000, 0x3000 | P | RW | US);
	set64(0x3000, 0x4000 | P | RW | US);
	set64(0x4000 + 5 * 8, 0x7000 | P | RW | US);		/* 0x5000 -> 0x7000 */
	set64(0x4000 + 6 * 8, 0x8000 | P | US);			/* read-only */
	set64(0x4000 + 7 * 8, 0x9000 | P | RW);			/* supervisor only */
	set64(0x4000 + 8 * 8, 0xa000 | P | RW | US | NX);	/* no execute */
	set64(0x3000 + 1 * 8, 0x600000 | P | RW | US | PS);	/* 2 MiB page at 2 MiB */
	set64(0x2000 + 1 * 8, 0x40000000 | P | RW | US | PS);	/* 1 GiB page at 1 GiB */
	return (struct gwalk_regs){
		.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP, .cr3 = 0x1000, .cr4 = X86_CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
}

static void test_long_mode_pages(void **state)
{
	struct gwalk_regs r = long4();
	u64 gpa;
	u32 pf;

	assert_int_equal(walk(&r, 0x5123, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x7123);
	assert_int_equal(walk(&r, 0x2345678, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, 0);
	assert_int_equal(walk(&r, 0x200000 + 0x12345, GWALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x600000 + 0x12345);
	assert_int_equal(walk(&r, 0x40000000 + 0x123456, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x40000000 + 0x123456);
}

static void test_long_mode_permissions(void **state)
{
	struct gwalk_regs r = long4();
	u64 gpa;
	u32 pf;

	/* Supervisor write to a read-only page: #PF with WP=1, allowed with WP=0. */
	assert_int_equal(walk(&r, 0x6000, GWALK_WRITE, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_WRITE);
	r.cr0 &= ~X86_CR0_WP;
	assert_int_equal(walk(&r, 0x6000, GWALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x8000);
	/* ... but never from user mode. */
	assert_int_equal(walk(&r, 0x6000, GWALK_WRITE | GWALK_USER, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_WRITE | PF_USER);
	/* User access to a supervisor page. */
	assert_int_equal(walk(&r, 0x7000, GWALK_USER, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_USER);
	assert_int_equal(walk(&r, 0x7000, 0, &gpa, &pf), 0);
	/* Fetch from NX with EFER.NXE; without NXE the bit means nothing. */
	assert_int_equal(walk(&r, 0x8000, GWALK_FETCH, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_FETCH);
	assert_int_equal(walk(&r, 0x8000, 0, &gpa, &pf), 0);
	r.efer &= ~EFER_NXE;
	assert_int_equal(walk(&r, 0x8000, GWALK_FETCH, &gpa, &pf), 0);
	assert_int_equal(gpa, 0xa000);
}

static void test_long_mode_reserved_ps(void **state)
{
	struct gwalk_regs r = long4();
	u64 gpa;
	u32 pf;

	set64(0x1000 + 8, 0x0 | P | RW | US | PS);		/* PS in a PML4E: reserved */
	assert_int_equal(walk(&r, 1ULL << 39, 0, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_RSVD);
}

static void test_table_outside_ram(void **state)
{
	struct gwalk_regs r = long4();
	u64 gpa;
	u32 pf;

	set64(0x3000 + 2 * 8, 0xfee00000ULL | P | RW | US);	/* a PT in the APIC page */
	assert_int_equal(walk(&r, 0x400000, 0, &gpa, &pf), -EIO);
	r.cr3 = 0x10000000;
	assert_int_equal(walk(&r, 0x5000, 0, &gpa, &pf), -EIO);
}

static void test_five_levels(void **state)
{
	struct gwalk_regs r = long4();
	u64 gpa;
	u32 pf;

	set64(0xf000 + 1 * 8, 0x1000 | P | RW | US);		/* PML5[1] -> the PML4 */
	r.cr3 = 0xf000;
	r.cr4 |= CR4_LA57;
	assert_int_equal(walk(&r, (1ULL << 48) | 0x5123, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x7123);
	assert_int_equal(walk(&r, 0x5123, 0, &gpa, &pf), -EFAULT);
}

/* PAE: 4 PDPTEs at CR3 (32-byte aligned), 2 MiB and 4 KiB pages. */
static void test_pae(void **state)
{
	struct gwalk_regs r = {
		.cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1020, .cr4 = X86_CR4_PAE,
	};
	u64 gpa;
	u32 pf;

	set64(0x1020 + 3 * 8, 0x3000 | P);			/* 3-4 GiB */
	set64(0x3000 + 511 * 8, 0xa00000 | P | RW | PS);	/* 0xffe00000: 2 MiB */
	set64(0x3000 + 0, 0x4000 | P | RW);
	set64(0x4000 + 1 * 8, 0x123000 | P | RW);
	assert_int_equal(walk(&r, 0xffe01234, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0xa01234);
	assert_int_equal(walk(&r, 0xc0001abc, GWALK_WRITE, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x123abc);
	assert_int_equal(walk(&r, 0x00001000, 0, &gpa, &pf), -EFAULT);
	/* The PDPTE has no RW bit: its permissions are reserved, not a read-only mark. */
	assert_int_equal(walk(&r, 0xc0001abc, GWALK_WRITE | GWALK_USER, &gpa, &pf), -EFAULT);
	assert_int_equal(pf, PF_PRESENT | PF_WRITE | PF_USER);
}

/* 32-bit paging: 4 KiB, and 4 MiB pages with PSE (and PSE-36 high bits). */
static void test_32bit(void **state)
{
	struct gwalk_regs r = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x5000 };
	u64 gpa;
	u32 pf;

	set32(0x5000 + 1 * 4, 0x6000 | P | RW);
	set32(0x6000 + 2 * 4, 0x345000 | P | RW);
	set32(0x5000 + 2 * 4, 0x00800000 | (0x3 << 13) | P | RW | PS);
	assert_int_equal(walk(&r, 0x00402abc, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x345abc);
	/* Without CR4.PSE the PS bit is ignored: bits 31:12 (0x806000) are a page table. */
	set32(0x806000 + 0x1 * 4, 0x111000 | P);
	assert_int_equal(walk(&r, 0x00801678, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x111678);
	r.cr4 = CR4_PSE;
	assert_int_equal(walk(&r, 0x00801678, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x300801678ULL);
	/* The linear address is 32 bits wide. */
	assert_int_equal(walk(&r, 0xf00402abcULL, 0, &gpa, &pf), 0);
	assert_int_equal(gpa, 0x345abc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paging_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_mode_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_mode_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_mode_reserved_ps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_five_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
