/* The 8042 without devices (asm/vkbc.h). */
#include <asm/vkbc.h>
#include <asm/vplat_layout.h>

#define CCB_KBD_INT		BIT(0)
#define CCB_SYS			BIT(2)
#define CCB_KBD_DISABLED	BIT(4)
#define CCB_AUX_DISABLED	BIT(5)
#define CCB_XLATE		BIT(6)
#define OUTPORT_RESET_HIGH	BIT(0)
#define OUTPORT_A20		BIT(1)

#define CMD_READ_CCB		0x20
#define CMD_WRITE_CCB		0x60
#define CMD_AUX_DISABLE		0xa7
#define CMD_AUX_ENABLE		0xa8
#define CMD_AUX_TEST		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_KBD_TEST		0xab
#define CMD_KBD_DISABLE		0xad
#define CMD_KBD_ENABLE		0xae
#define CMD_READ_OUTPORT	0xd0
#define CMD_WRITE_OUTPORT	0xd1
#define CMD_WRITE_KBD_OUT	0xd2
#define CMD_WRITE_AUX_OUT	0xd3
#define CMD_WRITE_AUX		0xd4
#define CMD_PULSE_FIRST		0xf0
#define SELF_TEST_OK		0x55

void vkbc_reset(struct vkbc *k)
{
	*k = (struct vkbc){
		.status = VKBC_STS_SYS | VKBC_STS_UNLOCKED,
		.ccb = CCB_KBD_INT | CCB_SYS | CCB_XLATE,
		.outport = OUTPORT_RESET_HIGH | OUTPORT_A20,
	};
}

static void output(struct vkbc *k, u8 val, bool aux)
{
	k->out = val;
	k->status = (k->status & ~VKBC_STS_AUX) | VKBC_STS_OBF | (aux ? VKBC_STS_AUX : 0);
}

u8 vkbc_read(struct vkbc *k, u16 port)
{
	if (port == VPLAT_KBC_CMD_PORT)
		return k->status;
	k->status &= ~(VKBC_STS_OBF | VKBC_STS_AUX);
	return k->out;
}

/* The data byte of a two-byte command; true if it resets. */
static bool command_data(struct vkbc *k, u8 cmd, u8 val)
{
	switch (cmd) {
	case CMD_WRITE_CCB:
		k->ccb = val;
		k->status = (k->status & ~VKBC_STS_SYS) | (val & CCB_SYS ? VKBC_STS_SYS : 0);
		return false;
	case CMD_WRITE_OUTPORT:
		k->outport = val;
		return !(val & OUTPORT_RESET_HIGH);
	case CMD_WRITE_KBD_OUT:
	case CMD_WRITE_AUX_OUT:
		output(k, val, cmd == CMD_WRITE_AUX_OUT);
		return false;
	default:	/* CMD_WRITE_AUX: there is no mouse */
		k->status |= VKBC_STS_TIMEOUT;
		return false;
	}
}

static bool command(struct vkbc *k, u8 cmd)
{
	k->status &= ~VKBC_STS_TIMEOUT;
	if (cmd >= CMD_PULSE_FIRST)
		return !(cmd & OUTPORT_RESET_HIGH);
	switch (cmd) {
	case CMD_READ_CCB:
		output(k, k->ccb, false);
		break;
	case CMD_WRITE_CCB:
	case CMD_WRITE_OUTPORT:
	case CMD_WRITE_KBD_OUT:
	case CMD_WRITE_AUX_OUT:
	case CMD_WRITE_AUX:
		k->pending = cmd;
		break;
	case CMD_AUX_DISABLE:
		k->ccb |= CCB_AUX_DISABLED;
		break;
	case CMD_AUX_ENABLE:
		k->ccb &= ~CCB_AUX_DISABLED;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		output(k, 0x00, false);
		break;
	case CMD_SELF_TEST:
		output(k, SELF_TEST_OK, false);
		break;
	case CMD_KBD_DISABLE:
		k->ccb |= CCB_KBD_DISABLED;
		break;
	case CMD_KBD_ENABLE:
		k->ccb &= ~CCB_KBD_DISABLED;
		break;
	case CMD_READ_OUTPORT:
		output(k, k->outport, false);
		break;
	}
	return false;
}

bool vkbc_write(struct vkbc *k, u16 port, u8 val)
{
	u8 cmd = k->pending;

	if (port == VPLAT_KBC_CMD_PORT) {
		k->status |= VKBC_STS_CMD;
		k->pending = 0;
		return command(k, val);
	}
	k->status &= ~VKBC_STS_CMD;
	k->pending = 0;
	if (cmd)
		return command_data(k, cmd, val);
	/* A byte for the keyboard, which is not there: the controller times out. */
	k->status |= VKBC_STS_TIMEOUT;
	return false;
}
