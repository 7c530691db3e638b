/*
 * The check of a "microhv,passthrough" device node (the rows are in
 * config_schema.c): a physical device given to one VM. Its guest side is
 * claimed like any device's (no overlap with the VM's RAM, vGIC frames,
 * platform or other devices); its host side must be the VM's alone: not
 * the machine's RAM (every VM's memory comes from there), not a device
 * the hypervisor drives (config_host_windows()), not a range, port, pin
 * or SPI another passthrough device already has, in this VM or another.
 */
#include <core/config_check.h>
#include <lib/printf.h>
#include <lib/string.h>

#define PAGE_4K		0x1000ULL
#define PORTS		0x10000ULL

static void range_text(char *buf, size_t n, u64 base, u64 size)
{
	snprintf(buf, n, "0x%llx-0x%llx", base, base + (size - 1));
}

/* The first host window of the hypervisor's own devices that [base, base+size) touches. */
static const struct config_fixed_window *host_device(bool io_port, u64 base, u64 size)
{
	const struct config_fixed_window *w;
	u32 i, n;

	w = config_host_windows(&n);
	for (i = 0; i < n; i++)
		if (w[i].io_port == io_port && ranges_overlap(base, size, w[i].base, w[i].size))
			return &w[i];
	return NULL;
}

static bool host_ram(const struct config_check *c, u64 base, u64 size)
{
	const struct boot_info *bi = c->run->env->bi;
	u32 i;

	for (i = 0; bi && i < bi->nr_ram; i++)
		if (ranges_overlap(base, size, bi->ram[i].base, bi->ram[i].size))
			return true;
	return false;
}

/* Claims a host range (MMIO or ports) for this VM; reports the first thing it meets. */
static void claim_host(struct config_check *c, const struct config_prop *p, bool io_port,
		       u64 base, u64 size)
{
	struct config_pt_run *pt = &c->run->pt;
	const struct config_fixed_window *w = host_device(io_port, base, size);
	const char *kind = io_port ? "ports" : "host range";
	char mine[48], other[48];
	u32 i;

	range_text(mine, sizeof(mine), base, size);
	if (w) {
		range_text(other, sizeof(other), w->base, w->size);
		check_error(c, p, "gives %s %s, which overlaps %s at %s (the hypervisor drives it)",
			    kind, mine, w->what, other);
		return;
	}
	if (!io_port && host_ram(c, base, size)) {
		check_error(c, p, "gives host range %s, which is the machine's RAM (VMs' memory "
			    "and the hypervisor's come from it)", mine);
		return;
	}
	for (i = 0; i < pt->nr_claims; i++) {
		const struct config_pt_claim *o = &pt->claims[i];

		if (o->io_port == io_port && ranges_overlap(base, size, o->base, o->size)) {
			range_text(other, sizeof(other), o->base, o->size);
			check_error(c, p, "gives %s %s, which overlaps %s, which VM '%s' already has",
				    kind, mine, other, o->vm);
			return;
		}
	}
	if (pt->nr_claims == CONFIG_MAX_PT_CLAIMS) {
		check_error(c, p, "gives %s %s beyond the %u passthrough ranges of a configuration",
			    kind, mine, CONFIG_MAX_PT_CLAIMS);
		return;
	}
	pt->claims[pt->nr_claims] = (struct config_pt_claim){ base, size, io_port, "" };
	strlcpy(pt->claims[pt->nr_claims++].vm, c->vm, sizeof(pt->claims[0].vm));
}

static void device_what(const struct config_check *c, char *what, size_t n)
{
	snprintf(what, n, "device '%s'", c->path);
}

