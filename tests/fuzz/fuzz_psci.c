/* SOURCES: core/psci.c core/vcpu.c core/vm.c lib/string.c lib/errno.c */
/*
 * libFuzzer target for PSCI (core/psci.c) over the vCPU power states of
 * core/vcpu.c, driven the way a VM drives them: every call is made by a
 * vCPU inside vcpu_run() (so a pending boot is taken first and CPU_OFF
 * goes through the real power-off path), and a VMM stop can land on any
 * vCPU in any state. The input is a program of 32-byte operations over a
 * VM of 4 vCPUs. Every answer is compared with a model written from the
 * PSCI specification, not from the code:
 *   - the return value of each call (both widths: the SMC32 forms take W
 *     registers) and what it does to the caller and its target;
 *   - the power state of every vCPU after every operation;
 *   - a boot is taken exactly once, with the entry and context the
 *     winning CPU_ON gave, and a stop changes no power state.
 */
#include <stdio.h>
#include <stdlib.h>

/* fake_arch.h fails a scripted run through cmocka; the run hook here never scripts. */
#define fail_msg(...)	abort()
#include "fake_arch.h"

#include <core/psci.h>
#include <lib/panic.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000ULL
#define NR		4
#define OP_SIZE		32

void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

void warn_once_report(const char *file, int line, const char *cond)
{
}

/* What the specification says of each vCPU; PENDING holds the boot it will take. */
struct model_cpu {
	u32 power;		/* VCPU_POWER_OFF, _PENDING or _ON */
	u64 entry, context;
	unsigned int boots;
};

static struct model_cpu model[NR];

/* The call the running vCPU makes (the run hook reads it), and what came back. */
static struct {
	u32 fn;
	u64 a1, a2, a3;
	int r;
	u64 ret;
} cur;

struct op {
	u8 kind, caller, known, pad;
	u32 fn;
	u64 a1, a2, a3;
};

/* Every PSCI 1.0 function this VM offers, with the widths it offers it in. */
static const struct {
	u32 fn;
	bool has_64;
} offered[] = {
	{ PSCI_VERSION, false }, { PSCI_CPU_SUSPEND, true }, { PSCI_CPU_OFF, false },
	{ PSCI_CPU_ON, true }, { PSCI_AFFINITY_INFO, true }, { PSCI_MIGRATE_INFO_TYPE, false },
	{ PSCI_SYSTEM_OFF, false }, { PSCI_SYSTEM_RESET, false }, { PSCI_FEATURES, false },
};

static bool model_offered(u32 fn)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offered); i++) {
		if (fn == offered[i].fn)
			return true;
		if (fn == (offered[i].fn | PSCI_64BIT))
			return offered[i].has_64;
	}
	return false;
}

static int hook(struct vcpu *vcpu)
{
	cur.ret = 0xdeadbeef;
	cur.r = psci_call(vcpu, cur.fn, cur.a1, cur.a2, cur.a3, &cur.ret);
	/* CPU_OFF never returns to the guest: the VMM's stop is what brings us back. */
	if (cur.r == VCPU_POWERED_OFF)
		__atomic_fetch_or(&vcpu->requests, VCPU_REQ_STOP, __ATOMIC_RELEASE);
	return cur.r == VCPU_POWERED_OFF ? VCPU_POWERED_OFF : 0;
}

static struct vm *make_vm(void)
{
	struct vcpu_boot boot = { .mode = VCPU_BOOT_ARM64_EL1, .entry = RAM_BASE };
	struct vm *vm = vm_create("fuzz");
	unsigned int i;

	CHECK(vm && !vm_add_ram(vm, RAM_BASE, RAM_SIZE));
	for (i = 0; i < NR; i++) {
		struct vcpu *v = vm_add_vcpu(vm, i);

		CHECK(v);
		fake_of(v)->run_hook = hook;
	}
	CHECK(!vcpu_power_on(vm->vcpus[0], &boot));
	CHECK(!vm_finalize(vm));
	memset(model, 0, sizeof(model));
	model[0] = (struct model_cpu){ VCPU_POWER_PENDING, RAM_BASE, 0, 0 };
	return vm;
}

static bool entry_in_ram(u64 e)
{
	return !(e & 3) && e >= RAM_BASE && e <= RAM_BASE + RAM_SIZE - 4;
}

static s64 model_cpu_on(u64 target, u64 entry, u64 context)
{
	struct model_cpu *t;

	if (target >= NR)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!entry_in_ram(entry))
		return PSCI_RET_INVALID_ADDRESS;
	t = &model[target];
	if (t->power == VCPU_POWER_ON)
		return PSCI_RET_ALREADY_ON;
	if (t->power == VCPU_POWER_PENDING)
		return PSCI_RET_ON_PENDING;
	t->power = VCPU_POWER_PENDING;
	t->entry = entry;
	t->context = context;
	return PSCI_RET_SUCCESS;
}

static s64 model_affinity(u64 target, u64 level)
{
	if (target >= NR || level)
		return PSCI_RET_INVALID_PARAMETERS;
	if (model[target].power == VCPU_POWER_ON)
		return PSCI_AFFINITY_ON;
	return model[target].power == VCPU_POWER_OFF ? PSCI_AFFINITY_OFF :
						       PSCI_AFFINITY_ON_PENDING;
}

