#include <core/page_alloc.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <asm/asm_offsets.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>

#define PT_ENTRIES		512
/*
 * Tables come from the image's .bss, not from the page allocator, which
 * does not exist yet when the map is built. QEMU virt needs about ten
 * (the image's edges and each device's 2 MiB region take a level-3
 * table each); running out is reported, never papered over.
 */
#define PT_POOL_PAGES		32

#define DESC_VALID		(1ULL << 0)
#define DESC_TABLE		(1ULL << 1)	/* levels 0-2; at level 3 it makes a page */
#define DESC_ATTRIDX(i)		((u64)(i) << 2)
#define DESC_AP_RES1		(1ULL << 6)	/* AP[1] is RES1 in the EL2 regime */
#define DESC_RO			(1ULL << 7)
#define DESC_SH_INNER		(3ULL << 8)
#define DESC_AF			(1ULL << 10)
#define DESC_XN			(1ULL << 54)
#define DESC_ADDR_MASK		GENMASK(47, 12)

static u64 pt_pool[PT_POOL_PAGES][PT_ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pt_used;
static unsigned int pa_bits;
static int start_level;

struct mmu_config arm64_mmu_config;

STATIC_ASSERT(offsetof(struct mmu_config, mair) == MMU_CFG_MAIR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct mmu_config, tcr) == MMU_CFG_TCR, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct mmu_config, ttbr0) == MMU_CFG_TTBR0, "asm_offsets.h");
STATIC_ASSERT(offsetof(struct mmu_config, sctlr) == MMU_CFG_SCTLR, "asm_offsets.h");

/*
 * Without AF set the first access to a page faults (no hardware AF
 * update is enabled); inner shareable so that every CPU's walks and
 * accesses to RAM are coherent.
 */
static u64 type_attrs(enum mmu_type type)
{
	const u64 normal = DESC_ATTRIDX(MT_NORMAL) | DESC_SH_INNER | DESC_AF | DESC_AP_RES1;

	switch (type) {
	case MMU_CODE:
		return normal | DESC_RO;
	case MMU_RODATA:
		return normal | DESC_RO | DESC_XN;
	case MMU_DATA:
		return normal | DESC_XN;
	case MMU_DEVICE:
	default:
		return DESC_ATTRIDX(MT_DEVICE_nGnRE) | DESC_AF | DESC_AP_RES1 | DESC_XN;
	}
}

static unsigned int level_shift(int level)
{
	return PAGE_SHIFT + 9 * (unsigned int)(3 - level);
}

/* ID_AA64MMFR0_EL1.PARange in bits, capped at 48: no 52-bit (LPA) tables. */
static unsigned int cpu_pa_bits(unsigned int *ps)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48 };
	unsigned int range = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

	if (range >= ARRAY_SIZE(bits))
		range = ARRAY_SIZE(bits) - 1;
	*ps = range;
	return bits[range];
}

/*
 * The VA space is as wide as the PA space (identity map), which fixes
 * where the walk starts: 4 KiB granules resolve 9 bits per level, so up
 * to 39 bits start at level 1 and more at level 0.
 */
int mmu_early_init(void)
{
	unsigned int ps;

	pa_bits = cpu_pa_bits(&ps);
	start_level = pa_bits > 39 ? 0 : 1;
	pt_used = 1;

	arm64_mmu_config.mair = MAIR_EL2_VALUE;
	arm64_mmu_config.tcr = TCR_EL2_RES1 | TCR_T0SZ(pa_bits) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			       TCR_SH0_INNER | TCR_TG0_4K | ((u64)ps << TCR_PS_SHIFT);
	arm64_mmu_config.ttbr0 = (u64)(uintptr_t)pt_pool[0];
	arm64_mmu_config.sctlr = SCTLR_EL2_RUN;
	return 0;
}

unsigned int mmu_pa_bits(void)
{
	return pa_bits;
}

static u64 *table_of(u64 desc)
{
	return (u64 *)(uintptr_t)(desc & DESC_ADDR_MASK);
}

/*
 * Maps the largest block that starts at @pa, ends by @end and is aligned
 * to its own size (1 GiB at level 1, 2 MiB at level 2, else a 4 KiB
 * page), adding tables on the way down. Returns the bytes mapped.
 */
static s64 map_step(u64 pa, u64 end, u64 attrs)
{
	u64 *table = pt_pool[0];
	int level;

	for (level = start_level;; level++) {
		u64 block = 1ULL << level_shift(level);
		u64 *e = &table[(pa >> level_shift(level)) % PT_ENTRIES];

		if (level == 3 || (level >= 1 && IS_ALIGNED(pa, block) && end - pa >= block)) {
			if (*e & DESC_VALID)
				return -EEXIST;
			*e = pa | attrs | DESC_VALID | (level == 3 ? DESC_TABLE : 0);
			return (s64)block;
		}
		if (!(*e & DESC_VALID)) {
			if (pt_used == PT_POOL_PAGES)
				return -ENOMEM;
			*e = (u64)(uintptr_t)pt_pool[pt_used++] | DESC_TABLE | DESC_VALID;
		} else if (!(*e & DESC_TABLE)) {
			return -EEXIST;
		}
		table = table_of(*e);
	}
}

int mmu_early_map(u64 pa, u64 size, enum mmu_type type)
{
	u64 end = ALIGN_UP(pa + size, PAGE_SIZE);
	u64 attrs = type_attrs(type);
	s64 step;

	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	if (!size || end <= pa || (pa_bits < 64 && end > (1ULL << pa_bits)))
		return -ERANGE;
	for (; pa < end; pa += (u64)step) {
		step = map_step(pa, end, attrs);
		if (step < 0)
			return (int)step;
	}
	return 0;
}
