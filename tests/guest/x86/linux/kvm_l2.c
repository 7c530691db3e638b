/*
 * kvm-l2 FIRST [bench NPT]: a Linux program for the initramfs of the
 * x86-linux-kvm suite. Run inside Debian's kernel as an L1 guest of the
 * hypervisor, it uses /dev/kvm (kvm_amd, i.e. nested SVM) to run a small
 * 64-bit L2 and checks every exit and every result, printing TAP lines
 * numbered from FIRST (the init script runs it once per kvm_amd setting
 * and prints the plan). "kvm-l2 count" prints how many tests one run has.
 * With "bench" it also reports the instructions one CPUID exit of L2
 * costs (TSC ticks under QEMU's -icount shift=0) and kvm_amd's npt
 * parameter NPT as the init script read it.
 *
 * Freestanding, with raw system calls: no libc, so the binary is a few
 * KiB and needs nothing from the initramfs but the kernel.
 */
#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYS_write 1
#define SYS_open 2
#define SYS_mmap 9
#define SYS_ioctl 16
#define SYS_exit_group 231
#define O_RDWR 2
#define PROT_RW 3
#define MAP_SHARED_ANON 0x21

/* L2's physical layout: 4 MiB of RAM at 0, an MMIO hole at 256 MiB. */
#define L2_RAM_SIZE 0x400000ul
#define L2_PML4 0x1000ul
#define L2_PDPT 0x2000ul
#define L2_PD 0x3000ul
#define L2_PT 0x4000ul		/* two tables: 0x4000, 0x5000 */
#define L2_RESULTS 0x9000ul
#define L2_IDT 0xa000ul
#define L2_GDT 0xb000ul
#define L2_CODE 0x10000ul
#define L2_PAGES_BASE 0x100000ul
#define L2_PAGES 512
#define L2_MMIO 0x10000000ul

#define PORT_OUT 0x10
#define PORT_IN 0x11
#define PORT_SUM 0x12
#define PORT_TICKS 0x13
#define PORT_WINDOW 0x14
#define PORT_IRQ 0x15
#define PORT_TIMER 0x16
#define L2_TIMER_VECTOR 0x41
#define L2_PD_HIGH 0x6000ul	/* the 4th GiB: a 2 MiB page over the local APIC */
#define L2_APIC 0xfee00000ul
#define L2_IRQ_VECTOR 0x40
#define L2_UNMAPPED 0x600000ul	/* PD entry 3 is not present */
#define OUT_VALUE 0x12345678u
#define IN_VALUE 0xcafef00du
#define MMIO_WRITE_VALUE 0x1122334455667788ull
#define MMIO_READ_VALUE 0x8877665544332211ull
#define PAGE_MUL 0x9e3779b97f4a7c15ull
#define CPUID_LOOPS 100	/* per batch; L2 times 10 batches, keeps the fastest */

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The compiler may call these for struct copies and initialisers. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * Output goes out a line per write(): two instances run at once (one
 * per L1 CPU) and a terminal keeps one write() whole, not a line made of
 * several.
 */
static char line[256];
static size_t line_len;

static void put(const char *s)
{
	size_t n = slen(s);

	if (line_len + n > sizeof(line))
		n = sizeof(line) - line_len;
	memcpy(line + line_len, s, n);
	line_len += n;
	if (line_len == sizeof(line) || (n && s[n - 1] == '\n')) {
		sys(SYS_write, 1, (long)line, (long)line_len, 0, 0, 0);
		line_len = 0;
	}
}

static void put_num(unsigned long v, unsigned int base)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put("0x");
	put(buf + i);
}

static unsigned long parse_num(const char *s)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static unsigned long test_no;

/* One TAP line; `what` says what was checked, `got` is shown on failure. */
static int check(int ok, const char *what, unsigned long got)
{
	put(ok ? "ok " : "not ok ");
	put_num(test_no++, 10);
	put(" - ");
	put(what);
	if (!ok) {
		put(" (got ");
		put_num(got, 16);
		put(")");
	}
	put("\n");
	return ok;
}

