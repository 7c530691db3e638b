#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

/*
 * The x86 test-guest library. A guest is one C file that defines
 * guest_main(); the library's crt0 makes it a multiboot1 kernel, so the
 * same binary boots on bare QEMU (-kernel) and under the hypervisor.
 *
 * On entry to guest_main() the CPU is in 64-bit mode at CPL0 with
 * interrupts off, on an identity map of the first 4 GiB (2 MiB pages,
 * 3-4 GiB uncached for devices), with the library's GDT, TSS and an IDT
 * whose 256 vectors all reach the dispatcher of <guest/exception.h>.
 * COM1 is initialised, and the page allocator starts above the image and
 * everything the loader handed over.
 *
 * The guest reports TAP on COM1 and leaves through the isa-debug-exit
 * port, so that QEMU (and the hypervisor's VMM) exits with status
 * (code << 1) | 1: 1 for a pass, never 0, which is what a triple fault
 * or a power-off gives.
 */
#include <lib/compiler.h>
#include <guest/alloc.h>
#include <guest/console.h>
#include <guest/exception.h>
#include <guest/hv.h>
#include <guest/multiboot.h>
#include <guest/pc.h>
#include <guest/platform.h>
#include <guest/tap.h>
#include <guest/x86.h>

/* The guest image in memory, from guest.ld: [__image_start, __image_end). */
extern char __image_start[], __image_end[];

/*
 * Defined by each guest. @mbi is the loader's multiboot information
 * (checked for the boot magic already). The return value, usually
 * tap_done(), is the exit code; it must be below 128 to survive the
 * host's 8-bit exit status.
 */
int guest_main(const struct mb_info *mbi);

/*
 * Writes @code to the debug-exit port; if nothing is there (real
 * hardware, a VMM without the device) stops the CPU for good.
 */
__noreturn void guest_exit(unsigned int code);

/*
 * guest32_entry: an optional hook, in assembly (the library has no 32-bit
 * C), that crt0 calls in 32-bit protected mode with paging off, on the
 * library's GDT (CS = KERNEL_CS32) and stack, before long mode is
 * entered: cdecl, with the boot magic and the info address as arguments.
 * It must preserve %ebx, %esi, %edi and %ebp. The library's weak default
 * returns at once, which is what every 64-bit-only guest wants.
 */

#endif
