/*
 * The virtual 8254: see asm/vpit.h for what is modelled.
 *
 * A running counter's state is a function of the ticks elapsed since
 * start_ns: the count, the output level and the next rising edge of the
 * output all follow from it per mode, so that nothing needs a periodic
 * host timer except the interrupt itself.
 */
#include <asm/vpit.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#define NSEC_PER_SEC		1000000000ULL

#define CTRL_CHANNEL(v)		((v) >> 6)
#define CTRL_ACCESS(v)		(((v) >> 4) & 3)
#define CTRL_MODE(v)		(((v) >> 1) & 7)
#define CTRL_BCD		BIT(0)
#define CTRL_READBACK		3
#define ACCESS_LATCH		0
#define ACCESS_LSB		1
#define ACCESS_MSB		2
#define ACCESS_BOTH		3
#define RB_NO_COUNT		BIT(5)
#define RB_NO_STATUS		BIT(4)
#define STATUS_OUT		BIT(7)
#define STATUS_NULL_COUNT	BIT(6)

/* Split at whole seconds so that no product overflows (and no 128-bit division is needed). */
static u64 ns_to_ticks(u64 ns)
{
	return ns / NSEC_PER_SEC * VPIT_HZ + ns % NSEC_PER_SEC * VPIT_HZ / NSEC_PER_SEC;
}

/* The first nanosecond at which @ticks have elapsed. */
static u64 ticks_to_ns(u64 ticks)
{
	return ticks / VPIT_HZ * NSEC_PER_SEC +
	       (ticks % VPIT_HZ * NSEC_PER_SEC + VPIT_HZ - 1) / VPIT_HZ;
}

static u64 elapsed_ticks(const struct vpit_channel *c, u64 now)
{
	if (c->paused)
		return ns_to_ticks(c->paused_ns);
	return now > c->start_ns ? ns_to_ticks(now - c->start_ns) : 0;
}

static bool periodic(const struct vpit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* Modes 0 and 4 count once; 1 and 5 do too, once triggered. */
static bool one_shot(const struct vpit_channel *c)
{
	return !periodic(c);
}

/* Where the gate stops counting (modes 0, 2, 3, 4); in 1 and 5 it only triggers. */
static bool gate_holds(const struct vpit_channel *c)
{
	return c->mode != 1 && c->mode != 5;
}

void vpit_reset(struct vpit *pit)
{
	unsigned int i;

	/* Idle in mode 3 with OUT high until programmed: no interrupt before that. */
	for (i = 0; i < 3; i++)
		pit->ch[i] = (struct vpit_channel){
			.reload = 0x10000, .mode = 3, .access = ACCESS_BOTH, .gate = i != 2,
		};
}

/* Output level per mode while running; before a count is loaded see vpit_out(). */
static bool running_out(const struct vpit_channel *c, u64 e)
{
	switch (c->mode) {
	case 0:
	case 1:
		return e >= c->reload;
	case 2:
		return (e % c->reload) != c->reload - 1;
	case 3:
		return (e % c->reload) < (c->reload + 1) / 2;
	default:	/* 4, 5: one tick low at the terminal count */
		return e != c->reload;
	}
}

bool vpit_out(const struct vpit *pit, u32 channel, u64 now)
{
	const struct vpit_channel *c = &pit->ch[channel];

	if (!c->running)
		return c->mode != 0;	/* mode 0 drives OUT low from the control word on */
	if (periodic(c) && !c->gate)
		return true;
	return running_out(c, elapsed_ticks(c, now));
}

u16 vpit_count(const struct vpit *pit, u32 channel, u64 now)
{
	const struct vpit_channel *c = &pit->ch[channel];
	u64 e;

	if (!c->running)
		return (u16)c->reload;
	e = elapsed_ticks(c, now);
	if (c->mode == 2)
		return (u16)(c->reload - e % c->reload);
	if (c->mode == 3)
		return (u16)(c->reload - (2 * e) % c->reload);
	/* One-shot modes wrap through 0xffff and keep counting down. */
	return (u16)(c->reload - e);
}

static void start_counting(struct vpit_channel *c, u64 now)
{
	c->start_ns = now;
	c->paused = false;
	c->paused_ns = 0;
	/* Modes 1 and 5 wait for a rising gate; counters 0 and 1 have theirs tied high. */
	c->running = gate_holds(c);
	if (c->running && !c->gate)
		c->paused = true;
}

static void load_count(struct vpit_channel *c, u32 count, u64 now)
{
	c->reload = count ? count : 0x10000;
	c->loaded = true;
	start_counting(c, now);
}

static void write_count(struct vpit_channel *c, u8 val, u64 now)
{
	switch (c->access) {
	case ACCESS_LSB:
		load_count(c, val, now);
		break;
	case ACCESS_MSB:
		load_count(c, (u32)val << 8, now);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = val;
			c->write_msb_next = true;
			/* Mode 0 drops OUT when the first byte is written. */
			if (c->mode == 0)
				c->running = false;
		} else {
			c->write_msb_next = false;
			load_count(c, c->write_lsb | (u32)val << 8, now);
		}
		break;
	}
}

