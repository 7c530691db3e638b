#include <core/arch.h>
#include <core/console.h>
#include <core/heap.h>
#include <core/page_alloc.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/panic.h>
#include <lib/printf.h>
#include <lib/string.h>

static u32 next_vm_id;

static const char *const region_kind_names[] = {
	[VM_REGION_RAM] = "RAM",
	[VM_REGION_EMULATED] = "emulated",
	[VM_REGION_VMM] = "device",
	[VM_REGION_SHARED] = "channel",
	[VM_REGION_DEVICE] = "passthrough",
};

struct vm *vm_create(const char *name)
{
	struct vm *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	vm->id = __atomic_fetch_add(&next_vm_id, 1, __ATOMIC_RELAXED);
	strlcpy(vm->name, name, sizeof(vm->name));
	spin_lock_init(&vm->lock);
	list_init(&vm->pristine);
	vm->state = VM_CREATED;
	if (arch_vm_init(vm)) {
		kfree(vm);
		return NULL;
	}
	return vm;
}

u32 vm_state(const struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
}

/* Caller holds vm->lock. */
static int vm_configurable(const struct vm *vm)
{
	return vm->state == VM_CREATED ? 0 : -EBUSY;
}

int vm_add_region_locked(struct vm *vm, const struct vm_region *r)
{
	int err = vm_configurable(vm);

	if (err)
		return err;
	if (!r->size || r->gpa + (r->size - 1) < r->gpa)
		return -EINVAL;
	if (vm->nr_regions == VM_MAX_REGIONS)
		return -ENOSPC;
	vm->regions[vm->nr_regions++] = *r;
	return 0;
}

int vm_add_region(struct vm *vm, const struct vm_region *r)
{
	int err;

	spin_lock(&vm->lock);
	err = vm_add_region_locked(vm, r);
	spin_unlock(&vm->lock);
	return err;
}

/*
 * RAM is allocated at once, 2 MiB aligned when the size allows, so that
 * the NPT / stage-2 can use large pages; it comes zeroed from the page
 * allocator, so no byte of the hypervisor or an earlier VM reaches it.
 */
int vm_add_ram(struct vm *vm, u64 gpa, u64 size)
{
	struct vm_region r = { .gpa = gpa, .size = size, .kind = VM_REGION_RAM, .name = "ram" };
	u64 align = IS_ALIGNED(size, PAGE_2M) && IS_ALIGNED(gpa, PAGE_2M) ? PAGE_2M : PAGE_SIZE;
	int err;

	if (!size || !IS_ALIGNED(gpa | size, PAGE_SIZE))
		return -EINVAL;
	r.hva = page_alloc_contig(size >> PAGE_SHIFT, align);
	if (!r.hva)
		return -ENOMEM;
	err = vm_add_region(vm, &r);
	if (err)
		page_free_contig(r.hva, size >> PAGE_SHIFT);
	return err;
}

struct vcpu *vm_add_vcpu(struct vm *vm, u32 pcpu)
{
	struct vcpu *vcpu = kzalloc(sizeof(*vcpu));
	bool added = false;

	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->pcpu = pcpu;
	vcpu->id = READ_ONCE(vm->nr_vcpus);
	if (arch_vcpu_init(vcpu)) {
		kfree(vcpu);
		return NULL;
	}
	spin_lock(&vm->lock);
	if (!vm_configurable(vm) && vm->nr_vcpus == vcpu->id && vcpu->id < VM_MAX_VCPUS) {
		vm->vcpus[vm->nr_vcpus++] = vcpu;
		added = true;
	}
	spin_unlock(&vm->lock);
	if (!added) {
		arch_vcpu_destroy(vcpu);
		kfree(vcpu);
		return NULL;
	}
	return vcpu;
}

