/*
 * A "microhv,passthrough" device node (docs/config.md, "Passthrough"):
 * a physical device given to the VM, which drives it directly. The
 * hypervisor only opens the way: its MMIO is mapped as device memory at
 * the guest-physical address of 'reg' (region kind VM_REGION_DEVICE,
 * mapped by vm_finalize()), its x86 ports are opened in the VM's IO
 * permission map, its lines are routed to the VM (arch hooks). Nothing
 * of the device itself is touched, not even reset: a VM restart hands
 * it over as the old life left it. The configuration check
 * (config_passthrough.c) has made sure the device is this VM's alone.
 */
#include <core/arch.h>
#include <core/config.h>
#include <core/config_check.h>
#include <core/vm.h>
#include <lib/errno.h>

static int pt_mmio(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	struct vm_region r = { .kind = VM_REGION_DEVICE, .name = "passthrough" };
	int e;

	if (fdt_prop(fdt, node, "reg", NULL, NULL))
		return 0;
	if (fdt_reg(fdt, node, 0, &r.gpa, &r.size))
		return fail_config(err, -EINVAL, "property 'reg' is malformed");
	r.hpa = r.gpa;
	fdt_prop_uint(fdt, node, "host-address", &r.hpa);
	e = vm_add_region(vm, &r);
	if (e)
		return fail_config(err, e, "property 'reg': cannot add region %#llx+%#llx (%s)",
				   r.gpa, r.size, errno_name(e));
	return 0;
}

static int pt_ports(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	const u8 *val;
	u32 len, i, base, count;
	int e;

	if (fdt_prop(fdt, node, "io-ports", (const void **)&val, &len))
		return 0;
	for (i = 0; i + 8 <= len; i += 8) {
		base = config_be32(val + i);
		count = config_be32(val + i + 4);
		e = arch_vm_passthrough_ports(vm, base, count);
		if (e)
			return fail_config(err, e, "property 'io-ports': ports %#x+%u cannot be "
					   "opened (%s)", base, count, errno_name(e));
	}
	return 0;
}

/* Each host line to the VM's line of the same index in 'guest-interrupts' (or its own number). */
static int pt_irqs(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	const u8 *host, *guest = NULL;
	u32 len, glen = 0, i, h, g;
	int e;

	if (fdt_prop(fdt, node, "interrupts", (const void **)&host, &len))
		return 0;
	if (fdt_prop(fdt, node, "guest-interrupts", (const void **)&guest, &glen) || glen != len)
		guest = NULL;
	for (i = 0; i + 4 <= len; i += 4) {
		h = config_be32(host + i);
		g = guest ? config_be32(guest + i) : h;
		e = arch_vm_passthrough_irq(vm, h, g);
		if (e)
			return fail_config(err, e, "property 'interrupts': line %u cannot be given "
					   "to the VM (%s)", h, errno_name(e));
	}
	return 0;
}

int passthrough_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	int r = pt_mmio(vm, fdt, node, err);

	if (!r)
		r = pt_ports(vm, fdt, node, err);
	if (!r)
		r = pt_irqs(vm, fdt, node, err);
	return r;
}
