/*
 * The arch_vm_* and arch_vcpu_* hooks of include/core/arch.h and the x86
 * properties of a VM's configuration (include/core/config.h), on SVM.
 */
#include <asm/npt.h>
#include <asm/passthrough.h>
#include <asm/apic_bus.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/config.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/heap.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/string.h>

u64 arch_vm_gpa_limit(void)
{
	return svm_gpa_limit();
}

int arch_vm_init(struct vm *vm)
{
	struct svm_vm *svm = kzalloc(sizeof(*svm));

	if (!svm)
		return -ENOMEM;
	svm->npt_root = page_alloc();
	if (!svm->npt_root) {
		kfree(svm);
		return -ENOMEM;
	}
	vplat_init(&svm->plat, vm);
	vm->arch = svm;
	return 0;
}

void arch_vm_destroy(struct vm *vm)
{
	struct svm_vm *svm = vm->arch;

	if (!svm)
		return;
	/* A timer can only leave the list of the CPU it is armed on. */
	if (svm->plat.pit_timer.armed && !WARN_ON_ONCE(svm->plat.pit_timer.cpu != cpu_id()))
		timer_cancel(&svm->plat.pit_timer);
	x86_pt_release(vm);
	npt_free(svm->npt_root);
	svm_asid_free(svm->asid);
	svm_asid_free(svm->l2_asid);
	kfree(svm);
	vm->arch = NULL;
}

static int ioapic_read(void *opaque, struct vcpu *vcpu, u64 offset, u32 size, u64 *val)
{
	return vioapic_read(opaque, offset, size, val);
}

static int ioapic_write(void *opaque, struct vcpu *vcpu, u64 offset, u32 size, u64 val)
{
	return vioapic_write(opaque, offset, size, val);
}

static const struct vm_mmio_ops ioapic_ops = { ioapic_read, ioapic_write };

/*
 * The IOAPIC's page is emulated in place (mmio.c): registered here,
 * inside vm_finalize(), so that it exists before any vCPU can reach it.
 */
int arch_vm_add_regions(struct vm *vm)
{
	struct svm_vm *svm = vm->arch;
	struct vm_region r = {
		.gpa = VPLAT_IOAPIC_BASE, .size = VIOAPIC_MMIO_SIZE, .kind = VM_REGION_EMULATED,
		.name = "ioapic", .ops = &ioapic_ops, .opaque = &svm->plat.ioapic,
	};

	return vm_add_region_locked(vm, &r);
}

int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	struct svm_vm *svm = vm->arch;

	return npt_map(svm->npt_root, gpa, pa, size);
}

int arch_vm_map_shared(struct vm *vm, u64 gpa, paddr_t pa, u64 size, bool writable)
{
	struct svm_vm *svm = vm->arch;

	return npt_map_shared(svm->npt_root, gpa, pa, size, writable);
}

int arch_vm_map_device(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	struct svm_vm *svm = vm->arch;

	return npt_map_uncached(svm->npt_root, gpa, pa, size);
}

int arch_vm_passthrough_ports(struct vm *vm, u32 base, u32 count)
{
	return x86_pt_open_ports(vm, base, count);
}

int arch_vm_passthrough_irq(struct vm *vm, u32 host, u32 guest)
{
	return x86_pt_give_pin(vm, host, guest);
}

/*
 * No x86 exit asks for a reset yet (the 8042 and ACPI reset registers are
 * not modelled): a reset of an x86 VM is refused, and vm_reset() leaves
 * it DEAD, until the ASID and the virtual platform have a reset of their own.
 */
/*
 * Every vCPU is put (arch_vcpu_put(): no timer of the VM is armed) and
 * powered off; core reloaded RAM and will boot vCPU 0 again, the others
 * wait for INIT and SIPI as after power-on. What the vCPUs carried from
 * the old life goes (events in flight, a half-done MMIO, a final exit,
 * their APICs), the platform's chips go back to power-on, and each vCPU
 * flushes its ASID at its next VMRUN: the old life's translations,
 * global ones included, must not serve the new one.
 */
