/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c arch/arm64/gic/vgic.c arch/arm64/gic/vgic_dist.c arch/arm64/gic/vgic_redist.c arch/arm64/gic/vgic_mmio.c arch/arm64/gic/vgic_lr.c arch/arm64/gic/vgic_sgi.c arch/arm64/gic/vgic_phys.c */
/* CFLAGS: -Iarch/arm64/include -Iarch/arm64/gic */
#include "test_support.h"
#include "fake_arm64.h"

#include <unistd.h>
#include "vgic_internal.h"

/*
 * Delivery: the list-register allocator (priority order, more pending
 * interrupts than LRs through the underflow maintenance interrupt, EOI
 * and deactivation), SGIs through ICC_SGI1R_EL1, the virtual timer PPI,
 * SPIs from VMM devices and from the hardware, and kicks.
 */

#define DIST	0x08000000ULL
#define REDIST	0x080a0000ULL

static struct vm *vm;

static int setup(void **state)
{
	vm = fake_vm_create(4, DIST, REDIST);
	assert_int_equal(vm_finalize(vm), 0);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	memset(&fake_ich, 0, sizeof(fake_ich));
	fake_nr_lrs = 4;
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	fake_run_once = NULL;
	return 0;
}

static struct vcpu *V(u32 i)
{
	return vm->vcpus[i];
}

static void dwr(u64 off, u32 v)
{
	u64 val = v;

	assert_int_equal(vm_emulated_access(vm, V(0), DIST + off, 4, true, &val), 0);
}

static u32 drd(u64 off)
{
	u64 v;

	assert_int_equal(vm_emulated_access(vm, V(0), DIST + off, 4, false, &v), 0);
	return (u32)v;
}

static void rwr(u32 cpu, u64 off, u32 v)
{
	u64 val = v;

	assert_int_equal(vm_emulated_access(vm, V(0), REDIST + cpu * VGIC_REDIST_SIZE + off, 4,
					    true, &val), 0);
}

static u32 rrd(u32 cpu, u64 off)
{
	u64 v;

	assert_int_equal(vm_emulated_access(vm, V(0), REDIST + cpu * VGIC_REDIST_SIZE + off, 4,
					    false, &v), 0);
	return (u32)v;
}

static void set_prio(u32 intid, u8 prio)
{
	u64 v = prio;

	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IPRIORITYR(0) + intid, 1, true,
					    &v), 0);
}

/* An edge SPI, enabled, with @prio, routed to @cpu. */
static void spi_edge(u32 intid, u8 prio, u32 cpu)
{
	u64 route = cpu;

	dwr(GICD_ICFGR(intid / 16), drd(GICD_ICFGR(intid / 16)) | 2u << (intid % 16 * 2));
	set_prio(intid, prio);
	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IROUTER(intid), 8, true, &route),
			 0);
	dwr(GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

/* The guest turned its Group 1 on and its priority mask fully open. */
static void guest_enables_group1(struct vcpu *vcpu)
{
	vgic_flush_lrs(vcpu);
	fake_ich.vmcr = ICH_VMCR_ENG1 | 0xffULL << ICH_VMCR_PMR_SHIFT;
	vgic_sync_lrs(vcpu);
}

/*
 * Runs @vcpu's guest until nothing is left: each entry, it takes and
 * completes interrupts in the order the virtual CPU interface offers
 * them, and exits at the underflow maintenance interrupt. Returns how
 * many it took; their INTIDs in @seen.
 */
static u32 run_guest(struct vcpu *vcpu, u32 *seen, u32 max, u32 *entries)
{
	u32 n = 0;
	int id;

	*entries = 0;
	for (;;) {
		vgic_flush_lrs(vcpu);
		(*entries)++;
		if (!fake_valid_lrs()) {
			vgic_sync_lrs(vcpu);
			return n;
		}
		while ((id = fake_guest_ack()) >= 0) {
			assert_true(n < max);
			seen[n++] = (u32)id;
			fake_guest_eoi((u32)id);
			if (fake_underflow())
				break;
		}
		vgic_sync_lrs(vcpu);
	}
}

static void test_more_pending_than_lrs_in_priority_order(void **state)
{
	static const u8 prio[10] = { 0x80, 0x10, 0xf0, 0x40, 0x20, 0x90, 0x08, 0x60, 0x30, 0x50 };
	u32 seen[16], entries, i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	for (i = 0; i < 10; i++) {
		spi_edge(40 + i, prio[i], 0);
		dwr(GICD_ISPENDR(1), 1u << (8 + i));
	}
	/* First entry: the four most urgent, and a request for the underflow interrupt. */
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 4);
	assert_true(fake_ich.hcr & ICH_HCR_UIE);
	assert_true(fake_ich.hcr & ICH_HCR_EN);
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 46);
	assert_int_equal(LR_INTID(fake_ich.lr[1]), 41);
	assert_int_equal(LR_PRIO(fake_ich.lr[1]), 0x10);
	assert_true(fake_ich.lr[0] & ICH_LR_GROUP);
	vgic_sync_lrs(V(0));

	assert_int_equal(run_guest(V(0), seen, 16, &entries), 10);
	for (i = 1; i < 10; i++)
		assert_true(prio[seen[i - 1] - 40] < prio[seen[i] - 40]);
	/* 4 LRs, refilled at each underflow: more than one entry, none wasted at the end. */
	assert_true(entries >= 4);
	assert_int_equal(drd(GICD_ISPENDR(1)), 0);
	assert_int_equal(drd(GICD_ISACTIVER(1)), 0);
	assert_false(fake_ich.hcr & ICH_HCR_EN);
}

