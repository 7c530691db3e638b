#include <core/arch.h>
#include <core/percpu.h>
#include <core/timer.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

void vcpu_request(struct vcpu *vcpu, u32 req)
{
	__atomic_fetch_or(&vcpu->requests, req, __ATOMIC_RELEASE);
	vcpu_kick(vcpu);
}

/*
 * The kick is an IPI to the vCPU's physical CPU: it ends a guest run
 * (an intercepted physical interrupt) or a wait in arch_cpu_wait(). From
 * the vCPU's own CPU there is nothing to interrupt: the request bit is
 * seen before the next entry.
 */
void vcpu_kick(struct vcpu *vcpu)
{
	if (vcpu->pcpu != cpu_id())
		arch_cpu_kick(vcpu->pcpu);
}

static bool stop_pending(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_STOP;
}

static void clear_event_request(struct vcpu *vcpu)
{
	__atomic_fetch_and(&vcpu->requests, ~(u32)VCPU_REQ_EVENT, __ATOMIC_ACQ_REL);
}

/*
 * One atomic word holds a vCPU's power state, so that no transition can
 * be seen half made:
 *
 *	OFF --(power_on: CAS)--> CLAIMED --(boot written)--> PENDING
 *	PENDING --(the vCPU's own thread takes the boot)--> ON
 *	ON --(CPU_OFF, the vCPU's own thread)--> OFF
 *
 * Only a power-on leaves OFF, and only by a CAS, so of two racing
 * CPU_ONs one wins and the other is told the vCPU is on or pending. Only
 * the vCPU itself leaves ON. A CPU_ON that lands while the target is on
 * its way to OFF sees ON (ALREADY_ON, true when it was asked) or OFF
 * (and claims it): it is never answered SUCCESS and then lost.
 */
u32 vcpu_power_state(const struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->power, __ATOMIC_ACQUIRE);
}

bool vcpu_is_on(const struct vcpu *vcpu)
{
	return vcpu_power_state(vcpu) != VCPU_POWER_OFF;
}

int vcpu_power_on(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	u32 state = VCPU_POWER_OFF;

	if (!__atomic_compare_exchange_n(&vcpu->power, &state, VCPU_POWER_CLAIMED, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
		return state == VCPU_POWER_ON ? -EALREADY : -EBUSY;
	vcpu->boot = *boot;
	/* Before the VM first runs, only its configuration powers vCPUs on. */
	if (!vcpu->vm->built) {
		vcpu->start_boot = *boot;
		vcpu->start_on = true;
	}
	/* The boot is written before anyone can see PENDING and take it. */
	__atomic_store_n(&vcpu->power, VCPU_POWER_PENDING, __ATOMIC_RELEASE);
	vcpu_request(vcpu, VCPU_REQ_EVENT);
	return 0;
}

/* From the vCPU's own thread (CPU_OFF), or for a VM reset while no vCPU of it runs. */
void vcpu_power_off(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->power, VCPU_POWER_OFF, __ATOMIC_RELEASE);
}

/* Waits, in the hypervisor, until something for this vCPU happens. */
static void vcpu_wait(struct vcpu *vcpu, bool (*done)(struct vcpu *vcpu))
{
	while (!done(vcpu) && !stop_pending(vcpu)) {
		clear_event_request(vcpu);
		timer_run_expired();
		if (done(vcpu) || stop_pending(vcpu))
			break;
		/*
		 * A kick sent after the checks above is an IPI that stays
		 * pending and ends the wait at once: it is never lost.
		 */
		if (!(__atomic_load_n(&vcpu->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_EVENT))
			arch_cpu_wait();
	}
}

/* On, or with a boot to take. */
static bool vcpu_powered_on(struct vcpu *vcpu)
{
	u32 state = vcpu_power_state(vcpu);

	return state == VCPU_POWER_ON || state == VCPU_POWER_PENDING;
}

/* Applies a pending power-on: the vCPU starts at its boot state. */
static int vcpu_take_boot(struct vcpu *vcpu)
{
	int err;

	if (vcpu_power_state(vcpu) != VCPU_POWER_PENDING)
		return 0;
	err = arch_vcpu_boot(vcpu, &vcpu->boot);
	/* The completion of an exit from before the reset belongs to no one now. */
	vcpu->completion = VCPU_COMPLETE_NONE;
	__atomic_store_n(&vcpu->power, VCPU_POWER_ON, __ATOMIC_RELEASE);
	return err;
}

static int vcpu_consume_completion(struct vcpu *vcpu)
{
	u32 completion = vcpu->completion;

	if (completion == VCPU_COMPLETE_NONE)
		return 0;
	vcpu->completion = VCPU_COMPLETE_NONE;
	return arch_vcpu_complete(vcpu, completion);
}

static int exit_for_stop(struct vcpu *vcpu)
{
	__atomic_fetch_and(&vcpu->requests, ~(u32)VCPU_REQ_STOP, __ATOMIC_ACQ_REL);
	vcpu->run.exit_reason = HV_EXIT_INTR;
	return 0;
}

/*
 * Rule 5 of the ABI, enforced here once rather than trusted to every
 * error path of the arch code: only a memory error may carry a reason.
 */
static bool memory_error_with_reason(const struct hv_run *run, int err)
{
	return run->exit_reason == HV_EXIT_MEMORY_FAULT && (err == -EFAULT || err == -EHWPOISON);
}

int vcpu_run(struct vcpu *vcpu)
{
	struct hv_run *run = &vcpu->run;
	int r;

	/* KVM's rule: an immediate exit leaves exit_reason exactly as it was. */
	if (READ_ONCE(run->immediate_exit))
		return -EINTR;
	run->exit_reason = HV_EXIT_UNKNOWN;

	r = vm_wait_finalized(vcpu->vm);
	if (r)
		return r;
	if (!vcpu_powered_on(vcpu))
		vcpu_wait(vcpu, vcpu_powered_on);
	if (stop_pending(vcpu))
		return exit_for_stop(vcpu);
	r = vcpu_take_boot(vcpu);
	if (r)
		return r;
	r = vcpu_consume_completion(vcpu);
	if (r)
		return r;

	for (;;) {
		if (stop_pending(vcpu))
			return exit_for_stop(vcpu);
		clear_event_request(vcpu);
		timer_run_expired();
		r = arch_vcpu_run_once(vcpu);
		vcpu->exits++;
		switch (r) {
		case VCPU_RESUME:
			continue;
		case VCPU_BLOCK:
			vcpu_wait(vcpu, arch_vcpu_has_event);
			continue;
		case VCPU_POWERED_OFF:
			/*
			 * CPU_OFF never returns: the loop goes on only with a new
			 * boot taken, or leaves for the VMM (a stop), and the next
			 * vcpu_run() waits for a power-on again.
			 */
			vcpu_power_off(vcpu);
			vcpu_wait(vcpu, vcpu_powered_on);
			if (stop_pending(vcpu))
				return exit_for_stop(vcpu);
			r = vcpu_take_boot(vcpu);
			if (r)
				return r;
			continue;
		default:
			break;
		}
		if (r == 0)
			vcpu->exits_to_vmm++;
		else if (!memory_error_with_reason(run, r))
			run->exit_reason = HV_EXIT_UNKNOWN;
		return r;
	}
}
