/* SOURCES: arch/x86/svm/exit.c arch/x86/svm/msr.c arch/x86/svm/event.c arch/x86/svm/regs.c arch/x86/svm/io.c arch/x86/svm/mmio.c arch/x86/svm/guest_mem.c arch/x86/svm/cpuid.c arch/x86/svm/vmcb.c arch/x86/svm/nested.c arch/x86/svm/nested_intr.c arch/x86/svm/nested_nrip.c arch/x86/svm/nested_checks.c arch/x86/svm/nested_msr.c arch/x86/svm/nested_npt.c arch/x86/svm/nested_npt_walk.c arch/x86/svm/npt.c core/ratelimit.c arch/x86/decode.c arch/x86/gwalk.c core/vm.c core/vcpu.c lib/string.c lib/errno.c arch/x86/vplat/vlapic.c arch/x86/vplat/apic_bus.c arch/x86/svm/pvclock.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"
#include "fake_arch.h"
#include "fake_timer.h"

#include <asm/cpu.h>
#include <asm/cpuid_model.h>
#include <asm/gwalk.h>
#include <asm/svm.h>
#include <lib/errno.h>

/* Script steps name what matters to them, { SVM_EXIT_CPUID } included: zeros elsewhere. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/*
 * The SVM exit path end to end, minus the hardware: svm_vmrun() below
 * plays a script of exits (as the CPU would report them), and each test
 * checks what the hypervisor made of them: the run structure handed to
 * the VMM, the guest's registers and memory after the completion, and
 * the events injected at the next entry. The guest's RAM, its page
 * tables (built by svm_vmcb_boot()) and its instruction bytes are real.
 */

struct svm_caps svm_caps = {
	.svm = true, .npt = true, .nr_asids = 16, .phys_bits = 40, .gpa_bits = 40,
};

struct step {
	u32 code;
	u64 info1, info2, intinfo;
	void (*guest)(void);	/* what the guest did before this exit */
};

#define MAX_STEPS 64
static struct step script[MAX_STEPS];
static unsigned int nr_steps, next_step;
static u64 entry_event[MAX_STEPS];
static u64 entry_int_ctl[MAX_STEPS];
static u32 entry_intercepts[MAX_STEPS];
static u8 entry_tlb[MAX_STEPS];

static struct vm *vm;
static struct vcpu *vcpu;
static struct svm_vm svm;
static struct svm_vcpu sv;
static struct vmcb *vmcb;

void svm_vmrun(u64 *gprs, paddr_t vmcb_pa, paddr_t host_state_pa)
{
	struct vmcb *v = (struct vmcb *)(uintptr_t)vmcb_pa;
	struct step *s;

	assert_ptr_equal(gprs, sv.gprs);
	if (next_step == nr_steps)
		fail_msg("VMRUN number %u, but the script has %u exits", next_step + 1, nr_steps);
	entry_event[next_step] = v->control.event_inj;
	entry_int_ctl[next_step] = v->control.int_ctl;
	entry_intercepts[next_step] = v->control.intercept_misc1;
	entry_tlb[next_step] = v->control.tlb_control;
	s = &script[next_step++];
	if (s->guest)
		s->guest();
	v->control.exit_code = s->code;
	v->control.exit_code_hi = 0;
	v->control.exit_info_1 = s->info1;
	v->control.exit_info_2 = s->info2;
	v->control.exit_int_info = s->intinfo;
}

/* The host timer's interrupt, as arch/x86/timer.c reports it to the run loop. */
static volatile bool timer_fired;

volatile bool *x86_timer_fired_flag(void)
{
	return &timer_fired;
}

/* The CPU's TSC_AUX (svm.c): svm_caps.tsc_aux is false here, nothing loads it. */
void svm_load_tsc_aux(u32 val)
{
}

paddr_t svm_host_state_pa(void)
{
	return 0x1000;
}

u64 svm_gpa_limit(void)
{
	return 1ULL << 40;
}

/*
 * The platform: ports 0x20/0x21 are in-hypervisor, the 8259 answers
 * vector 0x30; a write to 0x604 powers off and one to 0xcf9 resets.
 */
static unsigned int plat_io, plat_acks, plat_syncs;
/* The RTC's date for kvmclock's wall clock (pvclock.c): 2025-01-01. */
u64 vplat_wall_ns(struct vplatform *p)
{
	return 1735689600ULL * 1000000000ULL;
}

u64 vplat_port_map[VPLAT_PORT_SPACE / 64] = {
	[0] = BIT(0x20) | BIT(0x21), [0x604 / 64] = BIT(0x604 % 64), [0xcf9 / 64] = BIT(0xcf9 % 64),
};

int vplat_io(struct vplatform *p, struct vcpu *v, u16 port, u32 size, bool in, u32 *val)
{
	if (port == 0x604 || port == 0xcf9) {
		plat_io++;
		return port == 0x604 ? VPLAT_IO_POWER_OFF : VPLAT_IO_RESET;
	}
	if (port != 0x20 && port != 0x21)
		return -ENODEV;
	plat_io++;
	if (in)
		*val = 0x5a;
	return 0;
}

u8 vplat_intr_ack(struct vplatform *p)
{
	plat_acks++;
	p->intr = 0;
	return 0x30;
}

void vplat_sync(struct vplatform *p)
{
	plat_syncs++;
	p->pit_dirty = false;
}

#define SCRIPT(...)							\
	do {								\
		const struct step s_[] = { __VA_ARGS__ };		\
		memcpy(script, s_, sizeof(s_));				\
		nr_steps = ARRAY_SIZE(s_);				\
		next_step = 0;						\
	} while (0)

#define RAM_SIZE	(16u << 20)
#define CODE		0x4000ULL
#define DATA		0x8000ULL
#define MMIO		0xfe000000ULL
#define EVT(v, type)	((u64)(v) | (type) | EVTINJ_VALID)
#define GP0		(13 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID | EVTINJ_VALID_ERR)
#define UD		(6 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID)
#define IOIO(port, bits) (((u64)(port) << IOIO_PORT_SHIFT) | (bits))

static void boot(u32 mode)
{
	const u64 args[4] = { 0 };

	svm_vmcb_init(&sv);
	assert_int_equal(svm_vmcb_boot(&sv, mode, CODE, args), 0);
}

/*
 * An in-hypervisor region (as the IOAPIC is): a 16-byte register file
 * that records every access; offset 0xff0 answers with an error, as a
 * handler that failed for the hypervisor's own reasons would.
 */
#define EMUL		0xfec00000ULL
static u8 emul_regs[16];
static unsigned int emul_reads, emul_writes;

static int emul_read(void *opaque, struct vcpu *v, u64 off, u32 size, u64 *val)
{
	emul_reads++;
	if (off == 0xff0)
		return -EIO;
	*val = 0;
	memcpy(val, &emul_regs[off & 15], MIN(size, 16 - (u32)(off & 15)));
	return 0;
}

static int emul_write(void *opaque, struct vcpu *v, u64 off, u32 size, u64 val)
{
	emul_writes++;
	if (off == 0xff0)
		return -EIO;
	memcpy(&emul_regs[off & 15], &val, MIN(size, 16 - (u32)(off & 15)));
	return 0;
}

static const struct vm_mmio_ops emul_ops = { emul_read, emul_write };

