#ifndef GUEST_X86_H
#define GUEST_X86_H

/*
 * Processor helpers for test guests: port I/O, MSRs, CPUID, control
 * registers. Guests are separate programs from the hypervisor, so they
 * keep their own copy of these one-instruction wrappers instead of
 * reaching into arch/x86/include/asm/, whose contents follow the
 * hypervisor's needs.
 */

/*
 * Shared with crt0.S: the assembler has no ULL suffix, and C needs one so
 * that bit 31 does not sign-extend into a register's upper half.
 */
#ifdef __ASSEMBLY__
#define X86_BIT(n)	(1 << (n))
#else
#define X86_BIT(n)	(1ULL << (n))
#endif

/* Selectors of the guest GDT (tests/guest/x86/lib/crt0.S). */
#define KERNEL_CS	0x08	/* 64-bit code */
#define KERNEL_DS	0x10	/* flat data, both modes */
#define KERNEL_CS32	0x18	/* 32-bit code: the entry, compatibility-mode tests */
#define KERNEL_TSS	0x20	/* 64-bit TSS, 16 bytes */

#define X86_CR0_PE	X86_BIT(0)
#define X86_CR0_MP	X86_BIT(1)
#define X86_CR0_EM	X86_BIT(2)
#define X86_CR0_TS	X86_BIT(3)
#define X86_CR0_ET	X86_BIT(4)
#define X86_CR0_NE	X86_BIT(5)
#define X86_CR0_WP	X86_BIT(16)
#define X86_CR0_AM	X86_BIT(18)
#define X86_CR0_NW	X86_BIT(29)
#define X86_CR0_CD	X86_BIT(30)
#define X86_CR0_PG	X86_BIT(31)

#define X86_CR4_PSE	X86_BIT(4)
#define X86_CR4_PAE	X86_BIT(5)
#define X86_CR4_PGE	X86_BIT(7)

#define MSR_EFER	0xc0000080
#define EFER_SCE	X86_BIT(0)
#define EFER_LME	X86_BIT(8)
#define EFER_LMA	X86_BIT(10)
#define EFER_NXE	X86_BIT(11)
#define EFER_SVME	X86_BIT(12)

#define MSR_TSC		0x00000010
#define MSR_APIC_BASE	0x0000001b
#define MSR_PAT		0x00000277

#define X86_RFLAGS_TF	X86_BIT(8)
#define X86_RFLAGS_IF	X86_BIT(9)
#define X86_RFLAGS_DF	X86_BIT(10)
#define X86_RFLAGS_AC	X86_BIT(18)

/* Page-table entry bits, shared with the identity map built by crt0.S. */
#define PTE_PRESENT	X86_BIT(0)
#define PTE_WRITE	X86_BIT(1)
#define PTE_USER	X86_BIT(2)
#define PTE_PWT		X86_BIT(3)
#define PTE_PCD		X86_BIT(4)
#define PTE_ACCESSED	X86_BIT(5)
#define PTE_DIRTY	X86_BIT(6)
#define PTE_LARGE	X86_BIT(7)

#define PAGE_SIZE	4096

#ifndef __ASSEMBLY__
#include <lib/types.h>

static inline void outb(u16 port, u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)						\
	static inline u64 read_cr##n(void)				\
	{								\
		u64 v;							\
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));	\
		return v;						\
	}								\
	static inline void write_cr##n(u64 v)				\
	{								\
		__asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}

DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
DEFINE_CR_ACCESSORS(8)

#undef DEFINE_CR_ACCESSORS

static inline u64 read_rflags(void)
{
	u64 v;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline u16 read_cs(void)
{
	u16 v;

	__asm__ __volatile__("mov %%cs, %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void sti(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

/* STI's one-instruction shadow makes this race-free against a wake-up interrupt. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/*
 * MMIO accessors: one MOV each, as drivers do it (Linux's readl/writel).
 * A plain volatile access lets the compiler fold a read into CMP or TEST
 * with a memory operand (clang does), which an MMIO emulator need not
 * and the hypervisor's does not take.
 */
#define DEFINE_MMIO_ACCESSORS(bits, type, suffix)				\
	static inline type mmio_read##bits(u64 pa)				\
	{									\
		type v;								\
		__asm__ __volatile__("mov" suffix " (%1), %0"			\
				     : "=r"(v) : "r"(pa) : "memory");		\
		return v;							\
	}									\
	static inline void mmio_write##bits(u64 pa, type v)			\
	{									\
		__asm__ __volatile__("mov" suffix " %0, (%1)"			\
				     : : "r"(v), "r"(pa) : "memory");		\
	}

DEFINE_MMIO_ACCESSORS(8, u8, "b")
DEFINE_MMIO_ACCESSORS(16, u16, "w")
DEFINE_MMIO_ACCESSORS(32, u32, "l")
DEFINE_MMIO_ACCESSORS(64, u64, "q")

#undef DEFINE_MMIO_ACCESSORS

static inline void cpu_pause(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

#endif /* !__ASSEMBLY__ */

#endif