/* 'reg' (guest side) and 'host-address' (the machine's side, by default the same address). */
static void check_mmio(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct fdt *fdt = c->run->fdt;
	const struct config_prop *reg_p = config_find_row(k, "reg");
	const struct config_prop *host_p = config_find_row(k, "host-address");
	u32 len, cells = c->addr_cells + c->size_cells;
	bool has_host = !fdt_prop(fdt, node, "host-address", NULL, NULL);
	char what[CONFIG_PATH_MAX + 16];
	u64 gpa, size, hpa;
	const u8 *val;

	if (fdt_prop(fdt, node, "reg", (const void **)&val, &len)) {
		if (has_host)
			check_error(c, host_p, "is given without 'reg', which sizes the region");
		return;
	}
	if (!c->size_cells || len != 4 * cells) {
		check_error(c, reg_p, "must be one (address, size) of %u+%u cells (#address-cells "
			    "and #size-cells of 'devices', the size not 0), not %u bytes",
			    c->addr_cells, c->size_cells, len);
		return;
	}
	gpa = c->addr_cells == 2 ? config_be64(val) : config_be32(val);
	size = c->size_cells == 2 ? config_be64(val + 4 * c->addr_cells) :
	       config_be32(val + 4 * c->addr_cells);
	if (!size || (gpa | size) & (PAGE_4K - 1) || gpa + (size - 1) < gpa) {
		check_error(c, reg_p, "is 0x%llx+0x%llx; a passthrough region must be whole 4 KiB "
			    "pages (the guest reaches it page by page, without an exit)", gpa, size);
		return;
	}
	device_what(c, what, sizeof(what));
	config_claim_guest(c, reg_p, false, gpa, size, what);
	hpa = gpa;
	if (has_host && fdt_prop_uint(fdt, node, "host-address", &hpa))
		return;
	if (hpa & (PAGE_4K - 1) || hpa + (size - 1) < hpa) {
		check_error(c, host_p, "is 0x%llx, which is not 4 KiB aligned", hpa);
		return;
	}
	claim_host(c, has_host ? host_p : reg_p, false, hpa, size);
}

/* x86: (first port, count) pairs, the same ports in the VM and in the machine. */
static void check_ports(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct config_prop *p = config_find_row(k, "io-ports");
	char what[CONFIG_PATH_MAX + 16];
	const u8 *val;
	u32 len, i, base, count;

	if (fdt_prop(c->run->fdt, node, "io-ports", (const void **)&val, &len))
		return;
	if (len % 8) {
		check_error(c, p, "must be (first port, count) pairs, not %u cells", len / 4);
		return;
	}
	device_what(c, what, sizeof(what));
	for (i = 0; i < len; i += 8) {
		base = config_be32(val + i);
		count = config_be32(val + i + 4);
		if (!count || base >= PORTS || count > PORTS - base) {
			check_error(c, p, "gives ports 0x%x+%u; a range must hold one port at least "
				    "and end at 0xffff or below", base, count);
			continue;
		}
		config_claim_guest(c, p, true, base, count, what);
		claim_host(c, p, true, base, count);
	}
}

/* The owner table of the architecture's lines: SPIs (shared with passthrough-spis) or pins. */
static char *line_owner(struct config_check *c, u32 line)
{
	if (config_check_arch(c) == CONFIG_ARM64)
		return c->run->spi_owner[line];
	return c->run->pt.pin_owner[line];
}

static void check_irqs(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct config_prop *p = config_find_row(k, "interrupts");
	bool arm64 = config_check_arch(c) == CONFIG_ARM64;
	const char *name = arm64 ? "SPI" : "pin";
	u32 max = arm64 ? CONFIG_ARM64_SPIS : CONFIG_X86_IOAPIC_PINS, len, i, j, line;
	const u8 *val;
	char *owner;

	if (fdt_prop(c->run->fdt, node, "interrupts", (const void **)&val, &len))
		return;
	for (i = 0; i < len / 4; i++) {
		line = config_be32(val + 4 * i);
		if (line >= max) {
			check_error(c, p, "lists %s %u; %s are 0-%u", name, line,
				    arm64 ? "SPIs (INTID 32-127)" : "the host IOAPIC's pins",
				    max - 1);
			continue;
		}
		for (j = 0; j < i && config_be32(val + 4 * j) != line; j++)
			;
		if (j < i) {
			check_error(c, p, "lists %s %u twice", name, line);
			continue;
		}
		/* A physical line goes to one device of one VM: it cannot be shared. */
		owner = line_owner(c, line);
		if (owner[0])
			check_error(c, p, "lists %s %u, which VM '%s' already has", name, line,
				    owner);
		else
			strlcpy(owner, c->vm, sizeof(c->run->pt.pin_owner[0]));
	}
}

