/*
 * The virtual 8259A pair: see asm/vpic.h for what is modelled.
 *
 * Priorities rotate: with chip->lowest = L, IRQ (L + 1) & 7 has the
 * highest priority and L the lowest; ICW1 sets L = 7, so that IRQ 0
 * comes first. A request is delivered when it is unmasked and of higher
 * priority than everything in service (fully nested mode).
 */
#include <asm/vpic.h>
#include <lib/compiler.h>

#define ICW1_IC4	BIT(0)
#define ICW1_SNGL	BIT(1)
#define ICW1_LTIM	BIT(3)
#define ICW1_INIT	BIT(4)
#define ICW4_AEOI	BIT(1)
#define OCW3_SEL	BIT(3)
#define OCW3_RIS	BIT(0)
#define OCW3_RR		BIT(1)
#define OCW3_P		BIT(2)
#define OCW3_SMM	BIT(5)
#define OCW3_ESMM	BIT(6)
#define POLL_IRQ	0x80

#define NO_IRQ		(-1)

static struct vpic_chip *chip_of(struct vpic *p, u16 port)
{
	return &p->chip[(port & 0x80) ? 1 : 0];
}

/* 0 is the highest priority, 7 the lowest. */
static unsigned int priority(const struct vpic_chip *c, unsigned int irq)
{
	return (irq - c->lowest - 1) & 7;
}

/* The highest-priority IRQ set in @bits, or NO_IRQ. */
static int highest(const struct vpic_chip *c, u8 bits)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		unsigned int irq = (c->lowest + 1 + i) & 7;

		if (bits & BIT(irq))
			return (int)irq;
	}
	return NO_IRQ;
}

/*
 * The request the chip would raise INT for. In special mask mode a
 * masked in-service IRQ does not hold back lower priorities: that is the
 * point of the mode (a handler masks itself to let lower IRQs in).
 */
static int chip_request(const struct vpic_chip *c)
{
	u8 in_service = c->special_mask ? c->isr & ~c->imr : c->isr;
	int req, cur;

	/* The common answer, without the priority scans: nothing unmasked is requested. */
	if (!(c->irr & ~c->imr) || c->init_step)
		return NO_IRQ;
	req = highest(c, c->irr & ~c->imr);
	cur = highest(c, in_service);
	if (cur != NO_IRQ && priority(c, (unsigned int)cur) <= priority(c, (unsigned int)req))
		return NO_IRQ;
	return req;
}

static void chip_set_line(struct vpic_chip *c, unsigned int irq, bool level)
{
	u8 bit = (u8)BIT(irq);

	if (c->level) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

/* The slave's INT is the master's IRQ 2 input: recomputed after any slave change. */
static void update_cascade(struct vpic *p)
{
	if (!p->chip[0].single)
		chip_set_line(&p->chip[0], VPIC_CASCADE_IRQ, chip_request(&p->chip[1]) != NO_IRQ);
}

void vpic_set_irq(struct vpic *p, u32 irq, bool level)
{
	if (irq >= VPIC_IRQS)
		return;
	chip_set_line(&p->chip[irq >> 3], irq & 7, level);
	update_cascade(p);
}

static void chip_init(struct vpic_chip *c, u8 icw1)
{
	c->imr = 0;
	c->isr = 0;
	/* A level-triggered input that is still high stays requested. */
	c->irr = (icw1 & ICW1_LTIM) ? c->lines : 0;
	c->lowest = 7;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->auto_eoi = false;
	c->rotate_on_aeoi = false;
	c->need_icw4 = icw1 & ICW1_IC4;
	c->single = icw1 & ICW1_SNGL;
	c->level = icw1 & ICW1_LTIM;
	c->init_step = 2;
}

void vpic_reset(struct vpic *p)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		p->chip[i] = (struct vpic_chip){ .imr = 0xff, .lowest = 7 };
		p->chip[i].vector_base = i ? 0x70 : 0x08;	/* the BIOS's bases */
	}
}

