#ifndef ASM_SVM_H
#define ASM_SVM_H

/*
 * AMD-V (SVM) state shared by the files of arch/x86/svm/, one concern
 * each: svm.c (CPU bring-up, ASIDs), vmcb.c (intercepts, boot state),
 * vmrun.S (the world switch), npt.c, exit.c (dispatch), cpuid.c, msr.c,
 * io.c, mmio.c, event.c, regs.c (the guest's registers), guest_mem.c
 * (the guest's view of its memory), vm.c (the arch_vm_* and
 * arch_vcpu_* hooks), and nested SVM: nested.c, nested_checks.c,
 * nested_msr.c, nested_intr.c (interrupts while L2 runs), nested_nrip.c
 * (next_rip for L1) (asm/svm_nested.h), nested_npt.c and
 * nested_npt_walk.c (asm/svm_nested_npt.h).
 *
 * Ownership: a struct svm_vcpu is touched only by the thread of its vCPU,
 * on its physical CPU; struct svm_vm is written while the VM is CREATED
 * and read-only after FINALIZED, except the virtual platform, which has
 * its own lock (asm/vplatform.h).
 */
#include <asm/cpuid_model.h>
#include <asm/decode.h>
#include <asm/svm_guest_mem.h>
#include <asm/svm_msr.h>
#include <asm/svm_nested.h>
#include <asm/vlapic.h>
#include <asm/vmcb.h>
#include <asm/vplatform.h>
#include <lib/compiler.h>

struct vm;
struct vcpu;
struct vm_region;

/* GPR numbers as the instruction encoding has them (the decoder's reg). */
enum x86_gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	NR_GPRS,
};

/* What the CPU offers, read once on the boot CPU (CPUID 0x8000000a). */
struct svm_caps {
	bool svm;		/* SVM present and not disabled by firmware */
	bool npt;
	bool nrips;		/* next_rip on instruction intercepts */
	bool decode_assists;	/* insn_bytes on #NPF, segment in IOIO exits */
	bool vgif;
	bool nx;		/* EFER.NXE is set on every CPU: NPT entries may have NX */
	bool tsc_aux;		/* RDTSCP or RDPID: TSC_AUX exists (CPUID 0x80000001, 7) */
	u32 nr_asids;
	u32 revision;
	u32 phys_bits;		/* host physical address width */
	u32 gpa_bits;		/* guest-physical width: the NPT's reach (svm_gpa_limit()) */
};

extern struct svm_caps svm_caps;

/* Test-only initial state faults (x86-test-corrupt-state), to exercise VMRUN failing. */
enum svm_corrupt {
	SVM_CORRUPT_NONE,
	SVM_CORRUPT_CR0_NW,	/* CR0.NW=1 with CD=0: VMRUN's consistency checks refuse it */
};

struct svm_vm {
	u64 *npt_root;		/* PML4 of the nested page tables */
	u32 asid;		/* 0 until finalized */
	u32 corrupt;		/* enum svm_corrupt */
	bool bench_floor;	/* x86-bench-floor: see exit.c */
	bool nested_svm;	/* nested-svm: SVM offered to the guest (nested.c) */
	u32 l2_asid;		/* with nested_svm: the ASID every L2 of this VM runs with */
	struct vplatform plat;
	u8 *iopm;		/* passthrough ports open (passthrough.c); NULL: the shared map */
	/* Unknown MSR numbers logged already, as BIT(32) | number; CAS-claimed, 0 is free. */
	u64 msr_logged[SVM_MSR_LOGGED];
};

/* An MMIO access in flight between an exit and its completion. */
struct svm_mmio {
	struct x86_mmio_insn insn;
	u64 gpa;
	u8 stage;		/* 1: the first exit; 2: the write half of XCHG or MOVS */
	bool movs_write_fault;	/* MOVS: the write faulted (the source is RAM) */
	u64 read_data;		/* XCHG: what the read half returned */
	u64 dst_gpa;		/* MOVS from MMIO: the destination, if MMIO too */
};

