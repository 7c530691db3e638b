#ifndef ASM_SVM_NESTED_H
#define ASM_SVM_NESTED_H

/*
 * Nested SVM: an L1 guest runs its own guests (L2) with VMRUN, which the
 * hypervisor (L0) emulates (arch/x86/svm/nested.c; the VMRUN consistency
 * checks in nested_checks.c; interrupts and NMIs while L2 runs in
 * nested_intr.c; next_rip in nested_nrip.c; arch/x86/svm/README.md has
 * the design).
 *
 * Without nested paging in VMCB12 L2 lives in L1's guest-physical
 * space, so L0 runs L2 on VMCB02 with L0's own NPT for L1 (nCR3) and
 * L2's CR3 from VMCB12; with it, on the shadow of L1's nested table
 * (asm/svm_nested_npt.h). VMCB01 keeps L1's state while L2 runs: it is
 * L1's host save area, whatever VM_HSAVE_PA says.
 *
 * Ownership: like struct svm_vcpu, touched only by the vCPU's thread.
 */
#include <asm/svm_nested_npt.h>
#include <asm/vmcb.h>
#include <lib/compiler.h>

struct svm_vcpu;

/* What L1's VMCB12 may ask for: L1's CPU model (nested_limits_of() in nested.c). */
struct nested_limits {
	u32 phys_bits;		/* L1's physical address width (CPUID 0x80000008) */
	u64 cr4_allowed;	/* CR4 bits L1's CPUID offers */
	u64 efer_allowed;	/* EFER bits L1 may set */
	u32 svm_features;	/* CPUID 0x8000000a EDX as L1 sees it (SVM_FEATURE_*) */
	bool gbpages;		/* L1 is offered 1 GiB pages (its nested table may use them) */
	/*
	 * L1 is in long mode at this VMRUN: its nested table has the
	 * long-mode format, the only one walked (set before the checks).
	 */
	bool l1_long_mode;
};

/* One VMRUN consistency check: true when @v12 violates it. */
struct nested_check {
	const char *name;
	bool (*violated)(const struct vmcb *v12, const struct nested_limits *l);
};

extern const struct nested_check nested_checks[];
extern const unsigned int nested_nr_checks;

/* The first check @v12 violates, or NULL: VMRUN may go on. */
const struct nested_check *nested_vmcb_check(const struct vmcb *v12,
					     const struct nested_limits *l);

/* What the checks read (nested_check_key()); no padding, so compared as bytes. */
#define NESTED_CHECK_KEY_WORDS	16
struct nested_check_key {
	u64 w[NESTED_CHECK_KEY_WORDS];
};

struct nested_check_memo {
	bool passed;			/* @key passed every check */
	struct nested_check_key key;
};

void nested_check_key(const struct vmcb *v, const struct nested_limits *l,
		      struct nested_check_key *k);
/* nested_vmcb_check(), skipped when the key is the last one that passed. */
const struct nested_check *nested_vmcb_check_memo(const struct vmcb *v12,
						  const struct nested_limits *l,
						  struct nested_check_memo *m);

/* Legacy PAE paging: the four PDPTEs VMRUN loads must have no reserved bit set. */
bool nested_pdpte_reserved(u64 pdpte, u32 phys_bits);

/* EVENTINJ as the APM allows it (also a row of nested_checks). */
bool nested_event_inj_valid(u64 event_inj);

/* Where one MSR's two bits are in the MSR permission map. */
struct nested_msrpm_bits {
	u16 byte;
	u8 mask;
};

#define NESTED_MAX_MERGED_MSRS	16

/* The L1 view of SVM a VM's vCPU carries. */
struct svm_nested {
	bool offered;		/* the VM's configuration has nested-svm */
	bool efer_svme;		/* L1's EFER.SVME (the real bit stays set underneath) */
	u64 vm_cr;		/* L1's VM_CR: SVMDIS and LOCK */
	u64 hsave_pa;		/* L1's VM_HSAVE_PA */

	bool guest_mode;	/* L2 runs: sv->vmcb is vmcb02 */
	u64 vmcb12_gpa;		/* of the running L2's VMCB12; 0 outside guest mode */
	struct vmcb *vmcb12;	/* where it is in the hypervisor, checked by VMRUN */
	u32 l1_asid;		/* the ASID L1 gave the last L2: a change flushes the L2 ASID */
	struct vmcb *cache;	/* VMCB12 as VMRUN read it: checked, then used */
	struct vmcb *vmcb02;
	paddr_t vmcb02_pa;
	u8 *msrpm02;		/* L0's MSR map OR'ed with L1's */
	bool msrpm02_is_l0s;	/* no L1 bit merged in: it equals L0's map */
	struct nested_msrpm_bits merged[NESTED_MAX_MERGED_MSRS];
	unsigned int nr_merged;
	struct nested_limits limits;

