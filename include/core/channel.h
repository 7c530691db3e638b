#ifndef CORE_CHANNEL_H
#define CORE_CHANNEL_H

#include <core/vm.h>
#include <lib/compiler.h>
#include <lib/fdt.h>

/*
 * Inter-VM channels (core/channel.c): a region of memory declared once,
 * in the configuration's top-level "channels" node, mapped into two or
 * more VMs at the guest-physical address each endpoint names, read-write
 * for its one writer and read-only for its readers; and a doorbell, the
 * hypercall HV_HC_DOORBELL, that makes a peer's configured interrupt
 * pending. The hypervisor moves no data and imposes no layout: it maps
 * the pages and rings.
 *
 * A channel's id is its position among the children of "channels" (from
 * 0, in file order, refused channels included, so that ids never shift);
 * an endpoint's index is its position in its channel. Both are what the
 * guests are built with.
 */

#define CHANNELS_NODE		"channels"
#define CHANNEL_MAX		8
#define CHANNEL_MAX_ENDPOINTS	8
#define CHANNEL_NO_IRQ		(~0u)

/*
 * Builds every channel of the configuration once its VMs exist (after
 * config_load() created them, before any is finalized): allocates each
 * channel's pages and adds them to each endpoint's VM as a
 * VM_REGION_SHARED region. Channel i with bit i of @refused set was
 * refused by the check: it gets no memory and its doorbells answer
 * -EPIPE. A VM that cannot take its region is marked DEAD. Returns the
 * number of channels built.
 */
int channel_load(const struct fdt *fdt, u32 refused);

/*
 * The VMM's calls, around each VM's life: after vm_finalize() succeeded
 * (its peers may ring it), before vm_reset() (they get -EAGAIN until it
 * is online again), and before vm_destroy() (-EPIPE for good; the
 * channel's pages are freed with the last endpoint). Offline and gone
 * wait for a ring in flight to that VM to finish.
 */
void channel_vm_online(struct vm *vm);
void channel_vm_offline(struct vm *vm);
void channel_vm_gone(struct vm *vm);

/*
 * HV_HC_DOORBELL from @caller: rings endpoint @peer of channel @id.
 * 0, or -EINVAL (no channel @id, no endpoint @peer, or @peer is the
 * caller itself), -EPERM (the caller is no endpoint of channel @id),
 * -ENXIO (the peer has no interrupt), -EAGAIN (the peer is not running
 * now: not started yet, or restarting), -EPIPE (the peer has ended, or
 * was refused).
 */
int channel_doorbell(struct vm *caller, u64 id, u64 peer);

/* For tests and reports: how many channels exist, and channel @id's pages (NULL if refused). */
u32 channel_count(void);
void *channel_memory(u32 id, u64 *size);

#endif
