/*
 * What each node of a VM configuration may hold: one row per property,
 * with its type, the architectures that know it, its default and the
 * checks of its value. The walker (config_check.c) refuses whatever no
 * row names, so adding a property is adding a row here (and reading it
 * where the VM is built); docs/config.md is generated from these rows
 * (`build/host/config-check --reference`).
 */
#include <core/config_check.h>
#include <core/percpu.h>
#include <core/vm.h>
#include <core/vmm.h>
#include <lib/printf.h>
#include <lib/string.h>

const char *const config_type_names[CT_TYPE_COUNT] = {
	[CT_FLAG] = "flag (no value)",
	[CT_U32] = "one cell",
	[CT_U32_LIST] = "cells",
	[CT_ADDR] = "address (1 or 2 cells)",
	[CT_RANGES] = "(address, size) pairs, 2+2 cells",
	[CT_STRING] = "string",
	[CT_BYTES] = "bytes (/incbin/)",
	[CT_REG] = "reg (cells of 'devices')",
};

#define PAGE_4K		0x1000ULL
#define GIC_ALIGN	0x10000ULL

STATIC_ASSERT(CONFIG_MAX_CPUS == MAX_CPUS, "the checker knows every CPU");
STATIC_ASSERT(CONFIG_MAX_VMS == VMM_MAX_VMS, "the checker refuses what the VMM cannot hold");

/* cpus: 1 to VM_MAX_VCPUS physical CPUs, online, each given to one vCPU of one VM. */
static void check_cpus(struct config_check *c, const struct config_prop *p, const u8 *val, u32 len)
{
	struct config_check_run *run = c->run;
	u32 i, cpu, n = len / 4;

	if (n > VM_MAX_VCPUS) {
		check_error(c, p, "lists %u CPUs; a VM has at most %u vCPUs", n, VM_MAX_VCPUS);
		n = VM_MAX_VCPUS;
	}
	c->nr_vcpus = n;
	for (i = 0; i < n; i++) {
		cpu = config_be32(val + 4 * i);
		if (cpu >= MAX_CPUS || !run->env->cpu_online(cpu)) {
			check_error(c, p, "lists CPU %u, which is not online (CPUs 0-%u are)", cpu,
				    run->env->nr_cpus - 1);
		} else if (run->cpus_taken & BIT(cpu)) {
			check_error(c, p, "lists CPU %u, which VM '%s' already has", cpu,
				    run->cpu_owner[cpu]);
		} else {
			run->cpus_taken |= BIT(cpu);
			strlcpy(run->cpu_owner[cpu], c->vm, sizeof(run->cpu_owner[cpu]));
		}
	}
}

/* memory: page-aligned (address, size) ranges that do not overlap. */
static void check_memory(struct config_check *c, const struct config_prop *p, const u8 *val,
			 u32 len)
{
	u32 i, j;

	for (i = 0; i < len / 16; i++) {
		u64 gpa = config_be64(val + 16 * i), size = config_be64(val + 16 * i + 8);
		bool ok = true;

		if (!size || (gpa | size) & (PAGE_4K - 1) || gpa + (size - 1) < gpa) {
			check_error(c, p, "range %u (0x%llx+0x%llx) must be a non-empty range of "
				    "whole 4 KiB pages", i, gpa, size);
			c->ram_bad = true;
			continue;
		}
		for (j = 0; j < c->nr_ram && ok; j++) {
			if (ranges_overlap(gpa, size, c->ram[j].base, c->ram[j].size)) {
				check_error(c, p, "range %u (0x%llx+0x%llx) overlaps range "
					    "0x%llx+0x%llx", i, gpa, size, c->ram[j].base,
					    c->ram[j].size);
				c->ram_bad = true;
				ok = false;
			}
		}
		if (ok && c->nr_ram == CONFIG_MAX_RAM) {
			check_error(c, p, "has more than %u ranges", CONFIG_MAX_RAM);
			return;
		}
		if (ok)
			c->ram[c->nr_ram++] = (struct boot_range){ gpa, size };
	}
}

static void check_expect(struct config_check *c, const struct config_prop *p, const u8 *val,
			 u32 len)
{
	u32 outcome;
	u64 code;

	if (vmm_parse_outcome((const char *)val, &outcome, &code))
		check_error(c, p, "is \"%s\", which is neither \"exit:N\" nor the name of an end "
			    "(\"system-off\", \"halted\", \"dead\", ...)", (const char *)val);
}

