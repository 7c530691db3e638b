/*
 * Stage-2 translation tables: IPA -> PA for a VM, 4 KiB granules, the
 * largest block that fits (1 GiB, 2 MiB, else 4 KiB pages), and VMIDs.
 * No system register is touched here (stage2_regs.c does that), so the
 * tables are unit-tested on the host.
 *
 * The tables come from the page allocator, which hands out memory the
 * EL2 identity map covers as Normal write-back, inner shareable. The
 * walker is told the same (VTCR_EL2 IRGN/ORGN write-back, SH inner), so
 * walks are coherent with the stores that built the tables and no cache
 * maintenance is needed (DESIGN 9: a non-cacheable walk would need the
 * tables cleaned to memory). The tables are complete before the VM is
 * FINALIZED and never change while it runs, so no break-before-make or
 * TLB maintenance is needed either, beyond flushing a VMID on reuse.
 */
#include <core/page_alloc.h>
#include <lib/bitmap.h>
#include <lib/errno.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <asm/guest.h>

#define S2_ENTRIES		512
#define S2_START_LEVEL		1	/* S2_IPA_BITS (asm/guest.h): one 4 KiB table at level 1 */

#define S2_VALID		BIT(0)
#define S2_TABLE		BIT(1)	/* levels 0-2; at level 3 it makes a page */
#define S2_MEMATTR_NORMAL_WB	(0xfULL << 2)
#define S2_AP_RW		(3ULL << 6)
#define S2_AP_RO		(1ULL << 6)	/* S2AP 01: read only, a write is a permission fault */
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT(10)
#define S2_ADDR_MASK		GENMASK(47, 12)
#define S2_RAM_ATTRS		(S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF)
#define S2_RO_ATTRS		(S2_MEMATTR_NORMAL_WB | S2_AP_RO | S2_SH_INNER | S2_AF)
/*
 * A passthrough device's MMIO: Device-nGnRE (MemAttr 0b0001), which the
 * combination with the guest's stage 1 can only make stricter, so the
 * guest's accesses reach the device unmerged, in order, uncached, however
 * its own tables map the page; never executable (XN, bit 54).
 */
#define S2_MEMATTR_DEVICE_NGNRE	(0x1ULL << 2)
#define S2_XN			BIT(54)
#define S2_DEVICE_ATTRS		(S2_MEMATTR_DEVICE_NGNRE | S2_AP_RW | S2_AF | S2_XN)

#define NR_VMIDS		256	/* 8-bit VMIDs; 0 is never given out */

static DECLARE_BITMAP(vmids_used, NR_VMIDS);
static spinlock_t vmid_lock = SPINLOCK_INIT;

static unsigned int level_shift(int level)
{
	return PAGE_SHIFT + 9 * (unsigned int)(3 - level);
}

static u64 *table_of(u64 desc)
{
	return (u64 *)(uintptr_t)(desc & S2_ADDR_MASK);
}

/* The largest block at @ipa that @pa's alignment and the remaining size allow. */
static s64 map_step(u64 *root, u64 ipa, u64 pa, u64 size, u64 attrs)
{
	u64 *table = root;
	int level;

	for (level = S2_START_LEVEL;; level++) {
		u64 block = 1ULL << level_shift(level);
		u64 *e = &table[(ipa >> level_shift(level)) % S2_ENTRIES];

		if (level == 3 || (IS_ALIGNED(ipa | pa, block) && size >= block)) {
			if (*e & S2_VALID)
				return -EEXIST;
			*e = pa | attrs | S2_VALID | (level == 3 ? S2_TABLE : 0);
			return (s64)block;
		}
		if (!(*e & S2_VALID)) {
			u64 *next = page_alloc();

			if (!next)
				return -ENOMEM;
			*e = (u64)(uintptr_t)next | S2_TABLE | S2_VALID;
		} else if (!(*e & S2_TABLE)) {
			return -EEXIST;
		}
		table = table_of(*e);
	}
}

static int map_range(u64 *root, u64 ipa, u64 pa, u64 size, u64 attrs)
{
	s64 step;

	if (!size || !IS_ALIGNED(ipa | pa | size, PAGE_SIZE) || ipa + size < ipa ||
	    ipa + size > arm64_s2_ipa_limit())
		return -EINVAL;
	while (size) {
		step = map_step(root, ipa, pa, size, attrs);
		if (step < 0)
			return (int)step;
		ipa += (u64)step;
		pa += (u64)step;
		size -= (u64)step;
	}
	return 0;
}

int arm64_s2_map(u64 *root, u64 ipa, u64 pa, u64 size)
{
	return map_range(root, ipa, pa, size, S2_RAM_ATTRS);
}

/* A channel's pages: read-only ones give a permission fault on a write (exit.c). */
int arm64_s2_map_shared(u64 *root, u64 ipa, u64 pa, u64 size, bool writable)
{
	return map_range(root, ipa, pa, size, writable ? S2_RAM_ATTRS : S2_RO_ATTRS);
}

int arm64_s2_map_device(u64 *root, u64 ipa, u64 pa, u64 size)
{
	return map_range(root, ipa, pa, size, S2_DEVICE_ATTRS);
}

static void free_level(u64 *table, int level)
{
	unsigned int i;

	if (level < 3)
		for (i = 0; i < S2_ENTRIES; i++)
			if ((table[i] & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE))
				free_level(table_of(table[i]), level + 1);
	page_free(table);
}

void arm64_s2_free(u64 *root)
{
	if (root)
		free_level(root, S2_START_LEVEL);
}

int arm64_vmid_alloc(u16 *vmid)
{
	unsigned int i;
	int err = -ENOSPC;

	spin_lock(&vmid_lock);
	for (i = 1; i < NR_VMIDS; i++) {
		if (!bitmap_test(vmids_used, i)) {
			bitmap_set(vmids_used, i);
			*vmid = (u16)i;
			err = 0;
			break;
		}
	}
	spin_unlock(&vmid_lock);
	return err;
}

/* The caller has flushed the VMID's translations (arm64_s2_flush_vmid()). */
void arm64_vmid_release(u16 vmid)
{
	if (!vmid)
		return;
	spin_lock(&vmid_lock);
	bitmap_clear(vmids_used, vmid);
	spin_unlock(&vmid_lock);
}
