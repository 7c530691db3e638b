/* SOURCES: arch/x86/svm/nested_checks.c arch/x86/svm/nested_npt_walk.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/cpu.h>
#include <asm/svm_nested.h>
#include <string.h>

/*
 * The VMRUN consistency checks one by one: a valid VMCB12 passes them
 * all; each row below breaks one thing and must be refused by the check
 * of that name (and by no earlier one); the boundary rows break nothing
 * and must pass. Every check in the table must be hit by some row.
 */

#define PHYS_BITS	40
/* PAE, PGE, OSFXSR, OSXMMEXCPT, OSXSAVE */
#define CR4_OK		(BIT(5) | BIT(7) | BIT(9) | BIT(10) | BIT(18))
#define EFER_OK		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME)

#define PAT_RESET	0x0007040600070406ULL

static const struct nested_limits limits = {
	.phys_bits = PHYS_BITS, .cr4_allowed = CR4_OK, .efer_allowed = EFER_OK,
	.svm_features = SVM_FEATURE_FLUSH_ASID,
	.l1_long_mode = true,
};

/* The same CPU with L1 in protected mode at the VMRUN: its nested table is not long-mode. */
static const struct nested_limits limits_l1_legacy = {
	.phys_bits = PHYS_BITS, .cr4_allowed = CR4_OK, .efer_allowed = EFER_OK,
	.svm_features = SVM_FEATURE_FLUSH_ASID,
};

static struct vmcb v;

static void valid_long_mode(struct vmcb *w)
{
	memset(w, 0, sizeof(*w));
	w->control.intercept_misc2 = INTERCEPT2_VMRUN;
	w->control.asid = 1;
	w->control.iopm_base_pa = 0x100000;
	w->control.msrpm_base_pa = 0x104000;
	w->save.efer = EFER_SVME | EFER_LME | EFER_LMA;
	w->save.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_ET;
	w->save.cr4 = X86_CR4_PAE;
	w->save.cr3 = 0x1000;
	w->save.cs.attrib = SEG_ATTR_L | SEG_ATTR_P | SEG_ATTR_S | 0xb;
	w->save.dr6 = 0xffff0ff0;
	w->save.dr7 = 0x400;
	w->save.g_pat = PAT_RESET;
}

/* 32-bit protected mode, no paging: the legacy rules for CR3. */
static void legacy(struct vmcb *w)
{
	w->save.efer = EFER_SVME;
	w->save.cr0 = X86_CR0_PE;
	w->save.cr4 = 0;
	w->save.cs.attrib = SEG_ATTR_DB | SEG_ATTR_P | SEG_ATTR_S | 0xb;
}

