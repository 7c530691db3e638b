/*
 * x86-vm-channels: two VMs, "ping" and "pong", exchange CHANNEL_MESSAGES
 * messages through two inter-VM channels (configs/channels.dts), one lane
 * per direction: each VM writes its own lane at TX (read-write) and reads
 * the other's at RX (read-only). Every message is rung with HV_HC_DOORBELL
 * and taken as IOAPIC pin 16 (edge) on vector VEC, waited for in hlt; each
 * side checks every message word for word, and that it took exactly one
 * doorbell per message. "ping" also checks the doorbell's argument errors
 * and that a write to its read-only lane goes nowhere.
 */
#include <guest/apic.h>
#include <guest/guest.h>
#include <lib/string.h>
#include "../common/channel_ring.h"

#define HV_HC_DOORBELL	2
#define CHANNEL_MESSAGES 10000
#define TX		0x10000000ull
#define RX		0x10001000ull
#define PEER		1		/* the reader is endpoint 1 of each lane */
#define IOAPIC		0xfec00000ull
#define IOREGSEL	0x00
#define IOWIN		0x10
#define PIN		16
#define VEC		0x50
#define TICK_VEC	0x60
#define TICK_ICR	625000		/* 10 ms at the APIC's 1 GHz, divided by 16 */
#define STUCK_TICKS	200		/* 2 s with the message there but not its doorbell */
#define EINVAL		22
#define ENXIO		6
#define EAGAIN		11
#define READY_SPINS	200000000u

static volatile struct ring_lane *const tx = (void *)(uintptr_t)TX;
static volatile struct ring_lane *const rx = (void *)(uintptr_t)RX;
static volatile u32 doorbells, ticks, lost, late;
static volatile u64 doorbell_stamp;
static u64 my_channel;

static void io_write(u32 reg, u32 v)
{
	mmio_write32(IOAPIC + IOREGSEL, reg);
	mmio_write32(IOAPIC + IOWIN, v);
}

static void doorbell(struct ex_regs *r)
{
	doorbell_stamp = rdtsc();
	doorbells++;
	apic_eoi();
}

static void tick(struct ex_regs *r)
{
	ticks++;
	apic_eoi();
}

/*
 * Pin 16 to this CPU, edge, unmasked; then the peer may ring. A periodic
 * APIC timer bounds every wait: a doorbell that never comes is reported,
 * not a hang.
 */
static void doorbell_init(void)
{
	apic_enable();
	set_handler(VEC, doorbell);
	set_handler(TICK_VEC, tick);
	apic_write(APIC_TIMER_DCR, 0x3);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | TICK_VEC);
	apic_write(APIC_TIMER_ICR, TICK_ICR);
	io_write(0x11 + 2 * PIN, apic_id() << 24);
	io_write(0x10 + 2 * PIN, VEC);
	__atomic_store_n(&tx->ready, 1, __ATOMIC_RELEASE);
}

static s64 ring(u64 channel, u64 peer)
{
	return (s64)hv_hypercall2(HV_HC_DOORBELL, channel, peer);
}

/* Rings until the peer takes it: -EAGAIN while it is not running yet. */
static bool ring_peer(u64 channel)
{
	s64 r;
	u32 i;

	for (i = 0; i < 1000000; i++) {
		r = ring(channel, PEER);
		if (r != -EAGAIN)
			return r == 0;
		cpu_pause();
	}
	return false;
}

/*
 * Sleeps until the doorbell count reaches @n (cli, then sti; hlt: no
 * wake-up is lost). False if message @n has been published for
 * STUCK_TICKS without its doorbell: the hypervisor lost it.
 */
static bool wait_doorbells(u32 n)
{
	u32 since = ticks;

	cli();
	while (doorbells < n) {
		if (ring_head(rx) < n)
			since = ticks;
		else if (ticks - since > STUCK_TICKS)
			break;
		safe_halt();
		cli();
	}
	sti();
	/* Later than one tick after its message: a wake-up the timer, not the doorbell, gave. */
	if (doorbells >= n && ticks - since > 1)
		late++;
	if (doorbells >= n)
		return true;
	if (!lost++)
		diag("message %u is there, its doorbell is not (%u taken)", n, doorbells);
	return false;
}

