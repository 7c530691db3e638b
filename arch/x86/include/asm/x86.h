#ifndef ASM_X86_H
#define ASM_X86_H

#include <core/boot.h>
#include <core/percpu.h>
#include <lib/compiler.h>

/* Interrupt vectors the hypervisor itself uses. */
#define VECTOR_NMI		2
#define VECTOR_DOUBLE_FAULT	8
#define VECTOR_TIMER		0xef
#define VECTOR_KICK		0xf0
#define VECTOR_SPURIOUS		0xff

/* Selectors of the per-CPU GDT; CS and DS match the boot GDT. */
#define GDT_CS			0x08
#define GDT_DS			0x10
#define GDT_TSS			0x18

/* Registers as the exception entry code saves them (arch/x86/isr.S). */
struct x86_exc_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};


/*
 * Chooses the console (arch/x86/console.c) from the loader's information;
 * @map reaches the ACPI tables for SPCR.
 */
void x86_console_init(const struct boot_info *bi, boot_map_fn map);

/* GDT, TSS and IDT of the calling CPU, and %gs pointing at @pc. */
void x86_cpu_early_init(struct percpu *pc);
void x86_idt_init(void);

void paging_init(const struct boot_info *bi);
u64 paging_root(void);
bool paging_is_mapped(u64 pa, u64 len);

void lapic_init(void);
u32 lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(u32 apic_id, u32 vector);
void lapic_send_nmi_all_but_self(void);
int lapic_start_ap(u32 apic_id, u32 trampoline_page);
void lapic_park_ap(u32 apic_id);
void lapic_timer_init(void);
u64 lapic_timer_hz(void);
void lapic_timer_start(u32 ticks);
/* VECTOR_TIMER's handler: the one-shot is spent (arch/x86/timer.c). */
void x86_timer_fired(void);
/*
 * This CPU's "the timer interrupt came" flag, set by x86_timer_fired().
 * The interrupt may be taken after any exit (in vmrun.S's STGI window),
 * not only an INTR exit, and its timers run only in core: a run loop
 * that sees the flag must go back there. The loop clears it and keeps
 * the pointer (a vCPU stays on its CPU), so the check is one load.
 */
volatile bool *x86_timer_fired_flag(void);

struct acpi_info;
/* Against the PIT, else the ACPI PM timer @acpi names; stops the machine without either. */
void tsc_calibrate(const struct acpi_info *acpi);
u64 tsc_hz(void);
void udelay(u64 us);

struct acpi_info;
int smp_boot(const struct acpi_info *acpi);

extern u32 x86_stopping;

#endif
