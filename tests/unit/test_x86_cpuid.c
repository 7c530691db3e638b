/* SOURCES: arch/x86/svm/cpuid.c */
/* CFLAGS: -Iarch/x86/include */
#include "test_support.h"

#include <asm/cpuid_model.h>
#include <hv/run.h>
#include <string.h>

/*
 * The CPUID model against a host that claims every feature (all bits
 * set), so that whatever reaches the guest is what the model let
 * through; and against a plain host, for the values passed as they are.
 */

static u32 host_calls;

static void all_ones_host(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	host_calls++;
	*r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
}

/* An EPYC-like host: max leaves, vendor, 48 bits virtual and 40 physical. */
static void epyc_host(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	if (leaf == 0)
		*r = (struct cpuid_regs){ 0x10, 0x68747541, 0x444d4163, 0x69746e65 };
	else if (leaf == 0x80000000)
		*r = (struct cpuid_regs){ 0x8000001f, 0x68747541, 0x444d4163, 0x69746e65 };
	else if (leaf == 0x80000008)
		*r = (struct cpuid_regs){ 0x3028, 0x1234, 0x7, 0 };
	else if (leaf == 1)
		*r = (struct cpuid_regs){ 0x00800f12, 0x00040800, 0, 0 };
}

static const struct cpuid_guest guest = { .vcpu_id = 3, .phys_bits = 40, .osxsave = false };

static struct cpuid_regs q(cpuid_host_fn host, const struct cpuid_guest *g, u32 leaf, u32 sub)
{
	struct cpuid_regs r;

	cpuid_model(g, host, leaf, sub, &r);
	return r;
}

