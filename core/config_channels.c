/*
 * The check of the configuration's inter-VM channels (the top-level
 * "channels" node, include/core/channel.h), in two parts:
 *  - with the root (config_check_channels()): each channel on its own,
 *    its size and its endpoints, which must name configured VMs, each
 *    once, exactly one of them the writer. A channel with a mistake is
 *    refused (bit i of run->channel_refused);
 *  - with each VM (config_check_vm_channels()): the endpoints that name
 *    it, against the VM's own map (RAM, devices, vGIC frames, its other
 *    channels) and interrupts. A VM that is an endpoint of a refused
 *    channel is refused too: it would run without half of what it needs.
 */
#include <core/channel.h>
#include <core/config_check.h>
#include <lib/printf.h>
#include <lib/string.h>

#define PAGE_4K			0x1000ULL
#define CHANNEL_MAX_SIZE	0x4000000ULL	/* 64 MiB: pages the hypervisor gives at boot */
#define X86_DOORBELL_FIRST	CONFIG_X86_ISA_IRQS	/* IOAPIC pins 16-23: no ISA device's */
#define X86_DOORBELL_LAST	23

STATIC_ASSERT(CHANNEL_MAX <= 32, "channel_refused is a 32-bit mask");
STATIC_ASSERT(CHANNEL_MAX_ENDPOINTS >= CONFIG_MAX_VMS, "every VM may join a channel");

static void check_size(struct config_check *c, const struct config_prop *p, const u8 *val,
		       u32 len)
{
	u32 size = config_be32(val);

	if (!size || size & (PAGE_4K - 1) || size > CHANNEL_MAX_SIZE)
		check_error(c, p, "is 0x%x; a channel is whole 4 KiB pages, 0x1000 to 0x%llx bytes",
			    size, CHANNEL_MAX_SIZE);
}

static const struct config_prop channel_props[] = {
	{ "size", CT_U32, CONFIG_ANY_ARCH, true, NULL, check_size, NULL,
	  "the channel's bytes, zeroed at boot, mapped into every endpoint's VM",
	  "zero; not whole 4 KiB pages; above 64 MiB" },
};

static const char *const accesses[] = { "read-write", "read-only", NULL };

static const struct config_prop endpoint_props[] = {
	{ "address", CT_ADDR, CONFIG_ANY_ARCH, true, NULL, NULL, NULL,
	  "the guest-physical address of the channel in this VM",
	  "not 4 KiB aligned; overlapping the VM's RAM, a device, a vGIC frame or another "
	  "channel" },
	{ "access", CT_STRING, CONFIG_ANY_ARCH, false, accesses, NULL, "\"read-only\"",
	  "\"read-write\" for the channel's one writer; a reader's write is an access to "
	  "nothing (its 'unknown-access' policy; arm64 default: an external abort)",
	  "another value; no endpoint or two endpoints \"read-write\" (said of the channel)" },
	{ "interrupt", CT_U32, CONFIG_ANY_ARCH, false, NULL, NULL, "none: it cannot be rung",
	  "what a peer's doorbell raises in this VM: IOAPIC pin 16-23 on x86_64, SPI 0-95 "
	  "(INTID 32-127) on arm64",
	  "outside those; a line a device of the VM raises, or another endpoint's of the VM" },
};

const struct config_node_kind config_channels_kind = {
	.name = "channels", .arch = CONFIG_ANY_ARCH, .props = NULL, .nr_props = 0,
	.doc = "the root's node 'channels' (optional): one child per inter-VM channel, at most "
	       "8; a channel's id for HV_HC_DOORBELL is its place among them, from 0",
};

const struct config_node_kind config_channel_kind = {
	.name = "channel", .arch = CONFIG_ANY_ARCH, .props = channel_props,
	.nr_props = ARRAY_SIZE(channel_props),
	.doc = "a child of 'channels', named after the channel: shared memory between the VMs "
	       "its children name (2 to 8 endpoints, each VM once, exactly one \"read-write\"); "
	       "an endpoint's index for HV_HC_DOORBELL is its place, from 0",
};

const struct config_node_kind config_endpoint_kind = {
	.name = "endpoint", .arch = CONFIG_ANY_ARCH, .props = endpoint_props,
	.nr_props = ARRAY_SIZE(endpoint_props),
	.doc = "a child of a channel, named after a configured VM: where the channel is in that "
	       "VM and how it is rung (checked with the VM, which is refused on a mistake)",
};

/* @node's name without a unit address, into @buf. */
static void node_name(const struct fdt *fdt, int node, char *buf, size_t n)
{
	const char *name = "?";
	int len = fdt_node_name(fdt, node, &name);

	strlcpy_bounded(buf, n, name, (size_t)(len < 0 ? 1 : len));
	if (strchr(buf, '@'))
		*strchr(buf, '@') = '\0';
}

bool config_node_is_channels(const struct fdt *fdt, int node)
{
	char name[32];

	node_name(fdt, node, name, sizeof(name));
	return !strcmp(name, CHANNELS_NODE);
}

