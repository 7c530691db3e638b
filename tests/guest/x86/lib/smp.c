/*
 * The local APIC and SMP start-up for test guests: INIT-SIPI through the
 * xAPIC ICR into lib/smp_tramp.S, and a per-CPU mailbox through which the
 * BSP runs a function on an AP, waking it with an IPI. See guest/apic.h.
 */
#include <guest/apic.h>
#include "internal.h"
#include <lib/string.h>

#define AP_STACK_SIZE	8192
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define CALIBRATE_MS	10

struct ap_mailbox {
	void (*fn)(void *arg);
	void *arg;
	u32 seq;	/* raised by the BSP for each call */
	u32 done;	/* set to seq by the AP when the call returned */
};

extern const u8 smp_trampoline[], smp_trampoline_end[];
extern const u8 smp_tramp_cr3[], smp_tramp_stack[], smp_tramp_entry[];

volatile u32 smp_boots[SMP_MAX_CPUS];
static struct ap_mailbox mailbox[SMP_MAX_CPUS];
static u8 ap_stacks[SMP_MAX_CPUS][AP_STACK_SIZE] __aligned(16);
static u64 tsc_per_ms;

void apic_enable(void)
{
	apic_write(APIC_SVR, 0x1ff);
}

void apic_icr(u32 dest, u32 lo)
{
	while (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY)
		cpu_pause();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
}

/* The TSC's rate, from counter 2 of the PIT (mode 0, gated by port 0x61). */
static void calibrate(void)
{
	u16 count = (u16)(PIT_HZ / (1000 / CALIBRATE_MS));
	u8 gate = inb(PORT61);
	u64 start;

	outb(PORT61, (gate & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT61, gate & ~0x03);
	outb(PORT61, (gate & ~0x02) | 0x01);
	start = rdtsc();
	while (!(inb(PORT61) & 0x20))
		cpu_pause();
	tsc_per_ms = (rdtsc() - start) / CALIBRATE_MS;
	outb(PORT61, gate);
	if (!tsc_per_ms)
		tsc_per_ms = 1000000;
}

void smp_delay_ms(u32 ms)
{
	u64 end = rdtsc() + ms * tsc_per_ms;

	while (rdtsc() < end)
		cpu_pause();
}

/* Polls @done for about 1 s with interrupts on: the waiter may be an IPI's target. */
static bool wait_for(bool (*done)(u32 id), u32 id)
{
	u64 end = rdtsc() + 1000 * tsc_per_ms;
	bool ok;

	sti();
	while (!(ok = done(id)) && rdtsc() < end)
		cpu_pause();
	cli();
	return ok;
}

static void wake_handler(struct ex_regs *regs)
{
	apic_eoi();
}

/* The AP's idle loop: a call in the mailbox runs with interrupts off, then back to sleep. */
static __noreturn void ap_loop(u32 id)
{
	struct ap_mailbox *m = &mailbox[id];

	for (;;) {
		cli();
		if (__atomic_load_n(&m->seq, __ATOMIC_ACQUIRE) != m->done) {
			m->fn(m->arg);
			__atomic_store_n(&m->done, m->seq, __ATOMIC_RELEASE);
			continue;
		}
		/* STI's shadow covers HLT: a wake-up IPI after the check still ends the HLT. */
		safe_halt();
	}
}

/* Called by the trampoline in 64-bit mode on the AP's own stack. */
__noreturn void smp_ap_entry(void);
__noreturn void smp_ap_entry(void)
{
	u32 id;

	exceptions_load_idt();
	apic_enable();
	id = apic_id() % SMP_MAX_CPUS;
	/* A restart after INIT abandons whatever call was in flight. */
	mailbox[id].done = mailbox[id].seq;
	__atomic_fetch_add(&smp_boots[id], 1, __ATOMIC_ACQ_REL);
	ap_loop(id);
}

static void patch(const u8 *field, u64 val)
{
	*(volatile u64 *)(uintptr_t)(SMP_TRAMPOLINE + (field - smp_trampoline)) = val;
}

void smp_init(void)
{
	memcpy((void *)(uintptr_t)SMP_TRAMPOLINE, smp_trampoline,
	       (size_t)(smp_trampoline_end - smp_trampoline));
	patch(smp_tramp_entry, (u64)(uintptr_t)smp_ap_entry);
	set_handler(SMP_WAKE_VECTOR, wake_handler);
	apic_enable();
	calibrate();
}

void smp_send_init(u32 id)
{
	patch(smp_tramp_cr3, read_cr3());
	patch(smp_tramp_stack, (u64)(uintptr_t)&ap_stacks[id % SMP_MAX_CPUS][AP_STACK_SIZE]);
	apic_icr(id, APIC_DM_INIT | APIC_ASSERT);
}

void smp_send_sipi(u32 id)
{
	apic_icr(id, APIC_DM_STARTUP | APIC_ASSERT | (SMP_TRAMPOLINE >> 12));
}

static u32 boots_seen[SMP_MAX_CPUS];

static bool came_up(u32 id)
{
	return smp_boots[id] != boots_seen[id];
}

bool smp_start_cpu(u32 id)
{
	id %= SMP_MAX_CPUS;
	boots_seen[id] = smp_boots[id];
	smp_send_init(id);
	smp_send_sipi(id);
	return wait_for(came_up, id);
}

static bool call_done(u32 id)
{
	return __atomic_load_n(&mailbox[id].done, __ATOMIC_ACQUIRE) == mailbox[id].seq;
}

bool smp_call(u32 id, void (*fn)(void *arg), void *arg)
{
	struct ap_mailbox *m = &mailbox[id % SMP_MAX_CPUS];

	m->fn = fn;
	m->arg = arg;
	__atomic_store_n(&m->seq, m->seq + 1, __ATOMIC_RELEASE);
	apic_icr(id, SMP_WAKE_VECTOR);
	return wait_for(call_done, id % SMP_MAX_CPUS);
}