static void fail_stop(const char *what, long err)
{
	put("Bail out! ");
	put(what);
	put(" failed: ");
	put_num((unsigned long)-err, 10);
	put("\n");
	sys(SYS_exit_group, 1, 0, 0, 0, 0, 0);
}

/*
 * L2's code, position independent in the sense that it names only fixed
 * guest-physical addresses (identity mapped): it is copied to L2_CODE.
 * Phase 1: OUT, IN, MMIO write and read, CPUID leaves 0 and 0x80000000,
 * one qword written into each of 512 pages and read back as a sum sent
 * to PORT_SUM, then HLT. Phase 2 (after the host resumes it): 10 batches
 * of CPUID_LOOPS CPUIDs, each between two RDTSCs, the ticks of the
 * fastest batch sent to PORT_TICKS (the others may include a timer
 * interrupt of L0 or L1), HLT. Phase 3: a load from an unmapped page
 * and a UD2, each handled by L2's own IDT (the handlers note CR2, the
 * error code, the RIP and resume after the instruction), OUT to PORT_WINDOW
 * with IF clear, STI and a wait for vector 0x40 (the host asks for the
 * interrupt window and injects it with KVM_INTERRUPT), its vector sent to
 * PORT_IRQ, HLT. Phase 4, from l2_apic_entry in a VM with KVM's in-kernel
 * irqchip: the local APIC's timer (vector 0x41) armed three times, L2
 * halting until each fires (KVM, not this program, handles that HLT and
 * the APIC), the count sent to PORT_TIMER.
 */
