#ifndef ASM_VPIC_H
#define ASM_VPIC_H

#include <lib/types.h>

/*
 * A virtual 8259A pair wired as on the PC: the slave's output on the
 * master's IRQ 2, the master at ports 0x20/0x21, the slave at 0xa0/0xa1.
 * Register logic only: the caller (asm/vplatform.h) serializes the calls
 * and turns vpic_pending() into an interrupt for the vCPU.
 *
 * Modelled: ICW1-ICW4 (edge or level triggered, single or cascaded, auto
 * EOI), OCW1 (mask), OCW2 (non-specific, specific and rotating EOI, set
 * priority, rotate in AEOI), OCW3 (read IRR/ISR, poll, special mask).
 * Not modelled: the MCS-80/85 mode (ICW1 without IC4 is run as 8086
 * mode, as every PC OS asks for), buffered mode and special fully nested
 * mode (ICW4 bits accepted, without effect), the ELCR.
 */
#define VPIC_IRQS		16
#define VPIC_MASTER_CMD		0x20
#define VPIC_MASTER_DATA	0x21
#define VPIC_SLAVE_CMD		0xa0
#define VPIC_SLAVE_DATA		0xa1
#define VPIC_CASCADE_IRQ	2

struct vpic_chip {
	u8 irr;			/* requests */
	u8 isr;			/* in service */
	u8 imr;			/* masked */
	u8 lines;		/* input levels, for edge detection */
	u8 vector_base;		/* ICW2 */
	u8 lowest;		/* the IRQ of lowest priority (7 after ICW1); rotation moves it */
	u8 init_step;		/* 0: initialized; 2, 3, 4: the next write is that ICW */
	bool need_icw4;
	bool single;
	bool level;		/* ICW1 LTIM: level-triggered inputs */
	bool auto_eoi;
	bool rotate_on_aeoi;
	bool special_mask;
	bool read_isr;		/* OCW3 RR/RIS: the command port reads ISR, else IRR */
	bool poll;		/* OCW3 P: the next command-port read is a poll */
};

struct vpic {
	struct vpic_chip chip[2];	/* master, slave */
};

/* Power-on state: not initialized, everything masked as BIOSes leave it. */
void vpic_reset(struct vpic *p);

/* Sets input @irq (0-15) to @level; edge-triggered inputs latch a rising edge. */
void vpic_set_irq(struct vpic *p, u32 irq, bool level);

/* One byte at @port (one of the four above; other ports are ignored). */
void vpic_write(struct vpic *p, u16 port, u8 val);
u8 vpic_read(struct vpic *p, u16 port);

/* The master's INT output: an unmasked request above everything in service. */
bool vpic_pending(const struct vpic *p);

/*
 * The CPU's interrupt acknowledge: returns the vector and moves the
 * request to in-service (or, in auto-EOI mode, straight to done). With
 * nothing pending (the request went away) it returns the spurious IRQ 7
 * vector of the chip concerned, as the hardware does.
 */
u8 vpic_ack(struct vpic *p);

#endif
