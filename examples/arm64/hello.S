/*
 * The smallest arm64 guest: the hypervisor starts it at EL1 with the MMU
 * off, at _start (an ELF's entry), x0 pointing at its DTB. It prints a
 * line on the PL011 at 0x09000000 and asks PSCI (through HVC) to turn
 * the system off (see docs/guest-arm64.md).
 */
	.section .text
	.globl _start
_start:
	adr x1, msg
	mov x2, #0x09000000		/* the PL011's data register */
1:	ldrb w3, [x1], #1
	cbz w3, 2f
	strb w3, [x2]
	b 1b
2:	movz x0, #0x0008		/* PSCI SYSTEM_OFF: 0x84000008 */
	movk x0, #0x8400, lsl #16
	hvc #0
	b .

msg:	.asciz "Hello from my own VM\n"