/* A string or plain IO access in flight. */
struct svm_ioio {
	u16 port;
	u8 size;		/* 1, 2, 4 */
	bool in;
	bool string;
	bool rep;
	u8 addr_size;		/* 2, 4, 8: width of rSI/rDI/rCX for string forms */
	u8 seg;			/* enum x86_seg of the OUTS source (DecodeAssists only) */
	bool seg_valid;
	u64 next_rip;		/* EXITINFO2 */
};

struct svm_vcpu {
	/* The VMCB the next VMRUN enters: vmcb01, or nested.vmcb02 while L2 runs. */
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct vmcb *vmcb01;	/* the guest's own (L1's, with nested SVM) */
	paddr_t vmcb01_pa;
	paddr_t host_state_pa;	/* of the physical CPU the vCPU is pinned to */
	volatile bool *timer_fired;	/* that CPU's x86_timer_fired_flag() */
	/* Saved and restored by vmrun.S; RAX and RSP live in the VMCB instead. */
	u64 gprs[NR_GPRS];
	struct vcpu *vcpu;
	struct svm_vm *svm;
	bool is_bsp;		/* vCPU 0: the 8259's output is its interrupt line */

	bool flush_tlb;		/* flush this ASID at the next VMRUN */
	u32 final_exit;		/* HV_EXIT_FAIL_ENTRY or _SHUTDOWN: the state is gone */
	u64 final_code;		/* FAIL_ENTRY: the hardware's EXITCODE */
	u64 reinject;		/* EXITINTINFO of an event to deliver again, or 0 */
	u64 pending_event;	/* an exception to inject (EVENTINJ format), or 0 */
	bool window_requested;	/* V_IRQ + VINTR intercept set for an interrupt window */
	u64 window;		/* the window's int_ctl bits: any priority, or above the TPR */
	/*
	 * NMI blocking: set when an NMI is injected, ended by the guest's
	 * IRET. The IRET intercept exits before the IRET runs, so blocking
	 * ends once RIP has moved past @iret_rip.
	 */
	bool nmi_masked;
	bool awaiting_iret;
	u64 iret_rip;
	/*
	 * The guest's GIF (its own CLGI/STGI, cleared by a #VMEXIT to it):
	 * while clear, its interrupts are held. Always set for a guest that
	 * was not offered SVM.
	 */
	bool gif;
	struct svm_nested nested;
	struct vlapic lapic;	/* this vCPU's local APIC (arch/x86/vplat/vlapic.c) */

	struct svm_mmio mmio;
	struct svm_ioio io;
	bool mmio_pending_write;	/* the second half of an MMIO exit is due */
	const struct vm_region *last_ram;	/* guest_mem.c's lookup cache */
	struct svm_fetch_memo fetch_memo;	/* guest_mem.c: the last fetch's walk */
	struct svm_fetch_memo *fetch_recording;	/* during that walk: where reads are recorded */
	struct cpuid_cache cpuid;	/* the CPUID model's answers (svm_cpuid_init()) */
	struct svm_msrs msrs;		/* msr.c's rows */
	bool halted_off;		/* in HLT with IF=0 (exit.c); other vCPUs read it */
};

/* svm.c */
void svm_cpu_init(void);
bool svm_usable(const char **why);
int svm_asid_alloc(u32 *asid);
void svm_asid_free(u32 asid);
paddr_t svm_host_state_pa(void);
u64 svm_gpa_limit(void);

/* vmrun.S: one world switch; returns after #VMEXIT with the guest's GPRs in @gprs. */
void svm_vmrun(u64 *gprs, paddr_t vmcb_pa, paddr_t host_state_pa);

/* vmcb.c */
int svm_msrpm_offset(u32 msr, u32 *byte, u32 *shift);
void svm_msrpm_allow(u8 *pm, u32 msr);
void svm_vmcb_init(struct svm_vcpu *sv);
int svm_vmcb_boot(struct svm_vcpu *sv, u32 mode, u64 entry, const u64 *args);
/* The vCPU's CPU state anew, as arch_vcpu_boot() makes it (INIT-SIPI's restart). */
int svm_vcpu_reset(struct svm_vcpu *sv, u32 mode, u64 entry, const u64 *args);
int svm_permission_maps_init(void);
/* L0's own needs, for VMCB01 and, OR'ed with L1's, for VMCB02 (nested.c). */
void svm_vmcb_l0_intercepts(struct vmcb_control *c);
u64 svm_iopm_pa(void);
const u8 *svm_msrpm(void);
/* The MSRs L0 lets through: the only ones whose merged bits depend on L1's map. */
const u32 *svm_passthrough_msrs(unsigned int *nr);

