#ifndef CORE_SELFTEST_H
#define CORE_SELFTEST_H

#include <core/boot.h>

/*
 * hv.test=boot or hv.test=fault ask for a self-test suite; any other
 * hv.test value runs the configured VMs with a verdict at the end (QEMU
 * exits with status 1 when every VM ended as its "expect" says).
 */
bool selftest_wanted(const struct boot_info *bi);

/*
 * The hypervisor's own checks, run instead of the VMs when the command
 * line says hv.test=<suite>. They print TAP on the console and end the
 * run with arch_test_exit().
 */
__noreturn void selftest_run(const struct boot_info *bi);

#endif
