#include <core/arch.h>
#include <asm/psci.h>
#include <asm/semihost.h>

extern char arm64_semihost_insn[];

bool semihost_fixup(struct arm64_regs *regs, unsigned int vector)
{
	if (vector != VEC_CUR_SPX_SYNC || ESR_EC(regs->esr) != EC_UNKNOWN ||
	    regs->elr != (u64)(uintptr_t)arm64_semihost_insn)
		return false;
	regs->x[0] = SEMIHOST_UNAVAILABLE;
	regs->elr += 4;
	return true;
}

/*
 * SYS_EXIT with ADP_Stopped_ApplicationExit makes QEMU exit with the
 * subcode as its status; (code << 1) | 1 is what x86's isa-debug-exit
 * gives, so one runner convention covers both architectures: an odd
 * status is a deliberate exit, 0 a power-off and 124 a timeout.
 */
__noreturn void arch_test_exit(unsigned int code)
{
	u64 block[2] = { ADP_STOPPED_APPLICATION_EXIT, ((u64)code << 1) | 1 };

	arm64_semihost_call(SEMIHOST_SYS_EXIT, (u64)(uintptr_t)block);
	arch_system_off();
}

__noreturn void arch_system_off(void)
{
	psci_system_off();
	arch_cpu_stop();
}
