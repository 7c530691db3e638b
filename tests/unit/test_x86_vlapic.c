/* SOURCES: arch/x86/vplat/vlapic.c arch/x86/vplat/apic_bus.c core/vcpu.c core/vm.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fake_arch.h"
#include "fake_timer.h"

#include <asm/apic_bus.h>
#include <asm/vlapic.h>
#include <asm/vplat_layout.h>

/*
 * The virtual local APIC's register table row by row (reset value,
 * writes, read-only and reserved bits, widths, the xAPIC page and the
 * x2APIC MSRs), IA32_APIC_BASE's transitions, the priority logic, the
 * timer's arithmetic, and the APIC bus's destinations over 4 vCPUs.
 */

#define NR	4
static struct vm *vm;
static struct vlapic apics[NR];
static unsigned int ioapic_eois;
static u8 ioapic_last_vector;

/* The IOAPIC's side of a level-triggered EOI (xplat's model in the hypervisor). */
void vioapic_eoi(struct vm *v, u8 vector)
{
	ioapic_eois++;
	ioapic_last_vector = vector;
}

static int setup(void **state)
{
	unsigned int i;

	fake_console_clear();
	vm = vm_create("apic");
	for (i = 0; i < NR; i++) {
		struct vcpu *v = vm_add_vcpu(vm, i);

		vlapic_init(&apics[i], v, i == 0);
		v->irqchip = &apics[i];
	}
	ioapic_eois = 0;
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

#define A0	(&apics[0])
#define BASE	VPLAT_LAPIC_BASE

static u32 rd(struct vlapic *a, u32 off)
{
	u64 v = ~0ULL;

	assert_int_equal(vlapic_mmio_access(a, BASE + off, 4, false, &v), 0);
	return (u32)v;
}

static void wr(struct vlapic *a, u32 off, u32 val)
{
	u64 v = val;

	assert_int_equal(vlapic_mmio_access(a, BASE + off, 4, true, &v), 0);
}

static void sw_enable(struct vlapic *a)
{
	wr(a, APIC_SVR, 0x1ff);
}

static void to_x2apic(struct vlapic *a)
{
	assert_int_equal(vlapic_base_write(a, vlapic_base_read(a) | APIC_BASE_EXTD), 0);
}

/* ---- the table: reset values, writes, read-only bits ---- */

struct row_case {
	u32 off;
	u32 reset;		/* vCPU 0 after power-up */
	u32 write;		/* written with the APIC software-enabled */
	u32 back;		/* read back */
};

static const struct row_case row_cases[] = {
	{ APIC_ID, 0x00000000, 0xffffffff, 0xff000000 },
	{ APIC_VERSION, 0x00050014, 0xffffffff, 0x00050014 },
	{ APIC_TPR, 0, 0xffffffff, 0xff },
	{ APIC_APR, 0, 0xffffffff, 0 },
	{ APIC_PPR, 0, 0xffffffff, 0 },
	{ APIC_RRD, 0, 0xffffffff, 0 },
	{ APIC_LDR, 0, 0xffffffff, 0xff000000 },
	{ APIC_DFR, 0xffffffff, 0x0, 0x0fffffff },
	{ APIC_SVR, 0xff, 0xffffffff, 0x3ff },
	{ APIC_ISR, 0, 0xffffffff, 0 },
	{ APIC_TMR + 0x70, 0, 0xffffffff, 0 },
	{ APIC_IRR + 0x30, 0, 0xffffffff, 0 },
	{ APIC_ICR_LO, 0, 0x000c00ef, 0x000c00ef },	/* to the others: none is enabled */
	{ APIC_ICR_HI, 0, 0xffffffff, 0xff000000 },
	{ APIC_LVT_TIMER, 0x10000, 0xffffffff, 0x700ff },
	{ APIC_LVT_THERM, 0x10000, 0xffffffff, 0x107ff },
	{ APIC_LVT_PERF, 0x10000, 0xffffffff, 0x107ff },
	{ APIC_LVT_LINT0, 0x700, 0xffffffff, 0x1a7ff },
	{ APIC_LVT_LINT1, 0x10000, 0xffffffff, 0x1a7ff },
	{ APIC_LVT_ERROR, 0x10000, 0xffffffff, 0x100ff },
	{ APIC_TIMER_ICR, 0, 0, 0 },
	{ APIC_TIMER_CCR, 0, 0xffffffff, 0 },
	{ APIC_TIMER_DCR, 0, 0xffffffff, 0xb },
};

static void test_rows_reset_and_writes(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(row_cases); i++) {
		const struct row_case *c = &row_cases[i];

		setup(NULL);
		assert_int_equal(rd(A0, c->off), c->reset);
		if (c->off != APIC_SVR)
			sw_enable(A0);
		wr(A0, c->off, c->write);
		if (rd(A0, c->off) != c->back)
			fail_msg("row %#x: wrote %#x, read %#x, want %#x", c->off, c->write,
				 rd(A0, c->off), c->back);
		teardown(NULL);
	}
}