int arch_vm_reset(struct vm *vm)
{
	struct svm_vm *svm = vm->arch;
	u32 i;

	/*
	 * The chips first: VMM device threads may raise lines meanwhile, and
	 * only with the IOAPIC's pins masked again can nothing be delivered
	 * into an APIC while it is re-initialised below.
	 */
	vplat_reset(&svm->plat);
	x86_pt_reset(vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct svm_vcpu *sv = vm->vcpus[i]->arch;

		sv->reinject = sv->pending_event = 0;
		sv->final_exit = 0;
		sv->mmio_pending_write = false;
		sv->window_requested = false;
		sv->nmi_masked = sv->awaiting_iret = false;
		sv->flush_tlb = true;
		vlapic_init(&sv->lapic, vm->vcpus[i], sv->is_bsp);
	}
	return 0;
}

/*
 * Again after a restart: the ASIDs are the VM's for its whole life and
 * kept (each vCPU flushes its own at its next VMRUN, arch_vm_reset()).
 * Allocated at every pass, a VM restarted 15 times would take every ASID
 * of the CPU and the next restart would fail.
 */
int arch_vm_finalize(struct vm *vm)
{
	struct svm_vm *svm = vm->arch;
	int err = svm->asid ? 0 : svm_asid_alloc(&svm->asid);

	/* L2 must not share L1's ASID: L1's and L2's translations of one address differ. */
	if (!err && svm->nested_svm && !svm->l2_asid)
		err = svm_asid_alloc(&svm->l2_asid);
	if (err)
		pr_err("vm %s: no free ASID (the CPU has %u)\n", vm->name, svm_caps.nr_asids);
	else
		x86_pt_start(vm);
	return err;
}

int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	struct svm_vm *svm = vm->arch;

	return vplat_irq_line(&svm->plat, irq, level);
}

/*
 * A pulse on an IOAPIC pin above the ISA ones: one delivery whether the
 * guest made the pin edge- or level-triggered (a level pin's remote IRR
 * is then cleared by the EOI with the line already low).
 */
int arch_vm_doorbell(struct vm *vm, u32 irq)
{
	struct svm_vm *svm = vm->arch;
	int err;

	if (irq < CONFIG_X86_ISA_IRQS || irq >= VPLAT_IOAPIC_PINS)
		return -EINVAL;
	err = vplat_irq_line(&svm->plat, irq, true);
	if (!err)
		err = vplat_irq_line(&svm->plat, irq, false);
	return err;
}

void vioapic_eoi(struct vm *vm, u8 vector)
{
	struct svm_vm *svm = vm->arch;

	vioapic_eoi_vector(&svm->plat.ioapic, vector);
}

static const struct {
	const char *name;
	u32 corrupt;
} corruptions[] = {
	{ "cr0-nw", SVM_CORRUPT_CR0_NW },
};

/*
 * nested-svm: SVM is offered to the guest (nested.c).
 * x86-test-corrupt-state = "cr0-nw": test-only, an initial state VMRUN
 * must refuse, to check that a failed entry stops this VM alone.
 * x86-bench-floor: benchmark-only, see exit.c.
 */
static int parse_test_props(struct vm *vm, const struct fdt *fdt, int node,
			    struct config_error *err)
{
	struct svm_vm *svm = vm->arch;
	const char *s;
	unsigned int i;

	svm->bench_floor = fdt_prop(fdt, node, "x86-bench-floor", NULL, NULL) == 0;
	svm->nested_svm = fdt_prop(fdt, node, "nested-svm", NULL, NULL) == 0;
	if (fdt_prop_string(fdt, node, "x86-test-corrupt-state", &s) < 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(corruptions); i++) {
		if (!strcmp(s, corruptions[i].name)) {
			svm->corrupt = corruptions[i].corrupt;
			pr_warn("vm %s: test-only initial state \"%s\": VMRUN will refuse it\n",
				vm->name, s);
			return 0;
		}
	}
	return fail_config(err, -EINVAL, "property 'x86-test-corrupt-state': unknown \"%s\"", s);
}

int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	const char *why;

	if (!svm_usable(&why))
		return fail_config(err, -ENODEV, "%s; VM refused", why);
	return parse_test_props(vm, fdt, node, err);
}

