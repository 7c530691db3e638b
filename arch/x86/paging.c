#include <asm/cpu.h>
#include <asm/x86.h>
#include <core/page_alloc.h>
#include <lib/panic.h>

/*
 * The hypervisor's final page tables: an identity map of all RAM and of
 * the first 4 GiB (where the APIC, IOAPIC and firmware live), with 2 MiB
 * pages. A 2 MiB page that holds any RAM is write-back, the rest is
 * uncached, so that device registers are never cached. The first 2 MiB
 * use 4 KiB pages with page 0 absent: a NULL dereference faults with a
 * dump instead of reading the real-mode IVT.
 */
#define PTE_P		BIT(0)
#define PTE_RW		BIT(1)
#define PTE_PWT		BIT(3)
#define PTE_PCD		BIT(4)
#define PTE_PS		BIT(7)
#define PTE_ADDR	GENMASK(51, 12)

static u64 *pml4;
static u64 mapped_top;

static u64 *alloc_table(void)
{
	u64 *t = page_alloc();

	if (!t)
		panic("paging: out of memory for page tables");
	return t;
}

static u64 *next_table(u64 *table, unsigned int idx)
{
	if (!(table[idx] & PTE_P))
		table[idx] = (u64)(uintptr_t)alloc_table() | PTE_P | PTE_RW;
	return (u64 *)(uintptr_t)(table[idx] & PTE_ADDR);
}

static bool touches_ram(const struct boot_info *bi, u64 base, u64 size)
{
	u32 i;

	for (i = 0; i < bi->nr_ram; i++)
		if (ranges_overlap(base, size, bi->ram[i].base, bi->ram[i].size))
			return true;
	return false;
}

static void map_low_2m(u64 *pd)
{
	u64 *pt = alloc_table();
	unsigned int i;

	for (i = 1; i < 512; i++)
		pt[i] = ((u64)i << PAGE_SHIFT) | PTE_P | PTE_RW;
	pd[0] = (u64)(uintptr_t)pt | PTE_P | PTE_RW;
}

void paging_init(const struct boot_info *bi)
{
	const struct boot_range *last = &bi->ram[bi->nr_ram - 1];
	u64 top = MAX(4ULL << 30, ALIGN_UP(last->base + last->size, PAGE_1G));
	u64 va;

	pml4 = alloc_table();
	for (va = 0; va < top; va += PAGE_2M) {
		u64 *pdpt = next_table(pml4, (va >> 39) & 511);
		u64 *pd = next_table(pdpt, (va >> 30) & 511);
		u64 attr = touches_ram(bi, va, PAGE_2M) ? 0 : PTE_PCD | PTE_PWT;

		if (va == 0)
			map_low_2m(pd);
		else
			pd[(va >> 21) & 511] = va | attr | PTE_P | PTE_RW | PTE_PS;
	}
	mapped_top = top;
	write_cr3((u64)(uintptr_t)pml4);
}

/* Page 0 is left out on purpose; everything else below the top is mapped. */
bool paging_is_mapped(u64 pa, u64 len)
{
	return pa >= PAGE_SIZE && range_within(pa, len, 0, mapped_top);
}

u64 paging_root(void)
{
	return (u64)(uintptr_t)pml4;
}