static void test_ap_reset_state(void **state)
{
	assert_int_equal(rd(&apics[2], APIC_ID), 2u << 24);
	/* Only the BSP is virtual wire. */
	assert_int_equal(rd(&apics[2], APIC_LVT_LINT0), 0x10000);
	assert_int_equal(vlapic_base_read(&apics[2]), BASE | APIC_BASE_EN);
	assert_int_equal(vlapic_base_read(A0), BASE | APIC_BASE_EN | APIC_BASE_BSP);
	assert_true(vlapic_accepts_pic(A0));
	assert_false(vlapic_accepts_pic(&apics[2]));
	assert_int_equal(vlapic_run_state(&apics[2]), VLAPIC_WAIT_INIT);
	assert_int_equal(vlapic_run_state(A0), VLAPIC_RUNNING);
}

/* Software-disabled: the LVTs cannot be unmasked, and clearing SVR.EN masks them all. */
static void test_svr_disable_masks_lvts(void **state)
{
	wr(A0, APIC_LVT_ERROR, 0x33);
	assert_int_equal(rd(A0, APIC_LVT_ERROR), 0x10033);
	sw_enable(A0);
	wr(A0, APIC_LVT_ERROR, 0x33);
	assert_int_equal(rd(A0, APIC_LVT_ERROR), 0x33);
	wr(A0, APIC_SVR, 0xff);
	assert_int_equal(rd(A0, APIC_LVT_ERROR), 0x10033);
	assert_int_equal(rd(A0, APIC_LVT_LINT0), 0x10700);
	assert_false(vlapic_accepts_pic(A0));
	assert_false(vlapic_accept_fixed(A0, 0x40, false));
}

/* ---- widths, alignment and reserved offsets of the xAPIC page ---- */

static void test_mmio_widths(void **state)
{
	u64 v;

	v = ~0ULL;
	vlapic_mmio_access(A0, BASE + APIC_VERSION, 1, false, &v);
	assert_int_equal(v, 0x14);
	vlapic_mmio_access(A0, BASE + APIC_VERSION + 2, 2, false, &v);
	assert_int_equal(v, 0x5);
	vlapic_mmio_access(A0, BASE + APIC_VERSION, 8, false, &v);
	assert_int_equal(v, 0);
	vlapic_mmio_access(A0, BASE + APIC_VERSION + 4, 4, false, &v);
	assert_int_equal(v, 0);
	assert_int_equal(A0->bad_accesses, 2);
	/* Only a 32-bit write at the register's offset changes it. */
	v = 0x1ff;
	vlapic_mmio_access(A0, BASE + APIC_SVR, 2, true, &v);
	vlapic_mmio_access(A0, BASE + APIC_SVR + 4, 4, true, &v);
	vlapic_mmio_access(A0, BASE + APIC_SVR, 8, true, &v);
	assert_int_equal(rd(A0, APIC_SVR), 0xff);
	assert_int_equal(A0->bad_accesses, 5);
	assert_non_null(strstr(fake_console, "not a 32-bit access"));
	/* An empty read past the register's first word (fuzz_x86_vlapic: a 32-bit shift). */
	v = ~0ULL;
	vlapic_mmio_access(A0, BASE + APIC_VERSION + 4, 0, false, &v);
	assert_int_equal(v, 0);
	assert_int_equal(A0->bad_accesses, 6);
}

