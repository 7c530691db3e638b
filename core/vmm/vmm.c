#include <core/arch.h>
#include <core/channel.h>
#include <core/console.h>
#include <core/heap.h>
#include <core/hv.h>
#include <core/percpu.h>
#include <core/smp.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

static struct vmm_vm *vmms[VMM_MAX_VMS];
static u32 nr_vmms;
static u32 vms_running;
static u32 vms_failed;

u32 vmm_nr_vms(void)
{
	return nr_vmms;
}

/* NULL for a VM that has ended and been destroyed. */
struct vm *vmm_vm(u32 idx)
{
	return idx < nr_vmms ? vmms[idx]->vm : NULL;
}

int vmm_add_vm(struct vm *vm)
{
	struct vmm_vm *v;

	if (nr_vmms == VMM_MAX_VMS)
		return -ENOSPC;
	v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	strlcpy(v->name, vm->name, sizeof(v->name));
	v->expect = VMM_OUTCOME_EXIT_CODE;
	v->restart_limit = VMM_NO_RESTART_LIMIT;
	spin_lock_init(&v->lock);
	vm->vmm = v;
	vmms[nr_vmms++] = v;
	return 0;
}

struct vmm_device *vmm_add_device(struct vm *vm, const char *name, u32 space, u64 base,
				  u64 size, const struct vmm_device_ops *ops, void *state)
{
	struct vmm_vm *v = vm->vmm;
	struct vmm_device *dev;
	u32 i;

	if (!size || base + (size - 1) < base || v->nr_devices == VMM_MAX_DEVICES)
		return NULL;
	for (i = 0; i < v->nr_devices; i++)
		if (v->devices[i].space == space &&
		    ranges_overlap(base, size, v->devices[i].base, v->devices[i].size))
			return NULL;
	dev = &v->devices[v->nr_devices];
	strlcpy(dev->name, name, sizeof(dev->name));
	dev->space = space;
	dev->base = base;
	dev->size = size;
	dev->ops = ops;
	dev->state = state;
	dev->vm = vm;
	if (space == VMM_SPACE_MMIO) {
		struct vm_region r = {
			.gpa = base, .size = size, .kind = VM_REGION_VMM, .name = dev->name,
		};

		if (vm_add_region(vm, &r))
			return NULL;
	}
	v->nr_devices++;
	return dev;
}

void vmm_guest_print(struct vm *vm, const char *s, size_t n)
{
	printk("[%s] %.*s\n", vm->name, (int)n, s);
}

static void vmm_line_flush(struct vm *vm, struct vmm_line *l)
{
	vmm_guest_print(vm, l->buf, l->len);
	l->len = 0;
}

void vmm_line_putc(struct vm *vm, struct vmm_line *l, char c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		vmm_line_flush(vm, l);
		return;
	}
	l->buf[l->len++] = c;
	if (l->len == sizeof(l->buf))
		vmm_line_flush(vm, l);
}

void vmm_stop_vm(struct vm *vm, u32 outcome, u64 code, const char *fmt, ...)
{
	struct vmm_vm *v = vm->vmm;
	bool first = false;
	va_list ap;

	spin_lock(&v->lock);
	if (v->outcome == VMM_OUTCOME_RUNNING) {
		first = true;
		v->outcome = outcome;
		v->outcome_code = code;
		va_start(ap, fmt);
		vsnprintf(v->outcome_msg, sizeof(v->outcome_msg), fmt, ap);
		va_end(ap);
	}
	spin_unlock(&v->lock);
	if (first)
		vm_request_stop(vm);
}

static int vmm_end(struct vcpu *vcpu, u32 outcome, u64 code, const char *fmt, ...) __printf(4, 5);

static struct vmm_device *find_device(struct vmm_vm *v, u32 space, u64 addr, u32 size)
{
	struct vmm_device *d = __atomic_load_n(&v->last_hit[space], __ATOMIC_RELAXED);
	u32 i;

