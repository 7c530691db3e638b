#include <asm/acpi.h>
#include <asm/console_opts.h>
#include <asm/fbcon.h>
#include <asm/spcr.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/config_check.h>
#include <core/console.h>
#include <core/page_alloc.h>
#include <lib/errno.h>

/*
 * Where the x86 hypervisor's messages go, chosen once on the boot CPU
 * before its first message: the command line (console=, comN=: see
 * arch/x86/console_opts.c), else the UART that the ACPI SPCR table names,
 * else COM1; and the loader's framebuffer, so that a monitor shows the
 * same. Until then (parsing the loader's information) COM1 takes panics.
 */

/* The boot page tables map the first 4 GiB; a device above is not reachable. */
#define CONSOLE_MAPPED_LIMIT	(4ULL << 30)
#define UART_WINDOW		0x20

static bool serial_on = true, fb_on;

void arch_console_write(const char *s, size_t n)
{
	if (serial_on)
		uart_write(s, n);
	if (fb_on)
		fbcon_write(s, n);
}

/* Input for a guest UART marked console-input: only from a serial console. */
int arch_console_getc(void)
{
	return serial_on ? uart_getc() : -1;
}

static const u8 *find_spcr(const struct boot_info *bi, boot_map_fn map, u32 *len)
{
	const u8 *rsdp = bi->acpi_rsdp;
	size_t rsdp_len = bi->acpi_rsdp_len;
	u64 pa;

	if (rsdp_len < 20) {
		/* Booted from UEFI there are no BIOS areas to scan. */
		pa = bi->ram_from_efi ? 0 : acpi_find_rsdp(map, NULL);
		rsdp = pa ? map(pa, 36, NULL) : NULL;
		rsdp_len = 36;
	}
	return rsdp ? acpi_find_table(rsdp, rsdp_len, "SPCR", map, NULL, len) : NULL;
}

static bool reachable(u64 base, u64 size)
{
	return range_within(base, size, 0, CONSOLE_MAPPED_LIMIT);
}

static const char *const source_names[] = { "command line", "ACPI SPCR", "default" };

/* The console's UART is the hypervisor's: no passthrough device may take it. */
static void claim_uart(const struct uart_port *p)
{
	u64 size = 8ULL << p->reg_shift, page = ALIGN_DOWN(p->base, PAGE_SIZE);

	if (p->space == UART_SPACE_IO)
		config_host_claim(true, p->base, size, CONFIG_HOST_CONSOLE);
	else
		config_host_claim(false, page, ALIGN_UP(p->base + size, PAGE_SIZE) - page,
				  CONFIG_HOST_CONSOLE);
}

void x86_console_init(const struct boot_info *bi, boot_map_fn map)
{
	struct console_choice c;
	struct uart_port spcr;
	const u8 *t;
	int spcr_err = -ENOENT, src = 0;
	u32 len;

	console_parse_cmdline(bi->cmdline, &c);
	if (!c.explicit) {
		t = find_spcr(bi, map, &len);
		spcr_err = t ? spcr_parse(t, len, &spcr) : -ENOENT;
		if (!spcr_err && spcr.space == UART_SPACE_MMIO && !reachable(spcr.base, UART_WINDOW))
			spcr_err = -ERANGE;
		if (!spcr_err)
			c.port = spcr;
		src = spcr_err ? 2 : 1;
	}
	if (c.serial && c.port.space == UART_SPACE_MMIO && !reachable(c.port.base, UART_WINDOW)) {
		c.bad_option = "comN (an MMIO UART above 4 GiB)";
		c.port = (struct uart_port){ .base = COM1_PORT, .reg_width = 1,
					     .baud = UART_BAUD_MAX };
	}
	serial_on = c.serial;
	if (c.serial) {
		uart_init(&c.port);
		claim_uart(&c.port);
	}
	if (c.fb && bi->fb.kind != BOOT_FB_NONE &&
	    reachable(bi->fb.addr, (u64)bi->fb.pitch * bi->fb.height))
		fb_on = !fbcon_init(&bi->fb);

	if (serial_on)
		pr_info("console: 16550 at %s %#llx, %u baud (%s)\n",
			c.port.space == UART_SPACE_MMIO ? "MMIO" : "IO port", c.port.base,
			c.port.baud, source_names[src]);
	if (fb_on)
		pr_info("console: framebuffer %ux%u, %u bpp, at %#llx\n", bi->fb.width,
			bi->fb.height, bi->fb.bpp, bi->fb.addr);
	if (c.bad_option)
		pr_warn("console: option %s not understood, left out\n", c.bad_option);
	if (spcr_err != -ENOENT && spcr_err)
		pr_warn("console: the ACPI SPCR table is not usable (%s)\n", errno_name(spcr_err));
}