static void stop_ticks(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	diag("%u doorbells came over 10 ms after their message", late);
}

static bool wait_ready(void)
{
	u32 i;

	for (i = 0; i < READY_SPINS; i++) {
		if (__atomic_load_n(&rx->ready, __ATOMIC_ACQUIRE))
			return true;
		cpu_pause();
	}
	return false;
}

static void check_errors(u64 me)
{
	u32 before = rx->head;

	ok(ring(7, PEER) == -EINVAL && ring(me, 0) == -EINVAL && ring(me, 2) == -EINVAL &&
	   ring(me, ~0ull) == -EINVAL, "doorbell: no channel 7, no endpoint 2 or ~0, not "
	   "oneself: -EINVAL");
	ok(ring(1 - me, 0) == -ENXIO, "doorbell: the lane's writer has no interrupt: -ENXIO");
	mmio_write32(RX + 4, 0xdeadbeef);
	ok(rx->head == before, "a write to the read-only lane goes nowhere");
}

static int ping(void)
{
	u32 seq, bad = 0;
	bool rung = true;

	tap_plan(6);
	doorbell_init();
	ok(wait_ready(), "pong is ready");
	check_errors(0);
	for (seq = 1; seq <= CHANNEL_MESSAGES && rung; seq++) {
		ring_fill(&tx->slot[seq % RING_SLOTS], seq);
		ring_publish(tx, seq);
		rung = ring_peer(0);
		if (rung && !wait_doorbells(seq))
			doorbells = seq;
		if (ring_head(rx) != seq || !ring_valid(&rx->slot[seq % RING_SLOTS], seq | BIT(31)))
			bad++;
	}
	stop_ticks();
	ok(rung && bad == 0, "%u messages sent, each answered word for word (%u bad)",
	   CHANNEL_MESSAGES, bad);
	ok(doorbells == CHANNEL_MESSAGES && !lost, "one doorbell per answer: %u (%u lost)",
	   doorbells, lost);
	return tap_done();
}

static int pong(void)
{
	u32 seq, bad = 0;
	bool rung = true;

	tap_plan(3);
	doorbell_init();
	ok(ring(1, 0) == -EINVAL, "doorbell: not oneself: -EINVAL");
	for (seq = 1; seq <= CHANNEL_MESSAGES && rung; seq++) {
		if (!wait_doorbells(seq))
			doorbells = seq;
		if (ring_head(rx) != seq || !ring_valid(&rx->slot[seq % RING_SLOTS], seq))
			bad++;
		ring_fill(&tx->slot[seq % RING_SLOTS], seq | BIT(31));
		ring_publish(tx, seq);
		rung = ring_peer(1);
	}
	stop_ticks();
	ok(rung && bad == 0, "%u messages received word for word and answered (%u bad)",
	   CHANNEL_MESSAGES, bad);
	ok(doorbells == CHANNEL_MESSAGES && !lost, "one doorbell per message: %u (%u lost)",
	   doorbells, lost);
	return tap_done();
}

static u64 now(void)
{
	return rdtsc();
}

static bool ring_mine(void)
{
	return ring_peer(my_channel);
}

/* make bench: the figures of channel_ring.h, as "# bench NAME INSTRUCTIONS" lines. */
static int bench(bool writer)
{
	const struct ring_env env = { tx, rx, now, ring_mine, wait_doorbells, &doorbell_stamp };
	u64 a = 0, b = 0;
	bool done;

	tap_plan(1);
	my_channel = writer ? 0 : 1;
	doorbell_init();
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	if (writer && !wait_ready())
		bail_out("pong never got ready");
	done = writer ? ring_bench_send(&env, &a, &b) : ring_bench_receive(&env, &a);
	if (writer) {
		diag("bench channel-round-trip %llu", a);
		diag("bench channel-stream-msg %llu", b);
	} else {
		diag("bench doorbell-one-way %llu", a);
	}
	ok(done, "the benchmark's messages went through");
	return tap_done();
}

int guest_main(const struct mb_info *mbi)
{
	const char *who = mb_cmdline(mbi);

	if (who && !strcmp(who, "pong"))
		return pong();
	if (who && !strcmp(who, "ping-bench"))
		return bench(true);
	if (who && !strcmp(who, "pong-bench"))
		return bench(false);
	return ping();
}