static int setup(void **state)
{
	const struct vm_region emul = {
		.gpa = EMUL, .size = 0x1000, .kind = VM_REGION_EMULATED, .name = "emul",
		.ops = &emul_ops,
	};

	fake_console_clear();
	vm = vm_create("exits");
	assert_int_equal(vm_add_ram(vm, 0, RAM_SIZE), 0);
	assert_int_equal(vm_add_region(vm, &emul), 0);
	memset(emul_regs, 0, sizeof(emul_regs));
	emul_reads = emul_writes = 0;
	vcpu = vm_add_vcpu(vm, 0);
	assert_int_equal(vm_finalize(vm), 0);
	vmcb = calloc(1, sizeof(*vmcb));
	svm = (struct svm_vm){ .asid = 1 };
	svm.plat.vm = vm;
	sv = (struct svm_vcpu){ .vmcb = vmcb, .vmcb_pa = (paddr_t)(uintptr_t)vmcb, .vcpu = vcpu,
				.svm = &svm, .is_bsp = true, .timer_fired = &timer_fired };
	sv.vmcb01 = vmcb;
	sv.vmcb01_pa = sv.vmcb_pa;
	vlapic_init(&sv.lapic, vcpu, true);	/* as arch_vcpu_init() does */
	vcpu->irqchip = &sv.lapic;
	svm_caps.decode_assists = false;
	svm_caps.nrips = false;
	plat_io = plat_acks = plat_syncs = 0;
	boot(VCPU_BOOT_X86_LONG);
	svm_cpuid_init(&sv);	/* as arch_vcpu_boot() does */
	return 0;
}

static int teardown(void **state)
{
	free(vmcb);
	vm_destroy(vm);
	return 0;
}

static void code(const u8 *bytes, size_t n)
{
	assert_int_equal(vm_write_guest(vm, vmcb->save.rip, bytes, n), 0);
}

#define CODE_BYTES(...)	code((const u8[]){ __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ }))

static u64 reg(unsigned int r)
{
	return svm_gpr_read(&sv, r);
}

static void set_reg(unsigned int r, u64 v)
{
	svm_gpr_write(&sv, r, v);
}

static int run(void)
{
	return svm_run_once(&sv);
}

static int complete(u32 c)
{
	assert_int_equal(vcpu->completion, c);
	vcpu->completion = VCPU_COMPLETE_NONE;
	return svm_complete(&sv, c);
}

/* ---- CPUID, MSRs ---- */

static void test_cpuid_hypervisor_leaf(void **state)
{
	set_reg(GPR_RAX, 0xffffffff00000000ULL | CPUID_HV_BASE);
	set_reg(GPR_RBX, ~0ULL);
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(reg(GPR_RAX), CPUID_HV_MAX);
	assert_int_equal(reg(GPR_RBX), CPUID_HV_SIG_EBX);
	assert_int_equal(reg(GPR_RCX), CPUID_HV_SIG_ECX);
	assert_int_equal(vmcb->save.rip, CODE + 2);
	/* The first entry flushed the ASID's stale translations, and only the first. */
	assert_int_equal(entry_tlb[0], TLB_CONTROL_FLUSH_ALL_ASID);
	assert_int_equal(entry_tlb[1], TLB_CONTROL_DO_NOTHING);
}

static void test_nrips_next_rip(void **state)
{
	svm_caps.nrips = true;
	vmcb->control.next_rip = CODE + 5;	/* a CPUID with three prefixes, say */
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(vmcb->save.rip, CODE + 5);
}

