#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <lib/fdt.h>

/* CNTFRQ_EL0, or the timer node's clock-frequency when firmware left it 0. */
int arm64_time_init(const struct fdt *fdt);

/* Disables this CPU's EL2 physical timer (CNTHP, PPI 26) once it fired. */
void arm64_host_timer_stop(void);

#endif
