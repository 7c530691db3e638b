/* SOURCES: core/vcpu.c core/vm.c lib/string.c lib/errno.c arch/arm64/gic/vgic.c arch/arm64/gic/vgic_dist.c arch/arm64/gic/vgic_redist.c arch/arm64/gic/vgic_mmio.c arch/arm64/gic/vgic_lr.c arch/arm64/gic/vgic_sgi.c arch/arm64/gic/vgic_phys.c */
/* CFLAGS: -Iarch/arm64/include -Iarch/arm64/gic */
/* TSAN: yes */
#include "test_support.h"
#include "fake_arm64.h"

#include <unistd.h>
#include "vgic_internal.h"

/*
 * The race of the bug class this design makes impossible: N vCPU threads
 * enter vcpu_run() while another thread finalizes the VM, and the guest's
 * first act is to touch the distributor (and its redistributor, and to
 * send SGIs, while devices raise SPIs). Over VGIC_STRESS_ROUNDS rounds
 * (10,000 by default), no GIC access may ever miss the emulated regions
 * (it would have become an MMIO exit to the VMM), every vCPU must either
 * enter a complete VM or return -EIO from a dead one (never -EAGAIN or
 * -EINTR), and the build under ASan (use after free) and under TSan
 * (unordered accesses) must stay silent. One round in 16 has a GICR
 * range that overlaps RAM, so that finalization fails under the waiters;
 * in one round in 3 the last vCPU's run ends in an error of its own
 * while the others still use the vGIC. The vCPU threads are one per
 * physical CPU and live through all rounds, as in the hypervisor, so the
 * LRs a round's VM leaves on a CPU meet the next round's VM there.
 */

#define DIST		0x08000000ULL
#define REDIST		0x080a0000ULL
#define RAM		0x40000000ULL
#define NR_VCPUS	4

static unsigned int unhandled;		/* GIC accesses that found no emulated region */
static unsigned int entered;		/* guest entries, all rounds */
/* Set for the round by the main thread before the vCPU threads start. */
static bool last_vcpu_fails;

static void guest_access(struct vcpu *vcpu, u64 gpa, u32 size, bool write, u64 v)
{
	if (vm_emulated_access(vcpu->vm, vcpu, gpa, size, write, &v) == -ENODEV)
		__atomic_fetch_add(&unhandled, 1, __ATOMIC_RELAXED);
}

/* What a guest does first: the distributor, its own redistributor, an SGI, its LRs. */
static int touch_gic(struct vcpu *vcpu)
{
	u64 rd = REDIST + vcpu->id * VGIC_REDIST_SIZE;

	__atomic_fetch_add(&entered, 1, __ATOMIC_RELAXED);
	guest_access(vcpu, DIST + GICD_CTLR, 4, true, GICD_CTLR_GRP1);
	guest_access(vcpu, DIST + GICD_TYPER, 4, false, 0);
	guest_access(vcpu, DIST + GICD_ISENABLER(1), 4, true, 0xffffffff);
	guest_access(vcpu, DIST + GICD_IROUTER(32 + vcpu->id), 8, true, vcpu->id);
	guest_access(vcpu, rd + GICR_WAKER, 4, true, 0);
	guest_access(vcpu, rd + GICR_ISENABLER0, 4, true, 0xffff);
	guest_access(vcpu, rd + GICR_TYPER, 8, false, 0);
	vgic_sgi_write(vcpu, (u64)1 << ((vcpu->id + 1) % NR_VCPUS) |
			 (u64)vcpu->id << ICC_SGI1R_INTID_SHIFT, false);
	vgic_flush_lrs(vcpu);
	fake_guest_eoi((u32)fake_guest_ack());
	vgic_sync_lrs(vcpu);
	/* An error in one vCPU's context must leave the VM whole for the others. */
	if (last_vcpu_fails && vcpu->id == NR_VCPUS - 1)
		return -EIO;
	vcpu->run.exit_reason = HV_EXIT_HLT;
	return 0;
}

static struct vm *make_vm(bool broken)
{
	struct vgic_config cfg = { DIST, broken ? RAM : REDIST };
	struct vcpu_boot boot = { .mode = VCPU_BOOT_ARM64_EL1 };
	struct vm *vm = vm_create("stress");
	u32 i;

