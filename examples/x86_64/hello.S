/*
 * The smallest x86 guest: a multiboot1 kernel (the hypervisor starts it
 * in 32-bit protected mode, paging off, at _start) that prints a line on
 * the 16550 UART at port 0x3f8 and ends the VM by writing its exit code
 * to the debug-exit port 0xf4 (see docs/guest-x86_64.md).
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
	mov $0x3f8, %dx			/* COM1's data register */
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	xor %eax, %eax			/* exit code 0: what hello.dts expects */
	mov $0xf4, %dx
	outl %eax, %dx
	hlt

msg:	.asciz "Hello from my own VM\n"
