#ifndef ASM_VKBC_H
#define ASM_VKBC_H

#include <asm/vplat_layout.h>
#include <lib/compiler.h>

/*
 * The 8042 keyboard controller with no keyboard or mouse behind it, at
 * ports 0x60 (data) and 0x64 (status and command): enough for a guest's
 * probe to see a sane controller and for the reboot paths to reset the
 * machine. Register logic only; the caller serializes.
 *
 * Status: the output buffer flag, the system flag (self-test passed),
 * the last-write-was-a-command flag, "not inhibited", and the timeout
 * flag after a byte sent to the absent keyboard or mouse. Commands:
 * read/write the command byte (0x20/0x60), self-test (0xaa → 0x55),
 * interface tests (0xab, 0xa9 → 0x00), disable/enable the keyboard and
 * the mouse port (0xad/0xae, 0xa7/0xa8), read/write the output port
 * (0xd0/0xd1; a written 0 in bit 0 resets), echo a byte as if from the
 * keyboard or the mouse (0xd2/0xd3), send to the mouse (0xd4: nobody
 * answers), and pulse the output lines (0xf0-0xff; bit 0 low resets,
 * which is 0xfe, the PC's reset). Other commands do nothing, as on the
 * chip.
 */
#define VKBC_DATA_PORT		VPLAT_KBC_DATA_PORT
#define VKBC_STS_OBF		BIT(0)
#define VKBC_STS_SYS		BIT(2)
#define VKBC_STS_CMD		BIT(3)
#define VKBC_STS_UNLOCKED	BIT(4)
#define VKBC_STS_AUX		BIT(5)
#define VKBC_STS_TIMEOUT	BIT(6)

struct vkbc {
	u8 status;
	u8 out;			/* the output buffer */
	u8 ccb;			/* the command byte */
	u8 outport;		/* bit 0: reset line (1: not reset), bit 1: A20 */
	u8 pending;		/* a command waiting for its data byte, or 0 */
};

void vkbc_reset(struct vkbc *k);
u8 vkbc_read(struct vkbc *k, u16 port);
/* True: the write pulsed the CPU's reset line. */
bool vkbc_write(struct vkbc *k, u16 port, u8 val);

#endif
