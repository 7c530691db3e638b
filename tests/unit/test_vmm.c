/* SOURCES: core/vmm/vmm.c core/vmm/outcome.c core/vmm/uart16550.c core/vmm/pl011.c core/vmm/debug_exit.c core/vmm/access_counter.c core/vcpu.c core/vm.c core/vm_reset.c core/channel.c lib/fdt.c lib/string.c lib/errno.c */
#include "test_support.h"
#include "fake_arch.h"

#include <core/vmm.h>
#include <lib/errno.h>

/*
 * The VMM's side of the ABI: what it does with each exit reason, and the
 * device models behind the IO and MMIO exits.
 */
#include "fake_host_exits.h"
#include "fake_timer.h"

static struct vm *vm;
static struct vcpu *vcpu;

static int setup(void **state)
{
	fake_console_clear();
	memset(fake_irq_level, 0, sizeof(fake_irq_level));
	vm = vm_create("guest7");
	assert_int_equal(vmm_add_vm(vm), 0);
	assert_int_equal(vm_add_ram(vm, 0, 1 << 20), 0);
	vcpu = vm_add_vcpu(vm, 0);
	assert_int_equal(uart16550_create(vm, VMM_SPACE_PIO, 0x3f8, 4, false), 0);
	assert_int_equal(debug_exit_create(vm, VMM_SPACE_PIO, 0xf4), 0);
	assert_int_equal(uart16550_create(vm, VMM_SPACE_MMIO, 0x9000000, 6, true), 0);
	assert_int_equal(pl011_create(vm, 0x9100000, 5), 0);
	assert_int_equal(vm_finalize(vm), 0);
	return 0;
}

static int teardown(void **state)
{
	vm_destroy(vm);
	return 0;
}

static int io(u16 port, u8 dir, u8 size, u64 data)
{
	vcpu->run.exit_reason = HV_EXIT_IO;
	vcpu->run.io = (struct hv_run_io){ dir, size, port, 1, data };
	return vmm_handle_exit(vcpu);
}

static int mmio(u64 gpa, bool write, u32 len, u64 data)
{
	vcpu->run.exit_reason = HV_EXIT_MMIO;
	vcpu->run.mmio = (struct hv_run_mmio){ .phys_addr = gpa, .len = len, .is_write = write };
	memcpy(vcpu->run.mmio.data, &data, 8);
	return vmm_handle_exit(vcpu);
}

#define U2		0x9000000	/* the MMIO 16550, console-input */
#define PL011		0x9100000
#define PL011_FR	(PL011 + 0x18)
#define PL011_IMSC	(PL011 + 0x38)
#define PL011_RIS	(PL011 + 0x3c)
#define PL011_MIS	(PL011 + 0x40)
#define PL011_ICR	(PL011 + 0x44)

static u64 mmio_read(u64 gpa, u32 len)
{
	u64 v = 0;

	assert_int_equal(mmio(gpa, false, len, 0), 0);
	memcpy(&v, vcpu->run.mmio.data, len);
	return v;
}

/*
 * The PL011: lines with the VM's name, an always-empty FIFO, its IDs, the
 * TX interrupt. (Part of test_uart_lines_prefixed: the VMM keeps at most
 * VMM_MAX_VMS, and every test's setup registers one.)
 */