int arch_vcpu_init(struct vcpu *vcpu)
{
	struct svm_vcpu *sv = kzalloc(sizeof(*sv));

	if (!sv)
		return -ENOMEM;
	sv->vmcb = page_alloc();
	if (!sv->vmcb) {
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb_pa = (paddr_t)(uintptr_t)sv->vmcb;
	sv->vmcb01 = sv->vmcb;
	sv->vmcb01_pa = sv->vmcb_pa;
	sv->vcpu = vcpu;
	sv->svm = vcpu->vm->arch;
	sv->is_bsp = vcpu->id == 0;
	vlapic_init(&sv->lapic, vcpu, sv->is_bsp);
	/* Power-on values: INIT and SIPI keep the MSRs, as on the CPU. */
	svm_msr_reset(sv);
	/* The APIC bus finds every vCPU's APIC here (apic_bus.c). */
	vcpu->irqchip = &sv->lapic;
	vcpu->arch = sv;
	return 0;
}

/*
 * Every #VMEXIT saves the guest's state to its VMCB (VMSAVE) and reloads
 * the host's (vmrun.S): nothing of a vCPU stays in the CPU's registers.
 * The platform's PIT timer is armed on the CPU of the vCPU that
 * programmed it: that vCPU's put cancels it, on its CPU, so that the
 * VM's destroy finds it disarmed whichever thread ends last.
 */
void arch_vcpu_put(struct vcpu *vcpu)
{
	struct svm_vm *svm = vcpu->vm->arch;
	struct svm_vcpu *sv = vcpu->arch;

	if (svm->plat.pit_timer.armed && svm->plat.pit_timer.cpu == cpu_id())
		timer_cancel(&svm->plat.pit_timer);
	/* The APIC timer is armed on this vCPU's CPU only. */
	vlapic_put(&sv->lapic);
}

void arch_vcpu_destroy(struct vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->arch;

	if (!sv)
		return;
	svm_nested_vcpu_destroy(sv);
	/* A timer can only leave the list of the CPU it is armed on. */
	if (!sv->lapic.timer.armed || !WARN_ON_ONCE(sv->lapic.timer.cpu != cpu_id()))
		vlapic_destroy(&sv->lapic);
	vcpu->irqchip = NULL;
	page_free(sv->vmcb01);
	kfree(sv);
	vcpu->arch = NULL;
}

/*
 * After vm_finalize(): the ASID and the NPT root are known. On the vCPU's
 * own thread, on the physical CPU it stays on: its host state is this one's.
 */
int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	struct svm_vcpu *sv = vcpu->arch;
	int err;

	sv->host_state_pa = svm_host_state_pa();
	sv->timer_fired = x86_timer_fired_flag();
	err = svm_nested_vcpu_init(sv);
	if (err)
		return err;
	/* The CPU's TSC_AUX is the guest's from now on, on the CPU the vCPU stays on. */
	svm_msr_load(sv);
	vlapic_set_features(&sv->lapic, true, true, svm_caps.gpa_bits);
	/* A SIPI's start is not a reset: the APIC keeps what INIT left (and IRR since). */
	if (boot->mode != VCPU_BOOT_X86_REAL)
		vlapic_reset(&sv->lapic, false);
	return svm_vcpu_reset(sv, boot->mode, boot->entry, boot->args);
}


int arch_vcpu_run_once(struct vcpu *vcpu)
{
	return svm_run_once(vcpu->arch);
}

int arch_vcpu_complete(struct vcpu *vcpu, u32 completion)
{
	return svm_complete(vcpu->arch, completion);
}

/*
 * Called from the vCPU's wait, on its CPU: the PIT's timer may need
 * arming first (vCPU 0). Waiting for SIPI, only the SIPI (or another
 * INIT) ends the wait.
 */
bool arch_vcpu_has_event(struct vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->arch;

	if (vlapic_run_state(&sv->lapic) == VLAPIC_WAIT_SIPI)
		return vlapic_events(&sv->lapic) & VLAPIC_EV_INIT;

	if (vcpu->id == 0 && vplat_needs_sync(&sv->svm->plat))
		vplat_sync(&sv->svm->plat);
	return svm_has_deliverable_interrupt(sv);
}