static void test_reserved_offsets_set_esr(void **state)
{
	static const u32 reserved[] = { 0x000, 0x010, 0x040, 0x070, 0x290, 0x2f0, 0x3a0, 0x3f0,
					0x400, 0xff0 };
	unsigned int i;

	sw_enable(A0);
	wr(A0, APIC_LVT_ERROR, 0xe3);
	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		wr(A0, APIC_ESR, 0);
		wr(A0, APIC_ESR, 0);
		assert_int_equal(rd(A0, APIC_ESR), 0);
		wr(A0, reserved[i], 0x1234);
		assert_int_equal(rd(A0, reserved[i]), 0);
		wr(A0, APIC_ESR, 0);
		assert_int_equal(rd(A0, APIC_ESR), 0x80);
	}
	/* The error LVT raised its vector. */
	assert_int_equal(rd(A0, APIC_IRR + 0x70), BIT(0xe3 - 0xe0));
}

/* ---- IA32_APIC_BASE ---- */

static void test_apic_base_transitions(void **state)
{
	u64 b = vlapic_base_read(A0);

	assert_int_equal(vlapic_base_write(A0, b | BIT(0)), -EINVAL);		/* reserved */
	assert_int_equal(vlapic_base_write(A0, b | BIT(9)), -EINVAL);
	assert_int_equal(vlapic_base_write(A0, b | (1ULL << 40)), -EINVAL);	/* > MAXPHYADDR */
	assert_int_equal(vlapic_base_write(A0, (b & ~APIC_BASE_EN) | APIC_BASE_EXTD), -EINVAL);
	/* xAPIC -> disabled -> x2APIC in one step is refused; -> xAPIC -> x2APIC is fine. */
	assert_int_equal(vlapic_base_write(A0, b & ~APIC_BASE_EN), 0);
	assert_int_equal(vlapic_mode(A0), VLAPIC_DISABLED);
	assert_true(vlapic_accepts_pic(A0));
	assert_false(vlapic_mmio_claims(A0, BASE));
	assert_int_equal(vlapic_base_write(A0, b | APIC_BASE_EXTD), -EINVAL);
	assert_int_equal(vlapic_base_write(A0, b), 0);
	to_x2apic(A0);
	assert_int_equal(vlapic_mode(A0), VLAPIC_X2APIC);
	assert_false(vlapic_mmio_claims(A0, BASE));
	assert_int_equal(vlapic_base_write(A0, b), -EINVAL);		/* x2APIC -> xAPIC */
	assert_int_equal(vlapic_base_write(A0, b & ~APIC_BASE_EN), 0);	/* x2APIC -> off */
	/* Without x2APIC in CPUID, EXTD is reserved. */
	vlapic_set_features(&apics[1], false, false, 40);
	assert_int_equal(vlapic_base_write(&apics[1], vlapic_base_read(&apics[1]) | APIC_BASE_EXTD),
			 -EINVAL);
}

static void test_apic_base_relocation_and_bsp(void **state)
{
	assert_int_equal(vlapic_base_write(&apics[1], 0xfed00000ULL | APIC_BASE_EN | APIC_BASE_BSP),
			 0);
	/* The BSP bit is the platform's. */
	assert_int_equal(vlapic_base_read(&apics[1]), 0xfed00000ULL | APIC_BASE_EN);
	assert_true(vlapic_mmio_claims(&apics[1], 0xfed00ff0));
	assert_false(vlapic_mmio_claims(&apics[1], BASE));
	assert_true(vlapic_mmio_claims(A0, BASE + 0x30));
}

/* Disabled, the APIC loses its programming: re-enabled, it is as after reset. */
static void test_global_disable_resets(void **state)
{
	u64 b = vlapic_base_read(A0);

	sw_enable(A0);
	wr(A0, APIC_TPR, 0x20);
	vlapic_accept_fixed(A0, 0x50, false);
	vlapic_base_write(A0, b & ~APIC_BASE_EN);
	vlapic_base_write(A0, b);
	assert_int_equal(rd(A0, APIC_SVR), 0xff);
	assert_int_equal(rd(A0, APIC_TPR), 0);
	assert_int_equal(rd(A0, APIC_IRR + 0x20), 0);
	assert_int_equal(rd(A0, APIC_ID), 0);
}

/* ---- x2APIC MSRs ---- */

static void test_x2apic_rows(void **state)
{
	u64 v;

	/* Not in x2APIC mode: every MSR of the range is #GP. */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x802, &v), -EINVAL);
	to_x2apic(&apics[3]);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x802, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x80d, &v), 0);
	assert_int_equal(v, BIT(3));					/* cluster 0, bit 3 */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x802, 5), -EINVAL);	/* read-only */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x80d, 5), -EINVAL);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x80e, &v), -EINVAL);	/* no DFR */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x809, &v), -EINVAL);	/* no APR */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x831, &v), -EINVAL);	/* no ICR high */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x80b, &v), -EINVAL);	/* EOI: W only */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x80b, 1), -EINVAL);	/* non-zero EOI */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x80b, 0), 0);
	assert_int_equal(vlapic_msr_write(&apics[3], 0x828, 1), -EINVAL);	/* non-zero ESR */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x808, 0x100), -EINVAL);	/* TPR bit 8 */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x808, 1ULL << 32), -EINVAL);
	assert_int_equal(vlapic_msr_write(&apics[3], 0x808, 0x70), 0);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x80a, &v), 0);		/* PPR */
	assert_int_equal(v, 0x70);
	/* LVT's read-only delivery status and remote IRR: ignored, no #GP (Linux's 0x5700). */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x835, 0x5700), 0);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x835, &v), 0);
	assert_int_equal(v & ~(u64)BIT(16), 0x700);	/* masked while software-disabled */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x835, 0x20000), -EINVAL);	/* reserved */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x83f, &v), -EINVAL);	/* SELF IPI */
	assert_int_equal(vlapic_msr_read(&apics[3], 0x8ff, &v), -EINVAL);	/* reserved */
	assert_int_equal(vlapic_msr_write(&apics[3], 0x840, 0), -EINVAL);
	assert_int_equal(vlapic_msr_read(&apics[3], 0x800, &v), -EINVAL);
}

static void test_x2apic_self_ipi_and_icr(void **state)
{
	u64 v;

	to_x2apic(&apics[1]);
	assert_int_equal(vlapic_msr_write(&apics[1], 0x80f, 0x1ff), 0);
	assert_int_equal(vlapic_msr_write(&apics[1], 0x83f, 0x61), 0);
	assert_int_equal(vlapic_reg(&apics[1], APIC_IRR + 0x30), BIT(1));
	assert_int_equal(vlapic_msr_write(&apics[1], 0x83f, 0x100), -EINVAL);
	/* 64-bit ICR: vCPU 2 (xAPIC) gets vector 0x55 by its physical ID. */
	sw_enable(&apics[2]);
	assert_int_equal(vlapic_msr_write(&apics[1], 0x830, (2ULL << 32) | 0x55), 0);
	assert_int_equal(vlapic_reg(&apics[2], APIC_IRR + 0x20), BIT(0x15));
	assert_int_equal(vlapic_msr_read(&apics[1], 0x830, &v), 0);
	assert_int_equal(v, (2ULL << 32) | 0x55);
	assert_int_equal(vlapic_msr_write(&apics[1], 0x830, 0x1055), -EINVAL);	/* bit 12 */
}

/* ---- priority: IRR, ISR, TPR, PPR, EOI ---- */

