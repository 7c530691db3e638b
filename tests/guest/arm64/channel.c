/*
 * arm64-vm-channels: two VMs, "ping" and "pong", exchange CHANNEL_MESSAGES
 * messages through two inter-VM channels (configs/channels.dts), one lane
 * per direction: each VM writes its own lane at TX (read-write) and reads
 * the other's at RX (read-only). Every message is rung with HV_HC_DOORBELL
 * and taken as SPI 16 (INTID 48, left level-configured: the doorbell makes
 * it pending as GICD_ISPENDR would), waited for in WFI; each side checks
 * every message word for word, and that it took exactly one doorbell per
 * message. A virtual-timer deadline bounds each wait. "ping" also checks
 * the doorbell's argument errors and that a write to its read-only lane
 * is an external abort (the default "unknown-access").
 */
#include <guest/guest.h>
#include <lib/string.h>
#include "../common/channel_ring.h"

#define HV_HC_DOORBELL	2
#define CHANNEL_MESSAGES 10000
#define TX		0x20000000ull
#define RX		0x20001000ull
#define PEER		1		/* the reader is endpoint 1 of each lane */
#define DOORBELL_INTID	48
#define VTIMER		27
#define EINVAL		22
#define ENXIO		6
#define EAGAIN		11
#define EC_DABT_CUR	0x25

static volatile struct ring_lane *const tx = (void *)(uintptr_t)TX;
static volatile struct ring_lane *const rx = (void *)(uintptr_t)RX;
static volatile u32 doorbells, timeouts, lost;
static volatile u64 doorbell_stamp;
static u64 my_channel;

static u64 now(void);

static void irq(u32 intid)
{
	if (intid == DOORBELL_INTID) {
		doorbell_stamp = now();
		doorbells++;
	}
	if (intid == VTIMER) {
		write_sysreg(0, cntv_ctl_el0);
		timeouts++;
	}
}

static void doorbell_init(void)
{
	gic_init_dist();
	gic_init_cpu(0);
	guest_irq_handler = irq;
	gic_enable_irq(DOORBELL_INTID, 0);
	gic_enable_irq(VTIMER, 0);
	__atomic_store_n(&tx->ready, 1, __ATOMIC_RELEASE);
}

static s64 ring(u64 channel, u64 peer)
{
	return (s64)hv_hypercall(HV_HC_DOORBELL, channel, peer);
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
		__asm__ __volatile__("yield");
	}
	return false;
}

/*
 * Sleeps in WFI until the doorbell count reaches @n, with the virtual
 * timer armed 2 s ahead: false if it fired first (the doorbell was lost).
 */
static bool wait_doorbells(u32 n)
{
	u32 fired = timeouts;

	write_sysreg(counter() + 2 * read_sysreg(cntfrq_el0), cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	for (;;) {
		local_irq_disable();
		if (doorbells >= n || timeouts != fired)
			break;
		__asm__ __volatile__("wfi" ::: "memory");
		local_irq_enable();
	}
	write_sysreg(0, cntv_ctl_el0);
	local_irq_enable();
	if (doorbells >= n)
		return true;
	if (!lost++)
		diag("message %u: no doorbell in 2 s (%u taken)", n, doorbells);
	return false;
}

static bool wait_ready(void)
{
	u64 t0 = counter(), freq = read_sysreg(cntfrq_el0);

	/* YIELD: round-robin TCG (one host thread) runs the peer's vCPU only then. */
	while (counter() - t0 < 20 * freq) {
		if (__atomic_load_n(&rx->ready, __ATOMIC_ACQUIRE))
			return true;
		__asm__ __volatile__("yield");
	}
	return false;
}

static void write_rx(void *arg)
{
	mmio_write32(RX + 4, 0xdeadbeef);
}

static void check_errors(u64 me)
{
	u32 before = rx->head;
	u64 esr;

	ok(ring(7, PEER) == -EINVAL && ring(me, 0) == -EINVAL && ring(me, 2) == -EINVAL &&
	   ring(me, ~0ull) == -EINVAL, "doorbell: no channel 7, no endpoint 2 or ~0, not "
	   "oneself: -EINVAL");
	ok(ring(1 - me, 0) == -ENXIO, "doorbell: the lane's writer has no interrupt: -ENXIO");
	esr = expect_exception(write_rx, NULL);
	ok(esr >> 26 == EC_DABT_CUR && (esr & BIT(6)) && rx->head == before,
	   "a write to the read-only lane is an external abort (ESR %#llx), the lane unchanged",
	   esr);
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
	ok(rung && bad == 0, "%u messages received word for word and answered (%u bad)",
	   CHANNEL_MESSAGES, bad);
	ok(doorbells == CHANNEL_MESSAGES && !lost, "one doorbell per message: %u (%u lost)",
	   doorbells, lost);
	return tap_done();
}

/*
 * The physical counter, in ticks (bench() turns them into nanoseconds:
 * instructions under -icount shift=0): the virtual one is offset per VM,
 * so a stamp of one VM means nothing to another.
 */
static u64 now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static bool ring_mine(void)
{
	return ring_peer(my_channel);
}

/* make bench: the figures of channel_ring.h, as "# bench NAME INSTRUCTIONS" lines. */
static int bench(bool writer)
{
	const struct ring_env env = { tx, rx, now, ring_mine, wait_doorbells, &doorbell_stamp };
	u64 a = 0, b = 0, ns = 1000000000ull / read_sysreg(cntfrq_el0);
	bool done;

	tap_plan(1);
	my_channel = writer ? 0 : 1;
	doorbell_init();
	if (writer && !wait_ready())
		bail_out("pong never got ready");
	done = writer ? ring_bench_send(&env, &a, &b) : ring_bench_receive(&env, &a);
	if (writer) {
		diag("bench channel-round-trip %llu", a * ns);
		diag("bench channel-stream-msg %llu", b * ns);
	} else {
		diag("bench doorbell-one-way %llu", a * ns);
	}
	ok(done, "the benchmark's messages went through");
	return tap_done();
}

int guest_main(const void *dtb)
{
	const char *who = guest_bootargs(dtb);

	if (!strcmp(who, "pong"))
		return pong();
	if (!strcmp(who, "ping-bench"))
		return bench(true);
	if (!strcmp(who, "pong-bench"))
		return bench(false);
	return ping();
}

void guest_secondary(u64 cpu)
{
}
