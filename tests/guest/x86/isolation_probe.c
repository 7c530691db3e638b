/*
 * Isolation, probed from inside a VM. Every guest-physical page from the
 * end of this VM's RAM to the top of the host's RAM (1 GiB in the test
 * machine: where the hypervisor, the other VM and every free page are),
 * then every 2 MiB up to 4 GiB and the pages where the host's devices
 * are (LAPIC, IOAPIC, HPET, firmware): each read must be an MMIO exit the
 * VMM answers with 0 (the "ignore" policy), never memory. The other VM
 * (isolation_marker.c) fills its RAM with a marker first; the access
 * counter device proves each probe was an exit, not a read of zeros.
 * The exceptions are this vCPU's own local APIC page (0xfee00000) and
 * the VM's IOAPIC page (0xfec00000), which the hypervisor emulates in
 * place: an 8-byte read of either is not a register access and reads 0
 * without an exit.
 */
#include <guest/guest.h>

#define COUNTER_PORT	0x510
#define MARKER		0x52454b52414d4821ULL	/* "!HMARKER" */
#define HOST_RAM_TOP	(1ULL << 30)
#define PROBE_TOP	(4ULL << 30)
#define SETTLE_TICKS	40			/* 400 ms for the marker VM to finish */
#define IRQ_BASE	0x20

static volatile unsigned int ticks;

static void timer_irq(struct ex_regs *regs)
{
	ticks++;
	pic_eoi(0);
}

static void settle(void)
{
	pic_init(IRQ_BASE);
	set_handler(IRQ_BASE, timer_irq);
	pit_periodic(100);
	pic_unmask(0);
	while (ticks < SETTLE_TICKS) {
		safe_halt();
		cli();
	}
	pic_mask(0);
	pit_stop();
}

static u64 ram_end(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	u64 end = 0;

	mb_mmap_for_each(e, mbi)
		if (e->type == MB_MEM_AVAILABLE)
			end = MAX(end, e->addr + e->len);
	return end;
}

#define APIC_PAGE	0xfee00000ULL
#define IOAPIC_PAGE	0xfec00000ULL

struct probe_stats {
	u64 probes, nonzero, markers, first_bad, in_place;
};

static void probe(struct probe_stats *st, u64 gpa)
{
	u64 v = mmio_read64(gpa);

	st->probes++;
	st->in_place += (gpa & ~(u64)(PAGE_SIZE - 1)) == APIC_PAGE ||
			(gpa & ~(u64)(PAGE_SIZE - 1)) == IOAPIC_PAGE;
	if (v && !st->nonzero)
		st->first_bad = gpa;
	st->nonzero += v != 0;
	st->markers += v == MARKER;
}

int guest_main(const struct mb_info *mbi)
{
	static const u64 devices[] = { 0xfec00000, 0xfed00000, 0xfee00000, 0xfee00020,
				       0xfffc0000, 0xfffff000, 0xa0000, 0xc0000 };
	struct probe_stats st = { 0 };
	u64 end = ram_end(mbi), gpa, before, after, own = 0, t0;
	unsigned int i;

	tap_plan(5);
	ok(end >= (8 << 20) && end < HOST_RAM_TOP, "RAM ends at %#llx", end);
	settle();

	for (gpa = (u64)(uintptr_t)__image_end; gpa < end; gpa += 8)
		own += *(u64 *)(uintptr_t)gpa == MARKER;
	ok(own == 0, "no marker in this VM's own RAM (%llu found)", own);

	before = inl(COUNTER_PORT);
	t0 = rdtsc();
	for (gpa = end; gpa < HOST_RAM_TOP; gpa += PAGE_SIZE)
		probe(&st, gpa);
	for (gpa = HOST_RAM_TOP; gpa < PROBE_TOP; gpa += 2 << 20)
		probe(&st, gpa);
	for (i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i] >= end)
			probe(&st, devices[i]);
	after = inl(COUNTER_PORT);
	diag("%llu probes in %llu Mcycles", st.probes, (rdtsc() - t0) >> 20);

	ok(!st.markers, "the other VM's marker was never read (%llu times)", st.markers);
	ok(!st.nonzero, "every probe read 0 (%llu did not, the first at %#llx)", st.nonzero,
	   st.first_bad);
	ok(after - before == st.probes - st.in_place,
	   "each of the %llu probes but the %llu of the APIC and IOAPIC pages was an MMIO exit "
	   "(%llu counted)", st.probes, st.in_place, after - before);
	return tap_done();
}
