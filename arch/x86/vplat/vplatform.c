/*
 * The per-VM platform: port dispatch to the 8259 pair, the 8254, the
 * 8042, the RTC and the ACPI registers; the PIT's interrupt on a host
 * timer; the 8259's output to vCPU 0; the ISA lines to the IOAPIC's
 * pins. See asm/vplatform.h for who may call what.
 */
#include <asm/vplatform.h>
#include <core/arch.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/panic.h>

#define PORT61		0x61
#define P61_GATE2	BIT(0)
#define P61_SPEAKER	BIT(1)
#define P61_WRITABLE	(P61_GATE2 | P61_SPEAKER)
#define P61_REFRESH	BIT(4)
#define P61_OUT2	BIT(5)
#define PIT_IRQ		0
#define ISA_IRQS	16

u64 vplat_port_map[VPLAT_PORT_SPACE / 64];

struct vplat_port {
	u16 first;
	u16 last;
	u8 (*read)(struct vplatform *p, u16 port, u64 now);
	void (*write)(struct vplatform *p, u16 port, u8 val, u64 now);
	bool timed;	/* needs the time: the 8259 has none, and the clock is read only for the others */
};

/* The IOAPIC pin of an ISA line, as the MADT's interrupt source override says. */
static u32 isa_gsi(u32 irq)
{
	return irq == PIT_IRQ ? VPLAT_PIT_GSI : irq;
}

u32 vplat_ioapic_pin(u32 irq)
{
	return irq < ISA_IRQS ? isa_gsi(irq) : irq;
}

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

static u8 kbc_read(struct vplatform *p, u16 port, u64 now)
{
	return vkbc_read(&p->kbc, port);
}

static void kbc_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	if (vkbc_write(&p->kbc, port, val))
		p->event = VPLAT_IO_RESET;
}

static u8 rtc_read(struct vplatform *p, u16 port, u64 now)
{
	return vrtc_read(&p->rtc, port, now);
}

static void rtc_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	vrtc_write(&p->rtc, port, val, now);
}

static u8 pm_read(struct vplatform *p, u16 port, u64 now)
{
	return vpm_read(&p->pm, port, now - p->start_ns);
}

static void pm_write(struct vplatform *p, u16 port, u8 val, u64 now)
{
	switch (vpm_write(&p->pm, port, val, now - p->start_ns)) {
	case VPM_POWER_OFF:
		p->event = VPLAT_IO_POWER_OFF;
		break;
	case VPM_RESET:
		p->event = VPLAT_IO_RESET;
		break;
	case VPM_OTHER_SLEEP:
		if (!p->warned_sleep) {
			p->warned_sleep = true;
			pr_warn("vm %s: ACPI sleep type %u asked for: only S5 (type %u) exists, "
				"the VM wakes at once (reported once)\n", p->vm->name,
				(p->pm.pm1_cnt >> 10) & 7, VPLAT_S5_SLP_TYP);
		}
		break;
	case VPM_NONE:
		break;
	}
}

static const struct vplat_port ports[] = {
	{ VPIC_MASTER_CMD, VPIC_MASTER_DATA, pic_read, pic_write, false },
	{ VPIT_PORT_BASE, VPIT_PORT_CONTROL, pit_read, pit_write, true },
	{ VKBC_DATA_PORT, VKBC_DATA_PORT, kbc_read, kbc_write, false },
	{ PORT61, PORT61, port61_read, port61_write, true },
	{ VPLAT_KBC_CMD_PORT, VPLAT_KBC_CMD_PORT, kbc_read, kbc_write, false },
	{ VPLAT_RTC_INDEX_PORT, VPLAT_RTC_DATA_PORT, rtc_read, rtc_write, true },
	{ VPIC_SLAVE_CMD, VPIC_SLAVE_DATA, pic_read, pic_write, false },
	{ VPLAT_PM1A_EVT_PORT, VPLAT_PM1A_CNT_PORT + 1, pm_read, pm_write, true },
	{ VPLAT_PM_TMR_PORT, VPLAT_PM_TMR_PORT + 3, pm_read, pm_write, true },
	{ VPLAT_RESET_PORT, VPLAT_RESET_PORT, pm_read, pm_write, true },
};

static void fill_port_map(void)
{
	unsigned int i, port;

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		BUG_ON(ports[i].last >= VPLAT_PORT_SPACE);
		/* The checker must refuse a configured device here: it would never be reached. */
		BUG_ON(!config_x86_platform_has(true, ports[i].first,
						ports[i].last - ports[i].first + 1u));
		for (port = ports[i].first; port <= ports[i].last; port++)
			vplat_port_map[port / 64] |= BIT(port % 64);
	}
}

