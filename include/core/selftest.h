#ifndef CORE_SELFTEST_H
#define CORE_SELFTEST_H

#include <core/boot.h>

/*
 * The hypervisor's own checks, run instead of the VMs when the command
 * line says hv.test=<suite>. They print TAP on the console and end the
 * run with arch_test_exit().
 */
__noreturn void selftest_run(const struct boot_info *bi);

#endif
