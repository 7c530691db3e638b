/*
 * "Every vCPU in cli; hlt is a power-off", on a 3-vCPU VM: CPU 1 is
 * started and halts with interrupts off, CPU 2 is never started. A lone
 * AP halted so must not end the VM: the BSP goes on and says so. Then
 * the BSP halts with interrupts off too, and the VM ends ("halted").
 */
#include <guest/apic.h>
#include <guest/guest.h>

static volatile u32 parked;

static void park(void *arg)
{
	parked = 1;
	for (;;) {
		cli();
		hlt();
	}
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(3);
	apic_enable();
	smp_init();
	ok(smp_start_cpu(1), "CPU 1 started");
	/* The call never returns: its completion is not waited for, the flag is. */
	smp_call(1, park, NULL);
	ok(parked, "CPU 1 halted with interrupts off");
	smp_delay_ms(50);
	ok(true, "the VM runs on with one AP halted and one never started");
	serial_flush();
	for (;;) {
		cli();
		hlt();
	}
}