extern const unsigned char l2_code[], l2_code_end[];
extern const unsigned char l2_pf_handler[], l2_ud_handler[], l2_irq_handler[], l2_ud2_insn[];
extern const unsigned char l2_apic_entry[], l2_timer_handler[];
__asm__(".pushsection .rodata\n"
	".globl l2_code, l2_code_end\n"
	"l2_code:\n"
	".code64\n"
	"	mov $0x10, %edx\n"
	"	mov $0x12345678, %eax\n"
	"	out %eax, %dx\n"
	"	mov $0x11, %edx\n"
	"	in %dx, %eax\n"
	"	mov %eax, 0x9000\n"
	"	movabs $0x1122334455667788, %rax\n"
	"	mov %rax, 0x10000000\n"
	"	mov 0x10000008, %rax\n"
	"	mov %rax, 0x9008\n"
	"	xor %eax, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	mov %eax, 0x9010\n"
	"	mov %ebx, 0x9014\n"
	"	mov %ecx, 0x9018\n"
	"	mov %edx, 0x901c\n"
	"	mov $0x80000000, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	mov %eax, 0x9020\n"
	"	mov %ebx, 0x9024\n"
	"	mov %ecx, 0x9028\n"
	"	mov %edx, 0x902c\n"
	/* page i gets i * PAGE_MUL at offset (i * 8) & 0xff8 */
	"	mov $0x100000, %edi\n"
	"	xor %ecx, %ecx\n"
	"	movabs $0x9e3779b97f4a7c15, %rsi\n"
	"1:	mov %rcx, %rax\n"
	"	imul %rsi, %rax\n"
	"	lea (,%rcx,8), %rbx\n"
	"	and $0xff8, %ebx\n"
	"	mov %rax, (%rdi,%rbx)\n"
	"	add $0x1000, %rdi\n"
	"	inc %ecx\n"
	"	cmp $512, %ecx\n"
	"	jb 1b\n"
	"	mov $0x100000, %edi\n"
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"2:	lea (,%rcx,8), %rbx\n"
	"	and $0xff8, %ebx\n"
	"	add (%rdi,%rbx), %rdx\n"
	"	add $0x1000, %rdi\n"
	"	inc %ecx\n"
	"	cmp $512, %ecx\n"
	"	jb 2b\n"
	"	mov %edx, %eax\n"
	"	mov $0x12, %edx\n"
	"	out %eax, %dx\n"
	"	hlt\n"
	/* phase 2: the CPUID exit, timed; the fastest of 10 batches of 100 */
	"	mov $-1, %r10\n"
	"	mov $10, %r11d\n"
	"4:	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rax, %rdx\n"
	"	mov %rdx, %r8\n"
	"	mov $100, %r9d\n"
	"3:	mov $0x80000000, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	dec %r9d\n"
	"	jnz 3b\n"
	"	rdtsc\n"
	"	shl $32, %rdx\n"
	"	or %rdx, %rax\n"
	"	sub %r8, %rax\n"
	"	cmp %r10, %rax\n"
	"	cmovb %rax, %r10\n"
	"	dec %r11d\n"
	"	jnz 4b\n"
	"	mov %r10, %rax\n"
	"	mov $0x13, %edx\n"
	"	out %eax, %dx\n"
	"	hlt\n"
	/* phase 3: L2's own IDT takes a #PF, a #UD and an interrupt */
	"	mov $0x80000, %esp\n"
	"	mov $0x600000, %eax\n"
	"	mov (%rax), %rbx\n"
	".Lafter_pf:\n"
	".globl l2_ud2_insn\n"
	"l2_ud2_insn:\n"
	"	ud2\n"
	".Lafter_ud:\n"
	"	mov $0x14, %edx\n"
	"	out %eax, %dx\n"
	"	mov $1000000, %ecx\n"
	"	sti\n"
	"5:	cmpl $0x40, 0x9040\n"
	"	je 6f\n"
	"	dec %ecx\n"
	"	jnz 5b\n"
	"6:	cli\n"
	"	mov 0x9040, %eax\n"
	"	mov $0x15, %edx\n"
	"	out %eax, %dx\n"
	"	hlt\n"
	".globl l2_pf_handler, l2_ud_handler, l2_irq_handler\n"
	"l2_pf_handler:\n"
	"	mov %cr2, %rax\n"
	"	mov %rax, 0x9030\n"
	"	pop %rax\n"
	"	mov %rax, 0x9038\n"
	"	movq $(.Lafter_pf - l2_code + 0x10000), (%rsp)\n"
	"	iretq\n"
	"l2_ud_handler:\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, 0x9048\n"
	"	movq $(.Lafter_ud - l2_code + 0x10000), (%rsp)\n"
	"	iretq\n"
	"l2_irq_handler:\n"
	"	movl $0x40, 0x9040\n"
	"	iretq\n"
	/* phase 4 (a VM of its own, in-kernel irqchip): HLT until 3 LAPIC timer interrupts */
	".globl l2_apic_entry, l2_timer_handler\n"
	"l2_apic_entry:\n"
	"	mov $0x80000, %esp\n"
	"	mov $0xfee00000, %ebx\n"
	"	movl $0x1ff, 0xf0(%rbx)\n"
	"	movl $0xb, 0x3e0(%rbx)\n"
	"	movl $0x41, 0x320(%rbx)\n"
	"	mov $3, %r12d\n"
	"7:	movl $200000, 0x380(%rbx)\n"
	"	mov 0x9050, %r13d\n"
	"8:	sti\n"
	"	hlt\n"
	"	cli\n"
	"	cmp 0x9050, %r13d\n"
	"	je 8b\n"
	"	dec %r12d\n"
	"	jnz 7b\n"
	"	mov 0x9050, %eax\n"
	"	mov $0x16, %edx\n"
	"	out %eax, %dx\n"
	"	hlt\n"
	"l2_timer_handler:\n"
	"	incl 0x9050\n"
	"	movl $0, 0xb0(%rbx)\n"
	"	iretq\n"
	"l2_code_end:\n"
	".popsection\n");

struct vm {
	int vcpu;
	struct kvm_run *run;
	unsigned char *ram;
};

static long kvm_ioctl(int fd, unsigned long req, long arg)
{
	return sys(SYS_ioctl, fd, (long)req, arg, 0, 0, 0);
}

static void *map_shared(size_t size, int fd)
{
	long p = sys(SYS_mmap, 0, (long)size, PROT_RW, fd < 0 ? MAP_SHARED_ANON : 1, fd, 0);

	if (p < 0 && p > -4096)
		fail_stop("mmap", p);
	return (void *)p;
}

