/*
 * The arm64 back end's VM plumbing on the host, with the real vGIC
 * (arch/arm64/gic/vgic*.c) under core/vm.c and core/vcpu.c. Only the
 * hardware is fake: the ICH registers (one set per thread, as each
 * physical CPU has its own), the host GIC's SPI routing, and the guest,
 * which a test plays through fake_run_once and the fake_guest_* helpers
 * acting on the list registers as the virtual CPU interface would.
 * Include once per test program, after test_support.h.
 */
#ifndef TESTS_FAKE_ARM64_H
#define TESTS_FAKE_ARM64_H

#include <asm/gic.h>
#include <asm/vgic.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include "fake_platform.h"

/* ---- the ICH registers ---- */

static u32 fake_nr_lrs = 4;
static __thread struct vgic_ich_state fake_ich;
static __thread unsigned int fake_ich_loads;

u32 vgic_ich_nr_lrs(void)
{
	return fake_nr_lrs;
}

/* QEMU's: ICH_VTR_EL2 = 0x90b80003. */
u32 vgic_ich_pre_bits(void)
{
	return 5;
}

/* Like the hardware: LRs past @nr_lrs keep what they held. */
void vgic_ich_load(const struct vgic_ich_state *s, u32 nr_lrs)
{
	struct vgic_ich_state hw = *s;

	memcpy(&hw.lr[nr_lrs], &fake_ich.lr[nr_lrs], (VGIC_MAX_LRS - nr_lrs) * sizeof(u64));
	fake_ich = hw;
	fake_ich_loads++;
}

void vgic_ich_save(struct vgic_ich_state *s, u32 nr_lrs)
{
	u64 lr[VGIC_MAX_LRS];

	memcpy(lr, s->lr, sizeof(lr));
	*s = fake_ich;
	memcpy(&s->lr[nr_lrs], &lr[nr_lrs], (VGIC_MAX_LRS - nr_lrs) * sizeof(u64));
	fake_ich.hcr = 0;
}

#define LR_STATE(lr)	((lr) & (ICH_LR_PENDING | ICH_LR_ACTIVE))
#define LR_PRIO(lr)	((u8)((lr) >> ICH_LR_PRIORITY_SHIFT))
#define LR_INTID(lr)	((u32)((lr) & ICH_LR_VINTID_MASK))

/* The guest acknowledges: the most urgent pending LR becomes active. -1 if none. */
static inline int fake_guest_ack(void)
{
	int best = -1;
	u32 i;

	for (i = 0; i < fake_nr_lrs; i++) {
		u64 lr = fake_ich.lr[i];

		if (LR_STATE(lr) != ICH_LR_PENDING)
			continue;
		if (best < 0 || LR_PRIO(lr) < LR_PRIO(fake_ich.lr[best]))
			best = (int)i;
	}
	if (best < 0)
		return -1;
	fake_ich.lr[best] = (fake_ich.lr[best] & ~ICH_LR_PENDING) | ICH_LR_ACTIVE;
	return (int)LR_INTID(fake_ich.lr[best]);
}

/* EOImode 0: priority drop and deactivation; an INTID in no LR counts in EOIcount. */
static inline void fake_guest_eoi(u32 intid)
{
	u32 i;

	for (i = 0; i < fake_nr_lrs; i++) {
		if (LR_INTID(fake_ich.lr[i]) == intid && (fake_ich.lr[i] & ICH_LR_ACTIVE)) {
			fake_ich.lr[i] &= ~ICH_LR_ACTIVE;
			return;
		}
	}
	fake_ich.hcr += 1ULL << ICH_HCR_EOICOUNT_SHIFT;
}

static inline u32 fake_valid_lrs(void)
{
	u32 i, n = 0;

	for (i = 0; i < fake_nr_lrs; i++)
		n += LR_STATE(fake_ich.lr[i]) != 0;
	return n;
}

/* The maintenance interrupt's underflow condition. */
static inline bool fake_underflow(void)
{
	return (fake_ich.hcr & ICH_HCR_EN) && (fake_ich.hcr & ICH_HCR_UIE) && fake_valid_lrs() <= 1;
}

/* ---- the host GIC ---- */

static u64 fake_spi_route[1024];
static bool fake_spi_enabled[1024];
static unsigned int fake_eois[1024];

void gic_spi_route(u32 intid, u64 mpidr)
{
	fake_spi_route[intid] = mpidr;
}

void gic_spi_enable(u32 intid)
{
	fake_spi_enabled[intid] = true;
}

void gic_spi_disable(u32 intid)
{
	fake_spi_enabled[intid] = false;
}

void gic_eoi(u32 intid)
{
	fake_eois[intid]++;
}

/* ---- the arch interface ---- */

static int fake_finalize_ret;
static int (*fake_run_once)(struct vcpu *vcpu);

u64 arch_vm_gpa_limit(void)
{
	return 1ULL << 40;
}

int arch_vm_init(struct vm *vm)
{
	vm->arch = NULL;
	return 0;
}

void arch_vm_destroy(struct vm *vm)
{
	vgic_vm_destroy(vm);
}

int arch_vm_add_regions(struct vm *vm)
{
	return vgic_add_regions(vm);
}

int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	return 0;
}

int arch_vm_map_shared(struct vm *vm, u64 gpa, paddr_t pa, u64 size, bool writable)
{
	return 0;
}

int arch_vm_map_device(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	return 0;
}

int arch_vm_passthrough_ports(struct vm *vm, u32 base, u32 count)
{
	return -EOPNOTSUPP;
}

int arch_vm_passthrough_irq(struct vm *vm, u32 host, u32 guest)
{
	return vgic_assign_spi(vm, VGIC_NR_PRIVATE + host);
}

/* A failure injected by the test comes after the vGIC allocated its state. */
int arch_vm_finalize(struct vm *vm)
{
	int err = vgic_finalize(vm);

	return err ? err : fake_finalize_ret;
}

int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	return vgic_set_irq(vm, NULL, VGIC_NR_PRIVATE + irq, level);
}

int arch_vcpu_init(struct vcpu *vcpu)
{
	return 0;
}

void arch_vcpu_destroy(struct vcpu *vcpu)
{
}

int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	return 0;
}

int arch_vcpu_run_once(struct vcpu *vcpu)
{
	return fake_run_once ? fake_run_once(vcpu) : -EIO;
}

int arch_vcpu_complete(struct vcpu *vcpu, u32 completion)
{
	return 0;
}

bool arch_vcpu_has_event(struct vcpu *vcpu)
{
	return vgic_vcpu_pending(vcpu);
}

void arch_timer_program(u64 deadline_ns)
{
}

/* A VM of @n vCPUs (vCPU i on physical CPU i) with 16 MiB of RAM at 0x40000000 and a vGIC. */
static inline struct vm *fake_vm_create(u32 n, u64 dist, u64 redist)
{
	struct vgic_config cfg = { dist, redist };
	struct vm *vm = vm_create("vgic");
	u32 i;

	assert_non_null(vm);
	assert_int_equal(vm_add_ram(vm, 0x40000000, 16 << 20), 0);
	for (i = 0; i < n; i++) {
		percpu_data[i].hw_id = 0x100 * i;
		assert_non_null(vm_add_vcpu(vm, i));
	}
	assert_int_equal(vgic_vm_init(vm, &cfg), 0);
	return vm;
}

#endif
