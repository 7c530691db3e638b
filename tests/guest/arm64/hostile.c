/*
 * The arm64 half of the hostile-guest matrix: one misbehaviour per VM,
 * chosen by /chosen/bootargs, each VM beside a well-behaved one that
 * must end as expected (tests/guest/arm64/configs/hostile.dts). Each
 * case checks from the inside that every answer was an architectural
 * one (a value, RAZ/WI, UNDEF, NOT_SUPPORTED) and leaves through
 * debug-exit: the hypervisor and the neighbour go on through all of it.
 */
#include <guest/guest.h>
#include <lib/string.h>

#define NR_VCPUS	3
#define GICD		0x08000000ULL
#define GICD_SIZE	0x10000ULL
#define GICR		0x080a0000ULL
#define GICR_STRIDE	0x20000ULL
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_PIDR2	0xffe8
#define GICR_TYPER	0x0008
#define ESR_EC(esr)	((esr) >> 26)
#define EC_UNKNOWN	0x00
#define SGI_FLOOD	3
#define TIMER_PPI	27
#define RET(v)		((u64)(s64)(v))
#define SMCCC_NOT_SUPPORTED	RET(-1)
#define PSCI_INVALID_PARAMS	RET(-2)
#define PSCI_ALREADY_ON		RET(-4)
#define PSCI_INVALID_ADDRESS	RET(-9)

/*
 * Reads of every 32-bit word of the distributor and of this vCPU's
 * redistributor (both frames), 64-bit reads of every aligned doubleword
 * and byte reads of the first 4 KiB; then every distributor word
 * written with 0 and with ones. The identification registers still read
 * what a GICv3 says, and the sweep ends.
 */
static void gic_sweep(void)
{
	u64 off, n = 0, rd = GICR;

	for (off = 0; off < GICD_SIZE; off += 4, n++)
		(void)mmio_read32(GICD + off);
	for (off = 0; off < GICD_SIZE; off += 8, n++)
		(void)mmio_read64(GICD + off);
	for (off = 0; off < 0x1000; off++, n++)
		(void)mmio_read8(GICD + off);
	for (off = 0; off < GICR_STRIDE; off += 4, n++)
		(void)mmio_read32(rd + off);
	ok(n > 40000, "%llu reads of the distributor and redistributor answered", n);
	for (off = 0; off < GICD_SIZE; off += 4) {
		mmio_write32(GICD + off, 0);
		mmio_write32(GICD + off, ~0u);
	}
	ok(((mmio_read32(GICD + GICD_PIDR2) >> 4) & 0xf) == 3,
	   "GICD_PIDR2 still says GICv3 after every word was written");
	ok(mmio_read64(rd + GICR_TYPER) >> 32 == 0, "GICR_TYPER: affinity 0 (vCPU 0)");
}

static volatile u32 sgis_seen[NR_VCPUS];
static volatile u32 flood_go, flood_done;

static void count_sgi(u32 intid)
{
	u64 cpu = read_sysreg(mpidr_el1) & 0xff;

	if (intid == SGI_FLOOD && cpu < NR_VCPUS)
		__atomic_fetch_add(&sgis_seen[cpu], 1, __ATOMIC_RELAXED);
}

/* 2,000 SGIs to every other vCPU, as fast as the trap allows. */
static void flood(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < 2000; i++)
		gic_send_sgi_others(SGI_FLOOD);
	__atomic_fetch_add(&flood_done, 1, __ATOMIC_RELEASE);
}

void guest_secondary(u64 cpu)
{
	gic_init_cpu((unsigned int)cpu);
	gic_enable_irq(SGI_FLOOD, (unsigned int)cpu);
	local_irq_enable();
	while (!__atomic_load_n(&flood_go, __ATOMIC_ACQUIRE))
		;
	flood((unsigned int)cpu);
	while (__atomic_load_n(&flood_done, __ATOMIC_ACQUIRE) < NR_VCPUS)
		;
	local_irq_disable();
}

static void sgi_flood(void)
{
	unsigned int cpu, started = 0;
	u64 t0;
	bool all = true;

	gic_init_dist();
	gic_init_cpu(0);
	gic_enable_irq(SGI_FLOOD, 0);
	guest_irq_handler = count_sgi;
	for (cpu = 1; cpu < NR_VCPUS; cpu++)
		started += start_secondary(cpu) == 0;
	local_irq_enable();
	__atomic_store_n(&flood_go, 1, __ATOMIC_RELEASE);
	flood(0);
	for (t0 = counter(); __atomic_load_n(&flood_done, __ATOMIC_ACQUIRE) < NR_VCPUS &&
	     counter() - t0 < 60 * read_sysreg(cntfrq_el0);)
		;
	local_irq_disable();
	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		all = all && sgis_seen[cpu] > 0;
	ok(started == NR_VCPUS - 1 && flood_done == NR_VCPUS,
	   "%u vCPUs each sent 2,000 SGIs to all the others", flood_done);
	ok(all, "every vCPU took SGIs through the flood (%u %u %u; pending ones merge)",
	   sgis_seen[0], sgis_seen[1], sgis_seen[2]);
}

