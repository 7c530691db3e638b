/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c arch/arm64/gic/vgic.c arch/arm64/gic/vgic_dist.c arch/arm64/gic/vgic_redist.c arch/arm64/gic/vgic_mmio.c arch/arm64/gic/vgic_lr.c arch/arm64/gic/vgic_sgi.c arch/arm64/gic/vgic_phys.c */
/* CFLAGS: -Iarch/arm64/include -Iarch/arm64/gic */
/* TSAN: yes */
#include "test_support.h"
#include "fake_arm64.h"

#include <signal.h>
#include <unistd.h>
#include "vgic_internal.h"

/*
 * The VM-configured barrier, rule by rule: CREATED -> FINALIZED -> DEAD
 * -> destroyed; finalization validates the whole map (RAM, GICD, a GICR
 * range sized by the vCPU count, devices) and registers the vGIC's
 * regions before anything is published; the configuration is frozen
 * after it; a vCPU run before it waits; a failure kills the VM once,
 * with its reason, and frees nothing until the destroy path.
 */

#define DIST	0x08000000ULL
#define REDIST	0x080a0000ULL
#define RAM	0x40000000ULL

static const struct vm_mmio_ops no_ops;

static struct vm_region device(u64 gpa, u64 size)
{
	return (struct vm_region){ .gpa = gpa, .size = size, .kind = VM_REGION_VMM,
				   .name = "uart", .ops = &no_ops };
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static void test_finalize_registers_the_gic(void **state)
{
	struct vm *vm = fake_vm_create(3, DIST, REDIST);
	const struct vm_region *r;

	assert_int_equal(vm_state(vm), VM_CREATED);
	assert_null(vm_find_region(vm, DIST));
	assert_null(vm->vcpus[0]->irqchip);
	assert_int_equal(vm_finalize(vm), 0);
	assert_int_equal(vm_state(vm), VM_FINALIZED);
	r = vm_find_region(vm, DIST);
	assert_non_null(r);
	assert_int_equal(r->kind, VM_REGION_EMULATED);
	assert_int_equal(r->size, VGIC_DIST_SIZE);
	r = vm_find_region(vm, REDIST);
	assert_non_null(r);
	assert_int_equal(r->kind, VM_REGION_EMULATED);
	assert_int_equal(r->size, 3 * VGIC_REDIST_SIZE);
	assert_non_null(vm->vcpus[2]->irqchip);
	assert_int_equal(vm_finalize(vm), -EALREADY);
	vm_destroy(vm);
}

/* Every byte of the GIC frames is the hypervisor's once FINALIZED: no access ever exits. */
static void test_no_gic_access_reaches_the_vmm(void **state)
{
	struct vm *vm = fake_vm_create(2, DIST, REDIST);
	u64 off, v;

	assert_int_equal(vm_finalize(vm), 0);
	for (off = 0; off < VGIC_DIST_SIZE; off += 4)
		assert_int_equal(vm_emulated_access(vm, vm->vcpus[1], DIST + off, 4, false, &v), 0);
	for (off = 0; off < 2 * VGIC_REDIST_SIZE; off += 4)
		assert_int_equal(vm_emulated_access(vm, vm->vcpus[0], REDIST + off, 4, false, &v),
				 0);
	assert_int_equal(vm_emulated_access(vm, vm->vcpus[0], REDIST + off, 4, false, &v),
			 -ENODEV);
	vm_destroy(vm);
}

static void test_configuration_frozen_after_finalize(void **state)
{
	struct vm *vm = fake_vm_create(1, DIST, REDIST);
	struct vgic_config moved = { 0x09000000, 0x09100000 };
	struct vm_region dev = device(0x09000000, 0x1000);

	assert_int_equal(vm_add_region(vm, &dev), 0);
	assert_int_equal(vm_finalize(vm), 0);
	assert_int_equal(vgic_vm_init(vm, &moved), -EBUSY);
	assert_int_equal(vgic_assign_spi(vm, 40), -EBUSY);
	dev.gpa = 0x0a000000;
	assert_int_equal(vm_add_region(vm, &dev), -EBUSY);
	assert_int_equal(vm_add_ram(vm, 0x80000000, 0x100000), -EBUSY);
	assert_null(vm_add_vcpu(vm, 1));
	assert_non_null(vm_find_region(vm, DIST));
	assert_null(vm_find_region(vm, 0x09100000));
	vm_destroy(vm);
}

/* Until finalization the addresses may move; the last ones count. */
static void test_bases_may_change_while_created(void **state)
{
	struct vm *vm = fake_vm_create(1, DIST, REDIST);
	struct vgic_config moved = { 0x09000000, 0x09100000 };

	assert_int_equal(vgic_vm_init(vm, &moved), 0);
	assert_int_equal(vm_finalize(vm), 0);
	assert_null(vm_find_region(vm, DIST));
	assert_non_null(vm_find_region(vm, 0x09000000));
	assert_non_null(vm_find_region(vm, 0x09100000));
	vm_destroy(vm);
}

static void test_bases_must_be_frame_aligned(void **state)
{
	struct vm *vm = fake_vm_create(1, DIST, REDIST);
	struct vgic_config bad[] = {
		{ DIST + 0x1000, REDIST }, { DIST, REDIST + 0x8000 }, { 0, REDIST }, { DIST, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vgic_vm_init(vm, &bad[i]), -EINVAL);
	vm_destroy(vm);
}

/* The issue's own case: a GICR range on top of RAM. DEAD, with a reason, said once. */
static void test_gicr_over_ram_is_dead_once(void **state)
{
	struct vm *vm = fake_vm_create(2, DIST, RAM + 0x200000);

	fake_console_clear();
	assert_int_equal(vm_finalize(vm), -EINVAL);
	assert_int_equal(vm_state(vm), VM_DEAD);
	assert_non_null(strstr(vm->dead_reason, "gicr"));
	assert_non_null(strstr(vm->dead_reason, "overlaps"));
	assert_non_null(strstr(vm->dead_reason, "RAM"));
	assert_int_equal(count(fake_console, "is dead"), 1);
	assert_non_null(strstr(fake_console, "vm vgic is dead: "));
	/* Nothing reports it again. */
	assert_int_equal(vm_finalize(vm), -EIO);
	vm_mark_dead(vm, "a second reason");
	assert_int_equal(count(fake_console, "is dead"), 1);
	assert_null(strstr(vm->dead_reason, "second"));
	vm_destroy(vm);
}

/* The GICR range grows with the vCPUs: the check uses the final count. */
static void test_gicr_sized_by_vcpu_count(void **state)
{
	struct vm_region uart = device(REDIST + 4 * VGIC_REDIST_SIZE, 0x1000);
	struct vm *small = fake_vm_create(4, DIST, REDIST);
	struct vm *big = fake_vm_create(5, DIST, REDIST);

	assert_int_equal(vm_add_region(small, &uart), 0);
	assert_int_equal(vm_add_region(big, &uart), 0);
	assert_int_equal(vm_finalize(small), 0);
	assert_int_equal(vm_finalize(big), -EINVAL);
	assert_non_null(strstr(big->dead_reason, "gicr"));
	assert_non_null(strstr(big->dead_reason, "uart"));
	vm_destroy(small);
	vm_destroy(big);
}

static void test_gicd_overlapping_device_or_beyond_limit(void **state)
{
	struct vm_region dev = device(DIST + 0x8000, 0x1000);
	struct vm *a = fake_vm_create(1, DIST, REDIST);
	struct vm *b = fake_vm_create(1, 1ULL << 40, REDIST);

	assert_int_equal(vm_add_region(a, &dev), 0);
	assert_int_equal(vm_finalize(a), -EINVAL);
	assert_non_null(strstr(a->dead_reason, "gicd"));
	assert_int_equal(vm_finalize(b), -ERANGE);
	assert_non_null(strstr(b->dead_reason, "beyond"));
	vm_destroy(a);
	vm_destroy(b);
}

static void test_no_vgic_is_dead(void **state)
{
	struct vm *vm = vm_create("bare");

	assert_non_null(vm_add_vcpu(vm, 0));
	assert_int_equal(vm_finalize(vm), -ENODEV);
	assert_int_equal(vm_state(vm), VM_DEAD);
	assert_non_null(strstr(vm->dead_reason, "ENODEV"));
	vm_destroy(vm);
}

/* A failure after the vGIC allocated: its state stays until vm_destroy() (ASan checks the rest). */
static void test_late_failure_frees_nothing(void **state)
{
	struct vm *vm = fake_vm_create(2, DIST, REDIST);

	fake_finalize_ret = -ENOMEM;
	assert_int_equal(vm_finalize(vm), -ENOMEM);
	fake_finalize_ret = 0;
	assert_int_equal(vm_state(vm), VM_DEAD);
	assert_non_null(vm->irqchip);
	assert_non_null(vm->vcpus[1]->irqchip);
	assert_non_null(vm_find_region(vm, REDIST));
	vm_destroy(vm);
}

static struct vm *race_vm;
static volatile int guest_entered;

/* The guest's first instruction writes GICD_CTLR. */
static int touch_gicd(struct vcpu *vcpu)
{
	u64 v = GICD_CTLR_GRP1;
	int err = vm_emulated_access(vcpu->vm, vcpu, DIST + GICD_CTLR, 4, true, &v);

	__atomic_store_n(&guest_entered, 1, __ATOMIC_RELEASE);
	if (err)
		return err;
	vcpu->run.exit_reason = HV_EXIT_HLT;
	return 0;
}

static void *run_thread(void *arg)
{
	struct vcpu *vcpu = arg;

	fake_cpu = vcpu->pcpu;
	return (void *)(intptr_t)vcpu_run(vcpu);
}

static void test_run_before_finalize_waits(void **state)
{
	struct vcpu_boot boot = { .mode = VCPU_BOOT_ARM64_EL1 };
	pthread_t t;
	void *ret;

	race_vm = fake_vm_create(2, DIST, REDIST);
	fake_run_once = touch_gicd;
	guest_entered = 0;
	assert_int_equal(vcpu_power_on(race_vm->vcpus[1], &boot), 0);
	assert_int_equal(pthread_create(&t, NULL, run_thread, race_vm->vcpus[1]), 0);
	usleep(30000);
	/* Still waiting in the hypervisor, not returned with -EAGAIN/-EINTR. */
	assert_false(__atomic_load_n(&guest_entered, __ATOMIC_ACQUIRE));
	assert_int_equal(pthread_kill(t, 0), 0);
	assert_int_equal(vm_finalize(race_vm), 0);
	pthread_join(t, &ret);
	assert_int_equal((intptr_t)ret, 0);
	assert_int_equal(race_vm->vcpus[1]->run.exit_reason, HV_EXIT_HLT);
	assert_true(vgic_of(race_vm)->ctlr & GICD_CTLR_GRP1);
	fake_run_once = NULL;
	vm_destroy(race_vm);
}

static void test_waiter_sees_failure(void **state)
{
	struct vcpu_boot boot = { .mode = VCPU_BOOT_ARM64_EL1 };
	pthread_t t;
	void *ret;

	race_vm = fake_vm_create(2, DIST, RAM);
	fake_run_once = touch_gicd;
	guest_entered = 0;
	assert_int_equal(vcpu_power_on(race_vm->vcpus[0], &boot), 0);
	assert_int_equal(pthread_create(&t, NULL, run_thread, race_vm->vcpus[0]), 0);
	usleep(10000);
	assert_int_equal(vm_finalize(race_vm), -EINVAL);
	pthread_join(t, &ret);
	assert_int_equal((intptr_t)ret, -EIO);
	assert_int_equal(race_vm->vcpus[0]->run.exit_reason, HV_EXIT_UNKNOWN);
	assert_false(guest_entered);
	/* The vCPU's error return freed nothing: the VM is whole until destroyed. */
	assert_non_null(race_vm->irqchip);
	fake_run_once = NULL;
	vm_destroy(race_vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finalize_registers_the_gic),
		cmocka_unit_test(test_no_gic_access_reaches_the_vmm),
		cmocka_unit_test(test_configuration_frozen_after_finalize),
		cmocka_unit_test(test_bases_may_change_while_created),
		cmocka_unit_test(test_bases_must_be_frame_aligned),
		cmocka_unit_test(test_gicr_over_ram_is_dead_once),
		cmocka_unit_test(test_gicr_sized_by_vcpu_count),
		cmocka_unit_test(test_gicd_overlapping_device_or_beyond_limit),
		cmocka_unit_test(test_no_vgic_is_dead),
		cmocka_unit_test(test_late_failure_frees_nothing),
		cmocka_unit_test(test_run_before_finalize_waits),
		cmocka_unit_test(test_waiter_sees_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
