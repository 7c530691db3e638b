/*
 * The virtual local APIC: registers as a table of rows and one
 * dispatcher for both the xAPIC page and the x2APIC MSRs, the priority
 * logic, the timer and the start-up state. asm/vlapic.h has the rules
 * (who touches what) and the choices made where the architecture leaves
 * room.
 */
#include <asm/apic_bus.h>
#include <asm/vlapic.h>
#include <asm/vplat_layout.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <lib/string.h>

#define REG(off)		((off) >> 4)
#define ESR_SEND_ILLEGAL	BIT(5)
#define ESR_RECV_ILLEGAL	BIT(6)
#define ESR_ILLEGAL_REG		BIT(7)
/* ICR low: vector, delivery, destination mode, level, trigger, shorthand. */
#define ICR_WMASK		0x000ccfffu
#define LVT_TIMER_MODE_SHIFT	17
#define LVT_TIMER_MODE_MASK	(3u << LVT_TIMER_MODE_SHIFT)
#define LVT_DELIVERY(v)		(((v) >> 8) & 7)
#define TIMER_ONESHOT		0
#define TIMER_PERIODIC		1
#define TIMER_TSC_DEADLINE	2
#define DFR_FLAT		0xf0000000u
#define DFR_RESERVED_ONES	0x0fffffffu
#define NR_LVTS			6
/*
 * Errors not yet latched by an ESR write, kept in the reserved slot
 * after ESR (no row reads it): senders set bits here atomically.
 */
#define ESR_PENDING		(APIC_ESR + 0x10)

/* Row flags. */
#define R		BIT(0)	/* readable */
#define W		BIT(1)	/* writable */
#define XAPIC_ONLY	BIT(2)	/* no x2APIC MSR: #GP there */
#define X2APIC_ONLY	BIT(3)	/* reserved in the xAPIC page */
#define X2_RO		BIT(4)	/* read-only in x2APIC mode (ID, LDR) */
/*
 * An LVT: its delivery status (bit 12) and remote IRR (bit 14) are read
 * only, and a WRMSR that carries them back is no #GP (they are not
 * reserved): Linux writes LINT0 as 0x5700 when it leaves the APIC.
 */
#define LVT		BIT(5)
#define LVT_RO_BITS	(BIT(12) | BIT(14))

struct vlapic_row {
	u16 offset;
	u8 count;		/* consecutive 16-byte registers (ISR, TMR, IRR: 8) */
	u8 flags;
	u32 wmask;		/* bits a write changes; x2APIC: a bit outside is #GP */
	u32 (*read)(struct vlapic *a, u32 off);		/* NULL: the stored value */
	void (*write)(struct vlapic *a, u32 off, u32 val);	/* NULL: store the wmask bits */
};

static u32 reg_get(const struct vlapic *a, u32 off)
{
	return __atomic_load_n(&a->regs[REG(off)], __ATOMIC_RELAXED);
}

static void reg_set(struct vlapic *a, u32 off, u32 val)
{
	__atomic_store_n(&a->regs[REG(off)], val, __ATOMIC_RELAXED);
}

/* Vector bits of IRR/ISR/TMR: word (vector / 32) of the 8 registers at @base. */
static u32 *vec_word(struct vlapic *a, u32 base, u8 vector)
{
	return &a->regs[REG(base) + vector / 32];
}

