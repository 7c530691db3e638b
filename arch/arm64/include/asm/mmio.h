#ifndef ASM_MMIO_H
#define ASM_MMIO_H

#include <lib/types.h>

/*
 * Device registers through volatile pointers: the hypervisor maps its
 * devices Device-nGnRE, so accesses to one device stay in program order
 * without barriers. Ordering against normal memory (a mailbox written
 * before an SGI) needs an explicit DSB at the call site.
 */
static inline u32 mmio_read32(uintptr_t addr)
{
	return *(volatile u32 *)addr;
}

static inline u64 mmio_read64(uintptr_t addr)
{
	return *(volatile u64 *)addr;
}

static inline void mmio_write32(uintptr_t addr, u32 v)
{
	*(volatile u32 *)addr = v;
}

static inline void mmio_write64(uintptr_t addr, u64 v)
{
	*(volatile u64 *)addr = v;
}

#endif
