#ifndef ASM_ESR_H
#define ASM_ESR_H

#include <lib/types.h>

/*
 * Decoding of ESR_EL2 for exits from a guest: the exception class, and
 * the instruction-specific syndrome (ISS) of the classes the run loop
 * handles. Pure functions of the register's value, so that every field
 * is unit-tested and fuzzed on the host.
 */

#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			(1ULL << 25)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)

#define EC_UNKNOWN		0x00
#define EC_WFX			0x01
#define EC_FP_ASIMD		0x07
#define EC_HVC64		0x16
#define EC_SMC64		0x17
#define EC_SYS64		0x18
#define EC_SVE			0x19
#define EC_SME			0x1d
#define EC_IABT_LOW		0x20
#define EC_IABT_CUR		0x21
#define EC_DABT_LOW		0x24
#define EC_DABT_CUR		0x25
#define EC_BRK			0x3c

/* Data and instruction aborts: the fault status code (ISS[5:0]) by kind. */
#define FSC_TYPE(fsc)		((fsc) & 0x3c)
#define FSC_ADDR_SIZE		0x00
#define FSC_TRANSLATION		0x04
#define FSC_ACCESS_FLAG		0x08
#define FSC_PERMISSION		0x0c

/* A data abort's syndrome. Only isv, write, s1ptw and fsc are valid when isv is false. */
struct esr_dabt {
	bool isv;		/* the access fields below are valid */
	bool write;		/* WnR */
	bool sign_extend;	/* SSE: a load sign-extends to the register */
	bool sixty_four;	/* SF: the target is an X register (else W) */
	bool s1ptw;		/* the fault was on the guest's own page-table walk */
	bool cache_maint;	/* CM: a cache maintenance instruction, not a load or store */
	u8 size;		/* bytes: 1, 2, 4 or 8 */
	u8 srt;			/* the register; 31 is xzr/wzr */
	u8 fsc;
};

/* 0, or -EINVAL if @esr is not a data abort from a lower EL. */
int esr_decode_dabt(u64 esr, struct esr_dabt *d);

/* An MSR/MRS trap (EC 0x18): the register's encoding and the transfer register. */
struct esr_sysreg {
	u8 op0, op1, crn, crm, op2;
	u8 rt;			/* 31 is xzr */
	bool read;		/* MRS */
};

/* The encoding as one key, in the order of the instruction's fields. */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
	((u32)(op0) << 14 | (u32)(op1) << 11 | (u32)(crn) << 7 | (u32)(crm) << 3 | (u32)(op2))

int esr_decode_sysreg(u64 esr, struct esr_sysreg *s);
u32 esr_sysreg_key(const struct esr_sysreg *s);

/* A trapped WFI or WFE (EC 0x01): which of the two. */
bool esr_wfx_is_wfe(u64 esr);

/* The imm16 of an HVC or SMC. */
u16 esr_hvc_imm(u64 esr);

/*
 * The guest-physical address of a stage-2 abort: HPFAR_EL2 gives the
 * page (FIPA, IPA[51:12], in bits [43:4]), FAR_EL2 the offset within it.
 */
u64 esr_fault_ipa(u64 hpfar, u64 far);

/*
 * The value a completed load leaves in the register: @data (the @size
 * bytes read) sign-extended if asked, truncated to 32 bits for a W
 * register.
 */
u64 esr_load_value(const struct esr_dabt *d, u64 data);

#endif
