#include <asm/spcr.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

/* Offsets in the SPCR (revisions 1 and 2 share them). */
#define SPCR_IFACE_TYPE		36
#define SPCR_BASE_GAS		40
#define SPCR_BAUD		58

/* DBG2 serial subtypes: full 16550, the 16450 subset, 16550 described by the GAS. */
#define SPCR_16550		0x00
#define SPCR_16450		0x01
#define SPCR_16550_GAS		0x12

/* ACPI generic address structure. */
#define GAS_SPACE		0
#define GAS_BIT_WIDTH		1
#define GAS_ACCESS_SIZE		3
#define GAS_ADDRESS		4
#define GAS_SPACE_MEMORY	0
#define GAS_SPACE_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_DWORD	3

#define UART_LAST_REG		7
#define IO_PORT_MAX		0xffff

/* Baud rate codes: the index is the code; 0 = "as is", the firmware's setting. */
static const u32 spcr_bauds[] = { 0, 0, 0, 9600, 19200, 0, 57600, 115200 };

static bool iface_is_16550(u8 type)
{
	return type == SPCR_16550 || type == SPCR_16450 || type == SPCR_16550_GAS;
}

/*
 * Register width from the GAS: the access size when given, else the bit
 * width (ACPI 1.0 tables leave the access size 0). Returns the width in
 * bytes (1 or 4), or 0 if neither says something we can drive.
 */
static u8 gas_reg_width(const u8 *gas)
{
	u8 access = gas[GAS_ACCESS_SIZE], bits = gas[GAS_BIT_WIDTH];

	if (access == GAS_ACCESS_BYTE || (!access && bits == 8))
		return 1;
	if (access == GAS_ACCESS_DWORD || (!access && bits == 32))
		return 4;
	return 0;
}

static int spcr_baud(u8 code, u32 *baud)
{
	if (code >= ARRAY_SIZE(spcr_bauds) || (code && !spcr_bauds[code]))
		return -EINVAL;
	*baud = spcr_bauds[code];
	return 0;
}

static int spcr_address(const u8 *gas, struct uart_port *p)
{
	u8 width = gas_reg_width(gas);

	memcpy(&p->base, gas + GAS_ADDRESS, 8);
	if (!p->base)
		return -ENODEV;
	if (!width)
		return -EINVAL;
	p->reg_width = width;
	p->reg_shift = width == 4 ? 2 : 0;
	if (gas[GAS_SPACE] == GAS_SPACE_MEMORY) {
		p->space = UART_SPACE_MMIO;
		return p->base + (UART_LAST_REG << p->reg_shift) < p->base ? -EINVAL : 0;
	}
	if (gas[GAS_SPACE] != GAS_SPACE_IO || width != 1)
		return -EINVAL;
	p->space = UART_SPACE_IO;
	return p->base + UART_LAST_REG > IO_PORT_MAX ? -EINVAL : 0;
}

int spcr_parse(const u8 *t, u32 len, struct uart_port *out)
{
	struct uart_port p = { 0 };
	int err;

	if (len < SPCR_MIN_LEN)
		return -EINVAL;
	if (!iface_is_16550(t[SPCR_IFACE_TYPE]))
		return -ENODEV;
	err = spcr_address(t + SPCR_BASE_GAS, &p);
	if (!err)
		err = spcr_baud(t[SPCR_BAUD], &p.baud);
	if (!err)
		*out = p;
	return err;
}
