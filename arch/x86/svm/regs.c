/* The guest's registers as exit handlers see them: see svm_gpr_read(). */
#include <asm/cpu.h>
#include <asm/svm.h>

/*
 * IP wraps at the code size outside 64-bit mode. The shadow of a STI or
 * MOV SS covers exactly one instruction: the one just emulated.
 */
u64 svm_rip_after(const struct vmcb *vmcb, u64 len)
{
	static const u64 ip_mask[] = {
		[X86_MODE_16] = 0xffff, [X86_MODE_32] = 0xffffffff, [X86_MODE_64] = ~0ULL,
	};

	return (vmcb->save.rip + len) & ip_mask[svm_cpu_mode(vmcb)];
}

void svm_skip(struct svm_vcpu *sv, u64 len)
{
	struct vmcb *vmcb = sv->vmcb;

	vmcb->save.rip = svm_rip_after(vmcb, len);
	vmcb->control.int_state &= ~INT_SHADOW;
}

u64 svm_string_count(const struct svm_vcpu *sv, unsigned int addr_size)
{
	return svm_gpr_read(sv, GPR_RCX) & svm_width_mask(addr_size);
}

#define X86_RFLAGS_DF	BIT(10)

bool svm_string_step(struct svm_vcpu *sv, u32 index_regs, unsigned int size,
		     unsigned int addr_size, bool rep)
{
	s64 delta = (sv->vmcb->save.rflags & X86_RFLAGS_DF) ? -(s64)size : (s64)size;
	unsigned int reg;
	u64 count;

	for (reg = 0; reg < NR_GPRS; reg++)
		if (index_regs & BIT(reg))
			svm_gpr_write_width(sv, reg, svm_gpr_read(sv, reg) + (u64)delta, addr_size);
	if (!rep)
		return true;
	count = svm_string_count(sv, addr_size) - 1;
	svm_gpr_write_width(sv, GPR_RCX, count, addr_size);
	return count == 0;
}
