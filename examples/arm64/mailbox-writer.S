/*
 * The writer of examples/arm64/mailbox.dts: copies a line into the
 * channel "mailbox" (mapped read-write at 0x20000000: a flag word, then
 * the text), sets the flag, and rings the reader's doorbell (HVC
 * 0xc6000002: channel 0, endpoint 1), again while the reader is not
 * running yet (-EAGAIN); then PSCI SYSTEM_OFF.
 */
	.section .text
	.globl _start
_start:
	adr x1, msg
	movz x2, #0x2000, lsl #16	/* the channel: 0x20000000 */
	add x4, x2, #4			/* the text, after the flag */
1:	ldrb w3, [x1], #1
	strb w3, [x4], #1
	cbnz w3, 1b
	dmb sy				/* the text before the flag */
	mov w3, #1
	str w3, [x2]
2:	movz x0, #0x0002		/* HV_HC_DOORBELL: 0xc6000002 */
	movk x0, #0xc600, lsl #16
	mov x1, #0			/* channel 0, "mailbox" */
	mov x2, #1			/* its endpoint 1, the reader */
	hvc #0
	cmn x0, #11			/* -EAGAIN: not running yet, ring again */
	b.eq 2b
	movz x0, #0x0008		/* PSCI SYSTEM_OFF: 0x84000008 */
	movk x0, #0x8400, lsl #16
	hvc #0
	b .

msg:	.asciz "Hello through the channel"
