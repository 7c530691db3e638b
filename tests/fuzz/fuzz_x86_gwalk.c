/* SOURCES: arch/x86/gwalk.c lib/errno.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the guest page-table walker: the guest owns its
 * page tables, so every byte of them is hostile. The input is the
 * control registers, the linear address and the access kind, then guest
 * "RAM" (the tables). Besides ASan/UBSan catching any read outside that
 * RAM, it checks what callers rely on: only the documented results, a
 * #PF error code that is a #PF error code, P set in it exactly when the
 * walk found a present entry it refused, and no more table reads than
 * there are levels.
 */
#include <asm/cpu.h>
#include <asm/gwalk.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

struct fuzz_ram {
	const u8 *bytes;
	size_t size;
	unsigned int reads;
};

static int read_ram(void *ctx, u64 gpa, u32 size, u64 *val)
{
	struct fuzz_ram *ram = ctx;
	u64 v = 0;

	CHECK(size == 4 || size == 8);
	CHECK((gpa & (size - 1)) == 0);
	ram->reads++;
	if (gpa >= ram->size || ram->size - gpa < size)
		return -EFAULT;
	memcpy(&v, ram->bytes + gpa, size);
	*val = v;
	return 0;
}

static u64 take(const u8 **p, size_t *left, unsigned int n)
{
	u64 v = 0;

	n = (unsigned int)MIN((size_t)n, *left);
	memcpy(&v, *p, n);
	*p += n;
	*left -= n;
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *p = data;
	size_t left = size;
	struct gwalk_regs r;
	struct fuzz_ram ram;
	struct gwalk_mem mem = { read_ram, &ram };
	u64 la, gpa = 0;
	u32 access, pf = 0;
	int err;

	r.cr0 = take(&p, &left, 4) | X86_CR0_PE;
	r.cr3 = take(&p, &left, 8);
	r.cr4 = take(&p, &left, 4);
	r.efer = take(&p, &left, 2);
	la = take(&p, &left, 8);
	access = (u32)take(&p, &left, 1) & (GWALK_WRITE | GWALK_USER | GWALK_FETCH);
	ram = (struct fuzz_ram){ p, left, 0 };

	err = gwalk_translate(&r, &mem, la, access, &gpa, &pf);
	CHECK(err == 0 || err == -EFAULT || err == -EIO);
	CHECK(ram.reads <= 5);
	if (err == -EFAULT) {
		CHECK(!(pf & ~(PF_PRESENT | PF_WRITE | PF_USER | PF_RSVD | PF_FETCH)));
		/* The error code reports the access that was refused, and nothing else. */
		CHECK((pf & (PF_WRITE | PF_USER | PF_FETCH)) == access);
		CHECK(!(pf & PF_RSVD) || (pf & PF_PRESENT));
	}
	if (!err) {
		CHECK(gpa < (1ULL << 52));
		/* Without paging, or for the page offset, the address passes through. */
		CHECK((gpa & 0xfff) == (la & 0xfff));
		if (!(r.cr0 & X86_CR0_PG))
			CHECK(ram.reads == 0);
	}
	return 0;
}
