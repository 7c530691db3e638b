/*
 * The reader of examples/x86_64/mailbox.dts: waits for the flag of the
 * channel "mailbox" (mapped read-only at 0x10000000), then prints the
 * text after it on COM1 and ends with exit code 0. It polls: a guest
 * that sleeps would route the doorbell (IOAPIC pin 16) to a handler.
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
1:	pause
	cmpl $0, 0x10000000		/* the writer's flag */
	je 1b
	mov $0x10000004, %esi
	mov $0x3f8, %dx			/* COM1's data register */
2:	lodsb
	test %al, %al
	jz 3f
	outb %al, %dx
	jmp 2b
3:	mov $'\n', %al
	outb %al, %dx
	xor %eax, %eax
	mov $0xf4, %dx
	outl %eax, %dx
	hlt