static void test_priority_and_eoi(void **state)
{
	sw_enable(A0);
	assert_int_equal(vlapic_pending_vector(A0), -1);
	assert_true(vlapic_accept_fixed(A0, 0x41, false));
	assert_true(vlapic_accept_fixed(A0, 0x82, true));
	assert_int_equal(vlapic_pending_vector(A0), 0x82);
	/* TPR 0x80 holds class 8 back. */
	wr(A0, APIC_TPR, 0x80);
	assert_int_equal(vlapic_pending_vector(A0), -1);
	assert_int_equal(rd(A0, APIC_PPR), 0x80);
	wr(A0, APIC_TPR, 0x7f);
	assert_int_equal(vlapic_pending_vector(A0), 0x82);
	vlapic_ack(A0, 0x82);
	assert_int_equal(rd(A0, APIC_ISR + 0x40), BIT(2));
	assert_int_equal(rd(A0, APIC_IRR + 0x40), 0);
	assert_int_equal(rd(A0, APIC_TMR + 0x40), BIT(2));
	assert_int_equal(rd(A0, APIC_PPR), 0x80);
	/* 0x41 is below the in-service class: held by the ISR, not by the TPR. */
	wr(A0, APIC_TPR, 0);
	assert_int_equal(vlapic_pending_vector(A0), -1);
	/* EOI of a level-triggered vector reaches the IOAPIC. */
	wr(A0, APIC_EOI, 0);
	assert_int_equal(ioapic_eois, 1);
	assert_int_equal(ioapic_last_vector, 0x82);
	assert_int_equal(rd(A0, APIC_ISR + 0x40), 0);
	assert_int_equal(vlapic_pending_vector(A0), 0x41);
	vlapic_ack(A0, 0x41);
	wr(A0, APIC_EOI, 0);
	assert_int_equal(ioapic_eois, 1);	/* edge: the IOAPIC hears nothing */
	wr(A0, APIC_EOI, 0);			/* nothing in service: no effect */
	assert_int_equal(rd(A0, APIC_PPR), 0);
	vlapic_set_cr8(A0, 0xc);
	assert_int_equal(rd(A0, APIC_TPR), 0xc0);
}

static void test_illegal_vectors(void **state)
{
	sw_enable(A0);
	assert_false(vlapic_accept_fixed(A0, 15, false));
	wr(A0, APIC_ESR, 0);
	assert_int_equal(rd(A0, APIC_ESR), 0x40);
	wr(A0, APIC_ICR_LO, 0x4000 | 0x0c);	/* fixed vector 12 to self: not sent */
	wr(A0, APIC_ESR, 0);
	assert_int_equal(rd(A0, APIC_ESR), 0x20);
	assert_int_equal(rd(A0, APIC_IRR), 0);
}

/* ---- destinations on the bus ---- */

static u32 delivered_to(u32 vector)
{
	u32 mask = 0, i;

	for (i = 0; i < NR; i++)
		if (vlapic_reg(&apics[i], APIC_IRR + (vector / 32) * 16) & BIT(vector % 32))
			mask |= BIT(i);
	for (i = 0; i < NR; i++)
		memset(&apics[i].regs[APIC_IRR >> 4], 0, 32);
	return mask;
}

static void all_enabled(void)
{
	unsigned int i;

	for (i = 0; i < NR; i++)
		sw_enable(&apics[i]);
}

static void ipi(struct vlapic *from, u32 dest, u32 lo)
{
	wr(from, APIC_ICR_HI, dest << 24);
	wr(from, APIC_ICR_LO, lo);
}

static void test_physical_and_shorthands(void **state)
{
	unsigned int from, to;

	all_enabled();
	for (from = 0; from < NR; from++) {
		for (to = 0; to < NR; to++) {
			ipi(&apics[from], to, 0x40);
			assert_int_equal(delivered_to(0x40), BIT(to));
		}
		ipi(&apics[from], 0xff, 0x40);				/* broadcast */
		assert_int_equal(delivered_to(0x40), 0xf);
		ipi(&apics[from], 9, 0x40);				/* nobody */
		assert_int_equal(delivered_to(0x40), 0);
		ipi(&apics[from], 0, 0x40 | (1 << 18));			/* self */
		assert_int_equal(delivered_to(0x40), BIT(from));
		ipi(&apics[from], 0, 0x40 | (2 << 18));			/* all */
		assert_int_equal(delivered_to(0x40), 0xf);
		ipi(&apics[from], 0, 0x40 | (3 << 18));			/* others */
		assert_int_equal(delivered_to(0x40), 0xf & ~BIT(from));
	}
}

