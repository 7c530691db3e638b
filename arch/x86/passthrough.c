/*
 * Passthrough on x86 (asm/passthrough.h): ports and interrupt lines.
 *
 * @lock orders the pin table against the handlers on other CPUs: a
 * handler holds it while it raises the VM's line, so that
 * x86_pt_release(), which takes it first, cannot free the VM under it.
 */
#include <asm/ioapic.h>
#include <asm/passthrough.h>
#include <asm/svm.h>
#include <asm/vmcb.h>
#include <asm/vplatform.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/spinlock.h>
#include <lib/string.h>

struct pt_pin {
	struct vm *vm;		/* NULL: the pin is nobody's and masked */
	u32 guest_line;
	bool level;
	bool held;		/* level: the VM's line is high, the pin masked, until the EOI */
};

static struct pt_pin pins[X86_PT_PINS];
static spinlock_t lock = SPINLOCK_INIT;

/*
 * The VM gets a copy of the shared IOPM (every port intercepted) with its
 * ports' bits clear; its vCPUs' VMCBs take it when they boot.
 */
int x86_pt_open_ports(struct vm *vm, u32 base, u32 count)
{
	struct svm_vm *svm = vm->arch;
	u32 port;

	if (!count || base >= 0x10000 || count > 0x10000 - base)
		return -EINVAL;
	if (!svm->iopm) {
		svm->iopm = page_alloc_contig(IOPM_SIZE / PAGE_SIZE, PAGE_SIZE);
		if (!svm->iopm)
			return -ENOMEM;
		memset(svm->iopm, 0xff, IOPM_SIZE);
	}
	for (port = base; port < base + count; port++)
		svm->iopm[port / 8] &= (u8)~BIT(port % 8);
	return 0;
}

u64 x86_pt_iopm_pa(const struct vm *vm)
{
	const struct svm_vm *svm = vm->arch;

	return (u64)(uintptr_t)svm->iopm;
}

/*
 * The pin goes to vCPU 0's CPU: the vIOAPIC then delivers wherever the
 * guest routes it. Only a VM with a pin has its IOAPIC's EOIs reported
 * (a level line is released by the guest's EOI); the others' EOIs take
 * no lock of ours.
 */
int x86_pt_give_pin(struct vm *vm, u32 pin, u32 guest_line)
{
	struct svm_vm *svm = vm->arch;
	int err = 0;

	if (pin >= X86_PT_PINS || pin >= ioapic_nr_pins() || guest_line >= VPLAT_IOAPIC_PINS)
		return -EINVAL;
	if (!vm->nr_vcpus)
		return -ENODEV;
	spin_lock(&lock);
	if (pins[pin].vm) {
		err = -EBUSY;
	} else {
		pins[pin] = (struct pt_pin){ .vm = vm, .guest_line = guest_line };
		pins[pin].level = ioapic_route(pin, (u8)(X86_PT_VECTOR_BASE + pin),
					       (u32)percpu_data[vm->vcpus[0]->pcpu].hw_id);
		svm->plat.ioapic.eoi_notify = x86_pt_guest_eoi;
	}
	spin_unlock(&lock);
	if (!err)
		pr_info("vm %s: host IOAPIC pin %u (%s-triggered) raises its line %u\n", vm->name,
			pin, pins[pin].level ? "level" : "edge", guest_line);
	return err;
}

void x86_pt_start(struct vm *vm)
{
	u32 pin;

	spin_lock(&lock);
	for (pin = 0; pin < X86_PT_PINS; pin++)
		if (pins[pin].vm == vm && !pins[pin].held)
			ioapic_set_masked(pin, false);
	spin_unlock(&lock);
}

/* Caller holds the lock: the VM's line goes low and the device may interrupt again. */
static void release_line(struct pt_pin *p, u32 pin)
{
	p->held = false;
	arch_vm_irq_line(p->vm, p->guest_line, false);
	ioapic_set_masked(pin, false);
}

void x86_pt_reset(struct vm *vm)
{
	u32 pin;

	spin_lock(&lock);
	for (pin = 0; pin < X86_PT_PINS; pin++)
		if (pins[pin].vm == vm && pins[pin].held)
			release_line(&pins[pin], pin);
	spin_unlock(&lock);
}

void x86_pt_release(struct vm *vm)
{
	struct svm_vm *svm = vm->arch;
	u32 pin;

	spin_lock(&lock);
	for (pin = 0; pin < X86_PT_PINS; pin++) {
		if (pins[pin].vm != vm)
			continue;
		ioapic_set_masked(pin, true);
		pins[pin] = (struct pt_pin){ 0 };
	}
	spin_unlock(&lock);
	if (svm->iopm)
		page_free_contig(svm->iopm, IOPM_SIZE / PAGE_SIZE);
	svm->iopm = NULL;
}

/*
 * A VM not yet running (or dead) takes nothing: an edge is dropped, as
 * on a masked pin; a level pin stays masked until the VM starts or is
 * destroyed, and a pin of nobody is masked for good.
 */
void x86_pt_interrupt(u32 pin)
{
	struct pt_pin *p;

	if (pin >= X86_PT_PINS)
		return;
	spin_lock(&lock);
	p = &pins[pin];
	if (!p->vm || vm_state(p->vm) != VM_FINALIZED) {
		if (!p->vm || p->level)
			ioapic_set_masked(pin, true);
	} else if (p->level) {
		ioapic_set_masked(pin, true);
		p->held = true;
		arch_vm_irq_line(p->vm, p->guest_line, true);
	} else {
		arch_vm_irq_line(p->vm, p->guest_line, true);
		arch_vm_irq_line(p->vm, p->guest_line, false);
	}
	spin_unlock(&lock);
}

void x86_pt_guest_eoi(struct vm *vm, u32 eoied)
{
	u32 pin;

	spin_lock(&lock);
	for (pin = 0; pin < X86_PT_PINS; pin++) {
		struct pt_pin *p = &pins[pin];

		if (p->vm == vm && p->held && (eoied & BIT(vplat_ioapic_pin(p->guest_line))))
			release_line(p, pin);
	}
	spin_unlock(&lock);
}
