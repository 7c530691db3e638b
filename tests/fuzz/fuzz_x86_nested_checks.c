/* SOURCES: arch/x86/svm/nested_checks.c arch/x86/svm/nested_npt_walk.c */
/* CFLAGS: -Iarch/x86/include */
/*
 * libFuzzer target for the VMRUN consistency checks: VMCB12 is L1's, so
 * every field of it is hostile. The input fills the fields the checks
 * read and the limits L1's CPU model sets. Besides ASan/UBSan, it checks
 * the table against a second, independently written statement of the
 * APM's rules: a VMCB12 passes all checks exactly when the reference
 * finds it legal, and a refusal names the first check that is violated.
 */
#include <asm/cpu.h>
#include <asm/svm_nested.h>
#include <lib/compiler.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#include "fuzz_check.h"

struct input {
	u64 efer, cr0, cr3, cr4, dr6, dr7;
	u16 cs_attrib;
	u32 intercept_misc2, asid;
	u64 iopm, msrpm, event_inj, nested_ctl;
	u8 tlb_control, phys_bits;
	u64 cr4_allowed;
	u8 flush_by_asid;	/* odd: L1 is offered flush-by-ASID */
	u64 ncr3, g_pat;
	u8 l1_long_mode;
} __packed;

/* With NP, N_CR3 within the width, every G_PAT byte a defined type, L1 in long mode. */
static bool reference_np_legal(const struct input *in, u64 limit)
{
	unsigned int b;
	u8 t;

	if (!(in->nested_ctl & 1))
		return true;
	if (in->ncr3 > limit || !(in->l1_long_mode & 1))
		return false;
	for (b = 0; b < 8; b++) {
		t = (u8)(in->g_pat >> (8 * b));
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* The APM's list, spelled out bit by bit rather than by mask. */
static bool reference_legal(const struct input *in, u32 phys)
{
	bool lme_pg = (in->efer >> 8 & 1) && (in->cr0 >> 31 & 1);
	u64 limit = phys >= 64 ? ~0ULL : (1ULL << phys) - 1;
	u32 type = (u32)(in->event_inj >> 8) & 7, vec = (u32)in->event_inj & 0xff;
	unsigned int b;

	if (!(in->efer >> 12 & 1))
		return false;
	if (!(in->cr0 >> 30 & 1) && (in->cr0 >> 29 & 1))
		return false;
	if ((in->cr0 >> 32) || (in->dr6 >> 32) || (in->dr7 >> 32))
		return false;
	if (lme_pg ? in->cr3 > limit : (in->cr3 >> 32) != 0)
		return false;
	for (b = 0; b < 64; b++)
		if ((in->cr4 >> b & 1) && !(in->cr4_allowed >> b & 1))
			return false;
	for (b = 0; b < 64; b++)
		if ((in->efer >> b & 1) && b != 0 && b != 8 && b != 10 && b != 11 && b != 12)
			return false;
	if (lme_pg && (!(in->cr4 >> 5 & 1) || !(in->cr0 & 1)))
		return false;
	if (lme_pg && (in->cr4 >> 5 & 1) && (in->cs_attrib >> 9 & 1) && (in->cs_attrib >> 10 & 1))
		return false;
	if (!(in->intercept_misc2 & 1) || in->asid == 0)
		return false;
	if ((in->iopm & ~0xfffULL) + IOPM_SIZE - 1 > limit || (in->iopm & ~0xfffULL) > limit)
		return false;
	if ((in->msrpm & ~0xfffULL) + MSRPM_SIZE - 1 > limit || (in->msrpm & ~0xfffULL) > limit)
		return false;
	if (in->event_inj >> 31 & 1) {
		if (type == 1 || type > 4)
			return false;
		if (type == 3 && (vec == 2 || vec == 9 || vec == 15 || (vec >= 20 && vec <= 29) ||
				  vec >= 31))
			return false;
	}
	if ((in->nested_ctl >> 1) != 0 || !reference_np_legal(in, limit))
		return false;
	if (in->tlb_control == 3 || in->tlb_control == 7)
		return in->flush_by_asid & 1;
	return in->tlb_control <= 1;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct nested_limits l;
	const struct nested_check *c;
	struct input in;
	struct vmcb *v;
	unsigned int i;
	bool legal;

	if (size < sizeof(in))
		return 0;
	memcpy(&in, data, sizeof(in));
	/* Physical widths a CPU reports: 32 to 52 bits. */
	in.phys_bits = (u8)(32 + in.phys_bits % 21);
	/* The map bases must not wrap the 64-bit space in the reference. */
	in.iopm &= ~(0xfULL << 60);
	in.msrpm &= ~(0xfULL << 60);
	v = calloc(1, sizeof(*v));
	if (!v)
		return 0;
	v->save.efer = in.efer;
	v->save.cr0 = in.cr0;
	v->save.cr3 = in.cr3;
	v->save.cr4 = in.cr4;
	v->save.dr6 = in.dr6;
	v->save.dr7 = in.dr7;
	v->save.cs.attrib = in.cs_attrib;
	v->control.intercept_misc2 = in.intercept_misc2;
	v->control.asid = in.asid;
	v->control.iopm_base_pa = in.iopm;
	v->control.msrpm_base_pa = in.msrpm;
	v->control.event_inj = in.event_inj;
	v->control.nested_ctl = in.nested_ctl;
	v->control.tlb_control = in.tlb_control;
	v->control.nested_cr3 = in.ncr3;
	v->save.g_pat = in.g_pat;
	l = (struct nested_limits){
		.phys_bits = in.phys_bits,
		.cr4_allowed = in.cr4_allowed,
		.efer_allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME,
		.svm_features = (in.flush_by_asid & 1) ? SVM_FEATURE_FLUSH_ASID : 0,
		.l1_long_mode = in.l1_long_mode & 1,
	};
	c = nested_vmcb_check(v, &l);
	legal = reference_legal(&in, in.phys_bits);
	CHECK(!c == legal);
	if (c) {
		CHECK(c->violated(v, &l));
		for (i = 0; &nested_checks[i] != c; i++)
			CHECK(!nested_checks[i].violated(v, &l));
	}
	CHECK(nested_event_inj_valid(in.event_inj) || (in.event_inj >> 31 & 1));
	free(v);
	return 0;
}