/* Ends the in-service IRQ @irq; a rotating EOI makes it the lowest priority. */
static void eoi(struct vpic_chip *c, int irq, bool rotate)
{
	if (irq == NO_IRQ)
		return;
	c->isr &= ~BIT(irq);
	if (rotate)
		c->lowest = (u8)irq;
}

/* OCW2, by its R, SL, EOI bits (7:5). */
static void ocw2(struct vpic_chip *c, u8 val)
{
	int level = val & 7;

	switch (val >> 5) {
	case 0:
		c->rotate_on_aeoi = false;
		break;
	case 4:
		c->rotate_on_aeoi = true;
		break;
	case 1:
		eoi(c, highest(c, c->isr), false);
		break;
	case 5:
		eoi(c, highest(c, c->isr), true);
		break;
	case 3:
		eoi(c, level, false);
		break;
	case 7:
		eoi(c, level, true);
		break;
	case 6:
		c->lowest = (u8)level;
		break;
	default:
		break;	/* 2: no operation */
	}
}

static void ocw3(struct vpic_chip *c, u8 val)
{
	if (val & OCW3_P)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
}

static void write_command(struct vpic_chip *c, u8 val)
{
	if (val & ICW1_INIT)
		chip_init(c, val);
	else if (val & OCW3_SEL)
		ocw3(c, val);
	else
		ocw2(c, val);
}

/* ICW2-4 while initializing, OCW1 (the mask) otherwise. */
static void write_data(struct vpic_chip *c, u8 val)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = val & 0xf8;
		c->init_step = c->single ? (c->need_icw4 ? 4 : 0) : 3;
		break;
	case 3:
		c->init_step = c->need_icw4 ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = val & ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = val;
		break;
	}
}

void vpic_write(struct vpic *p, u16 port, u8 val)
{
	struct vpic_chip *c = chip_of(p, port);

	if (port & 1)
		write_data(c, val);
	else
		write_command(c, val);
	update_cascade(p);
}

/* Moves @irq from requested to in service, as an INTA cycle does. */
static void chip_ack(struct vpic_chip *c, int irq)
{
	u8 bit = (u8)BIT(irq);

	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->lowest = (u8)irq;
	} else {
		c->isr |= bit;
	}
	/* A level-triggered request lasts as long as its line. */
	if (!c->level)
		c->irr &= ~bit;
}

/* OCW3 poll: the read itself is the acknowledge. */
static u8 poll(struct vpic *p, struct vpic_chip *c)
{
	int irq = chip_request(c);

	c->poll = false;
	if (irq == NO_IRQ)
		return 0;
	chip_ack(c, irq);
	update_cascade(p);
	return (u8)(POLL_IRQ | irq);
}

u8 vpic_read(struct vpic *p, u16 port)
{
	struct vpic_chip *c = chip_of(p, port);

	if (c->poll)
		return poll(p, c);
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

bool vpic_pending(const struct vpic *p)
{
	return chip_request(&p->chip[0]) != NO_IRQ;
}

u8 vpic_ack(struct vpic *p)
{
	struct vpic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_request(m), sirq;
	u8 vector;

	if (irq == NO_IRQ)
		return m->vector_base | 7;
	chip_ack(m, irq);
	if (irq != VPIC_CASCADE_IRQ || m->single) {
		vector = m->vector_base | (u8)irq;
	} else {
		sirq = chip_request(s);
		if (sirq == NO_IRQ) {
			vector = s->vector_base | 7;
		} else {
			chip_ack(s, sirq);
			vector = s->vector_base | (u8)sirq;
		}
		/*
		 * The slave drops INT during the acknowledge: a request it
		 * still has (auto-EOI) must reach the master as a new edge.
		 */
		chip_set_line(m, VPIC_CASCADE_IRQ, false);
	}
	update_cascade(p);
	return vector;
}
