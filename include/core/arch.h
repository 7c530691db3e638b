#ifndef CORE_ARCH_H
#define CORE_ARCH_H

#include <core/boot.h>
#include <lib/compiler.h>

/*
 * The arch interface: everything core/ may ask of the CPU and platform.
 * Each architecture implements all of it; core/ includes no other arch
 * header.
 */

/* The CPU's own percpu, from %gs on x86 and TPIDR_EL2 on arm64. */
struct percpu;
struct percpu *arch_this_cpu(void);

void arch_console_write(const char *s, size_t n);
/* A byte typed on the hypervisor's console, or -1: polled, never waits. */
int arch_console_getc(void);

/* Late bring-up on the boot CPU, after the page allocator: SMP and devices. */
int arch_init(const struct boot_info *bi);

/* Waits for an interrupt or a kick (hlt / wfi); returns with interrupts masked. */
void arch_cpu_wait(void);
/* Wakes @cpu from arch_cpu_wait() (an IPI). */
void arch_cpu_kick(unsigned int cpu);
/* Stops this CPU for good. */
__noreturn void arch_cpu_stop(void);
/* Asks every other CPU to stop (panic). */
void arch_stop_other_cpus(void);

/* Monotonic time since an arbitrary origin, in nanoseconds. */
u64 arch_time_ns(void);

/* Powers the machine off (ACPI S5 / PSCI SYSTEM_OFF). */
__noreturn void arch_system_off(void);
/*
 * Leaves QEMU with status (code << 1) | 1 (isa-debug-exit on x86,
 * semihosting on arm64) so that a test runner can tell a deliberate exit
 * from a triple fault (status 0) or a timeout (124). Falls back to
 * arch_system_off() on a machine without the device.
 */
__noreturn void arch_test_exit(unsigned int code);

/* ---- virtualization: implemented by arch/<arch>/ for core/vm.c and core/vcpu.c ---- */

struct vm;
struct vcpu;
struct vcpu_boot;

/* Guest-physical addresses must lie below this (NPT / stage-2 input size). */
u64 arch_vm_gpa_limit(void);
/* Stage-2 / NPT root, VMID / ASID. */
int arch_vm_init(struct vm *vm);
void arch_vm_destroy(struct vm *vm);
/*
 * Called by vm_finalize() under the VM lock, before the memory map is
 * validated: adds the regions the arch emulates itself (the vGIC), whose
 * layout depends on the final configuration (the vCPU count).
 */
int arch_vm_add_regions(struct vm *vm);
/* Maps guest RAM [gpa, gpa + size) to host [pa, pa + size). */
int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size);
/*
 * Maps an inter-VM channel's pages [gpa, gpa + size) to host [pa, pa +
 * size) as normal write-back memory like RAM; without @writable a guest
 * write faults (and reaches the VMM as an access no device answers).
 */
int arch_vm_map_shared(struct vm *vm, u64 gpa, paddr_t pa, u64 size, bool writable);
/*
 * A channel's doorbell (core/channel.c): makes interrupt @irq of @vm
 * pending once, an edge whatever the line's configured trigger (an SPI,
 * as a write to GICD_ISPENDR; an IOAPIC pin 16-23, as a pulse). Called
 * from any CPU, only while @vm is FINALIZED.
 */
int arch_vm_doorbell(struct vm *vm, u32 irq);
/* Maps a passthrough device's MMIO [gpa, gpa + size) to [pa, pa + size) as device memory. */
int arch_vm_map_device(struct vm *vm, u64 gpa, paddr_t pa, u64 size);
/*
 * While the VM is CREATED (core/passthrough.c): opens host ports
 * [base, base + count) to the VM (x86; -EOPNOTSUPP elsewhere), and gives
 * it a physical interrupt line: x86 host IOAPIC pin @host raises the
 * VM's line @guest; arm64 SPI @host is the VM's SPI @host (@guest equal).
 * Both are undone by arch_vm_destroy().
 */
int arch_vm_passthrough_ports(struct vm *vm, u32 base, u32 count);
int arch_vm_passthrough_irq(struct vm *vm, u32 host, u32 guest);
/* Last step of vm_finalize(), with the map validated and mapped: size and allocate state. */
int arch_vm_finalize(struct vm *vm);
/*
 * vm_reset(), with no vCPU of the VM in vcpu_run() and every vCPU put
 * (arch_vcpu_put()): the arch's VM-wide state back to its reset values
 * (the interrupt controller, translations cached from the old life).
 * The memory map, stage-2/NPT tables and VMID/ASID stay.
 */
int arch_vm_reset(struct vm *vm);
/* Raises or lowers a VM-wide interrupt line (UART IRQ / SPI). */
int arch_vm_irq_line(struct vm *vm, u32 irq, bool level);

int arch_vcpu_init(struct vcpu *vcpu);
void arch_vcpu_destroy(struct vcpu *vcpu);
/* Puts the vCPU in its architectural start state at @boot. */
int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot);
/*
 * Enters the guest once and handles the exit: VCPU_RESUME, VCPU_BLOCK,
 * VCPU_POWERED_OFF, 0 with vcpu->run filled (and vcpu->completion set if
 * the exit needs one), or a negative errno.
 */
int arch_vcpu_run_once(struct vcpu *vcpu);
/* Consumes vcpu->run's completion data (register write-back, RIP/PC advance). */
int arch_vcpu_complete(struct vcpu *vcpu, u32 completion);
/*
 * On the vCPU's own CPU, when its thread leaves the run loop for good or
 * parks for a VM reset: nothing of the vCPU may stay in this CPU's
 * registers or timer lists, so that the VM's owner can reset or free it
 * from another CPU without racing a lazy save here.
 */
void arch_vcpu_put(struct vcpu *vcpu);
/* True when an interrupt is deliverable to the vCPU: ends a HLT/WFI wait. */
bool arch_vcpu_has_event(struct vcpu *vcpu);

/*
 * A one-shot host timer for this CPU at @deadline_ns (arch_time_ns()
 * time); 0 cancels. Its interrupt only wakes the CPU or forces a guest
 * exit: the expired timers run from timer_run_expired() at a safe point.
 */
void arch_timer_program(u64 deadline_ns);

#endif
