#include <core/arch.h>
#include <core/console.h>
#include <core/percpu.h>
#include <lib/errno.h>
#include <asm/dt.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/sysreg.h>
#include "gicv3_regs.h"

/* Lower is more urgent; everything the hypervisor enables sits above the mask. */
#define GIC_PRIORITY_DEFAULT	0xa0
#define GIC_PMR_UNMASK		0xf0
#define GIC_MAX_INTID_SPI	1020

/* Register write propagation and redistributor wake-up take microseconds on hardware. */
#define GIC_POLL_TIMEOUT_NS	(100ULL * 1000 * 1000)

/* Filled by gic_probe() before the MMU is on; read-only afterwards. */
static struct gic_region regions[1 + GIC_MAX_RDIST_REGIONS];
static unsigned int nr_regions;
static u64 rdist_stride;
static int probe_err = -ENODEV;

/* Set (release) by gic_init() on the boot CPU before any other CPU starts. */
static bool dist_ready;
static unsigned int nr_lines;

/* Each CPU's own redistributor, written by that CPU in gic_init_cpu(). */
static uintptr_t cpu_rdist[MAX_CPUS];

static uintptr_t gicd(void)
{
	return (uintptr_t)regions[0].base;
}

static bool arch_rev_ok(u32 pidr2)
{
	u32 rev = GIC_PIDR2_ARCH(pidr2);

	return rev == 3 || rev == 4;
}

static int probe_regions(const struct fdt *f, int node, u32 nr_rd)
{
	u64 base, size;
	u32 i;
	int err;

	for (i = 0; i <= nr_rd; i++) {
		err = dt_device_reg(f, node, i, &base, &size);
		if (err)
			return err;
		/* The architecture places every frame on a 64 KiB boundary. */
		if (!IS_ALIGNED(base, 0x10000) || size < (i ? GICR_FRAME_SIZE : GICD_SIZE))
			return -EINVAL;
		regions[i] = (struct gic_region){ base, size };
	}
	nr_regions = nr_rd + 1;
	return 0;
}

/*
 * The "arm,gic-v3" binding: reg is the distributor, then
 * #redistributor-regions (default 1) redistributor regions, then GICv2
 * compatibility frames the hypervisor does not use.
 */
int gic_probe(const struct fdt *f)
{
	u32 nr_rd = 1;
	int node, n, err;

	nr_regions = 0;
	for (node = fdt_find_compatible(f, -1, "arm,gic-v3"); node >= 0;
	     node = fdt_find_compatible(f, node, "arm,gic-v3"))
		if (fdt_is_enabled(f, node))
			break;
	if (node < 0)
		return probe_err = -ENODEV;
	err = fdt_prop_u32(f, node, "#redistributor-regions", &nr_rd);
	n = fdt_reg_count(f, node);
	if ((err && err != -ENOENT) || n < 0 || nr_rd < 1 || nr_rd > GIC_MAX_RDIST_REGIONS ||
	    nr_rd + 1 > (u32)n)
		return probe_err = -EINVAL;
	rdist_stride = 0;
	err = fdt_prop_uint(f, node, "redistributor-stride", &rdist_stride);
	if ((err && err != -ENOENT) || !IS_ALIGNED(rdist_stride, 0x10000) ||
	    (rdist_stride && rdist_stride < GICR_FRAME_SIZE))
		return probe_err = -EINVAL;
	return probe_err = probe_regions(f, node, nr_rd);
}

const struct gic_region *gic_mmio_regions(unsigned int *n)
{
	*n = nr_regions;
	return regions;
}

static int poll_clear(uintptr_t reg, u32 bits)
{
	u64 deadline = arch_time_ns() + GIC_POLL_TIMEOUT_NS;

	while (mmio_read32(reg) & bits)
		if (arch_time_ns() > deadline)
			return -ETIMEDOUT;
	return 0;
}

static bool cpu_has_gic_sysregs(void)
{
	return (read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_GIC_SHIFT) & 0xf;
}

/*
 * Every SPI disabled, inactive, Group 1 and routed to the boot CPU until
 * someone (a VM's device assignment) wants it. Affinity routing (ARE)
 * can only change with both groups disabled, hence the first write.
 */
static void reset_spis(unsigned int lines, u64 boot_mpidr)
{
	unsigned int i;

	for (i = 32; i < lines; i += 32) {
		mmio_write32(gicd() + GICD_ICENABLER(i / 32), ~0u);
		mmio_write32(gicd() + GICD_ICPENDR(i / 32), ~0u);
		mmio_write32(gicd() + GICD_ICACTIVER(i / 32), ~0u);
		mmio_write32(gicd() + GICD_IGROUPR(i / 32), ~0u);
	}
	for (i = 32; i < lines; i += 4)
		mmio_write32(gicd() + GICD_IPRIORITYR(i / 4), 0x01010101u * GIC_PRIORITY_DEFAULT);
	for (i = 32; i < lines; i++)
		mmio_write64(gicd() + GICD_IROUTER(i), boot_mpidr);
}

