/*
 * A vCPU's architectural state: the reset state of the Image protocol,
 * loading the EL1 context and the per-VM EL2 controls onto the physical
 * CPU (the policy is in asm/guest.h), the guest's registers by number,
 * and exceptions injected into EL1.
 */
#include <core/percpu.h>
#include <lib/string.h>
#include <asm/asm_offsets.h>
#include <asm/gic.h>
#include <asm/guest.h>
#include <asm/sysreg.h>
#include <asm/vgic.h>

/* guest_switch.S's view of the layouts (asm/asm_offsets.h), checked as the others are. */
STATIC_ASSERT(offsetof(struct arm64_guest_regs, x[2]) == GUEST_X(2), "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_guest_regs, pc) == GUEST_PC, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_guest_regs, pstate) == GUEST_PSTATE, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_guest_regs, esr) == GUEST_ESR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_guest_regs, far) == GUEST_FAR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_guest_regs, hpfar) == GUEST_HPFAR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct arm64_vcpu, regs) == 0, "guest_switch.S gets its address");
STATIC_ASSERT(offsetof(struct arm64_fp_ctx, fpsr) == FP_FPSR &&
	      offsetof(struct arm64_fp_ctx, fpcr) == FP_FPSR + 8, "asm_offsets.h");

/* SCTLR_EL1's RES1 bits (ARMv8.0): MMU, caches and alignment checks off. */
#define SCTLR_EL1_RESET		0x30d00800ULL
/* EL1h with D, A, I and F masked: the Image protocol's entry state. */
#define PSTATE_EL1H_MASKED	0x3c5ULL
#define PSTATE_MODE_MASK	0xfULL
#define PSTATE_EL1T		0x4ULL
#define PSTATE_EL1H		0x5ULL
#define PSTATE_DAIF		(0xfULL << 6)

#define VBAR_CURRENT_SP0	0x000
#define VBAR_CURRENT_SPX	0x200
#define VBAR_LOWER_A64		0x400

/*
 * CNTHCTL_EL2 (E2H = 0): EL1PCTEN set, so the physical counter
 * (CNTPCT_EL0) is readable at EL1 without a trap; EL1PCEN clear, so the
 * EL1 physical timer's registers trap to EL2 and are emulated
 * (guest_timer.c): the hardware timer stays the hypervisor's. EVNTEN
 * clear: no event stream is generated for the guest.
 */
#define CNTHCTL_EL1PCTEN	BIT(0)

/*
 * CPTR_EL2 (E2H = 0) while a guest runs: FP/SIMD is the guest's (TFP
 * clear; its registers are switched). SVE and SME are hidden from the
 * guest's ID registers and their state is not switched, so both trap
 * (TZ, TSM) and become UNDEF (exit.c); so do the activity monitors
 * (TAM) and the trace registers (TTA), also hidden.
 */
#define CPTR_TSM		BIT(12)
#define CPTR_TTA		BIT(20)
#define CPTR_TAM		BIT(30)
#define CPTR_TCPAC		BIT(31)
#define CPTR_EL2_GUEST		(CPTR_EL2_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TTA | CPTR_TAM | \
				 CPTR_TCPAC)

/*
 * CPACR_EL1 would stop an SVE or SME instruction at EL1 (EC 0x19/0x1d,
 * what a CPU with the feature gives) before CPTR_EL2 sees it, while
 * its ZEN/SMEN are clear. So the guest's accesses to it trap (TCPAC)
 * and it reads its own value back (arm64_cpacr_*), while the hardware
 * holds that value with ZEN and SMEN set: every SVE or SME instruction
 * then reaches EL2 and is UNDEFINED, as on a CPU without them.
 */
#define CPACR_ZEN		GENMASK(17, 16)
#define CPACR_FPEN		GENMASK(21, 20)
#define CPACR_SMEN		GENMASK(25, 24)
#define CPACR_TTA		BIT(28)
#define CPACR_GUEST_BITS	(CPACR_FPEN | CPACR_TTA)
#define CPACR_HIDDEN_ON		(CPACR_ZEN | CPACR_SMEN)

u64 arm64_cpacr_read(const struct arm64_vcpu *av)
{
	return av->cpacr;
}

/* The vCPU is loaded (a trap): the hardware register is written in place. */
void arm64_cpacr_write(struct arm64_vcpu *av, u64 val)
{
	av->cpacr = val & CPACR_GUEST_BITS;
	write_sysreg(av->cpacr | CPACR_HIDDEN_ON, cpacr_el1);
}