static void test_msr_efer_hides_svme(void **state)
{
	set_reg(GPR_RCX, MSR_EFER);
	SCRIPT({ SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(reg(GPR_RAX), EFER_LME | EFER_LMA);
	assert_int_equal(reg(GPR_RDX), 0);
	assert_int_equal(vmcb->save.rip, CODE + 2);
	assert_true(vmcb->save.efer & EFER_SVME);
}

/* A refused WRMSR raises #GP at the next entry and does not move RIP. */
static void expect_gp_on_wrmsr(u32 msr, u64 val)
{
	u64 rip = vmcb->save.rip;

	set_reg(GPR_RCX, msr);
	set_reg(GPR_RAX, (u32)val);
	set_reg(GPR_RDX, val >> 32);
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(entry_event[1], GP0);
	assert_int_equal(vmcb->save.rip, rip);
}

static void test_msr_efer_writes(void **state)
{
	u64 efer = vmcb->save.efer;

	expect_gp_on_wrmsr(MSR_EFER, EFER_LME | EFER_LMA | EFER_SVME);
	expect_gp_on_wrmsr(MSR_EFER, EFER_LMA);		/* LME off with paging on */
	expect_gp_on_wrmsr(MSR_EFER, EFER_LME | BIT(5));
	assert_int_equal(vmcb->save.efer, efer);
	set_reg(GPR_RCX, MSR_EFER);
	set_reg(GPR_RAX, EFER_LME | EFER_NXE | EFER_SCE);
	set_reg(GPR_RDX, 0);
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(entry_event[1], 0);
	assert_int_equal(vmcb->save.efer,
			 EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE | EFER_SVME);
}

/* EFER.FFXSR is writable exactly when the vCPU's CPUID answer offers it. */
static void test_msr_efer_ffxsr_follows_cpuid(void **state)
{
	struct cpuid_regs *ext1 = &sv.cpuid.regs[cpuid_cache_slot(0x80000001u)];
	u64 efer = vmcb->save.efer & ~EFER_SVME;	/* the guest's view: no SVM offered */

	ext1->edx &= ~BIT(25);
	expect_gp_on_wrmsr(MSR_EFER, efer | EFER_FFXSR);
	ext1->edx |= BIT(25);
	set_reg(GPR_RCX, MSR_EFER);
	set_reg(GPR_RAX, (u32)(efer | EFER_FFXSR));
	set_reg(GPR_RDX, 0);
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(entry_event[1], 0);
	assert_true(vmcb->save.efer & EFER_FFXSR);
}

static void test_msr_pat_tsc_apic(void **state)
{
	u64 before, got;

	expect_gp_on_wrmsr(MSR_PAT, 0x0007040600070402ULL);	/* type 2 is reserved */
	expect_gp_on_wrmsr(MSR_PAT, 0x0807040600070406ULL);
	set_reg(GPR_RCX, MSR_PAT);
	set_reg(GPR_RAX, 0x00070406);
	set_reg(GPR_RDX, 0x00070106);
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb->save.g_pat, 0x0007010600070406ULL);

	set_reg(GPR_RCX, 0x10);
	set_reg(GPR_RAX, 0);
	set_reg(GPR_RDX, 0x100);			/* TSC = 2^40 */
	SCRIPT({ SVM_EXIT_MSR, 1 }, { SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	before = 1ULL << 40;
	run();
	got = reg(GPR_RDX) << 32 | reg(GPR_RAX);
	assert_true(got >= before && got - before < (1ULL << 32));
	assert_int_equal(vmcb->control.tsc_offset + rdtsc() >= before, true);

	set_reg(GPR_RCX, MSR_APIC_BASE);
	SCRIPT({ SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(reg(GPR_RAX), 0xfee00900);	/* BSP, enabled, xAPIC */
	expect_gp_on_wrmsr(MSR_APIC_BASE, 0xfee00d00 & ~0x800);	/* EXTD without EN */
}

static void test_msr_unknown_is_gp(void **state)
{
	static const u32 msrs[] = { MSR_VM_CR, MSR_VM_HSAVE_PA, 0x8b, 0x802, 0xc0000103, 0x48 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		set_reg(GPR_RCX, msrs[i]);
		SCRIPT({ SVM_EXIT_MSR, 0 }, { SVM_EXIT_INTR });
		run();
		assert_int_equal(entry_event[1], GP0);
		expect_gp_on_wrmsr(msrs[i], 0);
	}
	assert_int_equal(vmcb->save.rip, CODE);
}

/* ---- the fast path, the floor, the sticky failures ---- */

static void test_in_place_exits_reenter(void **state)
{
	u64 exits = vcpu->exits;

	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_CPUID }, { SVM_EXIT_MSR, 0 },
	       { SVM_EXIT_IOIO, IOIO(0x3f8, IOIO_SZ8), CODE + 7 });
	set_reg(GPR_RCX, MSR_PAT);
	assert_int_equal(run(), 0);
	assert_int_equal(next_step, 4);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_IO);
	assert_int_equal(vcpu->exits - exits, 3);
	/* A physical interrupt goes back to core: a timer or a request may be due. */
	SCRIPT({ SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	SCRIPT({ SVM_EXIT_NMI });
	assert_int_equal(run(), VCPU_RESUME);
}

static void test_request_stops_reentry(void **state)
{
	vcpu->requests = VCPU_REQ_STOP;
	SCRIPT({ SVM_EXIT_CPUID });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 1);
	vcpu->requests = 0;
}

static void timer_interrupt(void)
{
	timer_fired = true;
}

/*
 * The host timer's interrupt can come in the STGI window after any exit,
 * not only as an INTR exit: its timers run in core, so the loop goes back.
 */
static void test_timer_interrupt_stops_reentry(void **state)
{
	SCRIPT({ SVM_EXIT_CPUID, .guest = timer_interrupt }, { SVM_EXIT_CPUID });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 1);
	/* Core ran the timers before the next call: the flag is spent. */
	SCRIPT({ SVM_EXIT_CPUID }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 2);
}

static void bench_leaf(void)
{
	vmcb->save.rax = 0xffffffff00000000ULL | CPUID_BENCH_FLOOR_LEAF;
}

static void other_leaf(void)
{
	vmcb->save.rax = 0;
}

static void test_bench_floor(void **state)
{
	svm.bench_floor = true;
	SCRIPT({ SVM_EXIT_CPUID, .guest = bench_leaf }, { SVM_EXIT_CPUID }, { SVM_EXIT_CPUID },
	       { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 4);
	/* Nothing but RIP: the floor does no CPUID work. */
	assert_int_equal(reg(GPR_RAX), 0xffffffff00000000ULL | CPUID_BENCH_FLOOR_LEAF);
	assert_int_equal(vmcb->save.rip, CODE + 6);
	/* Any other leaf is answered by the model, floor or not. */
	SCRIPT({ SVM_EXIT_CPUID, .guest = other_leaf }, { SVM_EXIT_INTR });
	run();
	/* The highest basic leaf, as the model clamps it. */
	assert_true(reg(GPR_RAX) <= 0xd);
	assert_int_equal(vmcb->save.rip, CODE + 8);
	svm.bench_floor = false;
}

static void test_vmrun_failure_is_final(void **state)
{
	SCRIPT({ 0xffffffffu });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_FAIL_ENTRY);
	assert_int_equal(vcpu->run.fail_entry.hardware_entry_failure_reason, 0xffffffffULL);
	assert_non_null(strstr(fake_console, "VMRUN refused the guest state"));
	/* The save area is garbage now: never entered again, the same exit again. */
	vcpu->run.exit_reason = HV_EXIT_UNKNOWN;
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_FAIL_ENTRY);
	assert_int_equal(vcpu->run.fail_entry.hardware_entry_failure_reason, 0xffffffffULL);
	assert_int_equal(next_step, 1);
	/* A new boot rebuilds the state. */
	boot(VCPU_BOOT_X86_LONG);
	SCRIPT({ SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
}

static void test_shutdown_is_final(void **state)
{
	SCRIPT({ SVM_EXIT_SHUTDOWN });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_SHUTDOWN);
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_SHUTDOWN);
	assert_int_equal(next_step, 1);
}

static void test_unexpected_exit(void **state)
{
	SCRIPT({ SVM_EXIT_EXCP_BASE + 14, 0x2 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_UNEXPECTED_EXIT);
	assert_int_equal(vcpu->run.internal.data[0], SVM_EXIT_EXCP_BASE + 14);
	SCRIPT({ SVM_EXIT_TASK_SWITCH });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_UNEXPECTED_EXIT);
	SCRIPT({ 0x500 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.internal.data[0], 0x500);
}

static void test_svm_instructions_are_ud(void **state)
{
	static const u32 codes[] = { SVM_EXIT_VMRUN, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE,
				     SVM_EXIT_STGI, SVM_EXIT_CLGI, SVM_EXIT_SKINIT,
				     SVM_EXIT_INVLPGA, SVM_EXIT_MONITOR, SVM_EXIT_MWAIT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		SCRIPT({ codes[i] }, { SVM_EXIT_INTR });
		assert_int_equal(run(), VCPU_RESUME);
		assert_int_equal(entry_event[1], UD);
	}
	/* RDPMC of a counter that does not exist (msr.c has the four K7 ones). */
	set_reg(GPR_RCX, 4);
	SCRIPT({ SVM_EXIT_RDPMC }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], GP0);
	SCRIPT({ SVM_EXIT_INVD }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

/* ---- HLT, interrupts, events ---- */

static void test_hlt_with_interrupts_off(void **state)
{
	vmcb->save.rflags = 0x2;
	SCRIPT({ SVM_EXIT_HLT });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_HLT);
	assert_int_equal(vmcb->save.rip, CODE + 1);
}

static void raise_line(void)
{
	svm.plat.intr = 1;
}

static void guest_sti(void)
{
	vmcb->save.rflags |= X86_RFLAGS_IF;
}

static void test_hlt_waits_for_interrupt(void **state)
{
	vmcb->save.rflags = 0x202;
	SCRIPT({ SVM_EXIT_HLT });
	assert_int_equal(run(), VCPU_BLOCK);
	assert_false(svm_has_deliverable_interrupt(&sv));
	svm.plat.intr = 1;
	assert_true(svm_has_deliverable_interrupt(&sv));
	/* A request that rises while the guest runs, right before its HLT. */
	svm.plat.intr = 0;
	SCRIPT({ SVM_EXIT_HLT, .guest = raise_line }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	/* The interrupt woke the HLT: injected at the next entry. */
	assert_int_equal(entry_event[1], EVT(0x30, EVTINJ_TYPE_INTR));
	assert_int_equal(plat_acks, 1);
}

static void test_interrupt_window(void **state)
{
	vmcb->save.rflags = 0x2;
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	/* IF=0: no injection, but V_IRQ and the VINTR intercept for a window. */
	assert_int_equal(entry_event[0], 0);
	assert_true(entry_int_ctl[0] & V_IRQ);
	assert_true(entry_intercepts[0] & INTERCEPT_VINTR);
	assert_int_equal(plat_acks, 0);
	/* The guest sets IF and the window opens: VINTR, then the injection. */
	SCRIPT({ SVM_EXIT_VINTR, .guest = guest_sti }, { SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[1], EVT(0x30, EVTINJ_TYPE_INTR));
	assert_false(entry_int_ctl[1] & V_IRQ);
	assert_false(entry_intercepts[1] & INTERCEPT_VINTR);
}

/* ---- the local APIC at entry ---- */

static void guest_clears_v_tpr(void)
{
	vmcb->save.rflags |= X86_RFLAGS_IF;
	vmcb->control.int_ctl &= ~V_TPR_MASK;
}

/* The IRET the intercept stopped at has run: RIP is past it. */
static void guest_iret_done(void)
{
	vmcb->save.rip += 2;
}

static void apic_on(void)
{
	u64 v = 0x1ff;

	vlapic_mmio_access(&sv.lapic, 0xfee00000 + APIC_SVR, 4, true, &v);
}

static void set_tpr(u32 tpr)
{
	u64 v = tpr;

	vlapic_mmio_access(&sv.lapic, 0xfee00000 + APIC_TPR, 4, true, &v);
}

static void test_apic_interrupt_injected(void **state)
{
	apic_on();
	vmcb->save.rflags = 0x202;
	vlapic_accept_fixed(&sv.lapic, 0x41, false);
	vlapic_accept_fixed(&sv.lapic, 0x82, false);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	/* The highest vector first, and it moves from IRR to ISR. */
	assert_int_equal(entry_event[0], EVT(0x82, EVTINJ_TYPE_INTR));
	assert_int_equal(vlapic_reg(&sv.lapic, APIC_ISR + 0x40), BIT(2));
	assert_int_equal(vlapic_reg(&sv.lapic, APIC_IRR + 0x40), 0);
	/* 0x41 waits for the EOI: its class is below the one in service, and no window opens. */
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	assert_false(entry_int_ctl[0] & V_IRQ);
}

static void test_apic_interrupt_window_and_tpr(void **state)
{
	apic_on();
	vmcb->save.rflags = 0x2;
	vlapic_accept_fixed(&sv.lapic, 0x75, false);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	/* IF=0: the window for any priority. */
	assert_int_equal(entry_event[0], 0);
	assert_int_equal(entry_int_ctl[0] & (V_IRQ | V_IGN_TPR), V_IRQ | V_IGN_TPR);
	/* Held back by the TPR: no window (event.c says why), the TPR in V_TPR. */
	vmcb->save.rflags = 0x202;
	set_tpr(0x80);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	assert_false(entry_int_ctl[0] & V_IRQ);
	assert_false(entry_intercepts[0] & INTERCEPT_VINTR);
	assert_int_equal(entry_int_ctl[0] & V_TPR_MASK, 8);
	/* The guest writes CR8 = 0 (V_TPR): at its next exit the APIC's TPR follows. */
	SCRIPT({ SVM_EXIT_INTR, .guest = guest_clears_v_tpr });
	run();
	assert_int_equal(vlapic_reg(&sv.lapic, APIC_TPR), 0);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], EVT(0x75, EVTINJ_TYPE_INTR));
}

static void test_nmi_blocked_until_iret(void **state)
{
	vmcb->save.rflags = 0x2;			/* IF=0 does not hold an NMI */
	vlapic_post_nmi(&sv.lapic);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], EVT(2, EVTINJ_TYPE_NMI));
	assert_true(entry_intercepts[0] & INTERCEPT_IRET);
	/* A second NMI while the first is in service waits. */
	vlapic_post_nmi(&sv.lapic);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	/* The IRET exits before it runs: still blocked until RIP has moved on. */
	vmcb->save.rip = CODE + 0x40;
	SCRIPT({ SVM_EXIT_IRET }, { SVM_EXIT_INTR, .guest = guest_iret_done });
	run();
	assert_int_equal(entry_event[1], 0);
	assert_false(entry_intercepts[1] & INTERCEPT_IRET);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], EVT(2, EVTINJ_TYPE_NMI));
}

