/*
 * The strict configuration check (include/core/config_check.h): walks
 * each VM node in file order against the rows of config_schema.c and
 * reports every mistake, then checks what the rows cannot see alone:
 * the kernel against the VM's RAM (a dry run of the loader), devices
 * and vGIC frames against each other and against RAM.
 */
#include <core/config_check.h>
#include <core/loader.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

#define DTB_SLOT		CONFIG_ARM64_DTB_SLOT
#define ISA_IRQS		CONFIG_X86_ISA_IRQS
#define ARM64_SPIS		CONFIG_ARM64_SPIS
#define VGIC_DIST_SIZE		CONFIG_VGIC_DIST_SIZE
#define VGIC_REDIST_SIZE	CONFIG_VGIC_REDIST_SIZE

u32 config_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

u64 config_be64(const void *p)
{
	return (u64)config_be32(p) << 32 | config_be32((const u8 *)p + 4);
}

u32 config_check_arch(const struct config_check *c)
{
	return c->run->env->arch;
}

static const char *arch_name(u32 arch)
{
	return arch == CONFIG_ARM64 ? "arm64" : "x86_64";
}

static void report(struct config_check_run *run, bool error, const char *fmt, va_list ap)
{
	char msg[CONFIG_MSG_MAX], *p;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/*
	 * Names and values come from the blob: a newline or an escape in one
	 * would forge lines of the boot log ("hv: vm x stopped ...") that
	 * runners and people trust.
	 */
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (error)
		run->errors++;
	else
		run->warnings++;
	run->env->report(error, msg);
}

static void __printf(3, 4) say(struct config_check_run *run, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(run, error, fmt, ap);
	va_end(ap);
}

