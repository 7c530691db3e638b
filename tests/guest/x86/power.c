/*
 * Ends the VM the way its multiboot command line names, through the
 * platform's ports (arch/x86/include/asm/vplat_layout.h):
 *   "s5"   ACPI S5: SLP_TYP 5 with SLP_EN in PM1a_CNT (what Linux's
 *          poweroff does with the DSDT's \_S5), the VM powers off;
 *   "cf9"  the reset control register, 0x02 then 0x06 (Linux's and the
 *          FADT's reset), the VM resets;
 *   "kbc"  the 8042's pulse, 0xfe to port 0x64 after waiting for its
 *          input buffer (Linux's kb_wait()), the VM resets;
 *   "restart" resets through 0xcf9 twice, counting its lives in CMOS RAM
 *          (battery-backed: a reset keeps it), and checks that each life
 *          starts from the image as loaded; the third life exits.
 * If the write did not end the VM, the guest reports a test beyond its
 * plan of one and exits through debug-exit: both fail the suite.
 */
#include <guest/guest.h>
#include <lib/string.h>

#define CMOS_LIVES	0x40	/* a byte of CMOS RAM the RTC does not use */
#define LIVES		3

static volatile u32 dirtied;

static u8 cmos_read(u8 index)
{
	outb(0x70, index);
	return inb(0x71);
}

static void cmos_write(u8 index, u8 v)
{
	outb(0x70, index);
	outb(0x71, v);
}

/* Lives before the last only say so: the suite scores the last life's TAP. */
static int restart(void)
{
	u32 life = cmos_read(CMOS_LIVES) + 1u, fresh = !dirtied;

	dirtied = 1;
	cmos_write(CMOS_LIVES, (u8)life);
	if (life < LIVES) {
		diag("life %u of %u%s", life, LIVES, fresh ? "" : ": RAM not as loaded");
		if (!fresh)
			guest_exit(1);
		serial_flush();
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
		bail_out("life %u: the reset register did not reset", life);
	}
	tap_plan(2);
	ok(life == LIVES, "life %u: two resets through 0xcf9 restarted the VM", life);
	ok(fresh, "  and the last life, too, started from the image as loaded");
	return tap_done();
}

int guest_main(const struct mb_info *mbi)
{
	const char *how = mb_cmdline(mbi);
	unsigned int i;

	if (how && !strcmp(how, "restart"))
		return restart();

	tap_plan(1);
	ok(hv_present(), "under the hypervisor, ending by \"%s\"", how ? how : "");
	serial_flush();
	if (how && !strcmp(how, "s5")) {
		outw(0x604, 5 << 10 | 1 << 13);
	} else if (how && !strcmp(how, "cf9")) {
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
	} else if (how && !strcmp(how, "kbc")) {
		for (i = 0; i < 0x10000 && (inb(0x64) & 0x02); i++)
			;
		outb(0x64, 0xfe);
	}
	ok(false, "the VM is still running after \"%s\"", how ? how : "");
	return tap_done();
}
