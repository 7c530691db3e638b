#ifndef CORE_VMM_H
#define CORE_VMM_H

#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/spinlock.h>

/*
 * The VMM: the only consumer of struct hv_run. Each vCPU has a thread
 * (on its pinned physical CPU) that calls vcpu_run(), hands IO, MMIO and
 * hypercall exits to the VM's device models, completes them, and stops
 * the VM on anything fatal. It plays the role userspace plays for KVM.
 */

#define VMM_MAX_VMS		8
#define VMM_MAX_DEVICES		8
#define VMM_LINE_MAX		160

enum vmm_space {
	VMM_SPACE_PIO,
	VMM_SPACE_MMIO,
	VMM_NR_SPACES,
};

struct vmm_device;

struct vmm_device_ops {
	int (*read)(struct vmm_device *dev, u64 offset, u32 size, u64 *val);
	int (*write)(struct vmm_device *dev, u64 offset, u32 size, u64 val);
	/*
	 * A VM restart, with every vCPU parked: the registers back to their
	 * power-on values, as the new life's driver expects them. NULL for a
	 * model without state.
	 */
	void (*reset)(struct vmm_device *dev);
};

struct vmm_device {
	char name[24];
	u32 space;
	u64 base;
	u64 size;
	u32 irq;		/* VM interrupt line, if the device has one */
	const struct vmm_device_ops *ops;
	void *state;
	struct vm *vm;
};

/* How a VM ended; the first fatal event decides. */
enum vmm_outcome {
	VMM_OUTCOME_RUNNING,
	VMM_OUTCOME_EXIT_CODE,		/* the guest wrote its debug-exit port */
	VMM_OUTCOME_SYSTEM_OFF,		/* PSCI SYSTEM_OFF / ACPI S5 */
	VMM_OUTCOME_RESET,
	VMM_OUTCOME_CRASH,
	VMM_OUTCOME_SHUTDOWN,		/* triple fault */
	VMM_OUTCOME_HALTED,		/* halted with interrupts off: nothing can wake it */
	VMM_OUTCOME_FAIL_ENTRY,
	VMM_OUTCOME_INTERNAL_ERROR,
	VMM_OUTCOME_ERROR,		/* vcpu_run() returned an error */
	VMM_OUTCOME_UNHANDLED_ACCESS,	/* the "stop" policy for unknown IO/MMIO */
	VMM_OUTCOME_DEAD,		/* never ran: its configuration was refused */
	VMM_OUTCOME_COUNT,
};

enum vmm_unknown_policy {
	/*
	 * No "unknown-access" property: what the architecture does. On arm64
	 * the guest takes a synchronous external abort (arch/arm64/exit.c,
	 * and no exit reaches the VMM); elsewhere as IGNORE.
	 */
	VMM_UNKNOWN_DEFAULT,
	VMM_UNKNOWN_IGNORE,	/* reads float (all ones) / RAZ, writes dropped, one warning */
	VMM_UNKNOWN_STOP,
};

/* What a guest's reset request (PSCI SYSTEM_RESET, x86 0xcf9 or the 8042) does. */
enum vmm_reset_policy {
	VMM_RESET_RESTART,	/* the VM starts again from its pristine images (core/vm_reset.c) */
	VMM_RESET_STOP,		/* the VM ends, with the outcome "reset" */
};

/*
 * What a crash does ("on-crash"): an end the guest caused by a fault of
 * its own (vmm_outcome_is_crash(): a triple fault, an access the "stop"
 * policy stops it for, an instruction the hypervisor cannot emulate, a
 * state VMRUN refuses).
 */
enum vmm_crash_policy {
	VMM_CRASH_STOP,		/* the VM ends with that outcome (the default) */
	VMM_CRASH_RESTART,	/* the VM starts again, as for on-reset = "restart" */
};

/* "restart-limit" absent: the VM is restarted as often as its policies ask. */
#define VMM_NO_RESTART_LIMIT	0xffffffffu

