/*
 * The run loop's arm64 half: an exit, by its vector slot and exception
 * class, is handled in place (VCPU_RESUME), blocks the vCPU (VCPU_BLOCK,
 * WFI), powers it off (PSCI CPU_OFF), or goes to the VMM (0 with
 * vcpu->run filled). A VMM exit that the guest waits on (an MMIO load,
 * a hypercall's result) is finished by arm64_complete() on the next
 * entry, which is also when the PC moves past the instruction.
 */
#include <core/arch.h>
#include <core/hv.h>
#include <core/page_alloc.h>
#include <core/psci.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <asm/exception.h>
#include <asm/gic.h>
#include <asm/smp.h>
#include <asm/guest.h>
#include <asm/vtimer_deadline.h>
#include <asm/sysreg.h>
#include <asm/sysreg_trap.h>
#include <asm/vgic.h>

#define INSN_LEN		4	/* A64; AArch32 guests are refused (HCR_EL2.RW) */
#define HC_NR_MASK		0xffffu

typedef int (*exit_fn)(struct arm64_vcpu *av);

int arm64_internal_error(struct arm64_vcpu *av, u32 suberror, u64 d0, u64 d1)
{
	struct hv_run *run = &av->vcpu->run;

	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal = (struct hv_run_internal){ .suberror = suberror, .ndata = 4 };
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = av->regs.esr;
	run->internal.data[3] = av->regs.pc;
	return 0;
}

static int unexpected(struct arm64_vcpu *av)
{
	return arm64_internal_error(av, HV_INTERNAL_ERROR_UNEXPECTED_EXIT, ESR_EC(av->regs.esr),
				    av->regs.far);
}

static void skip_insn(struct arm64_vcpu *av)
{
	av->regs.pc += INSN_LEN;
}

/* ---- hypercalls: SMCCC function IDs in x0 ---- */

static int hypercall_exit(struct arm64_vcpu *av, u32 fn)
{
	struct vcpu *vcpu = av->vcpu;
	unsigned int i;

	vcpu->run.exit_reason = HV_EXIT_HYPERCALL;
	vcpu->run.hypercall = (struct hv_run_hypercall){ .nr = fn - HV_HC_ARM64_BASE };
	for (i = 0; i < ARRAY_SIZE(vcpu->run.hypercall.args); i++)
		vcpu->run.hypercall.args[i] = av->regs.x[i + 1];
	vcpu->completion = VCPU_COMPLETE_HYPERCALL;
	return 0;
}

static bool is_hv_hypercall(u32 fn)
{
	return (fn & ~HC_NR_MASK) == HV_HC_ARM64_BASE;
}

/*
 * SMCCC: the function ID is W0. PSCI is answered here, the hypervisor's
 * own calls go to the VMM, anything else is NOT_SUPPORTED, as firmware
 * without the service would say.
 */
static int smccc_call(struct arm64_vcpu *av)
{
	u32 fn = (u32)av->regs.x[0];
	u64 ret;
	int r;

	if (is_hv_hypercall(fn))
		return hypercall_exit(av, fn);
	if (!psci_is_call(fn)) {
		av->regs.x[0] = SMCCC_RET_NOT_SUPPORTED;
		return VCPU_RESUME;
	}
	r = psci_call(av->vcpu, fn, av->regs.x[1], av->regs.x[2], av->regs.x[3], &ret);
	if (r == VCPU_RESUME || r == VCPU_BLOCK)
		av->regs.x[0] = ret;
	return r;
}

/* HVC: ELR_EL2 is already past the instruction. */
static int exit_hvc(struct arm64_vcpu *av)
{
	return smccc_call(av);
}

/* A trapped SMC (HCR_EL2.TSC): ELR_EL2 points at it; the same calls as HVC. */
static int exit_smc(struct arm64_vcpu *av)
{
	skip_insn(av);
	return smccc_call(av);
}

/* ---- WFI ---- */

void arm64_wfi_timer_fired(struct timer *t)
{
	/* Nothing to do: its interrupt ended the wait, which re-checks the vCPU. */
}

/*
 * WFI is a real wait: the vCPU blocks in the hypervisor until an
 * interrupt is pending for it (core/vcpu.c's vcpu_wait()). WFE is not
 * trapped (HCR_EL2.TWE clear): the CPU is the vCPU's alone, so the
 * hardware's own wait loses nothing, and SEV from a sibling vCPU wakes it
 * natively. A trapped one (should the trap be enabled) is a yield.
 */
static int exit_wfx(struct arm64_vcpu *av)
{
	skip_insn(av);
	if (esr_wfx_is_wfe(av->regs.esr))
		return VCPU_RESUME;
	if (arch_vcpu_has_event(av->vcpu))
		return VCPU_RESUME;
	arm64_vtimer_arm_wfi(av);
	return VCPU_BLOCK;
}

/* ---- system registers ---- */

/*
 * Trapped system registers, by the table of sysreg_trap.c: emulated,
 * or UNDEFINED for the guest as on a CPU without them.
 */
