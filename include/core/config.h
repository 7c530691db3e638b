#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/fdt.h>

/*
 * VM configuration: a devicetree blob (dtc output) from a boot module
 * named "config" (GRUB module2 on x86, the initrd on arm64) or, failing
 * that, the built-in default; one node per VM, named after it. What a
 * node may hold is the table of rows in core/config_schema.c, which the
 * check (core/config_check.c) enforces before a VM is built and which
 * docs/config-reference.md is generated from; docs/config.md explains
 * the whole. A VM whose node is wrong is created DEAD with every mistake
 * reported; the other VMs are unaffected.
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

/* A "microhv,passthrough" node (core/passthrough.c): regions, ports and lines to the VM. */
int passthrough_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err);

#endif