	if (d && range_within(addr, size, d->base, d->size))
		return d;
	for (i = 0; i < v->nr_devices; i++) {
		d = &v->devices[i];
		if (d->space == space && range_within(addr, size, d->base, d->size)) {
			__atomic_store_n(&v->last_hit[space], d, __ATOMIC_RELAXED);
			return d;
		}
	}
	return NULL;
}

/* Reads of nothing: a floating PC bus on x86 ports, RAZ on MMIO. */
static u64 unknown_read_value(u32 space, u32 size)
{
	if (space == VMM_SPACE_MMIO)
		return 0;
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static int unknown_access(struct vcpu *vcpu, u32 space, u64 addr, u32 size, bool write,
			  u64 *val)
{
	struct vmm_vm *v = vcpu->vm->vmm;
	const char *what = space == VMM_SPACE_PIO ? "IO port" : "MMIO";

	__atomic_fetch_add(&v->unknown_accesses, 1, __ATOMIC_RELAXED);
	if (v->unknown_policy == VMM_UNKNOWN_STOP) {
		/* A read's value is never seen: the VM stops, or restarts from its images. */
		if (!write)
			*val = unknown_read_value(space, size);
		return vmm_end(vcpu, VMM_OUTCOME_UNHANDLED_ACCESS, addr,
			       "%s %s of %u bytes at %#llx with no device", what,
			       write ? "write" : "read", size, addr);
	}
	if (!__atomic_exchange_n(&v->warned_unknown, 1, __ATOMIC_RELAXED))
		printk("hv: vm %s: %s %s of %u bytes at %#llx with no device: ignored "
		       "(reported once)\n", vcpu->vm->name, what, write ? "write" : "read", size,
		       addr);
	if (!write)
		*val = unknown_read_value(space, size);
	return 0;
}

static int device_access(struct vcpu *vcpu, u32 space, u64 addr, u32 size, bool write,
			 u64 *val)
{
	struct vmm_device *d = find_device(vcpu->vm->vmm, space, addr, size);
	int err;

	if (!d)
		return unknown_access(vcpu, space, addr, size, write, val);
	err = write ? d->ops->write(d, addr - d->base, size, *val)
		    : d->ops->read(d, addr - d->base, size, val);
	if (err > 0)
		return 1;	/* the device stopped the VM (debug-exit) */
	if (err < 0) {
		vmm_stop_vm(vcpu->vm, VMM_OUTCOME_ERROR, (u64)-err,
			    "%s: %s of %u bytes at offset %#llx failed (%s)", d->name,
			    write ? "write" : "read", size, addr - d->base, errno_name(err));
		return 1;
	}
	return 0;
}

static int handle_io(struct vcpu *vcpu)
{
	struct hv_run_io *io = &vcpu->run.io;
	u64 val = io->data;
	int r;

	r = device_access(vcpu, VMM_SPACE_PIO, io->port, io->size, io->direction == HV_IO_OUT,
			  &val);
	if (io->direction == HV_IO_IN)
		io->data = val;
	return r;
}

static u64 len_mask(u32 len)
{
	return len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct hv_run_mmio *m = &vcpu->run.mmio;
	u64 val = 0;
	int r;

	if (m->len != 1 && m->len != 2 && m->len != 4 && m->len != 8) {
		vmm_stop_vm(vcpu->vm, VMM_OUTCOME_ERROR, m->len, "MMIO exit with length %u", m->len);
		return 1;
	}
	/*
	 * data[] is 8 bytes: copied whole with the builtin (we build with
	 * -fno-builtin) it is one load and one store, where a copy of len
	 * bytes is a call and a loop; the bytes beyond len are masked off
	 * (a read's are zeros).
	 */
	__builtin_memcpy(&val, m->data, sizeof(val));
	val &= len_mask(m->len);
	r = device_access(vcpu, VMM_SPACE_MMIO, m->phys_addr, m->len, m->is_write, &val);
	if (!m->is_write) {
		val &= len_mask(m->len);
		__builtin_memcpy(m->data, &val, sizeof(val));
	}
	return r;
}

#define CONSOLE_WRITE_MAX	4096

static u64 hypercall_console_write(struct vcpu *vcpu, u64 gpa, u64 len)
{
	const char *s;
	u64 off = 0;

	if (len > CONSOLE_WRITE_MAX)
		return (u64)-EINVAL;
	s = vm_gpa_to_hva(vcpu->vm, gpa, len);
	if (!s)
		return (u64)-EFAULT;
	while (off < len) {
		u64 n = 0;

		while (off + n < len && s[off + n] != '\n' && n < VMM_LINE_MAX)
			n++;
		vmm_guest_print(vcpu->vm, s + off, (size_t)n);
		off += n + (off + n < len && s[off + n] == '\n');
	}
	return len;
}

static int handle_hypercall(struct vcpu *vcpu)
{
	struct hv_run_hypercall *hc = &vcpu->run.hypercall;

	switch (hc->nr) {
	case HV_HC_CONSOLE_WRITE:
		hc->ret = hypercall_console_write(vcpu, hc->args[0], hc->args[1]);
		break;
	case HV_HC_DOORBELL:
		hc->ret = (u64)(s64)channel_doorbell(vcpu->vm, hc->args[0], hc->args[1]);
		break;
	default:
		hc->ret = HV_HC_ENOSYS;
		break;
	}
	return 0;
}

/*
 * Any vCPU thread asks; every vCPU of the VM is sent back to the VMM
 * (without the VM's stop flag), where each thread parks.
 */
static void request_reset(struct vcpu *vcpu, const char *cause)
{
	struct vm *vm = vcpu->vm;
	struct vmm_vm *v = vm->vmm;
	u32 i;

	spin_lock(&v->lock);
	strlcpy(v->restart_cause, cause, sizeof(v->restart_cause));
	spin_unlock(&v->lock);
	__atomic_store_n(&v->reset_requested, 1, __ATOMIC_RELEASE);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_request(vm->vcpus[i], VCPU_REQ_STOP);
}

/* Whether the VM's policies turn @outcome into a restart ("on-reset", "on-crash"). */
static bool policy_restarts(const struct vmm_vm *v, u32 outcome)
{
	if (outcome == VMM_OUTCOME_RESET)
		return v->reset_policy == VMM_RESET_RESTART;
	return vmm_outcome_is_crash(outcome) && v->crash_policy == VMM_CRASH_RESTART;
}

/*
 * The guest ended its life (@outcome, said by @fmt): the VM restarts if
 * its policy says so and its restarts are under the limit, and the
 * thread returns 0 to park for it; otherwise the VM stops (1). Past the
 * limit the message says so, and the outcome stays the guest's own: a
 * test or a vendor's monitor sees what the last life did.
 */
static int vmm_end(struct vcpu *vcpu, u32 outcome, u64 code, const char *fmt, ...)
{
	struct vmm_vm *v = vcpu->vm->vmm;
	char why[sizeof(v->restart_cause)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!policy_restarts(v, outcome)) {
		vmm_stop_vm(vcpu->vm, outcome, code, "%s", why);
		return 1;
	}
	if (vcpu->vm->resets >= v->restart_limit) {
		vmm_stop_vm(vcpu->vm, outcome, code, "%s; restart limit %u reached", why,
			    v->restart_limit);
		return 1;
	}
	request_reset(vcpu, why);
	return 0;
}

static int handle_system_event(struct vcpu *vcpu)
{
	static const u32 outcomes[] = {
		[HV_SYSTEM_EVENT_SHUTDOWN] = VMM_OUTCOME_SYSTEM_OFF,
		[HV_SYSTEM_EVENT_RESET] = VMM_OUTCOME_RESET,
		[HV_SYSTEM_EVENT_CRASH] = VMM_OUTCOME_CRASH,
	};
	u32 type = vcpu->run.system_event.type;

	if (type >= ARRAY_SIZE(outcomes) || !outcomes[type]) {
		vmm_stop_vm(vcpu->vm, VMM_OUTCOME_ERROR, type, "unknown system event %u", type);
		return 1;
	}
	return vmm_end(vcpu, outcomes[type], 0, "vCPU %u asked for %s", vcpu->id,
		       vmm_outcome_name(outcomes[type]));
}

int vmm_handle_exit(struct vcpu *vcpu)
{
	struct hv_run *run = &vcpu->run;
	struct vm *vm = vcpu->vm;

	switch (run->exit_reason) {
	case HV_EXIT_IO:
		return handle_io(vcpu);
	case HV_EXIT_MMIO:
		return handle_mmio(vcpu);
	case HV_EXIT_HYPERCALL:
		return handle_hypercall(vcpu);
	case HV_EXIT_SYSTEM_EVENT:
		return handle_system_event(vcpu);
	case HV_EXIT_INTR:
		return vm_stop_requested(vm) ? 1 : 0;
	case HV_EXIT_HLT:
		vmm_stop_vm(vm, VMM_OUTCOME_HALTED, 0,
			    "vCPU %u halted with interrupts disabled", vcpu->id);
		return 1;
	case HV_EXIT_SHUTDOWN:
		return vmm_end(vcpu, VMM_OUTCOME_SHUTDOWN, 0, "vCPU %u: triple fault (shutdown)",
			       vcpu->id);
	case HV_EXIT_FAIL_ENTRY:
		return vmm_end(vcpu, VMM_OUTCOME_FAIL_ENTRY,
			       run->fail_entry.hardware_entry_failure_reason,
			       "vCPU %u: entry failed, hardware reason %#llx", vcpu->id,
			       (u64)run->fail_entry.hardware_entry_failure_reason);
	case HV_EXIT_INTERNAL_ERROR:
		return vmm_end(vcpu, VMM_OUTCOME_INTERNAL_ERROR, run->internal.suberror,
			       "vCPU %u: internal error, sub-code %u (data %#llx %#llx)", vcpu->id,
			       run->internal.suberror, (u64)run->internal.data[0],
			       (u64)run->internal.data[1]);
	default:
		vmm_stop_vm(vm, VMM_OUTCOME_ERROR, run->exit_reason,
			    "vCPU %u: unexpected exit reason %u", vcpu->id, run->exit_reason);
		return 1;
	}
}

static bool outcome_expected(const struct vmm_vm *v)
{
	return v->outcome == v->expect &&
	       (v->outcome != VMM_OUTCOME_EXIT_CODE || v->outcome_code == v->expect_code);
}

static __noreturn void finish_all(void)
{
	pr_info("all VMs have stopped; %u did not end as expected\n", vms_failed);
	/*
	 * The verdict leaves the machine (QEMU's debug-exit or semihosting):
	 * a test run's runner wants its odd status either way; `make run`
	 * and a vendor's script want 0 from a plain power-off when all went
	 * as expected, non-zero otherwise.
	 */
	if (hv_test_mode() || vms_failed)
		arch_test_exit(vms_failed ? HV_TEST_EXIT_FAIL : HV_TEST_EXIT_PASS);
	arch_system_off();
}

/*
 * The VM's owner frees what the VM held (its VMID or ASID, stage-2/NPT
 * tables, interrupt controller state and claimed physical interrupts,
 * RAM) once it has ended: no vCPU of it runs, each put on its own CPU.
 * The other VMs run on; this is the destroy path of include/core/vm.h.
 */
static void destroy_vm(struct vmm_vm *v)
{
	struct vm *vm = v->vm;

	if (!vm)
		return;
	v->vm = NULL;
	/* No peer may ring it from now on: its interrupt controller goes with it. */
	channel_vm_gone(vm);
	vm_destroy(vm);
	pr_info("vm %s: destroyed, its memory and hypervisor resources released\n", v->name);
}

/* Reports @v's end and destroys the VM; the last VM to end turns the machine off. */
static void vm_finished(struct vmm_vm *v)
{
	bool ok = outcome_expected(v);
	u64 ms = (arch_time_ns() - v->start_ns) / 1000000;

	pr_info("vm %s stopped after %llu ms: %s (%s%s)\n", v->name, ms, v->outcome_msg,
		vmm_outcome_name(v->outcome), ok ? "" : ", not what was expected");
	if (!ok)
		__atomic_fetch_add(&vms_failed, 1, __ATOMIC_RELAXED);
	destroy_vm(v);
	if (__atomic_sub_fetch(&vms_running, 1, __ATOMIC_ACQ_REL) == 0)
		finish_all();
}

static int report_run_error(struct vcpu *vcpu, int r)
{
	struct hv_run *run = &vcpu->run;

	if (run->exit_reason == HV_EXIT_MEMORY_FAULT)
		vmm_stop_vm(vcpu->vm, VMM_OUTCOME_ERROR, run->memory_fault.gpa,
			    "vCPU %u: memory fault at GPA %#llx (%llu bytes, flags %#llx): %s",
			    vcpu->id, (u64)run->memory_fault.gpa, (u64)run->memory_fault.size,
			    (u64)run->memory_fault.flags, errno_name(r));
	else
		vmm_stop_vm(vcpu->vm, VMM_OUTCOME_ERROR, (u64)-r, "vCPU %u: run failed (%s)",
			    vcpu->id, errno_name(r));
	return 1;
}

/*
 * Whoever takes threads_running to zero reports the VM, exactly once: a
 * vCPU thread that ends, or start_vm() for a thread that never started.
 * Nobody may read the count to decide anything else, since a fast VM's
 * threads can all have ended before start_vm() returns.
 */
static void vcpu_thread_done(struct vmm_vm *v)
{
	if (__atomic_sub_fetch(&v->threads_running, 1, __ATOMIC_ACQ_REL) == 0)
		vm_finished(v);
}

/* The VM's device models back to power-on, for the new life. */
static void reset_devices(struct vmm_vm *v)
{
	u32 i;

	for (i = 0; i < v->nr_devices; i++)
		if (v->devices[i].ops->reset)
			v->devices[i].ops->reset(&v->devices[i]);
	v->warned_unknown = 0;
}

static void report_restart(struct vmm_vm *v)
{
	char limit[24] = "";

	if (v->restart_limit != VMM_NO_RESTART_LIMIT)
		snprintf(limit, sizeof(limit), " of %u", v->restart_limit);
	pr_info("vm %s: restart %u%s after: %s; done on CPU %u in %llu us (%llu KiB of pristine "
		"RAM reloaded)\n", v->name, v->vm->resets, limit, v->restart_cause, cpu_id(),
		v->last_restart_ns / 1000, v->vm->pristine_bytes >> 10);
}

/*
 * The last thread to park, as the VM's owner: every vCPU is out of
 * vcpu_run() and put. The VM's channels stop taking doorbells first, so
 * that no peer's ring reaches the interrupt controller while it is reset;
 * they take them again once the VM is past the barrier.
 */
static void reset_vm(struct vmm_vm *v)
{
	u64 t0 = arch_time_ns();
	int err;

	if (vm_stop_requested(v->vm))
		return;
	channel_vm_offline(v->vm);
	reset_devices(v);
	err = vm_reset(v->vm);
	if (err) {
		vmm_stop_vm(v->vm, VMM_OUTCOME_ERROR, (u64)-err, "the restart failed (%s)",
			    errno_name(err));
		return;
	}
	channel_vm_online(v->vm);
	v->last_restart_ns = arch_time_ns() - t0;
	report_restart(v);
}

/*
 * A reset is pending: this vCPU is out of the guest and out of
 * vcpu_run(); it is put on its CPU and waits until the last one has
 * reset the VM. True if the VM is stopping instead (stop wins).
 */
static bool park_for_reset(struct vcpu *vcpu)
{
	struct vmm_vm *v = vcpu->vm->vmm;
	u32 gen = __atomic_load_n(&v->reset_generation, __ATOMIC_ACQUIRE);

	arch_vcpu_put(vcpu);
	if (__atomic_add_fetch(&v->parked, 1, __ATOMIC_ACQ_REL) ==
	    __atomic_load_n(&v->threads_running, __ATOMIC_ACQUIRE)) {
		reset_vm(v);
		__atomic_store_n(&v->parked, 0, __ATOMIC_RELAXED);
		/* Cleared before the release: no thread may park again for this reset. */
		__atomic_store_n(&v->reset_requested, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&v->reset_generation, gen + 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&v->reset_generation, __ATOMIC_ACQUIRE) == gen &&
		       !vm_stop_requested(vcpu->vm))
			cpu_relax();
	}
	return vm_stop_requested(vcpu->vm);
}

