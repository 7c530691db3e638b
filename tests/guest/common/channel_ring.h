#ifndef TESTS_GUEST_CHANNEL_RING_H
#define TESTS_GUEST_CHANNEL_RING_H

/*
 * The test guests' own layout of an inter-VM channel (the hypervisor
 * imposes none): one lane per direction, each a channel of its own that
 * one VM writes and the other only reads. The writer fills a slot, then
 * publishes it by advancing @head (a release store), then rings the
 * reader's doorbell; the reader sees @head (acquire) before the slot.
 * Used by x86 and arm64 alike (channel.c, crash.c of each).
 */
#include <lib/types.h>

#define RING_SLOTS	64

struct ring_msg {
	u32 seq;
	u32 check;		/* ring_check(seq, words) */
	u64 words[3];
};

struct ring_lane {
	u32 ready;		/* the writer's interrupts are set up: it may be rung */
	u32 head;		/* the last seq published */
	u32 lives;		/* crash.c: the writer's lives so far (survives its restarts) */
	u32 stale;		/* crash.c: lives that did not start from the image as loaded */
	u32 pad[12];
	struct ring_msg slot[RING_SLOTS];
};

/* Words that differ for every message and every word, and their check. */
static inline u64 ring_word(u32 seq, u32 i)
{
	u64 x = (u64)seq * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL;

	return x ^ (x >> 31);
}

static inline u32 ring_check(u32 seq, const volatile u64 *w)
{
	return (u32)(w[0] ^ (w[1] >> 7) ^ (w[2] >> 13)) ^ seq;
}

static inline void ring_fill(volatile struct ring_msg *m, u32 seq)
{
	u32 i;

	for (i = 0; i < 3; i++)
		m->words[i] = ring_word(seq, i);
	m->seq = seq;
	m->check = ring_check(seq, m->words);
}

/* The message is seq's, word for word. */
static inline bool ring_valid(const volatile struct ring_msg *m, u32 seq)
{
	u32 i;

	for (i = 0; i < 3; i++)
		if (m->words[i] != ring_word(seq, i))
			return false;
	return m->seq == seq && m->check == ring_check(seq, m->words);
}

static inline void ring_publish(volatile struct ring_lane *l, u32 seq)
{
	__atomic_store_n(&l->head, seq, __ATOMIC_RELEASE);
}

static inline u32 ring_head(const volatile struct ring_lane *l)
{
	return __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
}

/*
 * The benchmark (make bench, under -icount shift=0: now() counts
 * instructions), the same on both architectures; each guest gives its
 * clock, its doorbell and its wait. Phase 1, one message at a time: the
 * writer stamps each message, the reader's handler stamps the doorbell,
 * and the difference is the one-way latency from the ring to the
 * handler; the writer's wait for the answer is the round trip. Phase 2,
 * a stream: RING_BATCH messages per doorbell, each batch answered by one.
 */
#define BENCH_MSGS	1000
#define STREAM_BATCHES	128
#define RING_BATCH	32

struct ring_env {
	volatile struct ring_lane *tx, *rx;
	u64 (*now)(void);
	bool (*ring)(void);		/* rings the peer; false if it could not */
	bool (*wait)(u32 n);		/* sleeps until the n-th doorbell */
	volatile u64 *irq_stamp;	/* now() in the last doorbell's handler */
};

/* The writer's side: the average round trip, and instructions per streamed message. */
static inline bool ring_bench_send(const struct ring_env *e, u64 *round_trip, u64 *per_msg)
{
	u32 seq, b, i, bells = 0;
	u64 t0, total = 0;

	for (seq = 1; seq <= BENCH_MSGS; seq++) {
		volatile struct ring_msg *m = &e->tx->slot[seq % RING_SLOTS];

		t0 = e->now();
		m->words[0] = t0;
		ring_publish(e->tx, seq);
		if (!e->ring() || !e->wait(++bells))
			return false;
		total += e->now() - t0;
	}
	*round_trip = total / BENCH_MSGS;
	t0 = e->now();
	for (b = 0; b < STREAM_BATCHES; b++) {
		for (i = 0; i < RING_BATCH; i++, seq++)
			ring_fill(&e->tx->slot[seq % RING_SLOTS], seq);
		ring_publish(e->tx, seq - 1);
		if (!e->ring() || !e->wait(++bells))
			return false;
	}
	*per_msg = (e->now() - t0) / (STREAM_BATCHES * RING_BATCH);
	return true;
}

/* The reader's side: the average one-way latency; false if a message was wrong. */
static inline bool ring_bench_receive(const struct ring_env *e, u64 *one_way)
{
	u32 seq, b, bells = 0, bad = 0;
	u64 total = 0;

	for (seq = 1; seq <= BENCH_MSGS; seq++) {
		if (!e->wait(++bells))
			return false;
		total += *e->irq_stamp - e->rx->slot[seq % RING_SLOTS].words[0];
		ring_publish(e->tx, seq);
		if (!e->ring())
			return false;
	}
	*one_way = total / BENCH_MSGS;
	for (b = 0; b < STREAM_BATCHES; b++) {
		if (!e->wait(++bells))
			return false;
		for (; seq <= ring_head(e->rx); seq++)
			bad += !ring_valid(&e->rx->slot[seq % RING_SLOTS], seq);
		ring_publish(e->tx, seq - 1);
		if (!e->ring())
			return false;
	}
	return bad == 0 && seq == BENCH_MSGS + 1 + STREAM_BATCHES * RING_BATCH;
}

#endif