/* INIT: the vCPU waits (enters nothing); SIPI: real mode at vector * 4 KiB. */
static void test_init_then_sipi_restarts_in_real_mode(void **state)
{
	vlapic_post_init(&sv.lapic);
	SCRIPT();
	assert_int_equal(run(), VCPU_BLOCK);
	assert_int_equal(vlapic_run_state(&sv.lapic), VLAPIC_WAIT_SIPI);
	assert_false(svm_has_deliverable_interrupt(&sv));
	assert_true(vlapic_post_sipi(&sv.lapic, 0x9a));
	__atomic_fetch_or(&sv.lapic.events, VLAPIC_EV_SIPI, __ATOMIC_RELAXED);
	SCRIPT({ SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(vmcb->save.cs.selector, 0x9a00);
	assert_int_equal(vmcb->save.cs.base, 0x9a000);
	assert_int_equal(vmcb->save.rip, 0);
	assert_int_equal(vmcb->save.cr0, X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	assert_int_equal(svm_cpu_mode(vmcb), X86_MODE_16);
	/* INIT reset the APIC: software-disabled. */
	assert_int_equal(vlapic_reg(&sv.lapic, APIC_SVR), 0xff);
}

/* LINT0 masked: the 8259's interrupt does not reach vCPU 0. */
static void test_8259_needs_lint0(void **state)
{
	u64 v = APIC_LVT_MASKED | 0x700;

	vmcb->save.rflags = 0x202;
	apic_on();
	vlapic_mmio_access(&sv.lapic, 0xfee00000 + APIC_LVT_LINT0, 4, true, &v);
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	assert_int_equal(plat_acks, 0);
}

static void test_interrupt_shadow_holds_back(void **state)
{
	vmcb->save.rflags = 0x202;
	vmcb->control.int_state = INT_SHADOW;
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	assert_true(entry_int_ctl[0] & V_IRQ);
	vmcb->control.int_state = 0;
}

/*
 * An exit between STI and HLT: QEMU's VMRUN would drop the shadow and
 * the interrupt would return onto the HLT. The HLT's exit is taken
 * without an entry; the interrupt goes in after it, past the HLT.
 */
static void test_hlt_in_interrupt_shadow(void **state)
{
	CODE_BYTES(0xf4);
	vmcb->save.rflags = 0x202;
	vmcb->control.int_state = INT_SHADOW;
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 1);
	assert_int_equal(entry_event[0], EVT(0x30, EVTINJ_TYPE_INTR));
	assert_int_equal(vmcb->save.rip, CODE + 1);
	assert_int_equal(vmcb->control.int_state & INT_SHADOW, 0);
}

/* Not at CPL 3, where the HLT is a #GP before any intercept: the CPU decides. */
static void test_hlt_in_interrupt_shadow_at_cpl3(void **state)
{
	CODE_BYTES(0xf4);
	vmcb->save.rflags = 0x202;
	vmcb->save.cpl = 3;
	vmcb->control.int_state = INT_SHADOW;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(next_step, 1);
	assert_int_equal(vmcb->save.rip, CODE);
	vmcb->save.cpl = 0;
	vmcb->control.int_state = 0;
}

static void test_interrupted_delivery_reinjected(void **state)
{
	u64 ext = EVT(0x30, EVTINJ_TYPE_INTR);
	u64 pf = 14 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID | EVTINJ_VALID_ERR | (2ULL << 32);
	u64 soft = EVT(0x80, EVTINJ_TYPE_SOFT);
	u64 bp = EVT(3, EVTINJ_TYPE_EXEPT);

	vmcb->save.rflags = 0x2;
	SCRIPT({ SVM_EXIT_INTR, .intinfo = ext }, { SVM_EXIT_INTR });
	run();
	run();
	assert_int_equal(entry_event[1], ext);
	SCRIPT({ SVM_EXIT_INTR, .intinfo = pf }, { SVM_EXIT_INTR });
	run();
	run();
	assert_int_equal(entry_event[1], pf);
	/* INTn and INT3 are raised again by re-executing them: not injected twice. */
	SCRIPT({ SVM_EXIT_INTR, .intinfo = soft }, { SVM_EXIT_INTR, .intinfo = bp },
	       { SVM_EXIT_INTR });
	run();
	run();
	run();
	assert_int_equal(entry_event[1], 0);
	assert_int_equal(entry_event[2], 0);
}

static void test_only_vcpu0_gets_8259_interrupts(void **state)
{
	sv.is_bsp = false;
	vmcb->save.rflags = 0x202;
	svm.plat.intr = 1;
	SCRIPT({ SVM_EXIT_HLT });
	assert_int_equal(run(), VCPU_BLOCK);
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(entry_event[0], 0);
	assert_int_equal(plat_acks, 0);
	sv.is_bsp = true;
}

static void test_pit_timer_synced_before_entry(void **state)
{
	svm.plat.pit_dirty = true;
	SCRIPT({ SVM_EXIT_INTR });
	run();
	assert_int_equal(plat_syncs, 1);
}

static void pit_programmed(void)
{
	svm.plat.pit_dirty = true;
}

static void synced_already(void)
{
	assert_int_equal(plat_syncs, 1);
}

/* A PIT write handled in place arms the timer before the guest runs on, not at the next return. */
static void test_pit_timer_synced_after_in_place_io(void **state)
{
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x21, IOIO_SZ8), CODE + 1, .guest = pit_programmed },
	       { SVM_EXIT_CPUID, .guest = synced_already }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(next_step, 3);
	assert_int_equal(plat_syncs, 1);
}

