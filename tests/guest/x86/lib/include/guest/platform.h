#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

/*
 * The machine a test guest expects, on bare QEMU and under the
 * hypervisor's VMM alike. Safe for assembly (crt0.S uses it).
 */

/* A 16550 UART, the console that carries TAP. */
#define COM1_PORT		0x3f8

/*
 * isa-debug-exit (QEMU's -device isa-debug-exit,iobase=0xf4,iosize=4):
 * writing v stops the machine with status (v << 1) | 1.
 */
#define DEBUG_EXIT_PORT		0xf4

/* Exit codes: each failure mode has its own status. */
#define GUEST_EXIT_PASS		0	/* QEMU status 1 */
#define GUEST_EXIT_FAIL		1	/* status 3: a test failed, or the plan was not met */
#define GUEST_EXIT_BAIL		2	/* status 5: bail_out(), or no long mode */
#define GUEST_EXIT_EXCEPTION	3	/* status 7: an exception no one expected */

#endif
