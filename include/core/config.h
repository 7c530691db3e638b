#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/fdt.h>

/*
 * VM configuration: a devicetree blob (dtc output) from a boot module
 * named "config" (GRUB module2 on x86, the initrd on arm64) or, failing
 * that, the built-in default. One node per VM, named after it:
 *
 *	demo0 {
 *		compatible = "microhv,vm";
 *		cpus = <1>;				physical CPU of each vCPU
 *		memory = <0x0 0x0 0x0 0x4000000>;	(gpa, size) pairs, 2 cells each
 *		unknown-access = "ignore";		or "stop"; none: arm64 aborts
 *		expect = "exit:0";			test runs: how it should end
 *		kernel {
 *			format = "multiboot";		flat, elf, multiboot, linux
 *			image = /incbin/("guest.elf");	or module = "name";
 *			load-address = <0x0 0x100000>;	flat; linux: RAM base
 *			entry = <0x0 0x100000>;		flat only
 *			cmdline = "...";
 *			initrd = /incbin/("initrd.cpio.gz");	"linux" only, optional;
 *							or initrd-module = "name";
 *			mb-module@0 {			multiboot only: modules, in order
 *				image = /incbin/("m0.bin");	or module = "name";
 *				cmdline = "m0 args";	the module's string
 *			};
 *		};
 *		devices {
 *			#address-cells = <2>;		for the "reg" of MMIO devices
 *			#size-cells = <2>;
 *			serial { compatible = "ns16550a"; io-port = <0x3f8>; interrupts = <4>; };
 *						(console-input; on one UART of the
 *						configuration: the console's keys)
 *			debug-exit { compatible = "microhv,debug-exit"; io-port = <0xf4>; };
 *			counter { compatible = "microhv,access-counter"; io-port = <0x510>; };
 *		};
 *	};
 *
 * Format "linux" on x86 is a bzImage (the x86 boot protocol, 2.12 or
 * later, 64-bit entry; arch/x86/bzimage.c): it needs RAM from 0 (boot
 * data and the ACPI tables live below 1 MiB); the kernel goes to its
 * preferred address, the initrd as high as the kernel allows.
 * A multiboot kernel gets at most 8 modules, each page aligned above the
 * image, with its command line as the module's string.
 *
 * On arm64 the kernel is usually format "linux" with load-address = the
 * RAM base, and the devices are MMIO ("reg"):
 *		serial { compatible = "arm,pl011"; reg = <0x0 0x09000000 0x0 0x1000>;
 *			 interrupts = <1>; };		SPI 1 (INTID 33)
 * The guest gets a generated DTB (arch/arm64/guest_dtb.c) in the last
 * 2 MiB of its first RAM range, x0 pointing at it.
 *
 * The access counter is a test device: a read returns how many of the
 * VM's accesses found no device. arm64 VM property (arch/arm64/vm.c),
 * for benchmarks only:
 *	arm64-bench-floor;			HVC 0xc600ffff answered by the bare
 *						world switch
 * x86 VM property (arch/x86/svm/vm.c):
 *	nested-svm;				SVM offered to the guest, which may
 *						run its own guests (arch/x86/svm/README.md)
 * and, for tests and benchmarks only:
 *	x86-test-corrupt-state = "cr0-nw";	an initial state VMRUN refuses
 *	x86-bench-floor;			the benchmark's CPUID leaf answered by
 *						the bare world switch
 *
 * arm64 VM properties (arch/arm64/vm.c):
 *	gic-distributor = <0x0 0x08000000>;	the vGIC's GICD frame (64 KiB aligned)
 *	gic-redistributor = <0x0 0x080a0000>;	its GICR range, 128 KiB per vCPU
 *	passthrough-spis = <40 41>;		physical SPIs given to the VM (same INTID)
 *
 * A VM whose node is wrong is created DEAD with the property named in its
 * reason; the other VMs are unaffected.
 */

#define CONFIG_ERR_MAX	96

struct config_error {
	char msg[CONFIG_ERR_MAX];
};

/* Formats @err and returns @code. */
int fail_config(struct config_error *err, int code, const char *fmt, ...) __printf(3, 4);

/* Builds every VM of @blob and registers it with the VMM; returns how many. */
int config_load(const void *blob, size_t size, const struct boot_info *bi);
/* The blob the hypervisor carries for `make run` (see configs/). */
const void *config_builtin(size_t *size);

/*
 * Per-architecture properties of a VM node (the vGIC's addresses, nested
 * SVM), read after the generic ones; fills @err on failure.
 */
struct vm;
int arch_vm_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err);

/*
 * Boot data the arch puts in guest RAM before the kernel is loaded (the
 * guest DTB on arm64, at a place it records in @p).
 */
struct load_params;
int arch_vm_prepare_boot(struct vm *vm, struct load_params *p);

/* A device node: fills @err on failure. */
struct vmm_device_type {
	const char *compatible;
	int (*create)(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err);
};

#endif
