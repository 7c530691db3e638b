#ifndef ASM_VMCB_H
#define ASM_VMCB_H

#include <lib/compiler.h>

/*
 * The VMCB (AMD APM vol. 2, appendix B): a 4 KiB page, the control area
 * at 0x000 and the state save area at 0x400. Offsets are checked at
 * build time; a field in the wrong place is a guest that runs wrongly on
 * real hardware and rightly under no emulator.
 */

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

struct vmcb_control {
	u32 intercept_cr;		/* 0x000: reads [15:0], writes [31:16] */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;		/* 0x00c: INTERCEPT_* below */
	u32 intercept_misc2;		/* 0x010: INTERCEPT2_* below */
	u32 intercept_misc3;		/* 0x014 */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_control;			/* 0x05c */
	u8 reserved_05d[3];
	u64 int_ctl;			/* 0x060 */
	u64 int_state;			/* 0x068 */
	u32 exit_code;			/* 0x070 */
	u32 exit_code_hi;		/* 0x074 */
	u64 exit_info_1;		/* 0x078 */
	u64 exit_info_2;		/* 0x080 */
	u64 exit_int_info;		/* 0x088 */
	u64 nested_ctl;			/* 0x090 */
	u64 avic_vapic_bar;		/* 0x098 */
	u64 ghcb_pa;			/* 0x0a0 */
	u64 event_inj;			/* 0x0a8 */
	u64 nested_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 */
	u32 reserved_0c4;
	u64 next_rip;			/* 0x0c8 */
	u8 insn_len;			/* 0x0d0 */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es;		/* 0x400 */
	struct vmcb_seg cs;
	struct vmcb_seg ss;
	struct vmcb_seg ds;
	struct vmcb_seg fs;
	struct vmcb_seg gs;
	struct vmcb_seg gdtr;
	struct vmcb_seg ldtr;
	struct vmcb_seg idtr;
	struct vmcb_seg tr;
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 reserved_4cc;
	u64 efer;			/* 0x4d0 */
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;			/* 0x578 */
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u8 reserved_5e0[0x5f8 - 0x5e0];
	u64 rax;			/* 0x5f8 */
	u64 star;
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;			/* 0x640 */
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;		/* 0x690 */
	u8 reserved_698[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

STATIC_ASSERT(offsetof(struct vmcb_control, iopm_base_pa) == 0x040, "vmcb iopm");
STATIC_ASSERT(offsetof(struct vmcb_control, int_ctl) == 0x060, "vmcb int_ctl");
STATIC_ASSERT(offsetof(struct vmcb_control, exit_code) == 0x070, "vmcb exit_code");
STATIC_ASSERT(offsetof(struct vmcb_control, event_inj) == 0x0a8, "vmcb event_inj");
STATIC_ASSERT(offsetof(struct vmcb_control, next_rip) == 0x0c8, "vmcb next_rip");
STATIC_ASSERT(offsetof(struct vmcb_control, insn_bytes) == 0x0d1, "vmcb insn_bytes");
STATIC_ASSERT(offsetof(struct vmcb, save.cpl) == 0x4cb, "vmcb cpl");
STATIC_ASSERT(offsetof(struct vmcb, save.efer) == 0x4d0, "vmcb efer");
STATIC_ASSERT(offsetof(struct vmcb, save.cr4) == 0x548, "vmcb cr4");
STATIC_ASSERT(offsetof(struct vmcb, save.rip) == 0x578, "vmcb rip");
STATIC_ASSERT(offsetof(struct vmcb, save.rsp) == 0x5d8, "vmcb rsp");
STATIC_ASSERT(offsetof(struct vmcb, save.rax) == 0x5f8, "vmcb rax");
STATIC_ASSERT(offsetof(struct vmcb, save.cr2) == 0x640, "vmcb cr2");
STATIC_ASSERT(offsetof(struct vmcb, save.g_pat) == 0x668, "vmcb g_pat");
STATIC_ASSERT(sizeof(struct vmcb) == 0x1000, "vmcb size");

/* intercept_misc1 */
#define INTERCEPT_INTR		BIT(0)
#define INTERCEPT_NMI		BIT(1)
#define INTERCEPT_SMI		BIT(2)
#define INTERCEPT_INIT		BIT(3)
#define INTERCEPT_VINTR		BIT(4)
#define INTERCEPT_CR0_SEL_WRITE	BIT(5)
#define INTERCEPT_RDTSC		BIT(14)
#define INTERCEPT_RDPMC		BIT(15)
#define INTERCEPT_CPUID		BIT(18)
#define INTERCEPT_RSM		BIT(19)
#define INTERCEPT_IRET		BIT(20)
#define INTERCEPT_INTN		BIT(21)
#define INTERCEPT_INVD		BIT(22)
#define INTERCEPT_PAUSE		BIT(23)
#define INTERCEPT_HLT		BIT(24)
#define INTERCEPT_INVLPG	BIT(25)
#define INTERCEPT_INVLPGA	BIT(26)
#define INTERCEPT_IOIO_PROT	BIT(27)
#define INTERCEPT_MSR_PROT	BIT(28)
#define INTERCEPT_TASK_SWITCH	BIT(29)
#define INTERCEPT_FERR_FREEZE	BIT(30)
#define INTERCEPT_SHUTDOWN	BIT(31)

/* intercept_misc2 */
#define INTERCEPT2_VMRUN	BIT(0)
#define INTERCEPT2_VMMCALL	BIT(1)
#define INTERCEPT2_VMLOAD	BIT(2)
#define INTERCEPT2_VMSAVE	BIT(3)
#define INTERCEPT2_STGI		BIT(4)
#define INTERCEPT2_CLGI		BIT(5)
#define INTERCEPT2_SKINIT	BIT(6)
#define INTERCEPT2_RDTSCP	BIT(7)
#define INTERCEPT2_ICEBP	BIT(8)
#define INTERCEPT2_WBINVD	BIT(9)
#define INTERCEPT2_MONITOR	BIT(10)
#define INTERCEPT2_MWAIT	BIT(11)
#define INTERCEPT2_MWAIT_COND	BIT(12)
#define INTERCEPT2_XSETBV	BIT(13)

/* int_ctl */
#define V_TPR_MASK		0xffULL
#define V_IRQ			BIT(8)
#define V_GIF			BIT(9)
#define V_INTR_PRIO_SHIFT	16
#define V_IGN_TPR		BIT(20)
#define V_INTR_MASKING		BIT(24)
#define V_GIF_ENABLE		BIT(25)
#define V_INTR_VECTOR_SHIFT	32
#define V_INTR_PRIO_MASK	(0xfULL << V_INTR_PRIO_SHIFT)
#define V_INTR_VECTOR_MASK	(0xffULL << V_INTR_VECTOR_SHIFT)
/* A virtual interrupt request: V_IRQ, its priority and vector, V_IGN_TPR. */
#define V_IRQ_INJECTION_BITS	(V_IRQ | V_INTR_PRIO_MASK | V_IGN_TPR | V_INTR_VECTOR_MASK)

/* virt_ext */
#define VIRT_EXT_LBR_CTL_ENABLE	BIT(0)

/* int_state */
#define INT_SHADOW		BIT(0)

/* nested_ctl */
#define NESTED_CTL_NP_ENABLE	BIT(0)

/* tlb_control */
#define TLB_CONTROL_DO_NOTHING		0
#define TLB_CONTROL_FLUSH_ALL_ASID	1
#define TLB_CONTROL_FLUSH_ASID		3
#define TLB_CONTROL_FLUSH_ASID_LOCAL	7

/* event_inj and exit_int_info */
#define EVTINJ_VECTOR_MASK	0xffULL
#define EVTINJ_TYPE_SHIFT	8
#define EVTINJ_TYPE_MASK	(7ULL << EVTINJ_TYPE_SHIFT)
#define EVTINJ_TYPE_INTR	(0ULL << EVTINJ_TYPE_SHIFT)
#define EVTINJ_TYPE_NMI		(2ULL << EVTINJ_TYPE_SHIFT)
#define EVTINJ_TYPE_EXEPT	(3ULL << EVTINJ_TYPE_SHIFT)
#define EVTINJ_TYPE_SOFT	(4ULL << EVTINJ_TYPE_SHIFT)
#define EVTINJ_VALID_ERR	BIT(11)
#define EVTINJ_VALID		BIT(31)
#define EVTINJ_ERR_SHIFT	32
/* Vector, type, EV, V and the error code: bits 30:12 are reserved. */
#define EVTINJ_ARCH_BITS	(0xfffULL | EVTINJ_VALID | (0xffffffffULL << EVTINJ_ERR_SHIFT))

/* Exit codes (EXITCODE). */
#define SVM_EXIT_READ_CR0	0x000
#define SVM_EXIT_WRITE_CR0	0x010
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CR0_SEL_WRITE	0x065
#define SVM_EXIT_RDTSC		0x06e
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_PUSHF		0x070
#define SVM_EXIT_POPF		0x071
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_RSM		0x073
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_SWINT		0x075
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPG		0x079
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_TASK_SWITCH	0x07d
#define SVM_EXIT_FERR_FREEZE	0x07e
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_RDTSCP		0x087
#define SVM_EXIT_ICEBP		0x088
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_MWAIT_COND	0x08c
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_NPF		0x400
/* A VMRUN that failed its consistency checks: the 64-bit -1. */
#define SVM_EXIT_ERR		(-1LL)

/* IOIO EXITINFO1 */
#define IOIO_TYPE_IN		BIT(0)
#define IOIO_STR		BIT(2)
#define IOIO_REP		BIT(3)
#define IOIO_SZ8		BIT(4)
#define IOIO_SZ16		BIT(5)
#define IOIO_SZ32		BIT(6)
#define IOIO_A16		BIT(7)
#define IOIO_A32		BIT(8)
#define IOIO_A64		BIT(9)
#define IOIO_SEG_SHIFT		10
#define IOIO_PORT_SHIFT		16

/* NPF EXITINFO1 (a #PF error code plus where the walk failed). */
#define NPF_PRESENT		BIT(0)
#define NPF_WRITE		BIT(1)
#define NPF_USER		BIT(2)
#define NPF_RSVD		BIT(3)
#define NPF_FETCH		BIT(4)
#define NPF_FINAL_GPA		BIT(32)
#define NPF_PAGE_TABLE		BIT(33)

/* Segment attributes in VMCB form (descriptor bits 8-15 and 20-23, packed). */
#define SEG_ATTR_TYPE_MASK	0x00f
#define SEG_ATTR_S		BIT(4)
#define SEG_ATTR_DPL_SHIFT	5
#define SEG_ATTR_P		BIT(7)
#define SEG_ATTR_AVL		BIT(8)
#define SEG_ATTR_L		BIT(9)
#define SEG_ATTR_DB		BIT(10)
#define SEG_ATTR_G		BIT(11)

/* SVM MSRs */
#define MSR_VM_CR		0xc0010114u
#define MSR_VM_HSAVE_PA		0xc0010117u
#define VM_CR_SVMDIS		BIT(4)

/* CPUID 0x8000000a EDX */
#define SVM_FEATURE_NPT		BIT(0)
#define SVM_FEATURE_LBRV	BIT(1)
#define SVM_FEATURE_SVML	BIT(2)
#define SVM_FEATURE_NRIPS	BIT(3)
#define SVM_FEATURE_TSC_RATE	BIT(4)
#define SVM_FEATURE_VMCB_CLEAN	BIT(5)
#define SVM_FEATURE_FLUSH_ASID	BIT(6)
#define SVM_FEATURE_DECODE	BIT(7)
#define SVM_FEATURE_PAUSE_FILTER BIT(10)
#define SVM_FEATURE_PF_THRESH	BIT(12)
#define SVM_FEATURE_AVIC	BIT(13)
#define SVM_FEATURE_VLS		BIT(15)
#define SVM_FEATURE_VGIF	BIT(16)

/* MSR and IO permission maps: sizes the hardware reads. */
#define MSRPM_SIZE		(2 * 4096)
#define IOPM_SIZE		(3 * 4096)

#endif
