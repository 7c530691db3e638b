/*
 * The IOAPIC (asm/vioapic.h). Every change that may send a message (a
 * line, a redirection entry written, an EOI) ends in service(): under
 * the lock it picks the pins that must send, marks Remote IRR for the
 * level ones and builds their messages; after the lock is dropped the
 * messages go to the APIC bus, and a level message nobody accepted
 * clears its Remote IRR again (as on the chip, where only an accepting
 * local APIC sets it).
 */
#include <asm/apic_bus.h>
#include <asm/vioapic.h>
#include <lib/errno.h>
#include <lib/string.h>

#define RTE_DELIVERY_MASK	(7ULL << RTE_DELIVERY_SHIFT)
#define RTE_DEST_MASK		(0xffULL << RTE_DEST_SHIFT)
#define RTE_WRITABLE		(RTE_VECTOR | RTE_DELIVERY_MASK | RTE_DEST_LOGICAL | \
				 RTE_ACTIVE_LOW | RTE_LEVEL | RTE_MASKED | RTE_DEST_MASK)
#define ID_MASK			(0xfu << 24)
#define PINS			VPLAT_IOAPIC_PINS
#define REG_REDIR_LAST		(VIOAPIC_REG_REDIR + 2 * PINS - 1)

struct pending {
	u32 pins;			/* BIT(pin): send rte[pin]'s message */
	u32 level_pins;			/* those that set Remote IRR */
	struct apic_msg msg[PINS];
};

/* Caller holds the lock, or nobody else can reach @io yet. */
static void reset_registers(struct vioapic *io)
{
	unsigned int i;

	io->id = VPLAT_IOAPIC_ID << 24;
	for (i = 0; i < PINS; i++)
		io->rte[i] = RTE_MASKED;
}

void vioapic_init(struct vioapic *io, struct vm *vm)
{
	memset(io, 0, sizeof(*io));
	spin_lock_init(&io->lock);
	reset_registers(io);
	io->vm = vm;
}

/*
 * The registers go back to their reset values; the lines keep their
 * levels (the devices' state is theirs), and a masked pin sends nothing.
 */
void vioapic_reset(struct vioapic *io)
{
	spin_lock(&io->lock);
	io->regsel = 0;
	reset_registers(io);
	spin_unlock(&io->lock);
}

static bool asserted(const struct vioapic *io, u32 pin)
{
	bool high = io->lines & BIT(pin);

	return (io->rte[pin] & RTE_ACTIVE_LOW) ? !high : high;
}

static bool reserved_mode(u64 rte)
{
	u64 mode = (rte & RTE_DELIVERY_MASK) >> RTE_DELIVERY_SHIFT;

	return mode == 3 || mode == 6;
}

static void queue(struct vioapic *io, struct pending *p, u32 pin)
{
	u64 rte = io->rte[pin];

	if (reserved_mode(rte))
		return;
	p->pins |= BIT(pin);
	p->msg[pin] = (struct apic_msg){
		.dest = (u32)(rte >> RTE_DEST_SHIFT),
		.vector = (u8)(rte & RTE_VECTOR),
		.delivery = (u8)((rte & RTE_DELIVERY_MASK) >> RTE_DELIVERY_SHIFT),
		.shorthand = APIC_SHORTHAND_NONE,
		.logical = rte & RTE_DEST_LOGICAL,
		.level = rte & RTE_LEVEL,
		.assert = true,
	};
	if (rte & RTE_LEVEL) {
		io->rte[pin] |= RTE_REMOTE_IRR;
		p->level_pins |= BIT(pin);
	}
}

/* Caller holds the lock: a level pin that is asserted, unmasked and not in service sends. */
static void service_level(struct vioapic *io, struct pending *p, u32 pin)
{
	u64 rte = io->rte[pin];

	if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) && asserted(io, pin))
		queue(io, p, pin);
}

/* With the lock dropped: send, and undo Remote IRR where nobody took a level message. */
static void send(struct vioapic *io, struct pending *p)
{
	u32 pin, refused = 0;

	for (pin = 0; pin < PINS; pin++)
		if ((p->pins & BIT(pin)) && apic_bus_deliver(io->vm, &p->msg[pin]) <= 0 &&
		    (p->level_pins & BIT(pin)))
			refused |= BIT(pin);
	if (!refused)
		return;
	spin_lock(&io->lock);
	for (pin = 0; pin < PINS; pin++)
		if (refused & BIT(pin))
			io->rte[pin] &= ~RTE_REMOTE_IRR;
	spin_unlock(&io->lock);
}