static void check_pl011(void)
{
	const char *s = "pl011 line\r\n";

	for (; *s; s++)
		assert_int_equal(mmio(PL011, true, 4, (u8)*s), 0);
	assert_non_null(strstr(fake_console, "[guest7] pl011 line\n"));
	assert_int_equal(mmio_read(PL011_FR, 4), 0x90);		/* TXFE | RXFE */
	assert_int_equal(mmio_read(PL011 + 0xfe0, 4), 0x11);
	assert_int_equal(mmio_read(PL011 + 0xffc, 4), 0xb1);
	assert_int_equal(mmio_read(PL011 + 0x24, 2), 0);	/* IBRD */
	mmio(PL011 + 0x24, true, 4, 0x12345);
	assert_int_equal(mmio_read(PL011 + 0x24, 4), 0x2345);

	assert_false(fake_irq_level[5]);
	mmio(PL011_IMSC, true, 4, 0x20);			/* TX unmasked: FIFO empty */
	assert_true(fake_irq_level[5]);
	assert_int_equal(mmio_read(PL011_MIS, 4), 0x20);
	mmio(PL011_ICR, true, 4, 0x20);
	assert_false(fake_irq_level[5]);
	assert_int_equal(mmio_read(PL011_RIS, 4), 0);
	mmio(PL011, true, 1, 'z');				/* drained at once: TX again */
	assert_true(fake_irq_level[5]);
	mmio(PL011_IMSC, true, 4, 0);
	assert_false(fake_irq_level[5]);
	assert_int_equal(mmio_read(PL011_RIS, 4), 0x20);
}

static void test_uart_lines_prefixed(void **state)
{
	const char *s = "hello\r\nworld\n";

	for (; *s; s++)
		assert_int_equal(io(0x3f8, HV_IO_OUT, 1, (u8)*s), 0);
	assert_non_null(strstr(fake_console, "[guest7] hello\n"));
	assert_non_null(strstr(fake_console, "[guest7] world\n"));
	/* LSR: the transmitter is always ready. */
	assert_int_equal(io(0x3fd, HV_IO_IN, 1, 0), 0);
	assert_int_equal(vcpu->run.io.data, 0x60);
	/* The same model over MMIO, the console's own: its bytes go out raw, unprefixed. */
	assert_int_equal(mmio(0x9000000, true, 1, 'x'), 0);
	assert_int_equal(mmio(0x9000000, true, 1, '\n'), 0);
	assert_null(strstr(fake_console, "[guest7] x"));
	assert_non_null(strstr(fake_console, "x\n"));
	check_pl011();
}

/*
 * The console-input UART: the first access arms the poll; what was typed
 * fills the FIFO, sets LSR.DR and raises the received-data interrupt
 * (IIR 0x04, ahead of THR empty); RBR reads drain it in order. (Part of
 * test_uart_registers: every test's setup registers one of the
 * VMM_MAX_VMS.)
 */
static void check_uart_console_input(void)
{
	struct timer *poll;

	fake_console_input = NULL;
	fake_timer_last = NULL;
	mmio(U2 + 1, true, 1, 0x03);			/* ERBFI | ETBEI */
	poll = fake_timer_last;				/* armed by the first access */
	assert_true(poll && poll->armed);
	assert_int_equal(mmio_read(U2 + 2, 1), 0x02);	/* THR empty, acknowledged */
	assert_false(fake_irq_level[6]);
	fake_console_input = "ls\r";
	fake_timer_fire(poll);
	assert_true(poll->armed);			/* polls again */
	assert_true(fake_irq_level[6]);
	assert_int_equal(mmio_read(U2 + 5, 1), 0x61);	/* DR */
	assert_int_equal(mmio_read(U2 + 2, 1), 0x04);	/* received data */
	assert_int_equal(mmio_read(U2, 1), 'l');
	assert_int_equal(mmio_read(U2, 1), 's');
	assert_int_equal(mmio_read(U2, 1), '\r');
	assert_false(fake_irq_level[6]);
	assert_int_equal(mmio_read(U2 + 5, 1), 0x60);
	assert_int_equal(mmio_read(U2, 1), 0);		/* empty reads 0 */
	fake_console_input = "0123456789abcdefXYZ";	/* more than the FIFO holds */
	fake_timer_fire(poll);
	assert_int_equal(*fake_console_input, 'X');	/* the rest waits in the host UART */
	/* The PIO UART has no console input: LSR never shows data. */
	io(0x3fd, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x60);
}

