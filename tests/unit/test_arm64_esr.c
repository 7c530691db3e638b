/* SOURCES: arch/arm64/esr.c lib/errno.c */
/* CFLAGS: -Iarch/arm64/include */
#include "test_support.h"

#include <asm/esr.h>
#include <lib/errno.h>

/*
 * The ESR_EL2 decoder, table-driven: each row is a syndrome value as
 * the CPU reports it for the instruction named (encoded from the ARM ARM's
 * ISS fields, D13.2.39 "ISS encoding for an exception from a Data
 * Abort"), and what the run loop must make of it.
 */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct dabt_row {
	const char *insn;
	u64 esr;
	struct esr_dabt want;
};

#define L3_TRANSLATION	0x07

static const struct dabt_row dabt_rows[] = {
	{ "ldrb w3, [x0]", 0x93030007,
	  { .isv = true, .size = 1, .srt = 3, .fsc = L3_TRANSLATION } },
	{ "ldrh w4, [x1]", 0x93440007,
	  { .isv = true, .size = 2, .srt = 4, .fsc = L3_TRANSLATION } },
	{ "ldr w1, [x0]", 0x93810007,
	  { .isv = true, .size = 4, .srt = 1, .fsc = L3_TRANSLATION } },
	{ "ldr x30, [x2]", 0x93de8007,
	  { .isv = true, .size = 8, .srt = 30, .sixty_four = true, .fsc = L3_TRANSLATION } },
	{ "ldrsb x5, [x0]", 0x93258007,
	  { .isv = true, .size = 1, .srt = 5, .sign_extend = true, .sixty_four = true,
	    .fsc = L3_TRANSLATION } },
	{ "ldrsh w6, [x0]", 0x93660007,
	  { .isv = true, .size = 2, .srt = 6, .sign_extend = true, .fsc = L3_TRANSLATION } },
	{ "ldrsw x7, [x0]", 0x93a78007,
	  { .isv = true, .size = 4, .srt = 7, .sign_extend = true, .sixty_four = true,
	    .fsc = L3_TRANSLATION } },
	{ "strb w8, [x0]", 0x93080047,
	  { .isv = true, .write = true, .size = 1, .srt = 8, .fsc = L3_TRANSLATION } },
	{ "str xzr, [x0]", 0x93df8047,
	  { .isv = true, .write = true, .size = 8, .srt = 31, .sixty_four = true,
	    .fsc = L3_TRANSLATION } },
	{ "str wzr, [x0] (level 2 fault)", 0x939f0046,
	  { .isv = true, .write = true, .size = 4, .srt = 31, .fsc = 0x06 } },
	{ "ldp x0, x1, [x2]: no syndrome", 0x92000007, { .fsc = L3_TRANSLATION } },
	{ "stp x0, x1, [x2]: no syndrome", 0x92000047,
	  { .write = true, .fsc = L3_TRANSLATION } },
	{ "a guest page-table walk (S1PTW)", 0x92000087,
	  { .s1ptw = true, .fsc = L3_TRANSLATION } },
	{ "dc civac on MMIO (CM)", 0x93c08147,
	  { .isv = true, .write = true, .cache_maint = true, .size = 8, .srt = 0,
	    .sixty_four = true, .fsc = L3_TRANSLATION } },
	/* Without ISV the access fields are UNKNOWN: set in the value, never decoded. */
	{ "ISV clear, garbage in SAS/SRT/SF", 0x92ff8007, { .fsc = L3_TRANSLATION } },
};

static void test_dabt_table(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dabt_rows); i++) {
		const struct dabt_row *r = &dabt_rows[i];
		struct esr_dabt d;

		print_message("%s\n", r->insn);
		assert_int_equal(esr_decode_dabt(r->esr, &d), 0);
		assert_int_equal(d.isv, r->want.isv);
		assert_int_equal(d.write, r->want.write);
		assert_int_equal(d.sign_extend, r->want.sign_extend);
		assert_int_equal(d.sixty_four, r->want.sixty_four);
		assert_int_equal(d.s1ptw, r->want.s1ptw);
		assert_int_equal(d.cache_maint, r->want.cache_maint);
		assert_int_equal(d.size, r->want.size);
		assert_int_equal(d.srt, r->want.srt);
		assert_int_equal(d.fsc, r->want.fsc);
	}
}

static void test_dabt_other_classes(void **state)
{
	static const u64 not_dabt[] = {
		0x5a000000,	/* HVC #0 */
		0x96000007,	/* data abort at EL2 (EC 0x25) */
		0x82000007,	/* instruction abort from a lower EL */
		0x02000000,	/* unknown */
	};
	struct esr_dabt d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(not_dabt); i++)
		assert_int_equal(esr_decode_dabt(not_dabt[i], &d), -EINVAL);
}

struct load_row {
	u8 size;
	bool sse, sf;
	u64 data, want;
};

