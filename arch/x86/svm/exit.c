/*
 * The run loop's arch half: enter the guest, dispatch the exit by its
 * EXITCODE through one table, and complete VMM exits on the next entry.
 *
 * An exit is handled in place (VCPU_RESUME), blocks the vCPU (VCPU_BLOCK,
 * HLT with interrupts on), or goes to the VMM (0 with vcpu->run filled).
 * Exits handled in place re-enter the guest at once, without a trip
 * through core/vcpu.c, unless something may need core's attention: a
 * physical interrupt or NMI (a timer may be due, a kick may carry a
 * request) or a pending request. That keeps the CPUID and MSR paths short
 * without delaying any request: a request is always followed by a kick,
 * and a kick is an INTR exit.
 */
#include <asm/cpu.h>
#include <asm/cpuid_model.h>
#include <asm/svm.h>
#include <core/console.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define X86_VEC_UD		6
#define X86_VEC_GP		13
#define X86_CR4_OSXSAVE		BIT(18)
#define LEN_CPUID		2
#define LEN_INVD		2
#define LEN_HLT			1
#define OPCODE_HLT		0xf4
#define LEN_VMMCALL		3
#define EXITCODE_VMRUN_FAILED	0xffffffffu

typedef int (*svm_exit_fn)(struct svm_vcpu *sv);

int svm_internal_error(struct svm_vcpu *sv, u32 suberror, u64 d0, u64 d1)
{
	struct hv_run *run = &sv->vcpu->run;

	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal = (struct hv_run_internal){ .suberror = suberror, .ndata = 2 };
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	return 0;
}

/*
 * Past an intercepted instruction: NRIPS gives its end; without it (QEMU)
 * the length is the one the opcode has.
 */
static void skip_insn(struct svm_vcpu *sv, u64 len)
{
	u64 next = sv->vmcb->control.next_rip;

	if (svm_caps.nrips && next)
		svm_skip(sv, next - sv->vmcb->save.rip);
	else
		svm_skip(sv, len);
}

static void host_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	cpuid_count(leaf, subleaf, r);
}

static struct cpuid_guest cpuid_guest(const struct svm_vcpu *sv)
{
	return (struct cpuid_guest){
		.vcpu_id = sv->vcpu->id,
		.phys_bits = svm_caps.gpa_bits,
		.osxsave = sv->vmcb->save.cr4 & X86_CR4_OSXSAVE,
		.nested_svm = sv->nested.offered,
		.nested_asids = svm_caps.nr_asids,
	};
}

/* At boot, on the vCPU's CPU: the model's answers, so that a CPUID exit only looks up. */
void svm_cpuid_init(struct svm_vcpu *sv)
{
	struct cpuid_guest g = cpuid_guest(sv);

	cpuid_cache_fill(&sv->cpuid, &g, host_cpuid);
}

int svm_exit_cpuid(struct svm_vcpu *sv)
{
	u32 leaf = (u32)svm_gpr_read(sv, GPR_RAX);
	struct cpuid_regs r;

	if (!cpuid_cache_lookup(&sv->cpuid, leaf, sv->vmcb->save.cr4 & X86_CR4_OSXSAVE, &r)) {
		struct cpuid_guest g = cpuid_guest(sv);

		cpuid_model(&g, host_cpuid, leaf, (u32)svm_gpr_read(sv, GPR_RCX), &r);
	}
	svm_gpr_write(sv, GPR_RAX, r.eax);
	svm_gpr_write(sv, GPR_RBX, r.ebx);
	svm_gpr_write(sv, GPR_RCX, r.ecx);
	svm_gpr_write(sv, GPR_RDX, r.edx);
	skip_insn(sv, LEN_CPUID);
	return VCPU_RESUME;
}

/* INTR, NMI: taken by the host at STGI in vmrun.S already. VINTR: svm_prepare_events(). */
static int exit_resume(struct svm_vcpu *sv)
{
	return VCPU_RESUME;
}

