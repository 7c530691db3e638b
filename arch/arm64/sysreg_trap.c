/*
 * Trapped MSR/MRS (EC 0x18): one row per register the hypervisor
 * emulates, one dispatcher. Whatever traps and has no row (the PMU, RAS
 * error records, MTE's registers, implementation defined ones...) is
 * UNDEFINED for the guest, as on a CPU without the feature, which is
 * what the sanitised ID registers tell it.
 */
#include <lib/errno.h>
#include <asm/guest.h>
#include <asm/sysreg.h>
#include <asm/sysreg_trap.h>
#include <asm/vgic.h>

/* ---- ID registers (HCR_EL2.TID3): op0 3, op1 0, CRn 0, CRm 1-7 ---- */

#define FIELD(hi, lo)		GENMASK(hi, lo)

/*
 * What the guest must not be told about, per register: features whose
 * state is not switched or that are not virtualised (each of them also
 * trapped to UNDEF, see vcpu.c's CPTR_EL2/MDCR_EL2 and vm.c's HCR_EL2),
 * and EL2 features, since the guest has no EL2.
 */
static const struct id_hide {
	u8 crm, op2;
	u64 hide;
} id_hidden[] = {
	/* ID_DFR0_EL1: PerfMon (AArch32 view of the PMU). */
	{ 1, 2, FIELD(27, 24) },
	/* ID_AA64PFR0_EL1: EL2, RAS, SVE, SEL2, MPAM, AMU, RME. */
	{ 4, 0, FIELD(11, 8) | FIELD(31, 28) | FIELD(35, 32) | FIELD(39, 36) | FIELD(43, 40) |
		FIELD(47, 44) | FIELD(55, 52) },
	/* ID_AA64PFR1_EL1: MTE, RAS_frac, MPAM_frac, SME, RNDR_trap, NMI, MTE_frac, GCS, THE, MTEX. */
	{ 4, 1, FIELD(11, 8) | FIELD(15, 12) | FIELD(19, 16) | FIELD(27, 24) | FIELD(31, 28) |
		FIELD(39, 36) | FIELD(43, 40) | FIELD(47, 44) | FIELD(51, 48) | FIELD(55, 52) },
	/* ID_AA64PFR2_EL1 (MTE), ID_AA64ZFR0_EL1 (SVE), ID_AA64SMFR0_EL1 (SME): all. */
	{ 4, 2, ~0ULL },
	{ 4, 4, ~0ULL },
	{ 4, 5, ~0ULL },
	/* ID_AA64DFR0_EL1: TraceVer, PMUVer, PMSVer, TraceFilt, TraceBuffer, MTPMU, BRBE, HPMN0. */
	{ 5, 0, FIELD(7, 4) | FIELD(11, 8) | FIELD(35, 32) | FIELD(43, 40) | FIELD(47, 44) |
		FIELD(51, 48) | FIELD(55, 52) | FIELD(63, 60) },
	/* ID_AA64DFR1_EL1, ID_AA64AFR0/1_EL1 (implementation defined): all. */
	{ 5, 1, ~0ULL },
	{ 5, 4, ~0ULL },
	{ 5, 5, ~0ULL },
	/* ID_AA64ISAR0_EL1: TME. */
	{ 6, 0, FIELD(27, 24) },
	/* ID_AA64MMFR0_EL1: FGT (an EL2 feature). */
	{ 7, 0, FIELD(59, 56) },
	/* ID_AA64MMFR1_EL1: VMIDBits, VH, TWED, HCX (EL2 features). */
	{ 7, 1, FIELD(7, 4) | FIELD(11, 8) | FIELD(35, 32) | FIELD(43, 40) },
	/* ID_AA64MMFR2_EL1: NV, FWB, EVT (EL2 and stage 2). */
	{ 7, 2, FIELD(27, 24) | FIELD(43, 40) | FIELD(59, 56) },
};

/*
 * The hardware's value: every encoding of this space reads as zero when
 * the CPU allocates nothing there (RAZ since ARMv8.0), so all 56 can be
 * read; MRS needs the encoding in the instruction, hence one reader each.
 */
#define ID_READER(crm, op2) \
	static u64 id_read_##crm##_##op2(void) { return read_sysreg(S3_0_C0_C##crm##_##op2); }
#define ID_READERS(crm) \
	ID_READER(crm, 0) ID_READER(crm, 1) ID_READER(crm, 2) ID_READER(crm, 3) \
	ID_READER(crm, 4) ID_READER(crm, 5) ID_READER(crm, 6) ID_READER(crm, 7)
ID_READERS(1) ID_READERS(2) ID_READERS(3) ID_READERS(4) ID_READERS(5) ID_READERS(6) ID_READERS(7)