static int exit_sysreg(struct arm64_vcpu *av)
{
	int r = arm64_sysreg_access(av, av->regs.esr);

	if (r < 0)
		return arm64_internal_error(av, HV_INTERNAL_ERROR_EMULATION, ESR_ISS(av->regs.esr),
					    (u64)(s64)r);
	if (r > 0)
		arm64_inject_undef(av);
	else
		skip_insn(av);
	return VCPU_RESUME;
}

/* SVE and SME (CPTR_EL2.TZ/TSM): hidden from the guest's ID registers, so UNDEFINED. */
static int exit_undef(struct arm64_vcpu *av)
{
	arm64_inject_undef(av);
	return VCPU_RESUME;
}

/* ---- stage-2 aborts ---- */

static int memory_fault(struct arm64_vcpu *av, u64 ipa, u64 flags)
{
	struct hv_run *run = &av->vcpu->run;

	run->exit_reason = HV_EXIT_MEMORY_FAULT;
	run->memory_fault = (struct hv_run_memory_fault){
		.flags = flags,
		.gpa = ipa & ~(PAGE_SIZE - 1),
		.size = PAGE_SIZE,
	};
	return -EFAULT;
}

/* The host's RAM: a guest-physical address there that is not the VM's RAM is nobody's device. */
static bool host_ram(u64 ipa)
{
	const struct boot_info *bi = hv_boot_info;
	u32 i;

	for (i = 0; bi && i < bi->nr_ram; i++)
		if (range_within(ipa, 1, bi->ram[i].base, bi->ram[i].size))
			return true;
	return false;
}

static int mmio_exit(struct arm64_vcpu *av, u64 ipa, const struct esr_dabt *d)
{
	struct vcpu *vcpu = av->vcpu;
	u64 data = arm64_reg_read(av, d->srt);

	vcpu->run.exit_reason = HV_EXIT_MMIO;
	vcpu->run.mmio = (struct hv_run_mmio){ .phys_addr = ipa, .len = d->size,
					       .is_write = d->write };
	if (d->write)
		memcpy(vcpu->run.mmio.data, &data, d->size);
	av->mmio.dabt = *d;
	vcpu->completion = VCPU_COMPLETE_MMIO;
	return 0;
}

static void finish_load(struct arm64_vcpu *av, const struct esr_dabt *d, u64 data)
{
	if (!d->write)
		arm64_reg_write(av, d->srt, esr_load_value(d, data));
	skip_insn(av);
}

/* A region the hypervisor emulates itself (the vGIC): done in place, never an exit. */
static int emulated_access(struct arm64_vcpu *av, u64 ipa, const struct esr_dabt *d)
{
	u64 val = d->write ? arm64_reg_read(av, d->srt) : 0;
	int err;

	if (d->write && d->size < 8)
		val &= BIT(d->size * 8) - 1;
	err = vm_emulated_access(av->vcpu->vm, av->vcpu, ipa, d->size, d->write, &val);
	if (err)
		return arm64_internal_error(av, HV_INTERNAL_ERROR_EMULATION, ipa, (u64)(s64)err);
	finish_load(av, d, val);
	return VCPU_RESUME;
}

/*
 * What the guest gets for an access that nothing answers: a synchronous
 * external abort at its EL1 vector, as the bus of a real machine (and
 * KVM) would give it, with FAR_EL1 the virtual address and the fault
 * status "synchronous external abort, not on a table walk". Unless the
 * VM's "unknown-access" property asks otherwise: "stop" ends the VM at
 * the first such access, and "ignore" makes loads and stores to a hole
 * read as zero and drop (a fetch still aborts: there is nothing to run).
 */
#define FSC_EXT_ABORT		0x10
#define ESR_DABT_WNR		BIT(6)
#define PSTATE_EL_MASK		0xcULL

static u32 unknown_policy(const struct arm64_vcpu *av)
{
	const struct vmm_vm *v = av->vcpu->vm->vmm;

	return v ? v->unknown_policy : VMM_UNKNOWN_DEFAULT;
}

static int inject_external_abort(struct arm64_vcpu *av, bool fetch, bool write)
{
	bool from_el0 = !(av->regs.pstate & PSTATE_EL_MASK);
	u64 ec = fetch ? (from_el0 ? EC_IABT_LOW : EC_IABT_CUR) :
		 (from_el0 ? EC_DABT_LOW : EC_DABT_CUR);
	u64 esr = ESR_IL | ec << ESR_EC_SHIFT | FSC_EXT_ABORT | (!fetch && write ? ESR_DABT_WNR : 0);

	arm64_inject_sync(av, esr, av->regs.far);
	return VCPU_RESUME;
}

