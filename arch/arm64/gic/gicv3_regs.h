#ifndef ARM64_GIC_GICV3_REGS_H
#define ARM64_GIC_GICV3_REGS_H

/*
 * GICv3 register layout (Arm IHI 0069), for the host driver and the
 * vGIC's emulation of the same registers.
 */

/* Distributor */
#define GICD_CTLR			0x0000
#define GICD_TYPER			0x0004
#define GICD_IIDR			0x0008
#define GICD_TYPER2			0x000c
#define GICD_STATUSR			0x0010
#define GICD_SETSPI_NSR			0x0040
#define GICD_CLRSPI_NSR			0x0048
#define GICD_SETSPI_SR			0x0050
#define GICD_CLRSPI_SR			0x0058
#define GICD_IGROUPR(n)			(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)		(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)		(0x0180 + 4 * (n))
#define GICD_ISPENDR(n)			(0x0200 + 4 * (n))
#define GICD_ICPENDR(n)			(0x0280 + 4 * (n))
#define GICD_ISACTIVER(n)		(0x0300 + 4 * (n))
#define GICD_ICACTIVER(n)		(0x0380 + 4 * (n))
#define GICD_IPRIORITYR(n)		(0x0400 + 4 * (n))
#define GICD_ITARGETSR(n)		(0x0800 + 4 * (n))
#define GICD_ICFGR(n)			(0x0c00 + 4 * (n))
#define GICD_IGRPMODR(n)		(0x0d00 + 4 * (n))
#define GICD_NSACR(n)			(0x0e00 + 4 * (n))
#define GICD_SGIR			0x0f00
#define GICD_CPENDSGIR(n)		(0x0f10 + 4 * (n))
#define GICD_SPENDSGIR(n)		(0x0f20 + 4 * (n))
#define GICD_IROUTER(intid)		(0x6000 + 8 * (intid))
#define GICD_PIDR4			0xffd0
#define GICD_PIDR0			0xffe0
#define GICD_PIDR2			0xffe8
#define GICD_CIDR0			0xfff0

#define GICD_CTLR_ENABLE_G1		(1u << 0)
#define GICD_CTLR_ENABLE_G1A		(1u << 1)
#define GICD_CTLR_ARE_NS		(1u << 4)
#define GICD_CTLR_DS			(1u << 6)
#define GICD_CTLR_RWP			(1u << 31)
#define GICD_TYPER_LINES(t)		((((t) & 0x1f) + 1) * 32)
#define GICD_SIZE			0x10000

/* Redistributor: RD_base frame, then SGI_base frame 64 KiB above it. */
#define GICR_CTLR			0x0000
#define GICR_IIDR			0x0004
#define GICR_TYPER			0x0008
#define GICR_STATUSR			0x0010
#define GICR_WAKER			0x0014
#define GICR_PROPBASER			0x0070
#define GICR_PENDBASER			0x0078
#define GICR_PIDR2			0xffe8
#define GICR_SGI_BASE			0x10000
#define GICR_IGROUPR0			(GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0			(GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0			(GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0			(GICR_SGI_BASE + 0x0200)
#define GICR_ICPENDR0			(GICR_SGI_BASE + 0x0280)
#define GICR_ISACTIVER0			(GICR_SGI_BASE + 0x0300)
#define GICR_ICACTIVER0			(GICR_SGI_BASE + 0x0380)
#define GICR_IPRIORITYR(n)		(GICR_SGI_BASE + 0x0400 + 4 * (n))
#define GICR_ICFGR0			(GICR_SGI_BASE + 0x0c00)
#define GICR_ICFGR1			(GICR_SGI_BASE + 0x0c04)
#define GICR_IGRPMODR0			(GICR_SGI_BASE + 0x0d00)
#define GICR_NSACR			(GICR_SGI_BASE + 0x0e00)

#define GICR_CTLR_RWP			(1u << 3)
#define GICR_TYPER_VLPIS		(1ULL << 1)
#define GICR_TYPER_LAST			(1ULL << 4)
#define GICR_TYPER_PROC_NUM_SHIFT	8
#define GICR_TYPER_AFF(t)		((t) >> 32)
#define GICR_WAKER_PROCESSOR_SLEEP	(1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP	(1u << 2)
/* RD_base + SGI_base; GICv4 adds VLPI_base and a reserved frame. */
#define GICR_FRAME_SIZE			0x20000
#define GICR_FRAME_SIZE_VLPI		0x40000

/* PIDR2.ArchRev: 3 for GICv3, 4 for GICv4. */
#define GIC_PIDR2_ARCH(p)		(((p) >> 4) & 0xf)

/* GICD_IROUTER: Aff3 in [39:32], IRM at 31, Aff2.Aff1.Aff0 in [23:0]. */
#define GICD_IROUTER_IRM		(1ULL << 31)
#define GICD_IROUTER_AFF_MASK		(0xff00ffffffULL)

/* CPU interface system registers, by encoding (older assemblers lack the names). */
#define ICC_SRE_EL2			S3_4_C12_C9_5
#define ICC_PMR_EL1			S3_0_C4_C6_0
#define ICC_IAR1_EL1			S3_0_C12_C12_0
#define ICC_EOIR1_EL1			S3_0_C12_C12_1
#define ICC_BPR1_EL1			S3_0_C12_C12_3
#define ICC_CTLR_EL1			S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1			S3_0_C12_C12_7
#define ICC_SGI1R_EL1			S3_0_C12_C11_5

#define ICC_SRE_SRE			(1u << 0)
#define ICC_SRE_DFB			(1u << 1)
#define ICC_SRE_DIB			(1u << 2)
#define ICC_SRE_ENABLE			(1u << 3)
#define ICC_CTLR_EOIMODE		(1u << 1)

#define ICC_SGI1R_TARGETS_SHIFT		0
#define ICC_SGI1R_AFF1_SHIFT		16
#define ICC_SGI1R_INTID_SHIFT		24
#define ICC_SGI1R_AFF2_SHIFT		32
#define ICC_SGI1R_IRM			(1ULL << 40)
#define ICC_SGI1R_RS_SHIFT		44
#define ICC_SGI1R_AFF3_SHIFT		48
#define ICC_SGI1R_TARGETS_MASK		0xffffULL
#define ICC_SGI1R_AFF_FIELD		0xffULL
#define ICC_SGI1R_INTID_MASK		0xfULL
#define ICC_SGI1R_RS_MASK		0xfULL

#define ID_AA64PFR0_GIC_SHIFT		24

#endif
