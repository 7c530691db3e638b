/*
 * A guest that owns a device: QEMU virt's PL031 RTC, which
 * examples/arm64/passthrough.dts maps at 0x09100000. It reads the RTC's
 * PrimeCell ID byte (0x0d) and its seconds from the chip itself and
 * prints them in hex on the PL011 (the hypervisor's emulated UART), then
 * asks PSCI (HVC) to turn the system off.
 */
	.section .text
	.globl _start
_start:
	mov x5, #0x09100000		/* the PL031, this VM's own */
	mov x2, #0x09000000		/* the PL011's data register */
	adr x1, id_msg
	bl puts
	ldr w4, [x5, #0xff0]		/* PrimeCell ID 0: 0x0d */
	bl puthex
	adr x1, dr_msg
	bl puts
	ldr w4, [x5, #0x000]		/* RTCDR: seconds since 1970 */
	bl puthex
	adr x1, nl
	bl puts
	movz x0, #0x0008		/* PSCI SYSTEM_OFF: 0x84000008 */
	movk x0, #0x8400, lsl #16
	hvc #0
	b .

puts:	ldrb w3, [x1], #1
	cbz w3, 1f
	strb w3, [x2]
	b puts
1:	ret

/* w4 as 8 hex digits. */
puthex:	mov x6, #28
1:	lsr w3, w4, w6
	and w3, w3, #0xf
	cmp w3, #10
	add w7, w3, #'0'
	add w8, w3, #('a' - 10)
	csel w3, w7, w8, lo
	strb w3, [x2]
	subs x6, x6, #4
	b.ge 1b
	ret

id_msg:	.asciz "The PL031 is mine: ID 0x"
dr_msg:	.asciz ", it says 0x"
nl:	.asciz " seconds\n"
