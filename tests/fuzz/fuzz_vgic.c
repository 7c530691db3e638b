/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c arch/arm64/gic/vgic.c arch/arm64/gic/vgic_dist.c arch/arm64/gic/vgic_redist.c arch/arm64/gic/vgic_mmio.c arch/arm64/gic/vgic_lr.c arch/arm64/gic/vgic_sgi.c arch/arm64/gic/vgic_phys.c */
/* CFLAGS: -Iarch/arm64/include -Iarch/arm64/gic */
/*
 * libFuzzer target for the vGIC: the input is a program of 16-byte
 * operations that a guest and its devices could perform, on a finalized
 * VM of 4 vCPUs: any access (offset, width, value) to the distributor
 * or a redistributor, ICC_SGI1R_EL1 writes, device lines, and guest
 * runs that take and complete interrupts. Besides ASan/UBSan it checks:
 *   - no access inside the GIC frames ever misses the vGIC (it would be
 *     an MMIO exit), and reads of nothing the row allows read 0;
 *   - every LR holds a distinct INTID below 128, routed to its vCPU, and
 *     no interrupt is in two vCPUs' LRs at once;
 *   - every pending or active interrupt is in its target's live set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "fake_arm64.h"
#include "vgic_internal.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

#define DIST		0x08000000ULL
#define REDIST		0x080a0000ULL
#define NR_VCPUS	4
#define OP_SIZE		16

struct op {
	u8 kind, vcpu, size, arg;
	u32 offset;
	u64 value;
};

static struct op decode(const u8 *p)
{
	struct op o;

	o.kind = p[0];
	o.vcpu = p[1] % NR_VCPUS;
	o.size = p[2];
	o.arg = p[3];
	memcpy(&o.offset, p + 4, 4);
	memcpy(&o.value, p + 8, 8);
	return o;
}

static struct vm *make_vm(void)
{
	struct vgic_config cfg = { DIST, REDIST };
	struct vm *vm = vm_create("fuzz");
	u32 i;

	CHECK(vm && !vm_add_ram(vm, 0x40000000, 0x10000));
	for (i = 0; i < NR_VCPUS; i++)
		CHECK(vm_add_vcpu(vm, i));
	CHECK(!vgic_vm_init(vm, &cfg) && !vm_finalize(vm));
	return vm;
}

static void gic_access(struct vm *vm, const struct op *o)
{
	bool redist = o->kind & 1, write = o->kind & 2;
	u64 span = redist ? NR_VCPUS * VGIC_REDIST_SIZE : VGIC_DIST_SIZE;
	u64 gpa = (redist ? REDIST : DIST) + o->offset % span, v = o->value;
	/* Every width, the odd ones too: the dispatcher must refuse them itself. */
	u32 size = o->size % 9;

	if (!size)
		size = 4;
	CHECK(vm_emulated_access(vm, vm->vcpus[o->vcpu], gpa, size, write, &v) == 0);
	if (!write && size != 1 && size != 2 && size != 4 && size != 8)
		CHECK(v == 0);
}

/* Guest runs on every vCPU, flushed together: no INTID may be in two vCPUs' LRs. */
static void run_all(struct vm *vm, u8 takes)
{
	struct vgic_ich_state hw[NR_VCPUS];
	bool spi_seen[VGIC_MAX_INTID] = { false };
	u32 i, j;

	for (i = 0; i < NR_VCPUS; i++) {
		bool seen[VGIC_MAX_INTID] = { false };

		vgic_flush_lrs(vm->vcpus[i]);
		for (j = 0; j < fake_nr_lrs; j++) {
			u64 lr = fake_ich.lr[j];
			u32 intid = LR_INTID(lr);

			if (!LR_STATE(lr))
				continue;
			/* Private INTIDs are per vCPU; an SPI is one interrupt for all. */
			CHECK(intid < VGIC_MAX_INTID && !seen[intid] && !spi_seen[intid]);
			seen[intid] = true;
			if (intid < VGIC_NR_PRIVATE)
				continue;
			spi_seen[intid] = true;
			CHECK(vgic_of(vm)->spis[intid - VGIC_NR_PRIVATE].target == i);
		}
		/* The guest takes and completes some, maybe leaving one active. */
		for (j = 0; j < (takes >> (2 * i) & 3u); j++) {
			int id = fake_guest_ack();

			if (id >= 0 && !(takes & 0x80 && j == 0))
				fake_guest_eoi((u32)id);
		}
		hw[i] = fake_ich;
	}
	for (i = 0; i < NR_VCPUS; i++) {
		fake_ich = hw[i];
		vgic_sync_lrs(vm->vcpus[i]);
	}
}

static void check_live_sets(struct vm *vm)
{
	struct vgic_dist *d = vgic_of(vm);
	u32 c, i;

	for (c = 0; c < NR_VCPUS; c++) {
		for (i = 0; i < VGIC_MAX_INTID; i++) {
			struct vgic_irq *irq = vgic_get_irq(d, d->cpus[c], i);

			if (irq->target == c && (vgic_irq_pending(irq) || irq->active))
				CHECK(bitmap_test(d->cpus[c]->live, i));
		}
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vm *vm = make_vm();
	size_t at;

	fake_console_quiet = true;
	for (at = 0; at + OP_SIZE <= size; at += OP_SIZE) {
		struct op o = decode(data + at);

		switch (o.kind % 8) {
		case 0: case 1: case 2: case 3:
			gic_access(vm, &o);
			break;
		case 4:
			vgic_sgi_write(vm->vcpus[o.vcpu], o.value, o.value & 1);
			break;
		case 5:
			CHECK(vgic_set_irq(vm, vm->vcpus[o.vcpu], o.arg % VGIC_MAX_INTID,
					   o.value & 1) == 0);
			break;
		case 6:
			CHECK(arch_vm_irq_line(vm, o.arg % VGIC_NR_SPIS, o.value & 1) == 0);
			break;
		default:
			run_all(vm, o.arg);
			break;
		}
		check_live_sets(vm);
	}
	run_all(vm, 0xff);
	vm_destroy(vm);
	return 0;
}
