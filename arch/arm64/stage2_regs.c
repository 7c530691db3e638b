/*
 * Stage-2's system register side: the IPA size and VTCR_EL2 that go
 * with the tables of stage2.c, and TLB maintenance by VMID.
 */
#include <lib/compiler.h>
#include <asm/guest.h>
#include <asm/sysreg.h>

#define VTCR_RES1		BIT(31)
#define VTCR_T0SZ(bits)		((u64)(64 - (bits)))
#define VTCR_SL0_LEVEL1		(1ULL << 6)
#define VTCR_IRGN0_WBWA		(1ULL << 8)
#define VTCR_ORGN0_WBWA		(1ULL << 10)
#define VTCR_SH0_INNER		(3ULL << 12)
#define VTCR_TG0_4K		(0ULL << 14)
#define VTCR_PS_SHIFT		16
#define PARANGE_48		5	/* no 52-bit (LPA) tables */

static unsigned int parange(void)
{
	return (unsigned int)MIN(read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK,
				 (u64)PARANGE_48);
}

/* The smaller of our S2_IPA_BITS and the CPU's PA range: an IPA beyond it has no output. */
u64 arm64_s2_ipa_limit(void)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48 };

	return 1ULL << MIN((unsigned int)bits[parange()], (unsigned int)S2_IPA_BITS);
}

/*
 * Walks are write-back cacheable and inner shareable, like the page
 * allocator's memory the tables are in (stage2.c says why that matters).
 */
u64 arm64_vtcr(void)
{
	return VTCR_RES1 | VTCR_T0SZ(S2_IPA_BITS) | VTCR_SL0_LEVEL1 | VTCR_IRGN0_WBWA |
	       VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K | (u64)parange() << VTCR_PS_SHIFT;
}

/*
 * A destroyed VM's translations may still be cached under its VMID on
 * any CPU: they go before the VMID can name another VM's tables. TLBI by
 * VMID needs VTTBR_EL2 to hold it, so the whole EL1&0 regime is flushed,
 * which only happens when a VM is destroyed.
 */
void arm64_s2_flush_vmid(u16 vmid)
{
	dsb(ishst);
	__asm__ __volatile__("tlbi alle1is" ::: "memory");
	dsb(ish);
}