void check_error(struct config_check *c, const struct config_prop *p, const char *fmt, ...)
{
	char what[CONFIG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->errors++;
	/* The root is no VM: its messages start at the path. */
	if (p)
		say(c->run, true, "%s%s%s%s: property '%s' %s", c->vm[0] ? "vm " : "", c->vm,
		    c->vm[0] ? ": " : "", c->path, p->name, what);
	else
		say(c->run, true, "%s%s%s%s: %s", c->vm[0] ? "vm " : "", c->vm,
		    c->vm[0] ? ": " : "", c->path, what);
}

static u32 min3(u32 a, u32 b, u32 c)
{
	return MIN(a, MIN(b, c));
}

/* Levenshtein distance of two short names (longer ones are never typos of each other). */
static u32 distance(const char *a, const char *b)
{
	u32 row[64], la = (u32)strlen(a), lb = (u32)strlen(b), i, j, diag, up;

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return ~0u;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	return row[lb];
}

const char *config_nearest(const char *s, const char *const *names, u32 n)
{
	const char *best = NULL;
	u32 i, d, best_d = ~0u, limit = MAX(1u, MIN(2u, (u32)strlen(s) / 3));

	for (i = 0; i < n; i++) {
		d = distance(s, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* ---- one property against its row ---- */

static bool string_ok(const u8 *val, u32 len)
{
	return len && val[len - 1] == '\0' && strlen((const char *)val) == len - 1;
}

static bool type_ok(struct config_check *c, const struct config_prop *p, const u8 *val, u32 len)
{
	switch (p->type) {
	case CT_FLAG:
		if (!len)
			return true;
		check_error(c, p, "is a flag and takes no value (it has %u bytes)", len);
		return false;
	case CT_U32:
		if (len == 4)
			return true;
		check_error(c, p, "must be one 32-bit cell, not %u bytes", len);
		return false;
	case CT_U32_LIST:
		if (len && !(len % 4))
			return true;
		check_error(c, p, "must be one or more 32-bit cells, not %u bytes", len);
		return false;
	case CT_ADDR:
		if (len == 4 || len == 8)
			return true;
		check_error(c, p, "must be an address of one or two cells, not %u bytes", len);
		return false;
	case CT_RANGES:
		if (len && !(len % 16))
			return true;
		check_error(c, p, "must be (address, size) pairs of two cells each, not %u bytes",
			    len);
		return false;
	case CT_STRING:
		if (string_ok(val, len))
			return true;
		check_error(c, p, "must be one string");
		return false;
	case CT_BYTES:
		if (len)
			return true;
		check_error(c, p, "is empty");
		return false;
	default:
		return true;	/* CT_REG: the device walk knows the cells */
	}
}

static void choice_ok(struct config_check *c, const struct config_prop *p, const char *s)
{
	const char *near;
	char list[96] = "";
	u32 i, n = 0;

	for (i = 0; p->choices[i]; i++) {
		if (!strcmp(s, p->choices[i]))
			return;
		n++;
	}
	if (!n)
		return;
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
			 i == 0 ? "" : i == n - 1 ? " or " : ", ", p->choices[i]);
	near = config_nearest(s, p->choices, n);
	if (near)
		check_error(c, p, "is \"%s\", not %s (did you mean \"%s\"?)", s, list, near);
	else
		check_error(c, p, "is \"%s\", not %s", s, list);
}

static const struct config_prop *find_row(const struct config_node_kind *k, const char *name)
{
	u32 i;

	for (i = 0; i < k->nr_props; i++)
		if (!strcmp(k->props[i].name, name))
			return &k->props[i];
	return NULL;
}

static void unknown_prop(struct config_check *c, const struct config_node_kind *k,
			 const char *name)
{
	const char *names[32], *near;
	u32 i, n = 0;

	for (i = 0; i < k->nr_props && n < ARRAY_SIZE(names); i++)
		if (k->props[i].arch & config_check_arch(c))
			names[n++] = k->props[i].name;
	near = config_nearest(name, names, n);
	if (near)
		check_error(c, NULL, "unknown property '%s' (did you mean '%s'?)", name, near);
	else
		check_error(c, NULL, "unknown property '%s'", name);
}

/* Every property of @node in file order against @k's rows, then the required ones. */
static void check_props(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct fdt *fdt = c->run->fdt;
	const struct config_prop *p;
	const char *name;
	const void *val;
	u32 len, i;
	int prop;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		if (fdt_prop_at(fdt, prop, &name, &val, &len))
			continue;
		p = find_row(k, name);
		if (!p) {
			unknown_prop(c, k, name);
			continue;
		}
		if (!(p->arch & config_check_arch(c))) {
			check_error(c, p, "is for %s VMs only", arch_name(p->arch));
			continue;
		}
		if (!type_ok(c, p, val, len))
			continue;
		if (p->type == CT_STRING && p->choices)
			choice_ok(c, p, val);
		if (p->check)
			p->check(c, p, val, len);
	}
	for (i = 0; i < k->nr_props; i++)
		if (k->props[i].required && fdt_prop(fdt, node, k->props[i].name, NULL, NULL))
			check_error(c, &k->props[i], "is missing");
}

void config_check_node_props(struct config_check *c, int node, const struct config_node_kind *k)
{
	check_props(c, node, k);
}

/* ---- places: RAM, devices and vGIC frames must not overlap ---- */

static void range_text(char *buf, size_t n, u64 base, u64 size)
{
	snprintf(buf, n, "0x%llx-0x%llx", base, base + (size - 1));
}

static void ram_text(const struct config_check *c, char *buf, size_t n)
{
	u32 i;

	buf[0] = '\0';
	for (i = 0; i < c->nr_ram; i++) {
		size_t at = strlen(buf);

		if (i)
			snprintf(buf + at, n - at, ", ");
		at = strlen(buf);
		range_text(buf + at, n - at, c->ram[i].base, c->ram[i].size);
	}
	if (!c->nr_ram)
		snprintf(buf, n, "none");
}

/* Claims [base, base+size) for @what; reports the first thing it meets. */
static void claim(struct config_check *c, const struct config_prop *p, bool io_port, u64 base,
		  u64 size, const char *what)
{
	char mine[48], other[48];
	u32 i;

	range_text(mine, sizeof(mine), base, size);
	for (i = 0; config_check_arch(c) == CONFIG_X86_64 && i < config_x86_nr_platform; i++) {
		const struct config_fixed_window *w = &config_x86_platform[i];

		if (w->io_port == io_port && ranges_overlap(base, size, w->base, w->size)) {
			range_text(other, sizeof(other), w->base, w->size);
			check_error(c, p, "puts %s at %s, which overlaps %s at %s (every x86 VM "
				    "has it)", what, mine, w->what, other);
			return;
		}
	}
	for (i = 0; !io_port && i < c->nr_ram; i++) {
		if (ranges_overlap(base, size, c->ram[i].base, c->ram[i].size)) {
			range_text(other, sizeof(other), c->ram[i].base, c->ram[i].size);
			check_error(c, p, "puts %s at %s, which overlaps the VM's RAM %s", what,
				    mine, other);
			return;
		}
	}
	for (i = 0; i < c->nr_win; i++) {
		const struct config_window *w = &c->win[i];

		if (w->io_port == io_port && ranges_overlap(base, size, w->base, w->size)) {
			range_text(other, sizeof(other), w->base, w->size);
			check_error(c, p, "puts %s at %s, which overlaps %s at %s", what, mine,
				    w->what, other);
			return;
		}
	}
	if (c->nr_win == CONFIG_MAX_WINDOWS) {
		check_error(c, p, "puts %s beyond the %u devices a VM may have", what,
			    CONFIG_MAX_WINDOWS);
		return;
	}
	c->win[c->nr_win++] = (struct config_window){ .base = base, .size = size,
						      .io_port = io_port };
	strlcpy(c->win[c->nr_win - 1].what, what, sizeof(c->win[0].what));
}

void config_claim_guest(struct config_check *c, const struct config_prop *p, bool io_port,
			u64 base, u64 size, const char *what)
{
	claim(c, p, io_port, base, size, what);
}

const struct config_prop *config_find_row(const struct config_node_kind *k, const char *name)
{
	return find_row(k, name);
}

/*
 * arm64: the vGIC's frames, at their defaults unless the VM moves them;
 * and room for the guest's DTB, which takes the last 2 MiB of the first
 * RAM range.
 */
static void check_arm64_vm(struct config_check *c, int node)
{
	const struct config_prop *dp = find_row(&config_vm_kind, "gic-distributor");
	const struct config_prop *rp = find_row(&config_vm_kind, "gic-redistributor");
	u64 dist = CONFIG_VGIC_DEFAULT_DIST, redist = CONFIG_VGIC_DEFAULT_REDIST;
	char what[64];

	fdt_prop_uint(c->run->fdt, node, "gic-distributor", &dist);
	fdt_prop_uint(c->run->fdt, node, "gic-redistributor", &redist);
	claim(c, dp, false, dist, VGIC_DIST_SIZE, "the vGIC distributor");
	snprintf(what, sizeof(what), "the vGIC redistributors (%u vCPU%s)", MAX(c->nr_vcpus, 1u),
		 c->nr_vcpus > 1 ? "s" : "");
	claim(c, rp, false, redist, VGIC_REDIST_SIZE * MAX(c->nr_vcpus, 1u), what);
	if (c->nr_ram && !c->ram_bad && c->ram[0].size < 2 * DTB_SLOT)
		check_error(c, find_row(&config_vm_kind, "memory"), "gives a first range of 0x%llx "
			    "bytes; it needs 4 MiB at least (the guest's DTB takes its last 2 MiB)",
			    c->ram[0].size);
}

/* ---- devices ---- */

static const struct config_node_kind *device_kind(const char *compat)
{
	u32 i;

	for (i = 0; i < config_nr_device_kinds; i++)
		if (!strcmp(config_device_kinds[i].name, compat))
			return &config_device_kinds[i];
	return NULL;
}

static void unknown_device(struct config_check *c, const char *compat)
{
	const struct config_prop p = { .name = "compatible" };
	const char *names[16], *near;
	u32 i, n = 0;

	for (i = 0; i < config_nr_device_kinds && n < ARRAY_SIZE(names); i++)
		if (config_device_kinds[i].arch & config_check_arch(c))
			names[n++] = config_device_kinds[i].name;
	near = config_nearest(compat, names, n);
	if (near)
		check_error(c, &p, "is \"%s\", which no device model has (did you mean \"%s\"?)",
			    compat, near);
	else
		check_error(c, &p, "is \"%s\", which no device model has (see docs/config.md)",
			    compat);
}

static void device_irq(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct config_prop *p = find_row(k, "interrupts");
	u32 irq, max = config_check_arch(c) == CONFIG_ARM64 ? ARM64_SPIS : ISA_IRQS;

	if (!p || fdt_prop_u32(c->run->fdt, node, "interrupts", &irq))
		return;
	if (irq >= max)
		check_error(c, p, "is %u; %s lines are 0-%u", irq,
			    max == ISA_IRQS ? "ISA IRQ" : "SPI", max - 1);
}

/* Where the device is: exactly one of "io-port" and "reg", within its space. */
static void device_place(struct config_check *c, int node, const struct config_node_kind *k)
{
	const struct fdt *fdt = c->run->fdt;
	const struct config_prop *port_p = find_row(k, "io-port"), *reg_p = find_row(k, "reg");
	bool has_port = !fdt_prop(fdt, node, "io-port", NULL, NULL);
	bool has_reg = !fdt_prop(fdt, node, "reg", NULL, NULL);
	char what[CONFIG_PATH_MAX + 16];
	const u8 *val;
	u32 port, len, cells = c->addr_cells + c->size_cells;
	u64 base, size;

	snprintf(what, sizeof(what), "device '%s'", c->path);
	if (has_port && has_reg) {
		check_error(c, NULL, "has both 'io-port' and 'reg'; give one");
	} else if (!has_port && !has_reg) {
		check_error(c, NULL, "needs %s", k->io_port_ok ? "'io-port' or 'reg'" : "'reg'");
	} else if (has_port) {
		if (!k->io_port_ok) {
			check_error(c, port_p, "cannot place a \"%s\", which is memory-mapped: "
				    "give 'reg'", k->name);
		} else if (!fdt_prop_u32(fdt, node, "io-port", &port)) {
			if (port > 0x10000 - k->size)
				check_error(c, port_p, "is %#x; the device's %llu ports must "
					    "end at 0xffff or below", port, k->size);
			else
				claim(c, port_p, true, port, k->size, what);
		}
	} else if (!fdt_prop(fdt, node, "reg", (const void **)&val, &len)) {
		if (len != 4 * cells) {
			check_error(c, reg_p, "must be %u cells (#address-cells %u and "
				    "#size-cells %u of 'devices'), not %u bytes", cells,
				    c->addr_cells, c->size_cells, len);
			return;
		}
		base = c->addr_cells == 2 ? config_be64(val) : config_be32(val);
		size = c->size_cells == 2 ? config_be64(val + 4 * c->addr_cells) :
		       c->size_cells == 1 ? config_be32(val + 4 * c->addr_cells) : k->size;
		if (size < k->size)
			check_error(c, reg_p, "gives 0x%llx bytes; a \"%s\" takes 0x%llx", size,
				    k->name, k->size);
		else if (base + (k->size - 1) < base)
			check_error(c, reg_p, "is 0x%llx, where the device would wrap around",
				    base);
		else
			claim(c, reg_p, false, base, k->size, what);
	}
}

/* One UART in the whole configuration gets the console's keys: two would steal bytes. */
static void device_console_input(struct config_check *c, int node,
				 const struct config_node_kind *k)
{
	const struct config_prop *p = find_row(k, "console-input");
	char *owner = c->run->console_input;

	if (!p || fdt_prop(c->run->fdt, node, "console-input", NULL, NULL))
		return;
	if (owner[0])
		check_error(c, p, "is given twice; %s has it already", owner);
	else
		snprintf(owner, sizeof(c->run->console_input), "vm %s's device '%s'", c->vm,
			 c->path);
}

static void check_device(struct config_check *c, int node)
{
	const struct config_node_kind *k;
	const char *compat;
	u32 before = c->errors;

	if (fdt_prop_string(c->run->fdt, node, "compatible", &compat) < 0) {
		check_error(c, NULL, "property 'compatible' is missing (it names the device "
			    "model)");
		return;
	}
	k = device_kind(compat);
	if (!k) {
		unknown_device(c, compat);
		return;
	}
	if (!(k->arch & config_check_arch(c))) {
		check_error(c, NULL, "a \"%s\" is for %s VMs only", compat, arch_name(k->arch));
		return;
	}
	check_props(c, node, k);
	if (c->errors != before || !fdt_is_enabled(c->run->fdt, node))
		return;
	/* Not a model of the VMM: it places itself, and takes no VMM device slot. */
	if (k->check_node) {
		k->check_node(c, node, k);
		return;
	}
	if (++c->nr_devices > VMM_MAX_DEVICES) {
		check_error(c, NULL, "is device %u; a VM has at most %u", c->nr_devices,
			    VMM_MAX_DEVICES);
		return;
	}
	device_place(c, node, k);
	device_irq(c, node, k);
	device_console_input(c, node, k);
}

/* Appends "/name" of @node to the path; returns the old length to restore. */
static size_t path_push(struct config_check *c, int node)
{
	size_t old = strlen(c->path);
	const char *name = "?";
	int n = fdt_node_name(c->run->fdt, node, &name);

	snprintf(c->path + old, sizeof(c->path) - old, "/%.*s", n < 0 ? 1 : n, name);
	return old;
}

static void check_devices(struct config_check *c, int node)
{
	const struct fdt *fdt = c->run->fdt;
	u32 v;
	int d;
	size_t old;

	check_props(c, node, &config_devices_kind);
	c->addr_cells = fdt_prop_u32(fdt, node, "#address-cells", &v) || v > 2 ? 2 : v;
	c->size_cells = fdt_prop_u32(fdt, node, "#size-cells", &v) || v > 2 ? 1 : v;
	for (d = fdt_first_subnode(fdt, node); d >= 0; d = fdt_next_subnode(fdt, d)) {
		old = path_push(c, d);
		check_device(c, d);
		c->path[old] = '\0';
	}
}

/* ---- the kernel ---- */

/* The bytes of "image"/"initrd" or of the boot module "module"/"initrd-module" names. */
static bool kernel_blob(const struct fdt *fdt, int k, const struct boot_info *bi,
			const char *prop, const char *mod_prop, const void **data, u64 *size)
{
	const struct boot_module *m;
	const char *s;
	u32 len;

	if (!fdt_prop(fdt, k, prop, data, &len)) {
		*size = len;
		return true;
	}
	if (fdt_prop_string(fdt, k, mod_prop, &s) < 0 || !bi)
		return false;
	m = boot_info_find_module(bi, s);
	if (!m)
		return false;
	*data = (const void *)(uintptr_t)m->base;
	*size = m->size;
	return true;
}

/* The 'mb-module' nodes' bytes, in file order; false if one names none that can be read. */
static bool kernel_modules(const struct fdt *fdt, int k, const struct boot_info *bi,
			   struct load_params *p)
{
	struct loader_module *m;
	int n;

	for (n = fdt_first_subnode(fdt, k); n >= 0 && p->nr_modules < LOADER_MAX_MODULES;
	     n = fdt_next_subnode(fdt, n)) {
		m = &p->modules[p->nr_modules++];
		if (!kernel_blob(fdt, n, bi, "image", "module", &m->data, &m->size))
			return false;
		m->cmdline = "";
		fdt_prop_string(fdt, n, "cmdline", &m->cmdline);
	}
	return true;
}

bool config_kernel_params(const struct fdt *fdt, int k, const struct boot_info *bi, u32 arch,
			  struct load_params *p)
{
	const char *fmt;

	*p = (struct load_params){ .arch = arch, .cmdline = "" };
	if (fdt_prop_string(fdt, k, "format", &fmt) < 0 || loader_parse_format(fmt, &p->format) ||
	    !kernel_blob(fdt, k, bi, "image", "module", &p->image, &p->size))
		return false;
	if (!kernel_blob(fdt, k, bi, "initrd", "initrd-module", &p->initrd, &p->initrd_size))
		p->initrd_size = 0;
	fdt_prop_uint(fdt, k, "load-address", &p->load_addr);
	fdt_prop_uint(fdt, k, "entry", &p->entry);
	fdt_prop_string(fdt, k, "cmdline", &p->cmdline);
	return p->format != IMAGE_MULTIBOOT || kernel_modules(fdt, k, bi, p);
}

/* Properties that make sense with some formats only. */
static void kernel_combinations(struct config_check *c, int k, u32 format, const char *fmt)
{
	const struct fdt *fdt = c->run->fdt;
	bool image = !fdt_prop(fdt, k, "image", NULL, NULL);
	bool module = !fdt_prop(fdt, k, "module", NULL, NULL);
	bool initrd = !fdt_prop(fdt, k, "initrd", NULL, NULL);
	bool initrd_mod = !fdt_prop(fdt, k, "initrd-module", NULL, NULL);

	if (!image && !module)
		check_error(c, NULL, "needs property 'image' or 'module'");
	if (image && module)
		check_error(c, NULL, "has both 'image' and 'module'; give one");
	if (initrd && initrd_mod)
		check_error(c, NULL, "has both 'initrd' and 'initrd-module'; give one");
	if ((initrd || initrd_mod) && format != IMAGE_LINUX)
		check_error(c, find_row(&config_kernel_kind, initrd ? "initrd" : "initrd-module"),
			    "is for format \"linux\" only, not \"%s\"", fmt);
	if (!fdt_prop(fdt, k, "entry", NULL, NULL) && format != IMAGE_FLAT)
		check_error(c, find_row(&config_kernel_kind, "entry"),
			    "is for format \"flat\" only; a \"%s\" image gives its own entry", fmt);
	if (!fdt_prop(fdt, k, "load-address", NULL, NULL) &&
	    (format == IMAGE_ELF || format == IMAGE_MULTIBOOT))
		check_error(c, find_row(&config_kernel_kind, "load-address"),
			    "is for formats \"flat\" and \"linux\" only; a \"%s\" image says where "
			    "it goes", fmt);
	else if (!fdt_prop(fdt, k, "load-address", NULL, NULL) && format == IMAGE_LINUX &&
		 config_check_arch(c) == CONFIG_X86_64)
		check_error(c, find_row(&config_kernel_kind, "load-address"),
			    "is for arm64 \"linux\" only; a bzImage goes where its header says");
}

/* arm64: the DTB goes in the last 2 MiB of the first RAM range, above the image and initrd. */
static void check_dtb_slot(struct config_check *c, const struct config_prop *p, u64 end,
			   u64 initrd_size)
{
	u64 slot;

	if (!c->nr_ram || c->ram[0].size < 2 * DTB_SLOT)
		return;
	slot = c->ram[0].base + c->ram[0].size - DTB_SLOT;
	if (end > slot)
		check_error(c, p, "ends at 0x%llx, above 0x%llx where the guest's DTB goes (the "
			    "last 2 MiB of the first RAM range)", end - 1, slot);
	else if (initrd_size > slot - end)
		check_error(c, find_row(&config_kernel_kind, "initrd"), "has 0x%llx bytes; only "
			    "0x%llx fit between the image's end and the guest's DTB", initrd_size,
			    slot - end);
}

/* The dry run of the loader: the image is judged by the code that will load it. */
static void check_image(struct config_check *c, int k, u32 format, const char *fmt)
{
	const struct config_prop *img = find_row(&config_kernel_kind, "image");
	const struct config_prop *at = find_row(&config_kernel_kind, "load-address");
	const struct loader_error *e;
	struct load_params p;
	char ram[96];
	int r;

	if (!config_kernel_params(c->run->fdt, k, c->run->env->bi, config_check_arch(c), &p))
		return;
	if (fdt_prop(c->run->fdt, k, "image", NULL, NULL))
		img = find_row(&config_kernel_kind, "module");
	r = loader_check(&p, c->ram, c->nr_ram);
	e = loader_last_error();
	ram_text(c, ram, sizeof(ram));
	if (r && e->size && (format == IMAGE_FLAT ||
			     (format == IMAGE_LINUX && config_check_arch(c) == CONFIG_ARM64)))
		check_error(c, at, "puts the image (%llu bytes) at 0x%llx-0x%llx, outside the VM's "
			    "RAM (%s)", p.size, e->gpa, e->gpa + (e->size - 1), ram);
	else if (r && e->size)
		check_error(c, img, "(format \"%s\", %llu bytes) needs guest bytes "
			    "0x%llx-0x%llx, outside the VM's RAM (%s)", fmt, p.size, e->gpa,
			    e->gpa + (e->size - 1), ram);
	else if (r)
		check_error(c, img, "(%llu bytes) cannot be loaded as \"%s\": %s", p.size, fmt,
			    e->why ? e->why : "refused by the loader");
	else if (config_check_arch(c) == CONFIG_ARM64)
		check_dtb_slot(c, format == IMAGE_LINUX || format == IMAGE_FLAT ? at : img,
			       loader_image_end(), p.initrd_size);
}

static bool is_mb_module(const char *name, int len)
{
	return len >= 9 && !strncmp(name, "mb-module", 9) && (len == 9 || name[9] == '@');
}

/* One 'mb-module' node: its rows, and its bytes given once. */
static void check_mb_module(struct config_check *c, int n, u32 nr, bool multiboot,
			    const char *fmt)
{
	const struct fdt *fdt = c->run->fdt;
	bool image = !fdt_prop(fdt, n, "image", NULL, NULL);
	bool module = !fdt_prop(fdt, n, "module", NULL, NULL);

	if (!multiboot) {
		check_error(c, NULL, "is a multiboot module; a \"%s\" kernel takes none", fmt);
		return;
	}
	if (nr == LOADER_MAX_MODULES) {
		check_error(c, NULL, "is module %u; a kernel takes at most %u", nr + 1,
			    LOADER_MAX_MODULES);
		return;
	}
	check_props(c, n, &config_mb_module_kind);
	if (!image && !module)
		check_error(c, NULL, "needs property 'image' or 'module'");
	if (image && module)
		check_error(c, NULL, "has both 'image' and 'module'; give one");
}

/* The kernel's subnodes: multiboot modules, in file order. */
static void check_kernel_subnodes(struct config_check *c, int k, u32 format, const char *fmt)
{
	const struct fdt *fdt = c->run->fdt;
	static const char *const known[] = { "mb-module" };
	const char *name, *near;
	u32 nr = 0;
	size_t old;
	int n, len;

	for (n = fdt_first_subnode(fdt, k); n >= 0; n = fdt_next_subnode(fdt, n)) {
		len = fdt_node_name(fdt, n, &name);
		old = path_push(c, n);
		if (len >= 0 && is_mb_module(name, len)) {
			check_mb_module(c, n, nr++, format == IMAGE_MULTIBOOT, fmt);
		} else {
			near = config_nearest(c->path + old + 1, known, ARRAY_SIZE(known));
			if (near)
				check_error(c, NULL, "unknown node (did you mean '%s'?)", near);
			else
				check_error(c, NULL, "unknown node: a kernel holds 'mb-module' "
					    "nodes only");
		}
		c->path[old] = '\0';
	}
}

static void check_kernel(struct config_check *c, int k)
{
	const char *fmt;
	u32 format, before = c->errors;

	check_props(c, k, &config_kernel_kind);
	if (fdt_prop_string(c->run->fdt, k, "format", &fmt) < 0 ||
	    !config_format_ok(config_check_arch(c), fmt) || loader_parse_format(fmt, &format))
		return;
	kernel_combinations(c, k, format, fmt);
	check_kernel_subnodes(c, k, format, fmt);
	/*
	 * A kernel that is wrong on its own, or a VM whose RAM is, is not
	 * loaded: the errors already said say enough, a cascade would not help.
	 */
	if (c->errors == before && !c->ram_bad && c->nr_ram)
		check_image(c, k, format, fmt);
}

/* ---- VMs and the root ---- */

static void unknown_node(struct config_check *c, const char *name)
{
	static const char *const known[] = { "kernel", "devices" };
	const char *near = config_nearest(name, known, ARRAY_SIZE(known));

	if (near)
		check_error(c, NULL, "unknown node (did you mean '%s'?)", near);
	else
		check_error(c, NULL, "unknown node: a VM holds 'kernel' and 'devices' only");
}

static void check_vm_subnodes(struct config_check *c, int node)
{
	const struct fdt *fdt = c->run->fdt;
	const char *name;
	bool kernel = false;
	size_t old;
	int sub, n;

	for (sub = fdt_first_subnode(fdt, node); sub >= 0; sub = fdt_next_subnode(fdt, sub)) {
		n = fdt_node_name(fdt, sub, &name);
		old = path_push(c, sub);
		if (n == 6 && !strncmp(name, "kernel", 6)) {
			kernel = true;
			check_kernel(c, sub);
		} else if (n == 7 && !strncmp(name, "devices", 7)) {
			check_devices(c, sub);
		} else {
			unknown_node(c, c->path + old + 1);
		}
		c->path[old] = '\0';
	}
	if (!kernel)
		check_error(c, NULL, "node 'kernel' is missing");
}

void config_check_start(struct config_check_run *run, const struct config_env *env,
			const struct fdt *fdt)
{
	memset(run, 0, sizeof(*run));
	run->env = env;
	run->fdt = fdt;
}

u32 config_check_vm(struct config_check_run *run, int node)
{
	struct config_check *c = &run->vm;
	const char *name = "?";
	int n = fdt_node_name(run->fdt, node, &name);

	memset(c, 0, sizeof(*c));
	c->run = run;
	c->node = node;
	snprintf(c->vm, sizeof(c->vm), "%.*s", n < 0 ? 1 : n, name);
	if (strchr(c->vm, '@'))
		*strchr(c->vm, '@') = '\0';
	path_push(c, node);
	if (++run->nr_vms > CONFIG_MAX_VMS) {
		check_error(c, NULL, "is VM %u; at most %u VMs can be configured", run->nr_vms,
			    CONFIG_MAX_VMS);
		return c->errors;
	}
	check_props(c, node, &config_vm_kind);
	if (config_check_arch(c) == CONFIG_ARM64)
		check_arm64_vm(c, node);
	check_vm_subnodes(c, node);
	config_check_vm_channels(c);
	return c->errors;
}

u32 config_check_root(struct config_check_run *run)
{
	struct config_check *c = &run->vm;

	memset(c, 0, sizeof(*c));
	c->run = run;
	strlcpy(c->path, "/", sizeof(c->path));
	check_props(c, fdt_root(run->fdt), &config_root_kind);
	config_check_channels(run);
	return c->errors;
}

const char *config_blob_error(int err)
{
	switch (err) {
	case -ENOEXEC:
		return "no devicetree magic (compile the .dts with dtc -O dtb)";
	case -EOVERFLOW:
		return "truncated: shorter than its header says";
	case -EOPNOTSUPP:
		return "a devicetree version other than 17";
	default:
		return "its structure is malformed";
	}
}