static void wr64(unsigned char *ram, unsigned long gpa, uint64_t v)
{
	*(volatile uint64_t *)(ram + gpa) = v;
}

static uint64_t rd64(const unsigned char *ram, unsigned long gpa)
{
	return *(const volatile uint64_t *)(ram + gpa);
}

static uint32_t rd32(const unsigned char *ram, unsigned long gpa)
{
	return *(const volatile uint32_t *)(ram + gpa);
}

/*
 * Identity map of L2's RAM with 4 KiB pages (two page tables), and a
 * 2 MiB page over the MMIO hole, which has no memory slot: its accesses
 * exit to this program as KVM_EXIT_MMIO.
 */
static void build_page_tables(unsigned char *ram)
{
	unsigned long i;

	wr64(ram, L2_PML4, L2_PDPT | 3);
	wr64(ram, L2_PDPT, L2_PD | 3);
	wr64(ram, L2_PD, L2_PT | 3);
	wr64(ram, L2_PD + 8, (L2_PT + 0x1000) | 3);
	wr64(ram, L2_PD + (L2_MMIO >> 21) * 8, L2_MMIO | 0x83);
	wr64(ram, L2_PDPT + 3 * 8, L2_PD_HIGH | 3);
	wr64(ram, L2_PD_HIGH + ((L2_APIC >> 21) & 511) * 8, L2_APIC | 0x93);	/* PCD */
	for (i = 0; i < L2_RAM_SIZE / 0x1000; i++)
		wr64(ram, L2_PT + i * 8, (i << 12) | 3);
}

static unsigned long l2_addr(const unsigned char *sym)
{
	return L2_CODE + (unsigned long)(sym - l2_code);
}

/* A 64-bit interrupt gate to a handler of L2's code, selector 8. */
static void set_gate(unsigned char *ram, unsigned int vector, const unsigned char *handler)
{
	unsigned long a = l2_addr(handler);

	wr64(ram, L2_IDT + vector * 16, (a & 0xffff) | (8ul << 16) | (0x8eul << 40) |
					 ((a >> 16 & 0xffff) << 48));
	wr64(ram, L2_IDT + vector * 16 + 8, a >> 32);
}

/* IRETQ reloads CS and SS from the GDT: null, 64-bit code at 8, data at 0x10. */
static void build_tables(unsigned char *ram)
{
	wr64(ram, L2_GDT + 8, 0x00af9a000000ffffull);
	wr64(ram, L2_GDT + 16, 0x00cf92000000ffffull);
	set_gate(ram, 6, l2_ud_handler);
	set_gate(ram, 14, l2_pf_handler);
	set_gate(ram, L2_IRQ_VECTOR, l2_irq_handler);
	set_gate(ram, L2_TIMER_VECTOR, l2_timer_handler);
}

static void set_long_mode(struct vm *vm, unsigned long rip)
{
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 8, .type = 11, .present = 1,
		.dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = code;
	long err;

	err = kvm_ioctl(vm->vcpu, KVM_GET_SREGS, (long)&s);
	if (err)
		fail_stop("KVM_GET_SREGS", err);
	data.type = 3;
	data.selector = 0x10;
	data.l = 0;
	data.db = 1;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = L2_GDT;
	s.gdt.limit = 23;
	s.idt.base = L2_IDT;
	s.idt.limit = 0xfff;
	s.cr3 = L2_PML4;
	s.cr4 = 1 << 5;				/* PAE */
	s.cr0 = 0x80000001u | (1 << 4) | (1 << 5);	/* PG, PE, ET, NE */
	s.efer = (1 << 8) | (1 << 10);		/* LME, LMA */
	err = kvm_ioctl(vm->vcpu, KVM_SET_SREGS, (long)&s);
	if (err)
		fail_stop("KVM_SET_SREGS", err);
	r.rip = rip;
	r.rflags = 2;
	err = kvm_ioctl(vm->vcpu, KVM_SET_REGS, (long)&r);
	if (err)
		fail_stop("KVM_SET_REGS", err);
}

