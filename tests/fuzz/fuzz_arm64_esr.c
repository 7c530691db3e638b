/* SOURCES: arch/arm64/esr.c lib/errno.c */
/* CFLAGS: -Iarch/arm64/include */
/*
 * libFuzzer target for the ESR_EL2 decoder. The input is an ESR value,
 * a load's data, HPFAR and FAR (8 bytes each, zero-padded). Besides
 * ASan/UBSan, it checks what the run loop relies on:
 *   - a data abort decodes, anything else is refused and left untouched;
 *   - with ISV, the size is 1, 2, 4 or 8 and the register 0-31; without,
 *     the access fields stay zero (never read from an UNKNOWN field);
 *   - a load's value keeps the access's bytes, extends them as asked and
 *     never sets a W register's upper half;
 *   - the fault IPA keeps FAR's page offset and fits in 52 bits;
 *   - a system register trap decodes into in-range fields.
 */
#include <asm/esr.h>
#include <lib/compiler.h>
#include <lib/errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

static void check_load(const struct esr_dabt *d, u64 raw)
{
	u64 v = esr_load_value(d, raw);
	unsigned int bits = d->size * 8;
	u64 low = bits < 64 ? BIT(bits) - 1 : ~0ULL;
	u64 high;

	CHECK((v & low & (d->sixty_four ? ~0ULL : 0xffffffffULL)) ==
	      (raw & low & (d->sixty_four ? ~0ULL : 0xffffffffULL)));
	if (!d->sixty_four)
		CHECK(v >> 32 == 0);
	if (bits >= 64 || (!d->sixty_four && bits >= 32))
		return;
	high = (d->sixty_four ? ~0ULL : 0xffffffffULL) & ~low;
	if (d->sign_extend && (raw & BIT(bits - 1)))
		CHECK((v & high) == high);
	else
		CHECK((v & high) == 0);
}

static void check_dabt(u64 esr, u64 raw)
{
	struct esr_dabt d, untouched;
	int r;

	memset(&d, 0x5a, sizeof(d));
	untouched = d;
	r = esr_decode_dabt(esr, &d);
	if (ESR_EC(esr) != EC_DABT_LOW) {
		CHECK(r == -EINVAL);
		CHECK(!memcmp(&d, &untouched, sizeof(d)));
		return;
	}
	CHECK(r == 0);
	CHECK(d.fsc < 64);
	if (!d.isv) {
		CHECK(!d.size && !d.srt && !d.sign_extend && !d.sixty_four);
		return;
	}
	CHECK(d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8);
	CHECK(d.srt < 32);
	check_load(&d, raw);
}

static void check_sysreg(u64 esr)
{
	struct esr_sysreg s;
	int r = esr_decode_sysreg(esr, &s);

	if (ESR_EC(esr) != EC_SYS64) {
		CHECK(r == -EINVAL);
		return;
	}
	CHECK(r == 0);
	CHECK(s.op0 < 4 && s.op1 < 8 && s.crn < 16 && s.crm < 16 && s.op2 < 8 && s.rt < 32);
	CHECK(esr_sysreg_key(&s) < (1u << 16));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u64 v[4] = { 0 };
	u64 ipa;

	memcpy(v, data, MIN(size, sizeof(v)));
	check_dabt(v[0], v[1]);
	/* The same bits as a data abort from a lower EL, whatever the class was. */
	check_dabt((v[0] & ~(0x3fULL << ESR_EC_SHIFT)) | (u64)EC_DABT_LOW << ESR_EC_SHIFT, v[1]);
	check_sysreg(v[0]);
	check_sysreg((v[0] & ~(0x3fULL << ESR_EC_SHIFT)) | (u64)EC_SYS64 << ESR_EC_SHIFT);
	ipa = esr_fault_ipa(v[2], v[3]);
	CHECK((ipa & 0xfff) == (v[3] & 0xfff));
	CHECK(ipa >> 52 == 0);
	return 0;
}
