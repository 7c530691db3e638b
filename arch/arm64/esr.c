#include <lib/compiler.h>
#include <lib/errno.h>
#include <asm/esr.h>

#define ISS_ISV			BIT(24)
#define ISS_SAS_SHIFT		22
#define ISS_SSE			BIT(21)
#define ISS_SRT_SHIFT		16
#define ISS_SF			BIT(15)
#define ISS_CM			BIT(8)
#define ISS_S1PTW		BIT(7)
#define ISS_WNR			BIT(6)
#define ISS_FSC_MASK		0x3f

#define ISS_WFX_TI		BIT(0)

int esr_decode_dabt(u64 esr, struct esr_dabt *d)
{
	u32 iss = ESR_ISS(esr);

	if (ESR_EC(esr) != EC_DABT_LOW)
		return -EINVAL;
	*d = (struct esr_dabt){
		.isv = iss & ISS_ISV,
		.write = iss & ISS_WNR,
		.s1ptw = iss & ISS_S1PTW,
		.cache_maint = iss & ISS_CM,
		.fsc = iss & ISS_FSC_MASK,
	};
	/* SAS, SSE, SRT and SF are UNKNOWN without ISV: never read them then. */
	if (!d->isv)
		return 0;
	d->size = (u8)(1u << ((iss >> ISS_SAS_SHIFT) & 3));
	d->sign_extend = iss & ISS_SSE;
	d->srt = (iss >> ISS_SRT_SHIFT) & 0x1f;
	d->sixty_four = iss & ISS_SF;
	return 0;
}

int esr_decode_sysreg(u64 esr, struct esr_sysreg *s)
{
	u32 iss = ESR_ISS(esr);

	if (ESR_EC(esr) != EC_SYS64)
		return -EINVAL;
	*s = (struct esr_sysreg){
		.op0 = (iss >> 20) & 3,
		.op2 = (iss >> 17) & 7,
		.op1 = (iss >> 14) & 7,
		.crn = (iss >> 10) & 0xf,
		.rt = (iss >> 5) & 0x1f,
		.crm = (iss >> 1) & 0xf,
		.read = iss & 1,
	};
	return 0;
}

u32 esr_sysreg_key(const struct esr_sysreg *s)
{
	return SYSREG_KEY(s->op0, s->op1, s->crn, s->crm, s->op2);
}

bool esr_wfx_is_wfe(u64 esr)
{
	return ESR_ISS(esr) & ISS_WFX_TI;
}

u16 esr_hvc_imm(u64 esr)
{
	return (u16)(esr & 0xffff);
}

u64 esr_fault_ipa(u64 hpfar, u64 far)
{
	return ((hpfar & GENMASK(43, 4)) << 8) | (far & 0xfff);
}

u64 esr_load_value(const struct esr_dabt *d, u64 data)
{
	unsigned int bits = d->size * 8;

	if (bits < 64) {
		data &= BIT(bits) - 1;
		if (d->sign_extend && (data & BIT(bits - 1)))
			data |= ~(BIT(bits) - 1);
	}
	return d->sixty_four ? data : (data & 0xffffffffULL);
}
