/*
 * A scripted stand-in for arch/<arch>/ under core/vcpu.c and core/vm.c
 * on the host: each arch_vcpu_run_once() plays the next step of a script,
 * and the test inspects what core asked of the arch. Include once per
 * test program, after test_support.h.
 */
#ifndef TESTS_FAKE_ARCH_H
#define TESTS_FAKE_ARCH_H

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <core/arch.h>
#include <core/heap.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/timer.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include "fake_platform.h"

struct fake_step {
	int ret;			/* what arch_vcpu_run_once() returns */
	u32 exit_reason;		/* written to run->exit_reason first (0: left alone) */
	u32 completion;			/* set as vcpu->completion */
	u64 data;			/* io.data / mmio data / hypercall nr */
};

#define FAKE_MAX_STEPS 32

struct fake_vcpu {
	struct fake_step steps[FAKE_MAX_STEPS];
	unsigned int nr_steps, next;
	unsigned int completes;
	u32 last_completion;
	u64 completed_data;
	unsigned int boots;
	struct vcpu_boot last_boot;
	volatile bool event;
	unsigned int puts;
	/* Played instead of the script when set: for tests that run a vCPU for long. */
	int (*run_hook)(struct vcpu *vcpu);
};

struct fake_vm {
	int finalize_ret;
	int reset_ret;
	unsigned int resets;
	struct vm_region extra;		/* added by arch_vm_add_regions if size != 0 */
	unsigned int maps, finalizes;
	/* Channels: how each was mapped, and the doorbells rung into this VM. */
	unsigned int shared_maps, shared_writable;
	unsigned int doorbells;
	u32 last_doorbell;
};

u64 arch_vm_gpa_limit(void)
{
	return 1ULL << 40;
}

int arch_vm_init(struct vm *vm)
{
	vm->arch = calloc(1, sizeof(struct fake_vm));
	return vm->arch ? 0 : -ENOMEM;
}

void arch_vm_destroy(struct vm *vm)
{
	free(vm->arch);
}

int arch_vm_add_regions(struct vm *vm)
{
	struct fake_vm *f = vm->arch;

	if (!f->extra.size)
		return 0;
	if (vm->nr_regions == VM_MAX_REGIONS)
		return -ENOSPC;
	vm->regions[vm->nr_regions++] = f->extra;
	return 0;
}

int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	((struct fake_vm *)vm->arch)->maps++;
	return 0;
}

int arch_vm_map_shared(struct vm *vm, u64 gpa, paddr_t pa, u64 size, bool writable)
{
	struct fake_vm *f = vm->arch;

	f->shared_maps++;
	f->shared_writable += writable;
	return 0;
}

int arch_vm_doorbell(struct vm *vm, u32 irq)
{
	struct fake_vm *f = vm->arch;

	f->doorbells++;
	f->last_doorbell = irq;
	return 0;
}

/* What the VM's passthrough devices asked for (core/passthrough.c). */
struct fake_passthrough {
	u64 gpa, pa, size;		/* the last device region mapped */
	u32 maps;
	u32 port_base[4], port_count[4], nr_ports;
	u32 irq_host[4], irq_guest[4], nr_irqs;
};
static struct fake_passthrough fake_pt;

int arch_vm_map_device(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	fake_pt.gpa = gpa;
	fake_pt.pa = pa;
	fake_pt.size = size;
	fake_pt.maps++;
	return 0;
}

int arch_vm_passthrough_ports(struct vm *vm, u32 base, u32 count)
{
	if (fake_pt.nr_ports == 4)
		return -ENOSPC;
	fake_pt.port_base[fake_pt.nr_ports] = base;
	fake_pt.port_count[fake_pt.nr_ports++] = count;
	return 0;
}

int arch_vm_passthrough_irq(struct vm *vm, u32 host, u32 guest)
{
	if (fake_pt.nr_irqs == 4)
		return -ENOSPC;
	fake_pt.irq_host[fake_pt.nr_irqs] = host;
	fake_pt.irq_guest[fake_pt.nr_irqs++] = guest;
	return 0;
}

int arch_vm_finalize(struct vm *vm)
{
	struct fake_vm *f = vm->arch;

	f->finalizes++;
	return f->finalize_ret;
}

int arch_vm_reset(struct vm *vm)
{
	struct fake_vm *f = vm->arch;

	f->resets++;
	return f->reset_ret;
}

static bool fake_irq_level[64];

int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	if (irq >= 64)
		return -EINVAL;
	fake_irq_level[irq] = level;
	return 0;
}

int arch_vcpu_init(struct vcpu *vcpu)
{
	vcpu->arch = calloc(1, sizeof(struct fake_vcpu));
	return vcpu->arch ? 0 : -ENOMEM;
}

void arch_vcpu_destroy(struct vcpu *vcpu)
{
	free(vcpu->arch);
}

int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	struct fake_vcpu *f = vcpu->arch;

	f->boots++;
	f->last_boot = *boot;
	return 0;
}

int arch_vcpu_run_once(struct vcpu *vcpu)
{
	struct fake_vcpu *f = vcpu->arch;
	struct fake_step *s;

	if (f->run_hook)
		return f->run_hook(vcpu);
	if (f->next == f->nr_steps)
		fail_msg("the script ran out after %u steps", f->nr_steps);
	s = &f->steps[f->next++];
	if (s->exit_reason)
		vcpu->run.exit_reason = s->exit_reason;
	if (s->exit_reason == HV_EXIT_MMIO)
		vcpu->run.mmio.len = 4;
	vcpu->completion = s->completion;
	return s->ret;
}

int arch_vcpu_complete(struct vcpu *vcpu, u32 completion)
{
	struct fake_vcpu *f = vcpu->arch;

	f->completes++;
	f->last_completion = completion;
	if (completion == VCPU_COMPLETE_IO)
		f->completed_data = vcpu->run.io.data;
	else if (completion == VCPU_COMPLETE_MMIO)
		memcpy(&f->completed_data, vcpu->run.mmio.data, 8);
	else if (completion == VCPU_COMPLETE_HYPERCALL)
		f->completed_data = vcpu->run.hypercall.ret;
	return 0;
}

void arch_vcpu_put(struct vcpu *vcpu)
{
	((struct fake_vcpu *)vcpu->arch)->puts++;
}

bool arch_vcpu_has_event(struct vcpu *vcpu)
{
	return ((struct fake_vcpu *)vcpu->arch)->event;
}

void arch_timer_program(u64 deadline_ns)
{
}

static inline struct fake_vcpu *fake_of(struct vcpu *vcpu)
{
	return vcpu->arch;
}

static inline void fake_script(struct vcpu *vcpu, const struct fake_step *steps, unsigned int n)
{
	struct fake_vcpu *f = vcpu->arch;

	memcpy(f->steps, steps, n * sizeof(*steps));
	f->nr_steps = n;
	f->next = 0;
}

#endif
