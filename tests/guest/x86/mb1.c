/*
 * The multiboot1 loader, checked from the guest it loaded: the entry
 * state (32-bit protected mode, paging off, EAX = 0x2BADB002), and the
 * information structure: flags, memory sizes, a memory map equal to the
 * VM's configured RAM (two regions with a hole), the command line and
 * the loader's name, and the modules. The memory map is the PC's: low
 * RAM up to the EBDA, the BIOS area reserved with the ACPI tables as
 * ACPI data inside it, then the configured RAM from 1 MiB (two regions
 * with a hole). Its configuration is the "mb1" VM of
 * tests/guest/x86/configs/loaders.dts.
 */
#include <guest/guest.h>
#include <lib/string.h>

#define LOW_END		(16ULL << 20)
#define HIGH_BASE	(32ULL << 20)
#define HIGH_END	(40ULL << 20)
#define CMDLINE		"mb1 check=42 \"quoted words\""
#define LOW_RAM_END	0x9fc00ULL
#define ACPI_BASE	0xe0000ULL
#define ACPI_END	0xf0000ULL
#define MIB		(1ULL << 20)

/* The map a PC-like loader hands over for RAM 0-16 MiB and 32-40 MiB. */
static const struct { u64 addr, len; u32 type; } want_map[] = {
	{ 0, LOW_RAM_END, MB_MEM_AVAILABLE },
	{ LOW_RAM_END, ACPI_BASE - LOW_RAM_END, MB_MEM_RESERVED },
	{ ACPI_BASE, ACPI_END - ACPI_BASE, MB_MEM_ACPI },
	{ ACPI_END, MIB - ACPI_END, MB_MEM_RESERVED },
	{ MIB, LOW_END - MIB, MB_MEM_AVAILABLE },
	{ HIGH_BASE, HIGH_END - HIGH_BASE, MB_MEM_AVAILABLE },
};

/* The modules of loaders.dts, in order: bytes and command lines. */
static const struct { const char *data; u32 len; const char *cmdline; } want_mod[] = {
	{ "\xde\xad\xbe\xef\x01\x02\x03", 7, "mod0 first=1" },
	{ "second module", 14, "" },
};

/* Filled by guest32_entry, in 32-bit mode before crt0 turns paging on. */
u32 entry_magic, entry_info, entry_cr0, entry_cr4, entry_efer;

__asm__(".text\n"
	".code32\n"
	".global guest32_entry\n"
	"guest32_entry:\n"
	"	mov 4(%esp), %eax\n"
	"	mov %eax, entry_magic\n"
	"	mov 8(%esp), %eax\n"
	"	mov %eax, entry_info\n"
	"	mov %cr0, %eax\n"
	"	mov %eax, entry_cr0\n"
	"	mov %cr4, %eax\n"
	"	mov %eax, entry_cr4\n"
	"	push %ebx\n"
	"	mov $0xc0000080, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, entry_efer\n"
	"	pop %ebx\n"
	"	ret\n"
	".code64\n");

static bool mmap_is_pc(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	unsigned int n = 0;

	mb_mmap_for_each(e, mbi) {
		diag("mmap %#llx+%#llx type %u", e->addr, e->len, e->type);
		if (n >= ARRAY_SIZE(want_map) || e->addr != want_map[n].addr ||
		    e->len != want_map[n].len || e->type != want_map[n].type)
			return false;
		n++;
	}
	return n == ARRAY_SIZE(want_map);
}

/* Each module page aligned above the image, below the info, in RAM, with its bytes and string. */
static bool modules_ok(const struct mb_info *mbi)
{
	const struct mb_module *m = (const struct mb_module *)(uintptr_t)mbi->mods_addr;
	u64 floor = (u64)(uintptr_t)__image_end;
	u32 i;

	if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count != ARRAY_SIZE(want_mod))
		return false;
	for (i = 0; i < mbi->mods_count; i++) {
		const char *s = (const char *)(uintptr_t)m[i].string;

		diag("module %u: %#x-%#x \"%s\"", i, m[i].start, m[i].end, s ? s : "(none)");
		if (m[i].start & 0xfff || m[i].start < floor || m[i].end - m[i].start != want_mod[i].len)
			return false;
		if (m[i].end > (u64)(uintptr_t)mbi || !mb_range_is_ram(mbi, m[i].start, want_mod[i].len))
			return false;
		if (memcmp((const void *)(uintptr_t)m[i].start, want_mod[i].data, want_mod[i].len) ||
		    !s || strcmp(s, want_mod[i].cmdline))
			return false;
		floor = m[i].end;
	}
	return true;
}

int guest_main(const struct mb_info *mbi)
{
	const char *name = (const char *)(uintptr_t)mbi->boot_loader_name;
	volatile u64 *high = (volatile u64 *)(uintptr_t)(HIGH_END - 8);
	u64 info = (u64)(uintptr_t)mbi;

	tap_plan(10);
	ok(entry_magic == MB_BOOT_MAGIC && entry_info == info, "EAX %#x, EBX %#x at entry",
	   entry_magic, entry_info);
	ok((entry_cr0 & X86_CR0_PE) && !(entry_cr0 & X86_CR0_PG) && !entry_cr4 &&
	   !(entry_efer & (EFER_LME | EFER_SVME)),
	   "32-bit protected mode, paging off: CR0 %#x, CR4 %#x, EFER %#x", entry_cr0, entry_cr4,
	   entry_efer);
	ok((mbi->flags & (MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_CMDLINE | MB_INFO_LOADER_NAME)) ==
	   (MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_CMDLINE | MB_INFO_LOADER_NAME),
	   "info flags %#x: memory, map, command line, loader name", mbi->flags);
	ok(mbi->mem_lower == LOW_RAM_END >> 10 && mbi->mem_upper == (LOW_END >> 10) - 1024,
	   "mem_lower %u KiB, mem_upper %u KiB", mbi->mem_lower, mbi->mem_upper);
	ok(mmap_is_pc(mbi), "the memory map: low RAM, BIOS area with ACPI data, the two regions");
	ok(modules_ok(mbi), "%u modules, page aligned above the image, bytes and strings",
	   mbi->mods_count);
	ok(!strcmp(mb_cmdline(mbi), CMDLINE), "command line \"%s\"", mb_cmdline(mbi));
	ok(name && !strcmp(name, "microhv"), "loaded by \"%s\"", name ? name : "(none)");
	ok(info >= (u64)(uintptr_t)__image_end && info < LOW_END,
	   "the information lies above the image (%#llx)", info);
	*high = 0x1122334455667788ULL;
	mmio_write64(LOW_END + (4 << 20), 0x99);
	ok(*high == 0x1122334455667788ULL && mmio_read64(LOW_END + (4 << 20)) == 0,
	   "the second region is RAM, the hole between is not");
	return tap_done();
}
