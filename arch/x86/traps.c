#include <asm/cpu.h>
#include <asm/passthrough.h>
#include <asm/x86.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/hv.h>
#include <lib/panic.h>

/* Set (release) before the stop-NMI is sent: an NMI then means "stop". */
u32 x86_stopping;

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "#HV hypervisor injection", "#VC VMM communication",
	"#SX security", "reserved 31",
};

/* One printk per line: a whole dump does not fit one console message. */
static void dump_exception(const struct x86_exc_frame *f)
{
	printk("\nhv: CPU %u: exception vector %llu (%s), error code %#llx\n",
	       cpu_id(), f->vector, exception_names[f->vector & 31], f->error_code);
	printk("  RIP %016llx  CS  %04llx  RFLAGS %016llx\n", f->rip, f->cs, f->rflags);
	printk("  RSP %016llx  SS  %04llx  CR2 %016llx  CR3 %016llx\n", f->rsp, f->ss,
	       read_cr2(), read_cr3());
	printk("  RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx\n", f->rax, f->rbx,
	       f->rcx, f->rdx);
	printk("  RSI %016llx  RDI %016llx  RBP %016llx  R8  %016llx\n", f->rsi, f->rdi,
	       f->rbp, f->r8);
	printk("  R9  %016llx  R10 %016llx  R11 %016llx  R12 %016llx\n", f->r9, f->r10,
	       f->r11, f->r12);
	printk("  R13 %016llx  R14 %016llx  R15 %016llx\n", f->r13, f->r14, f->r15);
}

static void handle_nmi(const struct x86_exc_frame *f)
{
	if (__atomic_load_n(&x86_stopping, __ATOMIC_ACQUIRE))
		arch_cpu_stop();
	printk("hv: CPU %u: unexpected NMI at RIP %#llx\n", cpu_id(), f->rip);
}

void x86_interrupt(struct x86_exc_frame *f);

void x86_interrupt(struct x86_exc_frame *f)
{
	if (f->vector == VECTOR_NMI) {
		handle_nmi(f);
		return;
	}
	if (f->vector < 32) {
		dump_exception(f);
		hv_cpu_faulted();
	}
	if (f->vector == VECTOR_SPURIOUS)
		return;
	/* Kicks only wake the CPU or end guest mode: the work is done at safe points. */
	if (f->vector == VECTOR_TIMER)
		x86_timer_fired();
	else if (f->vector >= X86_PT_VECTOR_BASE && f->vector < X86_PT_VECTOR_BASE + X86_PT_PINS)
		x86_pt_interrupt((u32)(f->vector - X86_PT_VECTOR_BASE));
	else
		WARN_ON_ONCE(f->vector != VECTOR_KICK);
	lapic_eoi();
}
