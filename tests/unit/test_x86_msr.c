/* SOURCES: arch/x86/svm/nested_msr.c arch/x86/svm/regs.c lib/errno.c lib/string.c arch/x86/svm/pvclock.c arch/x86/svm/cpuid.c core/ratelimit.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/cpu.h>
#include <asm/pvclock.h>
#include <asm/svm.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <string.h>

/* The table itself is static: the test reads its order and ranges. */
#include "../../arch/x86/svm/msr.c"

/*
 * The MSR rows of arch/x86/svm/msr.c, one test per row: what reads back,
 * which values #GP, what the reset state is; then the dispatcher (sorted
 * table, unknown MSRs #GP and logged once) and RDMSR/WRMSR/RDPMC as
 * exits (RIP, EDX:EAX, the injected #GP).
 */

struct svm_caps svm_caps = { .svm = true, .npt = true, .gpa_bits = 40, .tsc_aux = true };

static struct vmcb vmcb;
static struct vm vm = { .name = "msrvm" };
static struct vcpu vcpu = { .vm = &vm };
static struct svm_vm svm;
static struct svm_vcpu sv;
static u32 hw_tsc_aux;
static unsigned int tsc_aux_loads;

void svm_load_tsc_aux(u32 val)
{
	hw_tsc_aux = val;
	tsc_aux_loads++;
}

/* The console: the test counts the lines about unknown MSRs. */
static unsigned int warnings;
static u64 clock_ns;

/* The rate limit's clock: moved by hand. */
u64 arch_time_ns(void)
{
	return clock_ns;
}

int printk(const char *fmt, ...)
{
	warnings++;
	return 0;
}

/* Guest RAM is 1 MiB at 0 for VM_HSAVE_PA. */
void *vm_gpa_to_hva(const struct vm *v, u64 gpa, u64 size)
{
	static u8 ram[1 << 20];

	return gpa + size <= sizeof(ram) ? ram + gpa : NULL;
}

/* The exception the exit raises, in EVENTINJ's format (event.c's encoding). */
void svm_inject_exception(struct svm_vcpu *s, u8 vector, bool has_error, u32 error)
{
	s->pending_event = vector | EVTINJ_TYPE_EXEPT | EVTINJ_VALID |
			   (has_error ? EVTINJ_VALID_ERR | (u64)error << EVTINJ_ERR_SHIFT : 0);
}

/*
 * The local APIC's rows lead to vlapic.c (tested in test_x86_vlapic.c):
 * here only that each MSR reaches the right entry point, with its number.
 */
static u32 lapic_calls, lapic_msr;

u64 vlapic_base_read(const struct vlapic *a)
{
	lapic_calls++;
	return 0xfee00900ULL;
}

int vlapic_base_write(struct vlapic *a, u64 val)
{
	lapic_calls++;
	return val == 0xfee00900ULL ? 0 : -EINVAL;
}

int vlapic_msr_read(struct vlapic *a, u32 msr, u64 *val)
{
	lapic_msr = msr;
	*val = msr;
	return 0;
}

int vlapic_msr_write(struct vlapic *a, u32 msr, u64 val)
{
	lapic_msr = msr;
	return val == msr ? 0 : -EINVAL;
}

static u64 deadline;

u64 vlapic_tsc_deadline_read(const struct vlapic *a)
{
	return deadline;
}

void vlapic_tsc_deadline_write(struct vlapic *a, u64 d, u64 tsc_now, u64 hz)
{
	assert_true(hz == 2000000000ULL);
	deadline = d;
}

static u64 host_tsc_hz = 2000000000ULL;

u64 tsc_hz(void)
{
	return host_tsc_hz;
}

/* The RTC's date for kvmclock's wall clock: 2025-01-01 00:00:00 and 0.25 s. */
#define WALL_NS		(1735689600ULL * 1000000000ULL + 250000000ULL)

u64 vplat_wall_ns(struct vplatform *p)
{
	return WALL_NS;
}