static void test_equal_priorities_by_intid(void **state)
{
	u32 seen[8], entries, i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	for (i = 0; i < 6; i++)
		spi_edge(100 - i, 0x40, 0);
	for (i = 0; i < 6; i++)
		dwr(GICD_ISPENDR((100 - i) / 32), 1u << ((100 - i) % 32));
	assert_int_equal(run_guest(V(0), seen, 8, &entries), 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(seen[i], 95 + i);
}

static void test_active_keeps_an_lr(void **state)
{
	u32 i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(33, 0xf0, 0);
	dwr(GICD_ISACTIVER(1), 1u << 1);
	for (i = 0; i < 5; i++) {
		spi_edge(50 + i, 0x10, 0);
		dwr(GICD_ISPENDR(1), 1u << (18 + i));
	}
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 33);
	assert_int_equal(LR_STATE(fake_ich.lr[0]), ICH_LR_ACTIVE);
	/* The guest deactivates it: it leaves the LRs and stays inactive. */
	fake_guest_eoi(33);
	vgic_sync_lrs(V(0));
	assert_int_equal(drd(GICD_ISACTIVER(1)) & 2, 0);
}

/* EOIs of active interrupts that found no LR arrive as EOIcount. */
static void test_eoicount_deactivates_the_overflow(void **state)
{
	u32 i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	for (i = 0; i < 5; i++) {
		spi_edge(64 + i, (u8)(0x10 * (i + 1)), 0);
		dwr(GICD_ISACTIVER(2), 1u << i);
	}
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 4);
	fake_guest_eoi(68);
	assert_int_equal(fake_ich.hcr >> ICH_HCR_EOICOUNT_SHIFT & 0x1f, 1);
	vgic_sync_lrs(V(0));
	assert_int_equal(drd(GICD_ISACTIVER(2)), 0x0f);
}

static u32 overflow_notified;

static void overflow_deactivated(struct vcpu *vcpu, u32 intid)
{
	overflow_notified++;
	vgic_set_irq(vcpu->vm, vcpu, intid, false);
}

/*
 * A level interrupt deactivated through EOIcount (it was active with no
 * LR free) is reported as one deactivated in an LR: the virtual timer
 * keeps its interrupt masked at the timer until it hears of it, and would
 * never fire again otherwise.
 */
static void test_eoicount_notifies_a_level_source(void **state)
{
	u32 i;

	assert_int_equal(vgic_set_deactivate_notify(V(1), VGIC_VTIMER_INTID,
						    overflow_deactivated), 0);
	overflow_notified = 0;
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	for (i = 0; i < 4; i++) {
		spi_edge(64 + i, (u8)(0x10 * (i + 1)), 1);
		dwr(GICD_ISACTIVER(2), 1u << i);
	}
	/* The timer's interrupt: active, the least urgent, its line still high. */
	rwr(1, GICR_ISENABLER0, 1u << VGIC_VTIMER_INTID);
	rwr(1, GICR_IPRIORITYR(VGIC_VTIMER_INTID / 4), 0xf0u << 24);
	assert_int_equal(vgic_set_irq(vm, V(1), VGIC_VTIMER_INTID, true), 0);
	rwr(1, GICR_ISACTIVER0, 1u << VGIC_VTIMER_INTID);
	vgic_flush_lrs(V(1));
	assert_int_equal(fake_valid_lrs(), 4);
	for (i = 0; i < 4; i++)
		assert_int_not_equal(LR_INTID(fake_ich.lr[i]), VGIC_VTIMER_INTID);
	fake_guest_eoi(VGIC_VTIMER_INTID);
	vgic_sync_lrs(V(1));
	assert_int_equal(rrd(1, GICR_ISACTIVER0) & 1u << VGIC_VTIMER_INTID, 0);
	assert_int_equal(overflow_notified, 1);
	assert_int_equal(rrd(1, GICR_ISPENDR0) & 1u << VGIC_VTIMER_INTID, 0);
}

