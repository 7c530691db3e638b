/* SOURCES: arch/arm64/guest_dtb.c lib/fdt_write.c lib/fdt.c lib/string.c lib/errno.c */
/* CFLAGS: -Iarch/arm64/include */
#include "test_support.h"

#include <asm/guest_dtb.h>
#include <asm/vgic.h>
#include <lib/errno.h>
#include <lib/fdt.h>
#include <lib/fdt_write.h>
#include <string.h>

/*
 * The guest DTB generator, its output parsed back with lib/fdt.c: every
 * node and property a guest (Linux's arm64 boot, the test guests) reads.
 */
static u8 buf[GUEST_DTB_MAX];
static struct fdt f;

static const struct guest_dt two_cpus = {
	.nr_cpus = 2,
	.ram = { { 0x40000000, 0x4000000 }, { 0x100000000ULL, 0x200000 } },
	.nr_ram = 2,
	.gic_dist = VGIC_DEFAULT_DIST_BASE,
	.gic_redist = VGIC_DEFAULT_REDIST_BASE,
	.uart = { { 0x09000000, 1 } },
	.nr_uarts = 1,
	.bootargs = "console=ttyAMA0 earlycon",
};

static void build(const struct guest_dt *dt)
{
	size_t len;

	assert_int_equal(guest_dtb_build(dt, buf, sizeof(buf), &len), 0);
	assert_true(len <= sizeof(buf));
	assert_int_equal(fdt_init(&f, buf, len), 0);
}

static int node(const char *path)
{
	int n = fdt_path(&f, path, strlen(path));

	assert_true(n >= 0);
	return n;
}

static void assert_string(int n, const char *prop, const char *want)
{
	const char *s;

	assert_true(fdt_prop_string(&f, n, prop, &s) >= 0);
	assert_string_equal(s, want);
}