static void check_gic_frame(struct config_check *c, const struct config_prop *p, const u8 *val,
			    u32 len)
{
	u64 base = len == 8 ? config_be64(val) : config_be32(val);

	if (base & (GIC_ALIGN - 1))
		check_error(c, p, "is 0x%llx, which is not 64 KiB aligned", base);
}

static void check_spis(struct config_check *c, const struct config_prop *p, const u8 *val,
		       u32 len)
{
	u32 i, j, intid;
	char *owner;

	for (i = 0; i < len / 4; i++) {
		intid = config_be32(val + 4 * i);
		if (intid < 32 || intid > 127)
			check_error(c, p, "lists INTID %u, which is not an SPI (32-127)", intid);
		for (j = 0; j < i; j++)
			if (config_be32(val + 4 * j) == intid)
				check_error(c, p, "lists INTID %u twice", intid);
		if (intid < 32 || intid > 127)
			continue;
		/* A physical SPI goes to one VM: its interrupts cannot be shared. */
		owner = c->run->spi_owner[intid - 32];
		if (owner[0] && strcmp(owner, c->vm))
			check_error(c, p, "lists INTID %u, which VM '%s' already has", intid, owner);
		else
			strlcpy(owner, c->vm, sizeof(c->run->spi_owner[0]));
	}
}

static const char *const config_compatible[] = { "microhv,config-v1", NULL };

static const struct config_prop root_props[] = {
	{ "compatible", CT_STRING, CONFIG_ANY_ARCH, false, config_compatible, NULL, NULL,
	  "the configuration's version",
	  "not \"microhv,config-v1\"" },
	{ "#address-cells", CT_U32, CONFIG_ANY_ARCH, false, NULL, NULL, "2", "dtc's default",
	  "-" },
	{ "#size-cells", CT_U32, CONFIG_ANY_ARCH, false, NULL, NULL, "1", "dtc's default",
	  "-" },
	{ "model", CT_STRING, CONFIG_ANY_ARCH, false, NULL, NULL, NULL, "free text",
	  "-" },
};

const struct config_node_kind config_root_kind = {
	.name = "root", .arch = CONFIG_ANY_ARCH, .props = root_props,
	.nr_props = ARRAY_SIZE(root_props),
	.doc = "the root node: every child is a VM",
};

static const char *const access_policies[] = { "ignore", "stop", NULL };
static const char *const reset_policies[] = { "restart", "stop", NULL };
static const char *const crash_policies[] = { "restart", "stop", NULL };
static const char *const corruptions[] = { "cr0-nw", NULL };

/* A limit on restarts is a mistake where nothing restarts: the writer meant something else. */
static void check_restart_limit(struct config_check *c, const struct config_prop *p,
				const u8 *val, u32 len)
{
	const struct fdt *fdt = c->run->fdt;
	const char *on_reset = "restart", *on_crash = "stop";

	fdt_prop_string(fdt, c->node, "on-reset", &on_reset);
	fdt_prop_string(fdt, c->node, "on-crash", &on_crash);
	if (strcmp(on_reset, "restart") && strcmp(on_crash, "restart"))
		check_error(c, p, "limits nothing: neither 'on-reset' nor 'on-crash' is "
			    "\"restart\"");
}
static const char *const vm_compatible[] = { "microhv,vm", NULL };

