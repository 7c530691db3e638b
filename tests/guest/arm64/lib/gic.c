/*
 * A minimal GICv3 driver for the test guests: the distributor in
 * affinity routing mode, each vCPU's redistributor awake, everything in
 * Group 1 at one priority, the CPU interface through system registers.
 * Addresses are QEMU virt's, which the generated DTB also gives.
 */
#include <guest/guest.h>

#define GICD			0x08000000ULL
#define GICR			0x080a0000ULL
#define GICR_STRIDE		0x20000ULL
#define GICR_SGI		0x10000ULL

#define GICD_CTLR		0x0000
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ISPENDR(n)		(0x0200 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x0400 + (n))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))
#define GICD_CTLR_GRP1		(BIT(1) | BIT(0))
#define GICD_CTLR_ARE		BIT(4)

#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	BIT(1)
#define GICR_WAKER_ASLEEP	BIT(2)
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ISPENDR0		0x0200
#define GICR_IPRIORITYR(n)	(0x0400 + (n))

#define PRIORITY		0x80

static u64 rdist(unsigned int cpu)
{
	return GICR + cpu * GICR_STRIDE;
}

void gic_init_dist(void)
{
	mmio_write32(GICD + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
}

void gic_init_cpu(unsigned int cpu)
{
	u64 rd = rdist(cpu);
	unsigned int i;

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (i = 0; i < 1000 && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
		;
	mmio_write32(rd + GICR_SGI + GICR_IGROUPR0, ~0u);
	for (i = 0; i < 32; i++)
		mmio_write8(rd + GICR_SGI + GICR_IPRIORITYR(i), PRIORITY);
	write_sysreg(read_sysreg(S3_0_C12_C12_5) | 1, S3_0_C12_C12_5);	/* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(0xff, S3_0_C4_C6_0);		/* ICC_PMR_EL1 */
	write_sysreg(1, S3_0_C12_C12_7);		/* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_enable_irq(u32 intid, unsigned int cpu)
{
	if (intid < 32) {
		mmio_write32(rdist(cpu) + GICR_SGI + GICR_ISENABLER0, 1u << intid);
		return;
	}
	mmio_write32(GICD + GICD_IGROUPR(intid / 32),
		     mmio_read32(GICD + GICD_IGROUPR(intid / 32)) | 1u << (intid % 32));
	mmio_write8(GICD + GICD_IPRIORITYR(intid), PRIORITY);
	mmio_write64(GICD + GICD_IROUTER(intid), cpu);
	mmio_write32(GICD + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

u32 gic_ack(void)
{
	return (u32)read_sysreg(S3_0_C12_C12_0) & 0xffffff;	/* ICC_IAR1_EL1 */
}

void gic_eoi(u32 intid)
{
	write_sysreg(intid, S3_0_C12_C12_1);			/* ICC_EOIR1_EL1 */
	isb();
}

/* ICC_SGI1R_EL1: @sgi to the vCPU with Aff0 @cpu (< 16), the other levels 0. */
void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	write_sysreg((u64)(sgi & 0xf) << 24 | 1ULL << cpu, S3_0_C12_C11_5);
	isb();
}

/* The priority of @intid (SGIs and PPIs: @cpu's); lower is more urgent. */
void gic_set_priority(u32 intid, unsigned int cpu, u8 prio)
{
	if (intid < 32)
		mmio_write8(rdist(cpu) + GICR_SGI + GICR_IPRIORITYR(intid), prio);
	else
		mmio_write8(GICD + GICD_IPRIORITYR(intid), prio);
}

/* Makes @intid pending as software (ISPENDR); SGIs and PPIs: @cpu's. */
void gic_set_pending(u32 intid, unsigned int cpu)
{
	if (intid < 32)
		mmio_write32(rdist(cpu) + GICR_SGI + GICR_ISPENDR0, 1u << intid);
	else
		mmio_write32(GICD + GICD_ISPENDR(intid / 32), 1u << (intid % 32));
}

/* ICC_SGI1R_EL1 with IRM: @sgi to every vCPU but this one. */
void gic_send_sgi_others(unsigned int sgi)
{
	write_sysreg((u64)(sgi & 0xf) << 24 | 1ULL << 40, S3_0_C12_C11_5);
	isb();
}
