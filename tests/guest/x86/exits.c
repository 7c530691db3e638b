/*
 * Every kind of exit, from the guest's side, under the hypervisor: the
 * CPUID model, the MSR table, GPRs across the world switch, the hidden
 * SVM instructions, port IO and string IO, each MMIO instruction form the
 * decoder knows (on an MMIO 16550 whose scratch register keeps a byte),
 * hypercalls, and interrupts from the virtual 8259/8254 and the UART.
 * Its configuration (tests/guest/x86/configs/exits.dts) gives it:
 * COM1 at 0x3f8 on IRQ 4, a second 16550 at MMIO 0xfe000000, nothing at
 * 0xfe800000, and the unknown-access policy "ignore".
 */
#include <guest/guest.h>
#include <lib/printf.h>
#include <lib/string.h>

#define MMIO_UART	0xfe000000ULL
#define MMIO_SCR	(MMIO_UART + 7)
#define NOWHERE		0xfe800000ULL
#define COM1_SCR	(COM1_PORT + 7)
#define UNMAPPED_VA	0x200000000ULL		/* beyond crt0's 4 GiB map */
#define ALIAS_VA	0x100000000ULL		/* mapped below to the MMIO UART */
#define SPLIT_VA	0x180000000ULL		/* a RAM page, then an unmapped one */
#define IRQ_BASE	0x20

#define MSR_FS_BASE	0xc0000100
#define MSR_KGS_BASE	0xc0000102
#define MSR_LSTAR	0xc0000082
#define MSR_VM_CR	0xc0010114
#define EFER_FFXSR	(1ULL << 14)

/* ---- CPUID ---- */

static void test_cpuid(void)
{
	struct cpuid_regs r;

	ok(hv_present(), "cpuid: the hypervisor leaf says \"microhv\"");
	r = cpuid(HV_CPUID_FEATURES);
	ok(r.eax == 1 && (r.ebx & 1), "cpuid: ABI version %u, console hypercall offered", r.eax);
	r = cpuid(1);
	ok(!(r.ecx & X86_BIT(21)) && !(r.ecx & X86_BIT(3)) && !(r.edx & X86_BIT(9)) &&
	   (r.ebx >> 24) == 0, "cpuid 1: no x2APIC, MONITOR or APIC; APIC ID 0 (%#x %#x %#x)",
	   r.ebx, r.ecx, r.edx);
	r = cpuid(0x80000001);
	ok(!(r.ecx & X86_BIT(2)) && (r.edx & X86_BIT(29)), "cpuid 0x80000001: SVM hidden, LM kept");
	r = cpuid_count(7, 0);
	ok(!(r.ecx & X86_BIT(16)), "cpuid 7: LA57 hidden");
	r = cpuid(0x8000000a);
	ok(!(r.eax | r.ebx | r.ecx | r.edx), "cpuid 0x8000000a (SVM) reads as zeros");
}

/* ---- MSRs ---- */

/* EFER.FFXSR can be set exactly when CPUID 0x80000001 offers it (EDX bit 25). */
static void test_efer_ffxsr(u64 efer)
{
	bool offered = cpuid(0x80000001).edx & X86_BIT(25);
	int vec = wrmsr_safe(MSR_EFER, efer | EFER_FFXSR);
	bool kept = !vec && (rdmsr(MSR_EFER) & EFER_FFXSR);

	wrmsr(MSR_EFER, efer);
	ok(offered ? kept : vec == GP_VECTOR, "EFER.FFXSR %s (CPUID %s it)",
	   offered ? "can be set" : "raises #GP", offered ? "offers" : "hides");
}