/* A host with every feature: the CPUID model decides what the guest gets (EFER's bits). */
static void all_ones_host(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
}

static int setup(void **state)
{
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&svm, 0, sizeof(svm));
	sv = (struct svm_vcpu){ .vmcb = &vmcb, .vcpu = &vcpu, .svm = &svm };
	svm_caps.tsc_aux = true;
	svm_caps.gpa_bits = 40;
	vmcb.save.cr0 = X86_CR0_PE | X86_CR0_PG;
	vmcb.save.efer = EFER_LME | EFER_LMA | EFER_SVME;
	vmcb.save.cs.attrib = SEG_ATTR_L;
	hw_tsc_aux = 0xdead;
	warnings = 0;
	host_tsc_hz = 2000000000ULL;
	tsc_aux_loads = 0;
	svm_msr_reset(&sv);
	cpuid_cache_fill(&sv.cpuid, &(struct cpuid_guest){ .phys_bits = 40 }, all_ones_host);
	return 0;
}

static u64 rd(u32 msr)
{
	u64 v = 0xbad;

	assert_int_equal(svm_msr_read(&sv, msr, &v), 0);
	return v;
}

static void wr_ok(u32 msr, u64 v)
{
	assert_int_equal(svm_msr_write(&sv, msr, v), 0);
	assert_true(rd(msr) == v);
}

static void wr_gp(u32 msr, u64 v)
{
	u64 before = 0;
	int had = svm_msr_read(&sv, msr, &before);

	assert_int_equal(svm_msr_write(&sv, msr, v), -EINVAL);
	if (!had)
		assert_true(rd(msr) == before);
}

/* ---- the table ---- */

static void test_table_sorted_and_disjoint(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msr_table); i++) {
		assert_true(msr_table[i].first <= msr_table[i].last);
		assert_non_null(msr_table[i].read);
		assert_non_null(msr_table[i].write);
		if (i)
			assert_true(msr_table[i - 1].last < msr_table[i].first);
		/* Every number of every row is found, and found in its own row. */
		assert_ptr_equal(find_msr(msr_table[i].first), &msr_table[i]);
		assert_ptr_equal(find_msr(msr_table[i].last), &msr_table[i]);
	}
}

/* Unknown MSRs #GP both ways, and the VM records each number once. */
static void test_unknown_gp_logged_once(void **state)
{
	static const u32 unknown[] = {
		0x0, 0x8b, 0x1df, 0x48, 0x3a, 0xc0010200, 0xc001020b, 0xc0010140, 0xffffffff,
	};
	unsigned int i, used = 0;
	u64 v;

	clock_ns += 60ULL * 1000000000ULL;	/* a fresh rate-limit window */
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_int_equal(svm_msr_read(&sv, unknown[i], &v), -EINVAL);
		assert_int_equal(svm_msr_write(&sv, unknown[i], 0), -EINVAL);
		assert_int_equal(warnings, i + 1);
	}
	for (i = 0; i < SVM_MSR_LOGGED; i++)
		used += svm.msr_logged[i] != 0;
	assert_int_equal(used, ARRAY_SIZE(unknown));
	assert_false(first_sighting(&svm, 0x8b));
	assert_true(first_sighting(&svm, 0x8c));
}

/* A sweep of the MSR space: at most a burst of lines per window, the rest suppressed. */
static void test_unknown_sweep_rate_limited(void **state)
{
	u32 msr;
	u64 v;

	clock_ns += 60ULL * 1000000000ULL;
	for (msr = 0x40000000; msr < 0x40001000; msr++)
		assert_int_equal(svm_msr_read(&sv, msr, &v), -EINVAL);
	assert_int_equal(warnings, RATELIMIT_BURST);
}

/* ---- one test per row ---- */

static void test_row_tsc(void **state)
{
	u64 t;

	wr_gp(0, 0);	/* keep wr_gp's helpers honest: MSR 0 is not a row */
	assert_int_equal(svm_msr_write(&sv, MSR_TSC, 1ULL << 40), 0);
	t = rd(MSR_TSC);
	assert_true(t >= 1ULL << 40 && t < (1ULL << 40) + (1ULL << 38));
}

