/* SOURCES: arch/x86/passthrough.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/ioapic.h>
#include <asm/passthrough.h>
#include <asm/svm.h>
#include <asm/vmcb.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * x86 passthrough (arch/x86/passthrough.c) against a recorded host
 * IOAPIC and VM lines: the IOPM bits a VM's ports clear, a pin routed to
 * vCPU 0's CPU and unmasked only once the VM runs, an edge pulsed, a
 * level held masked until the guest's EOI, a reset and a destroy that
 * give the pin back masked.
 */

struct percpu percpu_data[MAX_CPUS];

int printk(const char *fmt, ...)
{
	return 0;
}

static struct {
	u8 vector;
	u32 apic_id;
	bool masked, routed;
} pin_state[X86_PT_PINS];
static bool pins_level;
static u32 line_high[VPLAT_IOAPIC_PINS], line_rises[VPLAT_IOAPIC_PINS];

u32 ioapic_nr_pins(void)
{
	return X86_PT_PINS;
}

bool ioapic_route(u32 pin, u8 vector, u32 apic_id)
{
	pin_state[pin].vector = vector;
	pin_state[pin].apic_id = apic_id;
	pin_state[pin].masked = true;
	pin_state[pin].routed = true;
	return pins_level;
}

void ioapic_set_masked(u32 pin, bool masked)
{
	pin_state[pin].masked = masked;
}

int arch_vm_irq_line(struct vm *vm, u32 irq, bool level)
{
	if (level && !line_high[irq])
		line_rises[irq]++;
	line_high[irq] = level;
	return 0;
}

u32 vplat_ioapic_pin(u32 irq)
{
	return irq == 0 ? 2 : irq;
}

u32 vm_state(const struct vm *vm)
{
	return vm->state;
}

void *page_alloc_contig(size_t n, u64 align)
{
	void *p;

	if (posix_memalign(&p, 4096, n * 4096))
		return NULL;
	return p;
}

void page_free_contig(void *p, size_t n)
{
	free(p);
}

static struct vm vm, other;
static struct vcpu vcpu0, other_vcpu0;
static struct svm_vm svm, other_svm;

static int setup(void **state)
{
	memset(pin_state, 0, sizeof(pin_state));
	memset(line_high, 0, sizeof(line_high));
	memset(line_rises, 0, sizeof(line_rises));
	pins_level = false;
	memset(&svm, 0, sizeof(svm));
	memset(&other_svm, 0, sizeof(other_svm));
	vm = (struct vm){ .state = VM_CREATED, .arch = &svm, .nr_vcpus = 1 };
	other = (struct vm){ .state = VM_CREATED, .arch = &other_svm, .nr_vcpus = 1 };
	vcpu0 = (struct vcpu){ .vm = &vm, .pcpu = 2 };
	other_vcpu0 = (struct vcpu){ .vm = &other, .pcpu = 3 };
	vm.vcpus[0] = &vcpu0;
	other.vcpus[0] = &other_vcpu0;
	percpu_data[2].hw_id = 0x12;
	percpu_data[3].hw_id = 0x13;
	return 0;
}

static int teardown(void **state)
{
	x86_pt_release(&vm);
	x86_pt_release(&other);
	return 0;
}

static bool intercepted(const u8 *iopm, u32 port)
{
	return iopm[port / 8] & (1u << (port % 8));
}

static void test_ports(void **state)
{
	assert_int_equal(x86_pt_iopm_pa(&vm), 0);
	assert_int_equal(x86_pt_open_ports(&vm, 0x2f8, 8), 0);
	assert_int_equal(x86_pt_open_ports(&vm, 0xffff, 1), 0);
	assert_non_null(svm.iopm);
	assert_true(x86_pt_iopm_pa(&vm) == (u64)(uintptr_t)svm.iopm);
	assert_true(intercepted(svm.iopm, 0x2f7) && intercepted(svm.iopm, 0x300));
	assert_false(intercepted(svm.iopm, 0x2f8) || intercepted(svm.iopm, 0x2ff));
	assert_false(intercepted(svm.iopm, 0xffff));
	/* The map's last byte (an access crossing 0xffff) stays intercepted. */
	assert_int_equal(svm.iopm[IOPM_SIZE - 1], 0xff);
	assert_int_equal(x86_pt_open_ports(&vm, 0xfff0, 0x20), -EINVAL);
	assert_int_equal(x86_pt_open_ports(&vm, 0x10, 0), -EINVAL);
	/* Another VM keeps the shared map. */
	assert_int_equal(x86_pt_iopm_pa(&other), 0);
	x86_pt_release(&vm);
	assert_null(svm.iopm);
}

