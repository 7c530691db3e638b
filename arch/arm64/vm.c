/*
 * The arch_vm_* and arch_vcpu_* hooks of include/core/arch.h and the
 * arm64 properties of a VM's configuration (include/core/config.h).
 */
#include <core/arch.h>
#include <core/config.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/heap.h>
#include <core/loader.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/string.h>
#include <asm/cache.h>
#include <asm/exception.h>
#include <asm/gic.h>
#include <asm/guest.h>
#include <asm/guest_dtb.h>
#include <asm/sysreg.h>
#include <asm/vgic.h>

/*
 * HCR_EL2 while a guest runs: stage 2 on (VM), set/way invalidation made
 * clean+invalidate (SWIO), physical interrupts and SErrors to EL2
 * (FMO/IMO/AMO, which also gives the guest the virtual CPU interface),
 * broadcast TLB and barrier maintenance inner shareable (FB, BSU), WFI
 * trapped to be a real wait (TWI), SMC trapped so that PSCI through SMC
 * works like HVC (TSC), implementation-defined registers trapped to
 * become UNDEF (TIDCP), EL1 in AArch64 (RW). The ID registers trap
 * (TID3) and read sanitised (sysreg_trap.c), and so do the RAS error
 * record registers (TERR), which become UNDEF as the hidden RAS field
 * says. ATA stays clear: MTE's registers trap and are UNDEF.
 */
/* BIT(): asm/sysreg.h's (1 << 31), an int, would sign-extend into E2H and the rest. */
#define HCR_VM			BIT(0)
#define HCR_SWIO		BIT(1)
#define HCR_FMO64		BIT(3)
#define HCR_IMO64		BIT(4)
#define HCR_AMO64		BIT(5)
#define HCR_RW64		BIT(31)
#define HCR_FB			BIT(9)
#define HCR_BSU_IS		(1ULL << 10)
#define HCR_TWI			BIT(13)
#define HCR_TID3		BIT(18)
#define HCR_TSC			BIT(19)
#define HCR_TIDCP		BIT(20)
#define HCR_TERR		BIT(36)
#define HCR_EL2_GUEST		(HCR_VM | HCR_SWIO | HCR_FMO64 | HCR_IMO64 | HCR_AMO64 | HCR_FB | \
				 HCR_BSU_IS | HCR_TWI | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TERR | \
				 HCR_RW64)

#define VTTBR_VMID_SHIFT	48

/* The guest's DTB goes in the last 2 MiB of its first RAM range (the Image protocol's rule). */
#define DTB_SLOT		PAGE_2M

/* The configuration check judges layouts with these; they must be the vGIC's and ours. */
STATIC_ASSERT(CONFIG_ARM64_DTB_SLOT == DTB_SLOT, "the checker's DTB slot");
STATIC_ASSERT(CONFIG_VGIC_DIST_SIZE == VGIC_DIST_SIZE, "the checker's GICD size");
STATIC_ASSERT(CONFIG_VGIC_REDIST_SIZE == VGIC_REDIST_SIZE, "the checker's GICR size");
STATIC_ASSERT(CONFIG_VGIC_DEFAULT_DIST == VGIC_DEFAULT_DIST_BASE, "the checker's GICD base");
STATIC_ASSERT(CONFIG_VGIC_DEFAULT_REDIST == VGIC_DEFAULT_REDIST_BASE, "the checker's GICR base");
STATIC_ASSERT(CONFIG_ARM64_SPIS == VGIC_NR_SPIS, "the checker's SPI count");

u64 arch_vm_gpa_limit(void)
{
	return arm64_s2_ipa_limit();
}

/* The virtual counter of a VM starts at 0 when it is created, the same on every vCPU. */
int arch_vm_init(struct vm *vm)
{
	struct arm64_vm *avm = kzalloc(sizeof(*avm));

	if (!avm)
		return -ENOMEM;
	avm->s2_root = page_alloc();
	if (!avm->s2_root) {
		kfree(avm);
		return -ENOMEM;
	}
	avm->cntvoff = read_sysreg(cntpct_el0);
	avm->gic_dist_base = VGIC_DEFAULT_DIST_BASE;
	avm->gic_redist_base = VGIC_DEFAULT_REDIST_BASE;
	vm->arch = avm;
	return 0;
}

