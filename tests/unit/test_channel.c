/* SOURCES: core/config.c core/config_check.c core/config_schema.c core/config_channels.c core/config_platform.c core/config_passthrough.c core/vmm/outcome.c core/vmm/vmm.c core/vmm/devices.c core/passthrough.c core/vmm/uart16550.c core/vmm/pl011.c core/vmm/debug_exit.c core/vmm/access_counter.c core/loader.c core/vm.c core/vm_reset.c core/channel.c core/vcpu.c core/boot_info.c lib/fdt.c lib/bitmap.c lib/string.c lib/errno.c tests/unit/fdt_util.c */
#include "test_support.h"
#include "fake_arch.h"
#include "fdt_util.h"

#include <core/channel.h>
#include <core/config.h>
#include <core/config_check.h>
#include <core/loader.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * Inter-VM channels from a configuration to a doorbell: what the builder
 * maps into which VM, and every answer of HV_HC_DOORBELL, one row each,
 * through the VMM's hypercall exit as a guest would see it; then the
 * endpoint states across a restart and the end of a VM, and the pages
 * freed with the last endpoint.
 */

#include "fake_host_exits.h"
#include "fake_timer.h"

int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	return 0;
}

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	return -ENOEXEC;
}

int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	return 0;
}

const u8 builtin_config_start[1], builtin_config_end[1];

#define VM(name, cpu)								\
	name " { compatible = \"microhv,vm\"; memory = <0x0 0x0 0x0 0x200000>;"	\
	"  cpus = <" #cpu ">; kernel { format = \"flat\"; image = [f4];"		\
	"  load-address = <0x0 0x1000>; }; };"

/*
 * Channel 0 "lane": a writes, b and c read, b and c can be rung (a
 * cannot). Channel 1 "refused": too small, and "d" is no VM. Channel 2
 * "back": b writes, a reads and can be rung. "f" is in no channel; "e"
 * is in the refused one.
 */
static const char dts[] =
	"/dts-v1/; / {"
	"channels {"
	"  lane { size = <0x2000>;"
	"    a { address = <0x0 0x10000000>; access = \"read-write\"; };"
	"    b { address = <0x0 0x20000000>; interrupt = <16>; };"
	"    c { address = <0x0 0x10000000>; access = \"read-only\"; interrupt = <17>; }; };"
	"  refused { size = <0x800>;"
	"    d { address = <0x0 0x30000000>; access = \"read-write\"; };"
	"    e { address = <0x0 0x30000000>; }; };"
	"  back { size = <0x1000>;"
	"    b { address = <0x0 0x10000000>; access = \"read-write\"; };"
	"    a { address = <0x0 0x10002000>; interrupt = <18>; }; };"
	"};"
	VM("a", 1) VM("b", 2) VM("c", 3) VM("f", 4) VM("e", 5)
	"};";

static struct vm *a, *b, *c, *f, *e;

static int setup(void **state)
{
	struct boot_info bi;
	unsigned int cpu;
	size_t size;
	u8 *blob = dtc_compile(dts, &size);

	for (cpu = 0; cpu < 8; cpu++)
		percpu_data[cpu].online = 1;
	boot_info_init(&bi);
	assert_int_equal(config_load(blob, size, &bi), 5);
	free(blob);
	a = find_vm("a");
	b = find_vm("b");
	c = find_vm("c");
	f = find_vm("f");
	e = find_vm("e");
	return 0;
}

static const struct vm_region *shared_at(struct vm *vm, u64 gpa)
{
	const struct vm_region *r = vm_find_region(vm, gpa);

	assert_non_null(r);
	assert_int_equal(r->kind, VM_REGION_SHARED);
	return r;
}

static void test_regions(void **state)
{
	u64 size;
	void *lane = channel_memory(0, &size);

	assert_int_equal(channel_count(), 3);
	assert_non_null(lane);
	assert_true(size == 0x2000);
	assert_null(channel_memory(1, &size));
	/* One set of pages, at each endpoint's own address, writable by the writer alone. */
	assert_ptr_equal(shared_at(a, 0x10001000)->hva, lane);
	assert_ptr_equal(shared_at(b, 0x20000000)->hva, lane);
	assert_ptr_equal(shared_at(c, 0x10000000)->hva, lane);
	assert_false(shared_at(a, 0x10000000)->read_only);
	assert_true(shared_at(b, 0x20000000)->read_only);
	assert_true(shared_at(c, 0x10000000)->read_only);
	assert_false(shared_at(b, 0x10000000)->read_only);
	assert_true(shared_at(a, 0x10002000)->read_only);
	/* Not RAM: no guest-memory helper (the console hypercall) reaches a channel. */
	assert_null(vm_gpa_to_hva(a, 0x10000000, 4));
	/* The VM in the refused channel was refused; the VM in none runs as usual. */
	assert_int_equal(vm_state(e), VM_DEAD);
	assert_int_equal(vm_state(f), VM_CREATED);
	/* Finalized, the writer's map is writable and the readers' is not. */
	assert_int_equal(vm_finalize(a), 0);
	assert_int_equal(vm_finalize(c), 0);
	assert_int_equal(((struct fake_vm *)a->arch)->shared_maps, 2);
	assert_int_equal(((struct fake_vm *)a->arch)->shared_writable, 1);
	assert_int_equal(((struct fake_vm *)c->arch)->shared_writable, 0);
}

