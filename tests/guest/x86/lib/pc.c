#include <guest/pc.h>
#include <guest/x86.h>

void pic_init(u8 base)
{
	outb(PIC_MASTER_DATA, 0xff);
	outb(PIC_SLAVE_DATA, 0xff);
	/* ICW1 edge + ICW4, ICW2 vectors, ICW3 cascade on IRQ 2, ICW4 8086 mode. */
	outb(PIC_MASTER_CMD, 0x11);
	outb(PIC_MASTER_DATA, base);
	outb(PIC_MASTER_DATA, 0x04);
	outb(PIC_MASTER_DATA, 0x01);
	outb(PIC_SLAVE_CMD, 0x11);
	outb(PIC_SLAVE_DATA, (u8)(base + 8));
	outb(PIC_SLAVE_DATA, 0x02);
	outb(PIC_SLAVE_DATA, 0x01);
	/* Everything masked but the cascade. */
	outb(PIC_MASTER_DATA, 0xfb);
	outb(PIC_SLAVE_DATA, 0xff);
}

static u16 mask_port(unsigned int irq)
{
	return irq < 8 ? PIC_MASTER_DATA : PIC_SLAVE_DATA;
}

void pic_unmask(unsigned int irq)
{
	outb(mask_port(irq), inb(mask_port(irq)) & (u8)~(1u << (irq & 7)));
}

void pic_mask(unsigned int irq)
{
	outb(mask_port(irq), inb(mask_port(irq)) | (u8)(1u << (irq & 7)));
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC_SLAVE_CMD, PIC_EOI);
	outb(PIC_MASTER_CMD, PIC_EOI);
}

void pit_periodic(unsigned int hz)
{
	u16 count = (u16)(PIT_HZ / hz);

	outb(0x43, 0x34);
	outb(0x40, (u8)count);
	outb(0x40, (u8)(count >> 8));
}

void pit_one_shot(u16 count)
{
	outb(0x43, 0x30);
	outb(0x40, (u8)count);
	outb(0x40, (u8)(count >> 8));
}

void pit_stop(void)
{
	/* A control word for mode 0 holds OUT low until a count is written. */
	outb(0x43, 0x30);
}
