/*
 * MSR intercepts. Every MSR is intercepted (the MSR permission map is all
 * ones) except the ones VMLOAD/VMSAVE switch with the guest's state: FS
 * and GS base, KernelGSBase, STAR, LSTAR, CSTAR, SFMASK and SYSENTER_*.
 * Those never exit: the guest reads and writes its own copy in the CPU,
 * which vmrun.S saves into and reloads from its VMCB.
 *
 * The intercepted ones are a table of rows, one per MSR or per run of
 * alike MSRs, sorted by number and searched by halves. An MSR the table
 * does not list raises #GP(0), as a CPU without it would, and is logged
 * once per VM and number so that a guest probing many MSRs does not
 * flood the console; a value a row refuses raises #GP(0) as well.
 * Nothing is silently dropped: where a row stores a value that has no
 * effect on the virtual CPU (the counters that do not count, DEBUGCTL's
 * branch bits), its comment says so, and the value reads back.
 *
 * What the CPUID model (cpuid.c) says agrees with the rows: MTRR is
 * offered and the MTRRs are rows; the four legacy K7 counters exist on
 * every AMD64 CPU and need no CPUID bit, and PerfCtrExtCore is not
 * offered, so its counters 0xc0010200-0xc001020b are unknown (#GP);
 * RDTSCP and RDPID are offered exactly when the host has TSC_AUX, which
 * is a row then and #GP otherwise; KVM's signature at 0x40000100 offers
 * kvmclock's two "new" MSRs (pvclock.c), and the old 0x11/0x12 pair is
 * unknown, as KVM_FEATURE_CLOCKSOURCE is not offered.
 *
 * The local APIC's MSRs (APIC_BASE, TSC_DEADLINE and the x2APIC range
 * 0x800-0x8ff) are rows whose rules are vlapic.c's.
 */
#include <asm/cpu.h>
#include <asm/pvclock.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/console.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define X86_VEC_GP		13
#define X86_CR4_PCE		BIT(8)

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining; no SMRR. */
#define MTRR_CAP_VALUE		(MTRR_VAR_RANGES | BIT(8) | BIT(10))
#define MTRR_DEF_TYPE_BITS	(0xffULL | MTRR_DEF_TYPE_FE | MTRR_DEF_TYPE_E)
#define MTRR_PHYS_MASK_V	BIT(11)
#define MTRR_FIXED_WB		0x0606060606060606ULL

/* PerfEvtSel: reserved bits 63:42, 39:36, 21 and 19 (AMD APM vol. 2, 13.2.1). */
#define PERF_CTL_RESERVED	(GENMASK(63, 42) | GENMASK(39, 36) | BIT(21) | BIT(19))
#define PERF_CTR_BITS		48

/*
 * HWCR bits that a guest may flip, each stored and without effect on
 * the virtual CPU: TlbCacheDis (3), FFDIS (6, Linux sets it on K8) and
 * IgnneEm (8). TscFreqSel (24) reads 1 and ignores writes, as on every
 * AMD CPU since family 10h (the TSC counts at the P0 frequency). Any
 * other bit set is #GP.
 */
#define HWCR_STORED		(BIT(3) | BIT(6) | BIT(8))
#define HWCR_FIXED		HWCR_TSC_FREQ_SEL

struct svm_msr {
	u32 first;
	u32 last;
	int (*read)(struct svm_vcpu *sv, u32 index, u64 *val);
	int (*write)(struct svm_vcpu *sv, u32 index, u64 val);
};

static int read_only(struct svm_vcpu *sv, u32 index, u64 val)
{
	return -EINVAL;
}

/* ---- TSC (0x10): the host's TSC plus the VMCB's offset, in and out of guest mode ---- */

static int tsc_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = rdtsc() + sv->vmcb->control.tsc_offset;
	return 0;
}

static int tsc_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	sv->vmcb->control.tsc_offset = val - rdtsc();
	pvclock_tsc_changed(sv);
	return 0;
}

/* ---- APIC_BASE (0x1b), TSC_DEADLINE (0x6e0), x2APIC (0x800-0x8ff): vlapic.c's rules ---- */

static int apic_base_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = vlapic_base_read(&sv->lapic);
	return 0;
}

static int apic_base_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	return vlapic_base_write(&sv->lapic, val);
}

static int x2apic_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	return vlapic_msr_read(&sv->lapic, index, val);
}

static int x2apic_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	return vlapic_msr_write(&sv->lapic, index, val);
}

