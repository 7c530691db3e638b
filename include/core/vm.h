#ifndef CORE_VM_H
#define CORE_VM_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/spinlock.h>

#define VM_NAME_MAX	32
#define VM_MAX_VCPUS	8
#define VM_MAX_REGIONS	16
#define VM_REASON_MAX	96

struct vcpu;
struct vmm_vm;

/*
 * A VM's life: CREATED (its configuration may change: memory, vCPUs,
 * regions) -> FINALIZED (one step, under the lock: the whole memory map
 * is validated, RAM mapped, every in-hypervisor region registered and the
 * arch state sized; then the state is published with release semantics)
 * -> vCPUs may run -> DEAD after a fatal error -> destroyed. Nothing in
 * the memory map changes after FINALIZED, so a vCPU that has seen
 * FINALIZED (acquire) sees every region, and no access to one of them can
 * ever leave the hypervisor as an MMIO exit.
 */
enum vm_state {
	VM_CREATED,
	VM_FINALIZED,
	VM_DEAD,
};

enum vm_region_kind {
	VM_REGION_RAM,		/* guest RAM, mapped in stage-2 / NPT */
	VM_REGION_EMULATED,	/* emulated in the hypervisor (vGIC), never exits */
	VM_REGION_VMM,		/* a VMM device: accesses become MMIO exits */
	/*
	 * An inter-VM channel's memory (core/channel.c), mapped in stage-2 /
	 * NPT like RAM but owned by the channel: never part of the pristine
	 * copy, never cleared by a restart, never freed with the VM.
	 */
	VM_REGION_SHARED,
	VM_REGION_DEVICE,	/* a passthrough device's MMIO: mapped uncached to @hpa */
};

struct vm_mmio_ops {
	int (*read)(void *opaque, struct vcpu *vcpu, u64 offset, u32 size, u64 *val);
	int (*write)(void *opaque, struct vcpu *vcpu, u64 offset, u32 size, u64 val);
};

struct vm_region {
	u64 gpa;
	u64 size;
	u32 kind;
	const char *name;
	void *hva;				/* RAM, SHARED: where it is in the hypervisor */
	bool read_only;				/* SHARED: a guest write faults */
	u64 hpa;				/* DEVICE: where it is in the machine */
	const struct vm_mmio_ops *ops;		/* EMULATED */
	void *opaque;
};

struct vm {
	u32 id;
	char name[VM_NAME_MAX];

	/*
	 * Protects everything below until the state is FINALIZED, and the
	 * state transitions themselves. After FINALIZED the regions and the
	 * vCPU array are read without it: they no longer change.
	 */
	spinlock_t lock;
	u32 state;
	char dead_reason[VM_REASON_MAX];

	struct vm_region regions[VM_MAX_REGIONS];
	u32 nr_regions;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	u32 nr_vcpus;

	void *arch;
	/* The in-hypervisor interrupt controller (the vGIC), owned by the arch. */
	void *irqchip;
	struct vmm_vm *vmm;

	/* Set once (first reason wins) when the VM is asked to stop. */
	u32 stopping;

	/*
	 * Set by the first vm_finalize(): the memory map is built, mapped and
	 * checked, and the pristine copy of RAM taken (core/vm_reset.c).
	 * Later passes, after a reset, redo only the arch's finalization.
	 */
	bool built;
	struct list_head pristine;
	u64 pristine_bytes;
	u32 resets;
};

struct vm *vm_create(const char *name);
/* Only the destroy path frees VM-wide state, and only once no vCPU runs. */
void vm_destroy(struct vm *vm);

/* Configuration: -EBUSY once the VM is FINALIZED (or DEAD). */
int vm_add_ram(struct vm *vm, u64 gpa, u64 size);
int vm_add_region(struct vm *vm, const struct vm_region *r);
/* The same with vm->lock held: for arch_vm_add_regions(), inside vm_finalize(). */
int vm_add_region_locked(struct vm *vm, const struct vm_region *r);
struct vcpu *vm_add_vcpu(struct vm *vm, u32 pcpu);

/*
 * The barrier. Returns 0 once; -EALREADY if already finalized, -EIO if
 * the VM is dead; on any other failure the VM becomes DEAD with the
 * reason recorded and logged once.
 */
int vm_finalize(struct vm *vm);
void vm_mark_dead(struct vm *vm, const char *reason);
u32 vm_state(const struct vm *vm);

/*
 * Blocks the caller until the VM leaves CREATED: 0 if it is FINALIZED,
 * -EIO if it died. Never a spurious -EAGAIN/-EINTR.
 */
int vm_wait_finalized(struct vm *vm);

/* Guest memory, valid after FINALIZED. NULL unless [gpa, gpa+len) is one RAM region's. */
void *vm_gpa_to_hva(const struct vm *vm, u64 gpa, u64 len);
int vm_read_guest(const struct vm *vm, u64 gpa, void *buf, u64 len);
int vm_write_guest(const struct vm *vm, u64 gpa, const void *buf, u64 len);
const struct vm_region *vm_find_region(const struct vm *vm, u64 gpa);

/*
 * Dispatches an access to an in-hypervisor region. -ENODEV if @gpa is in
 * none (the caller turns it into an MMIO exit for the VMM).
 */
int vm_emulated_access(struct vm *vm, struct vcpu *vcpu, u64 gpa, u32 size, bool write,
		       u64 *val);

/*
 * Restarts a FINALIZED VM as it first started (core/vm_reset.c): RAM
 * cleared and reloaded from its pristine copy, every vCPU off but those
 * powered on before the first run (at their first boot state), the
 * arch's VM-wide state reset, then vm_finalize() again. Only the VM's
 * owner calls it, and only while no vCPU of the VM is in vcpu_run(); a
 * failure leaves the VM DEAD.
 */
int vm_reset(struct vm *vm);
/* The pristine copy of RAM (core/vm.c): taken by vm_finalize(), used by vm_reset(). */
int vm_snapshot_ram(struct vm *vm);
void vm_restore_ram(struct vm *vm);
void vm_free_pristine(struct vm *vm);

/* Asks every vCPU of @vm to return to the VMM with HV_EXIT_INTR. */
void vm_request_stop(struct vm *vm);
bool vm_stop_requested(const struct vm *vm);

#endif
