/*
 * Inter-VM channels (include/core/channel.h): shared pages mapped into
 * the endpoint VMs, and doorbells between them.
 *
 * Each channel's lock protects its endpoints' states and VM pointers.
 * A doorbell holds it while it raises the peer's interrupt, and the VMM
 * takes it to put a VM offline (before a restart) or gone (before it is
 * destroyed): so no ring can reach an interrupt controller that is being
 * reset or freed. The lock is never held with a VM's own lock.
 */
#include <core/arch.h>
#include <core/channel.h>
#include <core/console.h>
#include <core/config_check.h>
#include <core/page_alloc.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/spinlock.h>
#include <lib/string.h>

enum endpoint_state {
	EP_OFFLINE,	/* its VM is not past the barrier: not started, or restarting */
	EP_ONLINE,	/* its VM runs: it can be rung */
	EP_GONE,	/* its VM has ended, or never existed: for good */
};

struct channel_endpoint {
	struct vm *vm;
	u32 irq;	/* CHANNEL_NO_IRQ, or the interrupt a ring raises in @vm */
	u32 state;
};

struct channel {
	char name[VM_NAME_MAX];
	spinlock_t lock;
	void *mem;
	u64 size;
	u32 nr_endpoints;
	u32 users;	/* endpoints not yet gone: the last one frees @mem */
	struct channel_endpoint ep[CHANNEL_MAX_ENDPOINTS];
};

static struct channel channels[CHANNEL_MAX];
static u32 nr_channels;

u32 channel_count(void)
{
	return nr_channels;
}

void *channel_memory(u32 id, u64 *size)
{
	if (id >= nr_channels)
		return NULL;
	*size = channels[id].size;
	return channels[id].mem;
}

static struct vm *find_vm(const char *name)
{
	struct vm *vm;
	u32 i;

	for (i = 0; i < vmm_nr_vms(); i++) {
		vm = vmm_vm(i);
		if (vm && !strcmp(vm->name, name))
			return vm;
	}
	return NULL;
}

/* The endpoint's VM takes the channel as a region of its map, or is marked DEAD. */
static void attach(struct channel *ch, struct channel_endpoint *ep, const struct fdt *fdt,
		   int node, const char *vm_name)
{
	struct vm *vm = find_vm(vm_name);
	const char *access = "read-only";
	struct vm_region r = {
		.size = ch->size, .kind = VM_REGION_SHARED, .name = ch->name, .hva = ch->mem,
	};
	char why[VM_REASON_MAX];
	int err;

	ep->state = EP_GONE;
	ep->irq = CHANNEL_NO_IRQ;
	/* A VM the check refused is DEAD already: it never runs, nobody may ring it. */
	if (!vm || vm_state(vm) != VM_CREATED)
		return;
	fdt_prop_uint(fdt, node, "address", &r.gpa);
	fdt_prop_string(fdt, node, "access", &access);
	fdt_prop_u32(fdt, node, "interrupt", &ep->irq);
	r.read_only = strcmp(access, "read-write") != 0;
	err = vm_add_region(vm, &r);
	if (err) {
		snprintf(why, sizeof(why), "channel '%s': its region does not fit in the VM's map "
			 "(%s)", ch->name, errno_name(err));
		vm_mark_dead(vm, why);
		return;
	}
	ep->vm = vm;
	ep->state = EP_OFFLINE;
	ch->users++;
}

/* The endpoints' VMs die with the channel: without it they could not work. */
static void no_memory(struct channel *ch, const struct fdt *fdt, int node)
{
	char why[VM_REASON_MAX];
	const char *name;
	struct vm *vm;
	int e, n;

	snprintf(why, sizeof(why), "channel '%s': no memory for its 0x%llx bytes", ch->name,
		 ch->size);
	for (e = fdt_first_subnode(fdt, node); e >= 0; e = fdt_next_subnode(fdt, e)) {
		n = fdt_node_name(fdt, e, &name);
		vm = find_vm(n < 0 ? "" : name);
		if (vm)
			vm_mark_dead(vm, why);
	}
}