void arch_vm_destroy(struct vm *vm)
{
	struct arm64_vm *avm = vm->arch;

	if (!avm)
		return;
	vgic_vm_destroy(vm);
	if (avm->vmid) {
		arm64_s2_flush_vmid(avm->vmid);
		arm64_vmid_release(avm->vmid);
	}
	arm64_s2_free(avm->s2_root);
	kfree(avm);
	vm->arch = NULL;
}

/*
 * "gic-distributor" and "gic-redistributor" (one or two cells each) move
 * the vGIC's frames from QEMU virt's addresses; the GICR range's size
 * follows from the vCPU count, and only vm_finalize() checks it against
 * the rest of the map.
 */
static int gic_base_prop(const struct fdt *fdt, int node, const char *name, u64 *base,
			 struct config_error *err)
{
	int r = fdt_prop_uint(fdt, node, name, base);

	if (r && r != -ENOENT)
		return fail_config(err, r, "property '%s': %s", name, errno_name(r));
	return 0;
}

/*
 * "passthrough-spis" lists physical SPIs (INTIDs 32-127) given to this VM
 * with the same INTID: the host routes each to the CPU of the vCPU the
 * guest routes it to, and no other VM may claim it.
 */
static int passthrough_spis(struct vm *vm, const struct fdt *fdt, int node,
			    struct config_error *err)
{
	const u8 *cells;
	u32 len, i, intid;
	int r = fdt_prop(fdt, node, "passthrough-spis", (const void **)&cells, &len);

	if (r == -ENOENT)
		return 0;
	if (r || len % 4)
		return fail_config(err, r ? r : -EINVAL, "property 'passthrough-spis' is malformed");
	for (i = 0; i < len / 4; i++) {
		intid = (u32)cells[4 * i] << 24 | (u32)cells[4 * i + 1] << 16 |
			(u32)cells[4 * i + 2] << 8 | cells[4 * i + 3];
		r = vgic_assign_spi(vm, intid);
		if (r)
			return fail_config(err, r, "property 'passthrough-spis': INTID %u %s (%s)",
					   intid, r == -EALREADY ? "is already another VM's" :
					   "cannot be routed to this VM", errno_name(r));
	}
	return 0;
}

/*
 * arm64-bench-floor: benchmark-only; HVC with function ID 0xc600ffff is
 * answered by the bare world switch (arch_vcpu_run_once()), the floor
 * the other round trips are compared with.
 */
int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	struct arm64_vm *avm = vm->arch;
	int r;

	avm->bench_floor = fdt_prop(fdt, node, "arm64-bench-floor", NULL, NULL) == 0;
	r = gic_base_prop(fdt, node, "gic-distributor", &avm->gic_dist_base, err);
	if (!r)
		r = gic_base_prop(fdt, node, "gic-redistributor", &avm->gic_redist_base, err);
	if (r)
		return r;
	r = vgic_vm_init(vm, &(struct vgic_config){ avm->gic_dist_base, avm->gic_redist_base });
	if (r)
		return fail_config(err, r, "cannot set up the virtual GIC at %#llx/%#llx (%s)",
				   avm->gic_dist_base, avm->gic_redist_base, errno_name(r));
	return passthrough_spis(vm, fdt, node, err);
}

static void collect_ram(const struct vm *vm, struct guest_dt *dt)
{
	u32 i;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];

		if (r->kind == VM_REGION_RAM)
			dt->ram[dt->nr_ram++] = (struct boot_range){ r->gpa, r->size };
	}
}