/*
 * MDCR_EL2 while a guest runs: the PMU (TPM, TPMCR) and the statistical
 * profiling registers (TPMS, E2PB = 0) trap to EL2 and become UNDEF, as
 * the ID registers say there is neither; HPMN keeps its reset value.
 */
#define MDCR_HPMN_MASK		GENMASK(4, 0)
#define MDCR_TPMCR		BIT(5)
#define MDCR_TPM		BIT(6)
#define MDCR_TPMS		BIT(14)
#define MDCR_EL2_GUEST		(MDCR_TPMCR | MDCR_TPM | MDCR_TPMS)

/*
 * Pointer authentication: with it, the guest uses its keys freely
 * (HCR_EL2.APK/API set, arm64_vcpu_hcr()) and they are part of the EL1
 * context. ID_AA64ISAR1_EL1 APA, API, GPA, GPI and ISAR2 APA3/GPA3.
 */
#define ISAR1_PAUTH_MASK	(GENMASK(11, 4) | GENMASK(31, 24))
#define ISAR2_PAUTH_MASK	(GENMASK(15, 8))
#define HCR_APK			BIT(40)
#define HCR_API			BIT(41)

static bool cpu_has_pauth(void)
{
	return (read_sysreg(id_aa64isar1_el1) & ISAR1_PAUTH_MASK) ||
	       (read_sysreg(S3_0_C0_C6_2) & ISAR2_PAUTH_MASK);
}

u64 arm64_vcpu_hcr(u64 base)
{
	return cpu_has_pauth() ? base | HCR_APK | HCR_API : base;
}

static void pac_save(u64 *k)
{
	k[0] = read_sysreg(S3_0_C2_C1_0);
	k[1] = read_sysreg(S3_0_C2_C1_1);
	k[2] = read_sysreg(S3_0_C2_C1_2);
	k[3] = read_sysreg(S3_0_C2_C1_3);
	k[4] = read_sysreg(S3_0_C2_C2_0);
	k[5] = read_sysreg(S3_0_C2_C2_1);
	k[6] = read_sysreg(S3_0_C2_C2_2);
	k[7] = read_sysreg(S3_0_C2_C2_3);
	k[8] = read_sysreg(S3_0_C2_C3_0);
	k[9] = read_sysreg(S3_0_C2_C3_1);
}

static void pac_load(const u64 *k)
{
	write_sysreg(k[0], S3_0_C2_C1_0);
	write_sysreg(k[1], S3_0_C2_C1_1);
	write_sysreg(k[2], S3_0_C2_C1_2);
	write_sysreg(k[3], S3_0_C2_C1_3);
	write_sysreg(k[4], S3_0_C2_C2_0);
	write_sysreg(k[5], S3_0_C2_C2_1);
	write_sysreg(k[6], S3_0_C2_C2_2);
	write_sysreg(k[7], S3_0_C2_C2_3);
	write_sysreg(k[8], S3_0_C2_C3_0);
	write_sysreg(k[9], S3_0_C2_C3_1);
}

/* Whose EL1 context is in each CPU's registers; only that CPU reads or writes its slot. */
static struct arm64_vcpu *loaded[MAX_CPUS];

static void el1_save(struct arm64_el1_ctx *c)
{
	c->sctlr = read_sysreg(sctlr_el1);
	c->actlr = read_sysreg(actlr_el1);
	c->cpacr = read_sysreg(cpacr_el1);
	c->ttbr0 = read_sysreg(ttbr0_el1);
	c->ttbr1 = read_sysreg(ttbr1_el1);
	c->tcr = read_sysreg(tcr_el1);
	c->mair = read_sysreg(mair_el1);
	c->amair = read_sysreg(amair_el1);
	c->vbar = read_sysreg(vbar_el1);
	c->contextidr = read_sysreg(contextidr_el1);
	c->tpidr_el1 = read_sysreg(tpidr_el1);
	c->tpidr_el0 = read_sysreg(tpidr_el0);
	c->tpidrro_el0 = read_sysreg(tpidrro_el0);
	c->sp_el0 = read_sysreg(sp_el0);
	c->sp_el1 = read_sysreg(sp_el1);
	c->elr_el1 = read_sysreg(elr_el1);
	c->spsr_el1 = read_sysreg(spsr_el1);
	c->esr = read_sysreg(esr_el1);
	c->far = read_sysreg(far_el1);
	c->afsr0 = read_sysreg(afsr0_el1);
	c->afsr1 = read_sysreg(afsr1_el1);
	c->par = read_sysreg(par_el1);
	c->cntkctl = read_sysreg(cntkctl_el1);
	c->csselr = read_sysreg(csselr_el1);
	c->mdscr = read_sysreg(mdscr_el1);
	c->cntv_ctl = read_sysreg(cntv_ctl_el0);
	c->cntv_cval = read_sysreg(cntv_cval_el0);
	if (cpu_has_pauth())
		pac_save(c->pac_keys);
}