/*
 * A vCPU that can run no more on its own: halted with interrupts off
 * (only an NMI, INIT or SIPI wakes it), waiting for INIT or SIPI, or
 * never started. Another vCPU's view, without its lock: the flags are
 * published with sequentially consistent atomics (exit_hlt()).
 */
static bool vcpu_parked(const struct vcpu *v)
{
	const struct svm_vcpu *other = v->arch;

	return !vcpu_is_on(v) || __atomic_load_n(&other->halted_off, __ATOMIC_SEQ_CST) ||
	       vlapic_run_state(&other->lapic) != VLAPIC_RUNNING;
}

static bool all_others_parked(const struct svm_vcpu *sv)
{
	const struct vm *vm = sv->vcpu->vm;
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i] != sv->vcpu && !vcpu_parked(vm->vcpus[i]))
			return false;
	return true;
}

/*
 * HLT is a real wait when an interrupt can end it. With IF=0 only an
 * NMI, INIT or SIPI can, which is how a guest powers itself off without
 * ACPI (Linux's poweroff -f ends in cli; hlt on every CPU): when every
 * other vCPU is parked too (halted so, waiting for SIPI, or never
 * started), the VM is over and the VMM decides (HV_EXIT_HLT); until
 * then the vCPU waits. Two vCPUs halting at once both publish their
 * flag before looking at the other's (SEQ_CST), so at least one sees
 * the VM done. The flag is cleared when the vCPU runs again
 * (svm_run_once()); an NMI sent to a parked vCPU just as the last one
 * halts may come too late to keep the VM alive.
 */
static int exit_hlt(struct svm_vcpu *sv)
{
	skip_insn(sv, LEN_HLT);
	/*
	 * An L2 halted with IF=0 is still woken by an interrupt L1
	 * intercepts: that is L1's #VMEXIT(INTR), not the VM's end.
	 */
	if (!(sv->vmcb->save.rflags & X86_RFLAGS_IF) && !svm_l1_intercepts_intr(sv)) {
		__atomic_store_n(&sv->halted_off, true, __ATOMIC_SEQ_CST);
		if (all_others_parked(sv)) {
			sv->vcpu->run.exit_reason = HV_EXIT_HLT;
			return 0;
		}
		if (!svm_has_deliverable_interrupt(sv))
			return VCPU_BLOCK;
		__atomic_store_n(&sv->halted_off, false, __ATOMIC_SEQ_CST);
		return VCPU_RESUME;
	}
	return svm_has_deliverable_interrupt(sv) ? VCPU_RESUME : VCPU_BLOCK;
}

/* After a shutdown intercept the guest state is undefined: the VM cannot go on. */
static int exit_shutdown(struct svm_vcpu *sv)
{
	sv->vcpu->run.exit_reason = HV_EXIT_SHUTDOWN;
	sv->final_exit = HV_EXIT_SHUTDOWN;
	return 0;
}

static u64 arg_mask(const struct svm_vcpu *sv)
{
	return svm_cpu_mode(sv->vmcb) == X86_MODE_64 ? ~0ULL : 0xffffffffULL;
}

/*
 * The hypercall ABI of include/hv/run.h; from user mode it is #UD, as
 * without a hypervisor. So it is from L2 when L1 does not intercept it:
 * the hypercalls are L1's interface to L0, not L2's.
 */
