#ifndef CORE_VCPU_H
#define CORE_VCPU_H

#include <hv/run.h>
#include <lib/compiler.h>

struct vm;

/* What the previous exit left for the next vcpu_run() to complete. */
enum vcpu_completion {
	VCPU_COMPLETE_NONE,
	VCPU_COMPLETE_IO,
	VCPU_COMPLETE_MMIO,
	VCPU_COMPLETE_HYPERCALL,
};

/* How the guest starts; the loader picks it from the image format. */
enum vcpu_boot_mode {
	VCPU_BOOT_X86_PROTECTED,	/* 32-bit flat, paging off (multiboot) */
	VCPU_BOOT_X86_LONG,		/* 64-bit, identity-mapped by the loader */
	VCPU_BOOT_ARM64_EL1,		/* EL1h, MMU off (the Image protocol) */
	VCPU_BOOT_X86_REAL,		/* real mode at CS = entry / 16, IP 0 (a SIPI's start) */
};

struct vcpu_boot {
	u32 mode;
	u64 entry;
	u64 args[4];	/* x86: EAX, EBX, ESI, EDI; arm64: x0-x3 */
};

/* vcpu->requests bits, set by other CPUs, consumed by the vCPU's own thread. */
#define VCPU_REQ_STOP		BIT(0)	/* return HV_EXIT_INTR to the VMM */
#define VCPU_REQ_EVENT		BIT(1)	/* re-check interrupts / power state */

/* vcpu->power; the transitions are in core/vcpu.c. */
enum vcpu_power {
	VCPU_POWER_OFF,		/* waits for CPU_ON / INIT-SIPI */
	VCPU_POWER_CLAIMED,	/* a power-on is writing the boot state */
	VCPU_POWER_PENDING,	/* the boot state is there, not taken yet */
	VCPU_POWER_ON,
};

struct vcpu {
	struct vm *vm;
	u32 id;
	u32 pcpu;		/* the physical CPU its thread is pinned to */

	/* Shared with the VMM, which owns it; only this vCPU's thread uses it. */
	struct hv_run run;
	/* Set by the arch with the exit, cleared by the one vcpu_run() that consumes it. */
	u32 completion;

	u32 power;		/* atomic, enum vcpu_power */
	u32 requests;		/* atomic, VCPU_REQ_* */
	struct vcpu_boot boot;	/* written while CLAIMED, read once PENDING */
	/* A power-on given before the VM first ran: what a VM reset replays. */
	struct vcpu_boot start_boot;
	bool start_on;

	void *arch;
	/* This vCPU's part of vm->irqchip; set by finalization, before FINALIZED. */
	void *irqchip;

	u64 exits;
	u64 exits_to_vmm;
};

/* The run ABI; see include/hv/run.h for the rules. */
int vcpu_run(struct vcpu *vcpu);

/* Makes @vcpu look at its requests soon: wakes it from a wait, or forces a guest exit. */
void vcpu_kick(struct vcpu *vcpu);
void vcpu_request(struct vcpu *vcpu, u32 req);

/*
 * Powers a vCPU on at @boot (PSCI CPU_ON, INIT-SIPI, or the VM's start):
 * it starts there at its next entry. -EALREADY if it is on, -EBUSY if a
 * power-on is already pending; then @boot is not used.
 */
int vcpu_power_on(struct vcpu *vcpu, const struct vcpu_boot *boot);
void vcpu_power_off(struct vcpu *vcpu);
/* Not OFF: on, or with a power-on under way that it will take. */
bool vcpu_is_on(const struct vcpu *vcpu);
u32 vcpu_power_state(const struct vcpu *vcpu);

/* Return values of arch_vcpu_run_once() besides 0 and -errno. */
#define VCPU_RESUME		1	/* handled in place: enter the guest again */
#define VCPU_BLOCK		2	/* HLT/WFI: wait for an event, then resume */
#define VCPU_POWERED_OFF	3	/* the vCPU turned itself off (PSCI CPU_OFF) */

#endif