static void el1_load(const struct arm64_el1_ctx *c)
{
	write_sysreg(c->sctlr, sctlr_el1);
	write_sysreg(c->actlr, actlr_el1);
	write_sysreg(c->cpacr, cpacr_el1);
	write_sysreg(c->ttbr0, ttbr0_el1);
	write_sysreg(c->ttbr1, ttbr1_el1);
	write_sysreg(c->tcr, tcr_el1);
	write_sysreg(c->mair, mair_el1);
	write_sysreg(c->amair, amair_el1);
	write_sysreg(c->vbar, vbar_el1);
	write_sysreg(c->contextidr, contextidr_el1);
	write_sysreg(c->tpidr_el1, tpidr_el1);
	write_sysreg(c->tpidr_el0, tpidr_el0);
	write_sysreg(c->tpidrro_el0, tpidrro_el0);
	write_sysreg(c->sp_el0, sp_el0);
	write_sysreg(c->sp_el1, sp_el1);
	write_sysreg(c->elr_el1, elr_el1);
	write_sysreg(c->spsr_el1, spsr_el1);
	write_sysreg(c->esr, esr_el1);
	write_sysreg(c->far, far_el1);
	write_sysreg(c->afsr0, afsr0_el1);
	write_sysreg(c->afsr1, afsr1_el1);
	write_sysreg(c->par, par_el1);
	write_sysreg(c->cntkctl, cntkctl_el1);
	write_sysreg(c->csselr, csselr_el1);
	write_sysreg(c->mdscr, mdscr_el1);
	/* The comparator first: enabling with a stale one could fire at once. */
	write_sysreg(c->cntv_cval, cntv_cval_el0);
	write_sysreg(c->cntv_ctl, cntv_ctl_el0);
	if (cpu_has_pauth())
		pac_load(c->pac_keys);
}

/* The previous owner's context to memory, FP/SIMD included. */
static void unload(struct arm64_vcpu *old)
{
	el1_save(&old->el1);
	arm64_fp_save(&old->fp);
}

/*
 * Makes this CPU run @av: a no-op at every entry but the first after a
 * reset or after another vCPU used the CPU. The EL2 controls of the VM
 * (stage-2 root and VMID, traps, the virtual counter's offset) are
 * loaded with it and stay: the hypervisor's own EL2 regime ignores them.
 */
void arm64_vcpu_load(struct arm64_vcpu *av)
{
	unsigned int cpu = cpu_id();
	struct arm64_vcpu *old = loaded[cpu];

	if (old == av && !av->reload)
		return;
	/* FP/SIMD stays usable at EL2 from here: only the guest's registers are in it. */
	write_sysreg(CPTR_EL2_GUEST, cptr_el2);
	isb();
	if (old && old != av)
		unload(old);
	/* The guest's virtual timer interrupts at EL2 (IMO) on whichever CPU it is loaded. */
	gic_enable_ppi(VGIC_VTIMER_INTID);
	el1_load(&av->el1);
	arm64_fp_load(&av->fp);
	write_sysreg(av->avm->vttbr, vttbr_el2);
	write_sysreg(arm64_vtcr(), vtcr_el2);
	write_sysreg(av->hcr, hcr_el2);
	write_sysreg(av->vmpidr, vmpidr_el2);
	/*
	 * No virtual counter offset: a VM's CNTVCT is the system counter, as
	 * its CNTPCT must be without ECV (nothing offsets it), so the two
	 * agree as on bare hardware. An offset also let a guest hang QEMU
	 * before 8.2 (issue #60: it adds CVAL + CNTVOFF without overflow, so
	 * a deadline near 2^64 re-fires the emulator's timer forever, and
	 * the main loop never runs again), which no trap can prevent: the
	 * guest writes CNTV_CVAL directly. The cost: a VM sees how long the
	 * machine has been up.
	 */
	write_sysreg(0, cntvoff_el2);
	write_sysreg(CNTHCTL_EL1PCTEN, cnthctl_el2);
	write_sysreg((read_sysreg(mdcr_el2) & MDCR_HPMN_MASK) | MDCR_EL2_GUEST, mdcr_el2);
	isb();
	av->vtimer_masked = false;
	loaded[cpu] = av;
	av->reload = false;
}

/*
 * The Image protocol's state: EL1h, MMU off, interrupts masked, x0-x3
 * as the loader or CPU_ON gives them. Nothing of the vCPU's previous
 * life survives, FP/SIMD included.
 */