static void test_pin_route_and_owner(void **state)
{
	assert_int_equal(x86_pt_give_pin(&vm, 3, 4), 0);
	assert_true(pin_state[3].routed && pin_state[3].masked);
	assert_int_equal(pin_state[3].vector, X86_PT_VECTOR_BASE + 3);
	assert_int_equal(pin_state[3].apic_id, 0x12);
	/* The VM's IOAPIC reports its EOIs to us now; the other's does not. */
	assert_true(svm.plat.ioapic.eoi_notify == x86_pt_guest_eoi);
	assert_null(other_svm.plat.ioapic.eoi_notify);
	assert_int_equal(x86_pt_give_pin(&other, 3, 3), -EBUSY);
	assert_int_equal(x86_pt_give_pin(&other, X86_PT_PINS, 3), -EINVAL);
	assert_int_equal(x86_pt_give_pin(&other, 5, VPLAT_IOAPIC_PINS), -EINVAL);
	/* Unmasked when the VM starts, not before; only its own pins. */
	x86_pt_start(&other);
	assert_true(pin_state[3].masked);
	x86_pt_start(&vm);
	assert_false(pin_state[3].masked);
	x86_pt_release(&vm);
	assert_true(pin_state[3].masked);
	assert_int_equal(x86_pt_give_pin(&other, 3, 3), 0);
}

/* Before the VM runs an edge is dropped and a level pin masked; a pin of nobody masked. */
static void test_not_running(void **state)
{
	assert_int_equal(x86_pt_give_pin(&vm, 3, 3), 0);
	pin_state[3].masked = false;
	x86_pt_interrupt(3);
	assert_int_equal(line_rises[3], 0);
	assert_false(pin_state[3].masked);
	pins_level = true;
	assert_int_equal(x86_pt_give_pin(&vm, 9, 9), 0);
	pin_state[9].masked = false;
	x86_pt_interrupt(9);
	assert_true(pin_state[9].masked);
	assert_int_equal(line_rises[9], 0);
	pin_state[7].masked = false;
	x86_pt_interrupt(7);
	assert_true(pin_state[7].masked);
	x86_pt_interrupt(X86_PT_PINS);
}

static void test_edge_pulses(void **state)
{
	assert_int_equal(x86_pt_give_pin(&vm, 3, 4), 0);
	vm.state = VM_FINALIZED;
	x86_pt_start(&vm);
	x86_pt_interrupt(3);
	x86_pt_interrupt(3);
	assert_int_equal(line_rises[4], 2);
	assert_false(line_high[4]);
	assert_false(pin_state[3].masked);
}

/*
 * Level: masked and the line held high until the EOI of the guest pin it
 * drives (ISA IRQ 0 is pin 2); then low, unmasked. An EOI of another pin
 * or another VM changes nothing.
 */
static void test_level_resample(void **state)
{
	pins_level = true;
	assert_int_equal(x86_pt_give_pin(&vm, 10, 0), 0);
	vm.state = VM_FINALIZED;
	x86_pt_start(&vm);
	x86_pt_interrupt(10);
	assert_true(pin_state[10].masked);
	assert_true(line_high[0]);
	x86_pt_guest_eoi(&vm, BIT(0));
	x86_pt_guest_eoi(&other, BIT(2));
	assert_true(pin_state[10].masked && line_high[0]);
	x86_pt_guest_eoi(&vm, BIT(2));
	assert_false(pin_state[10].masked);
	assert_false(line_high[0]);
	/* A reset drops a held line too, so the new life is not left without it. */
	x86_pt_interrupt(10);
	x86_pt_reset(&vm);
	assert_false(pin_state[10].masked);
	assert_false(line_high[0]);
	/* A start while held keeps the pin masked: the EOI owes it. */
	x86_pt_interrupt(10);
	x86_pt_start(&vm);
	assert_true(pin_state[10].masked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_route_and_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_pulses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_resample, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
