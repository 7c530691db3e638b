#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/x86.h>
#include <lib/errno.h>

/* The xAPIC through its MMIO page; the hypervisor never switches to x2APIC. */
#define APIC_BASE_ENABLE	BIT(11)
#define APIC_BASE_ADDR		GENMASK(51, 12)

#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0

#define SVR_ENABLE		BIT(8)
#define LVT_MASKED		BIT(16)
#define ICR_DELIVERY_PENDING	BIT(12)
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_FIXED		(0u << 8)
#define ICR_NMI			(4u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_ALL_BUT_SELF	(3u << 18)

#define ICR_SPIN		1000000

#define TIMER_DIV_1		0xb
#define TIMER_CALIBRATE_US	10000

static u64 apic_base;

static u32 apic_read(u32 reg)
{
	return mmio_read32(apic_base + reg);
}

static void apic_write(u32 reg, u32 v)
{
	mmio_write32(apic_base + reg, v);
}

void lapic_init(void)
{
	u64 msr = rdmsr(MSR_APIC_BASE);

	if (!(msr & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
	apic_base = msr & APIC_BASE_ADDR;
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
}

u32 lapic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* Returns -ETIMEDOUT if the APIC never accepted the previous command. */
static int icr_send(u32 dest, u32 lo)
{
	unsigned int spin = ICR_SPIN;

	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
	while ((apic_read(APIC_ICR_LO) & ICR_DELIVERY_PENDING) && --spin)
		__builtin_ia32_pause();
	return spin ? 0 : -ETIMEDOUT;
}

void lapic_send_ipi(u32 apic_id, u32 vector)
{
	icr_send(apic_id, ICR_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_nmi_all_but_self(void)
{
	icr_send(0, ICR_NMI | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF);
}

/*
 * INIT, then two STARTUPs, with the delays of the MP specification: a CPU
 * that misses the first STARTUP (some do) gets the second.
 */
int lapic_start_ap(u32 apic_id, u32 trampoline_page)
{
	int err = icr_send(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);

	if (err)
		return err;
	udelay(10000);
	err = icr_send(apic_id, ICR_STARTUP | trampoline_page);
	if (err)
		return err;
	udelay(200);
	return icr_send(apic_id, ICR_STARTUP | trampoline_page);
}

void lapic_park_ap(u32 apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

static u64 timer_hz;

/*
 * One-shot mode at the bus clock, divided by 1. The boot CPU measures the
 * rate against the TSC (already calibrated); the others share it.
 */
void lapic_timer_init(void)
{
	u32 left;

	apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER);
	if (timer_hz)
		return;
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	udelay(TIMER_CALIBRATE_US);
	left = apic_read(APIC_TIMER_CUR);
	apic_write(APIC_TIMER_INIT, 0);
	timer_hz = (u64)(0xffffffffu - left) * (1000000 / TIMER_CALIBRATE_US);
	if (!timer_hz)
		timer_hz = 1000000000ULL;
}

u64 lapic_timer_hz(void)
{
	return timer_hz;
}

/* Counts @ticks down, then raises VECTOR_TIMER once; 0 stops the timer. */
void lapic_timer_start(u32 ticks)
{
	apic_write(APIC_TIMER_INIT, ticks);
}
