#ifndef GUEST_APIC_H
#define GUEST_APIC_H

/* The constants are safe for assembly (smp_tramp.S). */

/*
 * The local APIC as a test guest drives it: the xAPIC page at its reset
 * address (mapped uncached by crt0), the x2APIC MSRs, and the start of
 * the other CPUs with INIT-SIPI (lib/smp.c, lib/smp_tramp.S).
 */
#define APIC_XAPIC_BASE		0xfee00000u
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_TPR		0x080
#define APIC_PPR		0x0a0
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_DFR		0x0e0
#define APIC_SVR		0x0f0
#define APIC_ISR		0x100
#define APIC_TMR		0x180
#define APIC_IRR		0x200
#define APIC_ESR		0x280
#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_ICR		0x380
#define APIC_TIMER_CCR		0x390
#define APIC_TIMER_DCR		0x3e0

#define APIC_ICR_BUSY		(1u << 12)
#define APIC_DM_FIXED		0x000
#define APIC_DM_NMI		0x400
#define APIC_DM_INIT		0x500
#define APIC_DM_STARTUP		0x600
#define APIC_ASSERT		0x4000
#define APIC_LOGICAL		0x800
#define APIC_SH_SELF		(1u << 18)
#define APIC_SH_ALL		(2u << 18)
#define APIC_SH_OTHERS		(3u << 18)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_TIMER_PERIODIC	(1u << 17)
#define APIC_TIMER_TSC_DEADLINE	(2u << 17)

#define SMP_MAX_CPUS		8
/* The real-mode page APs start in: SIPI vector 0x08. */
#define SMP_TRAMPOLINE		0x8000
#define SMP_WAKE_VECTOR		0xf0

#define MSR_X2APIC(off)		(0x800u + ((off) >> 4))
#define MSR_TSC_DEADLINE	0x6e0
#define APIC_BASE_EXTD		(1u << 10)
#define APIC_BASE_EN		(1u << 11)

#ifndef __ASSEMBLY__
#include <lib/compiler.h>
#include <guest/x86.h>

/* One MOV each (guest/x86.h says why), as Linux's EOI write is. */
static inline u32 apic_read(u32 off)
{
	return mmio_read32(APIC_XAPIC_BASE + off);
}

static inline void apic_write(u32 off, u32 val)
{
	mmio_write32(APIC_XAPIC_BASE + off, val);
}

static inline u32 apic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

static inline void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* Software-enables the APIC with the spurious vector 0xff. */
void apic_enable(void);
/* An IPI through the xAPIC ICR: destination field @dest, low word @lo; waits until idle. */
void apic_icr(u32 dest, u32 lo);

/* ---- SMP ---- */

/* How many times CPU @id has come up through the trampoline (INIT-SIPI starts). */
extern volatile u32 smp_boots[SMP_MAX_CPUS];

/* Writes the trampoline to low memory and installs the wake-up handler: once, on the BSP. */
void smp_init(void);
/* INIT then one SIPI to APIC ID @id; true once the CPU has come up (within about 1 s). */
bool smp_start_cpu(u32 id);
/* Sends the start-up IPIs only, without waiting (for the tests of SIPI rules). */
void smp_send_init(u32 id);
void smp_send_sipi(u32 id);
/*
 * Runs @fn(@arg) on the started CPU @id, which idles in "sti; hlt" in
 * between, and waits for it to finish: false if it did not within about
 * 1 s. The caller keeps taking interrupts meanwhile.
 */
bool smp_call(u32 id, void (*fn)(void *arg), void *arg);
/* Spins for about @ms milliseconds of TSC (the rate read from the PIT at smp_init()). */
void smp_delay_ms(u32 ms);

#endif /* __ASSEMBLY__ */
#endif
