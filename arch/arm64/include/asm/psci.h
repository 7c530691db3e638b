#ifndef ASM_PSCI_H
#define ASM_PSCI_H

#include <lib/fdt.h>

/* Finds /psci and checks its conduit and version; 0 or a negative errno. */
int psci_init(const struct fdt *fdt);
bool psci_available(void);
/* Starts @mpidr at physical @entry with x0 = @context. */
int psci_cpu_on(u64 mpidr, u64 entry, u64 context);
/* Returns only if the firmware refused. */
void psci_system_off(void);

#endif