/* x86: the VM's line for each host pin, one each; the default is the same number. */
static void check_guest_irqs(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct config_prop *p = config_find_row(k, "guest-interrupts");
	u32 len, host_len = 0, i, line;
	const u8 *val;

	if (fdt_prop(c->run->fdt, node, "guest-interrupts", (const void **)&val, &len))
		return;
	/* fdt_prop() leaves the last property's length in @len when the name is absent. */
	if (fdt_prop(c->run->fdt, node, "interrupts", NULL, &host_len))
		host_len = 0;
	if (len != host_len) {
		check_error(c, p, "lists %u lines for %u in 'interrupts'; give one each", len / 4,
			    host_len / 4);
		return;
	}
	for (i = 0; i < len / 4; i++) {
		line = config_be32(val + 4 * i);
		if (line >= CONFIG_X86_IOAPIC_PINS)
			check_error(c, p, "lists line %u; a VM's lines are 0-%u", line,
				    CONFIG_X86_IOAPIC_PINS - 1);
	}
}

/* The VM's line of a passthrough node's line @i, or ~0u: its guest-interrupts, else its own. */
static u32 pt_guest_line(const struct fdt *fdt, int node, u32 i)
{
	const u8 *host, *guest;
	u32 len, glen;

	if (fdt_prop(fdt, node, "interrupts", (const void **)&host, &len) || 4 * i >= len)
		return ~0u;
	if (!fdt_prop(fdt, node, "guest-interrupts", (const void **)&guest, &glen) && glen == len)
		return config_be32(guest + 4 * i);
	return config_be32(host + 4 * i);
}

/* Whether an enabled device before @node in the VM's 'devices' raises line @line; its name. */
static const char *line_user(const struct config_check *c, int node, u32 line)
{
	const struct fdt *fdt = c->run->fdt;
	int devs = fdt_subnode(fdt, c->node, "devices", 7), d;
	const char *name;
	u32 irq, i;

	for (d = fdt_first_subnode(fdt, devs); d >= 0 && d != node; d = fdt_next_subnode(fdt, d)) {
		if (!fdt_is_enabled(fdt, d) || fdt_node_name(fdt, d, &name) < 0)
			continue;
		if (fdt_is_compatible(fdt, d, "microhv,passthrough") != 1) {
			if (!fdt_prop_u32(fdt, d, "interrupts", &irq) && irq == line)
				return name;
			continue;
		}
		for (i = 0; pt_guest_line(fdt, d, i) != ~0u; i++)
			if (pt_guest_line(fdt, d, i) == line)
				return name;
	}
	return NULL;
}

/*
 * A line of the VM driven by two devices would be each one's to lower
 * under the other: the VM's lines, like the host's, go to one device.
 */
static void check_shared_lines(struct config_check *c, int node, const struct config_node_kind *k)
{
	const char *prop = fdt_prop(c->run->fdt, node, "guest-interrupts", NULL, NULL) ?
			   "interrupts" : "guest-interrupts";
	const char *other;
	u32 i, line;

	for (i = 0; (line = pt_guest_line(c->run->fdt, node, i)) != ~0u; i++) {
		other = line_user(c, node, line);
		if (other)
			check_error(c, config_find_row(k, prop), "gives the VM line %u, which "
				    "device '%s' raises too", line, other);
	}
}

/*
 * Without an IOMMU a device that masters DMA reaches every byte of the
 * machine: the VM's configuration must say it knows.
 */
static void check_dma(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct fdt *fdt = c->run->fdt;

	if (fdt_prop(fdt, node, "dma-capable", NULL, NULL) ||
	    !fdt_prop(fdt, c->node, "passthrough-dma-unsafe", NULL, NULL))
		return;
	check_error(c, config_find_row(k, "dma-capable"), "marks a device that masters DMA, "
		    "which without an IOMMU reaches all memory: the VM must accept it with "
		    "'passthrough-dma-unsafe;'");
}

void config_check_passthrough(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct fdt *fdt = c->run->fdt;

	if (fdt_prop(fdt, node, "reg", NULL, NULL) && fdt_prop(fdt, node, "io-ports", NULL, NULL) &&
	    fdt_prop(fdt, node, "interrupts", NULL, NULL)) {
		check_error(c, NULL, "gives no 'reg', 'io-ports' or 'interrupts': nothing to pass "
			    "through");
		return;
	}
	check_mmio(c, node, k);
	check_ports(c, node, k);
	check_irqs(c, node, k);
	check_guest_irqs(c, node, k);
	check_shared_lines(c, node, k);
	check_dma(c, node, k);
}
