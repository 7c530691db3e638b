#include <core/arch.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <asm/console.h>
#include <asm/dt.h>
#include <asm/pl011.h>

/* Set once on the boot CPU before the MMU is on and before any other CPU runs. */
static uintptr_t uart_base;

static bool is_pl011(const struct fdt *f, int node)
{
	return (fdt_is_compatible(f, node, "arm,pl011") > 0 ||
		fdt_is_compatible(f, node, "arm,sbsa-uart") > 0) && fdt_is_enabled(f, node);
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

static int find_uart(const struct fdt *f)
{
	int node = stdout_node(f);

	if (node >= 0 && is_pl011(f, node))
		return node;
	for (node = fdt_find_compatible(f, -1, "arm,pl011"); node >= 0;
	     node = fdt_find_compatible(f, node, "arm,pl011"))
		if (fdt_is_enabled(f, node))
			return node;
	return node;
}

void console_probe(const struct fdt *f, u64 *base, u64 *size)
{
	int node = f && f->blob ? find_uart(f) : -ENOENT;
	u64 b, s;

	/*
	 * Without a PL011 in a usable DTB there is nowhere else to report
	 * from, so QEMU virt's UART is tried: on that machine it is right,
	 * and elsewhere the boot was about to fail silently anyway.
	 */
	if (node >= 0 && !dt_device_reg(f, node, 0, &b, &s) && s >= PL011_SIZE)
		*base = b;
	else
		*base = EARLY_UART_BASE;
	*size = PL011_SIZE;
	uart_base = (uintptr_t)*base;
}

void console_disable(void)
{
	uart_base = 0;
}

void arch_console_write(const char *s, size_t n)
{
	if (uart_base)
		pl011_write(uart_base, s, n);
}

int arch_console_getc(void)
{
	return uart_base ? pl011_getc(uart_base) : -1;
}
