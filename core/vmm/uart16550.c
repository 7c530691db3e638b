#include <core/arch.h>
#include <core/console.h>
#include <core/heap.h>
#include <core/timer.h>
#include <core/vmm.h>
#include <lib/errno.h>
#include <lib/spinlock.h>

/*
 * A 16550A as guests expect it at COM1: the transmitter always ready,
 * output collected into lines that the hypervisor console prints with
 * the VM's name. The THR empty interrupt is modelled, so that
 * interrupt-driven drivers (Linux's 8250) make progress. The receiver is
 * empty, except on the one UART of the configuration marked
 * "console-input": what is typed on the hypervisor's console reaches it
 * through a 16-byte FIFO with the received-data interrupt, and what it
 * sends goes to the console raw, unprefixed and unbuffered (an
 * interactive guest shell, whose prompt has no newline).
 *
 * Any vCPU thread of the VM and the console poll may call in: @lock
 * serializes the registers. The poll is a timer of the CPU of the first
 * vCPU that touched the UART (timers run on the CPU that armed them,
 * from the run loop), every POLL_NS.
 */
#define UART_RBR_THR	0
#define UART_IER	1
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_ERBFI	0x01
#define IER_ETBEI	0x02
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDA		0x04
#define IIR_FIFO	0xc0
#define FCR_FIFO_EN	0x01
#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE_TEMT	0x60
#define MSR_DCD_DSR_CTS	0xb0

#define UART_NO_IRQ	(~0u)
#define RX_FIFO		16
#define POLL_NS		10000000ULL

struct uart16550 {
	spinlock_t lock;
	u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;
	bool irq_level;		/* what the line was last set to */
	u32 irq;
	struct vmm_line line;
	u8 rx[RX_FIFO];
	u32 rx_head, rx_count;
	bool console_input;	/* the hypervisor's console types into this one */
	struct timer poll;	/* armed once, on the first access's CPU */
	struct vmm_device *dev;
};

static bool rx_interrupt(const struct uart16550 *u)
{
	return (u->ier & IER_ERBFI) && u->rx_count;
}

/* Only changes reach the interrupt controller: every register access comes through here. */
static void uart_update_irq(struct vmm_device *dev)
{
	struct uart16550 *u = dev->state;
	bool level = ((u->ier & IER_ETBEI) && u->thre_pending) || rx_interrupt(u);

	if (u->irq == UART_NO_IRQ || level == u->irq_level)
		return;
	u->irq_level = level;
	arch_vm_irq_line(dev->vm, u->irq, level);
}

static void uart_tx(struct vmm_device *dev, char c)
{
	struct uart16550 *u = dev->state;

	if (u->console_input)
		printk("%c", c);
	else
		vmm_line_putc(dev->vm, &u->line, c);
}

static u8 rx_pop(struct uart16550 *u)
{
	u8 c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RX_FIFO;
	u->rx_count--;
	return c;
}

/* The console's bytes into the FIFO while it has room; the rest waits in the host UART. */
static void uart_poll(struct timer *t)
{
	struct uart16550 *u = container_of(t, struct uart16550, poll);
	int c;

	spin_lock(&u->lock);
	while (u->rx_count < RX_FIFO && (c = arch_console_getc()) >= 0)
		u->rx[(u->rx_head + u->rx_count++) % RX_FIFO] = (u8)c;
	uart_update_irq(u->dev);
	spin_unlock(&u->lock);
	timer_arm(t, arch_time_ns() + POLL_NS);
}

static void start_poll(struct uart16550 *u)
{
	if (!u->console_input || u->poll.fn)
		return;
	timer_init(&u->poll, uart_poll);
	timer_arm(&u->poll, arch_time_ns() + POLL_NS);
}

static int uart_read_locked(struct vmm_device *dev, u64 offset, u64 *val)
{
	struct uart16550 *u = dev->state;
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case UART_RBR_THR:
		*val = dlab ? u->dll : rx_pop(u);
		uart_update_irq(dev);
		break;
	case UART_IER:
		*val = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR_FCR:
		/* Received data outranks THR empty; reading IIR acknowledges only the latter. */
		*val = u->fcr & FCR_FIFO_EN ? IIR_FIFO : 0;
		if (rx_interrupt(u)) {
			*val |= IIR_RDA;
			break;
		}
		*val |= (u->ier & IER_ETBEI) && u->thre_pending ? IIR_THRI : IIR_NO_INT;
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
		*val = LSR_THRE_TEMT | (u->rx_count ? LSR_DR : 0);
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

static int uart_read(struct vmm_device *dev, u64 offset, u32 size, u64 *val)
{
	struct uart16550 *u = dev->state;
	int r;

	spin_lock(&u->lock);
	start_poll(u);
	r = uart_read_locked(dev, offset, val);
	spin_unlock(&u->lock);
	return r;
}

static int uart_write_locked(struct vmm_device *dev, u64 offset, u64 val)
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

static int uart_write(struct vmm_device *dev, u64 offset, u32 size, u64 val)
{
	struct uart16550 *u = dev->state;
	int r;

	spin_lock(&u->lock);
	start_poll(u);
	r = uart_write_locked(dev, offset, val);
	spin_unlock(&u->lock);
	return r;
}

/*
 * Registers to their power-on values and the line lowered; the input
 * FIFO and the poll stay (they belong to the hypervisor's console, which
 * the restart does not touch), as does a half-printed line.
 */
static void uart_reset(struct vmm_device *dev)
{
	struct uart16550 *u = dev->state;

	spin_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->dll = u->dlm = u->fcr = 0;
	u->thre_pending = false;
	uart_update_irq(dev);
	spin_unlock(&u->lock);
}

static const struct vmm_device_ops uart16550_ops = {
	.read = uart_read,
	.write = uart_write,
	.reset = uart_reset,
};

int uart16550_create(struct vm *vm, u32 space, u64 base, u32 irq, bool console_input)
{
	struct uart16550 *u = kzalloc(sizeof(*u));

	if (!u)
		return -ENOMEM;
	spin_lock_init(&u->lock);
	u->irq = irq;
	u->console_input = console_input;
	u->dev = vmm_add_device(vm, "uart16550", space, base, 8, &uart16550_ops, u);
	if (!u->dev) {
		kfree(u);
		return -EBUSY;
	}
	return 0;
}
