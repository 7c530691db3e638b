/* SOURCES: arch/x86/vplat/vlapic.c arch/x86/vplat/apic_bus.c core/vcpu.c core/vm.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the virtual local APIC's register file
 * (arch/x86/vplat/vlapic.c) and the APIC bus between two of them: the
 * input is a program of 16-byte operations a guest can perform: xAPIC
 * page accesses at every offset and width 0-8, x2APIC MSR reads and
 * writes (0x7f0-0x90f), IA32_APIC_BASE and IA32_TSC_DEADLINE writes, CR8,
 * interrupts arriving from the bus, the CPU taking the one it would take,
 * EOIs, timer expiries, INIT. Besides ASan/UBSan it checks, after every
 * operation, what the SDM makes architectural:
 *   - IA32_APIC_BASE changes only by a legal transition (the rest is
 *     #GP and leaves it as it was); x2APIC MSRs #GP outside x2APIC mode;
 *   - no IRR, ISR or TMR bit below vector 16; the IRR summary covers the
 *     IRR; ESR holds only the errors this APIC reports;
 *   - software-disabled, every LVT is masked (but the BSP's virtual-wire
 *     LINT0 of power-up); LVTs hold no bit outside
 *     their row;
 *   - PPR is max(TPR, ISRV class); the vector offered is the highest
 *     IRR one and above PPR's class; taking it moves it IRR -> ISR;
 *   - an EOI retires the highest in-service vector, and tells the IOAPIC
 *     exactly when that vector was level-triggered;
 *   - an xAPIC read answers no more bits than its width.
 */
#include <stdio.h>
#include <stdlib.h>

#define fail_msg(...)	abort()
#include "fake_arch.h"
#include "fake_timer.h"

#include <asm/apic_bus.h>
#include <asm/vlapic.h>
#include <asm/vplat_layout.h>
#include <lib/panic.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

#define NR		2
#define OP_SIZE		16

static struct vlapic apics[NR];
static unsigned int ioapic_eois;
static int ioapic_vector;

void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

void warn_once_report(const char *file, int line, const char *cond)
{
}

void vioapic_eoi(struct vm *vm, u8 vector)
{
	ioapic_eois++;
	ioapic_vector = vector;
}

static struct vm *make_vm(void)
{
	struct vm *vm = vm_create("fuzz");
	unsigned int i;

	CHECK(vm);
	fake_console_quiet = true;
	for (i = 0; i < NR; i++) {
		struct vcpu *v = vm_add_vcpu(vm, i);

		CHECK(v);
		vlapic_init(&apics[i], v, i == 0);
		v->irqchip = &apics[i];
	}
	return vm;
}

static bool bit_of(const struct vlapic *a, u32 base, u32 vector)
{
	return vlapic_reg(a, base + 0x10 * (vector / 32)) & BIT(vector % 32);
}

static int highest(const struct vlapic *a, u32 base)
{
	int v;

	for (v = 255; v >= 0; v--)
		if (bit_of(a, base, (u32)v))
			return v;
	return -1;
}

static void mmio(struct vlapic *a, const u8 *p, u32 offset, u64 val)
{
	bool write = p[3] & 1;
	u32 len = (p[3] & 2) ? p[2] % 9 : 4;
	u32 off = (p[3] & 4) ? offset & 0xfff : offset & 0x3f0;
	u64 v = val;

	CHECK(vlapic_mmio_access(a, VPLAT_LAPIC_BASE + off, len, write, &v) == 0);
	if (write)
		return;
	if (len < 8)
		CHECK(v < (1ULL << (8 * len)));
	/* Only a read inside a register's first four bytes answers anything. */
	if ((off & 0xf) + len > 4)
		CHECK(v == 0);
}

static void msr(struct vlapic *a, const u8 *p, u32 offset, u64 val)
{
	u32 nr = 0x7f0 + offset % 0x120;
	u64 v = 0;
	int r;

	if (!(p[3] & 2))
		val &= 0xffffffffULL;
	r = (p[3] & 1) ? vlapic_msr_write(a, nr, val) : vlapic_msr_read(a, nr, &v);
	if (vlapic_mode(a) != VLAPIC_X2APIC || nr < MSR_X2APIC_FIRST || nr > MSR_X2APIC_LAST)
		CHECK(r == -EINVAL);
	CHECK(r == 0 || r == -EINVAL);
}

static bool legal_base(enum vlapic_mode from, u64 val)
{
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;

	if (extd && !en)
		return false;
	if (from == VLAPIC_X2APIC && en && !extd)
		return false;
	return !(from == VLAPIC_DISABLED && extd);
}

static void base_write(struct vlapic *a, u64 val, bool raw)
{
	u64 old = vlapic_base_read(a);
	enum vlapic_mode from = vlapic_mode(a);
	int r;

	/* Mostly the bits that matter at the usual address; sometimes anything. */
	if (!raw)
		val = VPLAT_LAPIC_BASE | (val & (APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP));
	r = vlapic_base_write(a, val);
	if (!raw)
		CHECK((r == 0) == legal_base(from, val));
	if (r) {
		CHECK(r == -EINVAL && vlapic_base_read(a) == old);
		return;
	}
	CHECK((vlapic_base_read(a) & ~APIC_BASE_BSP) == (val & ~APIC_BASE_BSP));
	CHECK((vlapic_base_read(a) & APIC_BASE_BSP) == (old & APIC_BASE_BSP));
}

