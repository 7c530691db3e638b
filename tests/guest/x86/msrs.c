/*
 * Every row of the hypervisor's MSR table (arch/x86/svm/msr.c) from a
 * guest: what reads back, which values #GP, the reset state, RDTSCP and
 * RDPMC, unknown MSRs, and CPUID agreeing with the rows. Under the
 * hypervisor only: QEMU's own MSRs differ (it #GPs nothing).
 */
#include <guest/guest.h>

#define MSR_MTRR_CAP		0xfe
#define MSR_DEBUGCTL		0x1d9
#define MSR_MTRR_PHYS_BASE0	0x200
#define MSR_MTRR_FIX64K		0x250
#define MSR_MTRR_FIX4K_F8000	0x26f
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_TSC_AUX		0xc0000103
#define MSR_PERF_CTL0		0xc0010000
#define MSR_PERF_CTR0		0xc0010004
#define MSR_SYSCFG		0xc0010010
#define MSR_HWCR		0xc0010015
#define MSR_PERF_CTL_EXT0	0xc0010200

static bool reads(u32 msr, u64 want)
{
	u64 v = ~want;

	return rdmsr_safe(msr, &v) == NO_EXCEPTION && v == want;
}

static bool round_trip(u32 msr, u64 v)
{
	return wrmsr_safe(msr, v) == NO_EXCEPTION && reads(msr, v);
}

static bool refuses(u32 msr, u64 v)
{
	u64 before = 0;
	bool had = rdmsr_safe(msr, &before) == NO_EXCEPTION;

	return wrmsr_safe(msr, v) == GP_VECTOR && (!had || reads(msr, before));
}

static void test_tsc(void)
{
	u64 t;

	ok(wrmsr_safe(MSR_TSC, 1ULL << 42) == NO_EXCEPTION, "TSC: written");
	t = rdtsc();
	ok(t >= 1ULL << 42 && t < (1ULL << 42) + (1ULL << 40),
	   "TSC: RDTSC continues from the write");
}

static void test_mtrrs(void)
{
	ok(reads(MSR_MTRR_CAP, 0x508), "MTRRcap: 8 variable ranges, fixed, WC");
	ok(refuses(MSR_MTRR_CAP, 0), "MTRRcap: read-only");
	ok(reads(MSR_MTRR_DEF_TYPE, 0x806), "MTRRdefType: enabled, write-back at reset");
	ok(round_trip(MSR_MTRR_DEF_TYPE, 0xc00), "MTRRdefType: E, FE, UC");
	ok(refuses(MSR_MTRR_DEF_TYPE, 0x802), "MTRRdefType: type 2 #GP");
	ok(refuses(MSR_MTRR_DEF_TYPE, 0x1806), "MTRRdefType: reserved bit #GP");
	ok(round_trip(MSR_MTRR_DEF_TYPE, 0x806), "MTRRdefType: back to WB");
	ok(reads(MSR_MTRR_PHYS_BASE0 + 15, 0), "MTRR variable: invalid at reset");
	ok(round_trip(MSR_MTRR_PHYS_BASE0 + 14, 0x80000000ULL | 1), "MTRR PhysBase7: WC");
	ok(round_trip(MSR_MTRR_PHYS_BASE0 + 15, 0xff80000000ULL | BIT(11)), "MTRR PhysMask7");
	ok(refuses(MSR_MTRR_PHYS_BASE0, 0x1000 | 7), "MTRR PhysBase: UC- is not an MTRR type");
	ok(refuses(MSR_MTRR_PHYS_BASE0 + 1, BIT(11) | 1), "MTRR PhysMask: bits 10:0 reserved");
	ok(refuses(MSR_MTRR_PHYS_BASE0 + 1, BIT(63) | BIT(11)), "MTRR PhysMask: beyond MAXPHYADDR");
	ok(reads(MSR_MTRR_FIX64K, 0x0606060606060606ULL), "MTRR fix64K: WB at reset");
	ok(round_trip(MSR_MTRR_FIX4K_F8000, 0x0001040506000500ULL), "MTRR fix4K_F8000");
	ok(refuses(MSR_MTRR_FIX4K_F8000, 0x18), "MTRR fixed: RdMem/WrMem bits #GP");
	ok(rdmsr_safe(0x251, &(u64){ 0 }) == GP_VECTOR, "MTRR: 0x251 is not a fixed range");
}