struct vmm_vm {
	struct vm *vm;		/* NULL once the VM is destroyed */
	char name[VM_NAME_MAX];
	struct vmm_device devices[VMM_MAX_DEVICES];
	u32 nr_devices;
	/*
	 * Per space, the device the last access found (atomic, relaxed: any
	 * vCPU thread may update it). Devices are placed before the VM runs
	 * and never move, so a hit needs only its range checked: a guest that
	 * keeps to one device skips the walk of devices[].
	 */
	struct vmm_device *last_hit[VMM_NR_SPACES];
	u32 unknown_policy;
	u32 reset_policy;	/* enum vmm_reset_policy: "on-reset" */
	u32 crash_policy;	/* enum vmm_crash_policy: "on-crash" */
	/* Restarts allowed (for a reset or a crash) before the next one stops the VM. */
	u32 restart_limit;
	u32 warned_unknown;
	u64 unknown_accesses;	/* atomic: every access that found no device */

	spinlock_t lock;	/* protects the outcome fields */
	u32 outcome;
	u64 outcome_code;
	char outcome_msg[96];

	/* What a test run expects of this VM (default: debug-exit with code 0). */
	u32 expect;
	u64 expect_code;

	u32 threads_running;
	u64 start_ns;

	/*
	 * A VM reset (PSCI SYSTEM_RESET): asked by any vCPU thread, done by
	 * the last one to park, the others waiting for the generation to
	 * change (vmm.c, park_for_reset()).
	 */
	u32 reset_requested;
	u32 parked;
	u32 reset_generation;
	/* Why the pending restart was asked for (under @lock), for its report. */
	char restart_cause[96];
	/* The last restart's duration, from the last vCPU parked to the barrier passed. */
	u64 last_restart_ns;
};

const char *vmm_outcome_name(u32 outcome);
/* True for the ends "on-crash" applies to (outcome.c's table). */
bool vmm_outcome_is_crash(u32 outcome);
/* Parses "exit:N", "shutdown", "dead", ...; -EINVAL if unknown. */
int vmm_parse_outcome(const char *s, u32 *outcome, u64 *code);

/* The VMs registered so far, in configuration order (for reports and tests). */
u32 vmm_nr_vms(void);
struct vm *vmm_vm(u32 idx);

/* Registers @vm with the VMM (allocates its vmm_vm). */
int vmm_add_vm(struct vm *vm);
/*
 * Adds a device model; MMIO devices also claim their range in the VM's
 * memory map (so that it is validated against RAM and the vGIC).
 */
struct vmm_device *vmm_add_device(struct vm *vm, const char *name, u32 space, u64 base,
				  u64 size, const struct vmm_device_ops *ops, void *state);

/* Records how @vm ended (the first call wins) and asks its vCPUs to stop. */
void vmm_stop_vm(struct vm *vm, u32 outcome, u64 code, const char *fmt, ...) __printf(4, 5);

/* Prints a line of guest output, prefixed with the VM's name. */
void vmm_guest_print(struct vm *vm, const char *s, size_t n);

/* A UART model's transmitted characters, gathered into lines for vmm_guest_print(). */
struct vmm_line {
	u32 len;
	char buf[VMM_LINE_MAX];
};

/* One transmitted character: '\r' is dropped, '\n' or a full buffer prints the line. */
void vmm_line_putc(struct vm *vm, struct vmm_line *l, char c);

/*
 * Finalizes every VM and starts the vCPU threads on their physical
 * CPUs; the calling CPU runs its own vCPU, if one is pinned to it, and
 * then idles. When the last VM has stopped, the machine powers off (or,
 * under a test command line, exits QEMU with the verdict).
 */
__noreturn void vmm_run_all(void);

/* Device models. */
/* @console_input: what is typed on the hypervisor's console is received (one UART at most). */
int uart16550_create(struct vm *vm, u32 space, u64 base, u32 irq, bool console_input);
int pl011_create(struct vm *vm, u64 base, u32 irq);
int debug_exit_create(struct vm *vm, u32 space, u64 base);
int access_counter_create(struct vm *vm, u32 space, u64 base);

/* Handles one exit; exported for the unit tests of the dispatch. */
int vmm_handle_exit(struct vcpu *vcpu);

#endif