static void test_logical_flat_and_cluster(void **state)
{
	unsigned int i;

	all_enabled();
	for (i = 0; i < NR; i++)
		wr(&apics[i], APIC_LDR, BIT(i) << 24);
	ipi(A0, 0x05, 0x840);
	assert_int_equal(delivered_to(0x40), 0x5);
	ipi(A0, 0x0a, 0x840);
	assert_int_equal(delivered_to(0x40), 0xa);
	ipi(A0, 0xff, 0x840);
	assert_int_equal(delivered_to(0x40), 0xf);
	/* Cluster model: vCPUs 0,1 in cluster 1, vCPUs 2,3 in cluster 2. */
	for (i = 0; i < NR; i++) {
		wr(&apics[i], APIC_DFR, 0x0fffffff);
		wr(&apics[i], APIC_LDR, ((i < 2 ? 0x10u : 0x20u) | BIT(i % 2)) << 24);
	}
	ipi(A0, 0x13, 0x840);
	assert_int_equal(delivered_to(0x40), 0x3);
	ipi(A0, 0x22, 0x840);
	assert_int_equal(delivered_to(0x40), 0x8);
	ipi(A0, 0x32, 0x840);
	assert_int_equal(delivered_to(0x40), 0);
}

static void test_x2apic_cluster(void **state)
{
	unsigned int i;

	all_enabled();
	for (i = 0; i < NR; i++)
		to_x2apic(&apics[i]);
	/* Cluster 0, members 1 and 3. */
	assert_int_equal(vlapic_msr_write(&apics[0], 0x830, (0x0000000aULL << 32) | 0x840), 0);
	assert_int_equal(delivered_to(0x40), 0xa);
	assert_int_equal(vlapic_msr_write(&apics[0], 0x830, (0x0001000fULL << 32) | 0x840), 0);
	assert_int_equal(delivered_to(0x40), 0);
	assert_int_equal(vlapic_msr_write(&apics[0], 0x830, (0xffffffffULL << 32) | 0x40), 0);
	assert_int_equal(delivered_to(0x40), 0xf);
}

/* Lowest priority: one target, the lowest-numbered enabled one. */
static void test_lowest_priority_one_target(void **state)
{
	struct apic_msg m = { .dest = 0xff, .vector = 0x40, .delivery = APIC_DELIVERY_LOWEST };

	sw_enable(&apics[2]);
	sw_enable(&apics[3]);
	assert_int_equal(apic_bus_deliver(vm, &m), 1);
	assert_int_equal(delivered_to(0x40), BIT(2));
	m.dest = 0xff;
	sw_enable(A0);
	assert_int_equal(apic_bus_deliver(vm, &m), 1);
	assert_int_equal(delivered_to(0x40), BIT(0));
	/* A fixed broadcast counts every acceptor. */
	m.delivery = APIC_DELIVERY_FIXED;
	assert_int_equal(apic_bus_deliver(vm, &m), 3);
	delivered_to(0x40);
}

/* ---- INIT, SIPI, NMI ---- */