/*
 * A guest that clears the timer's active state through GICR_ICACTIVER0
 * (not through an LR or EOIcount) has deactivated it all the same: the
 * timer, masked until it hears of it, must hear of it.
 */
static void test_icactiver_notifies_a_level_source(void **state)
{
	assert_int_equal(vgic_set_deactivate_notify(V(1), VGIC_VTIMER_INTID,
						    overflow_deactivated), 0);
	overflow_notified = 0;
	rwr(1, GICR_ISACTIVER0, 1u << VGIC_VTIMER_INTID);
	/* A write of 0 and one to an inactive interrupt deactivate nothing. */
	rwr(1, GICR_ICACTIVER0, 0);
	rwr(1, GICR_ICACTIVER0, 1u << (VGIC_VTIMER_INTID - 1));
	assert_int_equal(overflow_notified, 0);
	rwr(1, GICR_ICACTIVER0, 1u << VGIC_VTIMER_INTID);
	assert_int_equal(rrd(1, GICR_ISACTIVER0) & 1u << VGIC_VTIMER_INTID, 0);
	assert_int_equal(overflow_notified, 1);
}

static void test_group_disabled_delivers_nothing(void **state)
{
	u32 seen[2], entries;

	spi_edge(40, 0x10, 0);
	dwr(GICD_ISPENDR(1), 1u << 8);
	assert_int_equal(run_guest(V(0), seen, 2, &entries), 0);
	/* The guest puts it in Group 0 and enables Group 0 only: it arrives, in Group 0. */
	dwr(GICD_IGROUPR(1), 0);
	dwr(GICD_CTLR, GICD_CTLR_GRP0);
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 40);
	assert_false(fake_ich.lr[0] & ICH_LR_GROUP);
	vgic_sync_lrs(V(0));
}

/* The UART's line: level-sensitive, pending for as long as the device holds it. */
static void test_device_spi_level(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	dwr(GICD_ISENABLER(1), 1u << 1);
	assert_int_equal(arch_vm_irq_line(vm, 1, true), 0);
	assert_int_equal(drd(GICD_ISPENDR(1)), 2);
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 33);
	assert_true(fake_ich.lr[0] & ICH_LR_EOI);	/* re-sampled when deactivated */
	assert_int_equal(fake_guest_ack(), 33);
	fake_guest_eoi(33);
	vgic_sync_lrs(V(0));
	/* Still high: pending again. */
	assert_int_equal(drd(GICD_ISPENDR(1)), 2);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 33);
	assert_int_equal(arch_vm_irq_line(vm, 1, false), 0);
	fake_guest_eoi(33);
	vgic_sync_lrs(V(0));
	assert_int_equal(drd(GICD_ISPENDR(1)), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 0);
	vgic_sync_lrs(V(0));
	/* A line that drops before the guest took it withdraws the interrupt. */
	assert_int_equal(arch_vm_irq_line(vm, 1, true), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(arch_vm_irq_line(vm, 1, false), 0);
	vgic_sync_lrs(V(0));
	assert_int_equal(drd(GICD_ISPENDR(1)), 0);
	/* Out-of-range lines are refused. */
	assert_int_equal(arch_vm_irq_line(vm, VGIC_NR_SPIS, true), -EINVAL);
}

/* An edge that arrives while the previous one is in an LR is not lost. */
static void test_edge_during_run_not_lost(void **state)
{
	u32 seen[4], entries;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(40, 0x10, 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 40, true), 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 40, false), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 40);
	assert_int_equal(vgic_set_irq(vm, NULL, 40, true), 0);	/* while the guest handles it */
	fake_guest_eoi(40);
	vgic_sync_lrs(V(0));
	assert_int_equal(run_guest(V(0), seen, 4, &entries), 1);
	assert_int_equal(seen[0], 40);
}

static unsigned int timer_notified;