static void test_row_apic_base(void **state)
{
	lapic_calls = 0;
	assert_true(rd(MSR_APIC_BASE) == 0xfee00900ULL);
	wr_ok(MSR_APIC_BASE, 0xfee00900ULL);
	wr_gp(MSR_APIC_BASE, 0xfee00000ULL);
	assert_int_equal(lapic_calls, 6);
}

static void test_row_tsc_deadline(void **state)
{
	wr_ok(MSR_TSC_DEADLINE, 123456789);
}

static void test_row_x2apic_range(void **state)
{
	u32 msr;

	for (msr = 0x800; msr <= 0x8ff; msr++) {
		assert_true(rd(msr) == msr);
		assert_int_equal(lapic_msr, msr);
		wr_ok(msr, msr);
		wr_gp(msr, 0);
	}
	assert_int_equal(svm_msr_read(&sv, 0x7ff, &(u64){ 0 }), -EINVAL);
	assert_int_equal(svm_msr_read(&sv, 0x900, &(u64){ 0 }), -EINVAL);
}

static void test_row_mtrr_cap(void **state)
{
	assert_true(rd(MSR_MTRR_CAP) == 0x508);	/* 8 variable, fixed, WC */
	wr_gp(MSR_MTRR_CAP, 0x508);
}

static void test_row_mtrr_def_type(void **state)
{
	/* Reset as firmware leaves it: enabled, write-back (Linux keeps PAT on). */
	assert_true(rd(MSR_MTRR_DEF_TYPE) == (BIT(11) | 6));
	wr_ok(MSR_MTRR_DEF_TYPE, BIT(11) | BIT(10) | 0);
	wr_ok(MSR_MTRR_DEF_TYPE, 1);
	wr_ok(MSR_MTRR_DEF_TYPE, BIT(11) | 4);
	wr_gp(MSR_MTRR_DEF_TYPE, 2);			/* reserved types */
	wr_gp(MSR_MTRR_DEF_TYPE, 7);
	wr_gp(MSR_MTRR_DEF_TYPE, BIT(11) | BIT(9) | 6);	/* reserved bits */
	wr_gp(MSR_MTRR_DEF_TYPE, BIT(32) | 6);
}

static void test_row_mtrr_variable(void **state)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		assert_true(rd(MSR_MTRR_PHYS_BASE0 + i) == 0);	/* every range invalid */
	wr_ok(MSR_MTRR_PHYS_BASE0, 0x80000000ULL | 0);
	wr_ok(MSR_MTRR_PHYS_BASE0 + 1, 0xff80000000ULL | BIT(11));
	wr_ok(MSR_MTRR_PHYS_BASE0 + 14, 0x100000000ULL | 6);
	wr_ok(MSR_MTRR_PHYS_BASE0 + 15, 0xff00000000ULL | BIT(11));
	assert_true(rd(MSR_MTRR_PHYS_BASE0) == 0x80000000ULL);	/* each its own */
	wr_gp(MSR_MTRR_PHYS_BASE0 + 2, 0x1000 | 3);		/* reserved type */
	wr_gp(MSR_MTRR_PHYS_BASE0 + 2, 0x1000 | BIT(8) | 6);	/* bits 11:8 */
	wr_gp(MSR_MTRR_PHYS_BASE0 + 2, BIT(40) | 6);		/* beyond 40 bits */
	wr_gp(MSR_MTRR_PHYS_BASE0 + 3, BIT(11) | BIT(3));	/* mask bits 10:0 */
	wr_gp(MSR_MTRR_PHYS_BASE0 + 3, BIT(45) | BIT(11));
	svm_caps.gpa_bits = 48;
	wr_ok(MSR_MTRR_PHYS_BASE0 + 3, BIT(45) | BIT(11));
}