static int tsc_deadline_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = vlapic_tsc_deadline_read(&sv->lapic);
	return 0;
}

/* The deadline is in the guest's TSC: the host's plus the VMCB's offset. */
static int tsc_deadline_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	vlapic_tsc_deadline_write(&sv->lapic, val, rdtsc() + sv->vmcb->control.tsc_offset,
				  tsc_hz());
	return 0;
}

/* ---- MTRRs (0xfe, 0x200-0x20f, 0x250, 0x258-0x259, 0x268-0x26f, 0x2ff) ---- */

/*
 * Under nested paging the guest's MTRRs decide no memory type (the NPT's
 * and the guest's PAT do): they are stored, checked as the CPU checks
 * them, and read back, which is all a guest does with them. Linux 6.1
 * turns PAT off when the MTRRs are disabled, so they start as firmware
 * leaves them, enabled with write-back as the default type.
 */
static bool mtrr_type_valid(u64 type)
{
	return type == MTRR_TYPE_UC || type == 1 || type == 4 || type == 5 ||
	       type == MTRR_TYPE_WB;
}

/* Bits at and above the guest's physical address width (CPUID 0x80000008). */
static u64 above_phys_width(void)
{
	return ~(BIT(svm_caps.gpa_bits) - 1);
}

static int mtrr_cap_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = MTRR_CAP_VALUE;
	return 0;
}

static int mtrr_def_type_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.mtrr_def_type;
	return 0;
}

static int mtrr_def_type_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if ((val & ~MTRR_DEF_TYPE_BITS) || !mtrr_type_valid(val & 0xff))
		return -EINVAL;
	sv->msrs.mtrr_def_type = val;
	return 0;
}

static int mtrr_var_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.mtrr_var[index - MSR_MTRR_PHYS_BASE0];
	return 0;
}

/* Even numbers are PhysBase (type in 7:0, 11:8 reserved), odd PhysMask (V in 11, 10:0 reserved). */
static int mtrr_var_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	u32 n = index - MSR_MTRR_PHYS_BASE0;

	if (val & above_phys_width())
		return -EINVAL;
	if (!(n & 1) && ((val & 0xf00) || !mtrr_type_valid(val & 0xff)))
		return -EINVAL;
	if ((n & 1) && (val & (MTRR_PHYS_MASK_V - 1)))
		return -EINVAL;
	sv->msrs.mtrr_var[n] = val;
	return 0;
}

/* The fixed-range MSRs in the order of svm_msrs.mtrr_fixed[]. */
static u32 mtrr_fixed_slot(u32 index)
{
	if (index == MSR_MTRR_FIX64K_00000)
		return 0;
	if (index <= MSR_MTRR_FIX16K_A0000)
		return 1 + index - MSR_MTRR_FIX16K_80000;
	return 3 + index - MSR_MTRR_FIX4K_C0000;
}

static int mtrr_fixed_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.mtrr_fixed[mtrr_fixed_slot(index)];
	return 0;
}

/* Eight ranges of a byte, each a memory type (AMD's RdMem/WrMem bits are not offered). */
static int mtrr_fixed_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (!mtrr_type_valid((val >> (8 * i)) & 0xff))
			return -EINVAL;
	sv->msrs.mtrr_fixed[mtrr_fixed_slot(index)] = val;
	return 0;
}

/* ---- DEBUGCTL (0x1d9), the LBR records (0x1db-0x1de) ---- */

/*
 * They live in the save area of the VMCB that runs (VMCB01 for L1,
 * VMCB02 for L2), where LBR virtualization keeps them: nested VMRUN and
 * #VMEXIT switch them with the rest of the state when L1 sets
 * LBR_CTL_ENABLE in VMCB12 (nested.c), and L2 shares L1's otherwise.
 * The hypervisor never loads them into the CPU (the VMCBs it runs have
 * no LBR_CTL_ENABLE): LBR, BTF and PB0-3 are stored and read back
 * (Linux's blockstep reads, sets and restores BTF) but record no branch
 * and single-step nothing, so the records read what was last loaded
 * into them (0, or VMCB12's). They are read-only, as on the CPU. Bits
 * 63:6 of DEBUGCTL are reserved: #GP.
 */
static int debugctl_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->vmcb->save.dbgctl;
	return 0;
}

static int lbr_record_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	const struct vmcb_save *s = &sv->vmcb->save;
	const u64 records[] = { s->br_from, s->br_to, s->last_excp_from, s->last_excp_to };

	*val = records[index - MSR_LAST_BRANCH_FROM_IP];
	return 0;
}

