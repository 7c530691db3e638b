#ifndef ASM_GWALK_H
#define ASM_GWALK_H

#include <lib/types.h>

/*
 * The guest's own page tables, walked in software: where a guest linear
 * address is in guest-physical memory. The hypervisor needs this to fetch
 * the instruction that faulted on MMIO (without DecodeAssists) and to
 * reach the memory operand of string IO and MOVS.
 *
 * All four x86 forms: paging off, 32-bit (4 KiB and, with CR4.PSE, 4 MiB
 * pages with PSE-36), PAE (4 KiB and 2 MiB), and long mode with 4 or (CR4.LA57)
 * 5 levels (4 KiB, 2 MiB, 1 GiB). Checks what the access needs of every
 * level: present, writable (supervisor writes only with CR0.WP),
 * user-accessible at CPL 3, executable with EFER.NXE, and the PS bit
 * where it is reserved. A/D bits are not set (the walk only looks), SMEP,
 * SMAP and protection keys are not checked.
 *
 * Pure: the tables are read through @read, so the caller decides what
 * guest memory may be read (RAM only) and tests can build any layout.
 */
#define GWALK_WRITE	BIT(1)		/* the #PF error code's bits */
#define GWALK_USER	BIT(2)
#define GWALK_FETCH	BIT(4)

#define PF_PRESENT	BIT(0)
#define PF_WRITE	BIT(1)
#define PF_USER		BIT(2)
#define PF_RSVD		BIT(3)
#define PF_FETCH	BIT(4)

struct gwalk_regs {
	u64 cr0, cr3, cr4, efer;
};

struct gwalk_mem {
	/* Reads an aligned 4- or 8-byte table entry; 0 or -EFAULT (not RAM). */
	int (*read)(void *ctx, u64 gpa, u32 size, u64 *val);
	void *ctx;
};

/*
 * Translates @la for an access of kind @access (GWALK_*). Returns 0 with
 * *@gpa; -EFAULT when the guest would take a #PF, with its error code in
 * *@pf_error; -EIO when a table entry lies outside guest RAM.
 */
int gwalk_translate(const struct gwalk_regs *r, const struct gwalk_mem *m, u64 la, u32 access,
		    u64 *gpa, u32 *pf_error);

#endif