static u8 status_byte(const struct vpit *pit, u32 channel, u64 now)
{
	const struct vpit_channel *c = &pit->ch[channel];

	return (vpit_out(pit, channel, now) ? STATUS_OUT : 0) |
	       (c->loaded ? 0 : STATUS_NULL_COUNT) | (u8)(c->access << 4) | (u8)(c->mode << 1);
}

static void latch_count(struct vpit *pit, u32 channel, u64 now)
{
	struct vpit_channel *c = &pit->ch[channel];

	/* A second latch before the first was read is ignored (8254 datasheet). */
	if (c->count_latched)
		return;
	c->count_latched = true;
	c->latch_msb_next = false;
	c->latched_count = vpit_count(pit, channel, now);
}

static void read_back(struct vpit *pit, u8 val, u64 now)
{
	u32 i;

	for (i = 0; i < 3; i++) {
		if (!(val & BIT(i + 1)))
			continue;
		if (!(val & RB_NO_COUNT))
			latch_count(pit, i, now);
		if (!(val & RB_NO_STATUS) && !pit->ch[i].status_latched) {
			pit->ch[i].status_latched = true;
			pit->ch[i].latched_status = status_byte(pit, i, now);
		}
	}
}

static int write_control(struct vpit *pit, u8 val, u64 now)
{
	struct vpit_channel *c;
	u8 mode = CTRL_MODE(val);

	if (CTRL_CHANNEL(val) == CTRL_READBACK) {
		read_back(pit, val, now);
		return 0;
	}
	c = &pit->ch[CTRL_CHANNEL(val)];
	if (CTRL_ACCESS(val) == ACCESS_LATCH) {
		latch_count(pit, CTRL_CHANNEL(val), now);
		return 0;
	}
	if (val & CTRL_BCD)
		return -EOPNOTSUPP;
	/* Modes 6 and 7 are aliases of 2 and 3. */
	c->mode = mode > 5 ? mode - 4 : mode;
	c->access = CTRL_ACCESS(val);
	c->loaded = false;
	c->running = false;
	c->paused = false;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->count_latched = false;
	c->status_latched = false;
	return 0;
}

int vpit_write(struct vpit *pit, u32 reg, u8 val, u64 now)
{
	if (reg > 3)
		return -EINVAL;
	if (reg == 3)
		return write_control(pit, val, now);
	write_count(&pit->ch[reg], val, now);
	return 0;
}

static u8 read_latched(struct vpit_channel *c)
{
	u8 b;

	if (c->access == ACCESS_MSB || (c->access == ACCESS_BOTH && c->latch_msb_next))
		b = (u8)(c->latched_count >> 8);
	else
		b = (u8)c->latched_count;
	if (c->access == ACCESS_BOTH && !c->latch_msb_next)
		c->latch_msb_next = true;
	else
		c->count_latched = false;
	return b;
}

u8 vpit_read(struct vpit *pit, u32 reg, u64 now)
{
	struct vpit_channel *c;
	u16 count;

	if (reg >= 3)
		return 0xff;	/* the control register is write-only */
	c = &pit->ch[reg];
	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	if (c->count_latched)
		return read_latched(c);
	count = vpit_count(pit, reg, now);
	if (c->access == ACCESS_LSB)
		return (u8)count;
	if (c->access == ACCESS_MSB)
		return (u8)(count >> 8);
	c->read_msb_next = !c->read_msb_next;
	return c->read_msb_next ? (u8)count : (u8)(count >> 8);
}

void vpit_set_gate(struct vpit *pit, u32 channel, bool gate, u64 now)
{
	struct vpit_channel *c = &pit->ch[channel];
	bool rising = gate && !c->gate;

	c->gate = gate;
	if (!c->loaded)
		return;
	if (!gate_holds(c)) {
		/* Modes 1 and 5: a rising gate (re)triggers the count. */
		if (rising) {
			c->running = true;
			c->paused = false;
			c->start_ns = now;
		}
		return;
	}
	if (!gate && !c->paused) {
		c->paused_ns = now > c->start_ns ? now - c->start_ns : 0;
		c->paused = true;
	} else if (rising) {
		/* Modes 2 and 3 reload on the rising edge; 0 and 4 resume. */
		c->start_ns = periodic(c) ? now : now - c->paused_ns;
		c->paused = false;
	}
}

u64 vpit_next_irq(const struct vpit *pit, u64 now)
{
	const struct vpit_channel *c = &pit->ch[0];
	u64 e, edge;

	if (!c->running || c->paused)
		return 0;
	e = elapsed_ticks(c, now);
	if (periodic(c))
		edge = (e / c->reload + 1) * c->reload;
	else if (one_shot(c) && (c->mode == 0 || c->mode == 1))
		edge = c->reload;
	else
		edge = (u64)c->reload + 1;	/* modes 4 and 5: after the low tick */
	if (one_shot(c) && e >= edge)
		return 0;
	return c->start_ns + ticks_to_ns(edge);
}
