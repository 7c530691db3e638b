/* SOURCES: arch/x86/vplat/vioapic.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the virtual IOAPIC (arch/x86/vplat/vioapic.c):
 * the input is a program of 16-byte operations a guest and its devices
 * can perform: any access (offset in the page, width 0-8) to the MMIO
 * page, so the index/window pair, the EOI register and nothing; lines
 * going up and down; the local APICs' EOI broadcast; a VM reset; and an
 * APIC bus that accepts a message or not. Every operation is played on
 * a model written from the 82093AA datasheet too, and they must agree:
 *   - every register read through the window, and the index read back;
 *   - each message sent (pin, vector, destination, mode, trigger), in
 *     order, and no other;
 *   - Remote IRR only on level entries, reserved bits never stored;
 *   - no lost level interrupt: an asserted, unmasked level pin with
 *     Remote IRR clear has just been refused by the bus, never forgotten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/apic_bus.h>
#include <asm/vioapic.h>
#include <lib/errno.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

#define PINS		VPLAT_IOAPIC_PINS
#define OP_SIZE		16
#define RTE_RW		(0xffULL | 7ULL << 8 | BIT(11) | BIT(13) | BIT(15) | BIT(16) | \
			 0xffULL << 56)

static struct vioapic io;
static bool bus_accepts;

/* The messages the model expects, in the order the chip sends them (by pin). */
static struct apic_msg expect[PINS];
static unsigned int nr_expect, nr_seen;

static struct {
	u32 regsel, id, lines;
	u64 rte[PINS];
	u32 refused;		/* level pins whose last message nobody took */
} m;

/* Field by field: the padding of a compound literal is nobody's. */
static bool same_msg(const struct apic_msg *a, const struct apic_msg *b)
{
	return a->dest == b->dest && a->vector == b->vector && a->delivery == b->delivery &&
	       a->shorthand == b->shorthand && a->logical == b->logical &&
	       a->level == b->level && a->assert == b->assert && a->src_vcpu == b->src_vcpu &&
	       a->x2apic == b->x2apic;
}

int apic_bus_deliver(struct vm *vm, const struct apic_msg *msg)
{
	CHECK(vm == (struct vm *)&io);
	CHECK(nr_seen < nr_expect);
	CHECK(same_msg(msg, &expect[nr_seen]));
	nr_seen++;
	return bus_accepts;
}

/* ---- the model ---- */

static bool m_asserted(u32 pin)
{
	bool high = m.lines & BIT(pin);

	return (m.rte[pin] & RTE_ACTIVE_LOW) ? !high : high;
}

static void m_send(u32 pin)
{
	u64 rte = m.rte[pin];
	u32 mode = (rte >> 8) & 7;
	struct apic_msg *e = &expect[nr_expect];

	if (mode == 3 || mode == 6)
		return;
	CHECK(nr_expect < PINS);
	memset(e, 0, sizeof(*e));
	e->dest = (u32)(rte >> 56);
	e->vector = (u8)rte;
	e->delivery = (u8)mode;
	e->logical = rte & BIT(11);
	e->level = rte & RTE_LEVEL;
	e->assert = true;
	nr_expect++;
	if (!(rte & RTE_LEVEL))
		return;
	if (bus_accepts) {
		m.rte[pin] |= RTE_REMOTE_IRR;
		m.refused &= ~BIT(pin);
	} else {
		m.refused |= BIT(pin);
	}
}

static void m_service(u32 pin)
{
	u64 rte = m.rte[pin];

	if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) && m_asserted(pin))
		m_send(pin);
}

static void m_line(u32 pin, bool high)
{
	bool was = m_asserted(pin);

	m.lines = high ? m.lines | BIT(pin) : m.lines & ~BIT(pin);
	if (m.rte[pin] & RTE_LEVEL)
		m_service(pin);
	else if (!was && m_asserted(pin) && !(m.rte[pin] & RTE_MASKED))
		m_send(pin);
}

static void m_eoi(u8 vector)
{
	u32 pin;

	for (pin = 0; pin < PINS; pin++) {
		u64 rte = m.rte[pin];

		if ((rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR) && (u8)rte == vector) {
			m.rte[pin] &= ~RTE_REMOTE_IRR;
			m_service(pin);
		}
	}
}

