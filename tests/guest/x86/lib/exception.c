#include <lib/printf.h>

#include "internal.h"

/* Present, DPL 0, 64-bit interrupt gate: handlers start with IF clear. */
#define GATE_INTERRUPT	0x8e
/* Present, 64-bit TSS, available. */
#define DESC_TSS	0x89
/*
 * #DF runs on its own stack, so that a guest that overflows its stack
 * still gets a report instead of a triple fault.
 */
#define DF_IST		1

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct table_ptr {
	u16 limit;
	u64 base;
} __packed;

/* The context catch_call() saved; isr.S knows the offsets of rsp and rflags. */
struct catch_ctx {
	u64 rsp;
	u64 rflags;
	struct catch_ctx *prev;
};

STATIC_ASSERT(offsetof(struct catch_ctx, rsp) == 0, "isr.S stores RSP at offset 0");
STATIC_ASSERT(offsetof(struct catch_ctx, rflags) == 8, "isr.S stores RFLAGS at offset 8");
STATIC_ASSERT(sizeof(struct ex_regs) == 22 * 8, "isr.S pushes 22 words");

/* An exception-table entry of ASM_EXTABLE(). */
struct ex_entry {
	u64 insn;
	u64 fixup;
};

int catch_call(struct catch_ctx *ctx, void (*fn)(void *), void *arg);

extern const u64 isr_stub_table[NR_VECTORS];
extern const char catch_resume[];
extern u64 guest_gdt[];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static struct idt_gate idt[NR_VECTORS] __aligned(16);
static struct tss64 tss __aligned(16);
static u8 df_stack[4096] __aligned(16);
static ex_handler_t handlers[NR_VECTORS];
static struct catch_ctx *catch_top;
static struct ex_info last = { .vector = NO_EXCEPTION };

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(int vec)
{
	if (vec < 0)
		return "none";
	return vec < (int)ARRAY_SIZE(exception_names) ? exception_names[vec] : "IRQ";
}

static void set_gate(unsigned int vec, u64 handler, u8 ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = (u16)handler;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type = GATE_INTERRUPT;
	g->offset_mid = (u16)(handler >> 16);
	g->offset_hi = (u32)(handler >> 32);
	g->reserved = 0;
}