static void collect_uarts(const struct vm *vm, struct guest_dt *dt)
{
	const struct vmm_vm *v = vm->vmm;
	u32 i;

	for (i = 0; i < v->nr_devices && dt->nr_uarts < GUEST_DT_MAX_UARTS; i++) {
		const struct vmm_device *d = &v->devices[i];

		if (!strcmp(d->name, "pl011"))
			dt->uart[dt->nr_uarts++] = (struct guest_dt_uart){ d->base, d->irq };
	}
}

/* Where the image will lie: the DTB must not be under it. */
static u64 image_end(const struct load_params *p)
{
	u64 size = p->size, text_offset = 0, image_size = 0;

	if (p->format == IMAGE_LINUX && p->size >= 24) {
		memcpy(&text_offset, (const u8 *)p->image + 8, 8);
		memcpy(&image_size, (const u8 *)p->image + 16, 8);
		return ALIGN_UP(p->load_addr, PAGE_2M) + text_offset + MAX(image_size, size);
	}
	return p->format == IMAGE_FLAT ? p->load_addr + size : 0;
}

/* The initial RAM disk goes right below the DTB's slot, page aligned, above the kernel. */
static int place_initrd(struct vm *vm, const struct load_params *p, u64 dtb_gpa,
			struct guest_dt *dt)
{
	u64 gpa;
	int err;

	if (!p->initrd || !p->initrd_size)
		return 0;
	if (p->initrd_size > dtb_gpa - image_end(p))
		return -E2BIG;
	gpa = ALIGN_DOWN(dtb_gpa - p->initrd_size, PAGE_SIZE);
	if (gpa < image_end(p))
		return -E2BIG;
	err = vm_write_guest(vm, gpa, p->initrd, p->initrd_size);
	dt->initrd_start = gpa;
	dt->initrd_end = gpa + p->initrd_size;
	return err;
}

/*
 * The DTB is generated once the configuration has placed the vCPUs and
 * devices, and written into the last 2 MiB of the first RAM range, above
 * the kernel and its initrd; the loader passes its address in x0.
 */
int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	struct arm64_vm *avm = vm->arch;
	struct guest_dt dt = {
		.nr_cpus = vm->nr_vcpus,
		.gic_dist = avm->gic_dist_base,
		.gic_redist = avm->gic_redist_base,
		.bootargs = p->cmdline,
	};
	size_t len;
	void *buf;
	u64 gpa;
	int err;

	collect_ram(vm, &dt);
	collect_uarts(vm, &dt);
	if (!dt.nr_ram || dt.ram[0].size < 2 * DTB_SLOT)
		return -ENOMEM;
	gpa = dt.ram[0].base + dt.ram[0].size - DTB_SLOT;
	if (image_end(p) > gpa)
		return -E2BIG;
	err = place_initrd(vm, p, gpa, &dt);
	if (err)
		return err;
	buf = kzalloc(GUEST_DTB_MAX);
	if (!buf)
		return -ENOMEM;
	err = guest_dtb_build(&dt, buf, GUEST_DTB_MAX, &len);
	if (!err)
		err = vm_write_guest(vm, gpa, buf, len);
	kfree(buf);
	if (!err)
		p->fdt_addr = gpa;
	return err;
}

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	return loader_load_arm64_image(vm, p, boot);
}

int arch_vm_add_regions(struct vm *vm)
{
	return vgic_add_regions(vm);
}

int arch_vm_map_ram(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	struct arm64_vm *avm = vm->arch;
	int err = arm64_s2_map(avm->s2_root, gpa, pa, size);

	/* The table writes complete before vm_finalize() publishes the VM to a walker. */
	dsb(ishst);
	return err;
}

/*
 * The channel's pages were zeroed through the cache, and a guest with its
 * MMU off reads them uncached: cleaned to the point of coherency first.
 */
int arch_vm_map_shared(struct vm *vm, u64 gpa, paddr_t pa, u64 size, bool writable)
{
	struct arm64_vm *avm = vm->arch;
	int err;

	dcache_clean_object((void *)(uintptr_t)pa, size);
	err = arm64_s2_map_shared(avm->s2_root, gpa, pa, size, writable);
	dsb(ishst);
	return err;
}