static int debugctl_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if (val & ~MSR_DEBUGCTL_BITS)
		return -EINVAL;
	sv->vmcb->save.dbgctl = val;
	return 0;
}

/* ---- PAT (0x277): the VMCB's gPAT, which the CPU applies under nested paging ---- */

static int pat_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->vmcb->save.g_pat;
	return 0;
}

/* Each byte a memory type: UC, WC, WT, WP, WB or UC- (2 and 3 are reserved). */
static int pat_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = (u8)(val >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return -EINVAL;
	}
	sv->vmcb->save.g_pat = val;
	return 0;
}

/* ---- EFER (0xc0000080) ---- */

static int efer_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = (sv->vmcb->save.efer & ~EFER_SVME) | (svm_nested_efer_svme(sv) ? EFER_SVME : 0);
	return 0;
}

/*
 * The bits the CPUID model offers (cpuid_efer_allowed()); LMA is the
 * CPU's to set (writes of it are ignored, as on AMD), and LME may not
 * change while paging is on: the architectural #GP cases. SVME is set
 * underneath, as VMRUN wants, and shown as the guest's own view
 * (nested_msr.c), which decides whether the guest may set it.
 */
static int efer_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	u64 old = sv->vmcb->save.efer, guest_bits;
	struct cpuid_regs ext1;

	cpuid_cache_lookup(&sv->cpuid, 0x80000001u, false, &ext1);
	guest_bits = cpuid_efer_allowed(&ext1) & ~(EFER_LMA | EFER_SVME);
	if (val & ~(guest_bits | EFER_LMA | EFER_SVME))
		return -EINVAL;
	if ((sv->vmcb->save.cr0 & X86_CR0_PG) && ((val ^ old) & EFER_LME))
		return -EINVAL;
	if (svm_nested_efer_svme_write(sv, val & EFER_SVME))
		return -EINVAL;
	sv->vmcb->save.efer = (val & guest_bits) | (old & EFER_LMA) | EFER_SVME;
	return 0;
}

/*
 * ---- TSC_AUX (0xc0000103) ----
 * RDTSCP and RDPID run in guest mode without an exit (the kernel's clock
 * reads use RDTSCP when it exists: an intercept would cost an exit each)
 * and read the CPU's TSC_AUX. Each physical CPU runs one vCPU for good
 * and the hypervisor never uses TSC_AUX itself, so the guest's value
 * lives in the CPU. Only when the host has it: otherwise the CPUID model
 * hides RDTSCP and RDPID and the MSR is #GP. Bits 63:32 are reserved.
 */
static int tsc_aux_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	if (!svm_caps.tsc_aux)
		return -EINVAL;
	*val = sv->msrs.tsc_aux;
	return 0;
}

static int tsc_aux_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if (!svm_caps.tsc_aux || val >> 32)
		return -EINVAL;
	sv->msrs.tsc_aux = (u32)val;
	svm_load_tsc_aux((u32)val);
	return 0;
}

/*
 * ---- PERF_CTL0-3 (0xc0010000-3), PERF_CTR0-3 (0xc0010004-7) ----
 * The K7 counters exist on every AMD64 CPU, whatever CPUID says. No
 * counter is virtualized: event selects are stored (reserved bits #GP)
 * and the counters hold what was last written and do not count, so an
 * enabled counter never overflows and never interrupts. Linux's PMU
 * probe (a write and read-back of a counter) accepts them; the NMI
 * watchdog built on them then never fires.
 */
static int perf_ctl_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.perf_ctl[index - MSR_K7_PERF_CTL0];
	return 0;
}

static int perf_ctl_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if (val & PERF_CTL_RESERVED)
		return -EINVAL;
	sv->msrs.perf_ctl[index - MSR_K7_PERF_CTL0] = val;
	return 0;
}

static int perf_ctr_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.perf_ctr[index - MSR_K7_PERF_CTR0];
	return 0;
}

/* 48-bit counters: bits 63:48 are reserved. */
static int perf_ctr_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if (val >> PERF_CTR_BITS)
		return -EINVAL;
	sv->msrs.perf_ctr[index - MSR_K7_PERF_CTR0] = val;
	return 0;
}

