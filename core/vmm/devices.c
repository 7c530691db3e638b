#include <core/config.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * Device nodes of a VM configuration: "io-port = <port>" places a device
 * in x86 port space, "reg" in guest-physical memory; "interrupts" is the
 * VM interrupt line (ISA IRQ on x86, SPI number on arm64).
 */
#define NO_IRQ	(~0u)

struct device_location {
	u32 space;
	u64 base;
	u32 irq;
};

static int device_location(const struct fdt *fdt, int node, struct device_location *loc,
			   struct config_error *err)
{
	const char *name = "?";
	u32 port;
	u64 size;

	fdt_node_name(fdt, node, &name);
	if (!fdt_prop_u32(fdt, node, "io-port", &port)) {
		if (port > 0xffff)
			return fail_config(err, -ERANGE, "device '%s': io-port %#x is beyond 0xffff",
					   name, port);
		loc->space = VMM_SPACE_PIO;
		loc->base = port;
	} else if (fdt_prop(fdt, node, "reg", NULL, NULL) == 0) {
		if (fdt_reg(fdt, node, 0, &loc->base, &size))
			return fail_config(err, -ERANGE, "device '%s': property 'reg' does not "
					   "match the #address-cells/#size-cells of 'devices'",
					   name);
		loc->space = VMM_SPACE_MMIO;
	} else {
		return fail_config(err, -ENOENT, "device '%s': neither 'io-port' nor 'reg' is given",
				   name);
	}
	if (fdt_prop_u32(fdt, node, "interrupts", &loc->irq))
		loc->irq = NO_IRQ;
	return 0;
}

static int placed(int r, const struct fdt *fdt, int node, struct config_error *err)
{
	const char *name = "?";

	if (!r)
		return 0;
	fdt_node_name(fdt, node, &name);
	return fail_config(err, r, "device '%s': overlaps another device, or too many devices",
			   name);
}

/* The one UART that receives the hypervisor console's input: two would steal bytes. */
static bool console_input_taken;

static int uart16550_config(struct vm *vm, const struct fdt *fdt, int node,
			    struct config_error *err)
{
	struct device_location loc;
	bool input = fdt_prop(fdt, node, "console-input", NULL, NULL) == 0;
	int r = device_location(fdt, node, &loc, err);

	if (r)
		return r;
	if (input && console_input_taken)
		return fail_config(err, -EBUSY, "property 'console-input': another UART has it");
	r = placed(uart16550_create(vm, loc.space, loc.base, loc.irq, input), fdt, node, err);
	if (!r && input)
		console_input_taken = true;
	return r;
}

static int pl011_config(struct vm *vm, const struct fdt *fdt, int node, struct config_error *err)
{
	struct device_location loc;
	int r = device_location(fdt, node, &loc, err);
	const char *name = "?";

	if (r)
		return r;
	if (loc.space != VMM_SPACE_MMIO) {
		fdt_node_name(fdt, node, &name);
		return fail_config(err, -EINVAL, "device '%s': a PL011 needs 'reg', not 'io-port'",
				   name);
	}
	return placed(pl011_create(vm, loc.base, loc.irq), fdt, node, err);
}

static int debug_exit_config(struct vm *vm, const struct fdt *fdt, int node,
			     struct config_error *err)
{
	struct device_location loc;
	int r = device_location(fdt, node, &loc, err);

	return r ? r : placed(debug_exit_create(vm, loc.space, loc.base), fdt, node, err);
}

static int access_counter_config(struct vm *vm, const struct fdt *fdt, int node,
				 struct config_error *err)
{
	struct device_location loc;
	int r = device_location(fdt, node, &loc, err);

	return r ? r : placed(access_counter_create(vm, loc.space, loc.base), fdt, node, err);
}

const struct vmm_device_type vmm_device_types[] = {
	{ "ns16550a", uart16550_config },
	{ "arm,pl011", pl011_config },
	{ "microhv,debug-exit", debug_exit_config },
	{ "microhv,access-counter", access_counter_config },
	{ "microhv,passthrough", passthrough_config },
};

const unsigned int vmm_nr_device_types = ARRAY_SIZE(vmm_device_types);