/*
 * The guest starts with its MMU off: its accesses bypass the caches
 * that the loader's copies went through. The RAM is cleaned to the
 * point of coherency once, and stale instructions dropped.
 */
static void clean_guest_ram(struct vm *vm)
{
	u32 i;

	for (i = 0; i < vm->nr_regions; i++)
		if (vm->regions[i].kind == VM_REGION_RAM)
			dcache_clean_object(vm->regions[i].hva, vm->regions[i].size);
	__asm__ __volatile__("ic ialluis" ::: "memory");
	dsb(ish);
}

/*
 * A physical interrupt for a guest, acknowledged at EL2 (in a guest exit
 * or in a wait): true if it was EOIed here. The virtual timer's belongs to
 * the vCPU loaded on this CPU; an SPI to the VM it is assigned to.
 */
bool arm64_guest_irq(u32 intid)
{
	struct arm64_vcpu *av = arm64_loaded_vcpu();

	if (intid == VGIC_VTIMER_INTID) {
		/* Nobody's timer is loaded here: the PPI stays off until a vCPU loads. */
		if (av)
			arm64_vtimer_fired(av);
		else
			gic_disable_ppi(VGIC_VTIMER_INTID);
		return false;
	}
	if (intid >= VGIC_NR_PRIVATE && intid < GIC_INTID_SPURIOUS)
		return vgic_handle_phys_irq(intid);
	return false;
}

int arch_vm_map_device(struct vm *vm, u64 gpa, paddr_t pa, u64 size)
{
	struct arm64_vm *avm = vm->arch;
	int err = arm64_s2_map_device(avm->s2_root, gpa, pa, size);

	dsb(ishst);
	return err;
}

/* Arm has no port space. */
int arch_vm_passthrough_ports(struct vm *vm, u32 base, u32 count)
{
	return -EOPNOTSUPP;
}

/* A passthrough device's SPI n is INTID 32 + n, the same in the VM (vgic_phys.c). */
int arch_vm_passthrough_irq(struct vm *vm, u32 host, u32 guest)
{
	if (host != guest || host >= VGIC_NR_SPIS)
		return -EINVAL;
	return vgic_assign_spi(vm, VGIC_NR_PRIVATE + host);
}

/*
 * Again after a reset: the VMID is kept (allocated once), the vGIC's
 * per-vCPU state exists already, and the reloaded RAM is cleaned for a
 * guest that starts with its MMU off.
 */
int arch_vm_finalize(struct vm *vm)
{
	struct arm64_vm *avm = vm->arch;
	int err = avm->vmid ? 0 : arm64_vmid_alloc(&avm->vmid);

	if (err) {
		pr_err("vm %s: no free VMID\n", vm->name);
		return err;
	}
	err = vgic_finalize(vm);
	if (err) {
		pr_err("vm %s: the virtual GIC cannot be finalized (%s)\n", vm->name,
		       errno_name(err));
		return err;
	}
	avm->vttbr = (u64)(uintptr_t)avm->s2_root | (u64)avm->vmid << VTTBR_VMID_SHIFT;
	clean_guest_ram(vm);
	return 0;
}

/*
 * Every vCPU is put (arch_vcpu_put()): its timers are off and nothing of
 * it is in any CPU. The vGIC goes back to its reset state, the emulated
 * physical timers to theirs, and the TLB entries tagged with the VMID
 * (the old life's stage-1 translations) are dropped.
 */
int arch_vm_reset(struct vm *vm)
{
	struct arm64_vm *avm = vm->arch;
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		arm64_vcpu_reset_state(vm->vcpus[i]->arch);
	vgic_vm_reset(vm);
	if (avm->vmid)
		arm64_s2_flush_vmid(avm->vmid);
	return 0;
}