/* HV_HC_DOORBELL through the VMM's exit path, as the guest sees it. */
static s64 ring(struct vm *from, u64 channel, u64 peer)
{
	struct vcpu *vcpu = from->vcpus[0];

	vcpu->run.exit_reason = HV_EXIT_HYPERCALL;
	vcpu->run.hypercall = (struct hv_run_hypercall){ .nr = HV_HC_DOORBELL,
							 .args = { channel, peer } };
	assert_int_equal(vmm_handle_exit(vcpu), 0);
	return (s64)vcpu->run.hypercall.ret;
}

static unsigned int doorbells(struct vm *vm)
{
	return ((struct fake_vm *)vm->arch)->doorbells;
}

static void test_doorbell_answers(void **state)
{
	static const struct {
		struct vm **from;
		u64 channel, peer;
		s64 ret;
		const char *why;
	} rows[] = {
		{ &a, 3, 1, -EINVAL, "no channel 3" },
		{ &a, ~0ull, 1, -EINVAL, "no channel ~0" },
		{ &a, 0, 3, -EINVAL, "no endpoint 3 in channel 0" },
		{ &a, 0, 1ull << 32, -EINVAL, "an endpoint index beyond 32 bits" },
		{ &a, 0, 0, -EINVAL, "a's own endpoint" },
		{ &f, 0, 1, -EPERM, "f is no endpoint of channel 0" },
		{ &c, 2, 1, -EPERM, "c is no endpoint of channel 2" },
		{ &a, 1, 1, -EPERM, "channel 1 was refused: nobody is in it" },
		{ &b, 0, 0, -ENXIO, "a, the writer of channel 0, has no interrupt" },
		{ &a, 0, 1, -EAGAIN, "b is not online yet" },
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		s64 r = ring(*rows[i].from, rows[i].channel, rows[i].peer);

		if (r != rows[i].ret)
			fail_msg("row %u (%s): %lld, not %lld", i, rows[i].why, (long long)r,
				 (long long)rows[i].ret);
	}
	assert_int_equal(doorbells(a) + doorbells(b) + doorbells(c), 0);
}

static void test_doorbell_rings_the_peer(void **state)
{
	struct fake_vm *fb = b->arch, *fc = c->arch;

	channel_vm_online(b);
	channel_vm_online(c);
	assert_int_equal(ring(a, 0, 1), 0);
	assert_int_equal(fb->doorbells, 1);
	assert_int_equal(fb->last_doorbell, 16);
	assert_int_equal(ring(a, 0, 2), 0);
	assert_int_equal(fc->last_doorbell, 17);
	/* A reader may ring too: the writer has no interrupt, the other reader has. */
	assert_int_equal(ring(c, 0, 1), 0);
	assert_int_equal(fb->doorbells, 2);
	/* Channel 2's endpoint indexes are its own. */
	channel_vm_online(a);
	assert_int_equal(ring(b, 2, 1), 0);
	assert_int_equal(((struct fake_vm *)a->arch)->last_doorbell, 18);
}

/* A restart (offline, then online again) and the end of a VM, as the VMM drives them. */
static void test_peer_restart_and_end(void **state)
{
	u64 size;

	channel_vm_offline(b);
	assert_int_equal(ring(a, 0, 1), -EAGAIN);
	assert_int_equal(ring(a, 0, 2), 0);
	channel_vm_online(b);
	assert_int_equal(ring(a, 0, 1), 0);
	channel_vm_gone(b);
	assert_int_equal(ring(a, 0, 1), -EPIPE);
	assert_int_equal(ring(c, 0, 1), -EPIPE);
	/* The ended VM's own endpoints are no longer its: it could not ring either. */
	assert_int_equal(ring(b, 2, 1), -EPERM);
	assert_int_equal(ring(a, 2, 0), -EPIPE);
	/* The pages stay while a VM maps them, and go with the last one. */
	assert_non_null(channel_memory(0, &size));
	channel_vm_gone(a);
	assert_non_null(channel_memory(0, &size));
	assert_null(channel_memory(2, &size));
	channel_vm_gone(c);
	assert_null(channel_memory(0, &size));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_doorbell_answers),
		cmocka_unit_test(test_doorbell_rings_the_peer),
		cmocka_unit_test(test_peer_restart_and_end),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