static const struct config_prop vm_props[] = {
	{ "compatible", CT_STRING, CONFIG_ANY_ARCH, true, vm_compatible, NULL, NULL,
	  "marks the node as a VM",
	  "not \"microhv,vm\" (a typo is named)" },
	{ "cpus", CT_U32_LIST, CONFIG_ANY_ARCH, true, NULL, check_cpus, NULL,
	  "the physical CPU of each vCPU, one each; no two VMs share one",
	  "more than 8; a CPU that is not online; a CPU another VM has" },
	{ "memory", CT_RANGES, CONFIG_ANY_ARCH, true, NULL, check_memory, NULL,
	  "guest RAM: (guest-physical address, size) pairs, 4 KiB aligned",
	  "a range not of whole 4 KiB pages; ranges that overlap; more than 16; arm64: a first "
	  "range under 4 MiB" },
	{ "unknown-access", CT_STRING, CONFIG_ANY_ARCH, false, access_policies, NULL,
	  "x86_64: as \"ignore\"; arm64: the guest takes an external abort",
	  "an access no device answers: \"ignore\" (reads all ones on ports, zero on MMIO) "
	  "or \"stop\" the VM",
	  "another value" },
	{ "on-reset", CT_STRING, CONFIG_ANY_ARCH, false, reset_policies, NULL, "\"restart\"",
	  "a reset the guest asks for (PSCI SYSTEM_RESET, x86 0xcf9 or the 8042): \"restart\" "
	  "from the pristine images, or \"stop\" the VM (it ends as \"reset\")",
	  "another value" },
	{ "on-crash", CT_STRING, CONFIG_ANY_ARCH, false, crash_policies, NULL, "\"stop\"",
	  "a crash (a triple fault; an access \"unknown-access\" = \"stop\" stops it for; an "
	  "instruction that cannot be emulated; a state VMRUN refuses): \"restart\" from the "
	  "pristine images, or \"stop\" the VM with that end",
	  "another value" },
	{ "restart-limit", CT_U32, CONFIG_ANY_ARCH, false, NULL, check_restart_limit,
	  "no limit",
	  "restarts (for a reset or a crash) the VM may have; the next reset or crash stops it "
	  "with its end and \"restart limit N reached\"",
	  "neither 'on-reset' nor 'on-crash' is \"restart\"" },
	{ "expect", CT_STRING, CONFIG_ANY_ARCH, false, NULL, check_expect, "\"exit:0\"",
	  "how the VM should end: \"exit:N\" (debug-exit value N) or an end's name",
	  "neither \"exit:N\" nor an end's name" },
	{ "nested-svm", CT_FLAG, CONFIG_X86_64, false, NULL, NULL, "absent",
	  "SVM is offered to the guest, which may run its own guests",
	  "-" },
	{ "x86-test-corrupt-state", CT_STRING, CONFIG_X86_64, false, corruptions, NULL, "absent",
	  "tests only: an initial state that VMRUN refuses",
	  "another value" },
	{ "x86-bench-floor", CT_FLAG, CONFIG_X86_64, false, NULL, NULL, "absent",
	  "benchmarks only: the benchmark's CPUID leaf is answered by the bare world switch",
	  "-" },
	{ "arm64-bench-floor", CT_FLAG, CONFIG_ARM64, false, NULL, NULL, "absent",
	  "benchmarks only: HVC 0xc600ffff is answered by the bare world switch",
	  "-" },
	{ "gic-distributor", CT_ADDR, CONFIG_ARM64, false, NULL, check_gic_frame, "0x08000000",
	  "the vGIC distributor's 64 KiB frame",
	  "not 64 KiB aligned; overlapping RAM, a device or the other frame" },
	{ "gic-redistributor", CT_ADDR, CONFIG_ARM64, false, NULL, check_gic_frame, "0x080a0000",
	  "the vGIC redistributors, 128 KiB per vCPU",
	  "not 64 KiB aligned; overlapping RAM, a device or the other frame" },
	{ "passthrough-spis", CT_U32_LIST, CONFIG_ARM64, false, NULL, check_spis, "none",
	  "physical SPIs (INTIDs 32-127) given to this VM with the same INTID: the older form of "
	  "a \"microhv,passthrough\" device's 'interrupts' (SPI n there is INTID 32 + n here)",
	  "an INTID outside 32-127; one listed twice; one another VM has" },
	{ "passthrough-dma-unsafe", CT_FLAG, CONFIG_ANY_ARCH, false, NULL, NULL, "absent",
	  "accepts passthrough devices marked 'dma-capable': without an IOMMU such a device can "
	  "read and write all of the machine's memory, the hypervisor's and every VM's",
	  "-" },
};

const struct config_node_kind config_vm_kind = {
	.name = "vm", .arch = CONFIG_ANY_ARCH, .props = vm_props,
	.nr_props = ARRAY_SIZE(vm_props),
	.doc = "a VM: a child of the root with compatible = \"microhv,vm\", named after the VM",
};

/* The kernel formats and the architectures whose loader takes them (core/loader.c). */
static const struct {
	const char *name;
	u8 arch;
} formats[] = {
	{ "flat", CONFIG_ANY_ARCH },
	{ "elf", CONFIG_ANY_ARCH },
	{ "multiboot", CONFIG_X86_64 },
	{ "linux", CONFIG_ANY_ARCH },
};