/*
 * ---- SYSCFG (0xc0010010) ----
 * Linux reads it with a plain RDMSR when it reads the MTRRs of an AMD
 * CPU (to clear MtrrFixDramModEn if firmware left it set). None of the
 * DRAM-attribute, TOP_MEM2 or memory-encryption extensions is offered:
 * it reads 0, and a write of anything else is #GP.
 */
static int syscfg_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = 0;
	return 0;
}

static int syscfg_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	return val ? -EINVAL : 0;
}

/*
 * ---- HWCR (0xc0010015) ----
 * Linux reads it with a plain RDMSR when the TSC is invariant, and warns
 * unless TscFreqSel is set; see HWCR_STORED for what may be written.
 */
static int hwcr_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = HWCR_FIXED | sv->msrs.hwcr;
	return 0;
}

static int hwcr_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	if (val & ~(HWCR_STORED | HWCR_FIXED))
		return -EINVAL;
	sv->msrs.hwcr = val & HWCR_STORED;
	return 0;
}

/* ---- VM_CR (0xc0010114), VM_HSAVE_PA (0xc0010117): nested_msr.c ---- */

static int vm_cr_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	return svm_nested_vm_cr_read(sv, val);
}

static int vm_cr_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	return svm_nested_vm_cr_write(sv, val);
}

static int hsave_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	return svm_nested_hsave_read(sv, val);
}

static int hsave_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	return svm_nested_hsave_write(sv, val);
}

#define ROW(msr, r, w)		{ msr, msr, r, w }
#define RANGE(f, l, r, w)	{ f, l, r, w }

/* Sorted by number, no overlaps (the unit test checks both): find_msr() halves it. */
static const struct svm_msr msr_table[] = {
	ROW(MSR_TSC, tsc_read, tsc_write),
	ROW(MSR_APIC_BASE, apic_base_read, apic_base_write),
	ROW(MSR_MTRR_CAP, mtrr_cap_read, read_only),
	ROW(MSR_DEBUGCTL, debugctl_read, debugctl_write),
	RANGE(MSR_LAST_BRANCH_FROM_IP, MSR_LAST_INT_TO_IP, lbr_record_read, read_only),
	RANGE(MSR_MTRR_PHYS_BASE0, MSR_MTRR_PHYS_BASE0 + 2 * MTRR_VAR_RANGES - 1,
	      mtrr_var_read, mtrr_var_write),
	ROW(MSR_MTRR_FIX64K_00000, mtrr_fixed_read, mtrr_fixed_write),
	RANGE(MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000, mtrr_fixed_read, mtrr_fixed_write),
	RANGE(MSR_MTRR_FIX4K_C0000, MSR_MTRR_FIX4K_C0000 + 7, mtrr_fixed_read, mtrr_fixed_write),
	ROW(MSR_PAT, pat_read, pat_write),
	ROW(MSR_MTRR_DEF_TYPE, mtrr_def_type_read, mtrr_def_type_write),
	ROW(MSR_TSC_DEADLINE, tsc_deadline_read, tsc_deadline_write),
	RANGE(MSR_X2APIC_FIRST, MSR_X2APIC_LAST, x2apic_read, x2apic_write),
	/* kvmclock: pvclock.c, offered with KVM's CPUID signature at 0x40000100 */
	ROW(MSR_KVM_WALL_CLOCK_NEW, pvclock_wall_clock_read, pvclock_wall_clock_write),
	ROW(MSR_KVM_SYSTEM_TIME_NEW, pvclock_system_time_read, pvclock_system_time_write),
	ROW(MSR_EFER, efer_read, efer_write),
	ROW(MSR_TSC_AUX, tsc_aux_read, tsc_aux_write),
	RANGE(MSR_K7_PERF_CTL0, MSR_K7_PERF_CTL0 + K7_PERF_COUNTERS - 1,
	      perf_ctl_read, perf_ctl_write),
	RANGE(MSR_K7_PERF_CTR0, MSR_K7_PERF_CTR0 + K7_PERF_COUNTERS - 1,
	      perf_ctr_read, perf_ctr_write),
	ROW(MSR_SYSCFG, syscfg_read, syscfg_write),
	ROW(MSR_HWCR, hwcr_read, hwcr_write),
	ROW(MSR_VM_CR, vm_cr_read, vm_cr_write),
	ROW(MSR_VM_HSAVE_PA, hsave_read, hsave_write),
};

static const struct svm_msr *find_msr(u32 index)
{
	unsigned int lo = 0, hi = ARRAY_SIZE(msr_table);

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct svm_msr *m = &msr_table[mid];

		if (index < m->first)
			hi = mid;
		else if (index > m->last)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}

