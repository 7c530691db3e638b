#ifndef ASM_CONSOLE_OPTS_H
#define ASM_CONSOLE_OPTS_H

#include <asm/uart.h>

/*
 * The console's options on the hypervisor's command line (x86), in the
 * manner of Xen's console= and com1=. One row per option: its name, its
 * syntax and what it does, for whoever documents the command line.
 */
struct console_option {
	const char *name;
	const char *syntax;
	const char *help;
	u16 default_port;	/* comN: the legacy IO port */
};

extern const struct console_option console_options[];
extern const unsigned int nr_console_options;

/* What the command line asks for; see console_choose() in arch/x86/console.c. */
struct console_choice {
	bool explicit;		/* console= was given: it lists every output */
	bool serial;		/* a serial port was named (or none, when !explicit) */
	bool fb;		/* the framebuffer was named */
	struct uart_port port;	/* the named comN, with its comN= settings */
	const char *bad_option;	/* the first option that made no sense, or NULL */
};

/*
 * Parses console= and com1..com4= from @cmdline. Never fails: a bad
 * option is named in @out->bad_option and left out, so that the console
 * still comes up somewhere to say so.
 */
void console_parse_cmdline(const char *cmdline, struct console_choice *out);

#endif