/*
 * Register access: RAX and RSP are in the VMCB (VMRUN loads them from
 * there and #VMEXIT saves them there), every other GPR in sv->gprs, where
 * vmrun.S keeps them. Inline: every exit handler goes through these.
 */
static inline u64 svm_gpr_read(const struct svm_vcpu *sv, unsigned int reg)
{
	if (reg == GPR_RAX)
		return sv->vmcb->save.rax;
	if (reg == GPR_RSP)
		return sv->vmcb->save.rsp;
	return sv->gprs[reg & (NR_GPRS - 1)];
}

static inline void svm_gpr_write(struct svm_vcpu *sv, unsigned int reg, u64 val)
{
	if (reg == GPR_RAX)
		sv->vmcb->save.rax = val;
	else if (reg == GPR_RSP)
		sv->vmcb->save.rsp = val;
	else
		sv->gprs[reg & (NR_GPRS - 1)] = val;
}
/*
 * The width of the guest's code: the decoder's mode. Real mode and
 * virtual-8086 code are 16-bit whatever CS says; CS.L only counts in
 * long mode.
 */
static inline enum x86_cpu_mode svm_cpu_mode(const struct vmcb *vmcb)
{
	if (!(vmcb->save.cr0 & BIT(0)) || (vmcb->save.rflags & BIT(17)))
		return X86_MODE_16;
	return x86_cpu_mode(vmcb->save.efer & BIT(10), vmcb->save.cs.attrib & SEG_ATTR_L,
			    vmcb->save.cs.attrib & SEG_ATTR_DB);
}
/* RIP += @len, wrapped to the code size, and the STI/MOV SS shadow ends. */
void svm_skip(struct svm_vcpu *sv, u64 len);
/* The RIP @len bytes after @vmcb's, wrapped to the code size. */
u64 svm_rip_after(const struct vmcb *vmcb, u64 len);

/* Inline, as the next one: IN's result goes through it on every exit. */
static inline u64 svm_width_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : BIT(bytes * 8) - 1;
}

/* Writes the low @bytes as x86 does: 1 and 2 keep the other bits, 4 clears 63:32. */
static inline void svm_gpr_write_width(struct svm_vcpu *sv, unsigned int reg, u64 val,
				       unsigned int bytes)
{
	u64 mask = svm_width_mask(bytes);

	if (bytes < 4)
		val = (svm_gpr_read(sv, reg) & ~mask) | (val & mask);
	else if (bytes == 4)
		val &= mask;
	svm_gpr_write(sv, reg, val);
}
/* rCX, @addr_size bytes wide: the count of a REP string instruction. */
u64 svm_string_count(const struct svm_vcpu *sv, unsigned int addr_size);
/*
 * One element of a string instruction is done: the index registers in
 * @index_regs (BIT(GPR_RSI) | BIT(GPR_RDI)) move by @size along RFLAGS.DF,
 * and with @rep rCX counts down. True when the instruction is finished
 * (RIP may move on); false when it must run again for the next element.
 */
bool svm_string_step(struct svm_vcpu *sv, u32 index_regs, unsigned int size,
		     unsigned int addr_size, bool rep);

/* exit.c */
int svm_run_once(struct svm_vcpu *sv);
int svm_complete(struct svm_vcpu *sv, u32 completion);
int svm_internal_error(struct svm_vcpu *sv, u32 suberror, u64 d0, u64 d1);

/* event.c; the checks every entry and exit make are inline, the work is not. */
void svm_inject_exception(struct svm_vcpu *sv, u8 vector, bool has_error, u32 error);
void svm_deliver_events(struct svm_vcpu *sv);
void svm_record_interrupted_event(struct svm_vcpu *sv, u64 exit_int_info);
bool svm_has_deliverable_interrupt(struct svm_vcpu *sv);
void svm_close_window(struct svm_vcpu *sv);
int svm_exit_iret(struct svm_vcpu *sv);
/* An NMI is in service (blocking ends once the intercepted IRET has run). */
bool svm_nmi_blocked(struct svm_vcpu *sv);
/* INIT and SIPI, before an entry: 0 to enter, VCPU_BLOCK while waiting for SIPI. */
int svm_apic_start_up(struct svm_vcpu *sv);