/* True the first time @index is seen by this VM (or when the record is full: say it again). */
static bool first_sighting(struct svm_vm *svm, u32 index)
{
	u64 key = BIT(32) | index;
	unsigned int i;

	for (i = 0; i < SVM_MSR_LOGGED; i++) {
		u64 seen = __atomic_load_n(&svm->msr_logged[i], __ATOMIC_RELAXED);

		/* A lost race leaves in @seen what the other vCPU wrote: compare that too. */
		if (!seen && __atomic_compare_exchange_n(&svm->msr_logged[i], &seen, key, false,
							 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
		if (seen == key)
			return false;
	}
	return true;
}

/*
 * Once per VM and number, and rate-limited across all VMs: a guest that
 * sweeps the MSR space (thousands of numbers) must not flood the shared
 * console once the per-VM record is full.
 */
static int unknown_msr(struct svm_vcpu *sv, u32 index, bool write)
{
	static struct ratelimit rl = RATELIMIT_INIT;

	if (first_sighting(sv->svm, index) && ratelimit_allow(&rl, "unknown MSRs"))
		pr_warn("vm %s vCPU %u: %s of MSR %#x, which is not emulated: #GP "
			"(reported once per MSR)\n", sv->vcpu->vm->name, sv->vcpu->id,
			write ? "WRMSR" : "RDMSR", index);
	return -EINVAL;
}

int svm_msr_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	const struct svm_msr *m = find_msr(index);

	return m ? m->read(sv, index, val) : unknown_msr(sv, index, false);
}

int svm_msr_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	const struct svm_msr *m = find_msr(index);

	return m ? m->write(sv, index, val) : unknown_msr(sv, index, true);
}

void svm_msr_reset(struct svm_vcpu *sv)
{
	unsigned int i;

	/* At power-on the vCPU's VMCB is its own (VMCB01): DEBUGCTL and the LBRs live there. */
	struct vmcb_save *s = &sv->vmcb->save;

	sv->msrs = (struct svm_msrs){ .mtrr_def_type = MTRR_DEF_TYPE_E | MTRR_TYPE_WB };
	s->dbgctl = s->br_from = s->br_to = s->last_excp_from = s->last_excp_to = 0;
	for (i = 0; i < MTRR_FIXED_MSRS; i++)
		sv->msrs.mtrr_fixed[i] = MTRR_FIXED_WB;
}

void svm_msr_load(struct svm_vcpu *sv)
{
	if (svm_caps.tsc_aux)
		svm_load_tsc_aux(sv->msrs.tsc_aux);
}

/* EXITINFO1: 0 for RDMSR, 1 for WRMSR; ECX the MSR; EDX:EAX the value. */
int svm_exit_msr(struct svm_vcpu *sv)
{
	u32 index = (u32)svm_gpr_read(sv, GPR_RCX);
	bool write = sv->vmcb->control.exit_info_1 & 1;
	u64 val;
	int err;

	if (write) {
		val = (svm_gpr_read(sv, GPR_RDX) << 32) | (u32)svm_gpr_read(sv, GPR_RAX);
		err = svm_msr_write(sv, index, val);
	} else {
		err = svm_msr_read(sv, index, &val);
		if (!err) {
			svm_gpr_write(sv, GPR_RAX, (u32)val);
			svm_gpr_write(sv, GPR_RDX, val >> 32);
		}
	}
	if (err)
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
	else
		svm_skip(sv, 2);
	return VCPU_RESUME;
}

/*
 * RDPMC reads the K7 counters (ECX 0-3; PerfCtrExtCore is not offered),
 * from user mode only with CR4.PCE: #GP otherwise, as on the CPU.
 */
int svm_exit_rdpmc(struct svm_vcpu *sv)
{
	u32 ecx = (u32)svm_gpr_read(sv, GPR_RCX);
	u64 val;

	if (ecx >= K7_PERF_COUNTERS ||
	    (sv->vmcb->save.cpl && !(sv->vmcb->save.cr4 & X86_CR4_PCE))) {
		svm_inject_exception(sv, X86_VEC_GP, true, 0);
		return VCPU_RESUME;
	}
	val = sv->msrs.perf_ctr[ecx];
	svm_gpr_write(sv, GPR_RAX, (u32)val);
	svm_gpr_write(sv, GPR_RDX, val >> 32);
	svm_skip(sv, 2);
	return VCPU_RESUME;
}