static void test_hypervisor_leaves(void **state)
{
	struct cpuid_regs r;
	char sig[13] = { 0 };

	host_calls = 0;
	r = q(all_ones_host, &guest, CPUID_HV_BASE, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	assert_string_equal(sig, "microhv");
	assert_int_equal(r.eax, CPUID_HV_FEATURES);
	r = q(all_ones_host, &guest, CPUID_HV_FEATURES, 0);
	assert_int_equal(r.eax, HV_RUN_ABI_VERSION);
	assert_int_equal(r.ebx, CPUID_HV_FEAT_CONSOLE);
	assert_int_equal(r.ecx | r.edx, 0);
	/* Nothing of the host in the hypervisor's own leaves. */
	assert_int_equal(host_calls, 0);
	r = q(all_ones_host, &guest, CPUID_HV_BASE + 2, 0);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_leaf1_masks(void **state)
{
	struct cpuid_regs r = q(all_ones_host, &guest, 1, 0);
	struct cpuid_guest osx = guest;

	assert_true(r.ecx & BIT(31));			/* hypervisor */
	assert_false(r.ecx & BIT(21));			/* x2APIC */
	assert_false(r.ecx & BIT(3));			/* MONITOR */
	assert_false(r.ecx & BIT(5));			/* VMX */
	assert_false(r.ecx & BIT(24));			/* TSC deadline */
	assert_false(r.ecx & BIT(15));			/* PDCM (PMU) */
	assert_false(r.ecx & BIT(27));			/* OSXSAVE: CR4.OSXSAVE is clear */
	assert_true(r.ecx & BIT(26));			/* XSAVE */
	assert_true(r.ecx & BIT(0));			/* SSE3 */
	assert_false(r.edx & BIT(9));			/* APIC */
	assert_false(r.edx & BIT(12));			/* MTRR */
	assert_false(r.edx & (BIT(7) | BIT(14)));	/* MCE, MCA */
	assert_false(r.edx & BIT(28));			/* HTT */
	assert_true(r.edx & (BIT(0) | BIT(4) | BIT(5) | BIT(6) | BIT(26)));
	assert_int_equal(r.ebx >> 24, 3);		/* initial APIC ID = vCPU index */
	assert_int_equal((r.ebx >> 16) & 0xff, 0);
	osx.osxsave = true;
	assert_true(q(all_ones_host, &osx, 1, 0).ecx & BIT(27));
}

static void test_leaf7(void **state)
{
	struct cpuid_regs r = q(all_ones_host, &guest, 7, 0);

	assert_int_equal(r.eax, 0);
	assert_false(r.ecx & BIT(16));			/* LA57 */
	assert_false(r.ecx & (BIT(3) | BIT(4)));	/* PKU, OSPKE */
	assert_false(r.ecx & BIT(22));			/* RDPID */
	assert_false(r.ebx & BIT(16));			/* AVX512F */
	assert_true(r.ebx & BIT(5));			/* AVX2 */
	assert_true(r.ebx & BIT(0));			/* FSGSBASE */
	assert_int_equal(r.edx, 0);			/* speculation control */
	r = q(all_ones_host, &guest, 7, 1);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_extended_features(void **state)
{
	struct cpuid_regs r = q(all_ones_host, &guest, 0x80000001, 0);

	assert_false(r.ecx & BIT(2));			/* SVM: no nested virtualization */
	assert_false(r.ecx & BIT(12));			/* SKINIT */
	assert_false(r.ecx & BIT(23));			/* PerfCtrExtCore */
	assert_false(r.ecx & BIT(29));			/* MONITORX */
	assert_false(r.ecx & BIT(22));			/* TopoExt */
	assert_false(r.edx & BIT(27));			/* RDTSCP */
	assert_false(r.edx & BIT(9));			/* APIC */
	assert_true(r.edx & BIT(29));			/* LM */
	assert_true(r.edx & BIT(20));			/* NX */
	assert_true(r.edx & BIT(11));			/* SYSCALL */
	r = q(all_ones_host, &guest, 0x8000000a, 0);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = q(all_ones_host, &guest, 0x80000007, 0);
	assert_int_equal(r.edx, BIT(8));		/* invariant TSC only */
}

static void test_max_leaves_clamped(void **state)
{
	struct cpuid_regs r = q(epyc_host, &guest, 0, 0);

	assert_int_equal(r.eax, 0xd);
	assert_int_equal(r.ebx, 0x68747541);		/* "AuthenticAMD" passes */
	r = q(epyc_host, &guest, 0x80000000, 0);
	assert_int_equal(r.eax, 0x80000008);
}

static void test_address_sizes(void **state)
{
	struct cpuid_regs r = q(epyc_host, &guest, 0x80000008, 0);
	struct cpuid_guest small = guest;

	assert_int_equal(r.eax, 0x3028);
	assert_int_equal(r.ebx | r.ecx | r.edx, 0);
	small.phys_bits = 36;
	assert_int_equal(q(epyc_host, &small, 0x80000008, 0).eax, 0x3024);
}

static void test_xsave_states(void **state)
{
	struct cpuid_regs r = q(all_ones_host, &guest, 0xd, 0);

	assert_int_equal(r.eax, 0x7);			/* x87, SSE, AVX */
	assert_int_equal(r.edx, 0);
	r = q(all_ones_host, &guest, 0xd, 1);
	assert_false(r.eax & BIT(3));			/* XSAVES */
	assert_true(r.eax & BIT(0));			/* XSAVEOPT */
	r = q(all_ones_host, &guest, 0xd, 5);		/* AVX-512 state: hidden */
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* Everything the table does not list is zero: topology, PMU, power, and the unknown. */
static void test_unlisted_leaves_are_zero(void **state)
{
	static const u32 leaves[] = {
		2, 3, 4, 5, 6, 8, 0xa, 0xb, 0xc, 0xe, 0xf, 0x10, 0x14, 0x1f,
		0x80000009, 0x8000001e, 0x8000001f, 0x80000021, 0xc0000000, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid_regs r = q(all_ones_host, &guest, leaves[i], 0);

		if (r.eax | r.ebx | r.ecx | r.edx)
			fail_msg("leaf %#x is not zero", leaves[i]);
	}
}

static void test_brand_and_caches_pass(void **state)
{
	u32 leaf;

	for (leaf = 0x80000002; leaf <= 0x80000006; leaf++) {
		struct cpuid_regs r = q(all_ones_host, &guest, leaf, 0);

		assert_int_equal(r.eax & r.ebx & r.ecx & r.edx, ~0u);
	}
}

/* The per-vCPU cache answers exactly as the model does, for either CR4.OSXSAVE. */
static void check_cache_matches_model(cpuid_host_fn host, const struct cpuid_guest *g)
{
	static const u32 starts[] = { 0, CPUID_HV_BASE - 2, CPUID_EXT_BASE - 2, 0x4000ffff };
	struct cpuid_cache c;
	unsigned int s, k, sub;

	cpuid_cache_fill(&c, g, host);
	for (s = 0; s < ARRAY_SIZE(starts); s++) {
		for (k = 0; k < 0x14; k++) {
			u32 leaf = starts[s] + k;

			for (sub = 0; sub < 3; sub++) {
				struct cpuid_guest gx = *g;
				struct cpuid_regs want, got;

				for (gx.osxsave = false;; gx.osxsave = true) {
					if (!cpuid_cache_lookup(&c, leaf, gx.osxsave, &got))
						cpuid_model(&gx, host, leaf, sub, &got);
					want = q(host, &gx, leaf, sub);
					assert_memory_equal(&got, &want, sizeof(want));
					if (gx.osxsave)
						break;
				}
			}
		}
	}
	/* The leaves that read ECX are left to the model. */
	assert_true(c.by_subleaf & BIT(cpuid_cache_slot(7)));
	assert_true(c.by_subleaf & BIT(cpuid_cache_slot(0xd)));
	assert_false(c.by_subleaf & BIT(cpuid_cache_slot(1)));
}

static void test_cache_matches_model(void **state)
{
	struct cpuid_guest nested = guest;

	nested.nested_svm = true;
	nested.nested_asids = 16;
	check_cache_matches_model(all_ones_host, &guest);
	check_cache_matches_model(epyc_host, &guest);
	check_cache_matches_model(all_ones_host, &nested);
	check_cache_matches_model(epyc_host, &nested);
}

/*
 * Each EFER bit follows its feature in leaf 0x80000001: one row a bit,
 * each alone, and the model's own answer for a host with everything
 * (FFXSR offered, so EFER.FFXSR allowed; SVM only with nested-svm).
 */
static void test_efer_follows_leaf_80000001(void **state)
{
	static const struct { u32 ecx, edx; u64 efer; } rows[] = {
		{ 0, BIT(11), EFER_SCE },
		{ 0, BIT(29), EFER_LME | EFER_LMA },
		{ 0, BIT(20), EFER_NXE },
		{ BIT(2), 0, EFER_SVME },
		{ 0, BIT(25), EFER_FFXSR },
		{ (u32)~BIT(2), (u32)~(BIT(11) | BIT(29) | BIT(20) | BIT(25)), 0 },
	};
	struct cpuid_guest nested = guest;
	struct cpuid_regs r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		r = (struct cpuid_regs){ .ecx = rows[i].ecx, .edx = rows[i].edx };
		assert_int_equal(cpuid_efer_allowed(&r), rows[i].efer);
	}
	r = q(all_ones_host, &guest, 0x80000001, 0);
	assert_int_equal(cpuid_efer_allowed(&r),
			 EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR);
	nested.nested_svm = true;
	r = q(all_ones_host, &nested, 0x80000001, 0);
	assert_true(cpuid_efer_allowed(&r) & EFER_SVME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hypervisor_leaves),
		cmocka_unit_test(test_leaf1_masks),
		cmocka_unit_test(test_leaf7),
		cmocka_unit_test(test_extended_features),
		cmocka_unit_test(test_max_leaves_clamped),
		cmocka_unit_test(test_address_sizes),
		cmocka_unit_test(test_xsave_states),
		cmocka_unit_test(test_unlisted_leaves_are_zero),
		cmocka_unit_test(test_brand_and_caches_pass),
		cmocka_unit_test(test_cache_matches_model),
		cmocka_unit_test(test_efer_follows_leaf_80000001),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