static void take(struct vlapic *a)
{
	int v = vlapic_pending_vector(a);

	if (v < 0)
		return;
	CHECK(v >= 16 && v == highest(a, APIC_IRR));
	CHECK(((u32)v & 0xf0) > (vlapic_ppr(a) & 0xf0));
	vlapic_ack(a, (u8)v);
	CHECK(!bit_of(a, APIC_IRR, (u32)v) && bit_of(a, APIC_ISR, (u32)v));
}

static void eoi(struct vlapic *a)
{
	int v = highest(a, APIC_ISR);
	bool level = v >= 0 && bit_of(a, APIC_TMR, (u32)v);
	unsigned int before = ioapic_eois;
	u64 zero = 0;

	if (vlapic_mode(a) == VLAPIC_X2APIC)
		CHECK(vlapic_msr_write(a, MSR_X2APIC_FIRST + (APIC_EOI >> 4), 0) == 0);
	else if (vlapic_mode(a) == VLAPIC_XAPIC)
		CHECK(!vlapic_mmio_access(a, VPLAT_LAPIC_BASE + APIC_EOI, 4, true, &zero));
	else
		return;
	if (v < 0)
		return;
	CHECK(!bit_of(a, APIC_ISR, (u32)v));
	CHECK(ioapic_eois == before + level);
	CHECK(!level || ioapic_vector == v);
}

static const u32 lvts[] = {
	APIC_LVT_TIMER, APIC_LVT_THERM, APIC_LVT_PERF, APIC_LVT_LINT0, APIC_LVT_LINT1,
	APIC_LVT_ERROR,
};
static const u32 lvt_bits[] = { 0x710ff, 0x117ff, 0x117ff, 0x1f7ff, 0x1f7ff, 0x110ff };

static void check_apic(const struct vlapic *a)
{
	u32 i, tpr = vlapic_reg(a, APIC_TPR), ppr = vlapic_ppr(a);
	int isrv = highest(a, APIC_ISR), v = vlapic_pending_vector(a);

	for (i = 0; i < 16; i++)
		CHECK(!bit_of(a, APIC_IRR, i) && !bit_of(a, APIC_ISR, i) && !bit_of(a, APIC_TMR, i));
	for (i = 0; i < 8; i++)
		if (vlapic_reg(a, APIC_IRR + 0x10 * i))
			CHECK(__atomic_load_n(&a->irr_words, __ATOMIC_ACQUIRE) & BIT(i));
	CHECK(!(vlapic_reg(a, APIC_ESR) & ~0xe0u));
	for (i = 0; i < ARRAY_SIZE(lvts); i++) {
		u32 lvt = vlapic_reg(a, lvts[i]);

		CHECK(!(lvt & ~lvt_bits[i]));
		/*
		 * The BSP's power-up LINT0 (ExtINT, unmasked: KVM's virtual
		 * wire, for guests that never program their APIC) is the one
		 * exception; any SVR write that disables the APIC masks it.
		 */
		if (!vlapic_sw_enabled(a) && !(lvts[i] == APIC_LVT_LINT0 && lvt == 0x700))
			CHECK(lvt & APIC_LVT_MASKED);
	}
	CHECK(!(vlapic_base_read(a) & APIC_BASE_EXTD) || (vlapic_base_read(a) & APIC_BASE_EN));
	CHECK(tpr <= 0xff);
	CHECK(ppr == ((tpr & 0xf0) >= (u32)(isrv < 0 ? 0 : isrv & 0xf0) ? tpr : (u32)isrv & 0xf0));
	if (v >= 0)
		CHECK(bit_of(a, APIC_IRR, (u32)v) && ((u32)v & 0xf0) > (ppr & 0xf0));
}

static void play(struct vlapic *a, const u8 *p, u32 offset, u64 val)
{
	switch (p[0] % 12) {
	case 0:
	case 1:
	case 2:
		mmio(a, p, offset, val);
		break;
	case 3:
	case 4:
		msr(a, p, offset, val);
		break;
	case 5:
		base_write(a, val, p[3] & 0x80);
		break;
	case 6:
		if (vlapic_accept_fixed(a, p[2], p[3] & 1))
			CHECK(p[2] >= 16 && bit_of(a, APIC_IRR, p[2]));
		break;
	case 7:
		take(a);
		break;
	case 8:
		eoi(a);
		break;
	case 9:
		if (a->timer.armed)
			fake_timer_fire(&a->timer);
		break;
	case 10:
		/* A deadline near the guest's TSC now, at a TSC rate a host may have. */
		vlapic_tsc_deadline_write(a, val >> (p[2] % 64), offset,
					  1000000ULL * (1 + p[3] % 8) * (1 + p[2] % 64));
		break;
	default:
		if (p[3] & 1)
			vlapic_reset(a, true);
		else
			vlapic_set_cr8(a, p[2]);
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vm *vm = make_vm();
	size_t off;
	u32 i;

	ioapic_eois = 0;
	for (off = 0; off + OP_SIZE <= size; off += OP_SIZE) {
		const u8 *p = data + off;
		u32 offset;
		u64 val;

		memcpy(&offset, p + 4, 4);
		memcpy(&val, p + 8, 8);
		play(&apics[p[1] % NR], p, offset, val);
		for (i = 0; i < NR; i++)
			check_apic(&apics[i]);
	}
	for (i = 0; i < NR; i++)
		vlapic_destroy(&apics[i]);
	vm_destroy(vm);
	return 0;
}