static void load_tss(void)
{
	u64 base = (u64)(uintptr_t)&tss;
	u64 limit = sizeof(tss) - 1;

	tss.ist[DF_IST - 1] = (u64)(uintptr_t)(df_stack + sizeof(df_stack));
	/* An I/O bitmap offset past the limit: no bitmap, CPL0 needs none. */
	tss.iomap_base = sizeof(tss);
	guest_gdt[KERNEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				    (u64)DESC_TSS << 40 | (limit >> 16 & 0xf) << 48 |
				    (base >> 24 & 0xff) << 56;
	guest_gdt[KERNEL_TSS / 8 + 1] = base >> 32;
	__asm__ __volatile__("ltr %w0" : : "r"(KERNEL_TSS) : "memory");
}

void exceptions_load_idt(void)
{
	struct table_ptr p = { .limit = sizeof(idt) - 1, .base = (u64)(uintptr_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(p) : "memory");
}

void exceptions_init(void)
{
	unsigned int vec;

	for (vec = 0; vec < NR_VECTORS; vec++)
		set_gate(vec, isr_stub_table[vec], vec == DF_VECTOR ? DF_IST : 0);
	load_tss();
	exceptions_load_idt();
}

ex_handler_t set_handler(unsigned int vec, ex_handler_t fn)
{
	ex_handler_t old;

	if (vec >= NR_VECTORS)
		bail_out("set_handler(%u): no such vector", vec);
	old = handlers[vec];
	handlers[vec] = fn;
	return old;
}

const struct ex_info *last_exception(void)
{
	return &last;
}

void exception_clear(void)
{
	last = (struct ex_info){ .vector = NO_EXCEPTION };
}

/*
 * Only exceptions raised by the instruction at RIP may be fixed up or
 * caught: an NMI arrives between instructions, and taking it for a fault
 * of the instruction it interrupted would skip that instruction.
 */
static bool is_synchronous(u64 vec)
{
	return vec < 32 && vec != NMI_VECTOR;
}

static void record(const struct ex_regs *regs)
{
	last.vector = (int)regs->vector;
	last.error_code = regs->error_code;
	last.rip = regs->rip;
	last.cr2 = read_cr2();
}

static const struct ex_entry *find_fixup(u64 rip)
{
	const struct ex_entry *e;

	for (e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

/* Resumes catch_call() as if it returned 1, with the stack and flags it had. */
static void unwind_to_catch(struct ex_regs *regs)
{
	regs->rip = (u64)(uintptr_t)catch_resume;
	regs->cs = KERNEL_CS;
	regs->rsp = catch_top->rsp;
	regs->ss = KERNEL_DS;
	regs->rflags = catch_top->rflags;
	regs->rax = 1;
}

static void dump_regs(const struct ex_regs *r)
{
	diag("RIP %016llx  CS %04llx  RFLAGS %016llx", r->rip, r->cs, r->rflags);
	diag("RSP %016llx  SS %04llx  CR0 %08llx  CR3 %016llx  CR4 %08llx",
	     r->rsp, r->ss, read_cr0(), read_cr3(), read_cr4());
	diag("RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx", r->rax, r->rbx, r->rcx, r->rdx);
	diag("RSI %016llx  RDI %016llx  RBP %016llx  R8  %016llx", r->rsi, r->rdi, r->rbp, r->r8);
	diag("R9  %016llx  R10 %016llx  R11 %016llx  R12 %016llx", r->r9, r->r10, r->r11, r->r12);
	diag("R13 %016llx  R14 %016llx  R15 %016llx", r->r13, r->r14, r->r15);
}

static __noreturn void report_unexpected(const struct ex_regs *regs)
{
	static bool reporting;
	/* Before anything else can fault and change it. */
	u64 cr2 = read_cr2();

	/* A fault while reporting one: the console itself may be the cause. */
	if (reporting)
		guest_exit(GUEST_EXIT_EXCEPTION);
	reporting = true;

	tap_ok(false, NULL, 0,
	       "unexpected exception %llu (%s), error code %#llx, RIP %#llx, CR2 %#llx",
	       regs->vector, exception_name((int)regs->vector), regs->error_code,
	       regs->rip, cr2);
	dump_regs(regs);
	tap_bail_with(GUEST_EXIT_EXCEPTION, "unexpected exception %llu (%s) at RIP %#llx",
		      regs->vector, exception_name((int)regs->vector), regs->rip);
}

/*
 * The order is how specific each claim on the event is: an exception-table
 * entry names one instruction, a handler a vector, a catch everything that
 * goes wrong inside a function.
 */
void exception_dispatch(struct ex_regs *regs)
{
	u64 vec = regs->vector;
	const struct ex_entry *fixup;

	if (is_synchronous(vec) && (fixup = find_fixup(regs->rip))) {
		record(regs);
		regs->rip = fixup->fixup;
		return;
	}
	if (handlers[vec]) {
		handlers[vec](regs);
		return;
	}
	if (is_synchronous(vec) && catch_top) {
		record(regs);
		unwind_to_catch(regs);
		return;
	}
	report_unexpected(regs);
}

int catch_exception(void (*fn)(void *), void *arg)
{
	struct catch_ctx ctx = { .prev = catch_top };
	int faulted;

	exception_clear();
	catch_top = &ctx;
	faulted = catch_call(&ctx, fn, arg);
	catch_top = ctx.prev;
	return faulted ? last.vector : NO_EXCEPTION;
}

bool tap_expect_exception(int vector, void (*fn)(void *), void *arg, const char *file, int line,
			  const char *fmt, ...)
{
	char what[256];
	va_list ap;
	int got;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	got = catch_exception(fn, arg);
	if (tap_ok(got == vector, file, line, "%s", what))
		return true;
	if (got == NO_EXCEPTION)
		diag("  expected %s (vector %d), got no exception", exception_name(vector), vector);
	else
		diag("  expected %s (vector %d), got %s (vector %d) at RIP %#llx, error code %#llx",
		     exception_name(vector), vector, exception_name(got), got, last.rip,
		     last.error_code);
	return false;
}

int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;

	exception_clear();
	__asm__ __volatile__("1: rdmsr\n2:\n\t" ASM_EXTABLE(1b, 2b)
			     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = (u64)hi << 32 | lo;
	return last.vector;
}

int wrmsr_safe(u32 msr, u64 val)
{
	exception_clear();
	__asm__ __volatile__("1: wrmsr\n2:\n\t" ASM_EXTABLE(1b, 2b)
			     : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return last.vector;
}