bool config_format_ok(u32 arch, const char *format)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(format, formats[i].name))
			return formats[i].arch & arch;
	return false;
}

static void check_format(struct config_check *c, const struct config_prop *p, const u8 *val,
			 u32 len)
{
	const char *s = (const char *)val, *names[ARRAY_SIZE(formats)], *near;
	char list[64] = "";
	u32 i, n = 0, arch = config_check_arch(c);

	if (config_format_ok(arch, s))
		return;
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].arch & arch)
			names[n++] = formats[i].name;
	near = config_nearest(s, names, n);
	if (near) {
		check_error(c, p, "is \"%s\", which is not a format (did you mean \"%s\"?)", s,
			    near);
		return;
	}
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
			 i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
	check_error(c, p, "is \"%s\"; %s VMs take %s", s,
		    arch == CONFIG_ARM64 ? "arm64" : "x86_64", list);
}

static void check_module(struct config_check *c, const struct config_prop *p, const u8 *val,
			 u32 len)
{
	const struct boot_info *bi = c->run->env->bi;
	const char *names[BOOT_MAX_MODULES], *near;
	u32 i;

	if (bi && boot_info_find_module(bi, (const char *)val))
		return;
	for (i = 0; bi && i < bi->nr_modules; i++)
		names[i] = bi->modules[i].name;
	near = config_nearest((const char *)val, names, bi ? bi->nr_modules : 0);
	if (near)
		check_error(c, p, "names boot module \"%s\", which was not loaded (did you mean "
			    "\"%s\"?)", (const char *)val, near);
	else
		check_error(c, p, "names boot module \"%s\", which was not loaded",
			    (const char *)val);
}

static const char *const no_choices[] = { NULL };

static const struct config_prop kernel_props[] = {
	{ "format", CT_STRING, CONFIG_ANY_ARCH, true, NULL, check_format, NULL,
	  "\"flat\", \"elf\", \"multiboot\" (x86_64) or \"linux\" (arm64 Image, x86_64 "
	  "bzImage)",
	  "a format of the other architecture; a typo (named)" },
	{ "image", CT_BYTES, CONFIG_ANY_ARCH, false, NULL, NULL, NULL,
	  "the kernel's bytes (/incbin/(\"file\")); or 'module'",
	  "with 'module' too; a file the format's loader refuses (the reason is said); bytes "
	  "outside RAM" },
	{ "module", CT_STRING, CONFIG_ANY_ARCH, false, NULL, check_module, NULL,
	  "the name of the boot module holding the kernel; or 'image'",
	  "a module that was not loaded; with 'image' too" },
	{ "load-address", CT_ADDR, CONFIG_ANY_ARCH, false, NULL, NULL, "0",
	  "flat: where the image goes; arm64 linux: the RAM base it goes 2 MiB-aligned above",
	  "with \"elf\", \"multiboot\" or an x86_64 \"linux\"; an image that does not fit in "
	  "RAM there; arm64: reaching the DTB's 2 MiB" },
	{ "entry", CT_ADDR, CONFIG_ANY_ARCH, false, NULL, NULL, "load-address",
	  "flat only: where the vCPU starts",
	  "with a format other than \"flat\"" },
	{ "cmdline", CT_STRING, CONFIG_ANY_ARCH, false, no_choices, NULL, "\"\"",
	  "the kernel command line (multiboot information; x86 linux: boot_params; arm64: "
	  "/chosen/bootargs)",
	  "-" },
	{ "initrd", CT_BYTES, CONFIG_ANY_ARCH, false, NULL, NULL, "none",
	  "linux only: an initial RAM disk; or 'initrd-module'",
	  "with a format other than \"linux\"; arm64: too big for the room below the DTB; "
	  "x86_64: too big for the room between the kernel and initrd_addr_max" },
	{ "initrd-module", CT_STRING, CONFIG_ANY_ARCH, false, NULL, check_module, "none",
	  "linux only: the boot module holding the initial RAM disk",
	  "a module that was not loaded; with 'initrd' too" },
};

