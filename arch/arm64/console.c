#include <core/arch.h>
#include <core/config_check.h>
#include <core/page_alloc.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <asm/console.h>
#include <asm/dt.h>
#include <asm/ns16550.h>
#include <asm/pl011.h>

/* Set once on the boot CPU before the MMU is on and before any other CPU runs. */
static struct console_uart uart;
static bool uart_on;

static const struct {
	const char *compatible;
	u8 kind;
} uart_types[] = {
	{ "arm,pl011", CONSOLE_PL011 },
	{ "arm,sbsa-uart", CONSOLE_PL011 },
	{ "ns16550a", CONSOLE_NS16550 },
	{ "ns16550", CONSOLE_NS16550 },
	{ "snps,dw-apb-uart", CONSOLE_NS16550 },
};

static int uart_kind(const struct fdt *f, int node)
{
	unsigned int i;

	if (!fdt_is_enabled(f, node))
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(uart_types); i++)
		if (fdt_is_compatible(f, node, uart_types[i].compatible) > 0)
			return uart_types[i].kind;
	return -ENODEV;
}

/*
 * stdout-path is a path or an alias, either followed by ":options"
 * ("serial0:115200n8"); the options are the loader's business.
 */
static int stdout_node(const struct fdt *f)
{
	char alias[64];
	const char *s;
	int chosen = fdt_path(f, "/chosen", 7), aliases, n;
	size_t len;

	if (chosen < 0)
		return chosen;
	n = fdt_prop_string(f, chosen, "stdout-path", &s);
	if (n < 0)
		return n;
	for (len = 0; len < (size_t)n && s[len] != ':'; len++)
		;
	if (len && s[0] == '/')
		return fdt_path(f, s, len);
	aliases = fdt_path(f, "/aliases", 8);
	if (aliases < 0 || len >= sizeof(alias))
		return -ENOENT;
	memcpy(alias, s, len);
	alias[len] = '\0';
	n = fdt_prop_string(f, aliases, alias, &s);
	return n < 0 ? n : fdt_path(f, s, (size_t)n);
}

/* "reg-shift" and "reg-io-width" (the devicetree binding's defaults: 0 and 1). */
static int ns16550_layout(const struct fdt *f, int node, struct console_uart *u)
{
	u32 shift = 0, width = 1;
	int err;

	err = fdt_prop_u32(f, node, "reg-shift", &shift);
	if (err && err != -ENOENT)
		return -EINVAL;
	err = fdt_prop_u32(f, node, "reg-io-width", &width);
	if (err && err != -ENOENT)
		return -EINVAL;
	if (shift > 2 || (width != 1 && width != 4))
		return -EINVAL;
	u->reg_shift = (u8)shift;
	u->reg_width = (u8)width;
	return 0;
}

static int describe(const struct fdt *f, int node, int kind, struct console_uart *out)
{
	struct console_uart u = { .kind = (u8)kind };
	u64 min = PL011_SIZE;
	int err;

	if (kind == CONSOLE_NS16550) {
		err = ns16550_layout(f, node, &u);
		if (err)
			return err;
		min = (u64)NS16550_REGS << u.reg_shift;
	}
	err = dt_device_reg(f, node, 0, &u.base, &u.size);
	if (err || u.size < min)
		return -EINVAL;
	u.size = kind == CONSOLE_PL011 ? PL011_SIZE : u.size;
	*out = u;
	return 0;
}

int console_find(const struct fdt *f, struct console_uart *out)
{
	int node = stdout_node(f), kind;

	if (node >= 0 && (kind = uart_kind(f, node)) >= 0)
		return describe(f, node, kind, out);
	for (node = fdt_find_compatible(f, -1, "arm,pl011"); node >= 0;
	     node = fdt_find_compatible(f, node, "arm,pl011"))
		if (uart_kind(f, node) >= 0 && !describe(f, node, CONSOLE_PL011, out))
			return 0;
	return -ENOENT;
}

void console_probe(const struct fdt *f, u64 *base, u64 *size)
{
	/*
	 * Without a UART in a usable DTB there is nowhere else to report
	 * from, so QEMU virt's UART is tried: on that machine it is right,
	 * and elsewhere the boot was about to fail silently anyway.
	 */
	if (!f || !f->blob || console_find(f, &uart))
		uart = (struct console_uart){ .kind = CONSOLE_PL011, .base = EARLY_UART_BASE,
					      .size = PL011_SIZE };
	/* Whole pages: a 16550's window is often a few bytes inside a page. */
	*base = ALIGN_DOWN(uart.base, PAGE_SIZE);
	*size = ALIGN_UP(uart.base + uart.size, PAGE_SIZE) - *base;
	uart_on = true;
}

/* The console's pages are the hypervisor's: no passthrough device may take them. */
void console_claim_host(void)
{
	u64 base = ALIGN_DOWN(uart.base, PAGE_SIZE);

	if (uart_on)
		config_host_claim(false, base, ALIGN_UP(uart.base + uart.size, PAGE_SIZE) - base,
				  CONFIG_HOST_CONSOLE);
}

void console_disable(void)
{
	uart_on = false;
}

void arch_console_write(const char *s, size_t n)
{
	if (!uart_on)
		return;
	if (uart.kind == CONSOLE_NS16550)
		ns16550_write(uart.base, uart.reg_shift, uart.reg_width, s, n);
	else
		pl011_write(uart.base, s, n);
}

int arch_console_getc(void)
{
	if (!uart_on)
		return -1;
	if (uart.kind == CONSOLE_NS16550)
		return ns16550_getc(uart.base, uart.reg_shift, uart.reg_width);
	return pl011_getc(uart.base);
}
