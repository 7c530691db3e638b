/* SOURCES: core/config.c core/config_check.c core/config_schema.c core/config_channels.c core/config_platform.c core/config_passthrough.c core/vmm/outcome.c core/vmm/vmm.c core/vmm/devices.c core/passthrough.c core/vmm/uart16550.c core/vmm/pl011.c core/vmm/debug_exit.c core/vmm/access_counter.c core/loader.c core/vm.c core/vm_reset.c core/channel.c core/vcpu.c core/boot_info.c lib/fdt.c lib/bitmap.c lib/string.c lib/errno.c tests/unit/fdt_util.c */
#include "test_support.h"
#include "fake_arch.h"
#include "fdt_util.h"

#include <core/config.h>
#include <core/loader.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * The kernel node's multiboot modules (include/core/config.h): each
 * "mb-module@N" subnode, its bytes inline or from a boot module, its
 * command line, in order; and every way of writing one wrong, each VM
 * refused by the check (core/config_check.c) with the node named. (A program of its own: the VMM holds at most
 * VMM_MAX_VMS and test_config fills them.)
 */
#include "fake_host_exits.h"
#include "fake_timer.h"

int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	return 0;
}

int arch_vm_prepare_boot(struct vm *vm, struct load_params *p)
{
	return 0;
}

int arch_load_linux(struct vm *vm, const struct load_params *p, struct vcpu_boot *boot)
{
	return -ENOEXEC;
}

const u8 builtin_config_start[1], builtin_config_end[1];

/* A multiboot1 a.out-kludge image: the 32-byte header, loaded at 1 MiB, entry there. */
#define MB1_IMAGE							\
	"image = [02 b0 ad 1b 00 00 01 00 fe 4f 51 e4 00 00 10 00"	\
	"         00 00 10 00 00 00 00 00 00 00 00 00 00 00 10 00];"
#define VM_COMMON							\
	"compatible = \"microhv,vm\"; memory = <0x0 0x0 0x0 0x400000>;"

static const char dts[] =
	"/dts-v1/; / {"
	"mods {" VM_COMMON "cpus = <1>;"
	"  kernel { format = \"multiboot\";" MB1_IMAGE
	"    mb-module@0 { image = [11 22 33]; cmdline = \"first arg\"; };"
	"    mb-module@1 { module = \"blob\"; }; }; };"
	"flat-mods {" VM_COMMON "cpus = <2>;"
	"  kernel { format = \"flat\"; image = [f4]; load-address = <0x0 0x1000>;"
	"    mb-module@0 { image = [00]; }; }; };"
	"stray-node {" VM_COMMON "cpus = <3>;"
	"  kernel { format = \"multiboot\";" MB1_IMAGE " initrd { }; }; };"
	"empty-mod {" VM_COMMON "cpus = <4>;"
	"  kernel { format = \"multiboot\";" MB1_IMAGE " mb-module@0 { cmdline = \"x\"; }; }; };"
	"nine-mods {" VM_COMMON "cpus = <5>;"
	"  kernel { format = \"multiboot\";" MB1_IMAGE
	"    mb-module@0 { image = [00]; }; mb-module@1 { image = [00]; };"
	"    mb-module@2 { image = [00]; }; mb-module@3 { image = [00]; };"
	"    mb-module@4 { image = [00]; }; mb-module@5 { image = [00]; };"
	"    mb-module@6 { image = [00]; }; mb-module@7 { image = [00]; };"
	"    mb-module@8 { image = [00]; }; }; };"
	"};";

/* Refused with one error, which the console has as a line of its own. */
static void expect_refused(const char *name, const char *msg)
{
	struct vm *vm = find_vm(name);
	char line[400];

	assert_int_equal(vm_state(vm), VM_DEAD);
	if (!strstr(vm->dead_reason, "refused: 1 configuration error"))
		fail_msg("vm %s died of \"%s\", not of one configuration error", name,
			 vm->dead_reason);
	snprintf(line, sizeof(line), "hv: error: config: vm %s: /%s/kernel/%s\n", name, name, msg);
	if (!strstr(fake_console, line))
		fail_msg("not said: %s", line);
}

static void test_modules(void **state)
{
	static const u8 blob[] = "module from the boot loader";
	struct boot_info bi;
	size_t size;
	u8 *dtb = dtc_compile(dts, &size);
	struct vm *vm;
	u32 info[22], mods[8];
	char s[32];
	unsigned int cpu;

	for (cpu = 0; cpu < 6; cpu++)
		percpu_data[cpu].online = 1;
	boot_info_init(&bi);
	assert_int_equal(boot_info_add_module(&bi, (u64)(uintptr_t)blob, sizeof(blob), "blob", 4), 0);
	assert_int_equal(config_load(dtb, size, &bi), 5);

	vm = find_vm("mods");
	if (vm_state(vm) != VM_CREATED)
		fail_msg("mods: %s", vm->dead_reason);
	assert_int_equal(vm_read_guest(vm, vm->vcpus[0]->boot.args[1], info, sizeof(info)), 0);
	assert_true(info[0] & (1 << 3));
	assert_int_equal(info[5], 2);
	assert_int_equal(vm_read_guest(vm, info[6], mods, sizeof(mods)), 0);
	assert_int_equal(mods[1] - mods[0], 3);
	assert_int_equal(*(u8 *)vm_gpa_to_hva(vm, mods[0] + 2, 1), 0x33);
	assert_int_equal(vm_read_guest(vm, mods[2], s, 10), 0);
	assert_string_equal(s, "first arg");
	assert_int_equal(mods[5] - mods[4], sizeof(blob));
	assert_memory_equal(vm_gpa_to_hva(vm, mods[4], sizeof(blob)), blob, sizeof(blob));
	assert_int_equal(vm_read_guest(vm, mods[6], s, 1), 0);
	assert_int_equal(s[0], 0);

	expect_refused("flat-mods", "mb-module@0: is a multiboot module; a \"flat\" kernel takes "
		       "none");
	expect_refused("stray-node", "initrd: unknown node: a kernel holds 'mb-module' nodes only");
	expect_refused("empty-mod", "mb-module@0: needs property 'image' or 'module'");
	expect_refused("nine-mods", "mb-module@8: is module 9; a kernel takes at most 8");
	free(dtb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
