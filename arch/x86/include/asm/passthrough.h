#ifndef ASM_PASSTHROUGH_H
#define ASM_PASSTHROUGH_H

#include <lib/types.h>

/*
 * x86 passthrough (arch/x86/passthrough.c): a VM's IO permission map
 * with its own ports open, and host IOAPIC pins delivered to lines of
 * its virtual platform.
 *
 * A host pin is routed (asm/ioapic.h) to vector X86_PT_VECTOR_BASE + pin
 * on the CPU of the VM's vCPU 0, and unmasked once the VM is finalized.
 * When it fires, an edge pin pulses the VM's line; a level pin is masked
 * and the VM's line held high until the guest's EOI of that line reaches
 * the vIOAPIC (x86_pt_guest_eoi()): the line then goes low and the pin is
 * unmasked, so a device that still asserts it interrupts again. That is
 * KVM's INTx resampling, done in the hypervisor: the host never sees
 * the device's registers, so it cannot quiet the device itself.
 * Level lines therefore need a guest that uses the IOAPIC; through the
 * 8259 alone, whose EOI the platform does not report, the line stays
 * masked after its first interrupt.
 */
#define X86_PT_VECTOR_BASE	0x30
#define X86_PT_PINS		24

struct vm;

int x86_pt_open_ports(struct vm *vm, u32 base, u32 count);
/* The VM's own IOPM, or 0 when it has none (every port intercepted: the shared map). */
u64 x86_pt_iopm_pa(const struct vm *vm);
int x86_pt_give_pin(struct vm *vm, u32 pin, u32 guest_line);
/* vm_finalize(): the VM's pins are unmasked. */
void x86_pt_start(struct vm *vm);
/* vm_reset(): a level line held for the old life is dropped and its pin unmasked. */
void x86_pt_reset(struct vm *vm);
/* arch_vm_destroy(): the pins masked and given back, the IOPM freed. */
void x86_pt_release(struct vm *vm);
/* The interrupt handler of vectors X86_PT_VECTOR_BASE + pin. */
void x86_pt_interrupt(u32 pin);
/* The vIOAPIC's EOI of its pins @pins (a mask) in @vm. */
void x86_pt_guest_eoi(struct vm *vm, u32 pins);

#endif