static void test_init_sipi(void **state)
{
	struct vcpu *v2 = vm->vcpus[2];

	/* SIPI before INIT: ignored; the vCPU stays off. */
	ipi(A0, 2, 0x4600 | 0x9a);
	assert_false(vcpu_is_on(v2));
	/* INIT level de-assert: no effect. */
	ipi(A0, 2, 0x8500);
	assert_int_equal(vlapic_run_state(&apics[2]), VLAPIC_WAIT_INIT);
	ipi(A0, 2, 0x4500);
	assert_int_equal(vlapic_run_state(&apics[2]), VLAPIC_WAIT_SIPI);
	assert_true(vlapic_events(&apics[2]) & VLAPIC_EV_INIT);
	ipi(A0, 2, 0x4600 | 0x9a);
	assert_true(vcpu_is_on(v2));
	assert_int_equal(v2->boot.mode, VCPU_BOOT_X86_REAL);
	assert_int_equal(v2->boot.entry, 0x9a000);
	assert_int_equal(vlapic_run_state(&apics[2]), VLAPIC_RUNNING);
	/* A second SIPI is ignored. */
	ipi(A0, 2, 0x4600 | 0x33);
	assert_int_equal(v2->boot.entry, 0x9a000);
	assert_false(vlapic_events(&apics[2]) & VLAPIC_EV_SIPI);
	/* INIT to a running vCPU: back to waiting; its next SIPI is an event for its thread. */
	ipi(A0, 2, 0x4500);
	assert_int_equal(vlapic_run_state(&apics[2]), VLAPIC_WAIT_SIPI);
	ipi(A0, 2, 0x4600 | 0x10);
	assert_true(vlapic_events(&apics[2]) & VLAPIC_EV_SIPI);
	assert_int_equal(apics[2].sipi_vector, 0x10);
	/* INIT supersedes a SIPI not yet taken. */
	ipi(A0, 2, 0x4500);
	assert_false(vlapic_events(&apics[2]) & VLAPIC_EV_SIPI);
}

static void test_nmi_and_absent_ids(void **state)
{
	struct apic_msg m = { .dest = 7, .vector = 0x40, .delivery = APIC_DELIVERY_FIXED };

	ipi(A0, 3, 0x400);
	assert_true(vlapic_events(&apics[3]) & VLAPIC_EV_NMI);
	assert_false(vlapic_events(&apics[2]) & VLAPIC_EV_NMI);
	/* Absent APIC IDs: nobody accepts, nothing breaks. */
	assert_int_equal(apic_bus_deliver(vm, &m), 0);
	m.delivery = APIC_DELIVERY_STARTUP;
	assert_int_equal(apic_bus_deliver(vm, &m), 0);
	m.delivery = APIC_DELIVERY_SMI;
	m.dest = 0xff;
	assert_int_equal(apic_bus_deliver(vm, &m), 0);
}

/* ---- the timer ---- */

static void test_timer_divisors(void **state)
{
	static const u32 want[16] = { 2, 4, 8, 16, 2, 4, 8, 16, 32, 64, 128, 1, 32, 64, 128, 1 };
	u32 dcr;

	for (dcr = 0; dcr < 16; dcr++)
		assert_int_equal(vlapic_timer_divisor(dcr & 0xb), want[dcr & 0xb]);
}

static void test_timer_one_shot(void **state)
{
	u64 dl;

	sw_enable(A0);
	wr(A0, APIC_LVT_TIMER, 0x31);
	wr(A0, APIC_TIMER_DCR, 0x3);		/* divide by 16 */
	wr(A0, APIC_TIMER_ICR, 1000);
	dl = A0->timer_deadline;
	assert_true(A0->timer.armed);
	assert_int_equal(A0->timer.deadline, dl);
	assert_int_equal(vlapic_timer_ccr(A0, dl - 16000), 1000);
	assert_int_equal(vlapic_timer_ccr(A0, dl - 1600), 100);
	assert_int_equal(vlapic_timer_ccr(A0, dl), 0);
	A0->timer_deadline = 1;			/* as if it were due now */
	fake_timer_fire(&A0->timer);
	assert_int_equal(rd(A0, APIC_IRR + 0x10), BIT(0x11));
	assert_false(A0->timer.armed);
	assert_int_equal(rd(A0, APIC_TIMER_CCR), 0);
	/* A zero count stops the timer. */
	wr(A0, APIC_TIMER_ICR, 1000);
	wr(A0, APIC_TIMER_ICR, 0);
	assert_false(A0->timer.armed);
	assert_int_equal(A0->timer_deadline, 0);
}