const struct config_node_kind config_kernel_kind = {
	.name = "kernel", .arch = CONFIG_ANY_ARCH, .props = kernel_props,
	.nr_props = ARRAY_SIZE(kernel_props),
	.doc = "the VM's kernel: node 'kernel' of a VM (required); it holds 'mb-module' "
	       "nodes only",
};

static const struct config_prop mb_module_props[] = {
	{ "image", CT_BYTES, CONFIG_X86_64, false, NULL, NULL, NULL,
	  "the module's bytes (/incbin/(\"file\")); or 'module'",
	  "with 'module' too; neither; bytes the multiboot information cannot hold below 4 GiB "
	  "in RAM" },
	{ "module", CT_STRING, CONFIG_X86_64, false, NULL, check_module, NULL,
	  "the name of the boot module holding it; or 'image'",
	  "a module that was not loaded; with 'image' too" },
	{ "cmdline", CT_STRING, CONFIG_X86_64, false, no_choices, NULL, "\"\"",
	  "the module's string in the multiboot information",
	  "-" },
};

const struct config_node_kind config_mb_module_kind = {
	.name = "mb-module", .arch = CONFIG_X86_64, .props = mb_module_props,
	.nr_props = ARRAY_SIZE(mb_module_props),
	.doc = "a multiboot module: node 'mb-module' or 'mb-module@N' of a \"multiboot\" "
	       "kernel, at most 8, handed over in file order, each page aligned above the image",
};

static void check_cells(struct config_check *c, const struct config_prop *p, const u8 *val,
			u32 len)
{
	u32 n = config_be32(val);

	if (n != 1 && n != 2)
		check_error(c, p, "is %u; it must be 1 or 2", n);
}

static const struct config_prop devices_props[] = {
	{ "#address-cells", CT_U32, CONFIG_ANY_ARCH, false, NULL, check_cells, "2",
	  "cells of an address in the devices' 'reg'",
	  "not 1 or 2" },
	{ "#size-cells", CT_U32, CONFIG_ANY_ARCH, false, NULL, check_cells, "1",
	  "cells of a size in the devices' 'reg'",
	  "not 1 or 2" },
};

const struct config_node_kind config_devices_kind = {
	.name = "devices", .arch = CONFIG_ANY_ARCH, .props = devices_props,
	.nr_props = ARRAY_SIZE(devices_props),
	.doc = "node 'devices' of a VM: one child per device model (optional)",
};

static const char *const statuses[] = { "okay", "disabled", NULL };

/* The rows every device node shares; where it is and its line are checked by the walker. */
#define DEVICE_ROWS()									\
	{ "compatible", CT_STRING, CONFIG_ANY_ARCH, true, NULL, NULL, NULL,			\
	  "names the device model",								\
	  "no model has it (a typo is named); a model of the other architecture" },		\
	{ "io-port", CT_U32, CONFIG_X86_64, false, NULL, NULL, NULL,				\
	  "x86 port base (or 'reg')",								\
	  "with 'reg' too; a memory-mapped model; ports beyond 0xffff; overlapping another "	\
	  "device" },										\
	{ "reg", CT_REG, CONFIG_ANY_ARCH, false, NULL, NULL, NULL,				\
	  "guest-physical (address, size) (or 'io-port')",					\
	  "cells other than the devices node says; smaller than the model; overlapping RAM, "	\
	  "a vGIC frame or another device" },							\
	{ "status", CT_STRING, CONFIG_ANY_ARCH, false, statuses, NULL, "\"okay\"",		\
	  "\"disabled\" leaves the device out", "another value" }

#define IRQ_ROW											\
	{ "interrupts", CT_U32, CONFIG_ANY_ARCH, false, NULL, NULL, "none",			\
	  "the line it raises: ISA IRQ 0-15 on x86, SPI 0-95 (INTID 32-127) on arm64",		\
	  "beyond ISA IRQ 15 (x86) or SPI 95 (arm64); on a model that raises none (unknown "	\
	  "property)" }

static const struct config_prop uart_props[] = { DEVICE_ROWS(), IRQ_ROW };
static const struct config_prop uart16550_props[] = {
	DEVICE_ROWS(), IRQ_ROW,
	{ "console-input", CT_FLAG, CONFIG_ANY_ARCH, false, NULL, NULL, "absent",
	  "the UART receives the hypervisor console's keys (one UART in the configuration)",
	  "on a second UART, in this VM or another (two would steal each other's bytes)" },
};
static const struct config_prop plain_props[] = { DEVICE_ROWS() };

