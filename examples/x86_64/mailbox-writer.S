/*
 * The writer of examples/x86_64/mailbox.dts: copies a line into the
 * channel "mailbox" (mapped read-write at 0x10000000: a flag word, then
 * the text), sets the flag, and rings the reader's doorbell (hypercall 2:
 * channel 0, endpoint 1), again while the reader is not running yet
 * (-EAGAIN); its exit code is the doorbell's answer: 0, or -EPIPE
 * taken as 0 (the reader has read the line and ended already).
 */
	.section .text
	.code32
	.align 4
mb1_header:
	.long 0x1badb002		/* multiboot1 magic */
	.long 0				/* flags: nothing asked of the loader */
	.long -0x1badb002		/* checksum */

	.globl _start
_start:
	lea msg, %esi
	mov $0x10000004, %edi		/* the text, after the flag */
	mov $(msg_end - msg), %ecx
	rep movsb
	movl $1, 0x10000000		/* the flag, after the text (x86 keeps store order) */
1:	mov $2, %eax			/* HV_HC_DOORBELL */
	xor %ebx, %ebx			/* channel 0, "mailbox" */
	mov $1, %ecx			/* its endpoint 1, the reader */
	vmmcall
	cmp $-11, %eax			/* -EAGAIN: not running yet, ring again */
	je 1b
	cmp $-32, %eax			/* -EPIPE: it has read and ended: fine */
	jne 2f
	xor %eax, %eax
2:	mov $0xf4, %dx			/* debug-exit: the doorbell's answer */
	outl %eax, %dx
	hlt

msg:	.asciz "Hello through the channel"
msg_end:
