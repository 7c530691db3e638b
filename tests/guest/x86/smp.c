/*
 * Four vCPUs and their local APICs: INIT-SIPI start-up into real mode
 * (the library's trampoline below 1 MiB), a second SIPI ignored, INIT to
 * a running vCPU and its restart, fixed IPIs between every ordered pair
 * with every shorthand (physical, logical, self, all, all-but-self), NMI
 * by IPI with blocking until IRET, and bad input: IPIs to absent APIC
 * IDs, a vCPU started twice, a self-IPI flood.
 */
#include <guest/apic.h>
#include <guest/guest.h>

#define NR		4
#define IPI_VECTOR	0x50
#define FLOOD_VECTOR	0x51

static volatile u32 hits[NR];
static volatile u32 nmis[NR];
static volatile u32 flood_hits;

static u32 me(void)
{
	return apic_id() % NR;
}

static void ipi_handler(struct ex_regs *regs)
{
	__atomic_fetch_add(&hits[me()], 1, __ATOMIC_RELAXED);
	apic_eoi();
}

static void nmi_handler(struct ex_regs *regs)
{
	__atomic_fetch_add(&nmis[me()], 1, __ATOMIC_RELAXED);
}

static void flood_handler(struct ex_regs *regs)
{
	flood_hits++;
	apic_eoi();
}

static void clear_hits(void)
{
	unsigned int i;

	for (i = 0; i < NR; i++)
		hits[i] = 0;
}

/* Waits (interrupts on) until @want's CPUs have each taken one IPI and no one else did. */
static bool hits_are(u32 want)
{
	unsigned int i, tries;

	for (tries = 0; tries < 200; tries++) {
		u32 got = 0, extra = 0;

		sti();
		smp_delay_ms(1);
		cli();
		for (i = 0; i < NR; i++) {
			if (hits[i] == 1)
				got |= 1u << i;
			else if (hits[i] > 1)
				extra |= 1u << i;
		}
		if (got == want && !extra)
			return true;
		if (extra || (got & ~want))
			return false;
	}
	return false;
}

struct send {
	u32 dest;
	u32 lo;
};

static void send_ipi(void *arg)
{
	const struct send *s = arg;

	apic_icr(s->dest, s->lo);
}

/* From CPU @from (the BSP itself, or an AP through its mailbox). */
static void send_from(u32 from, u32 dest, u32 lo)
{
	struct send s = { dest, lo };

	if (from == 0)
		send_ipi(&s);
	else if (!smp_call(from, send_ipi, &s))
		diag("CPU %u did not run its call", from);
}

static void test_start_up(void)
{
	unsigned int i;

	for (i = 1; i < NR; i++)
		ok(smp_start_cpu(i) && smp_boots[i] == 1, "INIT-SIPI starts vCPU %u in real mode",
		   i);
}

static void test_second_sipi_ignored(void)
{
	smp_send_sipi(1);
	smp_delay_ms(20);
	ok(smp_boots[1] == 1, "a second SIPI to a running vCPU is ignored (boots %u)",
	   smp_boots[1]);
	smp_send_sipi(7);
	smp_send_init(6);
	ok(true, "INIT and SIPI to absent APIC IDs change nothing");
}

static volatile u32 ran;

static void mark_ran(void *arg)
{
	ran = 1;
}

static void test_init_running(void)
{
	smp_send_init(2);
	smp_delay_ms(20);
	ran = 0;
	ok(!smp_call(2, mark_ran, NULL) && !ran,
	   "INIT puts a running vCPU back to waiting for SIPI: it runs nothing");
	smp_send_sipi(2);
	smp_delay_ms(20);
	ok(smp_boots[2] == 2, "the SIPI after INIT restarts it (boots %u)", smp_boots[2]);
	ok(smp_start_cpu(3) && smp_boots[3] == 2, "INIT-SIPI again: a vCPU started twice comes up");
}

static void test_pairs(void)
{
	u32 from, to, bad = 0;

	for (from = 0; from < NR; from++) {
		for (to = 0; to < NR; to++) {
			clear_hits();
			send_from(from, to, IPI_VECTOR);
			if (!hits_are(1u << to)) {
				diag("fixed IPI %u -> %u: hits %u %u %u %u", from, to,
				     hits[0], hits[1], hits[2], hits[3]);
				bad++;
			}
		}
	}
	ok(!bad, "fixed IPIs between all %u ordered pairs of 4 vCPUs, self included", NR * NR);
}