static void test_msrs(void)
{
	u64 v, pat = rdmsr(MSR_PAT), tsc;
	unsigned int i;

	v = rdmsr(MSR_EFER);
	ok((v & EFER_LMA) && (v & EFER_LME) && !(v & EFER_SVME),
	   "EFER %#llx: long mode, SVME hidden", v);
	ok(wrmsr_safe(MSR_EFER, v | EFER_SVME) == GP_VECTOR, "EFER.SVME cannot be set: #GP");
	test_efer_ffxsr(v);
	ok(rdmsr_safe(MSR_VM_CR, &v) == GP_VECTOR && rdmsr_safe(0x12345678, &v) == GP_VECTOR,
	   "unknown MSRs raise #GP");
	ok(wrmsr_safe(MSR_PAT, 0x0007040600070406ULL) == NO_EXCEPTION &&
	   rdmsr(MSR_PAT) == 0x0007040600070406ULL &&
	   wrmsr_safe(MSR_PAT, 0x0007040600070402ULL) == GP_VECTOR, "PAT: kept, and checked");
	wrmsr(MSR_PAT, pat);
	wrmsr(MSR_TSC, 1ULL << 40);
	tsc = rdtsc();
	ok(tsc >= (1ULL << 40) && tsc < (1ULL << 40) + (1ULL << 36), "TSC written: now %#llx", tsc);

	/* VMLOAD/VMSAVE state: never intercepted, and it survives every kind of exit. */
	wrmsr(MSR_LSTAR, 0xffffffff81234567ULL);
	wrmsr(MSR_KGS_BASE, 0xffff888812345678ULL);
	wrmsr(MSR_FS_BASE, 0x7f0000001000ULL);
	for (i = 0; i < 4; i++)
		cpuid(0);
	inb(COM1_SCR);
	(void)mmio_read8(NOWHERE);
	ok(rdmsr(MSR_LSTAR) == 0xffffffff81234567ULL &&
	   rdmsr(MSR_KGS_BASE) == 0xffff888812345678ULL && rdmsr(MSR_FS_BASE) == 0x7f0000001000ULL,
	   "LSTAR, KernelGSBase and FS base survive CPUID, IO and MMIO exits");
	wrmsr(MSR_FS_BASE, 0);
}

/* ---- GPRs across the world switch ---- */

void keep_gprs(u64 *out);

/*
 * Loads a pattern into every GPR, takes an OUT, an IN, an MMIO load (into
 * EAX) and a hypercall, then stores them all: only RAX may change.
 */
__asm__(".text\n"
	".global keep_gprs\n"
	"keep_gprs:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rdi\n"
	"	movabs $0x0101010101010101, %rbx\n"
	"	movabs $0x0202020202020202, %rcx\n"
	"	movabs $0x0303030303030303, %rsi\n"
	"	movabs $0x0404040404040404, %rdi\n"
	"	movabs $0x0505050505050505, %rbp\n"
	"	movabs $0x0808080808080808, %r8\n"
	"	movabs $0x0909090909090909, %r9\n"
	"	movabs $0x0a0a0a0a0a0a0a0a, %r10\n"
	"	movabs $0x0b0b0b0b0b0b0b0b, %r11\n"
	"	movabs $0x0c0c0c0c0c0c0c0c, %r12\n"
	"	movabs $0x0d0d0d0d0d0d0d0d, %r13\n"
	"	movabs $0x0e0e0e0e0e0e0e0e, %r14\n"
	"	movabs $0x0f0f0f0f0f0f0f0f, %r15\n"
	"	mov $0x3ff, %edx\n"
	"	mov $0x5a, %eax\n"
	"	out %al, %dx\n"
	"	in %dx, %al\n"
	"	movabs 0xfe800000, %eax\n"
	"	mov $0x7f, %eax\n"
	"	vmmcall\n"
	"	xchg (%rsp), %rdi\n"
	"	mov %rbx, 0(%rdi)\n"
	"	mov %rcx, 8(%rdi)\n"
	"	mov %rsi, 16(%rdi)\n"
	"	popq 24(%rdi)\n"
	"	mov %rbp, 32(%rdi)\n"
	"	mov %r8, 40(%rdi)\n"
	"	mov %r9, 48(%rdi)\n"
	"	mov %r10, 56(%rdi)\n"
	"	mov %r11, 64(%rdi)\n"
	"	mov %r12, 72(%rdi)\n"
	"	mov %r13, 80(%rdi)\n"
	"	mov %r14, 88(%rdi)\n"
	"	mov %r15, 96(%rdi)\n"
	"	mov %rdx, 104(%rdi)\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n");

