#include <guest/guest.h>
#include <lib/fdt.h>
#include <lib/printf.h>
#include <lib/string.h>

#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		BIT(5)
#define LINE_MAX		256
#define SECONDARY_STACK		4096

static u32 console_lock;

static void lock(u32 *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		;
}

static void unlock(u32 *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void putc_uart(char c)
{
	while (mmio_read32(GUEST_UART + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(GUEST_UART + UART_DR, (u8)c);
}

static void puts_locked(const char *s)
{
	lock(&console_lock);
	while (*s)
		putc_uart(*s++);
	unlock(&console_lock);
}

int printf(const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	puts_locked(buf);
	return n;
}

/* ---- SMCCC ---- */

u64 hvc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ __volatile__("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

u64 smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

u64 hv_hypercall(u64 nr, u64 a1, u64 a2)
{
	return hvc(HV_HC_ARM64_BASE + nr, a1, a2, 0);
}

u64 hv_console_write(const char *s, u64 len)
{
	return hv_hypercall(HV_HC_CONSOLE_WRITE, (u64)(uintptr_t)s, len);
}

__noreturn void psci_system_off(void)
{
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

__noreturn void guest_exit(unsigned int code)
{
	mmio_write32(GUEST_DEBUG_EXIT, code);
	psci_system_off();
}

/* ---- TAP ---- */

static bool have_plan;
static unsigned int planned, tests_run, tests_failed;

void tap_plan(unsigned int n)
{
	have_plan = true;
	planned = n;
	printf("1..%u\n", n);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	char what[LINE_MAX - 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %u - %s\n", cond ? "" : "not ", tests_run, what);
	return cond;
}

void diag(const char *fmt, ...)
{
	char buf[LINE_MAX - 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s\n", buf);
}

__noreturn void bail_out(const char *fmt, ...)
{
	char buf[LINE_MAX - 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", buf);
	guest_exit(3);
}

int tap_done(void)
{
	if (!have_plan)
		printf("1..%u\n", tests_run);
	return tests_failed || (have_plan && tests_run != planned) ? 1 : 0;
}

/* ---- exceptions ---- */

struct frame {
	u64 x[31];
	u64 elr, spsr, esr;
};

static volatile bool catching;
static volatile u64 caught_esr;

void guest_exception(struct frame *f, u64 slot);

void (*guest_irq_handler)(u32 intid);
void (*guest_fiq_handler)(u32 intid);

/* An IRQ from EL1 (slot 5): acknowledged, handled, completed. */
static bool guest_irq(u64 slot)
{
	u32 intid;

	if (slot != 5 || !guest_irq_handler)
		return false;
	intid = gic_ack();
	if (intid >= 1020)
		return true;
	guest_irq_handler(intid);
	gic_eoi(intid);
	return true;
}

/* A FIQ from EL1 (slot 6): a Group 0 interrupt, through the Group 0 registers. */
static bool guest_fiq(u64 slot)
{
	u32 intid;

	if (slot != 6 || !guest_fiq_handler)
		return false;
	intid = (u32)read_sysreg(S3_0_C12_C8_0);		/* ICC_IAR0_EL1 */
	if (intid >= 1020)
		return true;
	guest_fiq_handler(intid);
	write_sysreg(intid, S3_0_C12_C8_1);			/* ICC_EOIR0_EL1 */
	return true;
}

#define ESR_EC_IABT_CUR		0x21

void guest_exception(struct frame *f, u64 slot)
{
	if (guest_irq(slot) || guest_fiq(slot))
		return;
	if (catching && (slot == 4 || slot == 0)) {
		catching = false;
		caught_esr = f->esr;
		/* A fetch that aborted has no instruction to skip: back to the caller. */
		if ((f->esr >> 26) == ESR_EC_IABT_CUR)
			f->elr = f->x[30];
		else
			f->elr += 4;
		return;
	}
	printf("Bail out! unexpected exception, slot %llu, ESR %#llx, ELR %#llx\n", slot, f->esr,
	       f->elr);
	guest_exit(3);
}

u64 expect_exception(void (*fn)(void *arg), void *arg)
{
	caught_esr = ~0ULL;
	catching = true;
	__asm__ __volatile__("" ::: "memory");
	fn(arg);
	catching = false;
	return caught_esr;
}

/* ---- the DTB ---- */

const char *guest_bootargs(const void *dtb)
{
	struct fdt f;
	const char *s;
	int node;

	if (fdt_init(&f, dtb, 1 << 20))
		return "";
	node = fdt_path(&f, "/chosen", 7);
	if (node < 0 || fdt_prop_string(&f, node, "bootargs", &s) < 0)
		return "";
	return s;
}

unsigned int guest_nr_cpus(const void *dtb)
{
	struct fdt f;
	unsigned int n = 0;
	int cpus, node;

	if (fdt_init(&f, dtb, 1 << 20))
		return 0;
	cpus = fdt_path(&f, "/cpus", 5);
	for (node = cpus < 0 ? -1 : fdt_first_subnode(&f, cpus); node >= 0;
	     node = fdt_next_subnode(&f, node))
		n++;
	return n;
}

/* ---- secondaries ---- */

void guest_secondary_entry(void);
void guest_secondary_start(u64 stack_top);

static u8 secondary_stacks[8][SECONDARY_STACK] __aligned(16);

void guest_secondary_start(u64 stack_top)
{
	u64 cpu = read_sysreg(mpidr_el1) & 0xff;

	guest_secondary(cpu);
	hvc(PSCI_CPU_OFF, 0, 0, 0);
	bail_out("CPU_OFF returned on vCPU %llu", cpu);
}

s64 start_secondary(u64 cpu)
{
	u64 top = (u64)(uintptr_t)secondary_stacks[cpu % 8] + SECONDARY_STACK;

	return (s64)hvc(PSCI_CPU_ON, cpu, (u64)(uintptr_t)guest_secondary_entry, top);
}

void guest_start(const void *dtb);

void guest_start(const void *dtb)
{
	guest_exit((unsigned int)guest_main(dtb));
}