static void test_row_mtrr_fixed(void **state)
{
	static const u32 fixed[] = {
		0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		assert_true(rd(fixed[i]) == 0x0606060606060606ULL);
		wr_ok(fixed[i], 0x0001040506000000ULL | (i & 1) << 8);
		wr_gp(fixed[i], 0x0200000000000000ULL);	/* type 2 in the top byte */
		wr_gp(fixed[i], 0x18);			/* AMD's RdMem/WrMem: not offered */
	}
	/* Eleven separate registers. */
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		assert_true(rd(fixed[i]) == (0x0001040506000000ULL | (i & 1) << 8));
	assert_int_equal(svm_msr_read(&sv, 0x251, &(u64){ 0 }), -EINVAL);
	assert_int_equal(svm_msr_read(&sv, 0x267, &(u64){ 0 }), -EINVAL);
}

static void test_row_debugctl(void **state)
{
	assert_true(rd(MSR_DEBUGCTL) == 0);
	wr_ok(MSR_DEBUGCTL, BIT(1));		/* BTF, as Linux's blockstep sets it */
	wr_ok(MSR_DEBUGCTL, 0x3f);
	wr_gp(MSR_DEBUGCTL, BIT(6));
	wr_gp(MSR_DEBUGCTL, BIT(63));
	/* In the VMCB that runs, where nested LBR virtualization switches it. */
	assert_true(vmcb.save.dbgctl == 0x3f);
}

/* The LBR records: read from the VMCB that runs, read-only (#GP on WRMSR). */
static void test_rows_lbr_records(void **state)
{
	vmcb.save.br_from = 0x1111;
	vmcb.save.br_to = 0x2222;
	vmcb.save.last_excp_from = 0x3333;
	vmcb.save.last_excp_to = 0x4444;
	assert_true(rd(MSR_LAST_BRANCH_FROM_IP) == 0x1111);
	assert_true(rd(MSR_LAST_BRANCH_TO_IP) == 0x2222);
	assert_true(rd(MSR_LAST_INT_FROM_IP) == 0x3333);
	assert_true(rd(MSR_LAST_INT_TO_IP) == 0x4444);
	wr_gp(MSR_LAST_BRANCH_FROM_IP, 0);
	wr_gp(MSR_LAST_BRANCH_TO_IP, 0);
	wr_gp(MSR_LAST_INT_FROM_IP, 0);
	wr_gp(MSR_LAST_INT_TO_IP, 0);
}

static void test_row_pat(void **state)
{
	vmcb.save.g_pat = 0x0007040600070406ULL;
	assert_true(rd(MSR_PAT) == 0x0007040600070406ULL);
	wr_ok(MSR_PAT, 0x0105040600070406ULL);
	wr_gp(MSR_PAT, 0x0007040600070402ULL);
	wr_gp(MSR_PAT, 0x0807040600070406ULL);
}

static void test_row_efer(void **state)
{
	assert_true(rd(MSR_EFER) == (EFER_LME | EFER_LMA));	/* SVME hidden */
	assert_int_equal(svm_msr_write(&sv, MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE), 0);
	assert_true(vmcb.save.efer & EFER_SVME);
	wr_gp(MSR_EFER, EFER_LMA);			/* LME off with paging on */
	wr_gp(MSR_EFER, EFER_LME | BIT(5));
}

static void test_row_tsc_aux(void **state)
{
	svm_msr_load(&sv);
	assert_int_equal(hw_tsc_aux, 0);		/* power-on: 0 goes into the CPU */
	wr_ok(MSR_TSC_AUX, 0x12345678);
	assert_int_equal(hw_tsc_aux, 0x12345678);
	wr_gp(MSR_TSC_AUX, BIT(32));
	assert_int_equal(hw_tsc_aux, 0x12345678);
	/* A host without RDTSCP/RDPID has no TSC_AUX: the CPUID model hides both. */
	svm_caps.tsc_aux = false;
	tsc_aux_loads = 0;
	svm_msr_load(&sv);
	assert_int_equal(tsc_aux_loads, 0);
	assert_int_equal(svm_msr_read(&sv, MSR_TSC_AUX, &(u64){ 0 }), -EINVAL);
	assert_int_equal(svm_msr_write(&sv, MSR_TSC_AUX, 0), -EINVAL);
}