/* A VMM device's line: its "interrupts" property is the SPI number. */
int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	if (irq >= VGIC_NR_SPIS)
		return -EINVAL;
	return vgic_set_irq(vm, NULL, VGIC_NR_PRIVATE + irq, level);
}

/* As a write to GICD_ISPENDR: pending once, whether the guest made the SPI edge or level. */
int arch_vm_doorbell(struct vm *vm, u32 irq)
{
	if (irq >= VGIC_NR_SPIS)
		return -EINVAL;
	return vgic_set_pending(vm, VGIC_NR_PRIVATE + irq);
}

int arch_vcpu_init(struct vcpu *vcpu)
{
	struct arm64_vcpu *av = kzalloc(sizeof(*av));

	if (!av)
		return -ENOMEM;
	av->vcpu = vcpu;
	av->avm = vcpu->vm->arch;
	av->hcr = arm64_vcpu_hcr(HCR_EL2_GUEST);
	timer_init(&av->wfi_timer, arm64_wfi_timer_fired);
	arm64_ptimer_init(av);
	vcpu->arch = av;
	return 0;
}

void arch_vcpu_put(struct vcpu *vcpu)
{
	arm64_vcpu_put(vcpu->arch);
}

/*
 * Only after arch_vcpu_put() on the vCPU's own CPU (or for a vCPU that
 * never ran): a timer can only leave the list of the CPU it is armed on,
 * and a CPU that still held the context would save into freed memory at
 * its next load. Both are bugs of the caller, caught here.
 */
void arch_vcpu_destroy(struct vcpu *vcpu)
{
	struct arm64_vcpu *av = vcpu->arch;

	if (!av)
		return;
	BUG_ON(av->wfi_timer.armed || av->ptimer.timer.armed);
	BUG_ON(arm64_vcpu_held(av));
	kfree(av);
	vcpu->arch = NULL;
}

int arch_vcpu_boot(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
	if (boot->mode != VCPU_BOOT_ARM64_EL1)
		return -EINVAL;
	arm64_vcpu_reset(vcpu->arch, boot->entry, boot->args);
	return 0;
}

#define BENCH_FLOOR_FN		0xc600ffffu

/* The floor of the benchmark: the world switch and nothing else. */
static bool bench_floor_hvc(const struct arm64_vcpu *av, u64 slot)
{
	return slot == VEC_LOW64_SYNC && ESR_EC(av->regs.esr) == EC_HVC64 &&
	       (u32)av->regs.x[0] == BENCH_FLOOR_FN;
}

/*
 * Exits handled in place (arm64_exit_in_place()) go back to the guest
 * without a trip through core/vcpu.c or the vGIC's sync and flush: the
 * list registers stay loaded. The others sync first, before the exit's
 * physical interrupt is acknowledged (asm/vgic.h).
 */
int arch_vcpu_run_once(struct vcpu *vcpu)
{
	struct arm64_vcpu *av = vcpu->arch;
	u64 slot;
	int r;

	arm64_vcpu_load(av);
	vgic_flush_lrs(vcpu);
	for (;;) {
		slot = arm64_guest_enter(&av->regs);
		if (av->avm->bench_floor && bench_floor_hvc(av, slot))
			continue;
		if (!arm64_exit_in_place(av, slot))
			break;
		vcpu->exits++;
		r = arm64_handle_exit(av, slot);
		if (r != VCPU_RESUME) {
			vgic_sync_lrs(vcpu);
			arm64_vtimer_sync(av);
			return r;
		}
	}
	vgic_sync_lrs(vcpu);
	arm64_vtimer_sync(av);
	return arm64_handle_exit(av, slot);
}

int arch_vcpu_complete(struct vcpu *vcpu, u32 completion)
{
	return arm64_complete(vcpu->arch, completion);
}

/* On the vCPU's own CPU, where its timer is loaded. */
bool arch_vcpu_has_event(struct vcpu *vcpu)
{
	return vgic_vcpu_pending(vcpu) || arm64_vtimer_pending(vcpu->arch);
}
