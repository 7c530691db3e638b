#include <lib/errno.h>
#include <lib/fdt_write.h>
#include <lib/printf.h>
#include <asm/guest_dtb.h>
#include <asm/vgic.h>

#define PHANDLE_GIC		1
#define PHANDLE_CLK		2

#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_LEVEL_HIGH		4
#define IRQ_LEVEL_LOW		8

/* PPIs (INTID - 16) of the architected timer, in the order of the arm,armv8-timer binding. */
#define PPI_SEC_PHYS		13
#define PPI_NONSEC_PHYS		14
#define PPI_VIRT		11
#define PPI_HYP			10

#define UART_CLOCK_HZ		24000000u
#define UART_SIZE		0x1000u

static void reg64(struct fdt_writer *w, u64 base, u64 size)
{
	u32 cells[] = { (u32)(base >> 32), (u32)base, (u32)(size >> 32), (u32)size };

	fdtw_prop_cells(w, "reg", cells, 4);
}

static void node_at(struct fdt_writer *w, const char *name, u64 addr)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%s@%llx", name, addr);
	fdtw_begin_node(w, buf);
}

static void memory_nodes(struct fdt_writer *w, const struct guest_dt *dt)
{
	u32 i;

	for (i = 0; i < dt->nr_ram; i++) {
		node_at(w, "memory", dt->ram[i].base);
		fdtw_prop_string(w, "device_type", "memory");
		reg64(w, dt->ram[i].base, dt->ram[i].size);
		fdtw_end_node(w);
	}
}

/* MPIDRs as the vCPUs have them (asm/guest.h): Aff0 is the index. */
static void cpu_nodes(struct fdt_writer *w, const struct guest_dt *dt)
{
	u32 i;

	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	for (i = 0; i < dt->nr_cpus; i++) {
		node_at(w, "cpu", i);
		fdtw_prop_string(w, "device_type", "cpu");
		fdtw_prop_string(w, "compatible", "arm,armv8");
		fdtw_prop_u32(w, "reg", i);
		fdtw_prop_string(w, "enable-method", "psci");
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static void psci_node(struct fdt_writer *w)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	fdtw_begin_node(w, "psci");
	fdtw_prop(w, "compatible", compat, sizeof(compat));
	fdtw_prop_string(w, "method", "hvc");
	fdtw_end_node(w);
}

static void gic_node(struct fdt_writer *w, const struct guest_dt *dt)
{
	u64 rd_size = (u64)dt->nr_cpus * VGIC_REDIST_SIZE;
	u32 reg[] = {
		(u32)(dt->gic_dist >> 32), (u32)dt->gic_dist, 0, (u32)VGIC_DIST_SIZE,
		(u32)(dt->gic_redist >> 32), (u32)dt->gic_redist, (u32)(rd_size >> 32),
		(u32)rd_size,
	};

	node_at(w, "intc", dt->gic_dist);
	fdtw_prop_string(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "#redistributor-regions", 1);
	fdtw_prop_cells(w, "reg", reg, ARRAY_SIZE(reg));
	fdtw_prop_u32(w, "phandle", PHANDLE_GIC);
	fdtw_end_node(w);
}

static void timer_node(struct fdt_writer *w)
{
	static const u32 irqs[] = {
		GIC_PPI, PPI_SEC_PHYS, IRQ_LEVEL_LOW, GIC_PPI, PPI_NONSEC_PHYS, IRQ_LEVEL_LOW,
		GIC_PPI, PPI_VIRT, IRQ_LEVEL_LOW, GIC_PPI, PPI_HYP, IRQ_LEVEL_LOW,
	};

	fdtw_begin_node(w, "timer");
	fdtw_prop_string(w, "compatible", "arm,armv8-timer");
	fdtw_prop_cells(w, "interrupts", irqs, ARRAY_SIZE(irqs));
	fdtw_prop_empty(w, "always-on");
	fdtw_end_node(w);
}

/* The PL011's driver wants its clocks named: one fixed clock serves both. */
static void uart_nodes(struct fdt_writer *w, const struct guest_dt *dt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const u32 clocks[] = { PHANDLE_CLK, PHANDLE_CLK };
	u32 i;

	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", UART_CLOCK_HZ);
	fdtw_prop_u32(w, "phandle", PHANDLE_CLK);
	fdtw_end_node(w);
	for (i = 0; i < dt->nr_uarts; i++) {
		const u32 irq[] = { GIC_SPI, dt->uart[i].spi, IRQ_LEVEL_HIGH };

		node_at(w, "pl011", dt->uart[i].base);
		fdtw_prop(w, "compatible", compat, sizeof(compat));
		reg64(w, dt->uart[i].base, UART_SIZE);
		fdtw_prop_cells(w, "interrupts", irq, 3);
		fdtw_prop_cells(w, "clocks", clocks, 2);
		fdtw_prop(w, "clock-names", clock_names, sizeof(clock_names));
		fdtw_end_node(w);
	}
}

static void chosen_node(struct fdt_writer *w, const struct guest_dt *dt)
{
	char path[48];

	fdtw_begin_node(w, "chosen");
	fdtw_prop_string(w, "bootargs", dt->bootargs ? dt->bootargs : "");
	if (dt->initrd_end > dt->initrd_start) {
		const u32 start[] = { (u32)(dt->initrd_start >> 32), (u32)dt->initrd_start };
		const u32 end[] = { (u32)(dt->initrd_end >> 32), (u32)dt->initrd_end };

		fdtw_prop_cells(w, "linux,initrd-start", start, 2);
		fdtw_prop_cells(w, "linux,initrd-end", end, 2);
	}
	if (dt->nr_uarts) {
		snprintf(path, sizeof(path), "/pl011@%llx", dt->uart[0].base);
		fdtw_prop_string(w, "stdout-path", path);
	}
	fdtw_end_node(w);
}

int guest_dtb_build(const struct guest_dt *dt, void *buf, size_t size, size_t *len)
{
	struct fdt_writer w;

	if (!dt->nr_cpus || dt->nr_cpus > VM_MAX_VCPUS || !dt->nr_ram ||
	    dt->nr_ram > VM_MAX_REGIONS || dt->nr_uarts > GUEST_DT_MAX_UARTS)
		return -EINVAL;
	fdtw_init(&w, buf, size);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "compatible", "linux,dummy-virt");
	fdtw_prop_string(&w, "model", "microhv arm64 VM");
	fdtw_prop_u32(&w, "interrupt-parent", PHANDLE_GIC);
	chosen_node(&w, dt);
	memory_nodes(&w, dt);
	cpu_nodes(&w, dt);
	psci_node(&w);
	gic_node(&w, dt);
	timer_node(&w);
	uart_nodes(&w, dt);
	fdtw_end_node(&w);
	return fdtw_finish(&w, len);
}