static void test_row_perf_ctl(void **state)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		assert_true(rd(MSR_K7_PERF_CTL0 + i) == 0);
		/* Linux's NMI watchdog: cycles, OS+USR, INT, EN. */
		wr_ok(MSR_K7_PERF_CTL0 + i, 0x530076 + i);
		/* Host/GuestOnly, EventSelect[11:8] */
		wr_ok(MSR_K7_PERF_CTL0 + i, 0x30000530076ULL);
		wr_gp(MSR_K7_PERF_CTL0 + i, BIT(19));
		wr_gp(MSR_K7_PERF_CTL0 + i, BIT(21));
		wr_gp(MSR_K7_PERF_CTL0 + i, BIT(36));
		wr_gp(MSR_K7_PERF_CTL0 + i, BIT(42));
	}
}

static void test_row_perf_ctr(void **state)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		/* Linux's probe: read, flip the low 16 bits, read back the same. */
		u64 v = rd(MSR_K7_PERF_CTR0 + i) ^ 0xffff;

		wr_ok(MSR_K7_PERF_CTR0 + i, v);
		wr_ok(MSR_K7_PERF_CTR0 + i, 0xffffffffffffULL - i);
		wr_gp(MSR_K7_PERF_CTR0 + i, BIT(48));
	}
	/* Enabled, they still do not count. */
	wr_ok(MSR_K7_PERF_CTL0, 0x530076);
	assert_true(rd(MSR_K7_PERF_CTR0) == 0xffffffffffffULL);
}

static void test_row_syscfg(void **state)
{
	assert_true(rd(MSR_SYSCFG) == 0);
	wr_ok(MSR_SYSCFG, 0);
	wr_gp(MSR_SYSCFG, BIT(19));	/* MtrrFixDramModEn */
	wr_gp(MSR_SYSCFG, BIT(23));	/* SMEE */
}

static void test_row_hwcr(void **state)
{
	assert_true(rd(MSR_HWCR) == BIT(24));	/* TscFreqSel: Linux warns without it */
	wr_ok(MSR_HWCR, BIT(24) | BIT(6));	/* FFDIS, as Linux sets it on K8 */
	wr_ok(MSR_HWCR, BIT(24) | BIT(3) | BIT(8));
	/* TscFreqSel ignores writes, as on AMD CPUs: clearing it leaves it set. */
	assert_int_equal(svm_msr_write(&sv, MSR_HWCR, 0), 0);
	assert_true(rd(MSR_HWCR) == BIT(24));
	wr_gp(MSR_HWCR, BIT(24) | BIT(30));	/* IRPERF: not offered */
	wr_gp(MSR_HWCR, BIT(24) | BIT(18));
}

static void test_row_vm_cr_hsave(void **state)
{
	assert_int_equal(svm_msr_read(&sv, MSR_VM_CR, &(u64){ 0 }), -EINVAL);
	assert_int_equal(svm_msr_read(&sv, MSR_VM_HSAVE_PA, &(u64){ 0 }), -EINVAL);
	sv.nested.offered = true;
	assert_int_equal(svm_msr_read(&sv, MSR_VM_CR, &(u64){ 0 }), 0);
	wr_ok(MSR_VM_HSAVE_PA, 0x10000);
	wr_gp(MSR_VM_HSAVE_PA, 0x10010);
}

/* ---- kvmclock (pvclock.c) ---- */

/* What Linux's pvclock_tsc_khz() makes of the scale. */
static u64 linux_tsc_khz(u32 mul, s8 shift)
{
	u64 khz = (1000000ULL << 32) / mul;

	return shift < 0 ? khz << -shift : khz >> shift;
}

