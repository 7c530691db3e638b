/*
 * The multiboot1 loader, checked from the guest it loaded: the entry
 * state (32-bit protected mode, paging off, EAX = 0x2BADB002), and the
 * information structure: flags, memory sizes, a memory map equal to the
 * VM's configured RAM (two regions with a hole), the command line and
 * the loader's name. Its configuration is tests/guest/x86/configs/mb1.dts.
 */
#include <guest/guest.h>
#include <lib/string.h>

#define LOW_END		(16ULL << 20)
#define HIGH_BASE	(32ULL << 20)
#define HIGH_END	(40ULL << 20)
#define CMDLINE		"mb1 check=42 \"quoted words\""

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

static bool mmap_is_config(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	unsigned int n = 0;

	mb_mmap_for_each(e, mbi) {
		diag("mmap %#llx+%#llx type %u", e->addr, e->len, e->type);
		if (e->type != MB_MEM_AVAILABLE)
			return false;
		if (!(e->addr == 0 && e->len == LOW_END) &&
		    !(e->addr == HIGH_BASE && e->len == HIGH_END - HIGH_BASE))
			return false;
		n++;
	}
	return n == 2;
}

int guest_main(const struct mb_info *mbi)
{
	const char *name = (const char *)(uintptr_t)mbi->boot_loader_name;
	volatile u64 *high = (volatile u64 *)(uintptr_t)(HIGH_END - 8);
	u64 info = (u64)(uintptr_t)mbi;

	tap_plan(9);
	ok(entry_magic == MB_BOOT_MAGIC && entry_info == info, "EAX %#x, EBX %#x at entry",
	   entry_magic, entry_info);
	ok((entry_cr0 & X86_CR0_PE) && !(entry_cr0 & X86_CR0_PG) && !entry_cr4 &&
	   !(entry_efer & (EFER_LME | EFER_SVME)),
	   "32-bit protected mode, paging off: CR0 %#x, CR4 %#x, EFER %#x", entry_cr0, entry_cr4,
	   entry_efer);
	ok((mbi->flags & (MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_CMDLINE | MB_INFO_LOADER_NAME)) ==
	   (MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_CMDLINE | MB_INFO_LOADER_NAME),
	   "info flags %#x: memory, map, command line, loader name", mbi->flags);
	ok(mbi->mem_lower == 640 && mbi->mem_upper == (LOW_END >> 10) - 1024,
	   "mem_lower %u KiB, mem_upper %u KiB", mbi->mem_lower, mbi->mem_upper);
	ok(mmap_is_config(mbi), "the memory map is the VM's two RAM regions");
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