static void timer_deactivated(struct vcpu *vcpu, u32 intid)
{
	assert_int_equal(intid, VGIC_VTIMER_INTID);
	timer_notified++;
	/* What the timer does: the condition no longer holds, the line drops. */
	vgic_set_irq(vcpu->vm, vcpu, intid, false);
}

static void test_vtimer_ppi_level(void **state)
{
	assert_int_equal(vgic_set_deactivate_notify(V(1), VGIC_VTIMER_INTID, timer_deactivated),
			 0);
	assert_int_equal(vgic_set_deactivate_notify(V(1), 3, timer_deactivated), -EINVAL);
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	rwr(1, GICR_ISENABLER0, 1u << VGIC_VTIMER_INTID);
	/* The guest cannot make it an edge. */
	rwr(1, GICR_ICFGR1, 0xffffffff);
	assert_int_equal(rrd(1, GICR_ICFGR1), 0);
	assert_int_equal(vgic_set_irq(vm, V(1), VGIC_VTIMER_INTID, true), 0);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 1u << 27);
	assert_int_equal(rrd(0, GICR_ISPENDR0), 0);
	vgic_flush_lrs(V(1));
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 27);
	assert_true(fake_ich.lr[0] & ICH_LR_EOI);
	assert_int_equal(fake_guest_ack(), 27);
	vgic_sync_lrs(V(1));
	assert_int_equal(timer_notified, 0);	/* active, not yet deactivated */
	vgic_flush_lrs(V(1));
	assert_int_equal(LR_STATE(fake_ich.lr[0]), ICH_LR_ACTIVE);
	fake_guest_eoi(27);
	vgic_sync_lrs(V(1));
	assert_int_equal(timer_notified, 1);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 0);
	/* Private interrupts need a vCPU of this VM. */
	assert_int_equal(vgic_set_irq(vm, NULL, 27, true), -ENODEV);
	assert_int_equal(vgic_set_irq(vm, V(1), VGIC_MAX_INTID, true), -EINVAL);
}

static u64 sgi1r(u32 intid, u32 targets, u32 aff1, u32 rs, bool irm)
{
	return (u64)targets | (u64)aff1 << ICC_SGI1R_AFF1_SHIFT |
	       (u64)intid << ICC_SGI1R_INTID_SHIFT | (u64)rs << ICC_SGI1R_RS_SHIFT |
	       (irm ? ICC_SGI1R_IRM : 0);
}

static void test_sgi_by_affinity(void **state)
{
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(5, 0xa, 0, 0, false), false), 0);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 1u << 5);
	assert_int_equal(rrd(3, GICR_ISPENDR0), 1u << 5);
	assert_int_equal(rrd(0, GICR_ISPENDR0) | rrd(2, GICR_ISPENDR0), 0);
	assert_int_equal(fake_kicks[1], 1);
	assert_int_equal(fake_kicks[3], 1);
	assert_int_equal(fake_kicks[2], 0);
	/* Aff0 16 (RS 1) and Aff1 1 name no vCPU: ignored. */
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(6, 0x1, 0, 1, false), false), 0);
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(6, 0x1, 1, 0, false), false), 0);
	assert_int_equal(rrd(0, GICR_ISPENDR0) & BIT(6), 0);
	/* IRM: everyone but the sender. */
	assert_int_equal(vgic_sgi_write(V(2), sgi1r(7, 0, 0, 0, true), false), 0);
	assert_int_equal(rrd(0, GICR_ISPENDR0), 1u << 7);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 1u << 5 | 1u << 7);
	assert_int_equal(rrd(2, GICR_ISPENDR0), 0);
	assert_int_equal(rrd(3, GICR_ISPENDR0), 1u << 5 | 1u << 7);
	/* To itself. */
	assert_int_equal(vgic_sgi_write(V(2), sgi1r(15, 0x4, 0, 0, false), false), 0);
	assert_int_equal(rrd(2, GICR_ISPENDR0), 1u << 15);
}

/*
 * ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 (group0_only): only an SGI that is
 * Group 0 at the target becomes pending; SGI1R raises either group.
 */
static void test_sgi_group0_only(void **state)
{
	/* SGI 3 is Group 0 at vCPU 1, Group 1 (the reset value) at vCPU 3. */
	rwr(1, GICR_IGROUPR0, ~(u32)BIT(3));
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(3, 0xa, 0, 0, false), true), 0);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 1u << 3);
	assert_int_equal(rrd(3, GICR_ISPENDR0), 0);
	/* IRM as well: vCPU 3's Group 1 SGI stays idle, vCPU 1's is already pending. */
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(3, 0, 0, 0, true), true), 0);
	assert_int_equal(rrd(3, GICR_ISPENDR0), 0);
	/* SGI1R: both groups. */
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(3, 0x8, 0, 0, false), false), 0);
	assert_int_equal(rrd(3, GICR_ISPENDR0), 1u << 3);
}

