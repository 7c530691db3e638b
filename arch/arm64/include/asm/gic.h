#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <lib/fdt.h>

/*
 * The host GICv3: distributor with affinity routing, one redistributor
 * per CPU, the CPU interface through system registers. Everything the
 * hypervisor uses of the physical GIC goes through this header; the vGIC
 * will sit on top of it.
 *
 * Order: gic_probe() (reads the DTB only, MMU off is fine), the MMU maps
 * gic_mmio_regions(), then gic_init() once on the boot CPU, then
 * gic_init_cpu() on every CPU, itself included, before it takes or sends
 * any interrupt.
 */
#define GIC_MAX_RDIST_REGIONS	8
#define GIC_INTID_SPURIOUS	1023
#define GIC_NR_SGIS		16
/* The virtual CPU interface's maintenance interrupt (a PPI, enabled on every CPU). */
#define GIC_INTID_MAINTENANCE	25
/* The EL2 physical timer's PPI (arch_timer_program()): enabled on every CPU. */
#define GIC_INTID_HYP_TIMER	26

struct gic_region {
	u64 base;
	u64 size;
};

int gic_probe(const struct fdt *fdt);
/* Distributor first, then the redistributor regions; *n = 0 before a successful probe. */
const struct gic_region *gic_mmio_regions(unsigned int *n);

int gic_init(void);
int gic_init_cpu(u64 mpidr);
/* Stops this CPU's interface from signalling anything (a CPU that stops for good). */
void gic_disable_cpu(void);
bool gic_ready(void);

/* SGIs go to CPUs by MPIDR; the caller orders its memory writes first (DSB). */
void gic_send_sgi(u64 mpidr, unsigned int sgi);
void gic_send_sgi_others(unsigned int sgi);

/*
 * Enables or disables PPI @intid on the calling CPU's redistributor. A
 * disable may take effect after the call (no RWP wait): an interrupt
 * already signalled can still be acknowledged once more.
 */
int gic_enable_ppi(u32 intid);
int gic_disable_ppi(u32 intid);

/*
 * Physical SPIs given to VMs (the vGIC's passthrough): routed to one CPU,
 * masked and unmasked at the distributor. Out-of-range INTIDs are ignored.
 */
void gic_spi_route(u32 intid, u64 mpidr);
void gic_spi_enable(u32 intid);
void gic_spi_disable(u32 intid);

/* The highest-priority pending interrupt, now active; GIC_INTID_SPURIOUS if none. */
u32 gic_ack(void);
/* Drops its priority and deactivates it. */
void gic_eoi(u32 intid);

#endif
