/*
 * kvmclock, offered so that a guest learns the TSC's frequency at once.
 *
 * Why: an AMD Linux guest has no CPUID leaf with the TSC's frequency
 * (Linux 6.1 reads leaves 0x15/0x16 on Intel only) and otherwise
 * calibrates against the PIT, which costs IO exits and time. What Linux
 * reads instead on a hypervisor is that hypervisor's interface: KVM's
 * kvmclock is the documented one that needs the least (a signature at a
 * hypervisor CPUID base, two MSRs, a structure in guest RAM). With
 * kvmclock, Linux takes the frequency from the structure's scale
 * (kvm_get_tsc_khz(), marking it known: no refinement), keeps the TSC as
 * its clocksource (the invariant TSC outranks kvm-clock), and reads the
 * wall clock from it. Only CLOCKSOURCE2 and the stable bit are offered
 * (cpuid.c): no other paravirtual feature of KVM is implied. Without it
 * the PIT and the PM timer still calibrate right (they are emulated
 * from the same clock as the TSC), and `tsc_early_khz=` remains the
 * command-line way.
 *
 * The kvmclock's time is the host TSC scaled by the hypervisor's own
 * calibration (tsc_hz()), from host TSC 0: every vCPU's structure then
 * describes the same clock, whatever its TSC offset. The structures are
 * written once, when the guest names them (and again if the guest moves
 * its TSC); with the invariant TSC and PVCLOCK_TSC_STABLE_BIT they stay
 * true, as KVM's do between updates.
 */
#include <asm/cpu.h>
#include <asm/pvclock.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>

#define NS_PER_SEC	1000000000ULL

void pvclock_scale(u64 hz, u32 *mul, s8 *shift)
{
	u64 m = (NS_PER_SEC << 32) / (hz ? hz : 1);
	s8 s = 0;

	/* Below 1 GHz a tick is more than 1 ns: the ticks are shifted up instead. */
	while (m > 0xffffffffULL) {
		m >>= 1;
		s++;
	}
	/* Above it, as many bits of the multiplier as fit. */
	while (m && m < 0x80000000ULL) {
		m <<= 1;
		s--;
	}
	*mul = (u32)m;
	*shift = s;
}

u64 pvclock_ns(u64 ticks, u32 mul, s8 shift)
{
	ticks = shift < 0 ? ticks >> -shift : ticks << shift;
	return (u64)(((unsigned __int128)ticks * mul) >> 32);
}

static void *guest_struct(struct svm_vcpu *sv, u64 gpa, u64 size)
{
	if (gpa & 3)
		return NULL;
	return vm_gpa_to_hva(sv->vcpu->vm, gpa, size);
}

/* The version is odd while the fields change, as the guest's reader checks. */
static void fill_time_info(struct svm_vcpu *sv, struct pvclock_vcpu_time_info *t)
{
	u64 host = rdtsc();
	u32 mul;
	s8 shift;

	pvclock_scale(tsc_hz(), &mul, &shift);
	__atomic_store_n(&t->version, t->version | 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = host + sv->vmcb->control.tsc_offset;
	t->system_time = pvclock_ns(host, mul, shift);
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = PVCLOCK_TSC_STABLE_BIT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
}

int pvclock_system_time_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.kvm_system_time;
	return 0;
}

/* Bit 0 enables; the structure must be 4-byte aligned RAM (#GP otherwise). */
int pvclock_system_time_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	struct pvclock_vcpu_time_info *t = NULL;

	if (val & PVCLOCK_ENABLE) {
		t = guest_struct(sv, val & ~PVCLOCK_ENABLE, sizeof(*t));
		if (!t)
			return -EINVAL;
	}
	sv->msrs.kvm_system_time = val;
	if (t)
		fill_time_info(sv, t);
	return 0;
}

void pvclock_tsc_changed(struct svm_vcpu *sv)
{
	u64 val = sv->msrs.kvm_system_time;
	struct pvclock_vcpu_time_info *t;

	if (!(val & PVCLOCK_ENABLE))
		return;
	t = guest_struct(sv, val & ~PVCLOCK_ENABLE, sizeof(*t));
	if (t)
		fill_time_info(sv, t);
}

int pvclock_wall_clock_read(struct svm_vcpu *sv, u32 index, u64 *val)
{
	*val = sv->msrs.kvm_wall_clock;
	return 0;
}

/*
 * The wall-clock time at kvmclock 0: the RTC's time now (so that both
 * tell the same date) less the kvmclock's reading now.
 */
int pvclock_wall_clock_write(struct svm_vcpu *sv, u32 index, u64 val)
{
	struct pvclock_wall_clock *w = guest_struct(sv, val, sizeof(*w));
	u64 wall, boot;
	u32 mul;
	s8 shift;

	if (!w)
		return -EINVAL;
	pvclock_scale(tsc_hz(), &mul, &shift);
	wall = vplat_wall_ns(&sv->svm->plat);
	boot = wall - pvclock_ns(rdtsc(), mul, shift);
	sv->msrs.kvm_wall_clock = val;
	__atomic_store_n(&w->version, (w->version | 1), __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w->sec = (u32)(boot / NS_PER_SEC);
	w->nsec = (u32)(boot % NS_PER_SEC);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&w->version, w->version + 1, __ATOMIC_RELEASE);
	return 0;
}