/* Every pair of vCPUs: the SGI arrives at the target only, once. */
static void test_sgi_every_pair(void **state)
{
	u32 from, to, seen[4], entries, i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	for (i = 0; i < 4; i++)
		rwr(i, GICR_ISENABLER0, 0xffff);
	for (from = 0; from < 4; from++) {
		for (to = 0; to < 4; to++) {
			u64 val = sgi1r(from * 4 + to, 1u << to, 0, 0, false);

			assert_int_equal(vgic_sgi_write(V(from), val, false), 0);
			for (i = 0; i < 4; i++) {
				u32 n = run_guest(V(i), seen, 4, &entries);

				assert_int_equal(n, i == to);
				if (n)
					assert_int_equal(seen[0], from * 4 + to);
			}
		}
	}
}

/* A pending interrupt for a vCPU on another CPU kicks that CPU; one on this CPU needs no IPI. */
static void test_kicks(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(44, 0x10, 2);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	__atomic_store_n(&V(2)->requests, 0, __ATOMIC_RELAXED);
	assert_int_equal(vgic_set_irq(vm, NULL, 44, true), 0);
	assert_int_equal(fake_kicks[2], 1);
	assert_true(V(2)->requests & VCPU_REQ_EVENT);
	/* Disabled interrupts becoming pending wake nobody. */
	dwr(GICD_ICENABLER(1), 1u << 12);
	dwr(GICD_ICPENDR(1), 1u << 12);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	assert_int_equal(vgic_set_irq(vm, NULL, 44, false), 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 44, true), 0);
	assert_int_equal(fake_kicks[2], 0);
	/* Enabling it does. */
	dwr(GICD_ISENABLER(1), 1u << 12);
	assert_int_equal(fake_kicks[2], 1);
	/* vCPU 0 runs on this CPU (0): no IPI to ourselves. */
	spi_edge(45, 0x10, 0);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	assert_int_equal(vgic_set_irq(vm, NULL, 45, true), 0);
	assert_int_equal(fake_kicks[0], 0);
	assert_true(V(0)->requests & VCPU_REQ_EVENT);
}

/* Re-routing an SPI that sits in one vCPU's LRs never puts it in a second vCPU's. */
static void test_reroute_while_in_lr(void **state)
{
	u64 route = 1;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(60, 0x10, 0);
	dwr(GICD_ISPENDR(1), 1u << 28);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 60);
	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IROUTER(60), 8, true, &route),
			 0);
	{
		struct vgic_ich_state saved = fake_ich;

		vgic_flush_lrs(V(1));
		assert_int_equal(fake_valid_lrs(), 0);
		vgic_sync_lrs(V(1));
		fake_ich = saved;
	}
	fake_guest_eoi(60);
	vgic_sync_lrs(V(0));
	assert_int_equal(drd(GICD_ISACTIVER(1)), 0);
}

static void test_vcpu_pending_follows_the_guest_mask(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(70, 0xf8, 1);
	dwr(GICD_ISPENDR(2), 1u << 6);
	/* The guest has not enabled Group 1 in its CPU interface yet. */
	assert_false(vgic_vcpu_pending(V(1)));
	guest_enables_group1(V(1));
	assert_true(vgic_vcpu_pending(V(1)));
	assert_false(vgic_vcpu_pending(V(0)));
	/* A priority mask at the interrupt's own priority masks it. */
	vgic_flush_lrs(V(1));
	fake_ich.vmcr = ICH_VMCR_ENG1 | 0xf8ULL << ICH_VMCR_PMR_SHIFT;
	vgic_sync_lrs(V(1));
	assert_false(vgic_vcpu_pending(V(1)));
}

