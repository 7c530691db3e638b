#ifndef GUEST_SVM_H
#define GUEST_SVM_H

#include <lib/compiler.h>
#include <guest/x86.h>

/*
 * SVM for test guests that are hypervisors of their own (L1 guests under
 * nested SVM). The VMCB layout is written out here again, independently
 * of the hypervisor's asm/vmcb.h: a field in the wrong place on either
 * side shows as a failed test rather than as two agreeing mistakes.
 */
/* The VMCB as the APM lays it out (vol. 2, appendix B). */

struct seg {
	u16 sel, attrib;
	u32 limit;
	u64 base;
} __packed;

struct vmcb {
	u32 icpt_cr, icpt_dr, icpt_exc, icpt1, icpt2, icpt3;	/* 0x000 */
	u8 r018[0x40 - 0x18];
	u64 iopm, msrpm, tsc_offset;				/* 0x040 */
	u32 asid;						/* 0x058 */
	u8 tlb_control, r05d[3];
	u64 int_ctl, int_state;					/* 0x060 */
	u32 exit_code, exit_code_hi;				/* 0x070 */
	u64 info1, info2, intinfo, nested_ctl;			/* 0x078 */
	u64 avic, ghcb, event_inj, ncr3, virt_ext;		/* 0x098 */
	u32 clean, r0c4;
	u64 next_rip;						/* 0x0c8 */
	u8 r0d0[0x400 - 0xd0];
	struct seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;	/* 0x400 */
	u8 r4a0[0x4cb - 0x4a0];
	u8 cpl;
	u32 r4cc;
	u64 efer;						/* 0x4d0 */
	u8 r4d8[0x548 - 0x4d8];
	u64 cr4, cr3, cr0, dr7, dr6, rflags, rip;		/* 0x548 */
	u8 r580[0x5d8 - 0x580];
	u64 rsp;						/* 0x5d8 */
	u8 r5e0[0x5f8 - 0x5e0];
	u64 rax, star, lstar, cstar, sfmask, kernel_gs_base;	/* 0x5f8 */
	u64 sysenter_cs, sysenter_esp, sysenter_eip, cr2;	/* 0x628 */
	u8 r648[0x668 - 0x648];
	u64 g_pat, dbgctl, br_from, br_to, last_excp_from;	/* 0x668 */
	u64 last_excp_to;					/* 0x690 */
	u8 r698[0x1000 - 0x698];
} __packed;

_Static_assert(__builtin_offsetof(struct vmcb, exit_code) == 0x70, "exit_code");
_Static_assert(__builtin_offsetof(struct vmcb, event_inj) == 0xa8, "event_inj");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "efer");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "rip");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "rax");
_Static_assert(__builtin_offsetof(struct vmcb, kernel_gs_base) == 0x620, "kgs");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "cr2");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "g_pat");
_Static_assert(__builtin_offsetof(struct vmcb, dbgctl) == 0x670, "dbgctl");
_Static_assert(__builtin_offsetof(struct vmcb, last_excp_to) == 0x690, "last_excp_to");
_Static_assert(sizeof(struct vmcb) == 0x1000, "size");

#define I1_INTR		X86_BIT(0)
#define I1_CPUID	X86_BIT(18)
#define I1_HLT		X86_BIT(24)
#define I1_IOIO		X86_BIT(27)
#define I1_MSR		X86_BIT(28)
#define I2_VMRUN	X86_BIT(0)
#define I2_VMMCALL	X86_BIT(1)

#define MSR_VM_CR	0xc0010114u
#define MSR_VM_HSAVE_PA	0xc0010117u
#define EXIT_VMMCALL	0x81

/*
 * A VMCB for a 64-bit L2 that runs on this guest's own page tables,
 * descriptor tables and flat segments, from @rip on the stack @rsp,
 * intercepting VMRUN and VMMCALL, ASID 1: the valid state every test
 * starts from, so that a test changes only what it is about.
 */
void svm_vmcb_init_flat64(struct vmcb *v, u64 rip, u64 rsp);

#endif