static volatile u32 timer_irqs;

/* Re-armed with a deadline already past: pending again the moment it is taken. */
static void timer_storm_handler(u32 intid)
{
	if (intid != TIMER_PPI)
		return;
	if (++timer_irqs < 10000) {
		write_sysreg(0, cntv_tval_el0);
	} else {
		write_sysreg(0, cntv_ctl_el0);
	}
}

/*
 * Deadlines so far away that CVAL plus any CNTVOFF would pass 2^64, left
 * enabled long enough for the emulator's own timer to run: QEMU before
 * 8.2 (its issue #60) computes the next tick as CVAL + CNTVOFF without
 * the overflow, finds it in the past and fires its timer again forever,
 * which hung the whole machine while this VM ran with an offset.
 */
static bool far_deadlines_never_fire(void)
{
	static const u64 cvals[] = { ~0ULL, ~0ULL - (1ULL << 32), 1ULL << 63 };
	u64 freq = read_sysreg(cntfrq_el0), t0;
	bool fired = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cvals); i++) {
		write_sysreg(cvals[i], cntv_cval_el0);
		write_sysreg(1, cntv_ctl_el0);
		for (t0 = counter(); counter() - t0 < freq / 50;)
			fired = fired || (read_sysreg(cntv_ctl_el0) & 4);
		write_sysreg(0, cntv_ctl_el0);
	}
	return !fired;
}