/* ---- hypercalls ---- */

static void test_hypercall(void **state)
{
	set_reg(GPR_RAX, HV_HC_CONSOLE_WRITE);
	set_reg(GPR_RBX, 0x1111);
	set_reg(GPR_RCX, 0x2222);
	set_reg(GPR_RDX, 0x3333);
	set_reg(GPR_RSI, 0x4444);
	set_reg(GPR_RDI, 0x5555);
	set_reg(GPR_R8, 0x6666);
	SCRIPT({ SVM_EXIT_VMMCALL });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_HYPERCALL);
	assert_int_equal(vcpu->run.hypercall.nr, HV_HC_CONSOLE_WRITE);
	assert_int_equal(vcpu->run.hypercall.args[0], 0x1111);
	assert_int_equal(vcpu->run.hypercall.args[5], 0x6666);
	assert_int_equal(vmcb->save.rip, CODE);
	vcpu->run.hypercall.ret = (u64)-38;
	assert_int_equal(complete(VCPU_COMPLETE_HYPERCALL), 0);
	assert_int_equal(reg(GPR_RAX), (u64)-38);
	assert_int_equal(vmcb->save.rip, CODE + 3);
}

static void test_hypercall_32bit_and_user(void **state)
{
	boot(VCPU_BOOT_X86_PROTECTED);
	set_reg(GPR_RAX, 0xabcd00000001ULL);
	set_reg(GPR_RBX, 0xffffffff00001000ULL);
	SCRIPT({ SVM_EXIT_VMMCALL });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.hypercall.nr, 1);
	assert_int_equal(vcpu->run.hypercall.args[0], 0x1000);
	vcpu->run.hypercall.ret = (u64)-38;
	complete(VCPU_COMPLETE_HYPERCALL);
	assert_int_equal(reg(GPR_RAX), 0xffffffda);
	vmcb->save.cpl = 3;
	SCRIPT({ SVM_EXIT_VMMCALL }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(entry_event[1], UD);
}

/* ---- IO ---- */

static void test_out_and_in(void **state)
{
	set_reg(GPR_RAX, 0x11223344556677aaULL);
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x3f8, IOIO_SZ8 | IOIO_A64), CODE + 1 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_IO);
	assert_int_equal(vcpu->run.io.direction, HV_IO_OUT);
	assert_int_equal(vcpu->run.io.port, 0x3f8);
	assert_int_equal(vcpu->run.io.size, 1);
	assert_int_equal(vcpu->run.io.count, 1);
	assert_int_equal(vcpu->run.io.data, 0xaa);
	assert_int_equal(complete(VCPU_COMPLETE_IO), 0);
	assert_int_equal(vmcb->save.rip, CODE + 1);

	/* IN AX keeps the rest of RAX; IN EAX clears bits 63:32. */
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x3fd, IOIO_TYPE_IN | IOIO_SZ16), CODE + 3 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.io.direction, HV_IO_IN);
	vcpu->run.io.data = 0xbeef;
	complete(VCPU_COMPLETE_IO);
	assert_int_equal(reg(GPR_RAX), 0x112233445566beefULL);
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x3fd, IOIO_TYPE_IN | IOIO_SZ32), CODE + 4 });
	run();
	vcpu->run.io.data = 0xcafef00d;
	complete(VCPU_COMPLETE_IO);
	assert_int_equal(reg(GPR_RAX), 0xcafef00d);
}

static void test_platform_ports_in_place(void **state)
{
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x21, IOIO_TYPE_IN | IOIO_SZ8), CODE + 2 },
	       { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(plat_io, 1);
	assert_int_equal(reg(GPR_RAX) & 0xff, 0x5a);
	assert_int_equal(vmcb->save.rip, CODE + 2);
	assert_int_equal(vcpu->completion, VCPU_COMPLETE_NONE);
}

/* ACPI S5 and the reset ports: the OUT completes, then the VMM gets the system event. */
static void test_platform_power_events(void **state)
{
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x604, IOIO_SZ16), CODE + 2 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_SYSTEM_EVENT);
	assert_int_equal(vcpu->run.system_event.type, HV_SYSTEM_EVENT_SHUTDOWN);
	assert_int_equal(vmcb->save.rip, CODE + 2);
	assert_int_equal(vcpu->completion, VCPU_COMPLETE_NONE);
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0xcf9, IOIO_SZ8), CODE + 4 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_SYSTEM_EVENT);
	assert_int_equal(vcpu->run.system_event.type, HV_SYSTEM_EVENT_RESET);
	assert_int_equal(vmcb->save.rip, CODE + 4);
	assert_int_equal(plat_io, 2);
}

static void test_bad_ioio_info(void **state)
{
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x80, IOIO_SZ8 | IOIO_SZ16), CODE + 1 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_EMULATION);
}

static void test_rep_outsb(void **state)
{
	const u64 info = IOIO(0x3f8, IOIO_SZ8 | IOIO_STR | IOIO_REP | IOIO_A64);
	unsigned int i;

	CODE_BYTES(0xf3, 0x6e);
	vm_write_guest(vm, DATA, "abc", 3);
	set_reg(GPR_RSI, DATA);
	set_reg(GPR_RCX, 3);
	for (i = 0; i < 3; i++) {
		SCRIPT({ SVM_EXIT_IOIO, info, CODE + 2 });
		assert_int_equal(run(), 0);
		assert_int_equal(vcpu->run.io.data, "abc"[i]);
		complete(VCPU_COMPLETE_IO);
		/* One element per exit: RIP moves on only after the last one. */
		assert_int_equal(vmcb->save.rip, i < 2 ? CODE : CODE + 2);
	}
	assert_int_equal(reg(GPR_RSI), DATA + 3);
	assert_int_equal(reg(GPR_RCX), 0);
	/* REP with a zero count does nothing and exits nowhere. */
	vmcb->save.rip = CODE;
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 2 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

/* QEMU's TCG leaves EXITINFO1's address-size bits empty: the 67 prefix decides. */
static void test_string_io_address_size_from_prefix(void **state)
{
	const u64 info = IOIO(0x3f8, IOIO_SZ8 | IOIO_STR | IOIO_REP);

	CODE_BYTES(0x67, 0xf3, 0x6e);			/* rep outsb (%esi),(%dx) */
	vm_write_guest(vm, DATA, "Q", 1);
	set_reg(GPR_RSI, 0x100000000ULL | DATA);
	set_reg(GPR_RCX, 0xffffffff00000001ULL);	/* ECX = 1: RCX's top is not the count */
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 3 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.io.data, 'Q');
	complete(VCPU_COMPLETE_IO);
	assert_int_equal(reg(GPR_RSI), DATA + 1);
	assert_int_equal(reg(GPR_RCX), 0);
	assert_int_equal(vmcb->save.rip, CODE + 3);
	/* Without the prefix, 64-bit addressing: the full RSI. */
	vmcb->save.rip = CODE;
	CODE_BYTES(0x6e);
	set_reg(GPR_RSI, DATA);
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x3f8, IOIO_SZ8 | IOIO_STR), CODE + 1 });
	run();
	complete(VCPU_COMPLETE_IO);
	assert_int_equal(reg(GPR_RSI), DATA + 1);
	/* Something that is not a string IO instruction at RIP: not guessed. */
	vmcb->save.rip = CODE;
	CODE_BYTES(0x90);
	SCRIPT({ SVM_EXIT_IOIO, IOIO(0x3f8, IOIO_SZ8 | IOIO_STR), CODE + 1 });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
}

