#ifndef CORE_HEAP_H
#define CORE_HEAP_H

#include <lib/types.h>

/*
 * Small-object allocator over the page allocator: power-of-two size
 * classes from 32 bytes to 2 KiB, whole pages above. Memory comes back
 * zeroed. For VM and vCPU objects and device state, all created while
 * VMs are built; nothing on an exit path allocates.
 */
void *kzalloc(size_t size);
void kfree(void *p);

#endif