/* CPUID as L2 must see it: two leaves this program makes up. */
static const struct kvm_cpuid_entry2 l2_leaves[] = {
	{ .function = 0, .eax = 1, .ebx = 0x6f72636d, .ecx = 0x2e322e4c, .edx = 0x6d2e7668 },
	{ .function = 0x80000000, .eax = 0x80000000, .ebx = 0x4c32, .ecx = 0xa5a5, .edx = 0x5a5a },
};

static void set_cpuid(struct vm *vm)
{
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[2];
	} c = { .head.nent = 2 };
	long err;

	c.e[0] = l2_leaves[0];
	c.e[1] = l2_leaves[1];
	err = kvm_ioctl(vm->vcpu, KVM_SET_CPUID2, (long)&c);
	if (err)
		fail_stop("KVM_SET_CPUID2", err);
}

/* @irqchip: KVM's in-kernel local APIC (and PIC, IOAPIC), created before the vCPU. */
static void create_vm(struct vm *vm, bool irqchip)
{
	struct kvm_userspace_memory_region region = { 0 };
	long kvm, fd, size, err;

	kvm = sys(SYS_open, (long)"/dev/kvm", O_RDWR, 0, 0, 0, 0);
	if (kvm < 0)
		fail_stop("open /dev/kvm", kvm);
	err = kvm_ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (!irqchip)
		check(err == KVM_API_VERSION, "KVM_GET_API_VERSION is 12", (unsigned long)err);
	fd = kvm_ioctl(kvm, KVM_CREATE_VM, 0);
	if (fd < 0)
		fail_stop("KVM_CREATE_VM", fd);
	err = irqchip ? kvm_ioctl(fd, KVM_CREATE_IRQCHIP, 0) : 0;
	if (err)
		fail_stop("KVM_CREATE_IRQCHIP", err);
	vm->ram = map_shared(L2_RAM_SIZE, -1);
	region.memory_size = L2_RAM_SIZE;
	region.userspace_addr = (unsigned long)vm->ram;
	err = kvm_ioctl(fd, KVM_SET_USER_MEMORY_REGION, (long)&region);
	if (err)
		fail_stop("KVM_SET_USER_MEMORY_REGION", err);
	vm->vcpu = kvm_ioctl(fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		fail_stop("KVM_CREATE_VCPU", vm->vcpu);
	size = kvm_ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct kvm_run))
		fail_stop("KVM_GET_VCPU_MMAP_SIZE", size < 0 ? size : -22);
	vm->run = map_shared((size_t)size, vm->vcpu);
}

static unsigned int run(struct vm *vm)
{
	long err = kvm_ioctl(vm->vcpu, KVM_RUN, 0);

	if (err)
		fail_stop("KVM_RUN", err);
	return vm->run->exit_reason;
}

static uint32_t io_value(struct vm *vm)
{
	return *(uint32_t *)((unsigned char *)vm->run + vm->run->io.data_offset);
}

static int is_io(struct vm *vm, unsigned int reason, int dir, unsigned int port)
{
	return reason == KVM_EXIT_IO && vm->run->io.direction == dir &&
	       vm->run->io.port == port && vm->run->io.size == 4 && vm->run->io.count == 1;
}

static int is_mmio(struct vm *vm, unsigned int reason, int write, unsigned long gpa)
{
	return reason == KVM_EXIT_MMIO && vm->run->mmio.is_write == write &&
	       vm->run->mmio.phys_addr == gpa && vm->run->mmio.len == 8;
}

static uint64_t page_sum(void)
{
	uint64_t sum = 0;
	unsigned long i;

	for (i = 0; i < L2_PAGES; i++)
		sum += i * PAGE_MUL;
	return sum;
}

static int pages_as_written(const unsigned char *ram)
{
	unsigned long i, off, gpa;

	for (i = 0; i < L2_PAGES; i++)
		for (off = 0; off < 0x1000; off += 8) {
			gpa = L2_PAGES_BASE + i * 0x1000 + off;
			if (rd64(ram, gpa) != (off == ((i * 8) & 0xff8) ? i * PAGE_MUL : 0))
				return 0;
		}
	return 1;
}

