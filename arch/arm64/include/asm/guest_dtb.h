#ifndef ASM_GUEST_DTB_H
#define ASM_GUEST_DTB_H

#include <core/boot.h>
#include <core/vm.h>

/*
 * The devicetree a guest boots with (the Image protocol's x0), generated
 * per VM from its configuration: memory, one cpu node per vCPU with its
 * MPIDR, PSCI through HVC, the GICv3 frames, the architected timer's
 * PPIs, the PL011s, and /chosen with the command line and the console.
 */
#define GUEST_DT_MAX_UARTS	2
#define GUEST_DTB_MAX		(16u << 10)

struct guest_dt_uart {
	u64 base;
	u32 spi;		/* SPI number (INTID - 32) */
};

struct guest_dt {
	u32 nr_cpus;
	struct boot_range ram[VM_MAX_REGIONS];
	u32 nr_ram;
	u64 gic_dist;
	u64 gic_redist;		/* one 128 KiB frame pair per vCPU */
	struct guest_dt_uart uart[GUEST_DT_MAX_UARTS];
	u32 nr_uarts;
	const char *bootargs;
	u64 initrd_start, initrd_end;	/* /chosen's linux,initrd-*; none if equal */
};

/* 0 with the blob's size in *@len; -ENOSPC if @size is too small, -EINVAL on a bad @dt. */
int guest_dtb_build(const struct guest_dt *dt, void *buf, size_t size, size_t *len);

#endif
