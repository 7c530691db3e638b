/* SOURCES: core/config.c core/config_check.c core/config_schema.c core/config_channels.c core/config_platform.c core/config_passthrough.c core/vmm/outcome.c core/vmm/vmm.c core/vmm/devices.c core/passthrough.c core/vmm/uart16550.c core/vmm/pl011.c core/vmm/debug_exit.c core/vmm/access_counter.c core/loader.c core/vm.c core/vm_reset.c core/channel.c core/vcpu.c core/boot_info.c lib/fdt.c lib/bitmap.c lib/string.c lib/errno.c tests/unit/fdt_util.c */
#include "test_support.h"
#include "fake_arch.h"
#include "fdt_util.h"

#include <core/config.h>
#include <core/config_check.h>
#include <core/loader.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * The configuration parser against dtc's own output: one blob with a VM
 * per way of getting it wrong, next to two good ones. A bad VM must end
 * up DEAD with the offending property in its reason, and must not take
 * the good ones with it.
 */

#include "fake_host_exits.h"
#include "fake_timer.h"

/*
 * The arch's part of a configuration: it refuses a VM that has
 * "fake-arch-fail", but the strict check refuses that unknown property
 * first, so it is never reached.
 */
int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	if (fdt_prop(fdt, node, "fake-arch-fail", NULL, NULL) == 0)
		fail_msg("the arch saw a VM that the check should have refused");
	return 0;
}

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	return loader_load_arm64_image(vm, p, boot);
}

int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	return 0;
}

const u8 builtin_config_start[1], builtin_config_end[1];

#define VM_COMMON							\
	"compatible = \"microhv,vm\";"					\
	"memory = <0x0 0x0 0x0 0x200000>;"

#define KERNEL_OK							\
	"kernel { format = \"flat\"; image = [f4 f4 f4 f4];"		\
	"         load-address = <0x0 0x1000>; };"

static const char dts[] =
	"/dts-v1/; / {"
	"good0 {" VM_COMMON "cpus = <1>; expect = \"shutdown\"; unknown-access = \"stop\";"
	"  " KERNEL_OK
	"  devices { #address-cells = <2>; #size-cells = <2>;"
"            serial { compatible = \"ns16550a\"; io-port = <0x3f8>; interrupts = <4>; };"
	"            exit { compatible = \"microhv,debug-exit\"; io-port = <0xf4>; };"
	"            mmio { compatible = \"ns16550a\"; reg = <0x0 0x9000000 0x0 0x1000>; }; };"
	"};"
	"good1@7 {" VM_COMMON "cpus = <2 3>;" KERNEL_OK
	"  devices { #address-cells = <2>; #size-cells = <2>;"
	"            pt { compatible = \"microhv,passthrough\"; reg = <0x0 0xd0000000 0x0 0x2000>;"
	"                 host-address = <0x0 0xfed00000>; io-ports = <0x2f8 8 0x2e8 4>;"
	"                 interrupts = <3 5>; guest-interrupts = <3 10>; }; };"
	"};"
	"bad-memory {" "compatible = \"microhv,vm\"; memory = <0x0 0x1000 0x0 0x800>;"
	"  cpus = <4>;" KERNEL_OK "};"
	"bad-cpus {" VM_COMMON "cpus = <2>;" KERNEL_OK "};"
	"bad-device {" VM_COMMON "cpus = <5>;" KERNEL_OK
	"  devices { #address-cells = <2>; #size-cells = <2>;"
"            vga { compatible = \"pci-vga\"; reg = <0x0 0xa0000 0x0 0x1000>; }; };"
	"};"
	"bad-kernel {" VM_COMMON "cpus = <6>;"
	"  kernel { format = \"bzimage\"; image = [00]; }; };"
	"bad-module {" VM_COMMON "cpus = <7>; kernel { format = \"elf\"; module = \"nope\"; }; };"
	"bad-arch {" VM_COMMON "cpus = <8>; fake-arch-fail;" KERNEL_OK "};"
	"};";

static void expect_dead(const char *name, const char *why)
{
	struct vm *vm = find_vm(name);

	assert_int_equal(vm_state(vm), VM_DEAD);
	if (!strstr(vm->dead_reason, why))
		fail_msg("vm %s died of \"%s\", expected \"%s\"", name, vm->dead_reason, why);
	assert_non_null(strstr(fake_console, name));
}

/* The console has the message as a line of its own, after "hv: error: config: ". */
static void expect_said(const char *msg)
{
	char line[400];

	snprintf(line, sizeof(line), "hv: error: config: %s\n", msg);
	if (!strstr(fake_console, line))
		fail_msg("not said: %s", line);
}

/*
 * A passthrough device is no VMM model: its region is the VM's, mapped by
 * vm_finalize() as device memory to its host address; its ports and its
 * lines (each to the guest line of the same index) go to the arch.
 */
