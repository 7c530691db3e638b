#ifndef ASM_VPIT_H
#define ASM_VPIT_H

#include <lib/types.h>

/*
 * A virtual 8254 PIT: three 16-bit down-counters at 1.193182 MHz, ports
 * 0x40-0x42 (counters) and 0x43 (control). Counter 0 drives IRQ 0,
 * counter 2's gate and output are bits 0 and 5 of port 0x61, counter 1
 * (DRAM refresh) counts but drives nothing. Register logic only, on a
 * clock the caller passes in (nanoseconds); the caller serializes and
 * arms a host timer for vpit_next_irq().
 *
 * Counts are computed from the time the count began, never ticked.
 * Modelled: modes 0-5, LSB/MSB/both access with the byte flip-flops, the
 * counter latch command, the read-back command (count and status),
 * counter 2's gate (modes 0 and 4 pause while it is low, 2 and 3 restart
 * on its rising edge, 1 and 5 are triggered by it). Simplified: a new
 * count takes effect when written (the 8254 waits for the end of the
 * current period in modes 2 and 3); in mode 3 the count read back is
 * approximate; BCD counting is refused (the control word is ignored and
 * vpit_write() says so), no PC software uses it.
 */
#define VPIT_HZ			1193182ULL
#define VPIT_PORT_BASE		0x40
#define VPIT_PORT_CONTROL	0x43

struct vpit_channel {
	u32 reload;		/* 1-65536: a written 0 means 65536 */
	u8 mode;		/* 0-5 */
	u8 access;		/* 1: LSB, 2: MSB, 3: LSB then MSB */
	bool loaded;		/* a count was written since the control word */
	bool write_msb_next;	/* access 3: the LSB is in write_lsb */
	u8 write_lsb;
	bool read_msb_next;	/* access 3: live reads alternate too */
	bool count_latched;
	bool latch_msb_next;
	u16 latched_count;
	bool status_latched;
	u8 latched_status;
	bool gate;
	bool running;		/* counting: loaded, and triggered in modes 1 and 5 */
	u64 start_ns;		/* when the current count began */
	u64 paused_ns;		/* gate low in modes 0 and 4: time counted so far */
	bool paused;
};

struct vpit {
	struct vpit_channel ch[3];
};

void vpit_reset(struct vpit *pit);

/*
 * A byte to port 0x40 + @reg (0-3) at time @now. Returns 0, or
 * -EOPNOTSUPP for a control word asking for BCD (then ignored).
 */
int vpit_write(struct vpit *pit, u32 reg, u8 val, u64 now);
u8 vpit_read(struct vpit *pit, u32 reg, u64 now);

/* Counter 2's gate (port 0x61 bit 0). */
void vpit_set_gate(struct vpit *pit, u32 channel, bool gate, u64 now);
bool vpit_out(const struct vpit *pit, u32 channel, u64 now);
/* The current count, as a latch at @now would capture it. */
u16 vpit_count(const struct vpit *pit, u32 channel, u64 now);

/*
 * When counter 0's output next rises after @now (IRQ 0 is edge
 * triggered), or 0 if it never will without a new count.
 */
u64 vpit_next_irq(const struct vpit *pit, u64 now);

#endif