static void test_outs_backwards_16bit_wrap(void **state)
{
	const u64 info = IOIO(0x3f8, IOIO_SZ16 | IOIO_STR | IOIO_A16);

	boot(VCPU_BOOT_X86_PROTECTED);
	CODE_BYTES(0x66, 0x67, 0x6f);
	vm_write_guest(vm, 0x0, "xy", 2);
	vmcb->save.rflags = 0x402;			/* DF */
	set_reg(GPR_RSI, 0xabcd0000);
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 3 });
	run();
	assert_int_equal(vcpu->run.io.data, 'x' | 'y' << 8);
	complete(VCPU_COMPLETE_IO);
	/* SI wrapped to 0xfffe; the rest of ESI is untouched. */
	assert_int_equal(reg(GPR_RSI), 0xabcdfffe);
}

static void test_outs_segment_override(void **state)
{
	const u64 info = IOIO(0x3f8, IOIO_SZ8 | IOIO_STR | IOIO_A32);

	boot(VCPU_BOOT_X86_PROTECTED);
	vmcb->save.fs.base = 0x10000;
	vm_write_guest(vm, 0x10010, "F", 1);
	vm_write_guest(vm, 0x10, "D", 1);
	set_reg(GPR_RSI, 0x10);
	CODE_BYTES(0x64, 0x6e);				/* outsb %fs:(%esi) */
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 2 });
	run();
	assert_int_equal(vcpu->run.io.data, 'F');
	/* With DecodeAssists the segment comes from EXITINFO1 instead. */
	svm_caps.decode_assists = true;
	vmcb->save.rip = CODE;
	SCRIPT({ SVM_EXIT_IOIO, info | (X86_SEG_DS << IOIO_SEG_SHIFT), CODE + 2 });
	run();
	assert_int_equal(vcpu->run.io.data, 'D');
}

static void test_rep_insb(void **state)
{
	const u64 info = IOIO(0x60, IOIO_TYPE_IN | IOIO_SZ8 | IOIO_STR | IOIO_REP | IOIO_A64);
	u8 got[2];

	set_reg(GPR_RDI, DATA);
	set_reg(GPR_RCX, 2);
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 2 });
	run();
	vcpu->run.io.data = 'q';
	complete(VCPU_COMPLETE_IO);
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 2 });
	run();
	vcpu->run.io.data = 'r';
	complete(VCPU_COMPLETE_IO);
	vm_read_guest(vm, DATA, got, 2);
	assert_memory_equal(got, "qr", 2);
	assert_int_equal(reg(GPR_RDI), DATA + 2);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

static void test_ins_to_non_ram_stops(void **state)
{
	const u64 info = IOIO(0x60, IOIO_TYPE_IN | IOIO_SZ8 | IOIO_STR | IOIO_A64);

	set_reg(GPR_RDI, MMIO);
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 1 });
	assert_int_equal(run(), 0);
	/* Decided before the port was read: no IO exit. */
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_EMULATION);
}

static void test_ins_page_fault_injected(void **state)
{
	const u64 info = IOIO(0x60, IOIO_TYPE_IN | IOIO_SZ8 | IOIO_STR | IOIO_A64);

	set_reg(GPR_RDI, 0x100000000ULL);		/* beyond the boot tables' 4 GiB */
	SCRIPT({ SVM_EXIT_IOIO, info, CODE + 1 }, { SVM_EXIT_INTR });
	assert_int_equal(run(), VCPU_RESUME);
	assert_int_equal(entry_event[1], 14 | EVTINJ_TYPE_EXEPT | EVTINJ_VALID |
					 EVTINJ_VALID_ERR | ((u64)PF_WRITE << 32));
	assert_int_equal(vmcb->save.cr2, 0x100000000ULL);
	assert_int_equal(vmcb->save.rip, CODE);
}

/* ---- MMIO ---- */

static int npf(u64 gpa, bool write)
{
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA | (write ? NPF_WRITE : 0), gpa });
	return run();
}

static void expect_mmio(u64 gpa, u32 len, bool write, u64 data)
{
	u64 got = 0;

	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MMIO);
	assert_int_equal(vcpu->run.mmio.phys_addr, gpa);
	assert_int_equal(vcpu->run.mmio.len, len);
	assert_int_equal(vcpu->run.mmio.is_write, write);
	memcpy(&got, vcpu->run.mmio.data, len);
	if (write)
		assert_int_equal(got, data);
}

static void mmio_reply(u64 data)
{
	memcpy(vcpu->run.mmio.data, &data, 8);
	assert_int_equal(complete(VCPU_COMPLETE_MMIO), 0);
}