static void expect_passthrough(struct vm *vm)
{
	const struct vm_region *r = vm_find_region(vm, 0xd0001000);

	assert_int_equal(vm->vmm->nr_devices, 0);
	assert_non_null(r);
	assert_int_equal(r->kind, VM_REGION_DEVICE);
	assert_true(r->gpa == 0xd0000000 && r->size == 0x2000 && r->hpa == 0xfed00000);
	assert_null(vm_gpa_to_hva(vm, 0xd0000000, 4));
	assert_int_equal(fake_pt.nr_ports, 2);
	assert_true(fake_pt.port_base[0] == 0x2f8 && fake_pt.port_count[0] == 8);
	assert_true(fake_pt.port_base[1] == 0x2e8 && fake_pt.port_count[1] == 4);
	assert_int_equal(fake_pt.nr_irqs, 2);
	assert_true(fake_pt.irq_host[0] == 3 && fake_pt.irq_guest[0] == 3);
	assert_true(fake_pt.irq_host[1] == 5 && fake_pt.irq_guest[1] == 10);
	assert_int_equal(fake_pt.maps, 0);
	assert_int_equal(vm_finalize(vm), 0);
	assert_int_equal(fake_pt.maps, 1);
	assert_true(fake_pt.gpa == 0xd0000000 && fake_pt.pa == 0xfed00000 &&
		    fake_pt.size == 0x2000);
}

static void test_config(void **state)
{
	struct boot_info bi;
	size_t size;
	u8 *blob = dtc_compile(dts, &size);
	struct vm *good0, *good1;
	unsigned int cpu;

	for (cpu = 0; cpu < 9; cpu++)
		percpu_data[cpu].online = 1;
	boot_info_init(&bi);
	assert_int_equal(config_load(blob, size, &bi), 8);
	assert_int_equal(vmm_nr_vms(), 8);

	good0 = find_vm("good0");
	if (vm_state(good0) != VM_CREATED)
		fail_msg("good0: %s", good0->dead_reason);
	assert_int_equal(vm_state(good0), VM_CREATED);
	assert_int_equal(good0->nr_vcpus, 1);
	assert_int_equal(good0->vcpus[0]->pcpu, 1);
	assert_int_equal(good0->vmm->nr_devices, 3);
	assert_int_equal(good0->vmm->expect, VMM_OUTCOME_SHUTDOWN);
	assert_int_equal(good0->vmm->unknown_policy, VMM_UNKNOWN_STOP);
	assert_true(vcpu_is_on(good0->vcpus[0]));
	assert_true(good0->vcpus[0]->boot.entry == 0x1000);
	assert_int_equal(*(u8 *)vm_gpa_to_hva(good0, 0x1003, 1), 0xf4);
	assert_int_equal(vm_finalize(good0), 0);

	/* The name drops the unit address; vCPU 1 stays off until started. */
	good1 = find_vm("good1");
	assert_int_equal(good1->nr_vcpus, 2);
	assert_false(vcpu_is_on(good1->vcpus[1]));
	assert_int_equal(good1->vmm->expect, VMM_OUTCOME_EXIT_CODE);
	expect_passthrough(good1);

	expect_dead("bad-memory", "refused: 1 configuration error");
	expect_said("vm bad-memory: /bad-memory: property 'memory' range 0 (0x1000+0x800) must "
		    "be a non-empty range of whole 4 KiB pages");
	expect_said("vm bad-cpus: /bad-cpus: property 'cpus' lists CPU 2, which VM 'good1' "
		    "already has");
	expect_dead("bad-device", "refused");
	expect_said("vm bad-device: /bad-device/devices/vga: property 'compatible' is "
		    "\"pci-vga\", which no device model has (see docs/config.md)");
	expect_dead("bad-kernel", "refused");
	expect_said("vm bad-kernel: /bad-kernel/kernel: property 'format' is \"bzimage\"; "
		    "x86_64 VMs take \"flat\", \"elf\", \"multiboot\" or \"linux\"");
	expect_dead("bad-module", "refused");
	expect_said("vm bad-module: /bad-module/kernel: property 'module' names boot module "
		    "\"nope\", which was not loaded");
	expect_dead("bad-arch", "refused");
	expect_said("vm bad-arch: /bad-arch: unknown property 'fake-arch-fail'");
	free(blob);
}

extern const struct vmm_device_type vmm_device_types[];
extern const unsigned int vmm_nr_device_types;

static const struct config_node_kind *kind_of(const char *compat)
{
	u32 i;

	for (i = 0; i < config_nr_device_kinds; i++)
		if (!strcmp(config_device_kinds[i].name, compat))
			return &config_device_kinds[i];
	return NULL;
}

/*
 * The checker's device rows and the VMM's models are two tables: every
 * model has a row and every row a model, and a row's size is what its
 * model takes (the checker's overlaps are the VMM's).
 */
static void test_device_rows_match_models(void **state)
{
	static const struct { const char *compat, *model; } built[] = {
		{ "ns16550a", "uart16550" }, { "microhv,debug-exit", "debug-exit" },
	};
	struct vm *good0 = find_vm("good0");
	u32 i, j;

	assert_int_equal(config_nr_device_kinds, vmm_nr_device_types);
	for (i = 0; i < vmm_nr_device_types; i++)
		if (!kind_of(vmm_device_types[i].compatible))
			fail_msg("model '%s' has no checker row", vmm_device_types[i].compatible);
	for (i = 0; i < ARRAY_SIZE(built); i++)
		for (j = 0; j < good0->vmm->nr_devices; j++)
			if (!strcmp(good0->vmm->devices[j].name, built[i].model))
				assert_true(good0->vmm->devices[j].size ==
					    kind_of(built[i].compat)->size);
}

static void test_not_a_devicetree(void **state)
{
	struct boot_info bi;
	u8 junk[64] = "not a blob";

	boot_info_init(&bi);
	assert_true(config_load(junk, sizeof(junk), &bi) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_device_rows_match_models),
		cmocka_unit_test(test_not_a_devicetree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
