/*
 * NRIPS for L1: the next sequential RIP in VMCB12 on a reflected exit.
 *
 * The APM (vol. 2, 15.7.1) has the CPU save nRIP on the #VMEXITs of
 * instruction intercepts (15.9), including CR and DR accesses, on MSR
 * and IOIO intercepts, and on the exceptions INT3, INTO and BOUND raise
 * (#BP, #OF, #BR); every other exit saves 0. L1 skips the instruction by
 * it: a length off by one byte (a prefix, a ModRM form) resumes L2 in
 * the middle of an instruction.
 *
 * Where L0's CPU has NRIPS, its next_rip in VMCB02 is exact: it is
 * passed on. QEMU's TCG has no NRIPS (next_rip stays 0): the IOIO exit
 * still carries the next RIP in EXITINFO2, and for the others the
 * instruction at L2's RIP is fetched through L2's page tables and its
 * length decoded (x86_insn_length(), prefixes included).
 */
#include <asm/svm.h>
#include <asm/svm_guest_mem.h>
#include <core/console.h>
#include <core/vcpu.h>
#include <core/vm.h>

#define EXCP(vec)	(SVM_EXIT_EXCP_BASE + (vec))
#define X86_VEC_BP	3
#define X86_VEC_OF	4
#define X86_VEC_BR	5

static bool nrip_saved(u32 code)
{
	if (code < SVM_EXIT_EXCP_BASE)
		return true;
	if (code < SVM_EXIT_INTR)
		return code == EXCP(X86_VEC_BP) || code == EXCP(X86_VEC_OF) ||
		       code == EXCP(X86_VEC_BR);
	if (code >= SVM_EXIT_CR0_SEL_WRITE && code <= SVM_EXIT_MSR)
		return true;
	return code >= SVM_EXIT_VMRUN && code <= SVM_EXIT_XSETBV;
}

/*
 * The length is a pure function of the bytes and the mode: the last
 * decode is kept, and the same bytes in the same mode (an L2 that exits
 * from the same instruction over and over) skip the decoder.
 */
static int insn_length(struct svm_nested *n, const u8 *bytes, u32 got, enum x86_cpu_mode mode,
		       u8 *len)
{
	u64 w[2] = { 0, 0 };
	u32 i;
	int err;

	/* The builtin (we build with -fno-builtin): two loads, not a call and a loop. */
	if (got == X86_MAX_INSN_LEN)
		__builtin_memcpy(w, bytes, X86_MAX_INSN_LEN);
	else
		for (i = 0; i < got && i < X86_MAX_INSN_LEN; i++)
			((u8 *)w)[i] = bytes[i];
	if (n->nrip_len && n->nrip_mode == mode && got == X86_MAX_INSN_LEN &&
	    w[0] == n->nrip_bytes[0] && w[1] == n->nrip_bytes[1]) {
		*len = n->nrip_len;
		return 0;
	}
	/* The copy, not guest memory: what is kept below is what was decoded. */
	err = x86_insn_length((const u8 *)w, got, mode, len);
	if (err || got != X86_MAX_INSN_LEN)
		return err;
	n->nrip_bytes[0] = w[0];
	n->nrip_bytes[1] = w[1];
	n->nrip_mode = (u8)mode;
	n->nrip_len = *len;
	return 0;
}

/*
 * The instruction is read in place when its 15 bytes are on one page
 * (nearly always: no copy), else copied from both pages.
 */
static u64 decoded_next_rip(struct svm_vcpu *sv, u32 code)
{
	enum x86_cpu_mode mode = svm_cpu_mode(sv->vmcb);
	u8 copy[X86_MAX_INSN_LEN], len;
	const u8 *bytes;
	u32 got;
	int err = 0;

	bytes = svm_code_at(sv, mode, &got);
	if (!bytes || got < X86_MAX_INSN_LEN) {
		bytes = copy;
		err = svm_fetch_insn(sv, copy, &got);
	}
	if (!err)
		err = insn_length(&sv->nested, bytes, got, mode, &len);
	if (err) {
		/* Only L2 rewriting its code under the exit gets here: L1 sees 0, "not saved". */
		pr_info_ratelimited("vm %s vCPU %u: next_rip of exit %#x at L2 RIP %#llx: %s\n",
				    sv->vcpu->vm->name, sv->vcpu->id, code, sv->vmcb->save.rip,
				    x86_decode_err_name(err));
		return 0;
	}
	return svm_rip_after(sv->vmcb, len);
}

u64 svm_nested_next_rip(struct svm_vcpu *sv, u32 code, u64 info2)
{
	if (!nrip_saved(code))
		return 0;
	if (svm_caps.nrips)
		return sv->vmcb->control.next_rip;
	if (code == SVM_EXIT_IOIO)
		return info2;
	return decoded_next_rip(sv, code);
}