static void build(struct channel *ch, const struct fdt *fdt, int node, bool refused)
{
	char vm_name[VM_NAME_MAX];
	const char *name = "?";
	int e, n = fdt_node_name(fdt, node, &name);

	strlcpy_bounded(ch->name, sizeof(ch->name), name, (size_t)MAX(n, 0));
	spin_lock_init(&ch->lock);
	fdt_prop_uint(fdt, node, "size", &ch->size);
	if (refused || !ch->size)
		return;
	ch->mem = page_alloc_contig(ch->size >> PAGE_SHIFT, PAGE_SIZE);
	if (!ch->mem) {
		no_memory(ch, fdt, node);
		return;
	}
	for (e = fdt_first_subnode(fdt, node); e >= 0 && ch->nr_endpoints < CHANNEL_MAX_ENDPOINTS;
	     e = fdt_next_subnode(fdt, e)) {
		n = fdt_node_name(fdt, e, &name);
		strlcpy_bounded(vm_name, sizeof(vm_name), name, (size_t)MAX(n, 0));
		attach(ch, &ch->ep[ch->nr_endpoints++], fdt, e, vm_name);
	}
	if (!ch->users) {
		page_free_contig(ch->mem, ch->size >> PAGE_SHIFT);
		ch->mem = NULL;
	}
}

int channel_load(const struct fdt *fdt, u32 refused)
{
	int node = fdt_subnode(fdt, fdt_root(fdt), CHANNELS_NODE, strlen(CHANNELS_NODE)), c;
	u32 built = 0;

	nr_channels = 0;
	memset(channels, 0, sizeof(channels));
	if (node < 0)
		return 0;
	for (c = fdt_first_subnode(fdt, node); c >= 0 && nr_channels < CHANNEL_MAX;
	     c = fdt_next_subnode(fdt, c)) {
		struct channel *ch = &channels[nr_channels];

		build(ch, fdt, c, refused & BIT(nr_channels));
		nr_channels++;
		if (ch->mem) {
			built++;
			pr_info("channel %u '%s': 0x%llx bytes, %u endpoints\n", nr_channels - 1,
				ch->name, ch->size, ch->nr_endpoints);
		}
	}
	return (int)built;
}

/* Every endpoint of @vm, in every channel, to @state (under each channel's lock). */
static void set_state(struct vm *vm, u32 state)
{
	u32 c, e;

	for (c = 0; c < nr_channels; c++) {
		struct channel *ch = &channels[c];
		bool free_mem = false;

		spin_lock(&ch->lock);
		for (e = 0; e < ch->nr_endpoints; e++) {
			struct channel_endpoint *ep = &ch->ep[e];

			if (ep->vm != vm || ep->state == EP_GONE)
				continue;
			ep->state = state;
			if (state == EP_GONE) {
				ep->vm = NULL;
				free_mem = --ch->users == 0;
			}
		}
		spin_unlock(&ch->lock);
		/* The last endpoint is gone: no VM maps the pages any more. */
		if (free_mem) {
			page_free_contig(ch->mem, ch->size >> PAGE_SHIFT);
			ch->mem = NULL;
		}
	}
}

void channel_vm_online(struct vm *vm)
{
	set_state(vm, EP_ONLINE);
}

void channel_vm_offline(struct vm *vm)
{
	set_state(vm, EP_OFFLINE);
}

void channel_vm_gone(struct vm *vm)
{
	set_state(vm, EP_GONE);
}

/* The caller's endpoint in @ch, or -1: its VM pointer is only ever its own. */
static int endpoint_of(const struct channel *ch, const struct vm *vm)
{
	u32 e;

	for (e = 0; e < ch->nr_endpoints; e++)
		if (ch->ep[e].vm == vm)
			return (int)e;
	return -1;
}

static int ring_locked(struct channel *ch, struct vm *caller, u64 peer)
{
	const struct channel_endpoint *ep;
	int self = endpoint_of(ch, caller);

	if (self < 0)
		return -EPERM;
	if (peer >= ch->nr_endpoints || peer == (u64)self)
		return -EINVAL;
	ep = &ch->ep[peer];
	if (ep->state == EP_GONE)
		return -EPIPE;
	if (ep->irq == CHANNEL_NO_IRQ)
		return -ENXIO;
	if (ep->state == EP_OFFLINE)
		return -EAGAIN;
	return arch_vm_doorbell(ep->vm, ep->irq);
}

int channel_doorbell(struct vm *caller, u64 id, u64 peer)
{
	struct channel *ch;
	int r;

	if (id >= nr_channels)
		return -EINVAL;
	ch = &channels[id];
	spin_lock(&ch->lock);
	r = ring_locked(ch, caller, peer);
	spin_unlock(&ch->lock);
	return r;
}
