/*
 * The exception machinery: handlers see the vector and the RIP the CPU
 * reported and can resume; faults can be caught around a function or a
 * single instruction, with vector, error code and CR2.
 */
#include <guest/guest.h>

/* Bits 47-63 not a sign extension of bit 47. */
#define NON_CANONICAL	0x8000000000000000ULL
/* Above crt0's identity map of the first 4 GiB: not present. */
#define UNMAPPED	(4ULL << 30)

static struct ex_regs seen;
static unsigned int handler_calls;

static void record_handler(struct ex_regs *regs)
{
	seen = *regs;
	handler_calls++;
}

/* #UD is a fault: RIP is the ud2 itself, two bytes to step over. */
static void ud_handler(struct ex_regs *regs)
{
	record_handler(regs);
	regs->rip += 2;
}

static void test_ud_handler(void)
{
	ex_handler_t old;
	u64 rip;
	bool resumed = false;

	handler_calls = 0;
	old = set_handler(UD_VECTOR, ud_handler);
	__asm__ __volatile__("lea 1f(%%rip), %0\n"
			     "1: ud2\n\t"
			     "movb $1, %1"
			     : "=&r"(rip), "+m"(resumed) : : "memory");
	set_handler(UD_VECTOR, old);

	ok(handler_calls == 1 && seen.vector == UD_VECTOR && seen.error_code == 0,
	   "#UD handler saw vector %llu, error code %#llx", seen.vector, seen.error_code);
	ok(seen.rip == rip && seen.cs == KERNEL_CS,
	   "#UD handler saw RIP %#llx (ud2 at %#llx), CS %#llx", seen.rip, rip, seen.cs);
	ok(resumed, "execution resumed after ud2");
}

/* #BP is a trap: RIP already points after int3, nothing to move. */
static void test_bp_handler(void)
{
	ex_handler_t old;
	u64 after;

	handler_calls = 0;
	old = set_handler(BP_VECTOR, record_handler);
	__asm__ __volatile__("int3\n"
			     "1: lea 1b(%%rip), %0"
			     : "=r"(after) : : "memory");
	set_handler(BP_VECTOR, old);

	ok(handler_calls == 1 && seen.vector == BP_VECTOR && seen.rip == after,
	   "int3 reached its handler: vector %llu, RIP %#llx (after int3: %#llx)",
	   seen.vector, seen.rip, after);
	ok(old == NULL && set_handler(BP_VECTOR, NULL) == NULL,
	   "set_handler() returns the previous handler, and removing it sticks");
}

static void load_non_canonical(void *arg)
{
	(void)*(volatile u64 *)NON_CANONICAL;
}

static void load_unmapped(void *arg)
{
	(void)*(volatile u64 *)UNMAPPED;
}

/* In assembly: a C division by zero is undefined, and the compiler may drop it. */
static void divide_by_zero(void *arg)
{
	__asm__ __volatile__("mov $1, %%eax\n\t"
			     "xor %%edx, %%edx\n\t"
			     "divl %0"
			     : : "r"(0) : "rax", "rdx");
}

static void do_ud2(void *arg)
{
	__asm__ __volatile__("ud2");
}

static void do_nothing(void *arg)
{
	*(int *)arg = 42;
}

/* The catch's longjmp must hand the caller back its callee-saved registers. */
static void clobber_and_fault(void *arg)
{
	__asm__ __volatile__("mov $-1, %%rbx\n\t"
			     "mov $-1, %%r12\n\t"
			     "mov $-1, %%r13\n\t"
			     "mov $-1, %%r14\n\t"
			     "mov $-1, %%r15\n\t"
			     "ud2"
			     : : : "rbx", "r12", "r13", "r14", "r15", "memory");
}

static void test_catch(void)
{
	const struct ex_info *ex = last_exception();
	int ran = 0;
	u64 rbx = 0x1111, r12 = 0x2222, r13 = 0x3333, r14 = 0x4444, r15 = 0x5555;
	int vec;

	vec = catch_exception(load_non_canonical, NULL);
	ok(vec == GP_VECTOR && ex->error_code == 0,
	   "non-canonical load: caught %s, error code %#llx", exception_name(vec), ex->error_code);

	vec = catch_exception(load_unmapped, NULL);
	/* Error code 0: not present, a read, at CPL0. */
	ok(vec == PF_VECTOR && ex->cr2 == UNMAPPED && ex->error_code == 0,
	   "unmapped load: caught %s, CR2 %#llx, error code %#llx", exception_name(vec), ex->cr2,
	   ex->error_code);

	expect_exception(DE_VECTOR, divide_by_zero, NULL, "division by zero raises #DE");
	expect_exception(UD_VECTOR, do_ud2, NULL, "ud2 raises #UD");

	vec = catch_exception(do_nothing, &ran);
	ok(vec == NO_EXCEPTION && ran == 42 && ex->vector == NO_EXCEPTION,
	   "a function that does not fault returns normally");

	__asm__ __volatile__("mov %5, %%rbx\n\t"
			     "mov %6, %%r12\n\t"
			     "mov %7, %%r13\n\t"
			     "mov %8, %%r14\n\t"
			     "mov %9, %%r15\n\t"
			     "mov %10, %%rdi\n\t"
			     "xor %%esi, %%esi\n\t"
			     "call catch_exception\n\t"
			     "mov %%rbx, %0\n\t"
			     "mov %%r12, %1\n\t"
			     "mov %%r13, %2\n\t"
			     "mov %%r14, %3\n\t"
			     "mov %%r15, %4"
			     : "=m"(rbx), "=m"(r12), "=m"(r13), "=m"(r14), "=m"(r15)
			     : "i"(0x1111), "i"(0x2222), "i"(0x3333), "i"(0x4444), "i"(0x5555),
			       "i"(clobber_and_fault)
			     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			       "r12", "r13", "r14", "r15", "memory");
	ok(rbx == 0x1111 && r12 == 0x2222 && r13 == 0x3333 && r14 == 0x4444 && r15 == 0x5555,
	   "a caught fault restores the callee-saved registers");
}

/*
 * The exception table. QEMU's TCG raises no #GP for MSRs it does not know
 * (RDMSR reads 0, WRMSR is ignored), so the faulting case uses a load.
 */
static void test_extable(void)
{
	const struct ex_info *ex = last_exception();
	u64 insn, v = 1;
	int vec;

	exception_clear();
	__asm__ __volatile__("lea 1f(%%rip), %0\n"
			     "1: mov (%2), %1\n"
			     "2:\n\t"
			     ASM_EXTABLE(1b, 2b)
			     : "=&r"(insn), "+r"(v) : "r"(NON_CANONICAL) : "memory");
	ok(ex->vector == GP_VECTOR && ex->rip == insn && v == 1,
	   "exception-table fixup: %s at RIP %#llx (load at %#llx), resumed after it",
	   exception_name(ex->vector), ex->rip, insn);

	vec = rdmsr_safe(MSR_EFER, &v);
	ok(vec == NO_EXCEPTION && (v & EFER_LMA), "rdmsr_safe of EFER: no exception, %#llx", v);
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(13);
	test_ud_handler();
	test_bp_handler();
	test_catch();
	test_extable();
	return tap_done();
}