/* Only vCPU 0 has the 8259 wired to it, through LINT0 (ExtINT) or with the APIC off. */
static inline bool svm_extint_pending(const struct svm_vcpu *sv)
{
	return sv->is_bsp && vplat_intr_pending(&sv->svm->plat) && vlapic_accepts_pic(&sv->lapic);
}

/* An interrupt the guest would take with IF=1 (the 8259's or the APIC's); GIF holds both. */
static inline bool svm_intr_pending(const struct svm_vcpu *sv)
{
	return sv->gif && (svm_extint_pending(sv) || (vlapic_irr_maybe(&sv->lapic) &&
						      vlapic_pending_vector(&sv->lapic) >= 0));
}

/* An NMI to inject: one is posted, none is in service, and the guest (L1) runs. */
static inline bool svm_nmi_pending(const struct svm_vcpu *sv)
{
	return (vlapic_events(&sv->lapic) & VLAPIC_EV_NMI) && sv->gif;
}

/*
 * While L2 runs, an interrupt of L1's 8259 is L1's business if L1
 * intercepts INTR (svm_nested_before_entry() reflects it), never L2's.
 */
static inline bool svm_l1_intercepts_intr(const struct svm_vcpu *sv)
{
	return sv->nested.guest_mode &&
	       (sv->nested.cache->control.intercept_misc1 & INTERCEPT_INTR);
}

/* Before each entry: an event to inject, or an interrupt window to open or close. */
static inline void svm_prepare_events(struct svm_vcpu *sv)
{
	if (sv->reinject || sv->pending_event || sv->window_requested || svm_intr_pending(sv) ||
	    svm_nmi_pending(sv) || sv->nested.l0_window)
		svm_deliver_events(sv);
}

/*
 * CR8 is the guest's V_TPR (V_INTR_MASKING): its writes do not exit. The
 * APIC's TPR goes in before each entry and comes back after each exit,
 * for L1 only (VMCB02's V_TPR is L2's).
 */
static inline void svm_tpr_to_vmcb(struct svm_vcpu *sv)
{
	struct vmcb_control *c = &sv->vmcb->control;
	u32 v_tpr = vlapic_tpr(&sv->lapic) >> 4;

	if ((c->int_ctl & V_TPR_MASK) != v_tpr)
		c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | v_tpr;
}

static inline void svm_tpr_from_vmcb(struct svm_vcpu *sv)
{
	u8 v_tpr = sv->vmcb->control.int_ctl & 0xf;

	if (v_tpr != vlapic_tpr(&sv->lapic) >> 4)
		vlapic_set_cr8(&sv->lapic, v_tpr);
}

/*
 * After each exit: what was injected is delivered, or reported in
 * EXITINTINFO as interrupted, and must then go in again.
 */
static inline void svm_record_exit_events(struct svm_vcpu *sv)
{
	u64 info = sv->vmcb->control.exit_int_info;

	sv->vmcb->control.event_inj = 0;
	if (info & EVTINJ_VALID)
		svm_record_interrupted_event(sv, info);
}

/* cpuid.c glue (exit.c), msr.c, io.c, mmio.c */
void svm_cpuid_init(struct svm_vcpu *sv);
int svm_exit_cpuid(struct svm_vcpu *sv);
int svm_exit_msr(struct svm_vcpu *sv);
int svm_exit_ioio(struct svm_vcpu *sv);
int svm_complete_io(struct svm_vcpu *sv);
int svm_exit_npf(struct svm_vcpu *sv);
/* The #NPF path at guest-physical @gpa (L1's, for an L2 with nested NPT) with NPF_* @error. */
int svm_npf_at(struct svm_vcpu *sv, u64 gpa, u64 error);
int svm_complete_mmio(struct svm_vcpu *sv);
int svm_mmio_pending(struct svm_vcpu *sv);

#endif