/* The row that holds every byte of the access: the chips are byte-wide. */
static const struct vplat_port *find_port(u16 port, u32 size)
{
	unsigned int i;

	if (!vplat_may_own(port))
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
	bool sci, sci_changed = false;
	u32 i, out = 0;
	int event;
	u64 now;

	if (!row)
		return -ENODEV;
	now = row->timed ? arch_time_ns() : 0;
	spin_lock(&p->lock);
	p->event = 0;
	for (i = 0; i < size; i++) {
		if (in)
			out |= (u32)row->read(p, (u16)(port + i), now) << (8 * i);
		else
			row->write(p, (u16)(port + i), (u8)(*val >> (8 * i)), now);
	}
	/* Only the PM registers move the SCI: their status and enable bits. */
	if (row->read == pm_read) {
		sci = vpm_sci(&p->pm, now - p->start_ns);
		sci_changed = sci != p->sci;
		p->sci = sci;
		if (sci_changed)
			vpic_set_irq(&p->pic, VPLAT_SCI_IRQ, sci);
	}
	event = p->event;
	update_intr(p);
	spin_unlock(&p->lock);
	if (sci_changed)
		vioapic_set_line(&p->ioapic, VPLAT_SCI_IRQ, sci);
	if (in)
		*val = out;
	/* On vCPU 0's own CPU the timer can follow at once. */
	if (vplat_needs_sync(p) && vcpu == bsp(p))
		vplat_sync(p);
	return event;
}

u64 vplat_wall_ns(struct vplatform *p)
{
	u64 now = arch_time_ns(), ns;

	spin_lock(&p->lock);
	ns = vrtc_seconds(&p->rtc, now) * 1000000000ULL;
	if (!p->rtc.held && now >= p->rtc.base_ns)
		ns += (now - p->rtc.base_ns) % 1000000000ULL;
	spin_unlock(&p->lock);
	return ns;
}

int vplat_irq_line(struct vplatform *p, u32 irq, bool level)
{
	if (irq >= VPLAT_IOAPIC_PINS)
		return -EINVAL;
	if (irq < ISA_IRQS) {
		spin_lock(&p->lock);
		vpic_set_irq(&p->pic, irq, level);
		update_intr(p);
		spin_unlock(&p->lock);
		irq = isa_gsi(irq);
	}
	return vioapic_set_line(&p->ioapic, irq, level);
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

	bool fired = false;

	spin_lock(&p->lock);
	/* A timer armed for an older, earlier deadline fires early: nothing is due yet. */
	if (p->pit_deadline && now >= p->pit_deadline) {
		vpic_set_irq(&p->pic, PIT_IRQ, true);
		vpic_set_irq(&p->pic, PIT_IRQ, false);
		update_intr(p);
		fired = true;
		/* Periods missed while the host was late are coalesced into this one. */
		p->pit_deadline = vpit_next_irq(&p->pit, now);
	}
	__atomic_store_n(&p->pit_dirty, false, __ATOMIC_RELEASE);
	if (p->pit_deadline)
		timer_arm(t, p->pit_deadline);
	spin_unlock(&p->lock);
	if (fired) {
		vioapic_set_line(&p->ioapic, VPLAT_PIT_GSI, true);
		vioapic_set_line(&p->ioapic, VPLAT_PIT_GSI, false);
	}
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

/*
 * The RTC starts at VPLAT_RTC_EPOCH, not at the host's date: a VM's
 * clock is then the same on every run (tests can check the date), and
 * the hypervisor needs no host RTC driver. A guest sets it as on a PC.
 */
/*
 * The chips' state after a reset; the caller holds the lock once others
 * may call in. The RTC is not among them: its clock and CMOS RAM are
 * battery-backed and outlive a reset, as on a PC.
 */
static void reset_chips(struct vplatform *p)
{
	vpic_reset(&p->pic);
	vpit_reset(&p->pit);
	vkbc_reset(&p->kbc);
	vpm_reset(&p->pm);
	p->start_ns = arch_time_ns();
	p->port61 = 0;
	p->refresh = false;
	p->sci = false;
	p->pit_deadline = 0;
	__atomic_store_n(&p->pit_dirty, false, __ATOMIC_RELEASE);
	__atomic_store_n(&p->intr, 0, __ATOMIC_RELEASE);
}

void vplat_init(struct vplatform *p, struct vm *vm)
{
	if (!vplat_port_map[0])
		fill_port_map();
	spin_lock_init(&p->lock);
	reset_chips(p);
	vrtc_reset(&p->rtc, VPLAT_RTC_EPOCH, arch_time_ns());
	timer_init(&p->pit_timer, pit_expired);
	vioapic_init(&p->ioapic, vm);
	p->vm = vm;
}

/*
 * A VM reset, with every vCPU parked (the PIT's timer was cancelled by
 * vCPU 0's put): VMM device threads may still raise lines, hence the
 * locks; a line they hold high is high again at their next change.
 */
void vplat_reset(struct vplatform *p)
{
	spin_lock(&p->lock);
	reset_chips(p);
	spin_unlock(&p->lock);
	vioapic_reset(&p->ioapic);
}
