#include <core/console.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <asm/psci.h>

#define PSCI_0_2_VERSION		0x84000000u
#define PSCI_0_2_SYSTEM_OFF		0x84000008u
#define PSCI_0_2_CPU_ON_64		0xc4000003u

#define PSCI_SUCCESS			0
#define PSCI_NOT_SUPPORTED		-1
#define PSCI_INVALID_PARAMETERS		-2
#define PSCI_DENIED			-3
#define PSCI_ALREADY_ON			-4
#define PSCI_ON_PENDING			-5
#define PSCI_INTERNAL_FAILURE		-6
#define PSCI_INVALID_ADDRESS		-9

/* Set once on the boot CPU in arch_init(), before any secondary starts. */
static bool psci_ok;

/*
 * SMC Calling Convention: arguments in x0-x3, result in x0; x4-x17 may
 * be clobbered by the firmware.
 */
static s64 psci_smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			       "x14", "x15", "x16", "x17", "memory");
	return (s64)x0;
}

static int psci_errno(s64 ret)
{
	switch (ret) {
	case PSCI_SUCCESS:
		return 0;
	case PSCI_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case PSCI_INVALID_PARAMETERS:
	case PSCI_INVALID_ADDRESS:
		return -EINVAL;
	case PSCI_DENIED:
		return -EPERM;
	case PSCI_ALREADY_ON:
		return -EALREADY;
	case PSCI_ON_PENDING:
		return -EBUSY;
	default:
		return -EIO;
	}
}

/*
 * The hypervisor runs at EL2, so only an SMC reaches the firmware: an HVC
 * from EL2 traps to EL2 itself. PSCI 0.1 has no standard function IDs
 * (and no SYSTEM_OFF), so 0.2 or later is required.
 */
int psci_init(const struct fdt *f)
{
	const char *method;
	int node = f->blob ? fdt_path(f, "/psci", 5) : -ENOENT;
	u32 version;

	if (node < 0)
		return trace_err(-ENODEV, "no /psci node in the DTB");
	if (fdt_is_compatible(f, node, "arm,psci-0.2") <= 0 &&
	    fdt_is_compatible(f, node, "arm,psci-1.0") <= 0)
		return trace_err(-EOPNOTSUPP, "/psci is not PSCI 0.2 or later");
	if (fdt_prop_string(f, node, "method", &method) < 0)
		return trace_err(-EINVAL, "/psci has no method");
	if (strcmp(method, "smc"))
		return trace_err(-EOPNOTSUPP, "PSCI method \"%s\" cannot reach firmware from EL2",
				 method);
	version = (u32)psci_smc(PSCI_0_2_VERSION, 0, 0, 0);
	pr_info("PSCI %u.%u through SMC\n", version >> 16, version & 0xffff);
	psci_ok = true;
	return 0;
}

bool psci_available(void)
{
	return psci_ok;
}

int psci_cpu_on(u64 mpidr, u64 entry, u64 context)
{
	if (!psci_ok)
		return -ENODEV;
	return psci_errno(psci_smc(PSCI_0_2_CPU_ON_64, mpidr, entry, context));
}

void psci_system_off(void)
{
	if (psci_ok)
		psci_smc(PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
}
