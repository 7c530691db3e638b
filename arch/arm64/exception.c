#include <core/arch.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/percpu.h>
#include <lib/printf.h>
#include <asm/asm_offsets.h>
#include <asm/exception.h>
#include <asm/semihost.h>
#include <asm/sysreg.h>

STATIC_ASSERT(offsetof(struct arm64_regs, sp) == REGS_SP, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_regs, elr) == REGS_ELR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_regs, spsr) == REGS_SPSR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_regs, esr) == REGS_ESR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_regs, far) == REGS_FAR, "asm_offsets.h");
STATIC_ASSERT(sizeof(struct arm64_regs) == REGS_SIZE && REGS_SIZE % 16 == 0,
	      "the frame keeps SP 16-byte aligned");

extern char __hv_image_start[], __hv_image_end[];

/* ESR_EL2.EC, by the architecture's names for the classes EL2 can see. */
static const char *const ec_names[64] = {
	[0x00] = "unknown reason, e.g. an undefined instruction",
	[0x01] = "trapped WFI/WFE",
	[0x03] = "trapped MCR/MRC (CP15)",
	[0x04] = "trapped MCRR/MRRC (CP15)",
	[0x05] = "trapped MCR/MRC (CP14)",
	[0x06] = "trapped LDC/STC",
	[0x07] = "trapped SVE/SIMD/FP access",
	[0x0c] = "trapped MRRC (CP14)",
	[0x0d] = "branch target exception",
	[0x0e] = "illegal execution state",
	[0x11] = "SVC (AArch32)",
	[0x12] = "HVC (AArch32)",
	[0x13] = "SMC (AArch32)",
	[0x15] = "SVC (AArch64)",
	[0x16] = "HVC (AArch64)",
	[0x17] = "SMC (AArch64)",
	[0x18] = "trapped MSR/MRS/system instruction",
	[0x19] = "trapped SVE access",
	[0x1c] = "pointer authentication failure",
	[0x20] = "instruction abort from a lower EL",
	[0x21] = "instruction abort at EL2",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort from a lower EL",
	[0x25] = "data abort at EL2",
	[0x26] = "SP alignment fault",
	[0x28] = "FP exception (AArch32)",
	[0x2c] = "FP exception (AArch64)",
	[0x2f] = "SError",
	[0x30] = "breakpoint from a lower EL",
	[0x31] = "breakpoint at EL2",
	[0x32] = "software step from a lower EL",
	[0x33] = "software step at EL2",
	[0x34] = "watchpoint from a lower EL",
	[0x35] = "watchpoint at EL2",
	[0x38] = "BKPT (AArch32)",
	[0x3c] = "BRK instruction",
};

static const char *const vector_kinds[] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const vector_origins[] = {
	"EL2 on SP_EL0", "EL2", "a lower EL (AArch64)", "a lower EL (AArch32)",
};

static const char *ec_name(u64 esr)
{
	const char *name = ec_names[ESR_EC(esr)];

	return name ? name : "reserved or unhandled class";
}

/* The fault status code of an instruction or data abort (ISS[5:0]). */
static const char *fsc_name(u32 fsc)
{
	switch (fsc & 0x3c) {
	case 0x00:
		return "address size fault";
	case 0x04:
		return "translation fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	}
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	default:
		return "other fault";
	}
}

/*
 * printk() serialises against the other CPUs through a spinlock, and
 * exclusives need cacheable memory: a fault taken while the MMU is still
 * off writes to the UART directly.
 */
static void fault_print(const char *fmt, ...) __printf(1, 2);

static void fault_print(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (mmu_is_on())
		console_write(buf, (size_t)n);
	else
		arch_console_write(buf, (size_t)n);
}

static bool in_image(u64 addr)
{
	return addr >= (u64)(uintptr_t)__hv_image_start && addr < (u64)(uintptr_t)__hv_image_end;
}

static void dump_syndrome(const struct arm64_regs *regs)
{
	u64 esr = regs->esr;
	u32 ec = ESR_EC(esr), iss = ESR_ISS(esr);

	fault_print("hv:   ESR_EL2  0x%016llx  EC=0x%02x (%s) IL=%u ISS=0x%07x\n", esr, ec,
		    ec_name(esr), !!(esr & ESR_IL), iss);
	if (ec == EC_DABT_CUR || ec == EC_DABT_LOW || ec == EC_IABT_CUR || ec == EC_IABT_LOW)
		fault_print("hv:   %s abort: %s, level %u%s\n",
			    ec == EC_IABT_CUR || ec == EC_IABT_LOW ? "instruction" : "data",
			    fsc_name(iss & 0x3f), iss & 3,
			    ec >= EC_DABT_LOW ? (iss & (1u << 6) ? ", write" : ", read") : "");
	if (ec == EC_BRK)
		fault_print("hv:   brk #%#x\n", iss & 0xffff);
}

/* The image is linked at 0: "hv+0x1234" is what addr2line -e hv.elf wants. */
static void dump_regs(const struct arm64_regs *regs)
{
	unsigned int i;

	if (in_image(regs->elr))
		fault_print("hv:   ELR_EL2  0x%016llx (hv+0x%llx)\n", regs->elr,
			    regs->elr - (u64)(uintptr_t)__hv_image_start);
	else
		fault_print("hv:   ELR_EL2  0x%016llx\n", regs->elr);
	fault_print("hv:   FAR_EL2  0x%016llx\n", regs->far);
	fault_print("hv:   SPSR_EL2 0x%016llx\n", regs->spsr);
	for (i = 0; i < 30; i += 3)
		fault_print("hv:   x%-2u %016llx  x%-2u %016llx  x%-2u %016llx\n", i, regs->x[i],
			    i + 1, regs->x[i + 1], i + 2, regs->x[i + 2]);
	fault_print("hv:   x30 %016llx  sp  %016llx\n", regs->x[30], regs->sp);
}

/*
 * A fault while dumping a fault (a bad pointer in the dump path, a stack
 * that is gone) would otherwise recurse until this CPU's stack runs into
 * its neighbour's. The second one gets a fixed message and a dead stop.
 */
static bool in_handler[MAX_CPUS];

static void stop_on_nested_fault(void)
{
	static const char msg[] = "\nhv: exception while handling an exception; CPU stopped\n";
	unsigned int cpu = cpu_id() % MAX_CPUS;

	if (!in_handler[cpu]) {
		in_handler[cpu] = true;
		return;
	}
	arch_console_write(msg, sizeof(msg) - 1);
	for (;;)
		__asm__ __volatile__("msr daifset, #0xf\n\twfi" ::: "memory");
}

void arm64_handle_exception(struct arm64_regs *regs, unsigned int vector)
{
	if (semihost_fixup(regs, vector))
		return;
	stop_on_nested_fault();
	vector %= VEC_COUNT;
	fault_print("\nhv: unhandled %s exception from %s on CPU %u\n", vector_kinds[vector % 4],
		    vector_origins[vector / 4], cpu_id());
	dump_syndrome(regs);
	dump_regs(regs);
	hv_cpu_faulted();
}