static int highest_vector(const struct vlapic *a, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = __atomic_load_n(&a->regs[REG(base) + i], __ATOMIC_ACQUIRE);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

enum vlapic_mode vlapic_mode(const struct vlapic *a)
{
	u64 base = __atomic_load_n(&a->base, __ATOMIC_ACQUIRE);

	if (!(base & APIC_BASE_EN))
		return VLAPIC_DISABLED;
	return (base & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

u32 vlapic_id(const struct vlapic *a)
{
	return __atomic_load_n(&a->id, __ATOMIC_RELAXED);
}

bool vlapic_sw_enabled(const struct vlapic *a)
{
	return reg_get(a, APIC_SVR) & APIC_SVR_ENABLE;
}

u32 vlapic_ppr(const struct vlapic *a)
{
	u32 tpr = reg_get(a, APIC_TPR) & 0xff;
	int isrv = highest_vector(a, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

/* ---- errors and local interrupts ---- */

/* An LVT's interrupt into this APIC, unless masked; only fixed delivery is modelled. */
static void lvt_fire(struct vlapic *a, u32 off)
{
	u32 lvt = reg_get(a, off);

	if (!(lvt & APIC_LVT_MASKED))
		vlapic_accept_fixed(a, (u8)lvt, false);
}

/* Errors accumulate until the next ESR write latches them; the error LVT says so at once. */
static void esr_raise(struct vlapic *a, u32 bit)
{
	u32 old = __atomic_fetch_or(&a->regs[REG(ESR_PENDING)], bit, __ATOMIC_ACQ_REL);

	if (!(old & bit))
		lvt_fire(a, APIC_LVT_ERROR);
}

bool vlapic_accept_fixed(struct vlapic *a, u8 vector, bool level)
{
	u32 bit = BIT(vector % 32);

	if (vlapic_mode(a) == VLAPIC_DISABLED || !vlapic_sw_enabled(a))
		return false;
	if (vector < 16) {
		esr_raise(a, ESR_RECV_ILLEGAL);
		return false;
	}
	if (level)
		__atomic_fetch_or(vec_word(a, APIC_TMR, vector), bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(vec_word(a, APIC_TMR, vector), ~bit, __ATOMIC_RELAXED);
	__atomic_fetch_or(vec_word(a, APIC_IRR, vector), bit, __ATOMIC_RELEASE);
	/* After the IRR bit: vlapic_ack()'s re-check relies on this order. */
	__atomic_fetch_or(&a->irr_words, BIT(vector / 32), __ATOMIC_RELEASE);
	return true;
}

int vlapic_pending_vector(const struct vlapic *a)
{
	int irrv;

	/* Every entry asks: one load answers "nothing pending". */
	if (!__atomic_load_n(&a->irr_words, __ATOMIC_ACQUIRE))
		return -1;
	irrv = highest_vector(a, APIC_IRR);
	if (irrv < 0 || vlapic_mode(a) == VLAPIC_DISABLED)
		return -1;
	return ((u32)irrv & 0xf0) > (vlapic_ppr(a) & 0xf0) ? irrv : -1;
}

void vlapic_ack(struct vlapic *a, u8 vector)
{
	u32 bit = BIT(vector % 32);

	u32 *irr = vec_word(a, APIC_IRR, vector);

	/*
	 * The word's summary bit goes when the word is empty, then comes back
	 * if a sender set a bit meanwhile (it sets the IRR bit first).
	 */
	if (!(__atomic_and_fetch(irr, ~bit, __ATOMIC_ACQ_REL))) {
		__atomic_fetch_and(&a->irr_words, ~BIT(vector / 32), __ATOMIC_ACQ_REL);
		if (__atomic_load_n(irr, __ATOMIC_ACQUIRE))
			__atomic_fetch_or(&a->irr_words, BIT(vector / 32), __ATOMIC_ACQ_REL);
	}
	*vec_word(a, APIC_ISR, vector) |= bit;
}

bool vlapic_accepts_pic(const struct vlapic *a)
{
	u32 lvt0 = reg_get(a, APIC_LVT_LINT0);

	if (vlapic_mode(a) == VLAPIC_DISABLED)
		return true;
	return !(lvt0 & APIC_LVT_MASKED) && LVT_DELIVERY(lvt0) == APIC_DELIVERY_EXTINT;
}

void vlapic_set_cr8(struct vlapic *a, u8 cr8)
{
	reg_set(a, APIC_TPR, (u32)(cr8 & 0xf) << 4);
}

/* ---- the timer ---- */

u32 vlapic_timer_divisor(u32 dcr)
{
	u32 v = ((dcr & 8) >> 1) | (dcr & 3);

	return v == 7 ? 1 : 2u << v;
}

static u32 timer_mode(const struct vlapic *a)
{
	return (reg_get(a, APIC_LVT_TIMER) & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT;
}

static void timer_stop(struct vlapic *a)
{
	a->timer_deadline = 0;
	a->timer_period = 0;
	timer_cancel(&a->timer);
}

static void timer_set(struct vlapic *a, u64 deadline)
{
	a->timer_deadline = deadline;
	timer_arm(&a->timer, deadline);
}

u32 vlapic_timer_ccr(const struct vlapic *a, u64 now)
{
	u64 left;

	if (timer_mode(a) == TIMER_TSC_DEADLINE || !a->timer_deadline || now >= a->timer_deadline)
		return 0;
	left = (a->timer_deadline - now) / vlapic_timer_divisor(reg_get(a, APIC_TIMER_DCR));
	return (u32)MIN(left, (u64)reg_get(a, APIC_TIMER_ICR));
}

/* A count loaded into the initial-count register starts counting down from now. */
static void timer_load(struct vlapic *a, u32 count)
{
	u64 period = (u64)count * vlapic_timer_divisor(reg_get(a, APIC_TIMER_DCR)) *
		     (1000000000ULL / VPLAT_LAPIC_BUS_HZ);
	u64 now = arch_time_ns();

	timer_stop(a);
	if (!count || timer_mode(a) == TIMER_TSC_DEADLINE)
		return;
	if (timer_mode(a) == TIMER_PERIODIC)
		period = MAX(period, VLAPIC_MIN_PERIOD_NS);
	a->timer_period = period;
	a->timer_start = now;
	timer_set(a, now + period);
}

/* On the owner's CPU (core timers never move): the LVT fires, a periodic timer goes on. */
static void timer_expired(struct timer *t)
{
	struct vlapic *a = container_of(t, struct vlapic, timer);
	u64 now = arch_time_ns(), next;

	if (!a->timer_deadline)
		return;
	if (now < a->timer_deadline) {
		timer_arm(t, a->timer_deadline);
		return;
	}
	lvt_fire(a, APIC_LVT_TIMER);
	if (timer_mode(a) == TIMER_PERIODIC && a->timer_period) {
		/* Periods missed while the host was late are coalesced into this one. */
		next = a->timer_deadline + a->timer_period;
		if (next <= now)
			next = now + a->timer_period;
		a->timer_start = next - a->timer_period;
		timer_set(a, next);
		return;
	}
	a->timer_deadline = 0;
	a->tsc_deadline = 0;
}

/*
 * @ticks of a @hz TSC in ns, without a 128-bit division (the kernel has
 * no libgcc): the remainder times 10^9 fits in 64 bits for any TSC below
 * 18 GHz; a distance too far to count saturates.
 */
static u64 tsc_to_ns(u64 ticks, u64 hz)
{
	u64 secs = ticks / hz, rem = ticks % hz;

	if (secs > ~0ULL / 1000000000ULL - 1)
		return ~0ULL;
	return secs * 1000000000ULL + rem * 1000000000ULL / hz;
}

u64 vlapic_tsc_deadline_read(const struct vlapic *a)
{
	return timer_mode(a) == TIMER_TSC_DEADLINE ? a->tsc_deadline : 0;
}

/* Outside TSC-deadline mode the write is ignored, as the SDM says; 0 disarms. */
void vlapic_tsc_deadline_write(struct vlapic *a, u64 deadline, u64 tsc_now, u64 tsc_hz)
{
	u64 now = arch_time_ns(), delta = 0;

	if (timer_mode(a) != TIMER_TSC_DEADLINE)
		return;
	timer_stop(a);
	a->tsc_deadline = deadline;
	if (!deadline)
		return;
	if (deadline > tsc_now && tsc_hz)
		delta = tsc_to_ns(deadline - tsc_now, tsc_hz);
	timer_set(a, delta > ~0ULL - now ? ~0ULL : now + delta);
}

/* ---- register handlers ---- */

static u32 read_zero(struct vlapic *a, u32 off)
{
	return 0;
}

static u32 read_id(struct vlapic *a, u32 off)
{
	return vlapic_mode(a) == VLAPIC_X2APIC ? vlapic_id(a) : vlapic_id(a) << 24;
}

static void write_id(struct vlapic *a, u32 off, u32 val)
{
	__atomic_store_n(&a->id, val >> 24, __ATOMIC_RELAXED);
}

static u32 read_ppr(struct vlapic *a, u32 off)
{
	return vlapic_ppr(a);
}

static u32 x2apic_ldr(u32 id)
{
	return (id >> 4) << 16 | BIT(id & 0xf);
}

static u32 read_ldr(struct vlapic *a, u32 off)
{
	return vlapic_mode(a) == VLAPIC_X2APIC ? x2apic_ldr(vlapic_id(a)) : reg_get(a, off);
}

static u32 read_dfr(struct vlapic *a, u32 off)
{
	return reg_get(a, off) | DFR_RESERVED_ONES;
}

/* The highest in-service vector is done; a level-triggered one is the IOAPIC's news too. */
static void write_eoi(struct vlapic *a, u32 off, u32 val)
{
	int v = highest_vector(a, APIC_ISR);
	u32 bit;

	if (v < 0)
		return;
	bit = BIT(v % 32);
	*vec_word(a, APIC_ISR, (u8)v) &= ~bit;
	if (__atomic_load_n(vec_word(a, APIC_TMR, (u8)v), __ATOMIC_RELAXED) & bit)
		vioapic_eoi(a->vcpu->vm, (u8)v);
}

static const u32 lvt_offsets[NR_LVTS] = {
	APIC_LVT_TIMER, APIC_LVT_THERM, APIC_LVT_PERF, APIC_LVT_LINT0, APIC_LVT_LINT1,
	APIC_LVT_ERROR,
};

/* Software-disabled: every LVT is masked, and stays so until the APIC is enabled again. */
static void write_svr(struct vlapic *a, u32 off, u32 val)
{
	unsigned int i;

	reg_set(a, off, val);
	if (val & APIC_SVR_ENABLE)
		return;
	for (i = 0; i < NR_LVTS; i++)
		reg_set(a, lvt_offsets[i], reg_get(a, lvt_offsets[i]) | APIC_LVT_MASKED);
}

static u32 read_esr(struct vlapic *a, u32 off)
{
	return reg_get(a, off);
}

/* A write latches the errors seen since the previous one and starts collecting anew. */
static void write_esr(struct vlapic *a, u32 off, u32 val)
{
	reg_set(a, off, __atomic_exchange_n(&a->regs[REG(ESR_PENDING)], 0, __ATOMIC_ACQ_REL));
}

static void write_lvt(struct vlapic *a, u32 off, u32 val)
{
	if (!vlapic_sw_enabled(a))
		val |= APIC_LVT_MASKED;
	reg_set(a, off, val);
}

static u32 lvt_timer_wmask(const struct vlapic *a)
{
	return 0x100ff | (a->tsc_deadline_offered ? LVT_TIMER_MODE_MASK : BIT(17));
}

/* A change of mode disarms the timer: the count or deadline of the old mode means nothing now. */
static void write_lvt_timer(struct vlapic *a, u32 off, u32 val)
{
	u32 old = timer_mode(a);

	val &= lvt_timer_wmask(a);
	write_lvt(a, off, val);
	if (timer_mode(a) != old) {
		timer_stop(a);
		reg_set(a, APIC_TIMER_ICR, 0);
		a->tsc_deadline = 0;
	}
}

static void write_timer_icr(struct vlapic *a, u32 off, u32 val)
{
	if (timer_mode(a) == TIMER_TSC_DEADLINE)
		return;
	reg_set(a, off, val);
	timer_load(a, val);
}

static u32 read_timer_ccr(struct vlapic *a, u32 off)
{
	return vlapic_timer_ccr(a, arch_time_ns());
}

static void send_ipi(struct vlapic *a, u32 lo, u32 dest, bool x2apic)
{
	struct apic_msg m = {
		.dest = dest, .vector = (u8)lo, .delivery = LVT_DELIVERY(lo),
		.shorthand = (lo >> 18) & 3, .logical = lo & BIT(11), .level = lo & BIT(15),
		.assert = lo & BIT(14), .src_vcpu = a->vcpu->id, .x2apic = x2apic,
	};

	if ((m.delivery == APIC_DELIVERY_FIXED || m.delivery == APIC_DELIVERY_LOWEST) &&
	    m.vector < 16) {
		esr_raise(a, ESR_SEND_ILLEGAL);
		return;
	}
	if (m.delivery == APIC_DELIVERY_SMI || m.delivery == 3 ||
	    m.delivery == APIC_DELIVERY_EXTINT) {
		if (!a->warned)
			pr_warn("vm %s vCPU %u: IPI with delivery mode %u is not supported: "
				"not sent\n", a->vcpu->vm->name, a->vcpu->id, m.delivery);
		a->warned = true;
		return;
	}
	apic_bus_deliver(a->vcpu->vm, &m);
}

/* ICR low: the write sends; the delivery status (bit 12) always reads idle. */
static void write_icr_lo(struct vlapic *a, u32 off, u32 val)
{
	reg_set(a, off, val);
	send_ipi(a, val, reg_get(a, APIC_ICR_HI) >> 24, false);
}

static void write_self_ipi(struct vlapic *a, u32 off, u32 val)
{
	if (val < 16) {
		esr_raise(a, ESR_SEND_ILLEGAL);
		return;
	}
	vlapic_accept_fixed(a, (u8)val, false);
}

static const struct vlapic_row rows[] = {
	{ APIC_ID, 1, R | W | X2_RO, 0xff000000u, read_id, write_id },
	{ APIC_VERSION, 1, R, 0, NULL, NULL },
	{ APIC_TPR, 1, R | W, 0xff, NULL, NULL },
	{ APIC_APR, 1, R | XAPIC_ONLY, 0, read_zero, NULL },
	{ APIC_PPR, 1, R, 0, read_ppr, NULL },
	{ APIC_EOI, 1, W, 0, NULL, write_eoi },
	{ APIC_RRD, 1, R | XAPIC_ONLY, 0, read_zero, NULL },
	{ APIC_LDR, 1, R | W | X2_RO, 0xff000000u, read_ldr, NULL },
	{ APIC_DFR, 1, R | W | XAPIC_ONLY, 0xf0000000u, read_dfr, NULL },
	{ APIC_SVR, 1, R | W, 0x3ff, NULL, write_svr },
	{ APIC_ISR, 8, R, 0, NULL, NULL },
	{ APIC_TMR, 8, R, 0, NULL, NULL },
	{ APIC_IRR, 8, R, 0, NULL, NULL },
	{ APIC_ESR, 1, R | W, 0, read_esr, write_esr },
	{ APIC_ICR_LO, 1, R | W, ICR_WMASK, NULL, write_icr_lo },
	{ APIC_ICR_HI, 1, R | W | XAPIC_ONLY, 0xff000000u, NULL, NULL },
	{ APIC_LVT_TIMER, 1, R | W | LVT, 0x700ff, NULL, write_lvt_timer },
	{ APIC_LVT_THERM, 1, R | W | LVT, 0x107ff, NULL, write_lvt },
	{ APIC_LVT_PERF, 1, R | W | LVT, 0x107ff, NULL, write_lvt },
	{ APIC_LVT_LINT0, 1, R | W | LVT, 0x1a7ff, NULL, write_lvt },
	{ APIC_LVT_LINT1, 1, R | W | LVT, 0x1a7ff, NULL, write_lvt },
	{ APIC_LVT_ERROR, 1, R | W | LVT, 0x100ff, NULL, write_lvt },
	{ APIC_TIMER_ICR, 1, R | W, 0xffffffffu, NULL, write_timer_icr },
	{ APIC_TIMER_CCR, 1, R, 0, read_timer_ccr, NULL },
	{ APIC_TIMER_DCR, 1, R | W, 0xb, NULL, NULL },
	{ APIC_SELF_IPI, 1, W | X2APIC_ONLY, 0xff, NULL, write_self_ipi },
};

static const struct vlapic_row *find_row(u32 off)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (off >= rows[i].offset && off < rows[i].offset + rows[i].count * 16u)
			return &rows[i];
	return NULL;
}

static u32 row_read(struct vlapic *a, const struct vlapic_row *row, u32 off)
{
	return row->read ? row->read(a, off) : reg_get(a, off);
}

/* @val has only the row's writable bits. */
static void row_write(struct vlapic *a, const struct vlapic_row *row, u32 off, u32 val)
{
	if (row->write)
		row->write(a, off, val);
	else
		reg_set(a, off, val | (reg_get(a, off) & ~row->wmask));
}

u32 vlapic_reg(const struct vlapic *a, u32 offset)
{
	const struct vlapic_row *row = find_row(offset & 0xff0);

	return row && (row->flags & R) ? row_read((struct vlapic *)a, row, offset & 0xff0) : 0;
}

/* ---- the xAPIC page ---- */

bool vlapic_mmio_claims(const struct vlapic *a, u64 gpa)
{
	u64 base = __atomic_load_n(&a->base, __ATOMIC_RELAXED);

	return vlapic_mode(a) == VLAPIC_XAPIC && (gpa & ~0xfffULL) == (base & ~0xfffULL);
}

static void bad_access(struct vlapic *a, u32 off, u32 len, bool write)
{
	if (!a->bad_accesses++)
		pr_warn("vm %s vCPU %u: xAPIC %s of %u bytes at offset %#x: not a 32-bit access "
			"of a register, %s\n", a->vcpu->vm->name, a->vcpu->id,
			write ? "write" : "read", len, off, write ? "ignored" : "reads 0");
}

int vlapic_mmio_access(struct vlapic *a, u64 gpa, u32 len, bool write, u64 *val)
{
	u32 off = (u32)(gpa & 0xfff), slot = off & ~0xfu, in = off & 0xf;
	const struct vlapic_row *row = find_row(slot);

	if (!write)
		*val = 0;
	if (!row || (row->flags & X2APIC_ONLY)) {
		esr_raise(a, ESR_ILLEGAL_REG);
		return 0;
	}
	if (write) {
		if (len != 4 || in) {
			bad_access(a, off, len, true);
			return 0;
		}
		if (row->flags & W)
			row_write(a, row, slot, (u32)*val & row->wmask);
		return 0;
	}
	/* An empty read at offset 4 would shift the register by 32 bits. */
	if (!len || in + len > 4) {
		bad_access(a, off, len, false);
		return 0;
	}
	if (row->flags & R)
		*val = (row_read(a, row, slot) >> (8 * in)) & (u32)(BIT(8 * len) - 1);
	return 0;
}

/* ---- the x2APIC MSRs ---- */

static const struct vlapic_row *x2apic_row(const struct vlapic *a, u32 msr)
{
	const struct vlapic_row *row;

	if (vlapic_mode(a) != VLAPIC_X2APIC || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return NULL;
	row = find_row((msr - MSR_X2APIC_FIRST) << 4);
	return row && !(row->flags & XAPIC_ONLY) ? row : NULL;
}

int vlapic_msr_read(struct vlapic *a, u32 msr, u64 *val)
{
	const struct vlapic_row *row = x2apic_row(a, msr);
	u32 off = (msr - MSR_X2APIC_FIRST) << 4;

	if (!row || !(row->flags & R))
		return -EINVAL;
	*val = row_read(a, row, off);
	if (off == APIC_ICR_LO)
		*val |= (u64)reg_get(a, APIC_ICR_HI) << 32;
	return 0;
}

int vlapic_msr_write(struct vlapic *a, u32 msr, u64 val)
{
	const struct vlapic_row *row = x2apic_row(a, msr);
	u32 off = (msr - MSR_X2APIC_FIRST) << 4;

	if (!row || !(row->flags & W) || (row->flags & X2_RO))
		return -EINVAL;
	/* The 64-bit ICR: the destination is the high half, the whole x2APIC ID. */
	if (off == APIC_ICR_LO) {
		if ((u32)val & ~ICR_WMASK)
			return -EINVAL;
		reg_set(a, APIC_ICR_HI, (u32)(val >> 32));
		reg_set(a, APIC_ICR_LO, (u32)val);
		send_ipi(a, (u32)val, (u32)(val >> 32), true);
		return 0;
	}
	if ((val >> 32) || ((u32)val & ~(row->wmask | ((row->flags & LVT) ? LVT_RO_BITS : 0))))
		return -EINVAL;
	row_write(a, row, off, (u32)val & row->wmask);
	return 0;
}

/* ---- IA32_APIC_BASE and the resets ---- */

u64 vlapic_base_read(const struct vlapic *a)
{
	return __atomic_load_n(&a->base, __ATOMIC_ACQUIRE);
}

static enum vlapic_mode mode_of(u64 base)
{
	if (!(base & APIC_BASE_EN))
		return VLAPIC_DISABLED;
	return (base & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

/*
 * The legal transitions (SDM 10.12.5): disabled <-> xAPIC, xAPIC ->
 * x2APIC, x2APIC -> disabled. EXTD without EN and x2APIC -> xAPIC are
 * refused, and so is disabled -> x2APIC in one step. The BSP bit is the
 * platform's: what the guest writes there changes nothing.
 */
int vlapic_base_write(struct vlapic *a, u64 val)
{
	u64 reserved = a->phys_mask | 0x2ffULL | (a->x2apic_offered ? 0 : APIC_BASE_EXTD);
	enum vlapic_mode old = vlapic_mode(a), new = mode_of(val);

	if ((val & reserved) || ((val & APIC_BASE_EXTD) && !(val & APIC_BASE_EN)))
		return -EINVAL;
	if ((old == VLAPIC_X2APIC && new == VLAPIC_XAPIC) ||
	    (old == VLAPIC_DISABLED && new == VLAPIC_X2APIC))
		return -EINVAL;
	__atomic_store_n(&a->base, (val & ~APIC_BASE_BSP) | (a->base & APIC_BASE_BSP),
			 __ATOMIC_RELEASE);
	/* Globally disabled, the APIC loses its state: re-enabled, it is as after reset. */
	if (new == VLAPIC_DISABLED && old != VLAPIC_DISABLED)
		vlapic_reset(a, true);
	/* The x2APIC ID is the initial APIC ID, whatever the xAPIC ID was changed to. */
	if (new == VLAPIC_X2APIC && old != VLAPIC_X2APIC)
		__atomic_store_n(&a->id, a->vcpu->id, __ATOMIC_RELAXED);
	return 0;
}

void vlapic_reset(struct vlapic *a, bool init)
{
	bool bsp = a->base & APIC_BASE_BSP;
	unsigned int i;

	timer_stop(a);
	if (!init)
		__atomic_store_n(&a->base,
				 VPLAT_LAPIC_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0),
				 __ATOMIC_RELEASE);
	for (i = 0; i < VLAPIC_REGS; i++)
		__atomic_store_n(&a->regs[i], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&a->irr_words, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&a->id, a->vcpu->id, __ATOMIC_RELAXED);
	reg_set(a, APIC_VERSION, APIC_VERSION_VALUE);
	reg_set(a, APIC_DFR, DFR_FLAT);
	reg_set(a, APIC_SVR, 0xff);
	for (i = 0; i < NR_LVTS; i++)
		reg_set(a, lvt_offsets[i], APIC_LVT_MASKED);
	/*
	 * Virtual wire, as KVM resets its BSP: the 8259's INTR reaches vCPU 0
	 * through LINT0 for a guest that never programs its APIC.
	 */
	if (bsp && !init)
		reg_set(a, APIC_LVT_LINT0, APIC_DELIVERY_EXTINT << 8);
	a->tsc_deadline = 0;
}

void vlapic_set_features(struct vlapic *a, bool x2apic, bool tsc_deadline, u32 phys_bits)
{
	a->x2apic_offered = x2apic;
	a->tsc_deadline_offered = tsc_deadline;
	a->phys_mask = phys_bits >= 64 ? 0 : ~0ULL << phys_bits;
}

void vlapic_init(struct vlapic *a, struct vcpu *vcpu, bool bsp)
{
	memset(a, 0, sizeof(*a));
	a->vcpu = vcpu;
	a->base = bsp ? APIC_BASE_BSP : 0;
	timer_init(&a->timer, timer_expired);
	vlapic_set_features(a, true, true, 40);
	vlapic_reset(a, false);
	a->run_state = bsp ? VLAPIC_RUNNING : VLAPIC_WAIT_INIT;
}

void vlapic_destroy(struct vlapic *a)
{
	timer_stop(a);
}

void vlapic_put(struct vlapic *a)
{
	timer_stop(a);
}

/* ---- start-up and NMI, from senders ---- */

/* INIT supersedes a SIPI the vCPU has not taken yet. */
void vlapic_post_init(struct vlapic *a)
{
	__atomic_fetch_and(&a->events, ~(u32)VLAPIC_EV_SIPI, __ATOMIC_ACQ_REL);
	__atomic_store_n(&a->run_state, VLAPIC_WAIT_SIPI, __ATOMIC_RELEASE);
	__atomic_fetch_or(&a->events, VLAPIC_EV_INIT, __ATOMIC_ACQ_REL);
}

/* Only a vCPU waiting for SIPI takes one: the first SIPI wins, a second is ignored. */
bool vlapic_post_sipi(struct vlapic *a, u8 vector)
{
	u32 want = VLAPIC_WAIT_SIPI;

	if (!__atomic_compare_exchange_n(&a->run_state, &want, VLAPIC_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&a->sipi_vector, vector, __ATOMIC_RELEASE);
	return true;
}

void vlapic_post_nmi(struct vlapic *a)
{
	__atomic_fetch_or(&a->events, VLAPIC_EV_NMI, __ATOMIC_ACQ_REL);
}