static void test_mmio_store(void **state)
{
	CODE_BYTES(0x89, 0x03);				/* mov %eax,(%rbx) */
	set_reg(GPR_RAX, 0x1122334455667788ULL);
	assert_int_equal(npf(MMIO + 0x10, true), 0);
	expect_mmio(MMIO + 0x10, 4, true, 0x55667788);
	mmio_reply(0);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

static void test_mmio_loads(void **state)
{
	CODE_BYTES(0x48, 0x8b, 0x0b);			/* mov (%rbx),%rcx */
	assert_int_equal(npf(MMIO, false), 0);
	expect_mmio(MMIO, 8, false, 0);
	mmio_reply(0x0123456789abcdefULL);
	assert_int_equal(reg(GPR_RCX), 0x0123456789abcdefULL);
	assert_int_equal(vmcb->save.rip, CODE + 3);

	CODE_BYTES(0x0f, 0xbe, 0x13);			/* movsbl (%rbx),%edx */
	set_reg(GPR_RDX, ~0ULL);
	npf(MMIO + 1, false);
	expect_mmio(MMIO + 1, 1, false, 0);
	mmio_reply(0x80);
	assert_int_equal(reg(GPR_RDX), 0xffffff80);
	assert_int_equal(vmcb->save.rip, CODE + 6);

	CODE_BYTES(0x8a, 0x23);				/* mov (%rbx),%ah */
	set_reg(GPR_RAX, 0x1111);
	npf(MMIO + 2, false);
	mmio_reply(0x77);
	assert_int_equal(reg(GPR_RAX), 0x7711);
}

static void test_mmio_store_immediate(void **state)
{
	CODE_BYTES(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff);	/* movq $-2,(%rbx) */
	npf(MMIO, true);
	expect_mmio(MMIO, 8, true, (u64)-2);
	mmio_reply(0);
	assert_int_equal(vmcb->save.rip, CODE + 7);
}

static void test_mmio_xchg_two_halves(void **state)
{
	CODE_BYTES(0x87, 0x03);				/* xchg %eax,(%rbx) */
	set_reg(GPR_RAX, 0xaaaa);
	npf(MMIO, false);
	expect_mmio(MMIO, 4, false, 0);
	mmio_reply(0xbbbb);
	/* Not done yet: the write half comes before the guest runs again. */
	assert_int_equal(reg(GPR_RAX), 0xaaaa);
	assert_int_equal(vmcb->save.rip, CODE);
	SCRIPT();
	assert_int_equal(run(), 0);
	expect_mmio(MMIO, 4, true, 0xaaaa);
	mmio_reply(0);
	assert_int_equal(reg(GPR_RAX), 0xbbbb);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

static void test_mmio_rep_stos(void **state)
{
	CODE_BYTES(0xf3, 0xab);				/* rep stos %eax,(%rdi) */
	set_reg(GPR_RAX, 0x5a5a5a5a);
	set_reg(GPR_RDI, MMIO);
	set_reg(GPR_RCX, 2);
	npf(MMIO, true);
	expect_mmio(MMIO, 4, true, 0x5a5a5a5a);
	mmio_reply(0);
	assert_int_equal(reg(GPR_RDI), MMIO + 4);
	assert_int_equal(reg(GPR_RCX), 1);
	assert_int_equal(vmcb->save.rip, CODE);
	npf(MMIO + 4, true);
	mmio_reply(0);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

static void test_mmio_movs_both_ways(void **state)
{
	u64 got = 0;

	CODE_BYTES(0xa5);				/* movsl (%rsi),(%rdi) */
	vm_write_guest(vm, DATA, "WXYZ", 4);
	set_reg(GPR_RSI, DATA);
	set_reg(GPR_RDI, MMIO);
	npf(MMIO, true);
	expect_mmio(MMIO, 4, true, 0x5a595857);
	mmio_reply(0);
	assert_int_equal(reg(GPR_RSI), DATA + 4);
	assert_int_equal(vmcb->save.rip, CODE + 1);

	vmcb->save.rip = CODE;
	set_reg(GPR_RSI, MMIO);
	set_reg(GPR_RDI, DATA + 0x100);
	npf(MMIO, false);
	expect_mmio(MMIO, 4, false, 0);
	mmio_reply(0x44332211);
	vm_read_guest(vm, DATA + 0x100, &got, 4);
	assert_int_equal(got, 0x44332211);
	assert_int_equal(vmcb->save.rip, CODE + 1);

	/* MMIO to MMIO: a read exit, then a write exit. */
	vmcb->save.rip = CODE;
	set_reg(GPR_RSI, MMIO);
	set_reg(GPR_RDI, MMIO + 0x1000);
	npf(MMIO, false);
	mmio_reply(0x99);
	SCRIPT();
	assert_int_equal(run(), 0);
	expect_mmio(MMIO + 0x1000, 4, true, 0x99);
	mmio_reply(0);
	assert_int_equal(vmcb->save.rip, CODE + 1);
}

static void expect_emulation_failure(u32 suberror)
{
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, suberror);
	assert_int_equal(vcpu->completion, VCPU_COMPLETE_NONE);
	assert_int_equal(vmcb->save.rip, CODE);
}

static void test_mmio_never_guesses(void **state)
{
	CODE_BYTES(0x01, 0x03);				/* add %eax,(%rbx): not emulated */
	assert_int_equal(npf(MMIO, true), 0);
	expect_emulation_failure(HV_INTERNAL_ERROR_EMULATION);
	/* The report carries the GPA, RIP, the decoder's error and the bytes. */
	assert_int_equal(vcpu->run.internal.data[0], MMIO);
	assert_int_equal(vcpu->run.internal.data[1], CODE);
	assert_int_equal((s64)vcpu->run.internal.data[2], -EOPNOTSUPP);
	assert_int_equal(vcpu->run.internal.data[4] & 0xffff, 0x0301);

	CODE_BYTES(0x8b, 0x03);				/* a load that faulted on a write */
	npf(MMIO, true);
	expect_emulation_failure(HV_INTERNAL_ERROR_EMULATION);

	CODE_BYTES(0x48, 0x8b, 0x03);			/* 8 bytes across a page end */
	npf(MMIO + 0xffc, false);
	expect_emulation_failure(HV_INTERNAL_ERROR_EMULATION);
}

static void test_mmio_decode_assists_bytes(void **state)
{
	CODE_BYTES(0x01, 0x03);				/* in memory: not decodable */
	svm_caps.decode_assists = true;
	vmcb->control.insn_len = 2;
	vmcb->control.insn_bytes[0] = 0x89;		/* the CPU's copy: mov %eax,(%rbx) */
	vmcb->control.insn_bytes[1] = 0x03;
	npf(MMIO, true);
	expect_mmio(MMIO, 4, true, reg(GPR_RAX) & 0xffffffff);
}

/* ---- MMIO emulated in place: no exit, the instruction completes at once ---- */

static int npf_then_intr(u64 gpa, bool write)
{
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA | (write ? NPF_WRITE : 0), gpa }, { SVM_EXIT_INTR });
	return run();
}

static void test_emulated_region_in_place(void **state)
{
	CODE_BYTES(0x89, 0x03);				/* mov %eax,(%rbx) */
	set_reg(GPR_RAX, 0x1122334455667788ULL);
	/* Resumed: handled in place, then the guest ran on to the next exit (INTR). */
	assert_int_equal(npf_then_intr(EMUL + 4, true), VCPU_RESUME);
	assert_int_equal(next_step, 2);
	assert_int_equal(emul_writes, 1);
	assert_int_equal(vcpu->completion, VCPU_COMPLETE_NONE);
	assert_int_equal(vcpu->exits_to_vmm, 0);
	assert_int_equal(vmcb->save.rip, CODE + 2);

	CODE_BYTES(0x48, 0x8b, 0x0b);			/* mov (%rbx),%rcx */
	assert_int_equal(npf_then_intr(EMUL, false), VCPU_RESUME);
	assert_int_equal(reg(GPR_RCX), 0x5566778800000000ULL);
	assert_int_equal(vmcb->save.rip, CODE + 5);
}

static void test_emulated_region_xchg_both_halves(void **state)
{
	CODE_BYTES(0x87, 0x03);				/* xchg %eax,(%rbx) */
	emul_regs[0] = 0x42;
	set_reg(GPR_RAX, 0x99);
	assert_int_equal(npf_then_intr(EMUL, false), VCPU_RESUME);
	assert_int_equal(emul_reads, 1);
	assert_int_equal(emul_writes, 1);
	assert_int_equal(emul_regs[0], 0x99);
	assert_int_equal(reg(GPR_RAX), 0x42);
	assert_int_equal(vmcb->save.rip, CODE + 2);
}

/* MOVS from an emulated register to a VMM device: the read in place, the write an exit. */
static void test_emulated_region_movs_to_vmm(void **state)
{
	CODE_BYTES(0xa5);				/* movsl (%rsi),(%rdi) */
	emul_regs[0] = 0x17;
	set_reg(GPR_RSI, EMUL);
	set_reg(GPR_RDI, MMIO);
	assert_int_equal(npf(EMUL, false), 0);
	expect_mmio(MMIO, 4, true, 0x17);
	mmio_reply(0);
	assert_int_equal(reg(GPR_RDI), MMIO + 4);
	assert_int_equal(vmcb->save.rip, CODE + 1);
}