static int channels_node(const struct fdt *fdt)
{
	return fdt_subnode(fdt, fdt_root(fdt), CHANNELS_NODE, strlen(CHANNELS_NODE));
}

/* Whether the root has a VM node named @vm; else the closest name, for the message. */
static bool vm_configured(const struct fdt *fdt, const char *vm, const char **near)
{
	static char names[CONFIG_MAX_VMS + 4][32];
	const char *list[ARRAY_SIZE(names)];
	u32 n = 0;
	int node;

	for (node = fdt_first_subnode(fdt, fdt_root(fdt)); node >= 0;
	     node = fdt_next_subnode(fdt, node)) {
		if (config_node_is_channels(fdt, node) || n == ARRAY_SIZE(names))
			continue;
		node_name(fdt, node, names[n], sizeof(names[n]));
		if (!strcmp(names[n], vm))
			return true;
		list[n] = names[n];
		n++;
	}
	*near = config_nearest(vm, list, n);
	return false;
}

static void check_endpoint_names(struct config_check *c, int ch)
{
	const struct fdt *fdt = c->run->fdt;
	char seen[CHANNEL_MAX_ENDPOINTS][32], vm[32];
	const char *near, *access;
	size_t old = strlen(c->path);
	u32 n = 0, writers = 0, i;
	int e;

	for (e = fdt_first_subnode(fdt, ch); e >= 0; e = fdt_next_subnode(fdt, e)) {
		node_name(fdt, e, vm, sizeof(vm));
		snprintf(c->path + old, sizeof(c->path) - old, "/%s", vm);
		if (!vm_configured(fdt, vm, &near))
			check_error(c, NULL, "names VM '%s', which is not configured%s%s%s", vm,
				    near ? " (did you mean '" : "", near ? near : "",
				    near ? "'?)" : "");
		for (i = 0; i < n && i < CHANNEL_MAX_ENDPOINTS; i++)
			if (!strcmp(seen[i], vm))
				check_error(c, NULL, "names VM '%s' a second time", vm);
		if (n < CHANNEL_MAX_ENDPOINTS)
			strlcpy(seen[n], vm, sizeof(seen[n]));
		n++;
		if (fdt_prop_string(fdt, e, "access", &access) >= 0 &&
		    !strcmp(access, "read-write"))
			writers++;
	}
	c->path[old] = '\0';
	if (n < 2 || n > CHANNEL_MAX_ENDPOINTS)
		check_error(c, NULL, "has %u endpoint%s; a channel joins 2 to %u VMs", n,
			    n == 1 ? "" : "s", CHANNEL_MAX_ENDPOINTS);
	if (writers != 1)
		check_error(c, NULL, "has %u \"read-write\" endpoints; exactly one VM writes a "
			    "channel (the others read it)", writers);
}

/* One channel on its own: a mistake refuses it. */
static void check_channel(struct config_check *c, int ch, u32 idx)
{
	u32 before = c->errors;

	if (idx >= CHANNEL_MAX) {
		check_error(c, NULL, "is channel %u; at most %u can be configured", idx + 1,
			    CHANNEL_MAX);
		return;
	}
	config_check_node_props(c, ch, &config_channel_kind);
	check_endpoint_names(c, ch);
	if (c->errors != before)
		c->run->channel_refused |= BIT(idx);
}

void config_check_channels(struct config_check_run *run)
{
	struct config_check *c = &run->vm;
	const struct fdt *fdt = run->fdt;
	int node = channels_node(fdt), ch;
	size_t old;

	run->channel_refused = 0;
	run->nr_channels = 0;
	if (node < 0)
		return;
	strlcpy(c->path, "/" CHANNELS_NODE, sizeof(c->path));
	config_check_node_props(c, node, &config_channels_kind);
	for (ch = fdt_first_subnode(fdt, node); ch >= 0; ch = fdt_next_subnode(fdt, ch)) {
		old = strlen(c->path);
		snprintf(c->path + old, sizeof(c->path) - old, "/");
		node_name(fdt, ch, c->path + old + 1, sizeof(c->path) - old - 1);
		check_channel(c, ch, run->nr_channels++);
		c->path[old] = '\0';
	}
	strlcpy(c->path, "/", sizeof(c->path));
}

/*
 * The VM lines a device node raises: a passthrough device's
 * 'guest-interrupts' (default: its 'interrupts'), a model's 'interrupts'.
 */
static bool device_raises(const struct fdt *fdt, int d, u32 irq)
{
	const u8 *val;
	u32 len = 0, i;

	if (fdt_prop(fdt, d, "guest-interrupts", (const void **)&val, &len) &&
	    fdt_prop(fdt, d, "interrupts", (const void **)&val, &len))
		return false;
	for (i = 0; i < len / 4; i++)
		if (config_be32(val + 4 * i) == irq)
			return true;
	return false;
}

/*
 * Whether a device of the VM (under @vm_path) raises @irq, or (arm64)
 * 'passthrough-spis' has it: then @by names which.
 */