#define M(name, body) static void name(struct vmcb *w) { body; }
M(svme_clear, w->save.efer &= ~EFER_SVME)
M(nw_no_cd, w->save.cr0 |= X86_CR0_NW)
M(cr0_bit32, w->save.cr0 |= 1ULL << 32)
M(cr0_bit63, w->save.cr0 |= 1ULL << 63)
M(dr6_bit32, w->save.dr6 |= 1ULL << 32)
M(dr7_bit47, w->save.dr7 |= 1ULL << 47)
M(cr3_at_limit, w->save.cr3 |= 1ULL << PHYS_BITS)
M(cr3_bit63, w->save.cr3 |= 1ULL << 63)
M(cr3_legacy_bit32, legacy(w); w->save.cr3 = 1ULL << 32)
M(cr4_reserved_bit, w->save.cr4 |= BIT(15))
M(cr4_not_offered, w->save.cr4 |= BIT(12))
M(efer_bit2, w->save.efer |= BIT(2))
M(efer_ffxsr, w->save.efer |= BIT(14))
M(no_pae, w->save.cr4 &= ~X86_CR4_PAE)
M(no_pe, w->save.cr0 &= ~X86_CR0_PE)
M(cs_l_d, w->save.cs.attrib |= SEG_ATTR_DB)
M(no_vmrun, w->control.intercept_misc2 = INTERCEPT2_VMMCALL)
M(asid0, w->control.asid = 0)
M(iopm_end, w->control.iopm_base_pa = (1ULL << PHYS_BITS) - 0x2000)
M(iopm_base, w->control.iopm_base_pa = 1ULL << PHYS_BITS)
M(msrpm_end, w->control.msrpm_base_pa = (1ULL << PHYS_BITS) - 0x1000)
M(msrpm_base_high, w->control.msrpm_base_pa = 1ULL << 63)
M(evt_type1, w->control.event_inj = EVTINJ_VALID | (1ULL << 8) | 0x20)
M(evt_type5, w->control.event_inj = EVTINJ_VALID | (5ULL << 8) | 0x20)
M(evt_type7, w->control.event_inj = EVTINJ_VALID | (7ULL << 8))
M(evt_exc_nmi, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 2)
M(evt_exc_32, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 32)
M(evt_exc_9, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 9)
M(evt_exc_15, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 15)
M(evt_exc_21, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | EVTINJ_VALID_ERR | 21)
M(evt_exc_22, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 22)
M(evt_exc_27, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 27)
M(evt_exc_29, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | EVTINJ_VALID_ERR | 29)
M(evt_exc_31, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 31)
M(np, w->control.nested_ctl = NESTED_CTL_NP_ENABLE; w->control.nested_cr3 = 0x200000)
M(np_sev, w->control.nested_ctl = NESTED_CTL_NP_ENABLE | BIT(1))
M(sev_es, w->control.nested_ctl = BIT(2))
M(ncr3_at_limit, np(w); w->control.nested_cr3 |= 1ULL << PHYS_BITS)
M(ncr3_bit63, np(w); w->control.nested_cr3 |= 1ULL << 63)
M(ncr3_below_limit, np(w); w->control.nested_cr3 = (1ULL << PHYS_BITS) - 0x1000)
M(ncr3_high_without_np, w->control.nested_cr3 = 1ULL << 63)
M(gpat_type2, np(w); w->save.g_pat = (PAT_RESET & ~0xffULL) | 2)
M(gpat_type3_entry7, np(w); w->save.g_pat = (PAT_RESET & ~(0xffULL << 56)) | (3ULL << 56))
M(gpat_bit3, np(w); w->save.g_pat = PAT_RESET | (8ULL << 8))
M(gpat_all_types, np(w); w->save.g_pat = 0x0706050401000606ULL)
M(gpat_bad_without_np, w->save.g_pat = 0x0202020202020202ULL)
M(tlb3, w->control.tlb_control = TLB_CONTROL_FLUSH_ASID)
M(tlb7, w->control.tlb_control = TLB_CONTROL_FLUSH_ASID_LOCAL)
M(tlb2, w->control.tlb_control = 2)
M(tlb4, w->control.tlb_control = 4)
M(tlb255, w->control.tlb_control = 255)
/* The last pages below 2^PHYS_BITS, and bases that wrap the 64-bit space. */
M(iopm_last_page, w->control.iopm_base_pa = (1ULL << PHYS_BITS) - 0x1000)
M(iopm_wraps, w->control.iopm_base_pa = ~0ULL - 0xfff)
M(iopm_2_pages_left, w->control.iopm_base_pa = (1ULL << PHYS_BITS) - 0x2000 + 0x800)
M(msrpm_last_page_low_bits, w->control.msrpm_base_pa = (1ULL << PHYS_BITS) - 0x1000 + 0xfff)
M(msrpm_wraps, w->control.msrpm_base_pa = ~0ULL - 0x1fff)
M(msrpm_at_width, w->control.msrpm_base_pa = 1ULL << PHYS_BITS)

/* Legal corners: must pass. */
M(cd_and_nw, w->save.cr0 |= X86_CR0_CD | X86_CR0_NW)
M(cd_only, w->save.cr0 |= X86_CR0_CD)
M(cr3_below_limit, w->save.cr3 = (1ULL << PHYS_BITS) - 0x1000)
M(cr3_legacy_low, legacy(w); w->save.cr3 = 0xfffff000)
M(legacy_pae_off_cs_ld, legacy(w); w->save.cs.attrib |= SEG_ATTR_L)
M(lme_without_pg, w->save.cr0 &= ~X86_CR0_PG; w->save.cr4 = 0)
M(iopm_last_fit, w->control.iopm_base_pa = (1ULL << PHYS_BITS) - IOPM_SIZE)
M(iopm_low_bits_ignored, w->control.iopm_base_pa = (1ULL << PHYS_BITS) - IOPM_SIZE + 0xfff)
M(msrpm_last_fit, w->control.msrpm_base_pa = (1ULL << PHYS_BITS) - MSRPM_SIZE)
M(evt_not_valid, w->control.event_inj = (1ULL << 8) | 2)
M(evt_intr, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_INTR | 0x80)
M(evt_nmi, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_NMI | 2)
M(evt_exc_30_err, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | EVTINJ_VALID_ERR | 30)
M(evt_exc_19, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 19)
M(evt_reserved_bits, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_EXEPT | 0x7ffff000 | 13)
M(evt_soft, w->control.event_inj = EVTINJ_VALID | EVTINJ_TYPE_SOFT | 0x80)
M(tlb1, w->control.tlb_control = TLB_CONTROL_FLUSH_ALL_ASID)
M(other_intercepts, w->control.intercept_misc1 = ~0u; w->control.intercept_misc2 = ~0u)
#undef M