void arm64_vcpu_reset(struct arm64_vcpu *av, u64 pc, const u64 args[4])
{
	unsigned int i;

	memset(&av->regs, 0, sizeof(av->regs));
	memset(&av->el1, 0, sizeof(av->el1));
	memset(&av->fp, 0, sizeof(av->fp));
	for (i = 0; i < 4; i++)
		av->regs.x[i] = args[i];
	av->regs.pc = pc;
	av->regs.pstate = PSTATE_EL1H_MASKED;
	av->el1.sctlr = SCTLR_EL1_RESET;
	av->cpacr = 0;
	av->el1.cpacr = CPACR_HIDDEN_ON;
	av->vmpidr = VGIC_VCPU_MPIDR(av->vcpu->id);
	av->reload = true;
	/* The lines of the timers of its previous life (before CPU_OFF or a reset) drop. */
	vgic_set_irq(av->vcpu->vm, av->vcpu, VGIC_VTIMER_INTID, false);
	arm64_ptimer_reset(av);
}

/*
 * On @av's own CPU, when its thread leaves the run loop for good or
 * parks for a VM reset: its EL1 context goes to memory, its virtual
 * timer stops (CNTV_CTL is the guest's, saved first) and its PPI is
 * masked until the next load, the host timers standing for its deadlines
 * are cancelled here, where they are armed, and the CPU forgets it. Done
 * here rather than by whoever destroys or resets the vCPU: another CPU's
 * lazy save in arm64_vcpu_load() could otherwise write into it as it is
 * freed, and a timer could fire for it.
 */
void arm64_vcpu_put(struct arm64_vcpu *av)
{
	unsigned int cpu = cpu_id();

	if (loaded[cpu] == av) {
		unload(av);
		write_sysreg(0, cntv_ctl_el0);
		isb();
		gic_disable_ppi(VGIC_VTIMER_INTID);
		loaded[cpu] = NULL;
	}
	if (av->wfi_timer.armed)
		timer_cancel(&av->wfi_timer);
	arm64_ptimer_stop(av);
}

/* True if some CPU still holds @av's context (a missing arm64_vcpu_put()). */
bool arm64_vcpu_held(const struct arm64_vcpu *av)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		if (__atomic_load_n(&loaded[cpu], __ATOMIC_RELAXED) == av)
			return true;
	return false;
}

/*
 * For vm_reset(), from the VM's owner, with the vCPU put: the state kept
 * outside the EL1 context that a powered-off vCPU must not carry into the
 * VM's next life (its boot, when it comes, resets the rest).
 */
void arm64_vcpu_reset_state(struct arm64_vcpu *av)
{
	av->vtimer_masked = false;
	av->ptimer.ctl = 0;
	av->ptimer.cval = 0;
	av->ptimer.level = false;
	av->reload = true;
}

struct arm64_vcpu *arm64_loaded_vcpu(void)
{
	return loaded[cpu_id()];
}

u64 arm64_reg_read(const struct arm64_vcpu *av, u8 r)
{
	return r < 31 ? av->regs.x[r] : 0;
}

/* Register 31 is xzr here: a write to it is discarded. */
void arm64_reg_write(struct arm64_vcpu *av, u8 r, u64 val)
{
	if (r < 31)
		av->regs.x[r] = val;
}

/*
 * A synchronous exception taken to EL1, as the CPU would take it: the
 * syndrome and fault address, the return state in ELR_EL1/SPSR_EL1,
 * then EL1h with DAIF masked at the vector for where it came from. The
 * vCPU is loaded, so the EL1 registers are written in place.
 */
void arm64_inject_sync(struct arm64_vcpu *av, u64 esr, u64 far)
{
	u64 mode = av->regs.pstate & PSTATE_MODE_MASK;
	u64 offset = mode == PSTATE_EL1H ? VBAR_CURRENT_SPX :
		     mode == PSTATE_EL1T ? VBAR_CURRENT_SP0 : VBAR_LOWER_A64;

	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(av->regs.pc, elr_el1);
	write_sysreg(av->regs.pstate, spsr_el1);
	av->regs.pc = read_sysreg(vbar_el1) + offset;
	av->regs.pstate = PSTATE_EL1H | PSTATE_DAIF;
}

/* Undefined Instruction: EC 0 with IL; FAR_EL1 is UNKNOWN for it and keeps its value. */
void arm64_inject_undef(struct arm64_vcpu *av)
{
	arm64_inject_sync(av, ESR_IL | (u64)EC_UNKNOWN << ESR_EC_SHIFT, read_sysreg(far_el1));
}
