/*
 * A 64-bit ELF kernel (format "elf"): started in long mode at its ELF
 * entry on the hypervisor's identity map of the first 4 GiB, with
 * interrupts off and no GDT or IDT of its own yet. Linked with
 * long64_entry as its entry (tests/guest/x86/guests.mk), it records the
 * state it found, loads the library's GDT, and reports in TAP.
 */
#include <guest/guest.h>

extern u64 guest_gdt[];

struct gdt_ptr {
	u16 limit;
	u64 base;
} __packed;

struct gdt_ptr long64_gdt = { 6 * 8 - 1, (u64)(uintptr_t)guest_gdt };
u64 entry_cr0, entry_cr3, entry_cr4, entry_efer, entry_rflags;
u16 entry_cs;
u8 long64_stack[16384] __aligned(16);

void long64_main(void);

__asm__(".text\n"
	".code64\n"
	".global long64_entry\n"
	"long64_entry:\n"
	"	lea long64_stack+16384(%rip), %rsp\n"
	"	mov %cr0, %rax\n"
	"	mov %rax, entry_cr0(%rip)\n"
	"	mov %cr3, %rax\n"
	"	mov %rax, entry_cr3(%rip)\n"
	"	mov %cr4, %rax\n"
	"	mov %rax, entry_cr4(%rip)\n"
	"	mov %cs, entry_cs(%rip)\n"
	"	pushfq\n"
	"	popq entry_rflags(%rip)\n"
	"	mov $0xc0000080, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, entry_efer(%rip)\n"
	"	lgdt long64_gdt(%rip)\n"
	"	mov $0x10, %eax\n"
	"	mov %eax, %ds\n"
	"	mov %eax, %es\n"
	"	mov %eax, %ss\n"
	"	mov %eax, %fs\n"
	"	mov %eax, %gs\n"
	"	pushq $0x08\n"
	"	lea 1f(%rip), %rax\n"
	"	push %rax\n"
	"	lretq\n"
	"1:	call long64_main\n"
	"2:	cli\n"
	"	hlt\n"
	"	jmp 2b\n");

void long64_main(void)
{
	serial_init();
	exceptions_init();
	tap_plan(4);
	ok((entry_efer & EFER_LMA) && (entry_efer & EFER_LME) && !(entry_efer & EFER_SVME) &&
	   (entry_cr0 & X86_CR0_PG) && (entry_cr4 & X86_CR4_PAE),
	   "long mode at entry: CR0 %#llx, CR4 %#llx, EFER %#llx", entry_cr0, entry_cr4,
	   entry_efer);
	ok(entry_cs == 0x10 && !(entry_rflags & X86_RFLAGS_IF),
	   "CS %#x (the boot protocol's), interrupts off (RFLAGS %#llx)", entry_cs, entry_rflags);
	/* The boot tables sit in the last 24 KiB of the 32 MiB of RAM. */
	ok(entry_cr3 == (32 << 20) - 6 * 4096, "CR3 %#llx: the hypervisor's boot tables",
	   entry_cr3);
	ok(mmio_read8(0xfee00000) == 0, "the identity map reaches 4 GiB: MMIO at 0xfee00000 reads 0");
	guest_exit((unsigned int)tap_done());
}

/* Never called: the entry is long64_entry, and there is no multiboot info. */
int guest_main(const struct mb_info *mbi)
{
	return GUEST_EXIT_BAIL;
}