static void test_emulated_region_error_stops(void **state)
{
	CODE_BYTES(0x89, 0x03);				/* mov %eax,(%rbx) */
	assert_int_equal(npf(EMUL + 0xff0, true), 0);
	expect_emulation_failure(HV_INTERNAL_ERROR_EMULATION);
	assert_int_equal((s64)vcpu->run.internal.data[1], -EIO);
}

static void test_mmio_instruction_across_pages(void **state)
{
	vmcb->save.rip = 0x4fff;
	CODE_BYTES(0x48, 0x8b, 0x0b);			/* split after the REX prefix */
	npf(MMIO, false);
	expect_mmio(MMIO, 8, false, 0);
	mmio_reply(7);
	assert_int_equal(vmcb->save.rip, 0x5002);
}

/*
 * The boot tables are PML4, PDPT, then the PDs of 0-1, 1-2, 2-3 and 3-4
 * GiB. Remap linear 0x7fff0000 (PD of 1-2 GiB, entry 511) to the page at
 * 0x6000 through a page table of the guest's, so that RIP is not its GPA.
 */
static void test_mmio_fetch_through_guest_paging(void **state)
{
	u64 *pd1 = vm_gpa_to_hva(vm, vmcb->save.cr3 + 3 * 4096, 4096);
	u64 *pt = vm_gpa_to_hva(vm, 0x22000, 4096);

	assert_non_null(pd1);
	memset(pt, 0, 4096);
	pd1[511] = 0x22000 | 3;
	pt[0x1f0] = 0x6000 | 3;
	assert_int_equal(vm_write_guest(vm, 0x6000, (u8[]){ 0x89, 0x0b }, 2), 0);
	vmcb->save.rip = 0x7fff0000;
	set_reg(GPR_RCX, 0x42);
	npf(MMIO, true);
	expect_mmio(MMIO, 4, true, 0x42);
	/* Remapped to other code: the fetch memo sees the changed entry and walks again. */
	assert_int_equal(vm_write_guest(vm, 0x7000, (u8[]){ 0x8b, 0x0b }, 2), 0);
	pt[0x1f0] = 0x7000 | 3;
	vmcb->save.rip = 0x7fff0000;
	npf(MMIO, false);
	expect_mmio(MMIO, 4, false, 0);
	mmio_reply(9);
	/* Not mapped at all: the fetch fails, and that is said, not guessed around. */
	pt[0x1f0] = 0;
	npf(MMIO, true);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_FETCH);
}

static void test_npf_not_for_the_instruction(void **state)
{
	/* A page-table walk into non-RAM: a memory fault with the page. */
	SCRIPT({ SVM_EXIT_NPF, NPF_PAGE_TABLE, MMIO + 0x123 });
	assert_int_equal(run(), -EFAULT);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_MEMORY_FAULT);
	assert_int_equal(vcpu->run.memory_fault.gpa, MMIO);
	assert_int_equal(vcpu->run.memory_fault.size, 4096);
	assert_int_equal(vcpu->run.memory_fault.flags, HV_MEMORY_FAULT_READ);
	/* Executing from non-RAM, said by the error code... */
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA | NPF_FETCH, MMIO });
	assert_int_equal(run(), -EFAULT);
	assert_int_equal(vcpu->run.memory_fault.flags, HV_MEMORY_FAULT_READ | HV_MEMORY_FAULT_EXEC);
	/* ... or not (EFER.NXE off): RIP is on the faulting page. */
	vmcb->save.rip = MMIO + 0x10;
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA, MMIO + 0x10 });
	assert_int_equal(run(), -EFAULT);
	assert_int_equal(vcpu->run.memory_fault.flags, HV_MEMORY_FAULT_READ | HV_MEMORY_FAULT_EXEC);
	/* An instruction that starts in RAM's last byte and runs into what is not RAM. */
	vmcb->save.rip = RAM_SIZE - 1;
	CODE_BYTES(0x48);
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA, RAM_SIZE });
	assert_int_equal(run(), -EFAULT);
	assert_int_equal(vcpu->run.memory_fault.flags, HV_MEMORY_FAULT_READ | HV_MEMORY_FAULT_EXEC);
	vmcb->save.rip = CODE;
	/* Delivering an event (IDT or stack outside RAM). */
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA | NPF_WRITE, MMIO, EVT(0x30, EVTINJ_TYPE_INTR) });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.exit_reason, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_DELIVERY);
	/* A fault on RAM means the NPT is broken. */
	SCRIPT({ SVM_EXIT_NPF, NPF_FINAL_GPA, DATA });
	assert_int_equal(run(), 0);
	assert_int_equal(vcpu->run.internal.suberror, HV_INTERNAL_ERROR_UNEXPECTED_EXIT);
}

static void test_complete_unknown_kind(void **state)
{
	assert_int_equal(svm_complete(&sv, 42), -EINVAL);
	assert_int_equal(svm_complete(&sv, VCPU_COMPLETE_NONE), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cpuid_hypervisor_leaf),
		T(test_nrips_next_rip),
		T(test_msr_efer_hides_svme),
		T(test_msr_efer_writes),
		T(test_msr_efer_ffxsr_follows_cpuid),
		T(test_msr_pat_tsc_apic),
		T(test_msr_unknown_is_gp),
		T(test_in_place_exits_reenter),
		T(test_request_stops_reentry),
		T(test_bench_floor),
		T(test_vmrun_failure_is_final),
		T(test_shutdown_is_final),
		T(test_unexpected_exit),
		T(test_svm_instructions_are_ud),
		T(test_hlt_with_interrupts_off),
		T(test_hlt_waits_for_interrupt),
		T(test_interrupt_window),
		T(test_interrupt_shadow_holds_back),
		T(test_hlt_in_interrupt_shadow),
		T(test_hlt_in_interrupt_shadow_at_cpl3),
		T(test_apic_interrupt_injected),
		T(test_apic_interrupt_window_and_tpr),
		T(test_nmi_blocked_until_iret),
		T(test_init_then_sipi_restarts_in_real_mode),
		T(test_8259_needs_lint0),
		T(test_interrupted_delivery_reinjected),
		T(test_only_vcpu0_gets_8259_interrupts),
		T(test_timer_interrupt_stops_reentry),
		T(test_pit_timer_synced_before_entry),
		T(test_pit_timer_synced_after_in_place_io),
		T(test_hypercall),
		T(test_hypercall_32bit_and_user),
		T(test_out_and_in),
		T(test_platform_ports_in_place),
		T(test_platform_power_events),
		T(test_bad_ioio_info),
		T(test_rep_outsb),
		T(test_string_io_address_size_from_prefix),
		T(test_outs_backwards_16bit_wrap),
		T(test_outs_segment_override),
		T(test_rep_insb),
		T(test_ins_to_non_ram_stops),
		T(test_ins_page_fault_injected),
		T(test_mmio_store),
		T(test_mmio_loads),
		T(test_mmio_store_immediate),
		T(test_mmio_xchg_two_halves),
		T(test_mmio_rep_stos),
		T(test_mmio_movs_both_ways),
		T(test_mmio_never_guesses),
		T(test_mmio_decode_assists_bytes),
		T(test_mmio_instruction_across_pages),
		T(test_emulated_region_in_place),
		T(test_emulated_region_xchg_both_halves),
		T(test_emulated_region_movs_to_vmm),
		T(test_emulated_region_error_stops),
		T(test_mmio_fetch_through_guest_paging),
		T(test_npf_not_for_the_instruction),
		T(test_complete_unknown_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