/* In a handler of priority 0x40, only what could preempt it ends a WFI. */
static void test_vcpu_pending_follows_running_priority(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(71, 0x40, 1);
	dwr(GICD_ISPENDR(2), 1u << 7);
	vgic_flush_lrs(V(1));
	fake_ich.vmcr = ICH_VMCR_ENG1 | 0xffULL << ICH_VMCR_PMR_SHIFT;
	fake_ich.ap1r[0] = BIT(0x40 >> 3);
	vgic_sync_lrs(V(1));
	assert_false(vgic_vcpu_pending(V(1)));
	/* Same priority group, lower subpriority bits: still no preemption. */
	set_prio(71, 0x38);
	assert_true(vgic_vcpu_pending(V(1)));
	set_prio(71, 0x47);
	assert_false(vgic_vcpu_pending(V(1)));
	/* The handler's EOI dropped the priority: it may come. */
	vgic_flush_lrs(V(1));
	fake_ich.ap1r[0] = 0;
	vgic_sync_lrs(V(1));
	assert_true(vgic_vcpu_pending(V(1)));
}

static int block_then_halt(struct vcpu *vcpu)
{
	static __thread int calls;

	if (calls++ == 0)
		return VCPU_BLOCK;
	vcpu->run.exit_reason = HV_EXIT_HLT;
	return 0;
}

static void *run_vcpu1(void *arg)
{
	fake_cpu = 1;
	*(int *)arg = vcpu_run(V(1));
	return NULL;
}

/* A WFI wait ends when an SGI for the vCPU arrives from another. */
static void test_wfi_woken_by_sgi(void **state)
{
	pthread_t t;
	int ret = -1;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	rwr(1, GICR_ISENABLER0, 1u << 2);
	guest_enables_group1(V(1));
	assert_int_equal(vcpu_power_on(V(1), &(struct vcpu_boot){ .mode = VCPU_BOOT_ARM64_EL1 }),
			 0);
	fake_run_once = block_then_halt;
	assert_int_equal(pthread_create(&t, NULL, run_vcpu1, &ret), 0);
	usleep(20000);
	assert_int_equal(ret, -1);
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(2, 0x2, 0, 0, false), false), 0);
	pthread_join(t, NULL);
	assert_int_equal(ret, 0);
	assert_int_equal(V(1)->run.exit_reason, HV_EXIT_HLT);
}

static void test_passthrough_spi(void **state)
{
	struct vm *other = fake_vm_create(1, DIST, REDIST);
	struct vm *vm2 = fake_vm_create(3, DIST, REDIST);
	u64 route = 2;

	assert_int_equal(vgic_assign_spi(vm2, 48), 0);
	assert_int_equal(vgic_assign_spi(vm2, 48), -EALREADY);
	assert_int_equal(vgic_assign_spi(other, 48), -EEXIST);
	assert_int_equal(vgic_assign_spi(other, 20), -EINVAL);
	assert_int_equal(vgic_assign_spi(other, VGIC_MAX_INTID), -EINVAL);
	/* Nobody owns it yet from the hardware's point of view: masked, the caller EOIs. */
	assert_false(vgic_handle_phys_irq(49));
	assert_int_equal(vm_finalize(vm2), 0);
	assert_int_equal(vgic_assign_spi(vm2, 49), -EBUSY);
	/* Routed to the CPU of the vCPU the guest routes it to (vCPU 0 out of reset). */
	assert_int_equal(fake_spi_route[48], percpu_data[0].hw_id);
	assert_true(fake_spi_enabled[48]);
	assert_int_equal(vm_emulated_access(vm2, vm2->vcpus[0], DIST + GICD_IROUTER(48), 8, true,
					    &route), 0);
	assert_int_equal(fake_spi_route[48], percpu_data[2].hw_id);

	{
		struct vm *save = vm;

		vm = vm2;
		dwr(GICD_CTLR, GICD_CTLR_GRP1);
		dwr(GICD_ISENABLER(1), 1u << 16);
		assert_true(vgic_handle_phys_irq(48));
		assert_false(fake_spi_enabled[48]);
		assert_int_equal(fake_eois[48], 1);
		assert_int_equal(drd(GICD_ISPENDR(1)), 1u << 16);
		vgic_flush_lrs(V(2));
		assert_true(fake_ich.lr[0] & ICH_LR_EOI);
		assert_int_equal(fake_guest_ack(), 48);
		fake_guest_eoi(48);
		vgic_sync_lrs(V(2));
		assert_true(fake_spi_enabled[48]);
		/*
		 * Active again; deactivated this time by GICD_ICACTIVER: its
		 * physical twin, masked meanwhile, is unmasked as by the LR.
		 */
		assert_true(vgic_handle_phys_irq(48));
		vgic_flush_lrs(V(2));
		assert_int_equal(fake_guest_ack(), 48);
		vgic_sync_lrs(V(2));
		assert_false(fake_spi_enabled[48]);
		assert_int_equal(drd(GICD_ISACTIVER(1)), 1u << 16);
		dwr(GICD_ICACTIVER(1), 1u << 16);
		assert_int_equal(drd(GICD_ISACTIVER(1)), 0);
		assert_true(fake_spi_enabled[48]);
		vm = save;
	}
	vm_destroy(vm2);
	assert_false(fake_spi_enabled[48]);
	assert_false(vgic_handle_phys_irq(48));
	assert_int_equal(vgic_assign_spi(other, 48), 0);
	vm_destroy(other);
}

