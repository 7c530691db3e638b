/*
 * The x86 half of the hostile-guest matrix: one misbehaviour per VM,
 * chosen by the multiboot command line, each VM beside others that must
 * end as expected (tests/guest/x86/configs/hostile-*.dts). A case either
 * ends the VM in the way its "expect" names (the architectural answer:
 * a shutdown, or the hypervisor's refusal to guess at an access it
 * cannot emulate) or checks from the inside that every answer was an
 * architectural one and leaves through debug-exit.
 */
#include <guest/guest.h>
#include <guest/svm.h>
#include <lib/printf.h>
#include <lib/string.h>

#define NOWHERE		0xfe800000ULL	/* no device, no RAM: reads 0 under "ignore" */
#define UNMAPPED_VA	0x200000000ULL	/* beyond crt0's 4 GiB map */
#define SHUTDOWN_EXIT	0x7f
#define NPF_EXIT	0x400	/* NP flipped on: L1's nested table (N_CR3 0) faults */
#define INVALID_EXIT	(~0ULL)
#define EXCP_EXIT_BASE	0x40
#define EXCP_EXIT_LAST	0x5f
#define I1_SHUTDOWN	X86_BIT(31)
#define I1_NMI		X86_BIT(1)

struct dtr {
	u16 limit;
	u64 base;
} __packed;

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- cases that end the VM ---- */

/*
 * Every gate of the IDT leads to an unmapped handler: INT3's delivery
 * faults (#PF), the #PF's delivery faults again (#DF), and the #DF's
 * delivery shuts the CPU down.
 */
static void df_loop(void)
{
	u64 *idt = alloc_page();
	struct dtr d = { 0xfff, (u64)(uintptr_t)idt };
	unsigned int v;

	for (v = 0; v < 256; v++) {
		idt[2 * v] = (UNMAPPED_VA & 0xffff) | (u64)KERNEL_CS << 16 | 0x8eULL << 40 |
			     ((UNMAPPED_VA >> 16) & 0xffff) << 48;
		idt[2 * v + 1] = UNMAPPED_VA >> 32;
	}
	ok(true, "about to fault in every delivery");
	serial_flush();
	__asm__ __volatile__("lidt %0; int3" : : "m"(d) : "memory");
}

/* The IDT is not in RAM: the delivery of INT3 reads nothing the hypervisor can give. */
static void idt_nowhere(void)
{
	struct dtr d = { 0xfff, NOWHERE };

	ok(true, "about to take an exception through an IDT outside RAM");
	serial_flush();
	__asm__ __volatile__("lidt %0; int3" : : "m"(d) : "memory");
}

/* The GDT is not in RAM: loading DS reads its descriptor from nowhere. */
static void gdt_nowhere(void)
{
	struct dtr d = { 0xfff, NOWHERE };

	ok(true, "about to load a segment from a GDT outside RAM");
	serial_flush();
	__asm__ __volatile__("lgdt %0; mov %1, %%ds" : : "m"(d), "r"(KERNEL_DS) : "memory");
}

/* An 8-byte load that starts on an MMIO page and ends on the next. */
static void mmio_page_cross(void)
{
	ok(true, "about to load across two MMIO pages");
	serial_flush();
	(void)mmio_read64(NOWHERE + 0xffc);
}

/* ---- cases that check the answers from inside ---- */

/* Ports a sweep must not write: its own console, the exits and the resets. */
static bool port_is_precious(u32 port)
{
	return (port >= COM1_PORT && port <= COM1_PORT + 7) || (port >= 0xf4 && port <= 0xf7) ||
	       port == 0x60 || port == 0x64 || (port >= 0x600 && port <= 0x60f) || port == 0xcf9;
}

/*
 * Every port at every width, aligned or not, read; every port the guest
 * may spoil written with 0. A port with no device floats high, and the
 * sweep ends (the VMM answered each of the ~260,000 accesses).
 */
static void port_sweep(void)
{
	u32 port, floating = 0, reads = 0;

	for (port = 0; port <= 0xffff; port++) {
		u8 b = inb((u16)port);
		u16 w = inw((u16)port);
		u32 l = inl((u16)port);

		reads += 3;
		floating += b == 0xff && w == 0xffff && l == 0xffffffff;
		if (!port_is_precious(port) && !port_is_precious(port + 3)) {
			outb((u16)port, 0);
			outw((u16)port, 0);
			outl((u16)port, 0);
		}
	}
	ok(reads == 3 * 0x10000, "%u port reads answered", reads);
	ok(floating > 0xf000, "%u ports with no device floated high at every width", floating);
	ok(inb(COM1_PORT + 7) == inb(COM1_PORT + 7), "the console still answers");
}

/*
 * RDMSR over the architectural, AMD and hypervisor ranges: each either
 * reads or raises #GP, nothing else; each one read is written back with
 * its own value (which WRMSR may refuse with #GP, never otherwise).
 */