static void test_gprs_kept(void)
{
	static const u8 want[] = { 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15 };
	u64 got[14];
	unsigned int i, bad = 0;

	keep_gprs(got);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (got[i] != want[i] * 0x0101010101010101ULL) {
			diag("register %u: %#llx", i, got[i]);
			bad++;
		}
	}
	ok(!bad && got[13] == 0x3ff, "every GPR but RAX survives IO, MMIO and hypercall exits");
}

/* ---- SVM and other hidden instructions ---- */

static void do_vmrun(void *a) { __asm__ __volatile__("vmrun %%rax" : : "a"(0) : "memory"); }
static void do_vmload(void *a) { __asm__ __volatile__("vmload %%rax" : : "a"(0) : "memory"); }
static void do_vmsave(void *a) { __asm__ __volatile__("vmsave %%rax" : : "a"(0) : "memory"); }
static void do_stgi(void *a) { __asm__ __volatile__("stgi" ::: "memory"); }
static void do_clgi(void *a) { __asm__ __volatile__("clgi" ::: "memory"); }
static void do_skinit(void *a) { __asm__ __volatile__("skinit %%eax" : : "a"(0) : "memory"); }
static void do_invlpga(void *a) { __asm__ __volatile__("invlpga %%rax, %%ecx" : : "a"(0), "c"(0)); }
static void do_monitor(void *a)
{
	__asm__ __volatile__(".byte 0x0f, 0x01, 0xc8" : : "a"(a), "c"(0), "d"(0) : "memory");
}
static void do_mwait(void *a) { __asm__ __volatile__(".byte 0x0f, 0x01, 0xc9" : : "a"(0), "c"(0)); }
static void do_rdpmc(void *a)
{
	u32 lo, hi;

	__asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0));
}

static void test_hidden_instructions(void)
{
	expect_exception(UD_VECTOR, do_vmrun, NULL, "VMRUN raises #UD");
	expect_exception(UD_VECTOR, do_vmload, NULL, "VMLOAD raises #UD");
	expect_exception(UD_VECTOR, do_vmsave, NULL, "VMSAVE raises #UD");
	expect_exception(UD_VECTOR, do_stgi, NULL, "STGI raises #UD");
	expect_exception(UD_VECTOR, do_clgi, NULL, "CLGI raises #UD");
	expect_exception(UD_VECTOR, do_skinit, NULL, "SKINIT raises #UD");
	expect_exception(UD_VECTOR, do_invlpga, NULL, "INVLPGA raises #UD");
	expect_exception(UD_VECTOR, do_monitor, NULL, "MONITOR raises #UD");
	expect_exception(UD_VECTOR, do_mwait, NULL, "MWAIT raises #UD");
	expect_exception(GP_VECTOR, do_rdpmc, NULL, "RDPMC raises #GP (no counters)");
}

/* ---- port IO ---- */