/* An SPI driven while the VM is CREATED keeps its level and arrives once it is FINALIZED. */
static void test_spi_before_finalize(void **state)
{
	struct vm *early = fake_vm_create(2, DIST, REDIST);
	struct vm *save = vm;

	assert_int_equal(arch_vm_irq_line(early, 5, true), 0);
	assert_int_equal(vgic_set_irq(early, early->vcpus[0], 27, true), -ENODEV);
	assert_int_equal(vm_finalize(early), 0);
	vm = early;
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	dwr(GICD_ISENABLER(1), 1u << 5);
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_INTID(fake_ich.lr[0]), 37);
	vgic_sync_lrs(V(0));
	vm = save;
	vm_destroy(early);
}

/* A level-sensitive interrupt that is active never shares its LR with a pending state. */
static void test_level_active_not_pending_in_lr(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	dwr(GICD_ISENABLER(1), 1u << 2);
	assert_int_equal(arch_vm_irq_line(vm, 2, true), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 34);
	vgic_sync_lrs(V(0));
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_STATE(fake_ich.lr[0]), ICH_LR_ACTIVE);
	fake_guest_eoi(34);
	vgic_sync_lrs(V(0));
	/* Deactivated with the line still high: offered again, pending. */
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_STATE(fake_ich.lr[0]), ICH_LR_PENDING);
	vgic_sync_lrs(V(0));
}

/* An edge while its previous instance is active: both states in one LR, taken again after. */
static void test_edge_active_and_pending(void **state)
{
	u32 seen[4], entries;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(41, 0x20, 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 41, true), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 41);
	vgic_sync_lrs(V(0));
	assert_int_equal(vgic_set_irq(vm, NULL, 41, false), 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 41, true), 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(LR_STATE(fake_ich.lr[0]), ICH_LR_ACTIVE | ICH_LR_PENDING);
	assert_int_equal(LR_PRIO(fake_ich.lr[0]), 0x20);
	fake_guest_eoi(41);
	vgic_sync_lrs(V(0));
	assert_int_equal(run_guest(V(0), seen, 4, &entries), 1);
	assert_int_equal(seen[0], 41);
}

/* Routed to an affinity no vCPU has: nobody gets it until it is routed back. */
static void test_route_to_nobody(void **state)
{
	u64 route = 7, back = 1;
	u32 i;

	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(50, 0x10, 0);
	for (i = 0; i < 4; i++)
		guest_enables_group1(V(i));
	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IROUTER(50), 8, true, &route),
			 0);
	assert_int_equal(vgic_set_irq(vm, NULL, 50, true), 0);
	for (i = 0; i < 4; i++)
		assert_false(vgic_vcpu_pending(V(i)));
	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IROUTER(50), 8, false, &route),
			 0);
	assert_int_equal(route, 7);
	assert_int_equal(vm_emulated_access(vm, V(0), DIST + GICD_IROUTER(50), 8, true, &back),
			 0);
	assert_true(vgic_vcpu_pending(V(1)));
	assert_false(vgic_vcpu_pending(V(0)));
}

/* Turning the group off at the distributor takes a pending interrupt out of the LRs. */
static void test_group_disable_withdraws(void **state)
{
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(45, 0x10, 0);
	dwr(GICD_ISPENDR(1), 1u << 13);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 1);
	vgic_sync_lrs(V(0));
	dwr(GICD_CTLR, 0);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 0);
	vgic_sync_lrs(V(0));
	/* Still pending, in memory, for when the group comes back. */
	assert_int_equal(drd(GICD_ISPENDR(1)), 1u << 13);
}