	assert_non_null(vm);
	assert_int_equal(vm_add_ram(vm, RAM, 0x10000), 0);
	for (i = 0; i < NR_VCPUS; i++) {
		struct vcpu *vcpu = vm_add_vcpu(vm, i);

		assert_non_null(vcpu);
		assert_int_equal(vcpu_power_on(vcpu, &boot), 0);
	}
	assert_int_equal(vgic_vm_init(vm, &cfg), 0);
	return vm;
}

static pthread_barrier_t go, done;
static struct vm *round_vm;		/* written by the main thread before "go" */
static int results[NR_VCPUS];

/*
 * One thread per physical CPU, as in the hypervisor: in each round, the
 * first entry of its vCPU of that round's VM, started at once with the
 * others and with the main thread's finalization. Its fake ICH keeps
 * what the previous round's VM left in it, as a CPU's LRs would.
 */
static void *pcpu_thread(void *arg)
{
	u32 cpu = (u32)(uintptr_t)arg;

	fake_cpu = cpu;
	for (;;) {
		pthread_barrier_wait(&go);
		if (!round_vm)
			return NULL;
		results[cpu] = vcpu_run(round_vm->vcpus[cpu]);
		pthread_barrier_wait(&done);
	}
}

/* Finalization lands anywhere from before the first thread starts to after all wait. */
static void finalize_after(struct vm *vm, unsigned int round, int expect)
{
	unsigned int spins = (round * 2654435761u) >> 20 & 0x3ff, i;

	for (i = 0; i < spins; i++)
		cpu_relax();
	assert_int_equal(vm_finalize(vm), expect);
}

static void one_round(unsigned int round)
{
	bool broken = round % 16 == 15;
	struct vm *vm = make_vm(broken);
	bool early = round % 4 == 0;
	u32 i;

	last_vcpu_fails = round % 3 == 1;
	if (early)
		finalize_after(vm, round, broken ? -EINVAL : 0);
	round_vm = vm;
	pthread_barrier_wait(&go);
	if (!early)
		finalize_after(vm, round, broken ? -EINVAL : 0);
	/* A device raises and lowers its line while the vCPUs run. */
	for (i = 0; i < 4; i++)
		assert_int_equal(arch_vm_irq_line(vm, i, !(i & 1)), 0);
	pthread_barrier_wait(&done);
	for (i = 0; i < NR_VCPUS; i++) {
		bool fails = broken || (last_vcpu_fails && i == NR_VCPUS - 1);

		assert_int_equal(results[i], fails ? -EIO : 0);
		assert_int_equal(vm->vcpus[i]->run.exit_reason,
				 fails ? HV_EXIT_UNKNOWN : HV_EXIT_HLT);
	}
	assert_int_equal(vm_state(vm), broken ? VM_DEAD : VM_FINALIZED);
	if (!broken)
		assert_true(vgic_of(vm)->ctlr & GICD_CTLR_GRP1);
	vm_destroy(vm);
}

static void test_first_entry_races_finalization(void **state)
{
	const char *env = getenv("VGIC_STRESS_ROUNDS");
	unsigned int rounds = env ? (unsigned int)atoi(env) : 10000, r, dead = 0;

	pthread_t t[NR_VCPUS];
	u32 i;

	fake_run_once = touch_gic;
	fake_console_quiet = true;
	assert_int_equal(pthread_barrier_init(&go, NULL, NR_VCPUS + 1), 0);
	assert_int_equal(pthread_barrier_init(&done, NULL, NR_VCPUS + 1), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, pcpu_thread, (void *)(uintptr_t)i), 0);
	for (r = 0; r < rounds; r++) {
		one_round(r);
		dead += r % 16 == 15;
		if (r % 1000 == 999) {
			fake_console_clear();
			print_message("%u rounds\n", r + 1);
		}
	}
	round_vm = NULL;
	pthread_barrier_wait(&go);
	for (i = 0; i < NR_VCPUS; i++)
		pthread_join(t[i], NULL);
	fake_console_quiet = false;
	print_message("%u rounds (%u with a dead VM), %u guest entries, "
		      "%u unhandled GIC accesses\n", rounds, dead, entered, unhandled);
	assert_int_equal(unhandled, 0);
	assert_int_equal(entered, (rounds - dead) * NR_VCPUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_entry_races_finalization),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