static void msr_sweep(void)
{
	static const u32 ranges[][2] = {
		{ 0, 0x2000 }, { 0x40000000, 0x40000100 },
		{ 0xc0000000, 0xc0002000 }, { 0xc0010000, 0xc0012000 },
	};
	u32 readable = 0, odd = 0, i, msr;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		for (msr = ranges[i][0]; msr < ranges[i][1]; msr++) {
			int r = rdmsr_safe(msr, &v);

			if (r == GP_VECTOR)
				continue;
			if (r != NO_EXCEPTION) {
				odd++;
				continue;
			}
			readable++;
			r = wrmsr_safe(msr, v);
			odd += r != NO_EXCEPTION && r != GP_VECTOR;
		}
	}
	ok(odd == 0, "every RDMSR and write-back read, wrote or raised #GP (%u others)", odd);
	ok(readable > 0 && readable < 2000, "%u MSRs readable", readable);
}

/* Reads and writes of a page with no device at every width and alignment within it. */
static void mmio_sweep(void)
{
	u32 off, nonzero = 0, n = 0;

	for (off = 0; off < 0x1000; off += 0x3f9) {
		u32 o;

		for (o = off; o < off + 8 && o + 8 <= 0x1000; o++) {
			nonzero += mmio_read8(NOWHERE + o) != 0;
			nonzero += mmio_read16(NOWHERE + o) != 0;
			nonzero += mmio_read32(NOWHERE + o) != 0;
			nonzero += mmio_read64(NOWHERE + o) != 0;
			mmio_write8(NOWHERE + o, 0xa5);
			mmio_write16(NOWHERE + o, 0xa5a5);
			mmio_write32(NOWHERE + o, 0xa5a5a5a5);
			mmio_write64(NOWHERE + o, ~0ULL);
			n += 8;
		}
	}
	ok(nonzero == 0, "%u accesses to nothing: every read 0, every write dropped", n);
}

/* The console hypercall with what the guest has no right to name. */
static void bad_hypercalls(void)
{
	static const char msg[] = "x";
	u64 ram_top = 0x1000000;
	const struct {
		const char *what;
		u64 gpa, len, want;
	} rows[] = {
		{ "a buffer outside RAM", NOWHERE, 1, (u64)-14 },
		{ "a buffer running off the end of RAM", ram_top - 1, 2, (u64)-14 },
		{ "a buffer wrapping the address space", ~0ULL, 2, (u64)-14 },
		{ "a length over the limit", (u64)(uintptr_t)msg, 1ULL << 40, (u64)-22 },
		{ "a length of 2^64 - 1", (u64)(uintptr_t)msg, ~0ULL, (u64)-22 },
		{ "a zero length", (u64)(uintptr_t)msg, 0, 0 },
	};
	unsigned int i;
	u64 r;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		r = hv_hypercall2(HV_HC_CONSOLE_WRITE, rows[i].gpa, rows[i].len);
		ok(r == rows[i].want, "console write with %s: %lld", rows[i].what, (long long)r);
	}
	r = hv_hypercall2(0xdeadbeef, 0, 0);
	ok(r == HV_HC_ENOSYS, "an unknown hypercall: -ENOSYS (%lld)", (long long)r);
}

/* Interrupts off for two seconds of guest time: nobody else may notice. */
static void spin_cli(void)
{
	u64 t0 = rdtsc();
	u32 spins = 0;

	cli();
	/* Two billion TSC ticks: seconds on any host this runs on. */
	while (rdtsc() - t0 < 2000000000ULL)
		spins++;
	ok(spins > 0, "spun with interrupts off for 2e9 TSC ticks");
}

/* ---- L1 cases (the VM has nested-svm) ---- */

void fuzz_vmrun(u64 vmcb_pa);
void l2_exit_now(void);
__asm__(
	".text\n"
	".global fuzz_vmrun\n"
	"fuzz_vmrun: push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	mov %rdi, %rax\n"
	"	vmrun %rax\n"
	"	stgi\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n"
	".global l2_exit_now\n"
	"l2_exit_now: vmmcall\n"
	"	ud2\n");

static struct vmcb *vmcb;
static u8 *l2_stack;

static void enable_svm(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (u64)(uintptr_t)alloc_page());
	vmcb = alloc_page();
	l2_stack = alloc_pages(2);
}

/*
 * One to four fields of a valid VMCB12 spoiled with random bits. L2's
 * code and every exception, NMI and shutdown stay intercepted, so that
 * whatever state is accepted exits to L1 at once; EVENTINJ only gets
 * values that are either nothing or illegal (an injected event is not
 * subject to intercepts and would run L1's handlers inside L2). CR3
 * keeps pointing at RAM (its low flag bits, or bits beyond the physical
 * width, which VMRUN refuses), and CR0.PE/PG and EFER.LME/LMA keep
 * their values: L2's page walk through a table outside RAM, or a fetch
 * from there (what 32-bit paging on 64-bit tables reaches), stops the
 * whole VM with a memory fault, as it does for L1 itself.
 */