struct row {
	const char *desc;
	void (*spoil)(struct vmcb *w);
	const char *check;	/* the check that must refuse it; NULL: it must pass */
	bool l1_legacy;		/* L1 outside long mode at the VMRUN (limits_l1_legacy) */
};

static const struct nested_limits *limits_of(const struct row *r)
{
	return r->l1_legacy ? &limits_l1_legacy : &limits;
}

static const struct row rows[] = {
	{ "EFER.SVME clear", svme_clear, "efer_svme_clear", false },
	{ "CR0.NW without CD", nw_no_cd, "cr0_cd_clear_nw_set", false },
	{ "CR0 bit 32", cr0_bit32, "cr0_high_bits", false },
	{ "CR0 bit 63", cr0_bit63, "cr0_high_bits", false },
	{ "DR6 bit 32", dr6_bit32, "dr6_high_bits", false },
	{ "DR7 bit 47", dr7_bit47, "dr7_high_bits", false },
	{ "CR3 bit at the physical width (long mode)", cr3_at_limit, "cr3_mbz", false },
	{ "CR3 bit 63 (long mode)", cr3_bit63, "cr3_mbz", false },
	{ "CR3 bit 32 (legacy)", cr3_legacy_bit32, "cr3_mbz", false },
	{ "CR4 bit 15 (reserved)", cr4_reserved_bit, "cr4_reserved", false },
	{ "CR4.LA57 (not offered)", cr4_not_offered, "cr4_reserved", false },
	{ "EFER bit 2", efer_bit2, "efer_reserved", false },
	{ "EFER.FFXSR (not offered)", efer_ffxsr, "efer_reserved", false },
	{ "LME+PG without PAE", no_pae, "lme_pg_without_pae", false },
	{ "LME+PG without PE", no_pe, "lme_pg_without_pe", false },
	{ "LME+PG+PAE, CS.L and CS.D", cs_l_d, "lme_pg_pae_cs_l_and_d", false },
	{ "VMRUN not intercepted", no_vmrun, "vmrun_intercept_clear", false },
	{ "ASID 0", asid0, "asid_zero", false },
	{ "IOPM ends beyond the width", iopm_end, "iopm_beyond_limit", false },
	{ "IOPM starts beyond the width", iopm_base, "iopm_beyond_limit", false },
	{ "MSRPM ends beyond the width", msrpm_end, "msrpm_beyond_limit", false },
	{ "MSRPM bit 63", msrpm_base_high, "msrpm_beyond_limit", false },
	{ "EVENTINJ type 1", evt_type1, "event_inj_illegal", false },
	{ "EVENTINJ type 5", evt_type5, "event_inj_illegal", false },
	{ "EVENTINJ type 7", evt_type7, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 2", evt_exc_nmi, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 32", evt_exc_32, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 9 (reserved)", evt_exc_9, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 15 (reserved)", evt_exc_15, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 21 (#CP, not offered)", evt_exc_21, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 22 (reserved)", evt_exc_22, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 27 (reserved)", evt_exc_27, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 29 (#VC, not offered)", evt_exc_29, "event_inj_illegal", false },
	{ "EVENTINJ exception vector 31 (reserved)", evt_exc_31, "event_inj_illegal", false },
	{ "NP_ENABLE with SEV", np_sev, "nested_ctl_not_offered", false },
	{ "SEV-ES", sev_es, "nested_ctl_not_offered", false },
	{ "N_CR3 bit at the physical width", ncr3_at_limit, "ncr3_mbz", false },
	{ "N_CR3 bit 63", ncr3_bit63, "ncr3_mbz", false },
	{ "G_PAT entry 0 type 2 (reserved)", gpat_type2, "g_pat_invalid", false },
	{ "G_PAT entry 7 type 3 (reserved)", gpat_type3_entry7, "g_pat_invalid", false },
	{ "G_PAT entry 1 bit 3", gpat_bit3, "g_pat_invalid", false },
	{ "NP with L1 outside long mode", np, "np_l1_not_long_mode", true },
	{ "TLB_CONTROL 2", tlb2, "tlb_control_not_offered", false },
	{ "TLB_CONTROL 4", tlb4, "tlb_control_not_offered", false },
	{ "TLB_CONTROL 255", tlb255, "tlb_control_not_offered", false },
	{ "IOPM in the last page below the width", iopm_last_page, "iopm_beyond_limit", false },
	{ "IOPM 2 pages below the width", iopm_2_pages_left, "iopm_beyond_limit", false },
	{ "IOPM base wrapping past 2^64", iopm_wraps, "iopm_beyond_limit", false },
	{ "MSRPM in the last page, low bits set", msrpm_last_page_low_bits,
	  "msrpm_beyond_limit", false },
	{ "MSRPM base wrapping past 2^64", msrpm_wraps, "msrpm_beyond_limit", false },
	{ "MSRPM base at the width", msrpm_at_width, "msrpm_beyond_limit", false },
	{ "CR0.CD and NW", cd_and_nw, NULL, false },
	{ "CR0.CD alone", cd_only, NULL, false },
	{ "CR3 just below the width", cr3_below_limit, NULL, false },
	{ "CR3 below 4 GiB (legacy)", cr3_legacy_low, NULL, false },
	{ "CS.L outside long mode", legacy_pae_off_cs_ld, NULL, false },
	{ "LME without PG", lme_without_pg, NULL, false },
	{ "IOPM's last byte at the width", iopm_last_fit, NULL, false },
	{ "IOPM base's low 12 bits ignored", iopm_low_bits_ignored, NULL, false },
	{ "MSRPM's last byte at the width", msrpm_last_fit, NULL, false },
	{ "EVENTINJ without V", evt_not_valid, NULL, false },
	{ "EVENTINJ interrupt 0x80", evt_intr, NULL, false },
	{ "EVENTINJ NMI", evt_nmi, NULL, false },
	{ "EVENTINJ exception 30 (#SX) with error code", evt_exc_30_err, NULL, false },
	{ "EVENTINJ exception 19 (#XF)", evt_exc_19, NULL, false },
	{ "EVENTINJ reserved bits 30:12 (not checked)", evt_reserved_bits, NULL, false },
	{ "EVENTINJ software interrupt", evt_soft, NULL, false },
	{ "TLB_CONTROL 1", tlb1, NULL, false },
	{ "TLB_CONTROL 3 (flush-by-ASID offered)", tlb3, NULL, false },
	{ "TLB_CONTROL 7 (flush-by-ASID offered)", tlb7, NULL, false },
	{ "NP_ENABLE", np, NULL, false },
	{ "N_CR3 just below the width", ncr3_below_limit, NULL, false },
	{ "N_CR3 bit 63 without NP (not looked at)", ncr3_high_without_np, NULL, false },
	{ "G_PAT with every defined type", gpat_all_types, NULL, false },
	{ "G_PAT reserved types without NP (not loaded)", gpat_bad_without_np, NULL, false },
	{ "every other intercept", other_intercepts, NULL, false },
};

static void test_valid_vmcb_passes(void **state)
{
	valid_long_mode(&v);
	assert_null(nested_vmcb_check(&v, &limits));
	valid_long_mode(&v);
	legacy(&v);
	assert_null(nested_vmcb_check(&v, &limits));
}

static void test_each_row(void **state)
{
	const struct nested_check *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		valid_long_mode(&v);
		rows[i].spoil(&v);
		c = nested_vmcb_check(&v, limits_of(&rows[i]));
		if (!rows[i].check && c)
			fail_msg("%s: refused by %s, but it is legal", rows[i].desc, c->name);
		if (rows[i].check && (!c || strcmp(c->name, rows[i].check)))
			fail_msg("%s: %s, want %s", rows[i].desc, c ? c->name : "passed",
				 rows[i].check);
	}
}

/* A check no row reaches could be deleted without a test noticing. */
static void test_every_check_has_a_row(void **state)
{
	unsigned int i, j;
	bool hit;

	for (i = 0; i < nested_nr_checks; i++) {
		hit = false;
		for (j = 0; j < ARRAY_SIZE(rows); j++)
			if (rows[j].check && !strcmp(rows[j].check, nested_checks[i].name))
				hit = true;
		if (!hit)
			fail_msg("check %s has no test row", nested_checks[i].name);
	}
}

/* Each predicate alone: the row's VMCB violates its check and no other one but it. */
static void test_each_predicate_alone(void **state)
{
	unsigned int i, j;

	for (j = 0; j < ARRAY_SIZE(rows); j++) {
		if (!rows[j].check)
			continue;
		valid_long_mode(&v);
		rows[j].spoil(&v);
		for (i = 0; i < nested_nr_checks; i++) {
			bool want = !strcmp(nested_checks[i].name, rows[j].check);

			if (nested_checks[i].violated(&v, limits_of(&rows[j])) != want)
				fail_msg("%s: check %s says %s", rows[j].desc,
					 nested_checks[i].name, want ? "legal" : "illegal");
		}
	}
}

/* Without flush-by-ASID in L1's CPUID, TLB_CONTROL 3 and 7 are refused. */
static void test_tlb_control_needs_flush_by_asid(void **state)
{
	struct nested_limits l = limits;
	const struct nested_check *c;

	l.svm_features = 0;
	valid_long_mode(&v);
	tlb3(&v);
	c = nested_vmcb_check(&v, &l);
	assert_non_null(c);
	assert_string_equal(c->name, "tlb_control_not_offered");
	tlb7(&v);
	c = nested_vmcb_check(&v, &l);
	assert_non_null(c);
	assert_string_equal(c->name, "tlb_control_not_offered");
	tlb1(&v);
	assert_null(nested_vmcb_check(&v, &l));
}

/*
 * The memo skips the checks while their key is unchanged: every
 * violation in the table must change the key, or a VMRUN after a valid
 * one could slip it past the checks.
 */
static void test_every_violation_changes_the_key(void **state)
{
	struct nested_check_key valid, k;
	unsigned int j;

	for (j = 0; j < ARRAY_SIZE(rows); j++) {
		if (!rows[j].check)
			continue;
		valid_long_mode(&v);
		nested_check_key(&v, &limits, &valid);
		rows[j].spoil(&v);
		nested_check_key(&v, limits_of(&rows[j]), &k);
		if (!memcmp(&valid, &k, sizeof(k)))
			fail_msg("%s: the check key does not see it", rows[j].desc);
	}
}

/* After a pass, each row's violation is still refused, by its own check. */
static void test_memo(void **state)
{
	struct nested_check_memo m = { 0 };
	const struct nested_check *c;
	unsigned int j;

	for (j = 0; j < ARRAY_SIZE(rows); j++) {
		valid_long_mode(&v);
		assert_null(nested_vmcb_check_memo(&v, &limits, &m));
		assert_true(m.passed);
		v.save.rip += 0x10;		/* read by no check: still a pass */
		v.save.rax = j;
		assert_null(nested_vmcb_check_memo(&v, &limits, &m));
		rows[j].spoil(&v);
		c = nested_vmcb_check_memo(&v, limits_of(&rows[j]), &m);
		if (rows[j].check && (!c || strcmp(c->name, rows[j].check)))
			fail_msg("%s after a pass: %s", rows[j].desc, c ? c->name : "passed");
		if (!rows[j].check && c)
			fail_msg("%s after a pass: refused by %s", rows[j].desc, c->name);
		/* A refusal is not remembered: the same state is checked again. */
		if (c)
			assert_non_null(nested_vmcb_check_memo(&v, limits_of(&rows[j]), &m));
	}
}

static void test_pdptes(void **state)
{
	assert_false(nested_pdpte_reserved(0, PHYS_BITS));
	assert_false(nested_pdpte_reserved(0x1000 | 1, PHYS_BITS));
	assert_false(nested_pdpte_reserved(0x1000 | 1 | BIT(3) | BIT(4), PHYS_BITS));
	assert_false(nested_pdpte_reserved(BIT(1), PHYS_BITS));	/* not present: ignored */
	assert_true(nested_pdpte_reserved(0x1000 | 1 | BIT(1), PHYS_BITS));
	assert_true(nested_pdpte_reserved(0x1000 | 1 | BIT(2), PHYS_BITS));
	assert_true(nested_pdpte_reserved(0x1000 | 1 | BIT(7), PHYS_BITS));
	assert_true(nested_pdpte_reserved(1 | (1ULL << PHYS_BITS), PHYS_BITS));
	assert_true(nested_pdpte_reserved(1 | BIT(63), PHYS_BITS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_vmcb_passes),
		cmocka_unit_test(test_each_row),
		cmocka_unit_test(test_every_check_has_a_row),
		cmocka_unit_test(test_every_violation_changes_the_key),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_each_predicate_alone),
		cmocka_unit_test(test_tlb_control_needs_flush_by_asid),
		cmocka_unit_test(test_pdptes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