static void rep_outsb(u16 port, const void *p, u64 n)
{
	__asm__ __volatile__("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}

static void rep_insb(u16 port, void *p, u64 n)
{
	__asm__ __volatile__("rep insb" : "+D"(p), "+c"(n) : "d"(port) : "memory");
}

static void insb_unmapped(void *arg)
{
	rep_insb(COM1_SCR, (void *)(uintptr_t)UNMAPPED_VA, 1);
}

/*
 * SPLIT_VA's first 2 MiB are a page table whose last entry maps one RAM
 * page; the 2 MiB after it are not mapped. The returned address is that
 * page's last byte: a 2-byte element there runs into the unmapped page.
 */
static u8 *map_split(void)
{
	u64 *pml4 = (u64 *)(uintptr_t)(read_cr3() & ~0xfffULL);
	u64 *pdpt = (u64 *)(uintptr_t)(pml4[0] & 0xffffffffff000ULL);
	u64 *pd = alloc_page(), *pt = alloc_page();
	u8 *data = alloc_page();

	pt[511] = (u64)(uintptr_t)data | PTE_PRESENT | PTE_WRITE;
	pd[0] = (u64)(uintptr_t)pt | PTE_PRESENT | PTE_WRITE;
	pdpt[SPLIT_VA >> 30] = (u64)(uintptr_t)pd | PTE_PRESENT | PTE_WRITE;
	write_cr3(read_cr3());
	data[0xfff] = 0x5a;
	return (u8 *)(uintptr_t)(SPLIT_VA + 0x1fffff);
}

static void insw_split(void *p)
{
	__asm__ __volatile__("rep insw" : "+D"(p), "+c"((u64){ 1 }) : "d"(COM1_SCR) : "memory");
}

static void outsw_split(void *p)
{
	__asm__ __volatile__("rep outsw" : "+S"(p), "+c"((u64){ 1 }) : "d"(COM1_SCR) : "memory");
}

/* A string element across a page boundary faults on the page it cannot reach. */
static void test_string_io_split(void)
{
	u8 *last = map_split();
	const struct ex_info *e = last_exception();

	expect_exception(PF_VECTOR, insw_split, last, "rep insw into an unmapped second page: #PF");
	ok(e->cr2 == SPLIT_VA + 0x200000 && e->error_code == 2 && *last == 0x5a,
	   "  with CR2 at the second page (%#llx), error %#llx, the first byte not written",
	   e->cr2, e->error_code);
	expect_exception(PF_VECTOR, outsw_split, last, "rep outsw from an unmapped second page: #PF");
	ok(e->cr2 == SPLIT_VA + 0x200000 && e->error_code == 0,
	   "  with CR2 at the second page (%#llx), error %#llx", e->cr2, e->error_code);
}

static void test_port_io(void)
{
	static const char line[] = "# rep outsb reached the console\r\n";
	static const char fs_line[] = "XX# outsb through %fs reached the console\r\n";
	u8 buf[4] = { 0 };
	/* FS + RSI = fs_line + 2: computed as integers, RSI alone points nowhere. */
	u64 p = (u64)(uintptr_t)fs_line + 2 - 0x1000;
	u64 n = sizeof(fs_line) - 3;

	outb(COM1_SCR, 0x3c);
	ok(inb(COM1_SCR) == 0x3c, "the UART's scratch register keeps a byte");
	ok(inb(0x80) == 0xff && inw(0x80) == 0xffff && inl(0x84) == 0xffffffff,
	   "ports with no device float high (1, 2 and 4 bytes)");
	rep_outsb(COM1_PORT, line, sizeof(line) - 1);
	ok(true, "rep outsb: one exit per byte (the line above)");
	rep_insb(COM1_SCR, buf, 3);
	ok(!memcmp(buf, "\x3c\x3c\x3c", 3) && !buf[3], "rep insb: 3 bytes in, and no more");
	outb(COM1_SCR, 0x71);
	__asm__ __volatile__("std; rep insb; cld" : "+D"((u8 *){ buf + 3 }), "+c"((u64){ 2 })
			     : "d"(COM1_SCR) : "memory");
	ok(buf[3] == 0x71 && buf[2] == 0x71 && buf[1] == 0x3c, "rep insb with DF=1 goes down");
	/* The FS base applies in 64-bit mode: the source is FS + RSI. */
	wrmsr(MSR_FS_BASE, 0x1000);
	__asm__ __volatile__("rep outsb %%fs:(%%rsi), (%%dx)" : "+S"(p), "+c"(n)
			     : "d"(COM1_PORT) : "memory");
	wrmsr(MSR_FS_BASE, 0);
	ok(n == 0, "rep outsb with an FS override (the line above)");
	expect_exception(PF_VECTOR, insb_unmapped, NULL, "rep insb to an unmapped page: #PF");
	ok(last_exception()->cr2 == UNMAPPED_VA && last_exception()->error_code == 2,
	   "  with CR2 %#llx, error code %#llx", last_exception()->cr2,
	   last_exception()->error_code);
}

/* ---- MMIO ---- */

/* A 2 MiB page at ALIAS_VA for the MMIO UART's page: the GPA differs from the address used. */
static void map_alias(void)
{
	u64 *pml4 = (u64 *)(uintptr_t)(read_cr3() & ~0xfffULL);
	u64 *pdpt = (u64 *)(uintptr_t)(pml4[0] & 0xffffffffff000ULL);
	u64 *pd = alloc_page();

	pd[0] = (MMIO_UART & ~0x1fffffULL) | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_PCD |
		PTE_PWT;
	pdpt[ALIAS_VA >> 30] = (u64)(uintptr_t)pd | PTE_PRESENT | PTE_WRITE;
	write_cr3(read_cr3());
}

typedef u32 (*load_fn)(u64 pa);

static void test_mmio(void)
{
	u8 *scr = (u8 *)(uintptr_t)MMIO_SCR;
	u8 *ram = alloc_page(), *code;
	u64 q, rdi, rcx;
	u32 v;
	u8 b;

	mmio_write8(MMIO_SCR, 0x11);
	ok(mmio_read8(MMIO_SCR) == 0x11, "MMIO byte store and load");
	mmio_write8(MMIO_SCR, 0x80);
	__asm__ __volatile__("movzbl (%1), %0" : "=r"(v) : "r"(scr));
	ok(v == 0x80, "movzbl from MMIO: %#x", v);
	__asm__ __volatile__("movsbl (%1), %0" : "=r"(v) : "r"(scr));
	ok(v == 0xffffff80, "movsbl from MMIO: %#x", v);
	__asm__ __volatile__("movb $0x42, (%0)" : : "r"(scr) : "memory");
	b = 0x99;
	__asm__ __volatile__("xchg %0, (%1)" : "+q"(b) : "r"(scr) : "memory");
	ok(b == 0x42 && mmio_read8(MMIO_SCR) == 0x99, "store-immediate, then xchg with MMIO (%#x)",
	   b);
	/* AH cannot be encoded with a REX prefix: the address in a legacy register. */
	__asm__ __volatile__("mov %%ah, (%1)" : : "a"(0x5500), "D"(scr) : "memory");
	ok(mmio_read8(MMIO_SCR) == 0x55, "store of %%ah to MMIO");

	rdi = NOWHERE;
	rcx = 16;
	__asm__ __volatile__("rep stosl" : "+D"(rdi), "+c"(rcx) : "a"(0xdeadbeef) : "memory");
	ok(rdi == NOWHERE + 64 && rcx == 0, "rep stosl over 16 MMIO dwords: one exit each");

	ram[0] = 0x66;
	__asm__ __volatile__("movsb" : "+S"((u8 *){ ram }), "+D"((u8 *){ scr }) : : "memory");
	ok(mmio_read8(MMIO_SCR) == 0x66, "movsb from RAM to MMIO");
	mmio_write8(MMIO_SCR, 0x67);
	__asm__ __volatile__("movsb" : "+S"((u8 *){ scr }), "+D"((u8 *){ ram + 1 }) : : "memory");
	ok(ram[1] == 0x67, "movsb from MMIO to RAM");
	__asm__ __volatile__("movsb" : "+S"((u8 *){ scr }), "+D"((u8 *){ (u8 *)NOWHERE })
			     : : "memory");
	ok(true, "movsb from MMIO to MMIO");

	q = mmio_read64(NOWHERE);
	mmio_write64(NOWHERE, ~0ULL);
	ok(q == 0 && mmio_read64(NOWHERE) == 0, "8-byte MMIO where nothing is: RAZ");

	map_alias();
	mmio_write8(ALIAS_VA + 7, 0x3d);
	ok(mmio_read8(MMIO_SCR) == 0x3d, "MMIO through another linear address: the GPA decides");

	/* movzbl (%rdi),%eax; ret, split after its 0f: the fetch crosses a page. */
	code = alloc_pages(2);
	memcpy(code + 4095, "\x0f\xb6\x07\xc3", 4);
	mmio_write8(MMIO_SCR, 0x24);
	v = ((load_fn)(uintptr_t)(code + 4095))(MMIO_SCR);
	ok(v == 0x24, "an MMIO load whose instruction crosses a page boundary");
}

/* ---- hypercalls ---- */

static void test_hypercalls(void)
{
	static const char msg[] = "this line came through the console hypercall";

	ok(hv_console_write(msg, sizeof(msg) - 1) == sizeof(msg) - 1, "console hypercall");
	ok(hv_hypercall2(0x7f, 0, 0) == HV_HC_ENOSYS, "unknown hypercall: -ENOSYS");
	ok(hv_console_write((const char *)0xfe000000, 8) == (u64)-14,
	   "console hypercall on non-RAM: -EFAULT");
	ok(hv_console_write(msg, 8192) == (u64)-22, "console hypercall too long: -EINVAL");
}

/* ---- interrupts ---- */

static volatile unsigned int ticks, uart_irqs;
static volatile u8 uart_iir;

static void timer_irq(struct ex_regs *regs)
{
	ticks++;
	pic_eoi(0);
}

static void uart_irq(struct ex_regs *regs)
{
	uart_irqs++;
	uart_iir = inb(COM1_PORT + 2);
	outb(COM1_PORT + 1, 0);
	pic_eoi(4);
}

static bool irq0_requested(void)
{
	outb(PIC_MASTER_CMD, PIC_READ_IRR);
	return inb(PIC_MASTER_CMD) & 1;
}

static void test_interrupts(void)
{
	unsigned int before, spin;
	u64 t0;

	pic_init(IRQ_BASE);
	ok(inb(PIC_MASTER_DATA) == 0xfb && inb(PIC_SLAVE_DATA) == 0xff, "8259 masks read back");
	set_handler(IRQ_BASE, timer_irq);
	set_handler(IRQ_BASE + 4, uart_irq);
	pit_periodic(1000);
	pic_unmask(0);
	t0 = rdtsc();
	while (ticks < 5) {
		safe_halt();
		cli();
	}
	ok(ticks >= 5, "HLT waits for the PIT: %u ticks in %llu kcycles", ticks,
	   (rdtsc() - t0) >> 10);

	/* A request pending while IF=0 is delivered right after STI's shadow: the window. */
	for (spin = 0; spin < 10000000 && !irq0_requested(); spin++)
		cpu_pause();
	before = ticks;
	__asm__ __volatile__("sti; nop; cli" ::: "memory");
	ok(spin < 10000000 && ticks > before, "an interrupt held back by IF=0 comes at STI");
	pic_mask(0);
	pit_stop();

	/* The UART's THR-empty interrupt on IRQ 4: a VMM device raising a line. */
	pic_unmask(4);
	outb(COM1_PORT + 1, 0x02);
	for (spin = 0; spin < 1000 && !uart_irqs; spin++) {
		safe_halt();
		cli();
	}
	ok(uart_irqs == 1 && (uart_iir & 0x0f) == 0x02, "UART THRE interrupt on IRQ 4 (IIR %#x)",
	   uart_iir);
	pic_mask(4);

	/* Counter 2 gated by port 0x61, as TSC calibration uses it. */
	outb(PORT61, (inb(PORT61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 0x9c);
	outb(0x42, 0x2e);			/* 11932 ticks: 10 ms */
	t0 = rdtsc();
	for (spin = 0; spin < 100000000 && !(inb(PORT61) & 0x20); spin++)
		;
	ok(inb(PORT61) & 0x20, "PIT counter 2 runs out behind port 0x61 (%llu kcycles)",
	   (rdtsc() - t0) >> 10);
	outb(PORT61, inb(PORT61) & ~0x03);
}

int guest_main(const struct mb_info *mbi)
{
	if (!hv_present())
		bail_out("this guest tests the micro-hypervisor and needs it");
	test_cpuid();
	test_msrs();
	test_gprs_kept();
	test_hidden_instructions();
	test_port_io();
	test_string_io_split();
	test_mmio();
	test_hypercalls();
	test_interrupts();
	return tap_done();
}