static void vmm_vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vmm_vm *v = vcpu->vm->vmm;
	int r;

	this_cpu()->current_vcpu = vcpu;
	for (;;) {
		r = vcpu_run(vcpu);
		if (r < 0 ? report_run_error(vcpu, r) : vmm_handle_exit(vcpu))
			break;
		if (__atomic_load_n(&v->reset_requested, __ATOMIC_ACQUIRE) && park_for_reset(vcpu))
			break;
	}
	arch_vcpu_put(vcpu);
	this_cpu()->current_vcpu = NULL;
	vcpu_thread_done(v);
}

static void start_vm(struct vmm_vm *v, struct vcpu **own)
{
	struct vm *vm = v->vm;
	u32 i;
	int err;

	v->start_ns = arch_time_ns();
	err = vm_finalize(vm);
	if (err) {
		/* No vCPU ran: vm_finished() destroys it, which frees what it held. */
		vmm_stop_vm(vm, VMM_OUTCOME_DEAD, (u64)-err, "%s", vm->dead_reason);
		vm_finished(v);
		return;
	}
	channel_vm_online(vm);
	/* Counted in full before any thread starts, so that none sees zero early. */
	v->threads_running = vm->nr_vcpus;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (vcpu->pcpu == cpu_id()) {
			*own = vcpu;
			continue;
		}
		pr_info("vm %s: vCPU %u on CPU %u\n", vm->name, i, vcpu->pcpu);
		err = smp_call(vcpu->pcpu, vmm_vcpu_thread, vcpu, false);
		if (err) {
			/* Validated at configuration time; a failure here is a hypervisor bug. */
			pr_err("vm %s: vCPU %u cannot start on CPU %u (%s)\n", vm->name, i,
			       vcpu->pcpu, errno_name(err));
			vmm_stop_vm(vm, VMM_OUTCOME_ERROR, (u64)-err, "vCPU %u did not start", i);
			vcpu_thread_done(v);
		}
	}
}

__noreturn void vmm_run_all(void)
{
	struct vcpu *own = NULL;
	u32 i;

	if (!nr_vmms) {
		pr_info("no VMs configured\n");
		arch_test_exit(HV_TEST_EXIT_FAIL);
	}
	/* Counted before any VM can finish, so that no early finisher sees zero. */
	vms_running = nr_vmms;
	for (i = 0; i < nr_vmms; i++) {
		pr_info("starting vm %s\n", vmms[i]->vm->name);
		start_vm(vmms[i], &own);
	}
	if (own) {
		pr_info("vm %s: vCPU %u on CPU %u\n", own->vm->name, own->id, own->pcpu);
		vmm_vcpu_thread(own);
	}
	cpu_idle_loop();
}