static void timer_zero(void)
{
	u64 t0;

	gic_init_dist();
	gic_init_cpu(0);
	gic_enable_irq(TIMER_PPI, 0);
	guest_irq_handler = timer_storm_handler;
	write_sysreg(0, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	local_irq_enable();
	for (t0 = counter(); timer_irqs < 10000 &&
	     counter() - t0 < 60 * read_sysreg(cntfrq_el0);)
		;
	local_irq_disable();
	ok(timer_irqs == 10000, "a timer re-armed at 0 in its handler: %u interrupts, then off",
	   timer_irqs);
	ok(far_deadlines_never_fire(), "deadlines at 2^64 - 1, - 2^32 and 2^63, enabled for "
	   "20 ms each, never fire");
}

/*
 * HVC and SMC with a function ID of every SMCCC class: fast and
 * yielding, 32 and 64 bits, every owning entity, the first, second and
 * last function numbers. Only PSCI and the hypervisor's own range are
 * offered; everything else must say NOT_SUPPORTED, and x1-x3 come back
 * as they went (SMCCC leaves them to the callee only for the services it
 * implements).
 */
static void smccc_classes(void)
{
	static const u32 numbers[] = { 0x0, 0x1, 0xffff };
	u32 owner, type, i, odd = 0, calls = 0;

	for (type = 0; type < 4; type++) {
		for (owner = 0; owner < 64; owner++) {
			for (i = 0; i < ARRAY_SIZE(numbers); i++) {
				u32 fn = (type & 2 ? BIT(31) : 0) | (type & 1 ? BIT(30) : 0) |
					 owner << 24 | numbers[i];
				u64 h, s;

				/* PSCI and the hypervisor's calls have suites of their own. */
				if (owner == 4 || owner == 6)
					continue;
				h = hvc(fn, 0, 0, 0);
				s = smc(fn, 0, 0, 0);
				calls += 2;
				if (h != SMCCC_NOT_SUPPORTED || s != SMCCC_NOT_SUPPORTED)
					odd++;
			}
		}
	}
	ok(odd == 0, "%u HVCs and SMCs outside PSCI and the hypervisor's range: NOT_SUPPORTED "
	   "(%u others)", calls, odd);
	ok(hvc(PSCI_FEATURES, 0x12345678, 0, 0) == SMCCC_NOT_SUPPORTED,
	   "PSCI FEATURES of an unknown function: NOT_SUPPORTED");
}

/* vCPU 1 exists (the VM has two) and stays off: every call below must be refused. */
static void psci_bad(void)
{
	u64 entry = (u64)(uintptr_t)guest_secondary;

	ok(hvc(PSCI_CPU_ON, 0xff, entry, 0) == PSCI_INVALID_PARAMS,
	   "CPU_ON of an MPIDR the VM does not have: INVALID_PARAMETERS");
	ok(hvc(PSCI_CPU_ON, 1ULL << 40, entry, 0) == PSCI_INVALID_PARAMS,
	   "CPU_ON with Aff3 set: INVALID_PARAMETERS");
	ok(hvc(PSCI_CPU_ON, 1, GUEST_NOWHERE, 0) == PSCI_INVALID_ADDRESS,
	   "CPU_ON with an entry outside RAM: INVALID_ADDRESS");
	ok(hvc(PSCI_CPU_ON, 1, ~0ULL, 0) == PSCI_INVALID_ADDRESS,
	   "CPU_ON with an entry at 2^64 - 1: INVALID_ADDRESS");
	ok(hvc(PSCI_CPU_ON, 0, entry, 0) == PSCI_ALREADY_ON, "CPU_ON of itself: ALREADY_ON");
	ok(hvc(PSCI_AFFINITY_INFO, 0, 3, 0) == PSCI_INVALID_PARAMS,
	   "AFFINITY_INFO with a lowest level of 3: INVALID_PARAMETERS");
	ok(hvc(PSCI_AFFINITY_INFO, 0x7f, 0, 0) == PSCI_INVALID_PARAMS,
	   "AFFINITY_INFO of an absent vCPU: INVALID_PARAMETERS");
	ok(hvc(PSCI_AFFINITY_INFO, 1, 0, 0) == 1, "vCPU 1 stayed off through all of it");
}

/* "mrs x0, <reg>; ret" or "msr <reg>, x0; ret", run from a buffer of its own. */
static u32 code[2] __aligned(64);
static u64 sysreg_value;

static void run_mrs(void *arg)
{
	u64 (*fn)(void) = (u64 (*)(void))(uintptr_t)code;

	sysreg_value = fn();
}

static void run_msr(void *arg)
{
	__asm__ __volatile__("mov x0, %0; blr %1" : : "r"(sysreg_value), "r"(code)
			     : "x0", "x30", "memory");
}

static void load_insn(u32 insn)
{
	code[0] = insn;
	code[1] = 0xd65f03c0;	/* ret */
	__asm__ __volatile__("dc cvau, %0; dsb ish; ic ivau, %0; dsb ish; isb"
			     : : "r"(code) : "memory");
}

/*
 * The exceptions an access may take at EL1 without a hypervisor: UNDEF
 * (EC 0); the FP, SVE and SME traps of EL1's own CPACR_EL1 (EC 0x07,
 * 0x19, 0x1d); and with FEAT_IDST (ID_AA64MMFR2_EL1.IDS) EC 0x18 for the
 * ID register space (op1 0, 1 or 3, CRn 0). Anything else reached the
 * guest from the hypervisor's handling.
 */
static bool architectural(u32 enc, u64 esr)
{
	u32 op1 = enc >> 11, crn = (enc >> 7) & 15, ec = ESR_EC(esr);
	bool ids = (read_sysreg(id_aa64mmfr2_el1) >> 36) & 0xf;

	if (ec == EC_UNKNOWN || ec == 0x07 || ec == 0x19 || ec == 0x1d)
		return true;
	return ec == 0x18 && ids && crn == 0 && (op1 == 0 || op1 == 1 || op1 == 3);
}

/*
 * MRS of every op0 = 3 encoding (16,384 of them, the whole space the
 * hypervisor traps into), then MSR of what was read: each either works
 * or takes an exception EL1 could take on bare hardware, never anything
 * else, never the VM lost.
 */
static void sysreg_sweep(void)
{
	u32 enc, readable = 0, odd = 0;
	u64 esr;

	for (enc = 0; enc < 0x4000; enc++) {
		u32 sys = 0x80000 | enc << 5;	/* o0 = 1 (op0 = 3), op1:CRn:CRm:op2 */

		load_insn(0xd5300000 | sys);
		esr = expect_exception(run_mrs, NULL);
		if (esr != ~0ULL) {
			if (!architectural(enc, esr) && odd++ < 8)
				diag("MRS s3_%u_c%u_c%u_%u: ESR %#llx", enc >> 11, (enc >> 7) & 15,
				     (enc >> 3) & 15, enc & 7, esr);
			continue;
		}
		readable++;
		load_insn(0xd5100000 | sys);
		esr = expect_exception(run_msr, NULL);
		if (esr != ~0ULL && !architectural(enc, esr) && odd++ < 8)
			diag("MSR s3_%u_c%u_c%u_%u: ESR %#llx", enc >> 11, (enc >> 7) & 15,
			     (enc >> 3) & 15, enc & 7, esr);
	}
	ok(odd == 0, "16384 MRS encodings, %u readable and written back; %u exceptions "
	   "bare hardware would not give", readable, odd);
}

static const struct {
	const char *name;
	void (*run)(void);
	unsigned int tests;
} cases[] = {
	{ "gic-sweep", gic_sweep, 3 },
	{ "sgi-flood", sgi_flood, 2 },
	{ "timer-zero", timer_zero, 2 },
	{ "smccc-classes", smccc_classes, 2 },
	{ "psci-bad", psci_bad, 8 },
	{ "sysreg-sweep", sysreg_sweep, 1 },
};

int guest_main(const void *dtb)
{
	const char *name = guest_bootargs(dtb);
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