static void test_pvclock_scale(void **state)
{
	static const u64 rates[] = { 3579545, 800000000, 1000000000, 2100000000, 3999999999,
				     5000000000ULL };
	unsigned int i;
	u32 mul;
	s8 shift;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		u64 khz;

		pvclock_scale(rates[i], &mul, &shift);
		assert_true(mul >= 0x80000000u);
		khz = linux_tsc_khz(mul, shift);
		assert_true(khz + 1 >= rates[i] / 1000 && khz <= rates[i] / 1000 + 1);
		/* One second of ticks is one second, to a ns per tick of rounding at worst. */
		assert_true(pvclock_ns(rates[i], mul, shift) + 2 >= 1000000000ULL &&
			    pvclock_ns(rates[i], mul, shift) <= 1000000000ULL);
	}
}

static void test_row_kvm_system_time(void **state)
{
	struct pvclock_vcpu_time_info *t;
	u64 gpa = 0x2000;
	u32 mul;
	s8 shift;

	t = vm_gpa_to_hva(&vm, gpa, sizeof(*t));
	memset(t, 0, sizeof(*t));
	assert_true(rd(MSR_KVM_SYSTEM_TIME_NEW) == 0);
	vmcb.control.tsc_offset = 12345;
	wr_ok(MSR_KVM_SYSTEM_TIME_NEW, gpa | 1);
	assert_int_equal(t->version, 2);			/* written once, even */
	assert_int_equal(t->flags, PVCLOCK_TSC_STABLE_BIT);
	pvclock_scale(host_tsc_hz, &mul, &shift);
	assert_int_equal(t->tsc_to_system_mul, mul);
	assert_int_equal(t->tsc_shift, shift);
	/* The guest's TSC: the host's plus the offset; the time: the host's TSC scaled. */
	assert_true(t->tsc_timestamp - 12345 <= rdtsc());
	assert_true(t->system_time == pvclock_ns(t->tsc_timestamp - 12345, mul, shift));
	/* A TSC write moves the stamp, not the time. */
	assert_int_equal(svm_msr_write(&sv, MSR_TSC, 1ULL << 50), 0);
	assert_int_equal(t->version, 4);
	assert_true(t->tsc_timestamp >= 1ULL << 50);
	assert_true(t->system_time == pvclock_ns(t->tsc_timestamp - vmcb.control.tsc_offset,
						 mul, shift));
	/* Disabled: the structure is left alone. */
	wr_ok(MSR_KVM_SYSTEM_TIME_NEW, gpa);
	assert_int_equal(svm_msr_write(&sv, MSR_TSC, 0), 0);
	assert_int_equal(t->version, 4);
	wr_gp(MSR_KVM_SYSTEM_TIME_NEW, 0x2002 | 1);		/* misaligned */
	wr_gp(MSR_KVM_SYSTEM_TIME_NEW, (1ULL << 20) | 1);	/* not RAM */
	assert_int_equal(svm_msr_read(&sv, 0x12, &(u64){ 0 }), -EINVAL);	/* the old MSR */
}

static void test_row_kvm_wall_clock(void **state)
{
	struct pvclock_wall_clock *w = vm_gpa_to_hva(&vm, 0x3000, sizeof(*w));
	u64 boot, clock_now;
	u32 mul;
	s8 shift;

	memset(w, 0, sizeof(*w));
	wr_ok(MSR_KVM_WALL_CLOCK_NEW, 0x3000);
	pvclock_scale(host_tsc_hz, &mul, &shift);
	clock_now = pvclock_ns(rdtsc(), mul, shift);
	assert_int_equal(w->version, 2);
	boot = w->sec * 1000000000ULL + w->nsec;
	/* Wall at kvmclock 0, plus the kvmclock now, is the RTC's date (to the test's run time). */
	assert_true(boot + clock_now >= WALL_NS && boot + clock_now < WALL_NS + 1000000000ULL);
	assert_true(w->nsec < 1000000000u);
	wr_gp(MSR_KVM_WALL_CLOCK_NEW, 0x3001);
	wr_gp(MSR_KVM_WALL_CLOCK_NEW, 1ULL << 20);
}

