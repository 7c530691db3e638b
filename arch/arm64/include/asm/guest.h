#ifndef ASM_GUEST_H
#define ASM_GUEST_H

#include <core/timer.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <asm/esr.h>

/*
 * The arm64 back end's VM and vCPU state (arch/arm64/vm.c, vcpu.c,
 * exit.c, stage2.c, guest_switch.S).
 */

/* What guest_switch.S saves and loads; offsets in asm/asm_offsets.h. */
struct arm64_guest_regs {
	u64 x[31];
	u64 pc;		/* ELR_EL2 */
	u64 pstate;	/* SPSR_EL2 */
	u64 esr;
	u64 far;
	u64 hpfar;
};

/*
 * The EL1 context. Policy: a physical CPU runs at most one vCPU (the
 * configuration gives each vCPU a CPU of its own, core/config.c), and
 * the hypervisor itself never uses EL1/EL0 state or the FP/SIMD
 * registers (it is built with -mgeneral-regs-only). So this context
 * lives in the hardware while the vCPU's thread runs on its CPU, and is
 * only copied out and in when another vCPU's context was loaded on that
 * CPU last (arm64_vcpu_load()): nothing is switched per exit, which keeps
 * the exit path as short as a bare trap. A reset (boot, PSCI CPU_ON)
 * writes the architectural start state here and forces a load.
 */
struct arm64_el1_ctx {
	u64 sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	u64 tpidr_el1, tpidr_el0, tpidrro_el0, sp_el0, sp_el1, elr_el1, spsr_el1;
	u64 esr, far, afsr0, afsr1, par, cntkctl, csselr, mdscr;
	u64 cntv_ctl, cntv_cval;
	u64 pac_keys[10];	/* APIA, APIB, APDA, APDB, APGA, Lo then Hi: with PAuth only */
};

struct arm64_fp_ctx {
	u64 v[64];	/* q0-q31, low half first */
	u64 fpsr, fpcr;
};

struct arm64_mmio_pending {
	struct esr_dabt dabt;
};

/* CNTV_CTL_EL0 and CNTP_CTL_EL0 */
#define CNT_CTL_ENABLE		BIT(0)
#define CNT_CTL_IMASK		BIT(1)
#define CNT_CTL_ISTATUS		BIT(2)

/* The emulated EL1 physical timer (guest_timer.c): the guest's CTL and CVAL, its line. */
struct arm64_ptimer {
	u64 ctl;
	u64 cval;
	bool level;
	struct timer timer;		/* the deadline, on the vCPU's CPU */
};

enum arm64_ptimer_reg {
	PTIMER_CTL,
	PTIMER_CVAL,
	PTIMER_TVAL,
};

struct arm64_vm {
	u64 *s2_root;
	u64 vttbr;
	u16 vmid;
	u64 cntvoff;
	u64 gic_dist_base;
	u64 gic_redist_base;
	bool bench_floor;	/* test-only: HVC 0xc600ffff answered by the bare trap path */
};

struct arm64_vcpu {
	struct arm64_guest_regs regs;	/* first: guest_switch.S gets its address */
	struct vcpu *vcpu;
	struct arm64_vm *avm;
	struct arm64_el1_ctx el1;
	struct arm64_fp_ctx fp;
	u64 hcr;
	u64 vmpidr;
	struct arm64_mmio_pending mmio;
	struct timer wfi_timer;		/* wakes a WFI wait at the virtual timer's deadline */
	/* PPI 27 disabled at this CPU's redistributor: its interrupt is in the vGIC. */
	bool vtimer_masked;
	/* The EL1 context must be loaded at the next entry (reset, or another vCPU's was). */
	bool reload;
	u64 cpacr;			/* CPACR_EL1 as the guest wrote it (vcpu.c) */
	struct arm64_ptimer ptimer;
};

/* guest_switch.S: enters the guest; returns the vector slot of the exit. */
u64 arm64_guest_enter(struct arm64_guest_regs *regs);
void arm64_fp_save(struct arm64_fp_ctx *fp);
void arm64_fp_load(const struct arm64_fp_ctx *fp);

/* vcpu.c */
void arm64_vcpu_load(struct arm64_vcpu *av);
void arm64_vcpu_reset(struct arm64_vcpu *av, u64 pc, const u64 args[4]);
void arm64_inject_undef(struct arm64_vcpu *av);
u64 arm64_reg_read(const struct arm64_vcpu *av, u8 r);
void arm64_reg_write(struct arm64_vcpu *av, u8 r, u64 val);
u64 arm64_cpacr_read(const struct arm64_vcpu *av);
void arm64_cpacr_write(struct arm64_vcpu *av, u64 val);
void arm64_inject_sync(struct arm64_vcpu *av, u64 esr, u64 far);
void arm64_vcpu_put(struct arm64_vcpu *av);
bool arm64_vcpu_held(const struct arm64_vcpu *av);
void arm64_vcpu_reset_state(struct arm64_vcpu *av);
/* @base with what this CPU's features add (pointer authentication left to the guest). */
u64 arm64_vcpu_hcr(u64 base);
/* The vCPU whose context this CPU holds, or NULL. */
struct arm64_vcpu *arm64_loaded_vcpu(void);

/* guest_timer.c */
void arm64_vtimer_fired(struct arm64_vcpu *av);
void arm64_vtimer_sync(struct arm64_vcpu *av);
bool arm64_vtimer_pending(const struct arm64_vcpu *av);
void arm64_vtimer_arm_wfi(struct arm64_vcpu *av);
void arm64_ptimer_init(struct arm64_vcpu *av);
void arm64_ptimer_reset(struct arm64_vcpu *av);
void arm64_ptimer_stop(struct arm64_vcpu *av);
u64 arm64_ptimer_read(struct arm64_vcpu *av, enum arm64_ptimer_reg reg);
void arm64_ptimer_write(struct arm64_vcpu *av, enum arm64_ptimer_reg reg, u64 val);

/* vm.c: a physical interrupt for a guest; true if it was EOIed (asm/smp.h's caller). */
bool arm64_guest_irq(u32 intid);

/* exit.c */
int arm64_handle_exit(struct arm64_vcpu *av, u64 slot);
bool arm64_exit_in_place(const struct arm64_vcpu *av, u64 slot);
int arm64_complete(struct arm64_vcpu *av, u32 completion);
void arm64_wfi_timer_fired(struct timer *t);
int arm64_internal_error(struct arm64_vcpu *av, u32 suberror, u64 d0, u64 d1);

/* stage2.c: the tables (no system registers) */
#define S2_IPA_BITS		39	/* one 4 KiB level-1 table: 512 GiB of IPA space */
/* Maps [ipa, ipa + size) to [pa, ...): page aligned, below arm64_s2_ipa_limit(), unmapped. */
int arm64_s2_map(u64 *root, u64 ipa, u64 pa, u64 size);
int arm64_s2_map_shared(u64 *root, u64 ipa, u64 pa, u64 size, bool writable);
/* The same as Device-nGnRE, never executable: a passthrough device's MMIO. */
int arm64_s2_map_device(u64 *root, u64 ipa, u64 pa, u64 size);
void arm64_s2_free(u64 *root);
int arm64_vmid_alloc(u16 *vmid);
void arm64_vmid_release(u16 vmid);

/* stage2_regs.c */
u64 arm64_s2_ipa_limit(void);
u64 arm64_vtcr(void);
void arm64_s2_flush_vmid(u16 vmid);


#endif