#define ID_ROW(crm) \
	{ id_read_##crm##_0, id_read_##crm##_1, id_read_##crm##_2, id_read_##crm##_3, \
	  id_read_##crm##_4, id_read_##crm##_5, id_read_##crm##_6, id_read_##crm##_7 }
static u64 (*const id_readers[7][8])(void) = {
	ID_ROW(1), ID_ROW(2), ID_ROW(3), ID_ROW(4), ID_ROW(5), ID_ROW(6), ID_ROW(7),
};

u64 arm64_id_hidden_mask(u8 crm, u8 op2)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(id_hidden); i++)
		if (id_hidden[i].crm == crm && id_hidden[i].op2 == op2)
			return id_hidden[i].hide;
	return 0;
}

static bool is_id_reg(const struct esr_sysreg *s)
{
	return s->op0 == 3 && s->op1 == 0 && s->crn == 0 && s->crm >= 1 && s->crm <= 7;
}

static u64 id_reg_value(const struct esr_sysreg *s)
{
	return id_readers[s->crm - 1][s->op2 & 7]() & ~arm64_id_hidden_mask(s->crm, s->op2);
}

/* ---- the rows ---- */

/* SGIs (IMO/FMO trap them): SGI1R may raise either group, SGI0R and ASGI1R Group 0 only. */
static int sgi1r_write(struct arm64_vcpu *av, u64 val)
{
	return vgic_sgi_write(av->vcpu, val, false);
}

static int sgi0r_write(struct arm64_vcpu *av, u64 val)
{
	return vgic_sgi_write(av->vcpu, val, true);
}

#define PTIMER_ROW(name, reg)							\
static int name##_read(struct arm64_vcpu *av, u64 *val)				\
{										\
	*val = arm64_ptimer_read(av, reg);					\
	return 0;								\
}										\
static int name##_write(struct arm64_vcpu *av, u64 val)				\
{										\
	arm64_ptimer_write(av, reg, val);					\
	return 0;								\
}
PTIMER_ROW(cntp_ctl, PTIMER_CTL)
PTIMER_ROW(cntp_cval, PTIMER_CVAL)
PTIMER_ROW(cntp_tval, PTIMER_TVAL)

static int cpacr_read(struct arm64_vcpu *av, u64 *val)
{
	*val = arm64_cpacr_read(av);
	return 0;
}

static int cpacr_write(struct arm64_vcpu *av, u64 val)
{
	arm64_cpacr_write(av, val);
	return 0;
}

struct sysreg_row {
	u32 key;
	int (*read)(struct arm64_vcpu *av, u64 *val);	/* NULL: a read is UNDEF */
	int (*write)(struct arm64_vcpu *av, u64 val);	/* NULL: a write is UNDEF */
	/* Changes the vGIC's state: the exit takes the full path (LRs synced and rebuilt). */
	bool vgic;
};

static const struct sysreg_row rows[] = {
	{ SYSREG_ICC_SGI1R_EL1, NULL, sgi1r_write, true },
	{ SYSREG_ICC_ASGI1R_EL1, NULL, sgi0r_write, true },
	{ SYSREG_ICC_SGI0R_EL1, NULL, sgi0r_write, true },
	{ SYSREG_CNTP_CTL_EL0, cntp_ctl_read, cntp_ctl_write, true },
	{ SYSREG_CNTP_CVAL_EL0, cntp_cval_read, cntp_cval_write, true },
	{ SYSREG_CNTP_TVAL_EL0, cntp_tval_read, cntp_tval_write, true },
	{ SYSREG_CPACR_EL1, cpacr_read, cpacr_write, false },
};

static const struct sysreg_row *find_row(u32 key)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].key == key)
			return &rows[i];
	return NULL;
}

bool arm64_sysreg_in_place(u64 esr)
{
	struct esr_sysreg s;
	const struct sysreg_row *row;

	esr_decode_sysreg(esr, &s);
	row = find_row(esr_sysreg_key(&s));
	return !row || !row->vgic;
}

/*
 * 0 with the access done and the PC past it, 1 if the guest gets UNDEF
 * (the caller injects it), or a negative errno from the emulation.
 */
int arm64_sysreg_access(struct arm64_vcpu *av, u64 esr)
{
	const struct sysreg_row *row;
	struct esr_sysreg s;
	u64 val = 0;
	int err;

	esr_decode_sysreg(esr, &s);
	if (is_id_reg(&s)) {
		if (!s.read)
			return 1;
		arm64_reg_write(av, s.rt, id_reg_value(&s));
		return 0;
	}
	row = find_row(esr_sysreg_key(&s));
	if (!row || (s.read ? !row->read : !row->write))
		return 1;
	if (s.read) {
		err = row->read(av, &val);
		if (!err)
			arm64_reg_write(av, s.rt, val);
	} else {
		err = row->write(av, arm64_reg_read(av, s.rt));
	}
	return err;
}
