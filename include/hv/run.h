#ifndef HV_RUN_H
#define HV_RUN_H

/*
 * The run ABI: the contract between the vCPU run loop (core/vcpu.c) and
 * the VMM (core/vmm/), modelled on KVM's struct kvm_run with its rules
 * made explicit. Exit reason numbers are KVM's where the meaning is the
 * same. Fixed-width fields and explicit padding only: the layout is
 * checked at build time and versioned.
 *
 * Rules of vcpu_run(vcpu):
 *  1. If immediate_exit is set it returns -EINTR at once and touches
 *     nothing, exit_reason included: the VMM sees what it saw before.
 *  2. Otherwise exit_reason becomes HV_EXIT_UNKNOWN first, so that no
 *     later error path can hand back a stale reason that looks valid.
 *  3. The completion of the previous exit (the data of an IO or MMIO
 *     read, a hypercall's return value) is consumed exactly once, on the
 *     first entry after that exit, before the guest runs again.
 *  4. It returns 0 when it stopped for the VMM: exit_reason says why and
 *     that reason's union member is filled.
 *  5. It returns a negative errno on error. Only a memory error (-EFAULT,
 *     -EHWPOISON) may come with exit_reason = HV_EXIT_MEMORY_FAULT and its
 *     fields; every other error leaves HV_EXIT_UNKNOWN.
 */

#include <stdint.h>

#define HV_RUN_ABI_VERSION		1

#define HV_EXIT_UNKNOWN			0
#define HV_EXIT_IO			2
#define HV_EXIT_HYPERCALL		3
#define HV_EXIT_HLT			5
#define HV_EXIT_MMIO			6
#define HV_EXIT_SHUTDOWN		8
#define HV_EXIT_FAIL_ENTRY		9
#define HV_EXIT_INTR			10
#define HV_EXIT_INTERNAL_ERROR		17
#define HV_EXIT_SYSTEM_EVENT		24
#define HV_EXIT_MEMORY_FAULT		39

/* io.direction */
#define HV_IO_IN			0
#define HV_IO_OUT			1

/* internal.suberror */
#define HV_INTERNAL_ERROR_EMULATION	1	/* an access that could not be decoded */
#define HV_INTERNAL_ERROR_UNEXPECTED_EXIT 2	/* an exit code nobody handles */
#define HV_INTERNAL_ERROR_DELIVERY	3	/* event delivery failed (e.g. #PF in IDT walk) */
#define HV_INTERNAL_ERROR_NO_SYNDROME	4	/* arm64 data abort with ISV=0 */
#define HV_INTERNAL_ERROR_FETCH		5	/* instruction bytes not in guest RAM */

/* system_event.type */
#define HV_SYSTEM_EVENT_SHUTDOWN	1
#define HV_SYSTEM_EVENT_RESET		2
#define HV_SYSTEM_EVENT_CRASH		3

/* memory_fault.flags */
#define HV_MEMORY_FAULT_READ		(1ULL << 0)
#define HV_MEMORY_FAULT_WRITE		(1ULL << 1)
#define HV_MEMORY_FAULT_EXEC		(1ULL << 2)

struct hv_run_io {
	uint8_t direction;
	uint8_t size;		/* 1, 2 or 4 */
	uint16_t port;
	uint32_t count;		/* always 1: string IO exits once per element */
	uint64_t data;		/* OUT: the value written; IN: the VMM puts the value here */
};

struct hv_run_mmio {
	uint64_t phys_addr;
	uint8_t data[8];	/* little endian; a read's result is filled by the VMM */
	uint32_t len;		/* 1, 2, 4 or 8 */
	uint8_t is_write;
	uint8_t pad[3];
};

struct hv_run_hypercall {
	uint64_t nr;
	uint64_t args[6];
	uint64_t ret;		/* filled by the VMM, returned to the guest */
};

struct hv_run_system_event {
	uint32_t type;
	uint32_t ndata;
	uint64_t data[16];
};

struct hv_run_fail_entry {
	uint64_t hardware_entry_failure_reason;
	uint32_t cpu;
	uint32_t pad;
};

struct hv_run_internal {
	uint32_t suberror;
	uint32_t ndata;
	uint64_t data[16];
};

struct hv_run_memory_fault {
	uint64_t flags;
	uint64_t gpa;
	uint64_t size;
};

struct hv_run {
	/* in */
	uint8_t immediate_exit;
	uint8_t pad0[7];
	/* out */
	uint32_t exit_reason;
	uint32_t pad1;
	union {
		struct hv_run_io io;
		struct hv_run_mmio mmio;
		struct hv_run_hypercall hypercall;
		struct hv_run_system_event system_event;
		struct hv_run_fail_entry fail_entry;
		struct hv_run_internal internal;
		struct hv_run_memory_fault memory_fault;
		uint8_t padding[256];
	};
};

_Static_assert(sizeof(struct hv_run_io) == 16, "hv_run_io layout");
_Static_assert(sizeof(struct hv_run_mmio) == 24, "hv_run_mmio layout");
_Static_assert(sizeof(struct hv_run_hypercall) == 64, "hv_run_hypercall layout");
_Static_assert(sizeof(struct hv_run_system_event) == 136, "hv_run_system_event layout");
_Static_assert(sizeof(struct hv_run_internal) == 136, "hv_run_internal layout");
_Static_assert(sizeof(struct hv_run) == 16 + 256, "hv_run layout");

/*
 * Hypercalls: x86 VMMCALL with the number in RAX and arguments in RBX,
 * RCX, RDX, RSI, RDI, R8, result in RAX; arm64 HVC #0 with an SMCCC
 * vendor-specific hypervisor function ID in x0 (0xc6000000 + nr),
 * arguments in x1-x6, result in x0.
 */
#define HV_HC_CONSOLE_WRITE		1	/* (gpa, len): print guest bytes */
/*
 * (channel, peer): makes endpoint @peer of inter-VM channel @channel
 * pending its configured interrupt (docs/config.md, "Channels"). 0, or
 * -EINVAL (no such channel or endpoint, or the caller's own), -EPERM (the
 * caller is no endpoint of it), -ENXIO (the peer has no interrupt),
 * -EAGAIN (the peer is not running now: retry), -EPIPE (it has ended).
 */
#define HV_HC_DOORBELL			2
#define HV_HC_ARM64_BASE		0xc6000000u
#define HV_HC_ENOSYS			((uint64_t)-38)

#endif
