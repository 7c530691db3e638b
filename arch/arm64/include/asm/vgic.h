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
 *    vgic_assign_spi() then, for the physical SPIs the VM owns;
 *  - vgic_add_regions() from arch_vm_add_regions(), under the VM lock in
 *    vm_finalize(): the GICD frame and a GICR range sized by the final
 *    vCPU count become VM_REGION_EMULATED regions, which the memory map
 *    check then validates against RAM and the devices;
 *  - vgic_finalize() from arch_vm_finalize(): all per-vCPU state is
 *    allocated; nothing is allocated after this point;
 *  - vgic_vm_destroy() from arch_vm_destroy() only.
 * A vCPU that runs has seen FINALIZED (acquire), so every vGIC structure
 * and region exists before any guest access can reach them. After
 * FINALIZED, vgic_vm_init() and vgic_assign_spi() return -EBUSY.
 *
 * The world switch, on the vCPU's own physical CPU with interrupts masked:
 *
 *	vgic_flush_lrs(vcpu);		list registers and ICH_* loaded
 *	... enter the guest, exit ...
 *	vgic_sync_lrs(vcpu);		ICH_* saved, ICH_HCR_EL2.En cleared
 *	then acknowledge the physical interrupt that caused the exit, if any:
 *	INTID 25 (maintenance) needs nothing but its EOI, which must come
 *	after vgic_sync_lrs() (the line stays high while ICH_HCR_EL2 asks
 *	for it); an SPI goes to vgic_handle_phys_irq().
 *
 * The ICH_* state of a vCPU lives in struct vgic_ich_state (below), in
 * memory between exits; only vgic_ich.c touches the registers.
 */

#define VGIC_DEFAULT_DIST_BASE		0x08000000ULL
#define VGIC_DEFAULT_REDIST_BASE	0x080a0000ULL
#define VGIC_DIST_SIZE			0x10000ULL
#define VGIC_REDIST_SIZE		0x20000ULL	/* RD_base + SGI_base frames */
#define VGIC_FRAME_ALIGN		0x10000ULL

#define VGIC_NR_SGIS			16
#define VGIC_NR_PRIVATE			32
#define VGIC_NR_SPIS			96	/* SPI INTIDs 32..127 */
#define VGIC_MAX_INTID			(VGIC_NR_PRIVATE + VGIC_NR_SPIS)

#define VGIC_MAINT_INTID		25
#define VGIC_VTIMER_INTID		27
#define VGIC_PTIMER_INTID		30

/*
 * vCPU n's affinity is Aff0 = n, the other levels 0: the value the world
 * switch must put in VMPIDR_EL2 (bit 31 is RES1), and what GICR_TYPER,
 * GICD_IROUTER and ICC_SGI1R_EL1 name it by.
 */
#define VGIC_VCPU_MPIDR(id)		(BIT(31) | (u64)(id))

struct vgic_config {
	u64 dist_base;
	u64 redist_base;
};

int vgic_vm_init(struct vm *vm, const struct vgic_config *cfg);
/* Gives the physical SPI @intid to @vm (guest INTID = physical INTID). */
int vgic_assign_spi(struct vm *vm, u32 intid);
int vgic_add_regions(struct vm *vm);
int vgic_finalize(struct vm *vm);
/* A VM reset, from the VM's owner while no vCPU runs: everything to its reset value. */
void vgic_vm_reset(struct vm *vm);
void vgic_vm_destroy(struct vm *vm);

/*
 * Level or edge input on @intid: SPIs are VM-wide (@vcpu ignored), SGIs
 * and PPIs are @vcpu's. Raising an interrupt for a vCPU on another
 * physical CPU kicks it. SPIs may be driven before finalization (the
 * level is kept), private interrupts only after (-ENODEV before).
 */
int vgic_set_irq(struct vm *vm, struct vcpu *vcpu, u32 intid, bool level);
/* SPI @intid made pending as by GICD_ISPENDR (a doorbell): -EINVAL for anything else. */
int vgic_set_pending(struct vm *vm, u32 intid);