int vioapic_set_line(struct vioapic *io, u32 pin, bool high)
{
	struct pending p = { 0 };
	bool was;

	if (pin >= PINS)
		return -EINVAL;
	spin_lock(&io->lock);
	was = asserted(io, pin);
	io->lines = high ? io->lines | BIT(pin) : io->lines & ~BIT(pin);
	if (io->rte[pin] & RTE_LEVEL)
		service_level(io, &p, pin);
	else if (!was && asserted(io, pin) && !(io->rte[pin] & RTE_MASKED))
		queue(io, &p, pin);
	spin_unlock(&io->lock);
	send(io, &p);
	return 0;
}

void vioapic_eoi_vector(struct vioapic *io, u8 vector)
{
	struct pending p = { 0 };
	u32 pin, eoied = 0;

	spin_lock(&io->lock);
	for (pin = 0; pin < PINS; pin++) {
		u64 rte = io->rte[pin];

		if ((rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR) &&
		    (u8)(rte & RTE_VECTOR) == vector) {
			io->rte[pin] &= ~RTE_REMOTE_IRR;
			eoied |= BIT(pin);
		}
	}
	spin_unlock(&io->lock);
	if (eoied && io->eoi_notify)
		io->eoi_notify(io->vm, eoied);
	spin_lock(&io->lock);
	for (pin = 0; pin < PINS; pin++)
		if (eoied & BIT(pin))
			service_level(io, &p, pin);
	spin_unlock(&io->lock);
	send(io, &p);
}

/* Caller holds the lock. */
static u32 read_register(const struct vioapic *io, u32 reg)
{
	if (reg == VIOAPIC_REG_ID)
		return io->id;
	if (reg == VIOAPIC_REG_VERSION)
		return VIOAPIC_VERSION;
	if (reg == VIOAPIC_REG_ARB)
		return io->id;
	if (reg >= VIOAPIC_REG_REDIR && reg <= REG_REDIR_LAST) {
		u64 rte = io->rte[(reg - VIOAPIC_REG_REDIR) / 2];

		return (reg & 1) ? (u32)(rte >> 32) : (u32)rte;
	}
	return 0;
}

/*
 * Caller holds the lock. Remote IRR and delivery status are the chip's;
 * a level entry written unmasked with its line asserted sends at once.
 * Making an entry edge-triggered clears Remote IRR, which only means
 * anything for level entries.
 */
static void write_register(struct vioapic *io, u32 reg, u32 val, struct pending *p)
{
	u32 pin;
	u64 rte;

	if (reg == VIOAPIC_REG_ID) {
		io->id = val & ID_MASK;
		return;
	}
	if (reg < VIOAPIC_REG_REDIR || reg > REG_REDIR_LAST)
		return;	/* version, arbitration, the rows beyond: read-only or absent */
	pin = (reg - VIOAPIC_REG_REDIR) / 2;
	rte = io->rte[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffULL) | (u64)val << 32;
	else
		rte = (rte & ~0xffffffffULL) | val;
	rte = (rte & RTE_WRITABLE) | (io->rte[pin] & RTE_REMOTE_IRR);
	if (!(rte & RTE_LEVEL))
		rte &= ~RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	service_level(io, p, pin);
}

static bool whole_dword(u64 offset, u32 size, u64 reg)
{
	return offset == reg && size == 4;
}

int vioapic_read(struct vioapic *io, u64 offset, u32 size, u64 *val)
{
	*val = 0;
	spin_lock(&io->lock);
	if (offset < VIOAPIC_REGSEL + 4)
		*val = offset == VIOAPIC_REGSEL ? io->regsel : 0;
	else if (whole_dword(offset, size, VIOAPIC_WINDOW))
		*val = read_register(io, io->regsel);
	spin_unlock(&io->lock);
	return 0;
}

int vioapic_write(struct vioapic *io, u64 offset, u32 size, u64 val)
{
	struct pending p = { 0 };

	if (whole_dword(offset, size, VIOAPIC_EOI)) {
		vioapic_eoi_vector(io, (u8)val);
		return 0;
	}
	spin_lock(&io->lock);
	if (offset == VIOAPIC_REGSEL)
		io->regsel = (u8)val;
	else if (whole_dword(offset, size, VIOAPIC_WINDOW))
		write_register(io, io->regsel, (u32)val, &p);
	spin_unlock(&io->lock);
	send(io, &p);
	return 0;
}