/* A physical device given to the VM (config_passthrough.c checks the node as a whole). */
static const struct config_prop passthrough_props[] = {
	{ "compatible", CT_STRING, CONFIG_ANY_ARCH, true, NULL, NULL, NULL,
	  "names the device model",
	  "no model has it (a typo is named)" },
	{ "status", CT_STRING, CONFIG_ANY_ARCH, false, statuses, NULL, "\"okay\"",
	  "\"disabled\" leaves the device out", "another value" },
	{ "reg", CT_REG, CONFIG_ANY_ARCH, false, NULL, NULL, "none",
	  "an MMIO region: guest-physical (address, size) in whole 4 KiB pages, mapped as device "
	  "memory (arm64 Device-nGnRE, x86 uncached): the guest's accesses reach the device",
	  "not whole 4 KiB pages; overlapping the VM's RAM, a vGIC frame, the x86 platform or "
	  "another device of the VM" },
	{ "host-address", CT_ADDR, CONFIG_ANY_ARCH, false, NULL, NULL, "the address in 'reg'",
	  "where the region is in the machine (4 KiB aligned)",
	  "without 'reg'; not 4 KiB aligned; in the machine's RAM; on a device the hypervisor "
	  "drives; a range another passthrough region has" },
	{ "io-ports", CT_U32_LIST, CONFIG_X86_64, false, NULL, NULL, "none",
	  "(first port, count) pairs opened in the VM's IO permission map: the guest's IN and OUT "
	  "reach the machine's ports without an exit",
	  "an odd number of cells; an empty range or one beyond 0xffff; a port the hypervisor "
	  "drives, the x86 platform has, another device of the VM or another VM has" },
	{ "interrupts", CT_U32_LIST, CONFIG_ANY_ARCH, false, NULL, NULL, "none",
	  "the device's lines: x86 host IOAPIC pins 0-23; arm64 SPIs 0-95, given to the VM with "
	  "the same INTID (32 + n)",
	  "beyond pin 23 (x86) or SPI 95 (arm64); one listed twice; one another VM has; the VM's "
	  "line another device of the VM raises" },
	{ "guest-interrupts", CT_U32_LIST, CONFIG_X86_64, false, NULL, NULL, "'interrupts'",
	  "x86: the VM's line for each host pin: ISA IRQ 0-15 (the 8259 and its IOAPIC pin) or "
	  "IOAPIC pin 16-23",
	  "not one per 'interrupts'; a line beyond 23; a line another device of the VM raises" },
	{ "dma-capable", CT_FLAG, CONFIG_ANY_ARCH, false, NULL, NULL, "absent",
	  "the device can master DMA: accepted only in a VM with 'passthrough-dma-unsafe'",
	  "in a VM without 'passthrough-dma-unsafe'" },
};

const struct config_node_kind config_device_kinds[] = {
	{ "ns16550a", CONFIG_ANY_ARCH, uart16550_props, ARRAY_SIZE(uart16550_props),
	  "16550 UART: its output is the VM's console", true, true, 8, true, NULL },
	{ "arm,pl011", CONFIG_ANY_ARCH, uart_props, ARRAY_SIZE(uart_props),
	  "PL011 UART (memory-mapped only; named in the arm64 guest DTB)", false, true, 0x1000,
	  true, NULL },
	{ "microhv,debug-exit", CONFIG_ANY_ARCH, plain_props, ARRAY_SIZE(plain_props),
	  "a 32-bit write of v ends the VM with exit code v (QEMU's isa-debug-exit)", true, true,
	  4, false, NULL },
	{ "microhv,access-counter", CONFIG_ANY_ARCH, plain_props, ARRAY_SIZE(plain_props),
	  "tests: a read returns how many accesses found no device", true, true, 4, false, NULL },
	{ "microhv,passthrough", CONFIG_ANY_ARCH, passthrough_props, ARRAY_SIZE(passthrough_props),
	  "a physical device given to the VM: MMIO regions, x86 IO ports and interrupt lines that "
	  "no other VM and not the hypervisor uses; the VM drives it directly", false, true, 0, true,
	  config_check_passthrough },
};

const u32 config_nr_device_kinds = ARRAY_SIZE(config_device_kinds);