static int exit_vmmcall(struct svm_vcpu *sv)
{
	struct hv_run_hypercall *hc = &sv->vcpu->run.hypercall;
	const u64 *gprs = sv->gprs;
	u64 mask;

	if (sv->vmcb->save.cpl || sv->nested.guest_mode) {
		svm_inject_exception(sv, X86_VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	mask = arg_mask(sv);
	sv->vcpu->run.exit_reason = HV_EXIT_HYPERCALL;
	hc->nr = svm_gpr_read(sv, GPR_RAX) & mask;
	/* RBX, RCX, RDX, RSI, RDI, R8: none is RAX or RSP, all are in gprs[]. Unrolled: hot. */
	hc->args[0] = gprs[GPR_RBX] & mask;
	hc->args[1] = gprs[GPR_RCX] & mask;
	hc->args[2] = gprs[GPR_RDX] & mask;
	hc->args[3] = gprs[GPR_RSI] & mask;
	hc->args[4] = gprs[GPR_RDI] & mask;
	hc->args[5] = gprs[GPR_R8] & mask;
	hc->ret = 0;
	sv->vcpu->completion = VCPU_COMPLETE_HYPERCALL;
	return 0;
}

static int complete_hypercall(struct svm_vcpu *sv)
{
	svm_gpr_write(sv, GPR_RAX, sv->vcpu->run.hypercall.ret & arg_mask(sv));
	skip_insn(sv, LEN_VMMCALL);
	return 0;
}

/* The caches are coherent with everything the hypervisor does: INVD has nothing to drop. */
static int exit_invd(struct svm_vcpu *sv)
{
	skip_insn(sv, LEN_INVD);
	return VCPU_RESUME;
}

static int exit_ud(struct svm_vcpu *sv)
{
	svm_inject_exception(sv, X86_VEC_UD, false, 0);
	return VCPU_RESUME;
}

static int exit_unexpected(struct svm_vcpu *sv)
{
	return svm_internal_error(sv, HV_INTERNAL_ERROR_UNEXPECTED_EXIT,
				  sv->vmcb->control.exit_code, sv->vmcb->control.exit_info_1);
}

static const svm_exit_fn exit_handlers[SVM_EXIT_XSETBV + 1] = {
	[SVM_EXIT_INTR] = exit_resume,
	[SVM_EXIT_NMI] = exit_resume,
	[SVM_EXIT_VINTR] = exit_resume,
	[SVM_EXIT_CPUID] = svm_exit_cpuid,
	[SVM_EXIT_HLT] = exit_hlt,
	[SVM_EXIT_IOIO] = svm_exit_ioio,
	[SVM_EXIT_MSR] = svm_exit_msr,
	[SVM_EXIT_SHUTDOWN] = exit_shutdown,
	[SVM_EXIT_IRET] = svm_exit_iret,
	[SVM_EXIT_VMMCALL] = exit_vmmcall,
	[SVM_EXIT_INVD] = exit_invd,
	[SVM_EXIT_RDPMC] = svm_exit_rdpmc,
	/* #UD unless the VM is offered SVM (nested.c) */
	[SVM_EXIT_VMRUN] = svm_nested_exit_vmrun,
	[SVM_EXIT_VMLOAD] = svm_nested_exit_vmload,
	[SVM_EXIT_VMSAVE] = svm_nested_exit_vmsave,
	[SVM_EXIT_STGI] = svm_nested_exit_stgi,
	[SVM_EXIT_CLGI] = svm_nested_exit_clgi,
	[SVM_EXIT_INVLPGA] = svm_nested_exit_invlpga,
	[SVM_EXIT_SKINIT] = exit_ud,
	[SVM_EXIT_MONITOR] = exit_ud,
	[SVM_EXIT_MWAIT] = exit_ud,
	[SVM_EXIT_MWAIT_COND] = exit_ud,
	[SVM_EXIT_TASK_SWITCH] = exit_unexpected,
};

/*
 * VMRUN refused the state (QEMU reports the low 32 bits of -1 only).
 * The VMCB's save area now holds a mix of host and guest state: the vCPU
 * is not entered again until it is booted anew.
 */
static int vmrun_failed(struct svm_vcpu *sv)
{
	const struct vmcb *v = sv->vmcb;
	struct hv_run *run = &sv->vcpu->run;
	u64 code = (u64)v->control.exit_code_hi << 32 | v->control.exit_code;

	pr_err("vm %s vCPU %u: VMRUN refused the guest state: EXITCODE %#llx "
	       "(CR0 %#llx CR4 %#llx EFER %#llx)\n", sv->vcpu->vm->name, sv->vcpu->id,
	       code, v->save.cr0, v->save.cr4, v->save.efer);
	sv->final_exit = HV_EXIT_FAIL_ENTRY;
	sv->final_code = code;
	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry = (struct hv_run_fail_entry){
		.hardware_entry_failure_reason = code, .cpu = cpu_id(),
	};
	return 0;
}

static int handle_exit(struct svm_vcpu *sv)
{
	u32 code = sv->vmcb->control.exit_code;
	int r;

	/* L2's exits are L1's first; what L1 leaves, L0 handles on L2's state. */
	if (sv->nested.guest_mode) {
		r = svm_nested_exit(sv);
		if (r != NESTED_EXIT_L0)
			return r;
	}
	if (code == EXITCODE_VMRUN_FAILED)
		return vmrun_failed(sv);
	if (code == SVM_EXIT_NPF)
		return svm_exit_npf(sv);
	if (code < ARRAY_SIZE(exit_handlers) && exit_handlers[code])
		return exit_handlers[code](sv);
	return exit_unexpected(sv);
}

/*
 * QEMU 7.2's VMRUN does not load the interrupt shadow from int_state: a
 * guest (L1, or L2 under L1) that an exit caught between STI and HLT
 * would be entered with interrupts open one instruction early. The
 * interrupt L0 or L1 delivers there returns onto the HLT, and a guest
 * whose only wake-up was that interrupt sleeps for ever (Linux's KVM as
 * L1: an L2 in sti; hlt waiting for its LAPIC timer). In the shadow the
 * HLT is what runs first, and HLT is always L0's intercept: its exit is
 * taken here without the entry, as the CPU would have taken it. Not with
 * an event to inject (delivered before any instruction) nor at CPL > 0
 * (#GP comes before the intercept): the CPU then decides.
 */
static bool hlt_in_interrupt_shadow(struct svm_vcpu *sv)
{
	const struct vmcb *v = sv->vmcb;
	const u8 *code;
	u32 avail;

	if (!(v->control.int_state & INT_SHADOW) || (v->control.event_inj & EVTINJ_VALID) ||
	    v->save.cpl)
		return false;
	code = svm_code_at(sv, svm_cpu_mode(v), &avail);
	return code && code[0] == OPCODE_HLT;
}

static void exit_without_entry(struct svm_vcpu *sv, u32 code, u32 len)
{
	struct vmcb_control *c = &sv->vmcb->control;

	c->exit_code = code;
	c->exit_code_hi = 0;
	c->exit_info_1 = 0;
	c->exit_info_2 = 0;
	c->exit_int_info = 0;
	c->next_rip = sv->vmcb->save.rip + len;
}

static void enter(struct svm_vcpu *sv)
{
	struct vmcb_control *c;

	if (sv->nested.guest_mode)
		svm_nested_before_entry(sv);
	c = &sv->vmcb->control;
	if (!sv->nested.guest_mode)
		svm_tpr_to_vmcb(sv);
	svm_prepare_events(sv);
	if (hlt_in_interrupt_shadow(sv)) {
		exit_without_entry(sv, SVM_EXIT_HLT, LEN_HLT);
	} else {
		c->tlb_control = sv->flush_tlb ? TLB_CONTROL_FLUSH_ALL_ASID :
						 TLB_CONTROL_DO_NOTHING;
		sv->flush_tlb = false;
		svm_vmrun(sv->gprs, sv->vmcb_pa, sv->host_state_pa);
	}
	svm_record_exit_events(sv);
	if (!sv->nested.guest_mode)
		svm_tpr_from_vmcb(sv);
}

/*
 * @code is the exit that was handled, read before its handler ran: a
 * VMRUN or #VMEXIT of L1's switches sv->vmcb, and the other VMCB's
 * exit code is an older exit's.
 */
static bool may_reenter(const struct svm_vcpu *sv, u32 code, const volatile bool *timer_fired)
{
	return code != SVM_EXIT_INTR && code != SVM_EXIT_NMI && !*timer_fired &&
	       !__atomic_load_n(&sv->vcpu->requests, __ATOMIC_ACQUIRE);
}

static bool floor_exit(const struct svm_vcpu *sv)
{
	return sv->vmcb->control.exit_code == SVM_EXIT_CPUID &&
	       (u32)sv->vmcb->save.rax == CPUID_BENCH_FLOOR_LEAF;
}

/*
 * x86-bench-floor: CPUID exits for the benchmark's leaf are answered with
 * nothing but RIP += 2, the least any exit costs: the world switch of
 * vmrun.S and this loop. The benchmark compares the real exit paths
 * against it; every other exit (the guest library's own CPUIDs included)
 * is handled as usual.
 */
static void bench_floor_loop(struct svm_vcpu *sv)
{
	if (!floor_exit(sv))
		return;
	do {
		sv->vmcb->save.rip += LEN_CPUID;
		svm_vmrun(sv->gprs, sv->vmcb_pa, sv->host_state_pa);
	} while (floor_exit(sv));
	svm_record_exit_events(sv);
}

/*
 * A vCPU whose state is gone (VMRUN refused it, or it shut down) gives
 * the same exit again until it is booted anew: entering it would run
 * garbage.
 */
static int final_exit(struct svm_vcpu *sv)
{
	struct hv_run *run = &sv->vcpu->run;

	run->exit_reason = sv->final_exit;
	if (sv->final_exit == HV_EXIT_FAIL_ENTRY)
		run->fail_entry = (struct hv_run_fail_entry){
			.hardware_entry_failure_reason = sv->final_code, .cpu = cpu_id(),
		};
	return 0;
}

int svm_run_once(struct svm_vcpu *sv)
{
	struct vcpu *vcpu = sv->vcpu;
	volatile bool *timer_fired = sv->timer_fired;
	u32 code;
	int r;

	/* Core ran the timers before this call: a timer interrupt from now on is news. */
	*timer_fired = false;
	if ((vlapic_events(&sv->lapic) & (VLAPIC_EV_INIT | VLAPIC_EV_SIPI)) ||
	    vlapic_run_state(&sv->lapic) == VLAPIC_WAIT_SIPI) {
		r = svm_apic_start_up(sv);
		if (r)
			return r;
	}
	if (sv->mmio_pending_write)
		return svm_mmio_pending(sv);
	if (sv->final_exit)
		return final_exit(sv);
	/* Running again: no longer halted with interrupts off (exit_hlt()). */
	if (sv->halted_off)
		__atomic_store_n(&sv->halted_off, false, __ATOMIC_SEQ_CST);
	if (vcpu->id == 0 && vplat_needs_sync(&sv->svm->plat))
		vplat_sync(&sv->svm->plat);
	for (;;) {
		enter(sv);
		if (sv->svm->bench_floor)
			bench_floor_loop(sv);
		code = sv->vmcb->control.exit_code;
		r = handle_exit(sv);
		if (r != VCPU_RESUME || !may_reenter(sv, code, timer_fired))
			return r;
		vcpu->exits++;
	}
}

int svm_complete(struct svm_vcpu *sv, u32 completion)
{
	static int (*const completions[])(struct svm_vcpu *sv) = {
		[VCPU_COMPLETE_IO] = svm_complete_io,
		[VCPU_COMPLETE_MMIO] = svm_complete_mmio,
		[VCPU_COMPLETE_HYPERCALL] = complete_hypercall,
	};

	if (completion >= ARRAY_SIZE(completions) || !completions[completion])
		return -EINVAL;
	return completions[completion](sv);
}