static void test_debugctl_pat_efer(void)
{
	ok(reads(MSR_DEBUGCTL, 0), "DEBUGCTL: 0 at reset");
	ok(round_trip(MSR_DEBUGCTL, BIT(1)), "DEBUGCTL: BTF reads back");
	ok(refuses(MSR_DEBUGCTL, BIT(6)), "DEBUGCTL: reserved bits #GP");
	wrmsr_safe(MSR_DEBUGCTL, 0);
	ok(reads(MSR_PAT, 0x0007040600070406ULL), "PAT: the reset value");
	ok(round_trip(MSR_PAT, 0x0007010600070406ULL), "PAT: WC in entry 4");
	ok(refuses(MSR_PAT, 0x0007040600070402ULL), "PAT: type 2 #GP");
	ok(reads(MSR_EFER, rdmsr(MSR_EFER)) && (rdmsr(MSR_EFER) & BIT(10)), "EFER: LMA");
}

static u32 rdtscp_aux(void)
{
	u32 lo, hi, aux;

	__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static void test_tsc_aux(void)
{
	bool rdtscp = cpuid(0x80000001).edx & BIT(27);

	if (!rdtscp) {
		ok(rdmsr_safe(MSR_TSC_AUX, &(u64){ 0 }) == GP_VECTOR,
		   "TSC_AUX: #GP, as CPUID offers no RDTSCP");
		skip(2, "no RDTSCP on this host");
		return;
	}
	ok(reads(MSR_TSC_AUX, 0), "TSC_AUX: 0 at reset");
	ok(round_trip(MSR_TSC_AUX, 0x1234) && rdtscp_aux() == 0x1234,
	   "TSC_AUX: RDTSCP reads what was written");
	ok(refuses(MSR_TSC_AUX, BIT(32)), "TSC_AUX: bits 63:32 #GP");
}

static u64 rdpmc(u32 n)
{
	u32 lo, hi;

	__asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(n));
	return (u64)hi << 32 | lo;
}

static void test_perf_counters(void)
{
	unsigned int i;
	bool all = true;

	for (i = 0; i < 4; i++) {
		all &= reads(MSR_PERF_CTL0 + i, 0) && reads(MSR_PERF_CTR0 + i, 0);
		all &= round_trip(MSR_PERF_CTL0 + i, 0x530076);
		all &= round_trip(MSR_PERF_CTR0 + i, 0xffff0000ULL + i);
		all &= rdpmc(i) == 0xffff0000ULL + i;
		all &= refuses(MSR_PERF_CTL0 + i, BIT(21)) && refuses(MSR_PERF_CTR0 + i, BIT(48));
	}
	ok(all, "PERF_CTL0-3/CTR0-3: stored, read back by RDMSR and RDPMC, reserved bits #GP");
	for (i = 0; i < 100000; i++)
		cpu_pause();
	ok(rdpmc(0) == 0xffff0000ULL, "an enabled counter does not count");
	ok(rdmsr_safe(MSR_PERF_CTL_EXT0, &(u64){ 0 }) == GP_VECTOR &&
	   !(cpuid(0x80000001).ecx & BIT(23)), "PerfCtrExtCore: not offered, its MSRs #GP");
	for (i = 0; i < 4; i++)
		wrmsr_safe(MSR_PERF_CTL0 + i, 0);
}

static void test_syscfg_hwcr(void)
{
	ok(reads(MSR_SYSCFG, 0), "SYSCFG: 0");
	ok(refuses(MSR_SYSCFG, BIT(19)), "SYSCFG: MtrrFixDramModEn #GP");
	ok(reads(MSR_HWCR, BIT(24)), "HWCR: TscFreqSel");
	ok(round_trip(MSR_HWCR, BIT(24) | BIT(6)), "HWCR: FFDIS stored");
	ok(wrmsr_safe(MSR_HWCR, 0) == NO_EXCEPTION && reads(MSR_HWCR, BIT(24)),
	   "HWCR: TscFreqSel ignores a write of 0");
	ok(refuses(MSR_HWCR, BIT(24) | BIT(30)), "HWCR: IRPERF (not offered) #GP");
}

static void test_unknown_and_cpuid(void)
{
	static const u32 unknown[] = { 0x8b, 0x1df, 0xc0010140, 0xc0011029, 0x40000000 };
	unsigned int i;
	bool all = true;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		all &= rdmsr_safe(unknown[i], &(u64){ 0 }) == GP_VECTOR &&
		       wrmsr_safe(unknown[i], 0) == GP_VECTOR;
	ok(all, "unknown MSRs #GP both ways");
	ok((cpuid(1).edx & BIT(12)) && (cpuid(0x80000001).edx & BIT(12)), "CPUID offers MTRR");
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(40);
	if (!hv_present()) {
		skip(40, "the rows are the hypervisor's");
		return tap_done();
	}
	test_tsc();
	test_mtrrs();
	test_debugctl_pat_efer();
	test_tsc_aux();
	test_perf_counters();
	test_syscfg_hwcr();
	test_unknown_and_cpuid();
	return tap_done();
}