static void test_shorthands(void)
{
	static const struct {
		u32 lo;
		const char *name;
	} sh[] = {
		{ APIC_SH_SELF, "self" },
		{ APIC_SH_ALL, "all" },
		{ APIC_SH_OTHERS, "all but self" },
	};
	u32 from, i, want, bad;

	for (i = 0; i < ARRAY_SIZE(sh); i++) {
		bad = 0;
		for (from = 0; from < NR; from++) {
			want = sh[i].lo == APIC_SH_SELF ? 1u << from :
			       sh[i].lo == APIC_SH_ALL ? 0xfu : 0xfu & ~(1u << from);
			clear_hits();
			send_from(from, 0, sh[i].lo | IPI_VECTOR);
			if (!hits_are(want)) {
				diag("shorthand %s from %u: hits %u %u %u %u", sh[i].name, from,
				     hits[0], hits[1], hits[2], hits[3]);
				bad++;
			}
		}
		ok(!bad, "shorthand \"%s\" from each of the 4 vCPUs", sh[i].name);
	}
}

static void set_ldr(void *arg)
{
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, (1u << me()) << 24);
}

static void test_logical_and_broadcast(void)
{
	u32 i;

	set_ldr(NULL);
	for (i = 1; i < NR; i++)
		smp_call(i, set_ldr, NULL);
	clear_hits();
	send_from(1, 0x05, APIC_LOGICAL | IPI_VECTOR);
	ok(hits_are(0x5), "logical flat destination 0x05 from vCPU 1: vCPUs 0 and 2");
	clear_hits();
	send_from(3, 0xff, IPI_VECTOR);
	ok(hits_are(0xf), "physical broadcast 0xff from vCPU 3 reaches all four");
	clear_hits();
	send_from(2, 9, IPI_VECTOR);
	send_from(2, 0x30, APIC_LOGICAL | IPI_VECTOR);
	ok(hits_are(0), "IPIs to absent APIC IDs reach nobody");
}

static void test_nmi(void)
{
	unsigned int tries;

	send_from(0, 1, APIC_DM_NMI);
	for (tries = 0; tries < 100 && !nmis[1]; tries++)
		smp_delay_ms(1);
	ok(nmis[1] == 1, "NMI IPI to vCPU 1 runs its NMI handler once");
	send_from(3, 0, APIC_DM_NMI);
	for (tries = 0; tries < 100 && !nmis[0]; tries++)
		smp_delay_ms(1);
	ok(nmis[0] == 1, "NMI from vCPU 3 to vCPU 0");
	send_from(0, 0, APIC_SH_SELF | APIC_DM_NMI);
	send_from(0, 0, APIC_SH_SELF | APIC_DM_NMI);
	smp_delay_ms(5);
	/* With IF=0: an NMI is not masked by IF. */
	ok(nmis[0] == 3, "two NMIs to self, interrupts off, are both taken (%u)", nmis[0]);
}

/* With interrupts off, 5000 self-IPIs of one vector are one IRR bit: one interrupt. */
static void test_self_ipi_flood(void)
{
	unsigned int i;

	for (i = 0; i < 5000; i++)
		apic_icr(0, APIC_SH_SELF | FLOOD_VECTOR);
	sti();
	smp_delay_ms(5);
	cli();
	ok(flood_hits == 1, "a flood of 5000 self-IPIs is one pending interrupt (%u taken)",
	   flood_hits);
}

int guest_main(const struct mb_info *mbi)
{
	tap_plan(19);
	set_handler(IPI_VECTOR, ipi_handler);
	set_handler(FLOOD_VECTOR, flood_handler);
	set_handler(NMI_VECTOR, nmi_handler);
	smp_init();
	test_start_up();
	test_second_sipi_ignored();
	test_init_running();
	test_pairs();
	test_shorthands();
	test_logical_and_broadcast();
	test_nmi();
	test_self_ipi_flood();
	return tap_done();
}
