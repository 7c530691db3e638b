#include <core/arch.h>
#include <core/console.h>
#include <core/hv.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/selftest.h>
#include <core/smp.h>
#include <lib/printf.h>
#include <lib/spinlock.h>
#include <lib/string.h>

extern char __hv_image_start[], __hv_image_end[];

static unsigned int tap_count;
static unsigned int tap_failed;

static bool tap(bool ok, const char *fmt, ...) __printf(2, 3);

static bool tap(bool ok, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tap_count++;
	if (!ok)
		tap_failed++;
	printk("%s %u - %s\n", ok ? "ok" : "not ok", tap_count, msg);
	return ok;
}

static bool overlaps_image_or_module(const struct boot_info *bi, paddr_t pa, u64 size)
{
	u64 img = (u64)(uintptr_t)__hv_image_start;
	u32 i;

	if (ranges_overlap(pa, size, img, (u64)(uintptr_t)__hv_image_end - img))
		return true;
	for (i = 0; i < bi->nr_modules; i++)
		if (ranges_overlap(pa, size, bi->modules[i].base, bi->modules[i].size))
			return true;
	return ranges_overlap(pa, size, bi->fdt, bi->fdt_size);
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void test_page_alloc(const struct boot_info *bi)
{
	struct page_alloc_stats before, after;
	u8 *one, *big;

	page_alloc_get_stats(&before);
	one = page_alloc();
	tap(one && page_alloc_is_ram((paddr_t)(uintptr_t)one, PAGE_SIZE) &&
	    !overlaps_image_or_module(bi, (paddr_t)(uintptr_t)one, PAGE_SIZE) &&
	    all_zero(one, PAGE_SIZE), "page_alloc: a zeroed RAM page outside the image and modules");
	if (one)
		memset(one, 0xa5, PAGE_SIZE);

	big = page_alloc_contig(512, PAGE_2M);
	tap(big && IS_ALIGNED((uintptr_t)big, PAGE_2M) && big != one &&
	    page_alloc_is_ram((paddr_t)(uintptr_t)big, PAGE_2M) &&
	    !overlaps_image_or_module(bi, (paddr_t)(uintptr_t)big, PAGE_2M) &&
	    all_zero(big, PAGE_2M), "page_alloc: 2 MiB aligned, zeroed, contiguous");

	page_free(one);
	page_free_contig(big, 512);
	page_alloc_get_stats(&after);
	tap(after.free_pages == before.free_pages, "page_alloc: free returns every page (%zu free)",
	    after.free_pages);
	one = page_alloc();
	tap(one && all_zero(one, PAGE_SIZE), "page_alloc: a reused page comes back zeroed");
	page_free(one);
}

static spinlock_t counter_lock = SPINLOCK_INIT;
static u64 shared_counter;
static u32 cpus_ran;
static struct percpu *seen_percpu[MAX_CPUS];

/*
 * Enough rounds for the CPUs to contend, few enough that a FIFO lock
 * handed between QEMU vCPU threads sharing fewer host cores (each
 * hand-off may wait for a descheduled thread) stays well under a second.
 */
#define COUNTER_ROUNDS	500

static void count_under_lock(void *arg)
{
	unsigned int i;

	seen_percpu[cpu_id()] = this_cpu();
	for (i = 0; i < COUNTER_ROUNDS; i++) {
		spin_lock(&counter_lock);
		/* A non-atomic read-modify-write: only the lock keeps it exact. */
		WRITE_ONCE(shared_counter, READ_ONCE(shared_counter) + 1);
		spin_unlock(&counter_lock);
	}
	__atomic_fetch_add(&cpus_ran, 1, __ATOMIC_RELEASE);
}

static void test_smp(const struct boot_info *bi)
{
	char want[16];
	u64 expect = nr_cpus_possible;
	unsigned int cpu, n = cpus_online(), started = 0;
	bool distinct = true;

	if (cmdline_get(bi->cmdline, "hv.cpus", want, sizeof(want)) > 0)
		parse_u64(want, strlen(want), &expect);
	tap(n == expect && n == nr_cpus_possible, "smp: %u of %llu expected CPUs online", n, expect);

	for (cpu = 1; cpu < MAX_CPUS; cpu++)
		if (percpu_data[cpu].online && !smp_call(cpu, count_under_lock, NULL, false))
			started++;
	count_under_lock(NULL);
	while (__atomic_load_n(&cpus_ran, __ATOMIC_ACQUIRE) != started + 1)
		cpu_relax();
	tap(shared_counter == (u64)(started + 1) * COUNTER_ROUNDS,
	    "smp: spinlock keeps a shared counter exact across %u CPUs", started + 1);

	for (cpu = 0; cpu < n; cpu++)
		distinct &= seen_percpu[cpu] == &percpu_data[cpu] &&
			    percpu_data[cpu].cpu_id == cpu;
	tap(distinct, "smp: every CPU sees its own per-CPU data");
}

static void test_time(void)
{
	u64 t0 = arch_time_ns(), t1;
	volatile u32 spin = 0;

	while (spin < 1000000)
		spin++;
	t1 = arch_time_ns();
	tap(t1 > t0, "time: the clock advances (%llu ns over a busy loop)", t1 - t0);
}

static void test_printf(void)
{
	char buf[64];
	int n = snprintf(buf, 8, "%s-%d-%#x", "abcdef", -42, 255);

	tap(n == 15 && !strcmp(buf, "abcdef-"), "printf: truncates and reports the full length");
}

static __noreturn void run_boot_suite(const struct boot_info *bi)
{
	printk("TAP version 13\n");
	tap(bi->nr_ram > 0 && boot_info_ram_total(bi) >= (16u << 20),
	    "boot info: %u RAM ranges, %llu MiB", bi->nr_ram, boot_info_ram_total(bi) >> 20);
	tap(cmdline_has(bi->cmdline, "hv.test"), "boot info: command line reached the hypervisor");
	test_printf();
	test_page_alloc(bi);
	test_smp(bi);
	test_time();
	printk("1..%u\n# %u of %u failed\n", tap_count, tap_failed, tap_count);
	arch_test_exit(tap_failed ? HV_TEST_EXIT_FAIL : HV_TEST_EXIT_PASS);
}

/*
 * hv.test=fault: a deliberate trap in the hypervisor itself, for the test
 * that checks the exception dump; the handler ends the run.
 */
static __noreturn void run_fault_suite(void)
{
	pr_info("raising a deliberate exception\n");
	__builtin_trap();
}

bool selftest_wanted(const struct boot_info *bi)
{
	char suite[32];

	cmdline_get(bi->cmdline, "hv.test", suite, sizeof(suite));
	return !strcmp(suite, "boot") || !strcmp(suite, "fault");
}

__noreturn void selftest_run(const struct boot_info *bi)
{
	char suite[32];

	cmdline_get(bi->cmdline, "hv.test", suite, sizeof(suite));
	if (!strcmp(suite, "boot"))
		run_boot_suite(bi);
	if (!strcmp(suite, "fault"))
		run_fault_suite();
	pr_err("unknown test suite \"%s\"\n", suite);
	arch_test_exit(HV_TEST_EXIT_FAIL);
}