/* Caller holds vm->lock. Records the first reason only, and logs it once. */
static void vm_mark_dead_locked(struct vm *vm, const char *reason)
{
	if (vm->state == VM_DEAD)
		return;
	strlcpy(vm->dead_reason, reason, sizeof(vm->dead_reason));
	__atomic_store_n(&vm->state, VM_DEAD, __ATOMIC_RELEASE);
	pr_err("vm %s is dead: %s\n", vm->name, reason);
}

void vm_mark_dead(struct vm *vm, const char *reason)
{
	spin_lock(&vm->lock);
	vm_mark_dead_locked(vm, reason);
	spin_unlock(&vm->lock);
	vm_request_stop(vm);
}

static int validate_region(const struct vm *vm, const struct vm_region *r, char *why,
			   size_t why_len)
{
	u64 limit = arch_vm_gpa_limit();

	if (!range_within(r->gpa, r->size, 0, limit)) {
		snprintf(why, why_len, "%s region %#llx+%#llx is beyond the %#llx GPA limit",
			 r->name, r->gpa, r->size, limit);
		return -ERANGE;
	}
	if ((r->kind == VM_REGION_RAM || r->kind == VM_REGION_SHARED) &&
	    !IS_ALIGNED(r->gpa | r->size, PAGE_SIZE)) {
		snprintf(why, why_len, "%s %#llx+%#llx is not page aligned",
			 region_kind_names[r->kind], r->gpa, r->size);
		return -EINVAL;
	}
	/*
	 * An emulated region is left unmapped in stage-2 / NPT so that every
	 * access traps: it must own whole pages, or RAM mapped next to it
	 * would cover part of it. A passthrough region is mapped by the page:
	 * a part page would give the guest the rest of the device's page.
	 */
	if ((r->kind == VM_REGION_EMULATED || r->kind == VM_REGION_DEVICE) &&
	    !IS_ALIGNED(r->gpa | r->size, PAGE_SIZE)) {
		snprintf(why, why_len, "%s %s %#llx+%#llx is not page aligned",
			 region_kind_names[r->kind], r->name, r->gpa, r->size);
		return -EINVAL;
	}
	return 0;
}

