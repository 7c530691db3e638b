/*
 * Nested page tables: guest-physical to host-physical, four levels,
 * 4 KiB and 2 MiB pages (2 MiB wherever the guest and host addresses are
 * both 2 MiB aligned and the range covers the whole page).
 *
 * Only guest RAM and the VM's channels are ever mapped, from the pages
 * core/vm.c and core/channel.c allocated for them: every other
 * guest-physical address is not present, so any access to it, whatever
 * the guest's own page tables say, is a #NPF and becomes an MMIO exit. That is the whole of a VM's isolation
 * from the hypervisor and from the other VMs.
 *
 * The CPU walks nested tables as user accesses: every entry has U set.
 * RAM's PWT/PCD/PAT stay 0, selecting the host PAT's entry 0 (write-back).
 *
 * The one exception to "only RAM and channels": a passthrough device's MMIO
 * (npt_map_uncached()), given to one VM by its configuration. Its leaves
 * set PCD and PWT, the host PAT's entry 3, uncached: combined with the
 * guest's own type, UC wins whatever the guest's tables say, so its
 * accesses reach the device in order and uncombined.
 */
#include <asm/npt.h>
#include <core/page_alloc.h>
#include <lib/errno.h>

#define NPT_P		BIT(0)
#define NPT_RW		BIT(1)
#define NPT_US		BIT(2)
#define NPT_PWT		BIT(3)
#define NPT_PCD		BIT(4)
#define NPT_PS		BIT(7)
#define NPT_ADDR	GENMASK(51, 12)
#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US)
#define NPT_LEAF	(NPT_P | NPT_RW | NPT_US)
#define NPT_LEVELS	4

static unsigned int index_of(u64 gpa, unsigned int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 *table_at(u64 entry)
{
	return (u64 *)(uintptr_t)(entry & NPT_ADDR);
}

/* The table below @table[idx], allocated if absent; -EEXIST if a large page is there. */
static int next_table(u64 *table, unsigned int idx, u64 **next)
{
	u64 *t;

	if (table[idx] & NPT_PS)
		return -EEXIST;
	if (table[idx] & NPT_P) {
		*next = table_at(table[idx]);
		return 0;
	}
	t = page_alloc();
	if (!t)
		return -ENOMEM;
	table[idx] = (u64)(uintptr_t)t | NPT_TABLE;
	*next = t;
	return 0;
}

/* One leaf of 4 KiB (level 1) or 2 MiB (level 2), with @leaf's permissions. */
static int map_one(u64 *root, u64 gpa, paddr_t pa, unsigned int leaf_level, u64 leaf)
{
	u64 *t = root;
	unsigned int level;
	int err;

	for (level = NPT_LEVELS; level > leaf_level; level--) {
		err = next_table(t, index_of(gpa, level), &t);
		if (err)
			return err;
	}
	/* core/vm.c validated the map: an existing entry is a hypervisor bug. */
	if (t[index_of(gpa, leaf_level)] & NPT_P)
		return -EEXIST;
	t[index_of(gpa, leaf_level)] = pa | leaf | (leaf_level == 2 ? NPT_PS : 0);
	return 0;
}

static int map_range(u64 *root, u64 gpa, paddr_t pa, u64 size, u64 leaf)
{
	u64 done = 0, step;
	int err;

	if (!IS_ALIGNED(gpa | pa | size, PAGE_SIZE) || gpa + size < gpa || !size)
		return -EINVAL;
	while (done < size) {
		bool large = IS_ALIGNED(gpa + done, PAGE_2M) && IS_ALIGNED(pa + done, PAGE_2M) &&
			     size - done >= PAGE_2M;

		step = large ? PAGE_2M : PAGE_SIZE;
		err = map_one(root, gpa + done, pa + done, large ? 2 : 1, leaf);
		if (err)
			return err;
		done += step;
	}
	return 0;
}

int npt_map(u64 *root, u64 gpa, paddr_t pa, u64 size)
{
	return map_range(root, gpa, pa, size, NPT_LEAF);
}

/*
 * A channel's pages: without RW a guest write is a #NPF with the present
 * bit set in its error code, which mmio.c decodes as an access to no
 * device (the VMM's "unknown-access" policy answers it).
 */
int npt_map_shared(u64 *root, u64 gpa, paddr_t pa, u64 size, bool writable)
{
	return map_range(root, gpa, pa, size, writable ? NPT_LEAF : NPT_LEAF & ~NPT_RW);
}

int npt_map_uncached(u64 *root, u64 gpa, paddr_t pa, u64 size)
{
	return map_range(root, gpa, pa, size, NPT_LEAF | NPT_PCD | NPT_PWT);
}

int npt_lookup(const u64 *root, u64 gpa, paddr_t *pa, u64 *page_size)
{
	const u64 *t = root;
	unsigned int level;
	u64 e;

	for (level = NPT_LEVELS; level; level--) {
		e = t[index_of(gpa, level)];
		if (!(e & NPT_P))
			return -ENOENT;
		if (level == 1 || (e & NPT_PS)) {
			*page_size = level == 1 ? PAGE_SIZE : PAGE_2M;
			*pa = (e & NPT_ADDR & ~(*page_size - 1)) | (gpa & (*page_size - 1));
			return 0;
		}
		t = table_at(e);
	}
	return -ENOENT;
}

static void free_level(u64 *t, unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < 512; i++)
		if ((t[i] & NPT_P) && !(t[i] & NPT_PS))
			free_level(table_at(t[i]), level - 1);
	page_free(t);
}

void npt_free(u64 *root)
{
	if (root)
		free_level(root, NPT_LEVELS);
}
