#include <core/arch.h>
#include <core/heap.h>
#include <core/vmm.h>
#include <lib/errno.h>

/*
 * A 16550A as guests expect it at COM1: transmit only (the receiver is
 * always empty), the transmitter always ready, output collected into
 * lines that the hypervisor console prints with the VM's name. The THR
 * empty interrupt is modelled, so that interrupt-driven drivers (Linux's
 * 8250) make progress.
 */
#define UART_RBR_THR	0
#define UART_IER	1
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_ETBEI	0x02
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_FIFO	0xc0
#define FCR_FIFO_EN	0x01
#define LCR_DLAB	0x80
#define LSR_THRE_TEMT	0x60
#define MSR_DCD_DSR_CTS	0xb0

#define UART_NO_IRQ	(~0u)

struct uart16550 {
	u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;
	bool irq_level;		/* what the line was last set to */
	u32 irq;
	struct vmm_line line;
};

/* Only changes reach the interrupt controller: every register access comes through here. */
static void uart_update_irq(struct vmm_device *dev)
{
	struct uart16550 *u = dev->state;
	bool level = (u->ier & IER_ETBEI) && u->thre_pending;

	if (u->irq == UART_NO_IRQ || level == u->irq_level)
		return;
	u->irq_level = level;
	arch_vm_irq_line(dev->vm, u->irq, level);
}

static void uart_tx(struct vmm_device *dev, char c)
{
	struct uart16550 *u = dev->state;

	vmm_line_putc(dev->vm, &u->line, c);
}

static int uart_read(struct vmm_device *dev, u64 offset, u32 size, u64 *val)
{
	struct uart16550 *u = dev->state;
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case UART_RBR_THR:
		*val = dlab ? u->dll : 0;
		break;
	case UART_IER:
		*val = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR_FCR:
		/* Reading IIR acknowledges a THR-empty interrupt. */
		*val = (u->fcr & FCR_FIFO_EN ? IIR_FIFO : 0) |
		       ((u->ier & IER_ETBEI) && u->thre_pending ? IIR_THRI : IIR_NO_INT);
		u->thre_pending = false;
		uart_update_irq(dev);
		break;
	case UART_LCR:
		*val = u->lcr;
		break;
	case UART_MCR:
		*val = u->mcr;
		break;
	case UART_LSR:
		*val = LSR_THRE_TEMT;
		break;
	case UART_MSR:
		*val = MSR_DCD_DSR_CTS;
		break;
	default:
		*val = u->scr;
		break;
	}
	return 0;
}

static int uart_write(struct vmm_device *dev, u64 offset, u32 size, u64 val)
{
	struct uart16550 *u = dev->state;
	bool dlab = u->lcr & LCR_DLAB;
	u8 b = (u8)val;

	switch (offset) {
	case UART_RBR_THR:
		if (dlab) {
			u->dll = b;
			break;
		}
		uart_tx(dev, (char)b);
		u->thre_pending = true;
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = b;
			break;
		}
		/* Enabling ETBEI with an empty THR raises the interrupt at once. */
		if (!(u->ier & IER_ETBEI) && (b & IER_ETBEI))
			u->thre_pending = true;
		u->ier = b & 0x0f;
		break;
	case UART_IIR_FCR:
		u->fcr = b;
		break;
	case UART_LCR:
		u->lcr = b;
		break;
	case UART_MCR:
		u->mcr = b & 0x1f;
		break;
	case UART_SCR:
		u->scr = b;
		break;
	default:
		break;	/* LSR and MSR are read-only */
	}
	uart_update_irq(dev);
	return 0;
}

static const struct vmm_device_ops uart16550_ops = {
	.read = uart_read,
	.write = uart_write,
};

int uart16550_create(struct vm *vm, u32 space, u64 base, u32 irq)
{
	struct uart16550 *u = kzalloc(sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->irq = irq;
	if (!vmm_add_device(vm, "uart16550", space, base, 8, &uart16550_ops, u)) {
		kfree(u);
		return -EBUSY;
	}
	return 0;
}