static void test_uart_registers(void **state)
{
	io(0x3fb, HV_IO_OUT, 1, 0x80);			/* DLAB */
	io(0x3f8, HV_IO_OUT, 1, 0x0c);
	io(0x3f9, HV_IO_OUT, 1, 0x00);
	io(0x3f8, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x0c);	/* divisor latch, not a character */
	io(0x3fb, HV_IO_OUT, 1, 0x03);
	io(0x3ff, HV_IO_OUT, 1, 0x5a);
	io(0x3ff, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x5a);	/* scratch */
	io(0x3fa, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x01);	/* no interrupt pending */
	assert_false(fake_irq_level[4]);
	io(0x3f9, HV_IO_OUT, 1, 0x02);			/* ETBEI with an empty THR */
	assert_true(fake_irq_level[4]);
	io(0x3fa, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x02);	/* THR empty */
	assert_false(fake_irq_level[4]);
	io(0x3fa, HV_IO_IN, 1, 0);
	assert_int_equal(vcpu->run.io.data, 0x01);	/* acknowledged by the read */
	io(0x3f8, HV_IO_OUT, 1, 'a');			/* a new character, a new interrupt */
	assert_true(fake_irq_level[4]);
	assert_int_equal(fake_console_len, 0);
	check_uart_console_input();
}

static void test_debug_exit_stops_with_code(void **state)
{
	assert_int_equal(io(0xf4, HV_IO_OUT, 1, 3), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_EXIT_CODE);
	assert_int_equal(vm->vmm->outcome_code, 3);
	assert_true(vm_stop_requested(vm));
	/* The first outcome wins. */
	vmm_stop_vm(vm, VMM_OUTCOME_SHUTDOWN, 0, "later");
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_EXIT_CODE);
}

static void test_unknown_access_ignore_policy(void **state)
{
	assert_int_equal(io(0x80, HV_IO_IN, 2, 0), 0);
	assert_int_equal(vcpu->run.io.data, 0xffff);
	assert_int_equal(io(0x80, HV_IO_OUT, 1, 0), 0);
	assert_int_equal(mmio(0xfee00000, false, 4, 0xdead), 0);
	assert_int_equal(vcpu->run.mmio.data[0], 0);
	/* One warning per VM, not one per access. */
	assert_non_null(strstr(fake_console, "IO port read of 2 bytes at 0x80"));
	assert_null(strstr(fake_console, "IO port write"));
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_RUNNING);
	/* A port range the device only partly covers is not the device's. */
	assert_int_equal(io(0x3ff, HV_IO_IN, 4, 0), 0);
	assert_int_equal(vcpu->run.io.data, 0xffffffff);
	/*
	 * The test device that counts them (4 so far): its own reads are
	 * device accesses, not counted; it has nothing to write, and a guest
	 * that tries is stopped.
	 */
	assert_int_equal(access_counter_create(vm, VMM_SPACE_PIO, 0x510), 0);
	assert_int_equal(access_counter_create(vm, VMM_SPACE_PIO, 0x512), -EBUSY);
	assert_int_equal(io(0x510, HV_IO_IN, 4, 0), 0);
	assert_int_equal(vcpu->run.io.data, 4);
	mmio(0xfee00000, true, 8, 0);
	assert_int_equal(io(0x510, HV_IO_IN, 4, 0), 0);
	assert_int_equal(vcpu->run.io.data, 5);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_RUNNING);
	assert_int_equal(io(0x510, HV_IO_OUT, 4, 0), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_ERROR);
}

static void test_unknown_access_stop_policy(void **state)
{
	vm->vmm->unknown_policy = VMM_UNKNOWN_STOP;
	assert_int_equal(mmio(0xfee00000, true, 4, 1), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_UNHANDLED_ACCESS);
	assert_non_null(strstr(vm->vmm->outcome_msg, "0xfee00000"));
}