/* The whole map: every region inside the GPA limit, and no two overlapping. */
static int validate_memory_map(const struct vm *vm, char *why, size_t why_len)
{
	u32 i, j;
	int err;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *a = &vm->regions[i];

		err = validate_region(vm, a, why, why_len);
		if (err)
			return err;
		for (j = i + 1; j < vm->nr_regions; j++) {
			const struct vm_region *b = &vm->regions[j];

			if (ranges_overlap(a->gpa, a->size, b->gpa, b->size)) {
				snprintf(why, why_len,
					 "%s %s %#llx+%#llx overlaps %s %s %#llx+%#llx",
					 region_kind_names[a->kind], a->name, a->gpa, a->size,
					 region_kind_names[b->kind], b->name, b->gpa, b->size);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* RAM, channels, and the passthrough devices' MMIO (with device memory attributes). */
static int map_regions(struct vm *vm, char *why, size_t why_len)
{
	u32 i;
	int err;

	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];
		paddr_t pa = (paddr_t)(uintptr_t)r->hva;

		if (r->kind == VM_REGION_RAM)
			err = arch_vm_map_ram(vm, r->gpa, pa, r->size);
		else if (r->kind == VM_REGION_SHARED)
			err = arch_vm_map_shared(vm, r->gpa, pa, r->size, !r->read_only);
		else if (r->kind == VM_REGION_DEVICE)
			err = arch_vm_map_device(vm, r->gpa, (paddr_t)r->hpa, r->size);
		else
			continue;
		if (err) {
			snprintf(why, why_len, "cannot map %s %s %#llx+%#llx (%s)",
				 region_kind_names[r->kind], r->name, r->gpa, r->size,
				 errno_name(err));
			return err;
		}
	}
	return 0;
}

/* The first pass only: the memory map never changes after it (a reset keeps it). */
static int build_memory_map(struct vm *vm, char *why, size_t why_len)
{
	int err = vm->nr_vcpus ? 0 : -EINVAL;

	if (err)
		snprintf(why, why_len, "no vCPUs");
	if (!err) {
		err = arch_vm_add_regions(vm);
		if (err)
			snprintf(why, why_len, "arch regions (%s)", errno_name(err));
	}
	if (!err)
		err = validate_memory_map(vm, why, why_len);
	if (!err)
		err = map_regions(vm, why, why_len);
	if (!err) {
		err = vm_snapshot_ram(vm);
		if (err)
			snprintf(why, why_len, "no memory for the pristine copy of its RAM (%s)",
				 errno_name(err));
	}
	if (!err)
		vm->built = true;
	return err;
}

/*
 * The pristine copy, for vm_reset() (core/vm_reset.c): at the first
 * vm_finalize(), after the loader has written every image, the DTB and
 * the initrd and before any vCPU can run, the non-zero pages of the VM's
 * RAM are copied aside, runs of consecutive pages in one allocation
 * each. That is exactly what was loaded, whatever loader wrote it, so a
 * reset needs no knowledge of image formats and no configuration blob
 * kept alive. Its cost is the loaded bytes rounded up to pages (plus a
 * 48-byte record a run), held for the VM's life; all-zero pages (the rest
 * of RAM, an ELF's bss) cost nothing.
 */
struct vm_pristine {
	struct list_head node;
	u64 gpa;
	u64 npages;
	void *copy;
};

static bool page_is_zero(const u8 *p)
{
	const u64 *w = (const u64 *)p;
	u32 i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

static int keep_run(struct vm *vm, const struct vm_region *r, u64 first, u64 n)
{
	struct vm_pristine *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->copy = page_alloc_contig(n, PAGE_SIZE);
	if (!p->copy) {
		kfree(p);
		return -ENOMEM;
	}
	p->gpa = r->gpa + first * PAGE_SIZE;
	p->npages = n;
	memcpy(p->copy, (const u8 *)r->hva + first * PAGE_SIZE, n * PAGE_SIZE);
	list_add_tail(&p->node, &vm->pristine);
	vm->pristine_bytes += n * PAGE_SIZE;
	return 0;
}

static int snapshot_region(struct vm *vm, const struct vm_region *r)
{
	u64 pages = r->size >> PAGE_SHIFT, i, start = 0;
	bool in_run = false;
	int err;

	for (i = 0; i <= pages; i++) {
		bool keep = i < pages && !page_is_zero((const u8 *)r->hva + i * PAGE_SIZE);

		if (keep && !in_run)
			start = i;
		if (!keep && in_run) {
			err = keep_run(vm, r, start, i - start);
			if (err)
				return err;
		}
		in_run = keep;
	}
	return 0;
}

/* From vm_finalize()'s first pass, under the VM lock, before any vCPU can run. */
int vm_snapshot_ram(struct vm *vm)
{
	u32 i;
	int err;

	for (i = 0; i < vm->nr_regions; i++) {
		if (vm->regions[i].kind != VM_REGION_RAM)
			continue;
		err = snapshot_region(vm, &vm->regions[i]);
		if (err)
			return err;
	}
	return 0;
}

void vm_free_pristine(struct vm *vm)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &vm->pristine) {
		struct vm_pristine *p = list_entry(pos, struct vm_pristine, node);

		list_del(pos);
		page_free_contig(p->copy, p->npages);
		kfree(p);
	}
	vm->pristine_bytes = 0;
}

/* All RAM cleared, then what was loaded put back. */
void vm_restore_ram(struct vm *vm)
{
	struct list_head *pos;
	u32 i;

	for (i = 0; i < vm->nr_regions; i++)
		if (vm->regions[i].kind == VM_REGION_RAM)
			memset(vm->regions[i].hva, 0, vm->regions[i].size);
	list_for_each(pos, &vm->pristine) {
		const struct vm_pristine *p = list_entry(pos, struct vm_pristine, node);

		memcpy(vm_gpa_to_hva(vm, p->gpa, p->npages * PAGE_SIZE), p->copy,
		       p->npages * PAGE_SIZE);
	}
}