static int exit_dabt(struct arm64_vcpu *av)
{
	u64 ipa = esr_fault_ipa(av->regs.hpfar, av->regs.far);
	const struct vm_region *r = vm_find_region(av->vcpu->vm, ipa);
	u32 policy = unknown_policy(av);
	struct esr_dabt d;

	esr_decode_dabt(av->regs.esr, &d);
	/* The VM's own RAM is mapped read-write: a fault there is the hypervisor's. */
	if (r && r->kind == VM_REGION_RAM)
		return memory_fault(av, ipa, d.write ? HV_MEMORY_FAULT_WRITE : HV_MEMORY_FAULT_READ);
	/*
	 * A hole, or the guest's own page-table walk outside its RAM. A hole
	 * that is the host's RAM (another VM's, the hypervisor's) is no
	 * different to the guest; under "ignore" and "stop" the VMM hears of
	 * it as a memory fault, never as a device access. A write to a
	 * channel mapped read-only (the only fault a channel gives) is
	 * answered as a write to nothing.
	 */
	if (!r || d.s1ptw || r->kind == VM_REGION_SHARED) {
		if (policy == VMM_UNKNOWN_DEFAULT)
			return inject_external_abort(av, false, d.write);
		if (d.s1ptw || host_ram(ipa))
			return memory_fault(av, ipa,
					    d.write ? HV_MEMORY_FAULT_WRITE : HV_MEMORY_FAULT_READ);
	}
	/*
	 * No syndrome (LDP/STP, writeback forms): nothing to emulate the
	 * access with. The guest gets the abort; "stop" keeps the VMM's
	 * internal error, which names the address.
	 */
	if (!d.isv) {
		if (policy == VMM_UNKNOWN_STOP)
			return arm64_internal_error(av, HV_INTERNAL_ERROR_NO_SYNDROME, ipa,
						    av->regs.far);
		return inject_external_abort(av, false, d.write);
	}
	/* Cache maintenance by VA on a device: there is nothing cached to maintain. */
	if (d.cache_maint) {
		skip_insn(av);
		return VCPU_RESUME;
	}
	if (r && r->kind == VM_REGION_EMULATED)
		return emulated_access(av, ipa, &d);
	return mmio_exit(av, ipa, &d);
}

/* Instructions can only be fetched from the VM's RAM, which never faults. */
static int exit_iabt(struct arm64_vcpu *av)
{
	u64 ipa = esr_fault_ipa(av->regs.hpfar, av->regs.far);
	const struct vm_region *r = vm_find_region(av->vcpu->vm, ipa);

	if ((r && r->kind == VM_REGION_RAM) || unknown_policy(av) == VMM_UNKNOWN_STOP)
		return memory_fault(av, ipa, HV_MEMORY_FAULT_READ | HV_MEMORY_FAULT_EXEC);
	return inject_external_abort(av, true, false);
}

static const exit_fn sync_exits[64] = {
	[EC_WFX] = exit_wfx,
	[EC_HVC64] = exit_hvc,
	[EC_SMC64] = exit_smc,
	[EC_SVE] = exit_undef,
	[EC_SYS64] = exit_sysreg,
	[EC_SME] = exit_undef,
	[EC_IABT_LOW] = exit_iabt,
	[EC_DABT_LOW] = exit_dabt,
};

/*
 * Exits that touch neither the vGIC nor anything core/ must see: PSCI
 * and other SMCCC calls answered here, system registers emulated without
 * the vGIC (the ID registers) or made UNDEF, SVE and SME made UNDEF. The
 * world switch handles them with the list registers still loaded and
 * enters the guest again at once (arch_vcpu_run_once()).
 * Anything that needs core/ or the VMM (a request comes with a kick, an
 * IRQ exit) leaves through the full path.
 */
bool arm64_exit_in_place(const struct arm64_vcpu *av, u64 slot)
{
	u32 ec = ESR_EC(av->regs.esr);

	if (slot != VEC_LOW64_SYNC)
		return false;
	if (ec == EC_HVC64 || ec == EC_SMC64)
		return !is_hv_hypercall((u32)av->regs.x[0]);
	if (ec == EC_SYS64)
		return arm64_sysreg_in_place(av->regs.esr);
	return ec == EC_SVE || ec == EC_SME;
}

int arm64_handle_exit(struct arm64_vcpu *av, u64 slot)
{
	exit_fn fn;

	switch (slot) {
	case VEC_LOW64_SYNC:
		fn = sync_exits[ESR_EC(av->regs.esr)];
		return fn ? fn(av) : unexpected(av);
	case VEC_LOW64_IRQ:
	case VEC_LOW64_FIQ:
		/* The host's interrupt (a kick, its timer): core looks at its requests next. */
		arm64_host_irqs();
		return VCPU_RESUME;
	default:
		/* SError, or anything from AArch32 (EL0 of a guest): nothing we can handle. */
		return arm64_internal_error(av, HV_INTERNAL_ERROR_UNEXPECTED_EXIT, slot,
					    av->regs.far);
	}
}

int arm64_complete(struct arm64_vcpu *av, u32 completion)
{
	struct hv_run *run = &av->vcpu->run;
	u64 data = 0;

	switch (completion) {
	case VCPU_COMPLETE_MMIO:
		memcpy(&data, run->mmio.data, av->mmio.dabt.size);
		finish_load(av, &av->mmio.dabt, data);
		return 0;
	case VCPU_COMPLETE_HYPERCALL:
		av->regs.x[0] = run->hypercall.ret;
		return 0;
	default:
		return -EINVAL;
	}
}