/* The answer to cur's call from @caller, and its effect on the model. */
static void check_call(struct vcpu *v, u32 caller)
{
	u32 fn = cur.fn, base = fn & ~PSCI_64BIT;
	u64 w = (fn & PSCI_64BIT) ? ~0ULL : 0xffffffffULL;
	u64 a1 = cur.a1 & w, a2 = cur.a2 & w, a3 = cur.a3 & w;
	s64 want;

	if (!model_offered(fn)) {
		CHECK(cur.r == VCPU_RESUME && cur.ret == (u64)(s64)PSCI_RET_NOT_SUPPORTED);
		return;
	}
	switch (base) {
	case PSCI_CPU_SUSPEND:
		CHECK(cur.r == VCPU_BLOCK && cur.ret == PSCI_RET_SUCCESS);
		return;
	case PSCI_CPU_OFF:
		CHECK(cur.r == VCPU_POWERED_OFF && v->run.exit_reason == HV_EXIT_INTR);
		model[caller].power = VCPU_POWER_OFF;
		return;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		CHECK(cur.r == 0 && v->run.exit_reason == HV_EXIT_SYSTEM_EVENT);
		CHECK(v->run.system_event.type == (base == PSCI_SYSTEM_OFF ?
			HV_SYSTEM_EVENT_SHUTDOWN : HV_SYSTEM_EVENT_RESET));
		return;
	case PSCI_VERSION:
		want = PSCI_VERSION_1_0;
		break;
	case PSCI_CPU_ON:
		want = model_cpu_on(a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
		want = model_affinity(a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		want = PSCI_MIGRATE_NOT_PRESENT;
		break;
	default:	/* FEATURES: any function ID, a W register */
		want = model_offered((u32)cur.a1) ? 0 : PSCI_RET_NOT_SUPPORTED;
		break;
	}
	CHECK(cur.r == VCPU_RESUME && cur.ret == (u64)want);
}

/* The caller's pending boot is taken before it runs: once, with the winner's arguments. */
static void take_boot(struct vcpu *v, u32 i)
{
	struct fake_vcpu *f = fake_of(v);

	if (model[i].power != VCPU_POWER_PENDING)
		return;
	model[i].power = VCPU_POWER_ON;
	model[i].boots++;
	CHECK(f->boots == model[i].boots);
	CHECK(f->last_boot.mode == VCPU_BOOT_ARM64_EL1);
	CHECK(f->last_boot.entry == model[i].entry && f->last_boot.args[0] == model[i].context);
}

static u32 pick_fn(const struct op *o)
{
	/* Mostly functions this VM knows, in both widths; sometimes any W-register ID. */
	if (o->known & 1)
		return o->fn;
	return offered[o->fn % ARRAY_SIZE(offered)].fn | ((o->known & 2) ? PSCI_64BIT : 0);
}

static u64 pick_entry(const struct op *o)
{
	/* Near RAM's edges and alignments more often than anywhere else. */
	if (o->known & 4)
		return o->a2;
	return RAM_BASE - 8 + o->a2 % (RAM_SIZE + 16);
}

static void run_call(struct vm *vm, const struct op *o)
{
	u32 i = o->caller % NR;
	struct vcpu *v = vm->vcpus[i];

	/* An OFF vCPU makes no calls: it waits for a power-on in vcpu_run(). */
	if (model[i].power == VCPU_POWER_OFF)
		return;
	cur.fn = pick_fn(o);
	cur.a1 = (o->known & 8) ? o->a1 : o->a1 % (NR + 1) | (o->a1 & 0xffffffff00000000ULL);
	cur.a2 = (cur.fn & ~PSCI_64BIT) == PSCI_CPU_ON ? pick_entry(o) : o->a2 % 3;
	cur.a3 = o->a3;
	cur.r = -1000;
	CHECK(vcpu_run(v) == 0);
	take_boot(v, i);
	CHECK(cur.r != -1000);
	check_call(v, i);
}

/* The VMM stops a vCPU, whatever it is doing: nothing of its power state changes. */
static void stop(struct vm *vm, const struct op *o)
{
	struct vcpu *v = vm->vcpus[o->caller % NR];

	__atomic_fetch_or(&v->requests, VCPU_REQ_STOP, __ATOMIC_RELEASE);
	CHECK(vcpu_run(v) == 0 && v->run.exit_reason == HV_EXIT_INTR);
	CHECK(!(v->requests & VCPU_REQ_STOP));
}

static void check_states(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < NR; i++) {
		CHECK(vcpu_power_state(vm->vcpus[i]) == model[i].power);
		CHECK(fake_of(vm->vcpus[i])->boots == model[i].boots);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vm *vm = make_vm();
	size_t off;

	for (off = 0; off + OP_SIZE <= size; off += OP_SIZE) {
		struct op o;

		memcpy(&o, data + off, sizeof(o));
		if (o.kind % 8 == 0)
			stop(vm, &o);
		else
			run_call(vm, &o);
		check_states(vm);
	}
	vm_destroy(vm);
	return 0;
}
