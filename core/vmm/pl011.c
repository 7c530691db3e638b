#include <core/arch.h>
#include <core/heap.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * An ARM PL011 as guests expect it on QEMU virt: transmit only (the
 * receive FIFO is always empty), the transmitter always ready, output
 * collected into lines that the hypervisor console prints with the VM's
 * name (like uart16550.c). The transmit interrupt is modelled, as the
 * FIFO draining at once: TXRIS is set after every write to DR and when
 * the guest enables it, until cleared through ICR, so that Linux's
 * interrupt-driven amba-pl011 driver makes progress.
 */
#define PL011_DR	0x000
#define PL011_RSR	0x004
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCRH	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_ID_BASE	0xfe0
#define PL011_SIZE	0x1000

#define FR_RXFE		BIT(4)
#define FR_TXFE		BIT(7)
#define INT_TX		BIT(5)
#define INT_ALL		0x7ffu
#define IFLS_RESET	0x12
#define CR_RESET	0x300	/* TXE and RXE */

#define PL011_NO_IRQ	(~0u)

/* PeriphID0-3 and CellID0-3: an r1p5 PL011 (what Linux's AMBA bus matches). */
static const u8 pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011 {
	u32 ibrd, fbrd, lcrh, cr, ifls, imsc, ris, dmacr, ilpr;
	bool irq_level;
	u32 irq;
	struct vmm_line line;
};

static void pl011_update_irq(struct vmm_device *dev)
{
	struct pl011 *u = dev->state;
	bool level = u->ris & u->imsc;

	if (u->irq == PL011_NO_IRQ || level == u->irq_level)
		return;
	u->irq_level = level;
	arch_vm_irq_line(dev->vm, u->irq, level);
}

static void pl011_tx(struct vmm_device *dev, char c)
{
	struct pl011 *u = dev->state;

	vmm_line_putc(dev->vm, &u->line, c);
}

static u32 id_register(u64 offset)
{
	return pl011_ids[(offset - PL011_ID_BASE) / 4];
}

static int pl011_read(struct vmm_device *dev, u64 offset, u32 size, u64 *val)
{
	struct pl011 *u = dev->state;

	switch (offset) {
	case PL011_FR:
		*val = FR_TXFE | FR_RXFE;
		break;
	case PL011_ILPR:
		*val = u->ilpr;
		break;
	case PL011_IBRD:
		*val = u->ibrd;
		break;
	case PL011_FBRD:
		*val = u->fbrd;
		break;
	case PL011_LCRH:
		*val = u->lcrh;
		break;
	case PL011_CR:
		*val = u->cr;
		break;
	case PL011_IFLS:
		*val = u->ifls;
		break;
	case PL011_IMSC:
		*val = u->imsc;
		break;
	case PL011_RIS:
		*val = u->ris;
		break;
	case PL011_MIS:
		*val = u->ris & u->imsc;
		break;
	case PL011_DMACR:
		*val = u->dmacr;
		break;
	default:
		/* DR and RSR read an empty FIFO; reserved registers read as zero. */
		*val = offset >= PL011_ID_BASE && offset < PL011_SIZE && !(offset & 3) ?
			       id_register(offset) : 0;
		break;
	}
	return 0;
}

static int pl011_write(struct vmm_device *dev, u64 offset, u32 size, u64 val)
{
	struct pl011 *u = dev->state;
	u32 v = (u32)val;

	switch (offset) {
	case PL011_DR:
		pl011_tx(dev, (char)(v & 0xff));
		u->ris |= INT_TX;
		break;
	case PL011_ILPR:
		u->ilpr = v & 0xff;
		break;
	case PL011_IBRD:
		u->ibrd = v & 0xffff;
		break;
	case PL011_FBRD:
		u->fbrd = v & 0x3f;
		break;
	case PL011_LCRH:
		u->lcrh = v & 0xff;
		break;
	case PL011_CR:
		u->cr = v & 0xff87;
		break;
	case PL011_IFLS:
		u->ifls = v & 0x3f;
		break;
	case PL011_IMSC:
		/* Unmasking TX with an empty FIFO raises the interrupt, as the FIFO is below its level. */
		if (!(u->imsc & INT_TX) && (v & INT_TX))
			u->ris |= INT_TX;
		u->imsc = v & INT_ALL;
		break;
	case PL011_ICR:
		u->ris &= ~(v & INT_ALL);
		break;
	case PL011_DMACR:
		u->dmacr = v & 7;
		break;
	default:
		break;	/* RSR/ECR clears errors we never have; FR, RIS, MIS, IDs are read-only */
	}
	pl011_update_irq(dev);
	return 0;
}

/* The registers to their reset values (the TRM's), and the line lowered. */
static void pl011_reset(struct vmm_device *dev)
{
	struct pl011 *u = dev->state;

	u->ibrd = u->fbrd = u->lcrh = u->imsc = u->ris = u->dmacr = u->ilpr = 0;
	u->ifls = IFLS_RESET;
	u->cr = CR_RESET;
	pl011_update_irq(dev);
}

static const struct vmm_device_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
	.reset = pl011_reset,
};

int pl011_create(struct vm *vm, u64 base, u32 irq)
{
	struct pl011 *u = kzalloc(sizeof(*u));
	struct vmm_device *dev;

	if (!u)
		return -ENOMEM;
	u->irq = irq;
	u->ifls = IFLS_RESET;
	u->cr = CR_RESET;
	dev = vmm_add_device(vm, "pl011", VMM_SPACE_MMIO, base, PL011_SIZE, &pl011_ops, u);
	if (!dev) {
		kfree(u);
		return -EBUSY;
	}
	dev->irq = irq;
	return 0;
}
