/*
 * The other side of isolation_probe.c: fills every free page of its RAM
 * with the marker, then halts for good (outcome "halted"). Its pages are
 * never freed, so the marker stays in host memory while the probe looks.
 */
#include <guest/guest.h>

#define MARKER	0x52454b52414d4821ULL

int guest_main(const struct mb_info *mbi)
{
	u64 n = alloc_free_bytes() / PAGE_SIZE, i;
	u64 *p = alloc_pages(n);

	tap_plan(1);
	for (i = 0; i < n * PAGE_SIZE / 8; i++)
		p[i] = MARKER;
	ok(true, "%llu MiB of RAM hold the marker", (n * PAGE_SIZE) >> 20);
	serial_flush();
	for (;;) {
		cli();
		hlt();
	}
}