static int leaf_seen(const unsigned char *ram, unsigned long gpa,
		     const struct kvm_cpuid_entry2 *e)
{
	return rd32(ram, gpa) == e->eax && rd32(ram, gpa + 4) == e->ebx &&
	       rd32(ram, gpa + 8) == e->ecx && rd32(ram, gpa + 12) == e->edx;
}

static void phase1(struct vm *vm)
{
	unsigned int r;

	r = run(vm);
	check(is_io(vm, r, KVM_EXIT_IO_OUT, PORT_OUT) && io_value(vm) == OUT_VALUE,
	      "L2's OUT reaches L1's VMM as KVM_EXIT_IO", r);
	r = run(vm);
	check(is_io(vm, r, KVM_EXIT_IO_IN, PORT_IN), "L2's IN exits as KVM_EXIT_IO", r);
	*(uint32_t *)((unsigned char *)vm->run + vm->run->io.data_offset) = IN_VALUE;
	r = run(vm);
	check(is_mmio(vm, r, 1, L2_MMIO) &&
	      *(uint64_t *)vm->run->mmio.data == MMIO_WRITE_VALUE,
	      "L2's MMIO write exits as KVM_EXIT_MMIO with its data", r);
	r = run(vm);
	check(is_mmio(vm, r, 0, L2_MMIO + 8), "L2's MMIO read exits as KVM_EXIT_MMIO", r);
	*(uint64_t *)vm->run->mmio.data = MMIO_READ_VALUE;
	r = run(vm);
	check(is_io(vm, r, KVM_EXIT_IO_OUT, PORT_SUM) &&
	      io_value(vm) == (uint32_t)page_sum(),
	      "L2 reads back its writes to 512 pages", r == KVM_EXIT_IO ? io_value(vm) : r);
	r = run(vm);
	check(r == KVM_EXIT_HLT, "L2's HLT exits as KVM_EXIT_HLT", r);
	check(rd32(vm->ram, L2_RESULTS) == IN_VALUE, "L2 got the IN value", rd32(vm->ram, L2_RESULTS));
	check(rd64(vm->ram, L2_RESULTS + 8) == MMIO_READ_VALUE, "L2 got the MMIO read value",
	      rd64(vm->ram, L2_RESULTS + 8));
	check(leaf_seen(vm->ram, L2_RESULTS + 0x10, &l2_leaves[0]),
	      "L2's CPUID leaf 0 is what KVM_SET_CPUID2 set", rd32(vm->ram, L2_RESULTS + 0x14));
	check(leaf_seen(vm->ram, L2_RESULTS + 0x20, &l2_leaves[1]),
	      "L2's CPUID leaf 0x80000000 is what KVM_SET_CPUID2 set",
	      rd32(vm->ram, L2_RESULTS + 0x24));
	check(pages_as_written(vm->ram), "L1 sees L2's 512 page writes and nothing else", 0);
}

/* Returns the TSC ticks of the fastest CPUID_LOOPS CPUIDs in L2, 0 on a wrong exit. */
static unsigned long phase2(struct vm *vm)
{
	unsigned int r = run(vm);
	unsigned long ticks;

	if (!is_io(vm, r, KVM_EXIT_IO_OUT, PORT_TICKS))
		return 0;
	ticks = io_value(vm);
	r = run(vm);
	return r == KVM_EXIT_HLT ? ticks : 0;
}

/*
 * L2's exceptions go to L2's IDT (with npt=0 KVM intercepts the #PF and
 * injects it); the interrupt takes KVM's interrupt window (V_IRQ and the
 * VINTR intercept in L1's VMCB) and an injection into L2.
 */
