#include <asm/console_opts.h>
#include <core/boot.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

#define OPT_VALUE_MAX	64
#define COM_FIELDS	4
/* A <base> above the IO port space is an MMIO address. */
#define IO_PORT_MAX	0xffff

const struct console_option console_options[] = {
	{ "console", "<out>[,<out>...] with <out> one of com1, com2, com3, com4, fb, vga, none",
	  "where the hypervisor's console goes. Without it: the UART that the ACPI SPCR "
	  "table names, else COM1, and the framebuffer when the loader set one up", 0 },
	{ "com1", "<baud>[,8n1[,<base>[,<reg-shift>]]]",
	  "COM1's rate (0 or auto: keep the firmware's) and place: default 115200 at IO port "
	  "0x3f8; a <base> above 0xffff is an MMIO address, <reg-shift> 2 for 32-bit registers",
	  0x3f8 },
	{ "com2", "as com1", "COM2, default IO port 0x2f8", 0x2f8 },
	{ "com3", "as com1", "COM3, default IO port 0x3e8", 0x3e8 },
	{ "com4", "as com1", "COM4, default IO port 0x2e8", 0x2e8 },
};
const unsigned int nr_console_options = ARRAY_SIZE(console_options);

/* Field @idx of a comma-separated @s (empty if absent). */
static void field(const char *s, unsigned int idx, const char **f, size_t *len)
{
	const char *end;

	while (idx-- && (s = strchr(s, ',')))
		s++;
	if (!s) {
		*f = "";
		*len = 0;
		return;
	}
	end = strchr(s, ',');
	*f = s;
	*len = end ? (size_t)(end - s) : strlen(s);
}

static bool field_is(const char *f, size_t len, const char *word)
{
	return len == strlen(word) && !strncmp(f, word, len);
}

static int parse_baud(const char *f, size_t len, struct uart_port *p)
{
	u64 v;

	if (!len)
		return 0;
	if (field_is(f, len, "auto")) {
		p->baud = 0;
		return 0;
	}
	if (parse_u64(f, len, &v) || v > UART_BAUD_MAX || !uart_baud_valid((u32)v))
		return -EINVAL;
	p->baud = (u32)v;
	return 0;
}

static int parse_base(const char *f, size_t len, struct uart_port *p)
{
	u64 v;

	if (!len)
		return 0;
	if (parse_u64(f, len, &v) || !v)
		return -EINVAL;
	p->base = v;
	p->space = v > IO_PORT_MAX ? UART_SPACE_MMIO : UART_SPACE_IO;
	return 0;
}

static int parse_shift(const char *f, size_t len, struct uart_port *p)
{
	u64 v;

	if (!len)
		return 0;
	if (parse_u64(f, len, &v) || (v != 0 && v != 2) || p->space != UART_SPACE_MMIO)
		return -EINVAL;
	p->reg_shift = (u8)v;
	p->reg_width = v ? 4 : 1;
	return 0;
}

/* "<baud>[,8n1[,<base>[,<reg-shift>]]]" over @p's defaults; @p unchanged on error. */
static int parse_com(const char *s, struct uart_port *p)
{
	struct uart_port n = *p;
	const char *f[COM_FIELDS];
	size_t len[COM_FIELDS];
	unsigned int i;

	const char *c;

	for (i = 0, c = s; (c = strchr(c, ',')); c++)
		if (++i >= COM_FIELDS)
			return -EINVAL;
	for (i = 0; i < COM_FIELDS; i++)
		field(s, i, &f[i], &len[i]);
	if (parse_baud(f[0], len[0], &n) || (len[1] && !field_is(f[1], len[1], "8n1")) ||
	    parse_base(f[2], len[2], &n) || parse_shift(f[3], len[3], &n))
		return -EINVAL;
	*p = n;
	return 0;
}

static const struct console_option *com_option(const char *f, size_t len)
{
	unsigned int i;

	for (i = 1; i < nr_console_options; i++)
		if (field_is(f, len, console_options[i].name))
			return &console_options[i];
	return NULL;
}

/* The first comN named wins the serial console; the others are ignored. */
static void parse_outputs(const char *cmdline, const char *list, struct console_choice *out)
{
	char val[OPT_VALUE_MAX];
	const struct console_option *com;
	const char *f;
	size_t len;
	unsigned int i;

	out->explicit = true;
	for (i = 0, field(list, 0, &f, &len); len; field(list, ++i, &f, &len)) {
		com = com_option(f, len);
		if (com && !out->serial) {
			out->serial = true;
			out->port.base = com->default_port;
			if (cmdline_get(cmdline, com->name, val, sizeof(val)) >= 0 &&
			    parse_com(val, &out->port))
				out->bad_option = com->name;
		} else if (field_is(f, len, "fb") || field_is(f, len, "vga")) {
			out->fb = true;
		} else if (!com && !field_is(f, len, "none")) {
			out->bad_option = "console";
		}
	}
}

void console_parse_cmdline(const char *cmdline, struct console_choice *out)
{
	char val[OPT_VALUE_MAX];

	memset(out, 0, sizeof(*out));
	out->port = (struct uart_port){ .space = UART_SPACE_IO, .base = COM1_PORT,
					.reg_width = 1, .baud = UART_BAUD_MAX };
	if (cmdline_get(cmdline, "console", val, sizeof(val)) > 0) {
		parse_outputs(cmdline, val, out);
		return;
	}
	/* No console=: COM1's own settings still apply when COM1 is the fallback. */
	out->serial = true;
	out->fb = true;
	if (cmdline_get(cmdline, "com1", val, sizeof(val)) >= 0 && parse_com(val, &out->port))
		out->bad_option = "com1";
}
