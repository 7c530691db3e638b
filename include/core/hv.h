#ifndef CORE_HV_H
#define CORE_HV_H

#include <core/boot.h>

#define HV_NAME		"microhv"
#define HV_VERSION	"0.1"

/* Status codes for arch_test_exit(): 0 is success. */
#define HV_TEST_EXIT_PASS	0
#define HV_TEST_EXIT_FAIL	1
#define HV_TEST_EXIT_PANIC	2
#define HV_TEST_EXIT_FAULT	3

/* Entered once on the boot CPU after the arch entry parsed the boot info. */
__noreturn void hv_main(struct boot_info *bi);
/* Entered by every secondary CPU once its arch state is up. */
__noreturn void hv_secondary_main(void);

/*
 * Called by an arch exception handler after it printed its dump: stops
 * this CPU, or, under a test command line, ends the run with
 * HV_TEST_EXIT_FAULT so that the runner sees the fault at once.
 */
__noreturn void hv_cpu_faulted(void);

extern const struct boot_info *hv_boot_info;
bool hv_test_mode(void);

#endif