static void phase3(struct vm *vm)
{
	struct kvm_interrupt irq = { .irq = L2_IRQ_VECTOR };
	unsigned int r = run(vm);
	long err;

	check(is_io(vm, r, KVM_EXIT_IO_OUT, PORT_WINDOW), "L2's #PF and #UD handlers returned", r);
	vm->run->request_interrupt_window = 1;
	r = run(vm);
	check(r == KVM_EXIT_IRQ_WINDOW_OPEN && vm->run->ready_for_interrupt_injection,
	      "L2's STI opens the interrupt window (KVM_EXIT_IRQ_WINDOW_OPEN)", r);
	vm->run->request_interrupt_window = 0;
	err = kvm_ioctl(vm->vcpu, KVM_INTERRUPT, (long)&irq);
	if (err)
		fail_stop("KVM_INTERRUPT", err);
	r = run(vm);
	check(is_io(vm, r, KVM_EXIT_IO_OUT, PORT_IRQ) && io_value(vm) == L2_IRQ_VECTOR,
	      "L2's handler took the injected vector 0x40", r == KVM_EXIT_IO ? io_value(vm) : r);
	r = run(vm);
	check(r == KVM_EXIT_HLT, "L2 halts after the interrupt", r);
	check(rd64(vm->ram, L2_RESULTS + 0x30) == L2_UNMAPPED && rd64(vm->ram, L2_RESULTS + 0x38) == 0,
	      "L2's #PF handler saw CR2 0x600000 and error code 0 (read, not present)",
	      rd64(vm->ram, L2_RESULTS + 0x30));
	check(rd64(vm->ram, L2_RESULTS + 0x48) == l2_addr(l2_ud2_insn),
	      "L2's #UD handler saw the RIP of its UD2", rd64(vm->ram, L2_RESULTS + 0x48));
}

/*
 * A VM with KVM's in-kernel irqchip: L2's HLT and its local APIC are
 * KVM's, so L1 halts while L2 waits, and KVM's timer (an hrtimer of L1's)
 * wakes it and injects the interrupt.
 */
static void phase4(void)
{
	struct vm vm;
	unsigned int r;

	create_vm(&vm, true);
	memcpy(vm.ram + L2_CODE, l2_code, (size_t)(l2_code_end - l2_code));
	build_page_tables(vm.ram);
	build_tables(vm.ram);
	set_cpuid(&vm);
	set_long_mode(&vm, l2_addr(l2_apic_entry));
	r = run(&vm);
	check(is_io(&vm, r, KVM_EXIT_IO_OUT, PORT_TIMER) && io_value(&vm) == 3,
	      "L2 halts and wakes for 3 LAPIC timer interrupts (in-kernel irqchip)",
	      r == KVM_EXIT_IO ? io_value(&vm) : r);
}

#define TESTS_PER_RUN 20

static int kvm_l2_main(int argc, char **argv)
{
	struct vm vm;
	unsigned long ticks;
	int bench = argc > 2;

	if (argc > 1 && argv[1][0] == 'c') {
		put_num(TESTS_PER_RUN, 10);
		put("\n");
		return 0;
	}
	test_no = argc > 1 ? parse_num(argv[1]) : 1;
	create_vm(&vm, false);
	memcpy(vm.ram + L2_CODE, l2_code, (size_t)(l2_code_end - l2_code));
	build_page_tables(vm.ram);
	build_tables(vm.ram);
	set_cpuid(&vm);
	set_long_mode(&vm, L2_CODE);
	phase1(&vm);
	ticks = phase2(&vm);
	phase3(&vm);
	if (bench) {
		put("x86 L2 CPUID exit under Debian's KVM as L1 (kvm_amd npt=");
		put(argc > 3 ? argv[3] : "?");
		put("): ");
		put_num(ticks / CPUID_LOOPS, 10);
		put(" instructions (fastest of 10 batches of 100)\n");
		return 0;
	}
	check(ticks != 0, "L2 runs 10 batches of 100 CPUIDs and exits with their TSC ticks", ticks);
	phase4();
	put("# ");
	put_num(ticks / CPUID_LOOPS, 10);
	put(" TSC ticks per L2 CPUID exit\n");
	return 0;
}

/* The process entry: argc and argv on the stack, as the kernel left them. */
__attribute__((used)) static void start_c(long *sp)
{
	sys(SYS_exit_group, kvm_l2_main((int)sp[0], (char **)(sp + 1)), 0, 0, 0, 0, 0);
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
