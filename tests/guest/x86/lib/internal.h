#ifndef GUEST_LIB_INTERNAL_H
#define GUEST_LIB_INTERNAL_H

/* Names shared by the library's files and its assembly, not by tests. */
#include <guest/guest.h>

/* The C side of crt0.S: never returns. */
__noreturn void guest_start(u32 magic, u32 info_pa);

/*
 * The BSP's IDT on an AP (smp.c): the handlers are shared. APs load no
 * TSS, so a #DF there (an IST gate) is not survivable; nothing else is
 * affected.
 */
void exceptions_load_idt(void);

/* Called by isr.S for every vector. */
void exception_dispatch(struct ex_regs *regs);

/* bail_out() with a chosen exit code, for the unexpected-exception path. */
__noreturn void tap_bail_with(unsigned int code, const char *fmt, ...) __printf(2, 3);

#endif
