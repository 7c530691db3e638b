/*
 * Exit round trips, measured by the guest with RDTSC. Under QEMU's
 * -icount shift=0 one TSC tick is one instruction the emulated CPU ran,
 * the guest's and the hypervisor's alike: the figures count the
 * instructions of each exit path, the same on every run (a regression
 * figure, not a real cycle cost). Each path runs ITERS times in a loop;
 * the loop's own cost (measured empty) is taken off.
 *
 * Prints "# bench NAME CYCLES" lines for the bench-arch target. In a VM
 * with x86-bench-floor, the "cpuid" line is the floor: the same CPUID,
 * answered by the bare VMRUN/#VMEXIT loop (arch/x86/svm/exit.c).
 */
#include <guest/guest.h>

#define ITERS		4000
#define BENCH_LEAF	0x4000ffffu
#define NOWHERE		0xfe800000ULL

#define MEASURE(body)							\
	({								\
		u64 t0_, t1_;						\
		unsigned int i_;					\
		t0_ = rdtsc();						\
		for (i_ = 0; i_ < ITERS; i_++) {			\
			body;						\
		}							\
		t1_ = rdtsc();						\
		(t1_ - t0_) / ITERS;					\
	})

static u64 loop_cost;

static void report(const char *name, u64 per_iter)
{
	u64 net = per_iter > loop_cost ? per_iter - loop_cost : 0;

	printf("# bench %s %llu\n", name, net);
	ok(net > 0, "%s: %llu cycles per round trip", name, net);
}

static void bench_cpuid(void)
{
	u32 a, b, c, d;

	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "a"(BENCH_LEAF), "c"(0));
}

static void bench_out_vmm(void)
{
	outb(COM1_PORT + 7, 0x5a);
}

static void bench_in_hv(void)
{
	(void)inb(PIC_MASTER_DATA);
}

static void bench_hypercall(void)
{
	static const char nothing[1];

	hv_console_write(nothing, 0);
}

static void bench_mmio(void)
{
	(void)mmio_read32(NOWHERE);
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(5);
	/* Warm up every path once: first exits touch cold code. */
	bench_cpuid();
	bench_out_vmm();
	bench_in_hv();
	bench_hypercall();
	bench_mmio();
	loop_cost = MEASURE(__asm__ __volatile__("" ::: "memory"));
	printf("# bench loop %llu\n", loop_cost);
	report("cpuid", MEASURE(bench_cpuid()));
	report("io-hv", MEASURE(bench_in_hv()));
	report("io-vmm", MEASURE(bench_out_vmm()));
	report("hypercall", MEASURE(bench_hypercall()));
	report("mmio-vmm", MEASURE(bench_mmio()));
	return tap_done();
}
