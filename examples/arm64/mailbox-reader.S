/*
 * The reader of examples/arm64/mailbox.dts: waits for the flag of the
 * channel "mailbox" (mapped read-only at 0x20000000), then prints the
 * text after it on the PL011 and calls PSCI SYSTEM_OFF. It polls: a
 * guest that sleeps would enable its doorbell (SPI 16, INTID 48) in the
 * GIC and take it in a handler.
 */
	.section .text
	.globl _start
_start:
	movz x2, #0x2000, lsl #16	/* the channel: 0x20000000 */
1:	yield
	ldr w3, [x2]			/* the writer's flag */
	cbz w3, 1b
	dmb sy				/* the flag before the text */
	add x1, x2, #4
	mov x4, #0x09000000		/* the PL011's data register */
2:	ldrb w3, [x1], #1
	cbz w3, 3f
	strb w3, [x4]
	b 2b
3:	mov w3, #'\n'
	strb w3, [x4]
	movz x0, #0x0008		/* PSCI SYSTEM_OFF: 0x84000008 */
	movk x0, #0x8400, lsl #16
	hvc #0
	b .
