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

#endif
