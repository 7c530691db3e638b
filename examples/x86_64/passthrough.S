/*
 * A guest that owns a device: QEMU's second 16550 (COM2, ports 0x2f8-0x2ff),
 * which examples/x86_64/passthrough.dts passes through. It writes a line
 * to COM2 itself (QEMU's second serial port shows it), checks that COM2's
 * scratch register holds what it wrote, and says which on COM1, the
 * hypervisor's emulated UART, before it ends through the debug-exit port.
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
	lea com2_msg, %esi
1:	mov $0x2fd, %dx			/* COM2's line status: wait for THR empty */
2:	inb %dx, %al
	test $0x20, %al
	jz 2b
	lodsb
	test %al, %al
	jz 3f
	mov $0x2f8, %dx			/* COM2's data register: the device itself */
	outb %al, %dx
	jmp 1b
3:	mov $0x2ff, %dx			/* COM2's scratch register */
	mov $0x5a, %al
	outb %al, %dx
	inb %dx, %al
	lea ok_msg, %esi
	cmp $0x5a, %al
	je 4f
	lea fail_msg, %esi
4:	mov $0x3f8, %dx			/* COM1: the VM's emulated console */
5:	lodsb
	test %al, %al
	jz 6f
	outb %al, %dx
	jmp 5b
6:	xor %eax, %eax			/* exit code 0: what passthrough.dts expects */
	mov $0xf4, %dx
	outl %eax, %dx
	hlt

com2_msg:	.asciz "Hello through COM2, which this VM drives itself\r\n"
ok_msg:		.asciz "COM2 is mine: its scratch register holds what I wrote\n"
fail_msg:	.asciz "COM2 did not answer\n"
