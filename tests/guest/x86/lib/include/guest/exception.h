#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

#include <lib/compiler.h>

#define DE_VECTOR	0
#define DB_VECTOR	1
#define NMI_VECTOR	2
#define BP_VECTOR	3
#define OF_VECTOR	4
#define BR_VECTOR	5
#define UD_VECTOR	6
#define NM_VECTOR	7
#define DF_VECTOR	8
#define TS_VECTOR	10
#define NP_VECTOR	11
#define SS_VECTOR	12
#define GP_VECTOR	13
#define PF_VECTOR	14
#define MF_VECTOR	16
#define AC_VECTOR	17
#define MC_VECTOR	18
#define XM_VECTOR	19
#define VE_VECTOR	20
#define CP_VECTOR	21
#define HV_VECTOR	28
#define VC_VECTOR	29
#define SX_VECTOR	30

#define NR_VECTORS	256

/* What the *_safe helpers and catch_exception() return when nothing faulted. */
#define NO_EXCEPTION	(-1)

/*
 * The interrupted context as the entry stub saves it (lib/isr.S). A
 * handler may change any of it, RIP and RSP included: the stub returns
 * with IRETQ to whatever the frame says.
 */
struct ex_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;	/* error_code is 0 where the CPU pushes none */
	u64 rip, cs, rflags, rsp, ss;
};

typedef void (*ex_handler_t)(struct ex_regs *regs);

/*
 * Who takes an event, most specific claim first: an exception-table
 * entry for the faulting instruction, then the vector's handler, then the
 * innermost catch_exception(). Anything else is unexpected: it is reported
 * as a failed test with vector, error code, RIP, CR2 and the registers,
 * then "Bail out!", and the guest exits with GUEST_EXIT_EXCEPTION.
 */

/*
 * Installs @fn for @vec (NULL removes it) and returns the previous one.
 * For a fault, RIP points at the faulting instruction, so a handler that
 * wants to go on must move it (or fix the cause); for a trap (#BP, #OF,
 * INT n) it points after the instruction. An interrupt handler must
 * acknowledge its interrupt controller itself.
 */
ex_handler_t set_handler(unsigned int vec, ex_handler_t fn);

/* The last exception caught by an exception-table fixup or catch_exception(). */
struct ex_info {
	int vector;		/* NO_EXCEPTION if none since exception_clear() */
	u64 error_code;
	u64 rip;
	u64 cr2;
};

const struct ex_info *last_exception(void);
void exception_clear(void);

/*
 * Runs @fn(@arg). If it raises an exception (vectors 0-31 but NMI) that
 * no installed handler and no exception-table entry takes, the library
 * unwinds out of @fn, as longjmp() would, and returns the vector;
 * otherwise NO_EXCEPTION. Details in last_exception(). Catches nest.
 * @fn must not leave the CPU in a state the caller cannot use (a broken
 * stack segment, a changed CR3 without the library's identity map).
 */
int catch_exception(void (*fn)(void *), void *arg);

/*
 * One TAP test, like ok(): @fn(@arg) must raise @vector. A failure says
 * which vector came instead, or that none did. Returns whether it passed.
 */
#define expect_exception(vector, fn, arg, ...) \
	tap_expect_exception(vector, fn, arg, __FILE__, __LINE__, __VA_ARGS__)
bool tap_expect_exception(int vector, void (*fn)(void *), void *arg, const char *file, int line,
			  const char *fmt, ...) __printf(6, 7);

/*
 * An exception-table entry, for single instructions in inline assembly:
 * if the instruction at @insn faults, execution resumes at @fixup and the
 * fault is recorded for last_exception(). Clear the record first:
 *
 *	exception_clear();
 *	asm volatile("1: wrmsr\n2:\n" ASM_EXTABLE(1b, 2b) : ... : "memory");
 *	vec = last_exception()->vector;
 */
#define ASM_EXTABLE(insn, fixup)					\
	".pushsection .ex_table, \"a\"\n\t"				\
	".balign 8\n\t"							\
	".quad " #insn ", " #fixup "\n\t"				\
	".popsection\n\t"

/*
 * MSR accesses that return the vector of a fault (NO_EXCEPTION if none)
 * instead of taking it. QEMU's TCG raises no #GP for MSRs it does not
 * know: RDMSR reads 0, WRMSR is dropped.
 */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);

/* A short name for vectors 0-31 ("#GP"), "IRQ" above, "none" for NO_EXCEPTION. */
const char *exception_name(int vec);

/* Called by the library before guest_main(). */
void exceptions_init(void);

#endif
