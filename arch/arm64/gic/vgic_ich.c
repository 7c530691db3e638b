/*
 * The ICH_* system registers: the only file of the vGIC that touches the
 * hardware of the virtual CPU interface, so that the rest of it runs (and
 * is tested) on the host against a fake of these four functions.
 */
#include <asm/sysreg.h>
#include <asm/vgic.h>

#define ICH_AP0R0_EL2		S3_4_C12_C8_0
#define ICH_AP0R1_EL2		S3_4_C12_C8_1
#define ICH_AP0R2_EL2		S3_4_C12_C8_2
#define ICH_AP0R3_EL2		S3_4_C12_C8_3
#define ICH_AP1R0_EL2		S3_4_C12_C9_0
#define ICH_AP1R1_EL2		S3_4_C12_C9_1
#define ICH_AP1R2_EL2		S3_4_C12_C9_2
#define ICH_AP1R3_EL2		S3_4_C12_C9_3
#define ICH_HCR_EL2		S3_4_C12_C11_0
#define ICH_VTR_EL2		S3_4_C12_C11_1
#define ICH_MISR_EL2		S3_4_C12_C11_2
#define ICH_VMCR_EL2		S3_4_C12_C11_7

#define ICH_VTR_LISTREGS(v)	(((v) & 0x1f) + 1)
#define ICH_VTR_PREBITS(v)	((((v) >> 26) & 7) + 1)

/* System register names are instruction immediates: one case per register. */
#define LR_CASE(n, crm, op2)						\
	case n:								\
		if (write)						\
			write_sysreg(val, S3_4_C12_##crm##_##op2);	\
		else							\
			val = read_sysreg(S3_4_C12_##crm##_##op2);	\
		break

static u64 ich_lr_access(u32 n, bool write, u64 val)
{
	switch (n) {
	LR_CASE(0, C12, 0); LR_CASE(1, C12, 1); LR_CASE(2, C12, 2); LR_CASE(3, C12, 3);
	LR_CASE(4, C12, 4); LR_CASE(5, C12, 5); LR_CASE(6, C12, 6); LR_CASE(7, C12, 7);
	LR_CASE(8, C13, 0); LR_CASE(9, C13, 1); LR_CASE(10, C13, 2); LR_CASE(11, C13, 3);
	LR_CASE(12, C13, 4); LR_CASE(13, C13, 5); LR_CASE(14, C13, 6); LR_CASE(15, C13, 7);
	default:
		break;
	}
	return val;
}

/* 5 preemption bits need one APR per group, 6 two, 7 four. */
static u32 ich_nr_aprs(void)
{
	u32 pre = ICH_VTR_PREBITS(read_sysreg(ICH_VTR_EL2));

	return pre <= 5 ? 1 : pre == 6 ? 2 : 4;
}

static void ich_load_aprs(const struct vgic_ich_state *s, u32 n)
{
	switch (n) {
	case 4:
		write_sysreg(s->ap0r[3], ICH_AP0R3_EL2);
		write_sysreg(s->ap1r[3], ICH_AP1R3_EL2);
		write_sysreg(s->ap0r[2], ICH_AP0R2_EL2);
		write_sysreg(s->ap1r[2], ICH_AP1R2_EL2);
		/* fallthrough */
	case 2:
		write_sysreg(s->ap0r[1], ICH_AP0R1_EL2);
		write_sysreg(s->ap1r[1], ICH_AP1R1_EL2);
		/* fallthrough */
	default:
		write_sysreg(s->ap0r[0], ICH_AP0R0_EL2);
		write_sysreg(s->ap1r[0], ICH_AP1R0_EL2);
	}
}

static void ich_save_aprs(struct vgic_ich_state *s, u32 n)
{
	switch (n) {
	case 4:
		s->ap0r[3] = read_sysreg(ICH_AP0R3_EL2);
		s->ap1r[3] = read_sysreg(ICH_AP1R3_EL2);
		s->ap0r[2] = read_sysreg(ICH_AP0R2_EL2);
		s->ap1r[2] = read_sysreg(ICH_AP1R2_EL2);
		/* fallthrough */
	case 2:
		s->ap0r[1] = read_sysreg(ICH_AP0R1_EL2);
		s->ap1r[1] = read_sysreg(ICH_AP1R1_EL2);
		/* fallthrough */
	default:
		s->ap0r[0] = read_sysreg(ICH_AP0R0_EL2);
		s->ap1r[0] = read_sysreg(ICH_AP1R0_EL2);
	}
}

u32 vgic_ich_nr_lrs(void)
{
	return ICH_VTR_LISTREGS(read_sysreg(ICH_VTR_EL2));
}

/* HCR last: with En set, the LRs and VMCR it enables are already in place. */
void vgic_ich_load(const struct vgic_ich_state *s, u32 nr_lrs)
{
	u32 i;

	for (i = 0; i < nr_lrs; i++)
		ich_lr_access(i, true, s->lr[i]);
	ich_load_aprs(s, ich_nr_aprs());
	write_sysreg(s->vmcr, ICH_VMCR_EL2);
	write_sysreg(s->hcr, ICH_HCR_EL2);
	isb();
}

/*
 * HCR is cleared once read: with En off nothing raises the maintenance
 * interrupt while the hypervisor runs, and its line drops before the
 * caller EOIs INTID 25.
 */
void vgic_ich_save(struct vgic_ich_state *s, u32 nr_lrs)
{
	u32 i;

	s->hcr = read_sysreg(ICH_HCR_EL2);
	s->misr = read_sysreg(ICH_MISR_EL2);
	s->vmcr = read_sysreg(ICH_VMCR_EL2);
	for (i = 0; i < nr_lrs; i++)
		s->lr[i] = ich_lr_access(i, false, 0);
	ich_save_aprs(s, ich_nr_aprs());
	write_sysreg(0, ICH_HCR_EL2);
	isb();
}
