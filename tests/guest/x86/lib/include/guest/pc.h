#ifndef GUEST_PC_H
#define GUEST_PC_H

#include <lib/compiler.h>

/*
 * The legacy PC interrupt hardware a guest without an APIC uses: the
 * 8259 pair and the 8254's counter 0 on IRQ 0, and counter 2 gated by
 * port 0x61. The same on bare QEMU and under the hypervisor.
 */
#define PIC_MASTER_CMD		0x20
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_CMD		0xa0
#define PIC_SLAVE_DATA		0xa1
#define PIC_EOI			0x20
#define PIC_READ_IRR		0x0a
#define PIC_READ_ISR		0x0b
#define PIT_HZ			1193182u
#define PORT61			0x61

/* Vectors @base (IRQ 0-7) and @base + 8 (IRQ 8-15), every IRQ masked. */
void pic_init(u8 base);
void pic_unmask(unsigned int irq);
void pic_mask(unsigned int irq);
void pic_eoi(unsigned int irq);

/* Counter 0 in mode 2 (rate generator) at about @hz. */
void pit_periodic(unsigned int hz);
/* Counter 0 in mode 0: one interrupt after @count ticks. */
void pit_one_shot(u16 count);
/* Stops counter 0's interrupts (mode 0 with the largest count, then masked by the caller). */
void pit_stop(void);

#endif
