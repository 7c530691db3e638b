#include "internal.h"

void guest_start(u32 magic, u32 info_pa)
{
	const struct mb_info *mbi = (const struct mb_info *)(uintptr_t)info_pa;

	serial_init();
	exceptions_init();
	/* Everything after this reads the loader's structures. */
	if (magic != MB_BOOT_MAGIC)
		bail_out("not started by a multiboot1 loader: EAX %#x", magic);
	alloc_init(mbi);
	guest_exit((unsigned int)guest_main(mbi));
}

void guest_exit(unsigned int code)
{
	/* The debug-exit stops the machine at once: let the last line out first. */
	serial_flush();
	outl(DEBUG_EXIT_PORT, code);
	for (;;) {
		cli();
		hlt();
	}
}
