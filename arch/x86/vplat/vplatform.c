/*
 * The per-VM legacy platform: port dispatch to the 8259 pair and the
 * 8254, the PIT's interrupt on a host timer, and the 8259's output to
 * vCPU 0. See asm/vplatform.h for who may call what.
 */
#include <asm/vplatform.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define PORT61		0x61
#define P61_GATE2	BIT(0)
#define P61_SPEAKER	BIT(1)
#define P61_WRITABLE	(P61_GATE2 | P61_SPEAKER)
#define P61_REFRESH	BIT(4)
#define P61_OUT2	BIT(5)
#define PIT_IRQ		0
/* The highest port of the table below (vplat_may_own()). */
#define LAST_PORT	VPLAT_LAST_PORT

struct vplat_port {
	u16 first;
	u16 last;
	u8 (*read)(struct vplatform *p, u16 port, u64 now);
	void (*write)(struct vplatform *p, u16 port, u8 val, u64 now);
	bool timed;	/* needs the time: the 8259 has none, and the clock is read only for the others */
};

static struct vcpu *bsp(const struct vplatform *p)
{
	return p->vm->nr_vcpus ? p->vm->vcpus[0] : NULL;
}

/* Caller holds the lock. Publishes the 8259's output; vCPU 0 injects it. */
static void update_intr(struct vplatform *p)
{
	u32 now = vpic_pending(&p->pic);
	u32 was = __atomic_exchange_n(&p->intr, now, __ATOMIC_ACQ_REL);
	struct vcpu *v = bsp(p);

	if (now && !was && v)
		vcpu_request(v, VCPU_REQ_EVENT);
}

/* Caller holds the lock. */
static void pit_reschedule(struct vplatform *p, u64 now)
{
	u64 next = vpit_next_irq(&p->pit, now);
	struct vcpu *v = bsp(p);

	if (next == p->pit_deadline)
		return;
	p->pit_deadline = next;
	__atomic_store_n(&p->pit_dirty, true, __ATOMIC_RELEASE);
	if (v && v->pcpu != cpu_id())
		vcpu_request(v, VCPU_REQ_EVENT);
}

static u8 pic_read(struct vplatform *p, u16 port, u64 now)
{
	return vpic_read(&p->pic, port);
}

static void pic_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	vpic_write(&p->pic, port, val);
}

static u8 pit_read(struct vplatform *p, u16 port, u64 now)
{
	return vpit_read(&p->pit, port - VPIT_PORT_BASE, now);
}

static void pit_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	if (vpit_write(&p->pit, port - VPIT_PORT_BASE, val, now) && !p->warned) {
		p->warned = true;
		pr_warn("vm %s: PIT control word %#x asks for BCD counting, which is not "
			"emulated: ignored\n", p->vm->name, val);
	}
	pit_reschedule(p, now);
}

static u8 port61_read(struct vplatform *p, u16 port, u64 now)
{
	/* The refresh bit toggles so that delay loops polling it make progress. */
	p->refresh = !p->refresh;
	return p->port61 | (p->refresh ? P61_REFRESH : 0) |
	       (vpit_out(&p->pit, 2, now) ? P61_OUT2 : 0);
}

static void port61_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	p->port61 = val & P61_WRITABLE;
	vpit_set_gate(&p->pit, 2, val & P61_GATE2, now);
}

static const struct vplat_port ports[] = {
	{ VPIC_MASTER_CMD, VPIC_MASTER_DATA, pic_read, pic_write, false },
	{ VPIC_SLAVE_CMD, VPIC_SLAVE_DATA, pic_read, pic_write, false },
	{ VPIT_PORT_BASE, VPIT_PORT_CONTROL, pit_read, pit_write, true },
	{ PORT61, PORT61, port61_read, port61_write, true },
};

/* The row that holds every byte of the access: the chips are byte-wide. */
static const struct vplat_port *find_port(u16 port, u32 size)
{
	unsigned int i;

	if (port > LAST_PORT)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		if (port >= ports[i].first && (u32)port + size - 1 <= ports[i].last)
			return &ports[i];
	return NULL;
}

int vplat_io(struct vplatform *p, struct vcpu *vcpu, u16 port, u32 size, bool in, u32 *val)
{
	/* The VMM's ports do not get here (vplat_may_own()); a gap in the range may. */
	const struct vplat_port *row = find_port(port, size);
	u32 i, out = 0;
	u64 now;

	if (!row)
		return -ENODEV;
	now = row->timed ? arch_time_ns() : 0;
	spin_lock(&p->lock);
	for (i = 0; i < size; i++) {
		if (in)
			out |= (u32)row->read(p, (u16)(port + i), now) << (8 * i);
		else
			row->write(p, (u16)(port + i), (u8)(*val >> (8 * i)), now);
	}
	update_intr(p);
	spin_unlock(&p->lock);
	if (in)
		*val = out;
	/* On vCPU 0's own CPU the timer can follow at once. */
	if (vplat_needs_sync(p) && vcpu == bsp(p))
		vplat_sync(p);
	return 0;
}

int vplat_irq_line(struct vplatform *p, u32 irq, bool level)
{
	if (irq >= VPIC_IRQS)
		return -EINVAL;
	spin_lock(&p->lock);
	vpic_set_irq(&p->pic, irq, level);
	update_intr(p);
	spin_unlock(&p->lock);
	return 0;
}

u8 vplat_intr_ack(struct vplatform *p)
{
	u8 vector;

	spin_lock(&p->lock);
	vector = vpic_ack(&p->pic);
	update_intr(p);
	spin_unlock(&p->lock);
	return vector;
}

/* IRQ 0 is edge triggered: a pulse per expiry. Runs on vCPU 0's CPU. */
static void pit_expired(struct timer *t)
{
	struct vplatform *p = container_of(t, struct vplatform, pit_timer);
	u64 now = arch_time_ns();

	spin_lock(&p->lock);
	/* A timer armed for an older, earlier deadline fires early: nothing is due yet. */
	if (p->pit_deadline && now >= p->pit_deadline) {
		vpic_set_irq(&p->pic, PIT_IRQ, true);
		vpic_set_irq(&p->pic, PIT_IRQ, false);
		update_intr(p);
		/* Periods missed while the host was late are coalesced into this one. */
		p->pit_deadline = vpit_next_irq(&p->pit, now);
	}
	__atomic_store_n(&p->pit_dirty, false, __ATOMIC_RELEASE);
	if (p->pit_deadline)
		timer_arm(t, p->pit_deadline);
	spin_unlock(&p->lock);
}

void vplat_sync(struct vplatform *p)
{
	u64 deadline;

	spin_lock(&p->lock);
	__atomic_store_n(&p->pit_dirty, false, __ATOMIC_RELEASE);
	deadline = p->pit_deadline;
	spin_unlock(&p->lock);
	if (deadline)
		timer_arm(&p->pit_timer, deadline);
	else
		timer_cancel(&p->pit_timer);
}

void vplat_init(struct vplatform *p, struct vm *vm)
{
	spin_lock_init(&p->lock);
	vpic_reset(&p->pic);
	vpit_reset(&p->pit);
	timer_init(&p->pit_timer, pit_expired);
	p->vm = vm;
}