/* One LR only: the refill is asked for when no LR is pending, not at underflow. */
static void test_single_lr_refills_on_no_pending(void **state)
{
	struct vm *one, *save = vm;
	int id;

	fake_nr_lrs = 1;
	one = fake_vm_create(1, DIST, REDIST);
	assert_int_equal(vm_finalize(one), 0);
	vm = one;
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(40, 0x20, 0);
	spi_edge(41, 0x10, 0);
	dwr(GICD_ISPENDR(1), 3u << 8);
	vgic_flush_lrs(V(0));
	assert_false(fake_ich.hcr & ICH_HCR_UIE);
	assert_true(fake_ich.hcr & ICH_HCR_NPIE);
	id = fake_guest_ack();
	assert_int_equal(id, 41);
	fake_guest_eoi(41);
	vgic_sync_lrs(V(0));
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_guest_ack(), 40);
	assert_false(fake_ich.hcr & (ICH_HCR_UIE | ICH_HCR_NPIE));
	fake_guest_eoi(40);
	vgic_sync_lrs(V(0));
	vm = save;
	vm_destroy(one);
	fake_nr_lrs = 4;
}

static void *stale_lrs_thread(void *arg)
{
	u32 i;

	fake_cpu = 5;
	/* Whatever the LRs of a CPU hold before its first load (UNKNOWN), or a previous VM left. */
	for (i = 0; i < VGIC_MAX_LRS; i++)
		fake_ich.lr[i] = ICH_LR_PENDING | ICH_LR_GROUP | (32 + i);
	vgic_flush_lrs(V(3));
	*(u32 *)arg = fake_valid_lrs();
	vgic_sync_lrs(V(3));
	return NULL;
}

/* Only the LRs that may hold something are rewritten, and on a new CPU that is all of them. */
static void test_stale_lrs_cleared(void **state)
{
	pthread_t t;
	u32 valid = ~0u;

	assert_int_equal(pthread_create(&t, NULL, stale_lrs_thread, &valid), 0);
	pthread_join(t, NULL);
	assert_int_equal(valid, 0);
	/* On this CPU, vCPU 0 leaves two LRs pending; vCPU 1, clean, must not see them. */
	dwr(GICD_CTLR, GICD_CTLR_GRP1);
	spi_edge(40, 0x10, 0);
	spi_edge(41, 0x10, 0);
	dwr(GICD_ISPENDR(1), 3u << 8);
	vgic_flush_lrs(V(0));
	assert_int_equal(fake_valid_lrs(), 2);
	vgic_sync_lrs(V(0));
	vgic_flush_lrs(V(1));
	assert_int_equal(fake_valid_lrs(), 0);
	vgic_sync_lrs(V(1));
}

/* Affinity levels above Aff0 and the RES0 bits of ICC_SGI1R_EL1 name no vCPU of ours. */
static void test_sgi_upper_affinity(void **state)
{
	u64 aff2 = 1ULL << ICC_SGI1R_AFF2_SHIFT, aff3 = 1ULL << ICC_SGI1R_AFF3_SHIFT;

	assert_int_equal(vgic_sgi_write(V(0), sgi1r(4, 0x2, 0, 0, false) | aff2, false), 0);
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(4, 0x2, 0, 0, false) | aff3, false), 0);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 0);
	/* RES0 bits (28-31, 41-43) are ignored. */
	assert_int_equal(vgic_sgi_write(V(0), sgi1r(4, 0x2, 0, 0, false) | 0xf0000000ULL |
					0x0e0000000000ULL, false), 0);
	assert_int_equal(rrd(1, GICR_ISPENDR0), 1u << 4);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_more_pending_than_lrs_in_priority_order),
		T(test_equal_priorities_by_intid),
		T(test_active_keeps_an_lr),
		T(test_eoicount_deactivates_the_overflow),
		T(test_eoicount_notifies_a_level_source),
		T(test_icactiver_notifies_a_level_source),
		T(test_group_disabled_delivers_nothing),
		T(test_device_spi_level),
		T(test_edge_during_run_not_lost),
		T(test_vtimer_ppi_level),
		T(test_sgi_by_affinity),
		T(test_sgi_group0_only),
		T(test_sgi_every_pair),
		T(test_kicks),
		T(test_reroute_while_in_lr),
		T(test_vcpu_pending_follows_the_guest_mask),
		T(test_vcpu_pending_follows_running_priority),
		T(test_wfi_woken_by_sgi),
		T(test_passthrough_spi),
		T(test_spi_before_finalize),
		T(test_level_active_not_pending_in_lr),
		T(test_edge_active_and_pending),
		T(test_route_to_nobody),
		T(test_group_disable_withdraws),
		T(test_sgi_upper_affinity),
		T(test_stale_lrs_cleared),
		T(test_single_lr_refills_on_no_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