int gic_init(void)
{
	unsigned int lines;

	if (probe_err)
		return trace_err(probe_err, "no usable \"arm,gic-v3\" node in the DTB");
	if (!cpu_has_gic_sysregs())
		return trace_err(-ENODEV, "the CPU has no GICv3 system register interface");
	if (!arch_rev_ok(mmio_read32(gicd() + GICD_PIDR2)))
		return trace_err(-ENODEV, "no GICv3 distributor at %#llx", regions[0].base);

	mmio_write32(gicd() + GICD_CTLR, 0);
	if (poll_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP))
		return trace_err(-ETIMEDOUT, "distributor did not disable");
	lines = MIN(GICD_TYPER_LINES(mmio_read32(gicd() + GICD_TYPER)), GIC_MAX_INTID_SPI);
	nr_lines = lines;
	reset_spis(lines, this_cpu_mpidr());
	if (poll_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP))
		return trace_err(-ETIMEDOUT, "distributor writes did not complete");
	/* Security disabled, bit 0 is Group 0 and bit 1 Group 1; else Group 1 and 1A (NS view). */
	mmio_write32(gicd() + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A |
		     GICD_CTLR_ENABLE_G1);
	if (poll_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP))
		return trace_err(-ETIMEDOUT, "distributor did not enable");

	pr_info("GICv3: distributor at %#llx, %u interrupt lines, %u redistributor region(s)\n",
		regions[0].base, lines, nr_regions - 1);
	__atomic_store_n(&dist_ready, true, __ATOMIC_RELEASE);
	return 0;
}

bool gic_ready(void)
{
	return __atomic_load_n(&dist_ready, __ATOMIC_ACQUIRE);
}

/* GICR_TYPER's affinity: Aff3.Aff2.Aff1.Aff0 packed in 32 bits. */
static u64 packed_affinity(u64 mpidr)
{
	return (mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff);
}

/*
 * Walks the frames of each region until the one whose GICR_TYPER names
 * @mpidr. The walk stops at the region's end, at the frame flagged Last,
 * or at a frame that does not identify as a redistributor, so a short or
 * lying DTB region cannot send it past mapped memory.
 */
static uintptr_t find_redistributor(u64 mpidr)
{
	u64 want = packed_affinity(mpidr), off, typer, stride;
	unsigned int r;

	for (r = 1; r < nr_regions; r++) {
		const struct gic_region *reg = &regions[r];

		for (off = 0; range_within(off, GICR_FRAME_SIZE, 0, reg->size); off += stride) {
			uintptr_t rd = (uintptr_t)(reg->base + off);

			if (!arch_rev_ok(mmio_read32(rd + GICR_PIDR2)))
				break;
			typer = mmio_read64(rd + GICR_TYPER);
			if (GICR_TYPER_AFF(typer) == want)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			stride = rdist_stride ? rdist_stride :
				 typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_VLPI : GICR_FRAME_SIZE;
		}
	}
	return 0;
}

/* A redistributor comes out of reset asleep; its SGIs and PPIs go nowhere until woken. */
static int wake_redistributor(uintptr_t rd)
{
	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	return poll_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
}

/*
 * SGIs, the hypervisor's own timer PPI and the vGIC's maintenance
 * interrupt enabled in Group 1, the other PPIs disabled until a user (the
 * vGIC's timer) asks. The maintenance interrupt only fires while a guest
 * runs with ICH_HCR_EL2.En set.
 */
static int setup_sgis_ppis(uintptr_t rd)
{
	unsigned int i;

	mmio_write32(rd + GICR_ICENABLER0, ~0u);
	mmio_write32(rd + GICR_ICACTIVER0, ~0u);
	mmio_write32(rd + GICR_IGROUPR0, ~0u);
	for (i = 0; i < 8; i++)
		mmio_write32(rd + GICR_IPRIORITYR(i), 0x01010101u * GIC_PRIORITY_DEFAULT);
	if (poll_clear(rd + GICR_CTLR, GICR_CTLR_RWP))
		return -ETIMEDOUT;
	mmio_write32(rd + GICR_ISENABLER0, ((1u << GIC_NR_SGIS) - 1) |
		     1u << GIC_INTID_MAINTENANCE | 1u << GIC_INTID_HYP_TIMER);
	return 0;
}

/*
 * ICC_SRE_EL2.Enable lets EL1 use the system register interface too:
 * without it a guest's ICC_SRE_EL1 access traps to EL2. EOImode 0: a
 * write to EOIR both drops the priority and deactivates.
 */