static void test_timer_periodic(void **state)
{
	u64 dl;

	sw_enable(A0);
	wr(A0, APIC_LVT_TIMER, 0x20032);
	wr(A0, APIC_TIMER_DCR, 0xb);		/* divide by 1 */
	wr(A0, APIC_TIMER_ICR, 50000);
	dl = A0->timer_deadline;
	A0->timer_deadline = 1;
	fake_timer_fire(&A0->timer);
	assert_int_equal(rd(A0, APIC_IRR + 0x10), BIT(0x12));
	assert_true(A0->timer.armed);		/* the next period; missed ones coalesce */
	assert_true(A0->timer_deadline > dl - 50000);
	/* A tiny period is held to the floor: a flood cannot pin the CPU. */
	wr(A0, APIC_TIMER_ICR, 1);
	assert_int_equal(A0->timer_period, VLAPIC_MIN_PERIOD_NS);
	/* A masked timer counts but raises nothing. */
	memset(&A0->regs[APIC_IRR >> 4], 0, 32);
	wr(A0, APIC_LVT_TIMER, 0x30032);
	A0->timer_deadline = 1;
	fake_timer_fire(&A0->timer);
	assert_int_equal(rd(A0, APIC_IRR + 0x10), 0);
}

static void test_timer_tsc_deadline(void **state)
{
	u64 now;

	sw_enable(A0);
	/* Outside TSC-deadline mode the MSR ignores writes and reads 0. */
	vlapic_tsc_deadline_write(A0, 5000, 1000, 1000000000ULL);
	assert_int_equal(vlapic_tsc_deadline_read(A0), 0);
	assert_false(A0->timer.armed);
	wr(A0, APIC_LVT_TIMER, 0x40033);	/* TSC deadline, masked */
	wr(A0, APIC_LVT_TIMER, 0x40033 & ~APIC_LVT_MASKED);
	wr(A0, APIC_TIMER_ICR, 100);		/* ignored in this mode */
	assert_int_equal(rd(A0, APIC_TIMER_ICR), 0);
	now = arch_time_ns();
	vlapic_tsc_deadline_write(A0, 3000000, 1000000, 2000000000ULL);	/* 1 ms ahead at 2 GHz */
	assert_int_equal(vlapic_tsc_deadline_read(A0), 3000000);
	assert_true(A0->timer_deadline >= now + 1000000 && A0->timer_deadline < now + 2000000);
	A0->timer_deadline = 1;
	fake_timer_fire(&A0->timer);
	assert_int_equal(rd(A0, APIC_IRR + 0x10), BIT(0x13));
	assert_int_equal(vlapic_tsc_deadline_read(A0), 0);
	/* A deadline in the past fires at once; 0 disarms. */
	vlapic_tsc_deadline_write(A0, 10, 1000, 1000000000ULL);
	assert_true(A0->timer_deadline <= arch_time_ns());
	vlapic_tsc_deadline_write(A0, 0, 1000, 1000000000ULL);
	assert_false(A0->timer.armed);
	/* Leaving the mode disarms. */
	vlapic_tsc_deadline_write(A0, 1ULL << 40, 1000, 1000000000ULL);
	wr(A0, APIC_LVT_TIMER, 0x33);
	assert_false(A0->timer.armed);
	assert_int_equal(vlapic_tsc_deadline_read(A0), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_reset_and_writes),
		T(test_ap_reset_state),
		T(test_svr_disable_masks_lvts),
		T(test_mmio_widths),
		T(test_reserved_offsets_set_esr),
		T(test_apic_base_transitions),
		T(test_apic_base_relocation_and_bsp),
		T(test_global_disable_resets),
		T(test_x2apic_rows),
		T(test_x2apic_self_ipi_and_icr),
		T(test_priority_and_eoi),
		T(test_illegal_vectors),
		T(test_physical_and_shorthands),
		T(test_logical_flat_and_cluster),
		T(test_x2apic_cluster),
		T(test_lowest_priority_one_target),
		T(test_init_sipi),
		T(test_nmi_and_absent_ids),
		T(test_timer_divisors),
		T(test_timer_one_shot),
		T(test_timer_periodic),
		T(test_timer_tsc_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