static void test_bad_mmio_length_stops(void **state)
{
	assert_int_equal(mmio(0x9000000, true, 3, 0), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_ERROR);
}

static void test_console_hypercall(void **state)
{
	struct hv_run_hypercall *hc = &vcpu->run.hypercall;

	vm_write_guest(vm, 0x1000, "from a hypercall\nsecond", 23);
	vcpu->run.exit_reason = HV_EXIT_HYPERCALL;
	*hc = (struct hv_run_hypercall){ .nr = HV_HC_CONSOLE_WRITE, .args = { 0x1000, 23 } };
	assert_int_equal(vmm_handle_exit(vcpu), 0);
	assert_int_equal(hc->ret, 23);
	assert_non_null(strstr(fake_console, "[guest7] from a hypercall\n[guest7] second\n"));

	*hc = (struct hv_run_hypercall){ .nr = HV_HC_CONSOLE_WRITE, .args = { 0xff800, 0x1000 } };
	vmm_handle_exit(vcpu);
	assert_true(hc->ret == (u64)-EFAULT);
	*hc = (struct hv_run_hypercall){ .nr = HV_HC_CONSOLE_WRITE, .args = { 0, 1 << 20 } };
	vmm_handle_exit(vcpu);
	assert_true(hc->ret == (u64)-EINVAL);
	*hc = (struct hv_run_hypercall){ .nr = 999 };
	vmm_handle_exit(vcpu);
	assert_true(hc->ret == HV_HC_ENOSYS);
}

static void test_fatal_exits_stop_the_vm(void **state)
{
	static const struct {
		u32 reason;
		u32 outcome;
	} cases[] = {
		{ HV_EXIT_SHUTDOWN, VMM_OUTCOME_SHUTDOWN },
		{ HV_EXIT_HLT, VMM_OUTCOME_HALTED },
		{ HV_EXIT_FAIL_ENTRY, VMM_OUTCOME_FAIL_ENTRY },
		{ HV_EXIT_INTERNAL_ERROR, VMM_OUTCOME_INTERNAL_ERROR },
		{ HV_EXIT_UNKNOWN, VMM_OUTCOME_ERROR },
		{ 12345, VMM_OUTCOME_ERROR },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		vm->vmm->outcome = VMM_OUTCOME_RUNNING;
		vcpu->run.exit_reason = cases[i].reason;
		assert_int_equal(vmm_handle_exit(vcpu), 1);
		assert_int_equal(vm->vmm->outcome, cases[i].outcome);
	}
	vm->vmm->outcome = VMM_OUTCOME_RUNNING;
	vcpu->run.exit_reason = HV_EXIT_SYSTEM_EVENT;
	vcpu->run.system_event.type = HV_SYSTEM_EVENT_SHUTDOWN;
	assert_int_equal(vmm_handle_exit(vcpu), 1);
	assert_int_equal(vm->vmm->outcome, VMM_OUTCOME_SYSTEM_OFF);
}

static void test_outcome_names(void **state)
{
	u32 o;
	u64 c;

	assert_int_equal(vmm_parse_outcome("exit:5", &o, &c), 0);
	assert_true(o == VMM_OUTCOME_EXIT_CODE && c == 5);
	assert_int_equal(vmm_parse_outcome("dead", &o, &c), 0);
	assert_int_equal(o, VMM_OUTCOME_DEAD);
	assert_int_equal(vmm_parse_outcome("running", &o, &c), -EINVAL);
	assert_int_equal(vmm_parse_outcome("exit:x", &o, &c), -EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_uart_lines_prefixed), T(test_uart_registers),
		T(test_debug_exit_stops_with_code), T(test_unknown_access_ignore_policy),
		T(test_unknown_access_stop_policy), T(test_bad_mmio_length_stops),
		T(test_console_hypercall), T(test_fatal_exits_stop_the_vm),
		cmocka_unit_test(test_outcome_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
