/*
 * Isolation, probed from inside a VM: every 2 MiB of guest-physical space
 * below its RAM (but QEMU virt's device page) and from the top of the
 * host's RAM to 4 GiB, then a few far addresses below the 512 GiB IPA
 * limit: each read must be an MMIO exit the VMM answers with 0 (the
 * access counter proves it was one), never memory, never the marker the
 * other VM wrote. Last, a read of host RAM that is not this VM's must
 * stop it with a memory fault (the suite checks the hypervisor's report).
 */
#include <guest/guest.h>

#define MARKER		0x52454b52414d4821ULL
#define RAM_SIZE	(16ULL << 20)
#define HOST_RAM_END	0x80000000ULL
#define PROBE_TOP	(4ULL << 30)
#define STEP		(2ULL << 20)

struct stats {
	u64 probes, nonzero, markers;
};

static void probe(struct stats *st, u64 gpa)
{
	u64 v = mmio_read64(gpa);

	st->probes++;
	st->nonzero += v != 0;
	st->markers += v == MARKER;
}

static bool device_block(u64 gpa)
{
	return gpa >= 0x08000000 && gpa < 0x0a000000;
}

int guest_main(const void *dtb)
{
	static const u64 far[] = { 1ULL << 36, 1ULL << 38, (1ULL << 39) - STEP };
	struct stats st = { 0 };
	u64 gpa, before, freq = read_sysreg(cntfrq_el0), t0 = counter();
	unsigned int i;

	tap_plan(4);
	/* Let the marker VM fill its RAM first. */
	while (counter() - t0 < freq / 2)
		;
	before = mmio_read32(GUEST_COUNTER);
	for (gpa = 0; gpa < GUEST_RAM_BASE; gpa += STEP)
		if (!device_block(gpa))
			probe(&st, gpa);
	for (gpa = HOST_RAM_END; gpa < PROBE_TOP; gpa += STEP)
		probe(&st, gpa);
	for (i = 0; i < ARRAY_SIZE(far); i++)
		probe(&st, far[i]);
	ok(st.probes > 1000, "%llu addresses probed", st.probes);
	ok(!st.nonzero && !st.markers, "every probe read 0 (%llu not, %llu markers)", st.nonzero,
	   st.markers);
	ok(mmio_read32(GUEST_COUNTER) - before == st.probes,
	   "every probe was an MMIO exit (%llu counted)", mmio_read32(GUEST_COUNTER) - before);
	ok(true, "now reading host RAM that is not ours: the VM must stop");
	probe(&st, GUEST_RAM_BASE + RAM_SIZE);
	bail_out("a read of another VM's RAM returned");
}

void guest_secondary(u64 cpu)
{
}
