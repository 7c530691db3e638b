#ifndef ASM_VGIC_H
#define ASM_VGIC_H

#include <core/vcpu.h>
#include <core/vm.h>

/*
 * The virtual GICv3: distributor and redistributor emulation, SGIs, PPIs
 * and SPIs, list registers. The contract between the arm64 run loop
 * (arch/arm64/, which owns the VM and vCPU objects and the world switch)
 * and the vGIC (arch/arm64/gic/vgic*.c).
 *
 * Lifecycle, tied to the VM's (core/vm.c):
 *  - vgic_vm_init() while the VM is CREATED, from arch_vm_config(), with
 *    the addresses the configuration gives (or QEMU virt's defaults);
 *  - vgic_add_regions() from arch_vm_add_regions(), under the VM lock in
 *    vm_finalize(): the GICD frame and a GICR range sized by the final
 *    vCPU count become VM_REGION_EMULATED regions, which the memory map
 *    check then validates against RAM and the devices;
 *  - vgic_finalize() from arch_vm_finalize(): all per-vCPU state is
 *    allocated; nothing is allocated after this point;
 *  - vgic_vm_destroy() from arch_vm_destroy() only.
 * A vCPU that runs has seen FINALIZED (acquire), so every vGIC structure
 * and region exists before any guest access can reach them.
 */

#define VGIC_DEFAULT_DIST_BASE		0x08000000ULL
#define VGIC_DEFAULT_REDIST_BASE	0x080a0000ULL
#define VGIC_DIST_SIZE			0x10000ULL
#define VGIC_REDIST_SIZE		0x20000ULL	/* RD_base + SGI_base frames */

#define VGIC_NR_SGIS			16
#define VGIC_NR_PRIVATE			32
#define VGIC_NR_SPIS			96	/* SPI INTIDs 32..127 */
#define VGIC_MAX_INTID			(VGIC_NR_PRIVATE + VGIC_NR_SPIS)

#define VGIC_MAINT_INTID		25
#define VGIC_VTIMER_INTID		27
#define VGIC_PTIMER_INTID		30

struct vgic_config {
	u64 dist_base;
	u64 redist_base;
};

int vgic_vm_init(struct vm *vm, const struct vgic_config *cfg);
int vgic_add_regions(struct vm *vm);
int vgic_finalize(struct vm *vm);
void vgic_vm_destroy(struct vm *vm);

/*
 * Level or edge input on @intid: SPIs are VM-wide (@vcpu ignored), SGIs
 * and PPIs are @vcpu's. Raising an interrupt for a vCPU on another
 * physical CPU kicks it.
 */
int vgic_set_irq(struct vm *vm, struct vcpu *vcpu, u32 intid, bool level);

/* Before entering the guest: pending interrupts into the list registers. */
void vgic_flush_lrs(struct vcpu *vcpu);
/* After the exit: EOIs and deactivations the guest did are read back. */
void vgic_sync_lrs(struct vcpu *vcpu);
/* An interrupt is deliverable to @vcpu (ends a WFI wait). */
bool vgic_vcpu_pending(struct vcpu *vcpu);
/* The guest wrote ICC_SGI1R_EL1 (trapped): route the SGI by affinity or to all but self. */
int vgic_sgi1r_write(struct vcpu *vcpu, u64 val);

#endif