static bool line_taken(struct config_check *c, u32 irq, const char *vm_path, char *by, size_t n)
{
	const struct fdt *fdt = c->run->fdt;
	int devs = fdt_subnode(fdt, c->node, "devices", 7), d;
	char dev[32];
	const u8 *spis;
	u32 len = 0, i;

	for (d = devs < 0 ? -1 : fdt_first_subnode(fdt, devs); d >= 0;
	     d = fdt_next_subnode(fdt, d)) {
		if (fdt_is_enabled(fdt, d) && device_raises(fdt, d, irq)) {
			node_name(fdt, d, dev, sizeof(dev));
			snprintf(by, n, "device '%s/devices/%s'", vm_path, dev);
			return true;
		}
	}
	if (config_check_arch(c) != CONFIG_ARM64 ||
	    fdt_prop(fdt, c->node, "passthrough-spis", (const void **)&spis, &len))
		return false;
	for (i = 0; i < len / 4; i++) {
		if (config_be32(spis + 4 * i) == irq + 32) {
			snprintf(by, n, "'passthrough-spis' (INTID %u)", irq + 32);
			return true;
		}
	}
	return false;
}

/* The doorbell's line: in the arch's range, and the VM's for this endpoint alone. */
static void check_doorbell(struct config_check *c, int ep, const char *vm_path, u32 *taken,
			   u32 *nr_taken)
{
	const struct config_prop *p = &endpoint_props[2];
	bool arm64 = config_check_arch(c) == CONFIG_ARM64;
	char by[CONFIG_PATH_MAX + 32];
	u32 irq, i;

	if (fdt_prop_u32(c->run->fdt, ep, "interrupt", &irq))
		return;
	if (arm64 ? irq >= CONFIG_ARM64_SPIS :
		    irq < X86_DOORBELL_FIRST || irq > X86_DOORBELL_LAST) {
		check_error(c, p, arm64 ? "is %u; an arm64 doorbell is SPI 0-95 (INTID 32-127)" :
			    "is %u; an x86_64 doorbell is IOAPIC pin 16-23", irq);
		return;
	}
	for (i = 0; i < *nr_taken; i++) {
		if (taken[i] == irq) {
			check_error(c, p, "is %u, which another channel of the VM rings", irq);
			return;
		}
	}
	if (line_taken(c, irq, vm_path, by, sizeof(by)))
		check_error(c, p, "is %u, which %s raises", irq, by);
	else if (*nr_taken < CHANNEL_MAX)
		taken[(*nr_taken)++] = irq;
}

/* One endpoint of a channel that passed: its rows, its place in the map, its interrupt. */
static void check_endpoint(struct config_check *c, int ep, const char *channel, u64 size,
			   const char *vm_path, u32 *taken, u32 *nr_taken)
{
	const struct config_prop *p = &endpoint_props[0];
	char what[VM_NAME_MAX + 16];
	u64 gpa = 0;
	u32 before = c->errors;

	config_check_node_props(c, ep, &config_endpoint_kind);
	if (c->errors != before || fdt_prop_uint(c->run->fdt, ep, "address", &gpa))
		return;
	snprintf(what, sizeof(what), "channel '%s'", channel);
	if (gpa & (PAGE_4K - 1))
		check_error(c, p, "is 0x%llx, which is not 4 KiB aligned", gpa);
	else if (gpa + (size - 1) < gpa)
		check_error(c, p, "is 0x%llx, where the channel would wrap around", gpa);
	else
		config_claim_guest(c, p, false, gpa, size, what);
	check_doorbell(c, ep, vm_path, taken, nr_taken);
}

void config_check_vm_channels(struct config_check *c)
{
	const struct fdt *fdt = c->run->fdt;
	int node = channels_node(fdt), ch, ep;
	char vm_path[CONFIG_PATH_MAX], channel[32], vm[32];
	u32 idx = 0, size, taken[CHANNEL_MAX], nr_taken = 0;

	if (node < 0)
		return;
	strlcpy(vm_path, c->path, sizeof(vm_path));
	for (ch = fdt_first_subnode(fdt, node); ch >= 0 && idx < CHANNEL_MAX;
	     ch = fdt_next_subnode(fdt, ch), idx++) {
		node_name(fdt, ch, channel, sizeof(channel));
		for (ep = fdt_first_subnode(fdt, ch); ep >= 0; ep = fdt_next_subnode(fdt, ep)) {
			node_name(fdt, ep, vm, sizeof(vm));
			if (strcmp(vm, c->vm))
				continue;
			snprintf(c->path, sizeof(c->path), "/%s/%s/%s", CHANNELS_NODE, channel, vm);
			/* Once a channel: a VM named twice in it is the channel's mistake. */
			if (c->run->channel_refused & BIT(idx)) {
				check_error(c, NULL, "is an endpoint of channel '%s', which was "
					    "refused", channel);
				break;
			} else if (!fdt_prop_u32(fdt, ch, "size", &size))
				check_endpoint(c, ep, channel, size, vm_path, taken, &nr_taken);
		}
	}
	strlcpy(c->path, vm_path, sizeof(c->path));
}