static void spoil(struct vmcb *v)
{
	/* Reserved types, and an exception with the reserved vector 15. */
	static const u64 illegal_types[] = { 1, 3, 5, 6, 7 };
	unsigned int n = 1 + rng() % 4;

	while (n--) {
		u64 r = rng(), bit = 1ULL << (r >> 58);

		switch (r % 16) {
		case 0: v->cr0 ^= bit & ~(X86_BIT(0) | X86_BIT(31)); break;
		case 1: v->cr3 ^= (r & 1) ? bit << 40 : (bit >> 58) & 0xfff; break;
		case 2: v->cr4 ^= bit; break;
		case 3: v->efer ^= bit & ~(X86_BIT(8) | X86_BIT(10)); break;
		case 4: v->dr6 ^= bit; break;
		case 5: v->dr7 ^= bit; break;
		case 6: v->rflags ^= bit & ~(X86_BIT(8) | X86_BIT(9)); break;
		case 7: v->cs.attrib ^= (u16)bit; break;
		case 8: v->ss.attrib ^= (u16)bit; break;
		case 9: v->asid = (u32)r & 0x1f; break;
		case 10: v->iopm = r & ~0xfffULL; break;
		case 11: v->msrpm = r & ~0xfffULL; break;
		case 12: v->tlb_control = (u8)r; break;
		case 13: v->nested_ctl ^= bit; break;
		case 14: v->event_inj = (r & 1) ? 0 : X86_BIT(31) | illegal_types[r % 5] << 8 | 15;
			break;
		default: v->int_state ^= bit & 1; break;
		}
	}
	v->icpt_exc = ~0u;
	v->icpt1 |= I1_SHUTDOWN | I1_NMI | I1_INTR;
}

/*
 * 3000 VMRUNs of spoiled VMCB12s: each ends in the error #VMEXIT (-1),
 * a run that exits with an intercept L1 asked for, an intercepted
 * exception or shutdown of L2, or the #NPF of a nested table the spoiled
 * NP_ENABLE turned on; never anything else, never L1 lost.
 */
static void vmcb_fuzz(void)
{
	u32 invalid = 0, ran = 0, other = 0, i;
	u64 code = 0;

	enable_svm();
	for (i = 0; i < 3000; i++) {
		svm_vmcb_init_flat64(vmcb, (u64)(uintptr_t)l2_exit_now,
				     (u64)(uintptr_t)(l2_stack + 2 * PAGE_SIZE));
		spoil(vmcb);
		fuzz_vmrun((u64)(uintptr_t)vmcb);
		code = (u64)vmcb->exit_code_hi << 32 | vmcb->exit_code;
		if (code == INVALID_EXIT)
			invalid++;
		else if (code == EXIT_VMMCALL || code == SHUTDOWN_EXIT || code == NPF_EXIT ||
			 (code >= EXCP_EXIT_BASE && code <= EXCP_EXIT_LAST))
			ran++;
		else if (other++ < 4)
			diag("run %u: exit code %#llx", i, code);
	}
	ok(other == 0, "3000 spoiled VMCB12s: %u refused, %u ran to an intercept, %u else",
	   invalid, ran, other);
	ok(invalid > 100 && ran > 100, "both outcomes were reached");
}

/* L1 holds its interrupts (GIF clear) for a second while the PIT ticks. */
static void gif_held(void)
{
	u64 t0;

	enable_svm();
	__asm__ __volatile__("clgi" ::: "memory");
	pit_periodic(1000);
	sti();
	for (t0 = rdtsc(); rdtsc() - t0 < 1000000000ULL;)
		cpu_pause();
	cli();
	pit_stop();
	__asm__ __volatile__("stgi" ::: "memory");
	ok(true, "held interrupts with GIF clear for 1e9 TSC ticks, then let go");
}

static const struct {
	const char *name;
	void (*run)(void);
	unsigned int tests;
} cases[] = {
	{ "df-loop", df_loop, 1 },
	{ "idt-nowhere", idt_nowhere, 1 },
	{ "gdt-nowhere", gdt_nowhere, 1 },
	{ "mmio-page-cross", mmio_page_cross, 1 },
	{ "port-sweep", port_sweep, 3 },
	{ "msr-sweep", msr_sweep, 2 },
	{ "mmio-sweep", mmio_sweep, 1 },
	{ "bad-hypercalls", bad_hypercalls, 7 },
	{ "spin-cli", spin_cli, 1 },
	{ "vmcb-fuzz", vmcb_fuzz, 2 },
	{ "gif-held", gif_held, 1 },
};

int guest_main(const struct mb_info *mbi)
{
	const char *name = mb_cmdline(mbi);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (strcmp(name, cases[i].name))
			continue;
		tap_plan(cases[i].tests);
		cases[i].run();
		return tap_done();
	}
	bail_out("no hostile case \"%s\"", name);
}
