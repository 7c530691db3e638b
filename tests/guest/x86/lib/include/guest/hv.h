#ifndef GUEST_HV_H
#define GUEST_HV_H

#include <guest/x86.h>

/*
 * The hypervisor's guest interface (include/hv/run.h): the CPUID leaves
 * 0x40000000 ("microhv") and 0x40000001, and VMMCALL with the number in
 * RAX, arguments in RBX, RCX, RDX, RSI, RDI, R8 and the result in RAX.
 */
#define HV_CPUID_BASE		0x40000000u
#define HV_CPUID_FEATURES	0x40000001u
#define HV_HC_CONSOLE_WRITE	1
#define HV_HC_ENOSYS		((u64)-38)

/* True under a hypervisor that calls itself "microhv". */
bool hv_present(void);

static inline u64 hv_hypercall2(u64 nr, u64 a0, u64 a1)
{
	u64 ret;

	__asm__ __volatile__("vmmcall" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1) : "memory");
	return ret;
}

/* Prints @len bytes through HV_HC_CONSOLE_WRITE; returns what the hypervisor said. */
static inline u64 hv_console_write(const char *s, u64 len)
{
	return hv_hypercall2(HV_HC_CONSOLE_WRITE, (u64)(uintptr_t)s, len);
}

#endif