/* ---- the exits ---- */

static void test_rdmsr_wrmsr_exits(void **state)
{
	vmcb.save.rip = 0x1000;
	sv.gprs[GPR_RCX] = MSR_K7_PERF_CTL0 + 2;
	sv.gprs[GPR_RDX] = 0x100;
	vmcb.save.rax = 0xffffffff00530076ULL;	/* WRMSR takes EAX only */
	vmcb.control.exit_info_1 = 1;
	assert_int_equal(svm_exit_msr(&sv), VCPU_RESUME);
	assert_true(vmcb.save.rip == 0x1002);
	assert_true(sv.msrs.perf_ctl[2] == 0x10000530076ULL);
	vmcb.control.exit_info_1 = 0;
	vmcb.save.rax = ~0ULL;
	sv.gprs[GPR_RDX] = ~0ULL;
	assert_int_equal(svm_exit_msr(&sv), VCPU_RESUME);
	assert_true(vmcb.save.rax == 0x530076 && sv.gprs[GPR_RDX] == 0x100);
	assert_true(vmcb.save.rip == 0x1004);
	assert_true(sv.pending_event == 0);
	/* A refused write: #GP(0), RIP stays. */
	sv.gprs[GPR_RDX] = 0x400;
	vmcb.control.exit_info_1 = 1;
	assert_int_equal(svm_exit_msr(&sv), VCPU_RESUME);
	assert_true(vmcb.save.rip == 0x1004);
	assert_true(sv.pending_event == (13 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID | EVTINJ_VALID_ERR));
}

static void test_rdpmc(void **state)
{
	sv.msrs.perf_ctr[3] = 0xabcd12345678ULL;
	vmcb.save.rip = 0x2000;
	sv.gprs[GPR_RCX] = 3;
	assert_int_equal(svm_exit_rdpmc(&sv), VCPU_RESUME);
	assert_true(vmcb.save.rax == 0x12345678 && sv.gprs[GPR_RDX] == 0xabcd);
	assert_true(vmcb.save.rip == 0x2002 && !sv.pending_event);
	/* No fifth counter without PerfCtrExtCore. */
	sv.gprs[GPR_RCX] = 4;
	assert_int_equal(svm_exit_rdpmc(&sv), VCPU_RESUME);
	assert_true(vmcb.save.rip == 0x2002 && sv.pending_event);
	/* User mode needs CR4.PCE. */
	sv.pending_event = 0;
	sv.gprs[GPR_RCX] = 0;
	vmcb.save.cpl = 3;
	assert_int_equal(svm_exit_rdpmc(&sv), VCPU_RESUME);
	assert_true(sv.pending_event);
	sv.pending_event = 0;
	vmcb.save.cr4 |= BIT(8);
	assert_int_equal(svm_exit_rdpmc(&sv), VCPU_RESUME);
	assert_true(!sv.pending_event && vmcb.save.rip == 0x2004);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_table_sorted_and_disjoint),
		T(test_unknown_gp_logged_once),
		T(test_unknown_sweep_rate_limited),
		T(test_row_tsc),
		T(test_row_apic_base),
		T(test_row_tsc_deadline),
		T(test_row_x2apic_range),
		T(test_row_mtrr_cap),
		T(test_row_mtrr_def_type),
		T(test_row_mtrr_variable),
		T(test_row_mtrr_fixed),
		T(test_row_debugctl),
		T(test_rows_lbr_records),
		T(test_row_pat),
		T(test_row_efer),
		T(test_row_tsc_aux),
		T(test_row_perf_ctl),
		T(test_row_perf_ctr),
		T(test_row_syscfg),
		T(test_row_hwcr),
		T(test_row_vm_cr_hsave),
		T(test_pvclock_scale),
		T(test_row_kvm_system_time),
		T(test_row_kvm_wall_clock),
		T(test_rdmsr_wrmsr_exits),
		T(test_rdpmc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