	/* Interrupts in guest mode (nested_intr.c): VMCB02's V_IRQ bits are composed. */
	u64 l1_irq;		/* L1's V_IRQ request for L2 (V_IRQ_INJECTION_BITS) */
	bool irq_live;		/* l1_irq is in VMCB02 now: the CPU may consume V_IRQ */
	bool l0_window;		/* L0's interrupt window is open in VMCB02 */
	bool vgif;		/* L1 enabled vGIF for L2 (V_GIF_ENABLE) */
	bool v_gif;		/* L2's V_GIF: while clear, L2 takes no interrupt or NMI */

	/* nested_nrip.c: the last instruction decoded for next_rip (0: none). */
	u8 nrip_len;
	u8 nrip_mode;
	u64 nrip_bytes[2];	/* its 15 bytes, the 16th 0 */

	struct nested_check_memo checked;	/* the last VMCB12 state the checks passed */
	struct nnpt_shadow npt;	/* L2 GPA -> host PA while VMCB12 enables NP (nested_npt.c) */
};

/* nested.c */
int svm_nested_vcpu_init(struct svm_vcpu *sv);
void svm_nested_vcpu_destroy(struct svm_vcpu *sv);
void svm_nested_reset(struct svm_vcpu *sv);
int svm_nested_exit_vmrun(struct svm_vcpu *sv);
int svm_nested_exit_vmload(struct svm_vcpu *sv);
int svm_nested_exit_vmsave(struct svm_vcpu *sv);
int svm_nested_exit_stgi(struct svm_vcpu *sv);
int svm_nested_exit_clgi(struct svm_vcpu *sv);
int svm_nested_exit_invlpga(struct svm_vcpu *sv);
/* In guest mode: reflects the exit to L1 (VCPU_RESUME) or leaves it to L0 (NESTED_EXIT_L0). */
#define NESTED_EXIT_L0	(-1000)
int svm_nested_exit(struct svm_vcpu *sv);
/* nested.c, for nested_intr.c: the #VMEXIT of an L2 that ran, and EXITINTINFO. */
void nested_svm_vmexit(struct svm_vcpu *sv, u64 code, u64 info1, u64 info2, u64 int_info,
		       u64 next_rip);
u64 nested_l2_event_in_flight(const struct svm_vcpu *sv);

/* nested_nrip.c: VMCB12's next_rip for a reflected exit (0 where NRIPS saves none). */
u64 svm_nested_next_rip(struct svm_vcpu *sv, u32 code, u64 info2);

/* nested_intr.c: interrupts and NMIs while L2 runs. */
void svm_nested_intr_vmrun(struct svm_vcpu *sv);
void svm_nested_capture_int_ctl(struct svm_vcpu *sv);
u64 nested_int_ctl_to_l1(const struct svm_vcpu *sv, u64 int_ctl12);
void svm_nested_compose_int_ctl(struct svm_vcpu *sv);
/* L0's window in VMCB02 open or closed (event.c decides, in guest mode). */
void svm_nested_window(struct svm_vcpu *sv, bool open);
bool svm_nested_window_needed(struct svm_vcpu *sv, bool l2_pending);
/* In guest mode, before each entry: an exception, NMI or interrupt L1 intercepts. */
void svm_nested_before_entry(struct svm_vcpu *sv);
/* In guest mode: an interrupt of L1's that would end L2's run now. */
bool svm_nested_intr_for_l1(struct svm_vcpu *sv);
bool svm_nested_nmi_to_l2(const struct svm_vcpu *sv);
bool svm_nested_l2_takes_intr(const struct svm_vcpu *sv);
bool svm_nested_virq_deliverable(const struct svm_vcpu *sv);
/* In guest mode: #VMEXIT to L1 with @code and exit information, EXITINTINFO as the CPU wrote it. */
void svm_nested_reflect_exit(struct svm_vcpu *sv, u64 code, u64 info1, u64 info2);

/* nested_msr.c: VM_CR and VM_HSAVE_PA, and EFER.SVME as L1 sees it. */
int svm_nested_vm_cr_read(struct svm_vcpu *sv, u64 *val);
int svm_nested_vm_cr_write(struct svm_vcpu *sv, u64 val);
int svm_nested_hsave_read(struct svm_vcpu *sv, u64 *val);
int svm_nested_hsave_write(struct svm_vcpu *sv, u64 val);
bool svm_nested_efer_svme(const struct svm_vcpu *sv);
int svm_nested_efer_svme_write(struct svm_vcpu *sv, bool svme);

#endif