/*
 * Every step that can fail runs before the state is published, and all
 * of it under the lock: a vCPU can only ever observe CREATED (and wait),
 * DEAD (and give up), or a FINALIZED VM whose whole map is in place.
 * After a reset (vm_reset()) the same barrier is passed again.
 */
int vm_finalize(struct vm *vm)
{
	char why[VM_REASON_MAX] = "";
	int err = 0;

	spin_lock(&vm->lock);
	if (vm->state != VM_CREATED) {
		err = vm->state == VM_FINALIZED ? -EALREADY : -EIO;
		spin_unlock(&vm->lock);
		return err;
	}
	if (!vm->built)
		err = build_memory_map(vm, why, sizeof(why));
	if (!err) {
		err = arch_vm_finalize(vm);
		if (err && !why[0])
			snprintf(why, sizeof(why), "arch finalize (%s)", errno_name(err));
	}
	if (err)
		vm_mark_dead_locked(vm, why);
	else
		__atomic_store_n(&vm->state, VM_FINALIZED, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	return err;
}

int vm_wait_finalized(struct vm *vm)
{
	u32 state;

	while ((state = vm_state(vm)) == VM_CREATED)
		cpu_relax();
	return state == VM_FINALIZED ? 0 : -EIO;
}

/*
 * VM-wide arch state goes first, while the vCPU objects still exist: it
 * is what can still reach them from outside (a passed-through physical
 * interrupt that kicks its vCPU), and it must be unhooked before they go.
 */
void vm_destroy(struct vm *vm)
{
	u32 i;

	arch_vm_destroy(vm);
	vm_free_pristine(vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		arch_vcpu_destroy(vm->vcpus[i]);
		kfree(vm->vcpus[i]);
	}
	for (i = 0; i < vm->nr_regions; i++)
		if (vm->regions[i].kind == VM_REGION_RAM && vm->regions[i].hva)
			page_free_contig(vm->regions[i].hva, vm->regions[i].size >> PAGE_SHIFT);
	kfree(vm);
}

const struct vm_region *vm_find_region(const struct vm *vm, u64 gpa)
{
	u32 i;

	for (i = 0; i < vm->nr_regions; i++)
		if (range_within(gpa, 1, vm->regions[i].gpa, vm->regions[i].size))
			return &vm->regions[i];
	return NULL;
}

void *vm_gpa_to_hva(const struct vm *vm, u64 gpa, u64 len)
{
	const struct vm_region *r = vm_find_region(vm, gpa);

	if (!r || r->kind != VM_REGION_RAM || !range_within(gpa, len, r->gpa, r->size))
		return NULL;
	return (u8 *)r->hva + (gpa - r->gpa);
}

int vm_read_guest(const struct vm *vm, u64 gpa, void *buf, u64 len)
{
	const void *p = vm_gpa_to_hva(vm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vm_write_guest(const struct vm *vm, u64 gpa, const void *buf, u64 len)
{
	void *p = vm_gpa_to_hva(vm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

int vm_emulated_access(struct vm *vm, struct vcpu *vcpu, u64 gpa, u32 size, bool write,
		       u64 *val)
{
	const struct vm_region *r = vm_find_region(vm, gpa);
	u64 off;

	if (!r || r->kind != VM_REGION_EMULATED)
		return -ENODEV;
	off = gpa - r->gpa;
	/* An access straddling the region's end is the region's to refuse. */
	if (write)
		return r->ops->write(r->opaque, vcpu, off, size, *val);
	return r->ops->read(r->opaque, vcpu, off, size, val);
}

void vm_request_stop(struct vm *vm)
{
	u32 i;

	__atomic_store_n(&vm->stopping, 1, __ATOMIC_RELEASE);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_request(vm->vcpus[i], VCPU_REQ_STOP);
}

bool vm_stop_requested(const struct vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}