static u32 m_read(u32 reg)
{
	if (reg == 0 || reg == 2)
		return m.id;
	if (reg == 1)
		return 0x00170020;
	if (reg >= 0x10 && reg < 0x10 + 2 * PINS) {
		u64 rte = m.rte[(reg - 0x10) / 2];

		return (reg & 1) ? (u32)(rte >> 32) : (u32)rte;
	}
	return 0;
}

static void m_write(u32 reg, u32 val)
{
	u32 pin = (reg - 0x10) / 2;
	u64 rte;

	if (reg == 0)
		m.id = val & 0x0f000000u;
	if (reg < 0x10 || reg >= 0x10 + 2 * PINS)
		return;
	rte = m.rte[pin];
	rte = (reg & 1) ? (rte & 0xffffffffULL) | (u64)val << 32 : (rte & ~0xffffffffULL) | val;
	rte = (rte & RTE_RW) | ((rte & RTE_LEVEL) ? m.rte[pin] & RTE_REMOTE_IRR : 0);
	m.rte[pin] = rte;
	m_service(pin);
}

static void m_reset(void)
{
	u32 pin;

	m.regsel = 0;
	m.id = VPLAT_IOAPIC_ID << 24;
	m.refused = 0;
	for (pin = 0; pin < PINS; pin++)
		m.rte[pin] = RTE_MASKED;
}

/* ---- the operations ---- */

static void access(u8 kind, u32 offset, u32 size, u64 val)
{
	bool write = kind & 1;
	u64 got = 0x5a5a5a5a5a5a5a5aULL;

	/* Mostly the three registers, sometimes anywhere in the page. */
	offset = (kind & 2) ? offset % VIOAPIC_MMIO_SIZE : (offset % 3 == 2 ? 0x40 : 0x10 * (offset % 3));
	if (!(kind & 4))
		size = 4;
	/* The model goes first: apic_bus_deliver() checks against it during the call. */
	if (write) {
		if (offset == VIOAPIC_EOI && size == 4)
			m_eoi((u8)val);
		else if (offset == VIOAPIC_REGSEL)
			m.regsel = (u8)val;
		else if (offset == VIOAPIC_WINDOW && size == 4)
			m_write(m.regsel, (u32)val);
		CHECK(vioapic_write(&io, offset, size, val) == 0);
		return;
	}
	CHECK(vioapic_read(&io, offset, size, &got) == 0);
	if (offset == VIOAPIC_REGSEL)
		CHECK(got == m.regsel);
	else if (offset == VIOAPIC_WINDOW && size == 4)
		CHECK(got == m_read(m.regsel));
	else
		CHECK(got == 0);
}

static void check_state(void)
{
	u32 pin;

	CHECK(nr_seen == nr_expect);
	CHECK(io.regsel == m.regsel && io.id == m.id && io.lines == m.lines);
	for (pin = 0; pin < PINS; pin++) {
		u64 rte = io.rte[pin];

		CHECK(rte == m.rte[pin]);
		CHECK(!(rte & ~(RTE_RW | RTE_REMOTE_IRR)));
		CHECK(!(rte & RTE_REMOTE_IRR) || (rte & RTE_LEVEL));
		/* An asserted level pin in no service was refused, not forgotten. */
		if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) &&
		    m_asserted(pin) && ((rte >> 8) & 7) != 3 && ((rte >> 8) & 7) != 6)
			CHECK(m.refused & BIT(pin));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t off;

	vioapic_init(&io, (struct vm *)&io);
	memset(&m, 0, sizeof(m));
	m_reset();
	for (off = 0; off + OP_SIZE <= size; off += OP_SIZE) {
		const u8 *p = data + off;
		u32 offset;
		u64 val;

		memcpy(&offset, p + 4, 4);
		memcpy(&val, p + 8, 8);
		nr_expect = nr_seen = 0;
		bus_accepts = !(p[3] & 0x80);
		switch (p[0] % 8) {
		case 0:
			if (p[1] % 32 < PINS)
				m_line(p[1] % 32, p[2] & 1);
			CHECK(vioapic_set_line(&io, p[1] % 32, p[2] & 1) ==
			      (p[1] % 32 < PINS ? 0 : -EINVAL));
			break;
		case 1:
			m_eoi(p[1]);
			vioapic_eoi_vector(&io, p[1]);
			break;
		case 2:
			m_reset();
			vioapic_reset(&io);
			break;
		default:
			access(p[1], offset, p[2] % 9, val);
			break;
		}
		check_state();
	}
	return 0;
}