static int init_cpu_interface(void)
{
	write_sysreg(read_sysreg(ICC_SRE_EL2) | ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB |
		     ICC_SRE_ENABLE, ICC_SRE_EL2);
	isb();
	if (!(read_sysreg(ICC_SRE_EL2) & ICC_SRE_SRE))
		return -ENODEV;
	write_sysreg(GIC_PMR_UNMASK, ICC_PMR_EL1);
	write_sysreg(0, ICC_BPR1_EL1);
	write_sysreg(read_sysreg(ICC_CTLR_EL1) & ~(u64)ICC_CTLR_EOIMODE, ICC_CTLR_EL1);
	write_sysreg(1, ICC_IGRPEN1_EL1);
	isb();
	return 0;
}

int gic_init_cpu(u64 mpidr)
{
	uintptr_t rd;

	if (!gic_ready())
		return -ENODEV;
	rd = find_redistributor(mpidr);
	if (!rd)
		return trace_err(-ENODEV, "no redistributor for MPIDR %#llx", mpidr);
	if (wake_redistributor(rd))
		return trace_err(-ETIMEDOUT, "redistributor at %#lx did not wake",
				 (unsigned long)rd);
	if (setup_sgis_ppis(rd))
		return trace_err(-ETIMEDOUT, "redistributor at %#lx: writes did not complete",
				 (unsigned long)rd);
	if (init_cpu_interface())
		return trace_err(-ENODEV, "ICC_SRE_EL2.SRE does not stick");
	cpu_rdist[cpu_id()] = rd;
	return 0;
}

int gic_enable_ppi(u32 intid)
{
	uintptr_t rd = cpu_rdist[cpu_id()];

	if (!rd || intid < GIC_NR_SGIS || intid >= 32)
		return -EINVAL;
	mmio_write32(rd + GICR_ISENABLER0, 1u << intid);
	return 0;
}

int gic_disable_ppi(u32 intid)
{
	uintptr_t rd = cpu_rdist[cpu_id()];

	if (!rd || intid < GIC_NR_SGIS || intid >= 32)
		return -EINVAL;
	mmio_write32(rd + GICR_ICENABLER0, 1u << intid);
	return 0;
}

static bool spi_ok(u32 intid)
{
	return gic_ready() && intid >= 32 && intid < nr_lines;
}

/* The physical SPI goes to one CPU only (IRM = 0): the one running its VM's vCPU. */
void gic_spi_route(u32 intid, u64 mpidr)
{
	if (spi_ok(intid))
		mmio_write64(gicd() + GICD_IROUTER(intid), mpidr & MPIDR_AFF_MASK);
}

void gic_spi_enable(u32 intid)
{
	if (spi_ok(intid))
		mmio_write32(gicd() + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

/* Returns once the distributor no longer forwards it (RWP), so an EOI after it cannot race. */
void gic_spi_disable(u32 intid)
{
	if (!spi_ok(intid))
		return;
	mmio_write32(gicd() + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
	poll_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP);
}

/* Also called from the fault and stop paths, possibly before this CPU's interface is up. */
void gic_disable_cpu(void)
{
	if (cpu_has_gic_sysregs() && (read_sysreg(ICC_SRE_EL2) & ICC_SRE_SRE)) {
		write_sysreg(0, ICC_IGRPEN1_EL1);
		isb();
	}
}

/* ICC_SGI1R_EL1 names a target by Aff3.Aff2.Aff1 and a bit for Aff0 within a 16-CPU range (RS). */
static u64 sgi1r_for(u64 mpidr, unsigned int sgi)
{
	u64 aff0 = mpidr & 0xff;

	return (1ULL << (aff0 & 0xf)) << ICC_SGI1R_TARGETS_SHIFT |
	       (mpidr >> 8 & 0xff) << ICC_SGI1R_AFF1_SHIFT |
	       (u64)(sgi & 0xf) << ICC_SGI1R_INTID_SHIFT |
	       (mpidr >> 16 & 0xff) << ICC_SGI1R_AFF2_SHIFT |
	       (aff0 >> 4) << ICC_SGI1R_RS_SHIFT |
	       (mpidr >> 32 & 0xff) << ICC_SGI1R_AFF3_SHIFT;
}

void gic_send_sgi(u64 mpidr, unsigned int sgi)
{
	write_sysreg(sgi1r_for(mpidr, sgi), ICC_SGI1R_EL1);
	isb();
}

void gic_send_sgi_others(unsigned int sgi)
{
	write_sysreg(ICC_SGI1R_IRM | (u64)(sgi & 0xf) << ICC_SGI1R_INTID_SHIFT, ICC_SGI1R_EL1);
	isb();
}

u32 gic_ack(void)
{
	return (u32)read_sysreg(ICC_IAR1_EL1) & 0xffffff;
}

void gic_eoi(u32 intid)
{
	write_sysreg(intid, ICC_EOIR1_EL1);
	isb();
}