static u32 cell(const void *val, unsigned int i)
{
	const u8 *b = (const u8 *)val + 4 * i;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static void test_root_chosen_memory(void **state)
{
	u64 base, size;

	build(&two_cpus);
	assert_int_equal(fdt_address_cells(&f, fdt_root(&f)), 2);
	assert_int_equal(fdt_size_cells(&f, fdt_root(&f)), 2);
	assert_int_equal(fdt_is_compatible(&f, fdt_root(&f), "linux,dummy-virt"), 1);
	assert_string(node("/chosen"), "bootargs", "console=ttyAMA0 earlycon");
	assert_string(node("/chosen"), "stdout-path", "/pl011@9000000");
	assert_string(node("/memory@40000000"), "device_type", "memory");
	assert_int_equal(fdt_reg(&f, node("/memory@40000000"), 0, &base, &size), 0);
	assert_int_equal(base, 0x40000000);
	assert_int_equal(size, 0x4000000);
	assert_int_equal(fdt_reg(&f, node("/memory@100000000"), 0, &base, &size), 0);
	assert_int_equal(base, 0x100000000ULL);
	assert_int_equal(size, 0x200000);
}

static void test_cpus_psci(void **state)
{
	int cpus, n, count = 0;
	u32 reg;

	build(&two_cpus);
	cpus = node("/cpus");
	for (n = fdt_first_subnode(&f, cpus); n >= 0; n = fdt_next_subnode(&f, n)) {
		assert_string(n, "device_type", "cpu");
		assert_string(n, "enable-method", "psci");
		assert_int_equal(fdt_prop_u32(&f, n, "reg", &reg), 0);
		/* The MPIDR the vCPU reads (VGIC_VCPU_MPIDR without its RES1 bit). */
		assert_int_equal(reg, VGIC_VCPU_MPIDR(count) & 0xff00ffffffULL);
		count++;
	}
	assert_int_equal(count, 2);
	assert_string(node("/psci"), "method", "hvc");
	assert_int_equal(fdt_is_compatible(&f, node("/psci"), "arm,psci-0.2"), 1);
	assert_int_equal(fdt_is_compatible(&f, node("/psci"), "arm,psci-1.0"), 1);
}

static void test_gic_timer_uart(void **state)
{
	const void *val;
	u32 len, phandle, parent;
	u64 base, size;
	int gic, timer, uart;

	build(&two_cpus);
	gic = node("/intc@8000000");
	assert_int_equal(fdt_is_compatible(&f, gic, "arm,gic-v3"), 1);
	assert_int_equal(fdt_prop(&f, gic, "interrupt-controller", &val, &len), 0);
	assert_int_equal(fdt_reg(&f, gic, 0, &base, &size), 0);
	assert_int_equal(base, VGIC_DEFAULT_DIST_BASE);
	assert_int_equal(size, VGIC_DIST_SIZE);
	assert_int_equal(fdt_reg(&f, gic, 1, &base, &size), 0);
	assert_int_equal(base, VGIC_DEFAULT_REDIST_BASE);
	assert_int_equal(size, 2 * VGIC_REDIST_SIZE);
	assert_int_equal(fdt_prop_u32(&f, gic, "phandle", &phandle), 0);
	assert_int_equal(fdt_prop_u32(&f, fdt_root(&f), "interrupt-parent", &parent), 0);
	assert_int_equal(parent, phandle);

	timer = node("/timer");
	assert_int_equal(fdt_is_compatible(&f, timer, "arm,armv8-timer"), 1);
	assert_int_equal(fdt_prop(&f, timer, "interrupts", &val, &len), 0);
	assert_int_equal(len, 12 * 4);
	/* Secure, non-secure physical, virtual (PPI 11 = INTID 27), hypervisor. */
	assert_int_equal(cell(val, 1), 13);
	assert_int_equal(cell(val, 4), 14);
	assert_int_equal(cell(val, 7), VGIC_VTIMER_INTID - 16);
	assert_int_equal(cell(val, 10), 10);

	uart = node("/pl011@9000000");
	assert_int_equal(fdt_is_compatible(&f, uart, "arm,pl011"), 1);
	assert_int_equal(fdt_is_compatible(&f, uart, "arm,primecell"), 1);
	assert_int_equal(fdt_reg(&f, uart, 0, &base, &size), 0);
	assert_int_equal(base, 0x09000000);
	assert_int_equal(fdt_prop(&f, uart, "interrupts", &val, &len), 0);
	assert_int_equal(len, 12);
	assert_int_equal(cell(val, 0), 0);	/* SPI */
	assert_int_equal(cell(val, 1), 1);
	assert_int_equal(fdt_stringlist_get(&f, uart, "clock-names", 1, &(const char *){ NULL }),
			 8);
}

static void test_errors(void **state)
{
	struct guest_dt dt = two_cpus;
	size_t len;

	assert_int_equal(guest_dtb_build(&dt, buf, 64, &len), -ENOSPC);
	dt.nr_cpus = 0;
	assert_int_equal(guest_dtb_build(&dt, buf, sizeof(buf), &len), -EINVAL);
	dt.nr_cpus = VM_MAX_VCPUS + 1;
	assert_int_equal(guest_dtb_build(&dt, buf, sizeof(buf), &len), -EINVAL);
	dt = two_cpus;
	dt.nr_ram = 0;
	assert_int_equal(guest_dtb_build(&dt, buf, sizeof(buf), &len), -EINVAL);
	dt = two_cpus;
	dt.nr_uarts = 0;
	dt.bootargs = NULL;
	build(&dt);
	assert_string(node("/chosen"), "bootargs", "");
	assert_true(fdt_path(&f, "/pl011@9000000", 14) < 0);
	assert_int_equal(fdt_prop(&f, node("/chosen"), "linux,initrd-start", NULL, NULL), -ENOENT);
}

static void test_initrd(void **state)
{
	struct guest_dt dt = two_cpus;
	u64 start, end;

	dt.initrd_start = 0x43c00000;
	dt.initrd_end = 0x43d00123;
	build(&dt);
	assert_int_equal(fdt_prop_uint(&f, node("/chosen"), "linux,initrd-start", &start), 0);
	assert_int_equal(fdt_prop_uint(&f, node("/chosen"), "linux,initrd-end", &end), 0);
	assert_int_equal(start, 0x43c00000);
	assert_int_equal(end, 0x43d00123);
}

/* The writer alone: unbalanced nodes and a full buffer are reported at the end. */
static void test_writer(void **state)
{
	struct fdt_writer w;
	size_t len;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	assert_int_equal(fdtw_finish(&w, &len), -EINVAL);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, &len), -EINVAL);
	fdtw_init(&w, buf, 60);
	fdtw_begin_node(&w, "");
	fdtw_prop_string(&w, "a-long-property-name", "and a longer value than fits");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, &len), -ENOSPC);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "x", 1);
	fdtw_prop_u32(&w, "x", 2);	/* one string for both */
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w, &len), 0);
	assert_int_equal(fdt_init(&f, buf, len), 0);
	assert_int_equal(w.strings_len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_chosen_memory),
		cmocka_unit_test(test_cpus_psci),
		cmocka_unit_test(test_gic_timer_uart),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