static const struct load_row load_rows[] = {
	{ 1, false, false, 0x81, 0x81 },
	{ 1, true, true, 0x81, 0xffffffffffffff81ULL },
	{ 1, true, false, 0x81, 0xffffff81ULL },
	{ 1, true, true, 0x7f, 0x7f },
	{ 2, true, true, 0x8081, 0xffffffffffff8081ULL },
	{ 2, true, false, 0x8081, 0xffff8081ULL },
	{ 2, false, true, 0x8081, 0x8081 },
	{ 4, true, true, 0x80000000, 0xffffffff80000000ULL },
	{ 4, false, true, 0x80000000, 0x80000000 },
	{ 4, false, false, 0xdeadbeef, 0xdeadbeef },
	{ 8, false, true, 0x8000000000000001ULL, 0x8000000000000001ULL },
	/* Bytes beyond the access's size are not the device's: dropped. */
	{ 1, false, true, 0xffffffffffff1234ULL, 0x34 },
	{ 2, true, true, 0x1234567800007fffULL, 0x7fff },
};

static void test_load_value(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(load_rows); i++) {
		const struct load_row *r = &load_rows[i];
		struct esr_dabt d = { .isv = true, .size = r->size, .sign_extend = r->sse,
				      .sixty_four = r->sf };

		assert_int_equal(esr_load_value(&d, r->data), r->want);
	}
}

static void test_fault_ipa(void **state)
{
	/* HPFAR_EL2.FIPA (bits 43:4) is IPA[51:12]; the page offset is FAR's. */
	assert_int_equal(esr_fault_ipa(0x0a000ULL << 4, 0xffff000012345678ULL),
			 0x0a000678ULL);
	assert_int_equal(esr_fault_ipa(0x90000ULL << 4, 0x4), 0x90000004ULL);
	assert_int_equal(esr_fault_ipa(~0ULL, 0xabc), 0xffffffffffabcULL);	/* IPA[51:12] */
	assert_int_equal(esr_fault_ipa(0xf, 0x1fff), 0xfff);
}

struct sysreg_row {
	const char *name;
	u64 esr;
	struct esr_sysreg want;
	u32 key;
};

static const struct sysreg_row sysreg_rows[] = {
	{ "msr ICC_SGI1R_EL1, x2", 0x623a3056,
	  { .op0 = 3, .op1 = 0, .crn = 12, .crm = 11, .op2 = 5, .rt = 2, .read = false },
	  SYSREG_KEY(3, 0, 12, 11, 5) },
	{ "mrs x1, CNTP_CTL_EL0", 0x6232f825,
	  { .op0 = 3, .op1 = 3, .crn = 14, .crm = 2, .op2 = 1, .rt = 1, .read = true },
	  SYSREG_KEY(3, 3, 14, 2, 1) },
	{ "mrs xzr, S3_0_C15_C0_0", 0x62303fe1,
	  { .op0 = 3, .op1 = 0, .crn = 15, .crm = 0, .op2 = 0, .rt = 31, .read = true },
	  SYSREG_KEY(3, 0, 15, 0, 0) },
};

static void test_sysreg_table(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sysreg_rows); i++) {
		const struct sysreg_row *r = &sysreg_rows[i];
		struct esr_sysreg s;

		print_message("%s\n", r->name);
		assert_int_equal(esr_decode_sysreg(r->esr, &s), 0);
		assert_int_equal(s.op0, r->want.op0);
		assert_int_equal(s.op1, r->want.op1);
		assert_int_equal(s.crn, r->want.crn);
		assert_int_equal(s.crm, r->want.crm);
		assert_int_equal(s.op2, r->want.op2);
		assert_int_equal(s.rt, r->want.rt);
		assert_int_equal(s.read, r->want.read);
		assert_int_equal(esr_sysreg_key(&s), r->key);
	}
	assert_int_equal(esr_decode_sysreg(0x93810007, &(struct esr_sysreg){ 0 }), -EINVAL);
}

static void test_wfx_hvc(void **state)
{
	assert_false(esr_wfx_is_wfe(0x06000000));	/* WFI: TI = 0 */
	assert_true(esr_wfx_is_wfe(0x06000001));	/* WFE */
	assert_int_equal(esr_hvc_imm(0x5a000000), 0);
	assert_int_equal(esr_hvc_imm(0x5a00abcd), 0xabcd);
	assert_int_equal(ESR_EC(0x5e000000), EC_SMC64);
	assert_int_equal(ESR_EC(0x623a3056), EC_SYS64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dabt_table),
		cmocka_unit_test(test_dabt_other_classes),
		cmocka_unit_test(test_load_value),
		cmocka_unit_test(test_fault_ipa),
		cmocka_unit_test(test_sysreg_table),
		cmocka_unit_test(test_wfx_hvc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