/* Before entering the guest: pending interrupts into the list registers. */
void vgic_flush_lrs(struct vcpu *vcpu);
/* After the exit: EOIs and deactivations the guest did are read back. */
void vgic_sync_lrs(struct vcpu *vcpu);
/* An interrupt is deliverable to @vcpu (ends a WFI wait). */
bool vgic_vcpu_pending(struct vcpu *vcpu);
/*
 * The guest wrote ICC_SGI1R_EL1 (@group0_only false) or ICC_SGI0R_EL1 /
 * ICC_ASGI1R_EL1 (true): route the SGI by affinity or to all but self.
 */
int vgic_sgi_write(struct vcpu *vcpu, u64 val, bool group0_only);

/*
 * Called from vgic_sync_lrs() on @vcpu's own thread, lock-free, when the
 * guest has deactivated the level-sensitive PPI @intid: the source
 * re-samples its line (the virtual timer unmasks CNTV_CTL.IMASK, and
 * lowers the line if the timer condition no longer holds).
 */
typedef void (*vgic_deactivate_fn)(struct vcpu *vcpu, u32 intid);
int vgic_set_deactivate_notify(struct vcpu *vcpu, u32 intid, vgic_deactivate_fn fn);

/*
 * A physical SPI acknowledged at EL2: if a VM owns it, it is masked at
 * the distributor, EOIed, and made pending in that VM; it is unmasked
 * when the guest deactivates it. False if no VM owns @intid (the caller
 * EOIs it).
 */
bool vgic_handle_phys_irq(u32 intid);

/* ---- the ICH_* state and its accessors ---- */

#define VGIC_MAX_LRS			16
#define VGIC_MAX_APRS			4

/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK		GENMASK(31, 0)
#define ICH_LR_EOI			BIT(41)		/* maintenance on deactivation, HW = 0 */
#define ICH_LR_PRIORITY_SHIFT		48
#define ICH_LR_GROUP			BIT(60)
#define ICH_LR_HW			BIT(61)
#define ICH_LR_STATE_SHIFT		62
#define ICH_LR_PENDING			BIT(62)
#define ICH_LR_ACTIVE			BIT(63)

/* ICH_HCR_EL2 */
#define ICH_HCR_EN			BIT(0)
#define ICH_HCR_UIE			BIT(1)		/* maintenance when <= 1 LR is valid */
#define ICH_HCR_LRENPIE			BIT(2)		/* ... while EOIcount != 0 */
#define ICH_HCR_NPIE			BIT(3)		/* ... while no LR is pending */
#define ICH_HCR_EOICOUNT_SHIFT		27

/* ICH_VMCR_EL2 */
#define ICH_VMCR_ENG0			BIT(0)
#define ICH_VMCR_ENG1			BIT(1)
#define ICH_VMCR_PMR_SHIFT		24

struct vgic_ich_state {
	u64 lr[VGIC_MAX_LRS];
	u64 ap0r[VGIC_MAX_APRS];
	u64 ap1r[VGIC_MAX_APRS];
	u64 hcr;
	u64 vmcr;
	u64 misr;	/* saved for diagnosis only */
};

/*
 * The hardware layer (vgic_ich.c; the unit tests provide their own):
 * load writes every used LR, the APRs, VMCR and HCR last; save reads them
 * back and clears ICH_HCR_EL2, so that no maintenance interrupt is
 * raised while the hypervisor runs.
 */
u32 vgic_ich_nr_lrs(void);
/* Preemption bits (ICH_VTR_EL2.PREbits + 1): 5 to 7, one APR bit per priority group. */
u32 vgic_ich_pre_bits(void);
void vgic_ich_load(const struct vgic_ich_state *s, u32 nr_lrs);
void vgic_ich_save(struct vgic_ich_state *s, u32 nr_lrs);

/* @vcpu's ICH state (for a fault dump); NULL before finalization. */
const struct vgic_ich_state *vgic_ich_state(const struct vcpu *vcpu);

#endif
